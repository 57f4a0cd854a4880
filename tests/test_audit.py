"""kg audit: the evidence on a question, grouped by stance, with certainty and reasons; and conflicts found."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.audit import Stance, audit, summary, write
from kg.audit.doc import blocks, refresh
from kg.cli import main
from kg.errors import UsageError
from kg.incremental import build

from .conftest import REPO


def _ids(built_store: Path, **question: object) -> dict[str, list[tuple[str, str]]]:
    evidence = audit(built_store, **question)  # type: ignore[arg-type]
    return {stance.value: [(c.record.identifier, c.certainty.level.value) for c in evidence.group(stance)]
            for stance in Stance}


def test_does_ketamine_reduce_chronic_migraine(built_store: Path) -> None:
    found = _ids(built_store, subject="CHEBI:6121", obj="ent:chronic-migraine", category="efficacy")
    assert found["supporting"] == [
        ("appeal-efficacy-case-series", "moderate"), ("appeal-efficacy-cm-ndph-chronic-migraine", "low"),
        ("article-efficacy-frequency", "very-low"), ("article-efficacy-quality-of-life", "very-low"),
        ("article-efficacy-severity", "very-low")]
    assert found["challenging"] == [
        ("appeal-efficacy-controlled-studies-lacking", "high"), ("appeal-efficacy-high-quality-data-lacking", "high"),
        ("appeal-research-paucity", "high")]
    # the same two entities, as object or as the condition a claim is restricted to, other categories
    assert [claim for claim, _ in found["neutral"]] == [
        "appeal-access-insurer-denied", "appeal-access-not-medically-necessary", "appeal-indication-not-indicated",
        "appeal-regulatory-denial-upheld", "appeal-research-case-series-trials", "appeal-research-cm-ndph-trials",
        "article-access-not-covered", "article-indication-new-option", "article-mechanism-nmda-blockade",
        "article-mechanism-not-understood", "article-research-long-term-effects"]


def test_every_claim_carries_its_reasons_and_facets(built_store: Path) -> None:
    evidence = audit(built_store, subject="CHEBI:6121", obj="ent:chronic-migraine", category="efficacy")
    body = json.loads(write(evidence, "json"))
    [frequency] = [c for c in body["supporting"] if c["id"] == "article-efficacy-frequency"]
    assert (frequency["claim"], frequency["modality"], frequency["cues"], frequency["attributed_to"],
            frequency["citation"], frequency["document_kind"], frequency["challenged_by"]) == (
        "ketamine is claimed to reduce the frequency of chronic migraine", "hedged", ["may", "suggests"],
        "National Institute of Mental Health", "named-unreferenced", "web-article",
        ["appeal-efficacy-controlled-studies-lacking", "appeal-efficacy-high-quality-data-lacking",
         "appeal-research-paucity"])
    assert [r["words"] for r in frequency["certainty_reasons"]] == [
        "starts very low as a web article", "hedged: -1",
        "named source without a reference: National Institute of Mental Health: -1",
        "the document links to a seller (https://www.nepenthewellness.com/ketamine-therapy/): -1",
        "challenged by appeal-efficacy-controlled-studies-lacking, appeal-efficacy-high-quality-data-lacking, "
        "appeal-research-paucity: -1",
        "supported by appeal-efficacy-cm-ndph-chronic-migraine: +1"]
    assert frequency["quote"] in frequency["sentence"]
    assert body["summary"] == summary(evidence)
    assert body["summary"].startswith("2 documents make 19 claims on ketamine → chronic migraine (efficacy). "
                                      "Supporting: 5 claims from a regulatory decision, a web article; 3 hedged; ")


def test_adverse_effects_rank_the_label_above_the_article(built_store: Path) -> None:
    found = _ids(built_store, subject="CHEBI:6121", category="adverse-effect")
    documents = [claim.split("-")[0] for claim, _ in found["supporting"]]
    assert documents == ["label"] * 6 + ["article"] * 3
    assert [level for _, level in found["supporting"]] == ["high"] * 3 + ["moderate"] * 3 + ["very-low"] * 3
    assert found["challenging"] == found["neutral"] == []


def test_a_question_about_migraine_includes_chronic_migraine(built_store: Path) -> None:
    wide = _ids(built_store, obj="MONDO:0005277", category="efficacy")
    exact = _ids(built_store, obj="MONDO:0005277", category="efficacy", exact=True)
    assert ("article-efficacy-frequency", "very-low") in wide["supporting"]
    assert ("article-efficacy-frequency", "very-low") not in exact["supporting"]
    assert len(wide["supporting"]) + len(wide["challenging"]) == 14
    assert len(exact["supporting"]) + len(exact["challenging"]) == 3


def test_a_question_without_claims_says_so_and_names_the_nearest(built_store: Path) -> None:
    evidence = audit(built_store, obj="MONDO:0005277", category="prevalence", exact=True)
    assert evidence.claims == ()
    assert summary(evidence).startswith("No claim of the graph is on anything → migraine disorder (prevalence, "
                                        "exact entities only). Nearest entities with claims: chronic migraine")


@pytest.mark.parametrize(("argument", "message"), [
    (["--subject", "CHEBI:612"], "the subject 'CHEBI:612' is not an entity of the graph: the closest are CHEBI:6121"),
    (["--predicate", "cekg:treat"], "the predicate 'cekg:treat' is not a claim predicate of the graph: the closest "
                                    "are cekg:treats"),
    (["--category", "eficacy"], "unknown category 'eficacy': use one of prevalence, presentation, mechanism, "
                                "efficacy, adverse-effect, regulatory-status, access-and-cost, indication, history, "
                                "research-status"),
])
def test_an_unknown_name_in_a_question_gets_the_closest(built_store: Path, capsys: pytest.CaptureFixture[str],
                                                        argument: list[str], message: str) -> None:
    assert main(["audit", "--store", str(built_store), *argument]) == 2
    assert capsys.readouterr().err.strip().startswith(f"Error: {message}")
    with pytest.raises(UsageError):
        audit(built_store, **{argument[0].removeprefix("--"): argument[1]})  # type: ignore[arg-type]


def test_markdown_and_table_lay_out_the_groups(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--store", str(built_store), "--subject", "CHEBI:6121", "--object",
                 "ent:chronic-migraine", "--category", "efficacy", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert re.findall(r"^## .*$", markdown, flags=re.M) == [
        "## Supporting", "## Challenging", "## Related (same entities, other predicate or category)"]
    assert ("- **ketamine is claimed to have evidence of efficacy for chronic migraine (negated)** — high certainty "
            "(`appeal-efficacy-controlled-studies-lacking`, ny-dfs-appeal-202308-166215, regulatory-decision)"
            in markdown)
    assert main(["audit", "--store", str(built_store), "--subject", "CHEBI:6121", "--category", "adverse-effect"]) == 0
    table = capsys.readouterr().out
    assert "  [    high] ketamine is claimed to have the adverse effect elevated blood pressure  " \
           "(label-adverse-blood-pressure, fda-label-ketamine-injection)" in table


def test_the_page_is_self_contained_and_escapes_document_text(built_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    assert main(["audit", "--store", str(built_store), "--subject", "CHEBI:6121", "--category", "efficacy",
                 "--format", "html", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page.replace("http-equiv", "")
    assert "default-src 'none'" in page
    assert ("<mark>A study conducted by the National Institute of Mental Health suggests that ketamine infusion "
            "therapy may significantly reduce the frequency and severity of chronic migraines.</mark>") in page
    assert "found that the treatment lead to &quot;short term improvement in pain severity.&quot;</mark>" in page
    assert page.count('<div class="claim"') == len(audit(built_store, subject="CHEBI:6121", category="efficacy").claims)


def test_conflicts_nobody_linked_are_found(data_copy: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    build(data_copy, store)
    assert main(["audit", "--store", str(store), "--conflicts"]) == 0
    assert capsys.readouterr().out == "No unlinked conflicts: every contradiction between documents is already " \
                                      "linked.\n"
    claims = data_copy / "claims" / "ny-dfs-appeal-202308-166215.yaml"
    text = claims.read_text(encoding="utf-8")
    block = text[text.index("- id: appeal-efficacy-case-series"):]
    block = block[:block.index("\n- id:")]
    edited = block.replace("polarity: affirmed", "polarity: negated").replace(
        "  supports: [article-efficacy-severity]\n", "")
    claims.write_text(text.replace(block, edited), encoding="utf-8")
    build(data_copy, store)
    assert main(["audit", "--store", str(store), "--conflicts", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{
        "first": "appeal-efficacy-case-series", "first_document": "ny-dfs-appeal-202308-166215",
        "second": "article-efficacy-severity", "second_document": "ketamine-migraine-article",
        "reason": "same statement, opposite polarity",
        "to_confirm": "add 'challenges: [appeal-efficacy-case-series]' to article-efficacy-severity in "
                      "data/claims/ketamine-migraine-article.yaml"}]


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--help"]) == 0
    text = capsys.readouterr().out
    assert "kg audit --subject CHEBI:6121 --object ent:chronic-migraine --category efficacy" in text
    assert (REPO / "ontology" / "certainty.yaml").is_file()


def test_the_figures_of_the_audit_guide_are_the_corpus_answers(store: ox.Store) -> None:
    page = REPO / "docs" / "audit.md"
    text = page.read_text(encoding="utf-8")
    assert refresh(text, blocks(store)) == text, "docs/audit.md is out of date: run `make reference`"
    assert "| very low | 34 |" in text
