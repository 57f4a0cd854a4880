"""Certainty: how firmly the graph holds each claim, derived by rules anyone can read.

The rule set is a YAML file (the shipped one is ``ontology/certainty.yaml``, explained in ``docs/certainty.md``),
in the spirit of GRADE but for documents of any kind. A claim starts at the level of its document's kind, then
each rule that holds for it moves the level by the rule's change; the level is the start plus the changes, kept
between very low and high. Every rule that holds is a :class:`Reason`, with the document, claim, agent or link
that made it hold, so that a level can always be explained, and re-derived, from its reasons alone
(:func:`level_of`).

>>> rules = load_rules()
>>> facts = Facts(claim="c", document="d", kind=DocumentKind.WEB_ARTICLE, modality=Modality.HEDGED,
...               citation=CitationStatus.NAMED_UNREFERENCED, agent="a", supported_by=(("c2", "d2"),))
>>> found = assess(facts, rules)
>>> found.level.value, [(r.rule.value, r.change) for r in found.reasons]
('very-low', [('source-kind', 0), ('hedged', -1), ('unreferenced-agent', -1), ('independent-support', 1)])
>>> level_of(found.reasons) is found.level
True
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _yaml
from .errors import DataError, Problem
from .resources import certainty_file
from .vocab import Certainty, CertaintyRule, CitationStatus, DocumentKind, Modality

__all__ = ["Assessment", "Facts", "Reason", "RuleSet", "assess", "level_of", "load_rules"]

#: The rules whose change the rule file sets (the start is set per kind of source, under ``start``).
CHANGES = tuple(rule for rule in CertaintyRule if rule is not CertaintyRule.SOURCE_KIND)


@dataclass(frozen=True)
class RuleSet:
    """A certainty rule set: the start level of each kind of source and the change of each rule.

    Attributes:
        start: the level a claim starts from, by the kind of its document.
        changes: by how many levels each rule moves a claim it holds for (negative lowers).
        replaces: the rules each rule replaces: when both hold, only the replacing one counts.
        source: where the rules were read from, for messages.
    """

    start: Mapping[DocumentKind, Certainty]
    changes: Mapping[CertaintyRule, int]
    replaces: Mapping[CertaintyRule, tuple[CertaintyRule, ...]] = field(default_factory=dict)
    source: str = "ontology/certainty.yaml"


@dataclass(frozen=True)
class Facts:
    """What one claim's certainty is derived from.

    Attributes:
        claim: the claim's IRI.
        document: the IRI of the document that makes it.
        kind: that document's kind.
        modality: how firmly the document commits to the claim.
        citation: what evidence the document gives for it.
        agent: the agent the claim is attributed to, if any.
        promotional_links: the document's promotional outbound links (their IRIs).
        supported_by: ``(claim, document)`` of every claim that supports this one.
        challenged_by: ``(claim, document)`` of every claim that challenges this one.
    """

    claim: str
    document: str
    kind: DocumentKind
    modality: Modality
    citation: CitationStatus
    agent: str | None = None
    promotional_links: tuple[str, ...] = ()
    supported_by: tuple[tuple[str, str], ...] = ()
    challenged_by: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reason:
    """One reason for a claim's certainty: a rule that holds, what it does, and what made it hold.

    Attributes:
        rule: the rule.
        change: the levels it moves the claim by (0 for the start).
        causes: the IRIs of what made it hold: the document, the agent, the link, the other claims.
        start: for the source-kind rule, the level it starts the claim at.
    """

    rule: CertaintyRule
    change: int
    causes: tuple[str, ...]
    start: Certainty | None = None


@dataclass(frozen=True)
class Assessment:
    """A claim's certainty level with every reason for it, the start first."""

    level: Certainty
    reasons: tuple[Reason, ...]


def level_of(reasons: Iterable[Reason]) -> Certainty:
    """Return the level that reasons give: the start plus every change, kept between very low and high.

    Raises:
        ValueError: there is no start among the reasons, or more than one.
    """
    reasons = list(reasons)
    starts = [r.start for r in reasons if r.start is not None]
    if len(starts) != 1:
        raise ValueError(f"a certainty needs exactly one start level among its reasons, not {len(starts)}")
    levels = list(Certainty)
    rank = starts[0].rank + sum(r.change for r in reasons)
    return levels[max(0, min(len(levels) - 1, rank))]


def assess(facts: Facts, rules: RuleSet) -> Assessment:
    """Return the certainty of one claim, with its reasons in the order of the rules."""
    holding: dict[CertaintyRule, tuple[str, ...]] = {}
    if facts.modality is Modality.HEDGED:
        holding[CertaintyRule.HEDGED] = (facts.document,)
    elif facts.modality is Modality.SPECULATIVE:
        holding[CertaintyRule.SPECULATIVE] = (facts.document,)
    if facts.agent is not None and facts.citation is CitationStatus.NAMED_UNREFERENCED:
        holding[CertaintyRule.UNREFERENCED_AGENT] = (facts.agent,)
    if facts.promotional_links:
        holding[CertaintyRule.PROMOTIONAL_LINK] = tuple(sorted(set(facts.promotional_links)))
    for rule, links in ((CertaintyRule.CHALLENGED, facts.challenged_by),
                        (CertaintyRule.INDEPENDENT_SUPPORT, facts.supported_by)):
        others = sorted({claim for claim, document in links if document != facts.document})
        if others:
            holding[rule] = tuple(others)
    for rule in list(holding):
        for replaced in rules.replaces.get(rule, ()):
            holding.pop(replaced, None)
    start = rules.start[facts.kind]
    reasons = [Reason(CertaintyRule.SOURCE_KIND, 0, (facts.document,), start=start)]
    reasons += [Reason(rule, rules.changes[rule], holding[rule]) for rule in CHANGES
                if rule in holding and rules.changes.get(rule, 0) != 0]
    return Assessment(level_of(reasons), tuple(reasons))


def load_rules(path: Path | None = None) -> RuleSet:
    """Read a certainty rule file (by default the shipped ``ontology/certainty.yaml``).

    Raises:
        DataError: the file names an unknown rule, level or kind of source, leaves a kind without a start, gives
            a change that is not a whole number, or has rules that replace each other in a cycle; each problem
            names the file and line.
    """
    path = path or certainty_file()
    name = str(path)
    raw = _yaml.load(path, label=name)
    problems: list[Problem] = []

    def problem(message: str, line: int | None) -> None:
        problems.append(Problem(message, file=name, line=line))

    if not isinstance(raw, _yaml.LocatedDict):
        raise DataError([Problem("a certainty rule file is a mapping with 'start' and 'rules'", file=name)])
    for key in sorted(set(raw) - {"start", "rules"}):
        problem(f"unknown key {key!r}: a certainty rule file has only 'start' and 'rules'", raw.line_of(key))
    start = _starts(raw.get("start"), raw.line_of("start"), problem)
    changes, replaces, lines = _changes(raw.get("rules"), raw.line_of("rules"), problem)
    cycle = _cycle(replaces)
    if cycle:
        problem("rules replace each other in a cycle (" + " -> ".join(r.value for r in cycle) + "): a rule may "
                "replace another only if that one does not replace it back", lines[cycle[0]])
    if problems:
        raise DataError(problems)
    return RuleSet(start, changes, replaces, source=name)


def _closest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{hint}; use one of {', '.join(choices)}"


def _member(enum: type[Any], value: object, what: str, line: int | None, problem: Any) -> Any:
    choices = [m.value for m in enum]
    if isinstance(value, str) and value in choices:
        return enum(value)
    problem(f"unknown {what} {value!r}{_closest(str(value), choices)}", line)
    return None


def _starts(raw: object, line: int, problem: Any) -> dict[DocumentKind, Certainty]:
    if not isinstance(raw, _yaml.LocatedDict):
        problem("'start' must map each kind of source to a level, e.g. 'drug-label: high'", line)
        return {}
    start: dict[DocumentKind, Certainty] = {}
    for key, value in raw.items():
        kind = _member(DocumentKind, key, "kind of source", raw.line_of(key), problem)
        level = _member(Certainty, value, "certainty level", raw.line_of(key), problem)
        if kind is not None and level is not None:
            start[kind] = level
    missing = [k.value for k in DocumentKind if k not in start and k.value not in raw]
    if missing:
        problem(f"no start level for {', '.join(missing)}: give every kind of source a level under 'start'", line)
    return start


def _changes(raw: object, line: int, problem: Any) -> tuple[dict[CertaintyRule, int],
                                                           dict[CertaintyRule, tuple[CertaintyRule, ...]],
                                                           dict[CertaintyRule, int]]:
    changes: dict[CertaintyRule, int] = {}
    replaces: dict[CertaintyRule, tuple[CertaintyRule, ...]] = {}
    lines: dict[CertaintyRule, int] = {}
    if not isinstance(raw, list):
        problem("'rules' must be a list of entries such as '- rule: hedged' with 'change: -1'", line)
        return changes, replaces, lines
    choices = [r.value for r in CHANGES]
    for entry in raw:
        at = entry.line if isinstance(entry, _yaml.LocatedDict) else line
        if not isinstance(entry, _yaml.LocatedDict) or "rule" not in entry:
            problem("each entry of 'rules' is a mapping with 'rule' and 'change'", at)
            continue
        for key in sorted(set(entry) - {"rule", "change", "replaces"}):
            problem(f"unknown key {key!r} in a rule: use rule, change and replaces", entry.line_of(key))
        name = entry["rule"]
        if name not in choices:
            problem(f"unknown rule {name!r}{_closest(str(name), choices)}", entry.line_of("rule"))
            continue
        rule = CertaintyRule(name)
        if rule in lines:
            problem(f"rule {name!r} is given twice (first on line {lines[rule]}): keep one", at)
            continue
        lines[rule] = at
        change = entry.get("change")
        if isinstance(change, bool) or not isinstance(change, int) or not -3 <= change <= 3:
            problem(f"the change of rule {name!r} must be a whole number of levels from -3 to 3, not {change!r}",
                    entry.line_of("change"))
            continue
        changes[rule] = change
        named = entry.get("replaces", [])
        named = [named] if isinstance(named, str) else named
        found = [_member(CertaintyRule, n, "rule", entry.line_of("replaces"), problem) for n in named]
        replaces[rule] = tuple(r for r in found if r is not None)
    return changes, replaces, lines


def _cycle(replaces: Mapping[CertaintyRule, tuple[CertaintyRule, ...]]) -> list[CertaintyRule]:
    """Return the rules of a replacement cycle, the first one repeated at the end; empty when there is none."""
    def visit(rule: CertaintyRule, path: list[CertaintyRule]) -> list[CertaintyRule]:
        if rule in path:
            return [*path[path.index(rule):], rule]
        for other in replaces.get(rule, ()):
            found = visit(other, [*path, rule])
            if found:
                return found
        return []

    for rule in replaces:
        found = visit(rule, [])
        if found:
            return found
    return []
