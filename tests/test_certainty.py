"""Certainty: the rule file, each rule, and every level of the corpus re-derived from its reasons."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.audit.gather import _Context, facts_of
from kg.certainty import Facts, Reason, assess, level_of, load_rules
from kg.errors import DataError
from kg.sparql.claims import StatementView
from kg.vocab import Certainty, CertaintyRule, CitationStatus, DocumentKind, Modality

RULES = load_rules()
RULE_FILE = """start:
  regulatory-decision: high
  drug-label: high
  abstract: moderate
  news: low
  web-article: very-low
  marketing-page: very-low
rules:
  - rule: hedged
    change: -1
  - rule: challenged
    change: -1
"""


def _facts(**changes: object) -> Facts:
    base: dict[str, object] = {"claim": "c", "document": "d", "kind": DocumentKind.DRUG_LABEL,
                               "modality": Modality.ASSERTED, "citation": CitationStatus.NONE}
    return Facts(**{**base, **changes})  # type: ignore[arg-type]


def _reasons(facts: Facts) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(r.rule.value, r.change, r.causes) for r in assess(facts, RULES).reasons]


def test_the_shipped_rules_start_each_kind_of_source_at_its_level() -> None:
    assert {kind.value: level.value for kind, level in RULES.start.items()} == {
        "regulatory-decision": "high", "drug-label": "high", "abstract": "moderate", "news": "low",
        "web-article": "very-low", "marketing-page": "very-low"}
    assert {rule.value: change for rule, change in RULES.changes.items()} == {
        "hedged": -1, "speculative": -2, "unreferenced-agent": -1, "promotional-link": -1, "challenged": -1,
        "independent-support": 1}


@pytest.mark.parametrize(("facts", "level", "reasons"), [
    (_facts(), "high", [("source-kind", 0, ("d",))]),
    (_facts(modality=Modality.HEDGED), "moderate", [("source-kind", 0, ("d",)), ("hedged", -1, ("d",))]),
    (_facts(modality=Modality.SPECULATIVE), "low", [("source-kind", 0, ("d",)), ("speculative", -2, ("d",))]),
    (_facts(agent="a", citation=CitationStatus.NAMED_UNREFERENCED), "moderate",
     [("source-kind", 0, ("d",)), ("unreferenced-agent", -1, ("a",))]),
    (_facts(agent="a", citation=CitationStatus.TRACEABLE), "high", [("source-kind", 0, ("d",))]),
    (_facts(promotional_links=("l2", "l1", "l1")), "moderate",
     [("source-kind", 0, ("d",)), ("promotional-link", -1, ("l1", "l2"))]),
    (_facts(challenged_by=(("x", "d2"), ("y", "d3"), ("own", "d"))), "moderate",
     [("source-kind", 0, ("d",)), ("challenged", -1, ("x", "y"))]),
    (_facts(kind=DocumentKind.NEWS, supported_by=(("x", "d2"),)), "moderate",
     [("source-kind", 0, ("d",)), ("independent-support", 1, ("x",))]),
    (_facts(supported_by=(("x", "d"),)), "high", [("source-kind", 0, ("d",))]),  # the same document: not independent
    (_facts(kind=DocumentKind.WEB_ARTICLE, modality=Modality.SPECULATIVE), "very-low",
     [("source-kind", 0, ("d",)), ("speculative", -2, ("d",))]),
])
def test_each_rule(facts: Facts, level: str, reasons: list[tuple[str, int, tuple[str, ...]]]) -> None:
    assert assess(facts, RULES).level.value == level
    assert _reasons(facts) == reasons


def test_a_level_is_the_start_plus_the_changes_kept_within_the_scale() -> None:
    start = Reason(CertaintyRule.SOURCE_KIND, 0, ("d",), start=Certainty.LOW)
    assert level_of([start, Reason(CertaintyRule.INDEPENDENT_SUPPORT, 1, ("x",))]) is Certainty.MODERATE
    assert level_of([start, Reason(CertaintyRule.SPECULATIVE, -2, ("d",))]) is Certainty.VERY_LOW
    assert level_of([start, *[Reason(CertaintyRule.INDEPENDENT_SUPPORT, 1, ("x",))] * 5]) is Certainty.HIGH
    with pytest.raises(ValueError, match="exactly one start level among its reasons, not 0"):
        level_of([Reason(CertaintyRule.HEDGED, -1, ("d",))])


def test_a_replacing_rule_drops_the_one_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULE_FILE.replace("    change: -1\n  - rule: challenged",
                                      "    change: -1\n  - rule: challenged\n    replaces: hedged"), encoding="utf-8")
    rules = load_rules(path)
    facts = _facts(modality=Modality.HEDGED, challenged_by=(("x", "d2"),))
    assert [r.rule.value for r in assess(facts, rules).reasons] == ["source-kind", "challenged"]


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_rules(path)
    return [str(p).replace(str(path), "rules.yaml") for p in caught.value.problems]


@pytest.mark.parametrize(("old", "new", "problems"), [
    ("rule: challenged", "rule: challanged",
     ["rules.yaml:11: unknown rule 'challanged' (did you mean 'challenged'?); use one of hedged, speculative, "
      "unreferenced-agent, promotional-link, challenged, independent-support"]),
    ("news: low", "news: lowish",
     ["rules.yaml:5: unknown certainty level 'lowish' (did you mean 'low'?); use one of very-low, low, moderate, "
      "high"]),
    ("  news: low\n", "",
     ["rules.yaml:1: no start level for news: give every kind of source a level under 'start'"]),
    ("change: -1\n  - rule: challenged", "change: true\n  - rule: challenged",
     ["rules.yaml:10: the change of rule 'hedged' must be a whole number of levels from -3 to 3, not True"]),
    ("rule: challenged", "rule: hedged",
     ["rules.yaml:11: rule 'hedged' is given twice (first on line 9): keep one"]),
    ("    change: -1\n  - rule: challenged", "    change: -1\n    replaces: challenged\n  - rule: challenged\n"
     "    replaces: [hedged]",
     ["rules.yaml:9: rules replace each other in a cycle (hedged -> challenged -> hedged): a rule may replace "
      "another only if that one does not replace it back"]),
])
def test_a_bad_rule_file_is_refused_at_its_line(tmp_path: Path, old: str, new: str, problems: list[str]) -> None:
    assert old in RULE_FILE
    assert _problems(tmp_path, RULE_FILE.replace(old, new, 1)) == problems


def test_every_level_of_the_corpus_is_re_derived_from_its_reasons(store: ox.Store) -> None:
    view = StatementView(store)
    context = _Context(view, view.promotional_links())
    levels = {}
    for record in view.claims():
        found = assess(facts_of(context, record), RULES)
        assert level_of(found.reasons) is found.level
        levels[record.identifier] = (found.level.value, [(r.rule.value, r.change) for r in found.reasons])
    assert len(levels) == 69
    assert levels["article-efficacy-frequency"] == ("very-low", [
        ("source-kind", 0), ("hedged", -1), ("unreferenced-agent", -1), ("promotional-link", -1), ("challenged", -1),
        ("independent-support", 1)])
    assert levels["label-adverse-blood-pressure"] == ("high", [("source-kind", 0)])
    assert levels["appeal-efficacy-cm-ndph-chronic-migraine"] == ("low", [
        ("source-kind", 0), ("hedged", -1), ("unreferenced-agent", -1)])
    counts: dict[str, int] = {}
    for level, _ in levels.values():
        counts[level] = counts.get(level, 0) + 1
    # the article (34 claims, a web article with a promotional link) is very low throughout
    assert counts == {"high": 26, "moderate": 7, "low": 2, "very-low": 34}
