"""`kg extract` proposes anchored claims; `kg extract-score` measures them against the curated ones.

The corpus tests check exact proposals (content, polarity, modality, cues, attribution, quantities) and that the
measured table in docs/extraction.md is the one the extractor gives today. The review tests add a new document
to a private copy of the data, extract its claims into its claims file and build them, with and without
`--include-proposed`.
"""

from __future__ import annotations

import ast
import json
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg import __version__, iris
from kg.cli import main
from kg.corpus import Corpus, load_corpus
from kg.documents import add_document
from kg.extract import Extraction, Lexicon, ScoreFormat, cues, extract, render, score_corpus
from kg.extract.categories import CATEGORY_CUES, FRAMES, PREDICATE_RULES
from kg.extract.citations import find_references
from kg.extract.quantities import QuantityKind, find_quantities
from kg.extract.sentences import SegmentKind, segments, tokenize
from kg.store import open_store
from kg.vocab import Bound, DocumentKind

from .conftest import DATA, REPO

ARTICLE = "ketamine-migraine-article"
LABEL = "fda-label-ketamine-injection"
APPEAL = "ny-dfs-appeal-202308-166215"
#: The modules that read documents; none of them may look at curated claims.
READERS = ("sentences", "lexicon", "cues", "context", "categories", "quantities", "citations", "reading",
           "proposal", "propose")
CLINIC = """Ketamine Infusions at Our Clinic
Our clinic offers ketamine infusion therapy for depression and PTSD.
Side effects may include nausea and elevated blood pressure.
Most insurance plans do not cover ketamine infusions.
A 2019 trial found that ketamine reduced the severity of migraine attacks (doi:10.1000/xyz123).
Call us today to book a consultation!
"""
GARDEN = """Growing Tomatoes
Tomatoes need six hours of sun a day. Water the beds in the morning, so that the leaves dry before nightfall.
The Royal Horticultural Society recommends mulching in spring.
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _extraction(corpus: Corpus, name: str) -> Extraction:
    return extract(corpus.documents[name], Lexicon(corpus.entities.values()))


def _facts(extraction: Extraction, start: int) -> set[tuple[str, ...]]:
    """Return what the proposals quoting from ``start`` say: category, subject, predicate, object, polarity,
    modality and cues."""
    return {(p.category.value, p.subject, p.predicate, p.object or "", p.polarity.value, p.modality.value,
             ",".join(p.cues)) for p in extraction.proposals if p.start == start}


def _add(data: Path, tmp_path: Path, name: str, text: str, kind: DocumentKind) -> str:
    source = tmp_path / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    return add_document(data, source, title=name.title(), kind=kind).id


# -- quality, measured --------------------------------------------------------------------------------------

def test_the_documented_scores_are_the_measured_ones() -> None:
    """docs/extraction.md shows the table `kg extract-score --format markdown` prints today."""
    doc = (REPO / "docs" / "extraction.md").read_text(encoding="utf-8")
    documented = re.search(r"<!-- scores -->\n(.*?)<!-- /scores -->", doc, re.DOTALL)
    assert documented, "docs/extraction.md lost its <!-- scores --> block"
    measured = render(score_corpus(DATA), ScoreFormat.MARKDOWN)
    assert documented.group(1) == measured, "rerun `kg extract-score --format markdown` and paste it into the doc"


def test_recall_and_precision_over_the_corpus_meet_the_targets() -> None:
    total = score_corpus(DATA).total
    assert (total.curated, total.found, total.proposed, total.correct) == (69, 69, 72, 72)
    assert total.recall is not None and total.recall >= 0.8
    assert total.precision is not None and total.precision >= 0.6


def test_the_documented_agreement_on_modality_and_attribution(corpus: Corpus) -> None:
    """Of the curated claims proposed with their content, how many also get their modality and attribution."""
    same_content = same_modality = same_attribution = 0
    lexicon = Lexicon(corpus.entities.values())
    for name in (LABEL, ARTICLE, APPEAL):
        proposals = extract(corpus.documents[name], lexicon).proposals
        for claim in (c for c in corpus.claims if c.document == name):
            same = [p for p in proposals if p.category is claim.category and p.start < claim.anchor.end
                    and claim.anchor.start < p.end and p.polarity is claim.polarity
                    and (p.subject, p.predicate) == (iris.compress(claim.subject), iris.compress(claim.predicate))
                    and (p.object == iris.compress(claim.object) if claim.object else
                         p.quantity is not None and claim.quantity is not None
                         and Decimal(p.quantity.value) == claim.quantity.value)]
            same_content += bool(same)
            same_modality += any(p.modality is claim.modality for p in same)
            same_attribution += any(p.attributed_to == (iris.compress(claim.attributed_to) if claim.attributed_to
                                                        else None) for p in same)
    assert (same_content, same_modality, same_attribution) == (63, 61, 62)
    doc = (REPO / "docs" / "extraction.md").read_text(encoding="utf-8")
    assert "curated modality for 61 of the 63 claims, and the curated attribution for 62" in doc.replace("\n", " ")


def test_the_documented_example_is_what_is_proposed(capsys: pytest.CaptureFixture[str]) -> None:
    doc = (REPO / "docs" / "extraction.md").read_text(encoding="utf-8")
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", doc, re.DOTALL).group(1))  # type: ignore[union-attr]
    _, out, _ = _run(capsys, "extract", ARTICLE, "--data", str(DATA))
    assert example[0] in yaml.safe_load(out)["claims"]


def test_extract_score_prints_one_row_per_document_and_category(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "extract-score", "--data", str(DATA), "--format", "json")
    assert code == 0
    scores = json.loads(out)
    assert sorted(scores["documents"]) == [LABEL, ARTICLE, APPEAL]
    assert scores["documents"][APPEAL] == {"curated": 17, "found": 17, "recall": 1.0, "proposed": 20,
                                           "correct": 20, "precision": 1.0}
    assert scores["measures"]["identical"]["found"] == 63
    assert scores["categories"]["regulatory-status"]["found"] == 10


def test_the_extractor_never_reads_curated_claims() -> None:
    """The reading modules import nothing that loads claims files: the scores are not learnt from them."""
    for name in READERS:
        tree = ast.parse((REPO / "kg" / "extract" / f"{name}.py").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not imported & {"claims", "corpus", "kg.claims", "kg.corpus"}, name


CUE_LISTS = ("NEGATIONS", "EVIDENCE_NEGATIONS", "PSEUDO_NEGATIONS", "HEDGES", "SPECULATION", "TERMINATORS",
             "CLAUSE_AFTER_COMMA", "AUXILIARIES", "ATTRIBUTION_AFTER", "ATTRIBUTION_BEFORE", "AGENT_NOUNS",
             "SOURCE_DOCUMENTS", "ANAPHORS", "CONDITION_NOUNS", "STUDY_ANAPHORS", "READER_DIRECTIVES")


def documented_rules() -> list[str]:
    """Return the lines of docs/extraction.md that list the extractor's cues and rules, as the code has them."""
    lines = [f"- `{name}`: " + ", ".join(f"“{w}”" for w in getattr(cues, name)) for name in CUE_LISTS]
    for category, patterns in CATEGORY_CUES.items():
        strong = ", ".join(f"`{p}`" for p, w in patterns if w == 2)
        weak = ", ".join(f"`{p}`" for p, w in patterns if w == 1) or "none"
        lines.append(f"- **{category.value}**: strong {strong}; weak {weak}")
    for category, frames in FRAMES.items():
        lines.append(f"- **{category.value}** frames: " + ", ".join(f"`{p}`" for p in frames))
    for category, rules in PREDICATE_RULES.items():
        described = [f"`{r.predicate}` ({', '.join(sorted(t.value for t in r.objects))})"
                     + (f" if `{r.pattern}`" if r.pattern else "") for r in rules]
        lines.append(f"- **{category.value}**: " + "; ".join(described))
    return lines


def test_the_documented_cues_and_rules_are_the_code_s() -> None:
    doc = (REPO / "docs" / "extraction.md").read_text(encoding="utf-8").splitlines()
    missing = [line for line in documented_rules() if line not in doc]
    assert not missing, f"update docs/extraction.md (see tests.test_extract.documented_rules): {missing[:3]}"


# -- what is proposed from the corpus -----------------------------------------------------------------------

def test_every_proposal_is_anchored_exactly_and_has_a_unique_id(corpus: Corpus) -> None:
    ids = []
    for name, document in corpus.documents.items():
        for proposal in _extraction(corpus, name).proposals:
            assert document.text[proposal.start:proposal.end] == proposal.quote
            assert all(cue.lower() in proposal.quote.lower() for cue in proposal.cues)
            ids.append(proposal.id)
    assert len(ids) == len(set(ids)) == 72


def test_prevalence_is_a_structured_quantity_attributed_to_its_source(corpus: Corpus) -> None:
    [proposal] = [p for p in _extraction(corpus, ARTICLE).proposals if p.category.value == "prevalence"]
    assert (proposal.subject, proposal.predicate, proposal.attributed_to, proposal.citation.value) == (
        "MONDO:0005277", "cekg:hasPrevalence", "ent:migraine-research-foundation", "named-unreferenced")
    quantity = proposal.quantity
    assert quantity is not None
    assert (quantity.value, quantity.unit, quantity.bound, quantity.place) == (Decimal("39000000"), "people",
                                                                                Bound.OVER, "wikidata:Q30")
    assert proposal.quote == ("According to the Migraine Research Foundation, over 39 million individuals in "
                              "the United States alone experience migraines.")


def test_negation_hedges_and_their_scopes(corpus: Corpus) -> None:
    article = _extraction(corpus, ARTICLE)
    # "not covered by insurance and can be expensive": the negation stops where "and can" starts a new clause.
    assert _facts(article, 2018) == {
        ("access-and-cost", "CHEBI:6121", "cekg:coveredBy", "ent:health-insurance-coverage", "negated", "asserted",
         ""),
        ("access-and-cost", "CHEBI:6121", "cekg:hasAccessBarrier", "ent:high-cost", "affirmed", "hedged", "can"),
    }
    # "... is not yet fully understood, researchers believe it may be related to ... block NMDA receptors".
    assert _facts(article, 1087) == {
        ("mechanism", "CHEBI:6121", "cekg:mechanismUnderstoodFor", "ent:chronic-migraine", "negated", "asserted",
         ""),
        ("mechanism", "CHEBI:6121", "cekg:blocks", "GO:0017146", "affirmed", "speculative",
         "researchers believe,may"),
    }
    blocks = next(p for p in article.proposals if p.predicate == "cekg:blocks")
    assert (blocks.attributed_to, blocks.citation.value) == ("ent:unnamed-researchers", "none")
    appeal = _extraction(corpus, APPEAL)
    assert _facts(appeal, 1393) == {("efficacy", "CHEBI:6121", "cekg:improves", "ent:headache", "negated",
                                     "asserted", "")}
    assert _facts(appeal, 903) == {("research-status", "CHEBI:6121", "cekg:wellStudiedFor", "ent:chronic-migraine",
                                    "negated", "asserted", "")}


def test_a_study_conducted_by_an_agency_suggests(corpus: Corpus) -> None:
    article = _extraction(corpus, ARTICLE)
    assert _facts(article, 772) == {
        ("efficacy", "CHEBI:6121", "cekg:reducesFrequencyOf", "ent:chronic-migraine", "affirmed", "hedged",
         "suggests,may"),
        ("efficacy", "CHEBI:6121", "cekg:reducesSeverityOf", "ent:chronic-migraine", "affirmed", "hedged",
         "suggests,may"),
    }
    assert {(p.attributed_to, p.citation.value) for p in article.proposals if p.start == 772} == {
        ("ror:04xeg9z08", "named-unreferenced")}


def test_a_list_takes_its_subjects_from_the_sentence_that_introduces_it(corpus: Corpus) -> None:
    """"These include A, B, C and D" after "tried and failed various treatments for prevention of X"."""
    appeal = _extraction(corpus, APPEAL)
    assert _facts(appeal, 477) == {
        ("efficacy", drug, "cekg:prevents", "ent:chronic-migraine", "negated", "asserted", "")
        for drug in ("ent:anticonvulsant", "ent:antidepressant", "ent:beta-blocker", "ent:onabotulinumtoxina")
    }
    assert {p.end for p in appeal.proposals if p.start == 477} == {638}


def test_label_strengths_items_and_unnamed_subject(corpus: Corpus) -> None:
    label = _extraction(corpus, LABEL)
    strengths = [(p.quote, p.quantity.value, p.quantity.unit) for p in label.proposals if p.quantity
                 and p.predicate == "cekg:hasStrength"]
    assert strengths == [("200 mg/20 mL (10 mg/mL)", Decimal("10"), "mg/mL"),
                         ("500 mg/10 mL (50 mg/mL)", Decimal("50"), "mg/mL"),
                         ("500 mg/5 mL (100 mg/mL)", Decimal("100"), "mg/mL")]
    indicated = {p.object for p in label.proposals if p.predicate == "cekg:indicatedFor"}
    assert indicated == {"ent:procedure-without-muscle-relaxation", "ent:induction-of-anesthesia",
                         "ent:anesthesia-supplement"}
    airway = next(p for p in label.proposals if p.object == "ent:emergency-airway-equipment")
    assert (airway.subject, airway.predicate, airway.quote) == (
        "CHEBI:6121", "cekg:requires", "Emergency airway equipment must be immediately available.")
    assert airway.note == "subject: the treatment the drug-label is about (ketamine)"
    approval = next(p for p in label.proposals if p.predicate == "cekg:firstApprovedIn")
    assert approval.quantity is not None and (approval.quantity.year, approval.jurisdiction) == (1970,
                                                                                              "wikidata:Q30")


def test_headings_questions_directives_and_links_propose_nothing(corpus: Corpus) -> None:
    article = corpus.documents[ARTICLE]
    starts = {p.start for p in _extraction(corpus, ARTICLE).proposals}
    for words in ("What is Ketamine Treatment?", "How Does Ketamine Treatment Work for Migraines?",
                  "For broadening your understanding", "Within, you\u2019ll discover", "As always, individuals"):
        assert article.text.index(words) not in starts, words


# -- the command --------------------------------------------------------------------------------------------

def test_output_is_deterministic_and_yaml_is_a_valid_claims_file(capsys: pytest.CaptureFixture[str]) -> None:
    runs = [_run(capsys, "extract", ARTICLE, "--data", str(DATA)) for _ in range(2)]
    assert runs[0] == runs[1]
    code, out, err = runs[0]
    assert code == 0
    assert err == f"33 claims proposed from 23 sentences of {ARTICLE}, 29 known entities found\n"
    claims = yaml.safe_load(out)
    assert claims["document"] == ARTICLE
    assert claims["curation"] == {"method": "text-mining", "curator": "kg-extract",
                                  "tool": f"kg-extract {__version__}"}
    assert len(claims["claims"]) == 33
    assert {c["status"] for c in claims["claims"]} == {"proposed"}
    assert {json.dumps(c["extractor"]) for c in claims["claims"]} == {
        json.dumps({"name": "kg-extract", "version": __version__})}


def test_jsonl_has_the_fields_of_a_claim(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "proposed.jsonl"
    code, stdout, err = _run(capsys, "extract", APPEAL, "--data", str(DATA), "--format", "jsonl", "--out", str(out))
    assert (code, stdout) == (0, "")
    assert err.endswith(f"wrote 20 proposed claims to {out}\n")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 20
    required = {"id", "document", "category", "subject", "predicate", "object", "polarity", "modality", "cue",
                "attributed_to", "citation", "quote", "start", "end"}
    assert all(required <= line.keys() for line in lines)
    first = lines[0]
    assert (first["category"], first["predicate"], first["object"], first["polarity"], first["attributed_to"],
            first["quote"]) == ("access-and-cost", "cekg:coveredBy", "ent:oxford-health-plan", "negated",
                                "ent:oxford-health-plan", "The insurer denied Intravenous Ketamine Infusion(s.)")


def test_a_document_can_be_named_by_the_file_it_was_added_from(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "documents" / APPEAL / "text.txt"
    code, out, _ = _run(capsys, "extract", str(path), "--data", str(DATA), "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 20


def test_an_unknown_document_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "extract", "no-such-document", "--data", str(DATA))
    assert (code, out) == (2, "")
    assert err.startswith("Error: no document 'no-such-document' in ") and err.count("\n") == 1
    assert "kg add" in err


def test_a_file_that_was_never_added_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for path in (tmp_path / "missing.txt", tmp_path / "never-added.txt"):
        if path.name.startswith("never"):
            path.write_text("Ketamine may help.\n", encoding="utf-8")
        code, out, err = _run(capsys, "extract", str(path), "--data", str(DATA))
        assert (code, out) == (2, "")
        # The wording belongs to kg.documents.resolve_document; what matters is one line naming the file and the fix.
        assert err.startswith("Error: ") and err.count("\n") == 1
        assert str(path) in err and "kg add" in err


def test_a_document_whose_text_changed_is_refused(capsys: pytest.CaptureFixture[str], data_copy: Path) -> None:
    text = data_copy / "documents" / APPEAL / "text.txt"
    text.write_text(text.read_text(encoding="utf-8") + "One more line.\n", encoding="utf-8")
    code, out, err = _run(capsys, "extract", APPEAL, "--data", str(data_copy))
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: data/documents/{APPEAL}/meta.yaml: the text of {APPEAL} changed after it was "
                          "added (SHA-256 ")
    assert err.endswith("restore it, or add the new text as a new document, then extract\n")


def test_merge_and_out_together_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "extract", ARTICLE, "--data", str(DATA), "--merge", "--out", str(tmp_path / "x"))
    assert code == 2
    assert err == "Error: give --merge or --out, not both: --merge writes into the document's claims file\n"
    assert not (tmp_path / "x").exists()


def test_a_document_that_names_no_known_entity_gets_no_claims(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                               data_copy: Path) -> None:
    garden = _add(data_copy, tmp_path, "garden", GARDEN, DocumentKind.WEB_ARTICLE)
    code, out, err = _run(capsys, "extract", garden, "--data", str(data_copy))
    assert code == 0
    assert err == ("no known entity was found in garden: nothing proposed (add its entities to entities.yaml "
                   "first); candidate new entities: Royal Horticultural Society\n")
    claims = yaml.safe_load(out)
    assert claims["claims"] == []
    assert "#   'Royal Horticultural Society' (capitalised name; 1x, first at offset 131)" in out


# -- review: proposals in a claims file, built or left out --------------------------------------------------

TEXT_MINED = """
PREFIX cekg: <https://w3id.org/cekg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?status ?tool WHERE {
  ?claim dcterms:identifier ?id ; cekg:curationMethod cekg:TextMining ; cekg:status ?status ;
         cekg:nanopublication ?np .
  GRAPH ?pubinfo { ?np cekg:curationMethod cekg:TextMining ; cekg:extractor ?tool }
} ORDER BY ?id
"""
CLAIMS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/cekg/vocab#Claim> }"


def _query(store: Path, query: str) -> list[tuple[str, ...]]:
    with open_store(store) as opened:
        result = opened.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return [tuple(term.value for term in row) for row in result]


def test_proposals_build_as_text_mined_only_when_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        data_copy: Path) -> None:
    clinic = _add(data_copy, tmp_path, "clinic", CLINIC, DocumentKind.MARKETING_PAGE)
    claims_file = data_copy / "claims" / f"{clinic}.yaml"
    code, _, err = _run(capsys, "extract", clinic, "--data", str(data_copy), "--out", str(claims_file))
    assert code == 0, err
    extraction = extract(load_corpus(data_copy).documents[clinic], Lexicon(load_corpus(data_copy).entities.values()))
    assert {(p.category.value, p.predicate, p.object or "", p.polarity.value, p.modality.value)
            for p in extraction.proposals} == {
        ("indication", "cekg:usedToTreat", "MONDO:0002050", "affirmed", "asserted"),
        ("indication", "cekg:usedToTreat", "ent:post-traumatic-stress-disorder", "affirmed", "asserted"),
        ("adverse-effect", "cekg:hasAdverseEffect", "HP:0002018", "affirmed", "hedged"),
        ("adverse-effect", "cekg:hasAdverseEffect", "ent:elevated-blood-pressure", "affirmed", "hedged"),
        ("access-and-cost", "cekg:coveredBy", "ent:health-insurance-coverage", "negated", "asserted"),
        ("efficacy", "cekg:reducesSeverityOf", "MONDO:0005277", "affirmed", "asserted"),
    }
    trial = next(p for p in extraction.proposals if p.category.value == "efficacy")
    assert (trial.citation.value, trial.references) == ("traceable", ("https://doi.org/10.1000/xyz123",))

    assert _run(capsys, "validate", "--data", str(data_copy), "--include-proposed")[0] == 0
    with_proposed, without = tmp_path / "with", tmp_path / "without"
    assert _run(capsys, "build", "--data", str(data_copy), "--store", str(with_proposed), "--include-proposed")[0] == 0
    assert _run(capsys, "build", "--data", str(data_copy), "--store", str(without))[0] == 0
    mined = _query(with_proposed, TEXT_MINED)
    assert sorted(row[0] for row in mined) == sorted(p.id for p in extraction.proposals)
    assert {row[1:] for row in mined} == {("proposed", f"kg-extract {__version__}")}
    assert _query(with_proposed, CLAIMS) == [("75",)]
    assert _query(without, TEXT_MINED) == []
    assert _query(without, CLAIMS) == [("69",)]


def test_an_accepted_proposal_stays_text_mined(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               data_copy: Path) -> None:
    clinic = _add(data_copy, tmp_path, "clinic", CLINIC, DocumentKind.MARKETING_PAGE)
    assert _run(capsys, "extract", clinic, "--data", str(data_copy), "--merge")[0] == 0
    claims_file = data_copy / "claims" / f"{clinic}.yaml"
    text = claims_file.read_text(encoding="utf-8")
    accepted = text.replace("status: proposed", "status: accepted", 1)
    claims_file.write_text(accepted, encoding="utf-8")
    store = tmp_path / "store"
    assert _run(capsys, "build", "--data", str(data_copy), "--store", str(store))[0] == 0
    assert [row[1:] for row in _query(store, TEXT_MINED)] == [("accepted", f"kg-extract {__version__}")]


def test_merge_adds_only_what_overlaps_no_claim_and_keeps_the_file(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path, data_copy: Path) -> None:
    clinic = _add(data_copy, tmp_path, "clinic", CLINIC, DocumentKind.MARKETING_PAGE)
    corpus = load_corpus(data_copy)
    document = corpus.documents[clinic]
    start = document.text.index("Most insurance")
    end = document.text.index("\n", start)
    claims_file = data_copy / "claims" / f"{clinic}.yaml"
    curated = (f"# Curated by hand.\ndocument: {clinic}\ndocument_sha256: {document.sha256}\nclaims:\n"
               f"  - id: clinic-coverage\n    category: access-and-cost\n    subject: CHEBI:6121\n"
               f"    predicate: cekg:coveredBy\n    object: ent:health-insurance-coverage\n    polarity: negated\n"
               f"    modality: asserted\n    citation: none\n    quote: \"{document.text[start:end]}\"\n"
               f"    start: {start}\n    end: {end}\n")
    claims_file.write_text(curated, encoding="utf-8")
    code, _, err = _run(capsys, "extract", clinic, "--data", str(data_copy), "--merge")
    assert code == 0
    assert err.splitlines()[-1] == (f"5 proposed claims added to {claims_file}; 1 overlapping existing claims "
                                    "left out: review them there")
    merged = claims_file.read_text(encoding="utf-8")
    assert merged.startswith(curated)
    listed = yaml.safe_load(merged)["claims"]
    assert listed[0]["id"] == "clinic-coverage" and len(listed) == 6
    assert all(c["start"] >= end or c["end"] <= start for c in listed[1:])
    # A rejected proposal is not proposed again, and merging twice adds nothing.
    claims_file.write_text(merged.replace("status: proposed", "status: rejected", 1), encoding="utf-8")
    code, _, err = _run(capsys, "extract", clinic, "--data", str(data_copy), "--merge")
    assert code == 0
    assert err.splitlines()[-1] == f"nothing added to {claims_file}: every proposal overlaps a claim already there"
    assert _run(capsys, "build", "--data", str(data_copy), "--store", str(tmp_path / "s"), "--include-proposed"
                )[0] == 0


def test_merge_refuses_a_claims_file_of_another_text(capsys: pytest.CaptureFixture[str], data_copy: Path) -> None:
    claims_file = data_copy / "claims" / f"{ARTICLE}.yaml"
    before = claims_file.read_bytes()
    claims_file.write_bytes(before.replace(b"document_sha256: f46061e3", b"document_sha256: 00000000"))
    changed = claims_file.read_bytes()
    code, _, err = _run(capsys, "extract", ARTICLE, "--data", str(data_copy), "--merge")
    assert code == 1
    assert "was curated against another text" in err
    assert claims_file.read_bytes() == changed


# -- the parts ----------------------------------------------------------------------------------------------

def test_sentences_keep_abbreviations_decimals_bullets_and_headings() -> None:
    text = ("Background\nDr. Smith gave 2.5 mg/kg, i.e. a low dose, in the U.S. Trial. It worked.\n"
            "Use it for:\n• pain;\n• fever.\nADVERSE REACTIONSNausea is common (6) Report it.\n")
    found = [(s.kind, s.text) for s in segments(text)]
    assert found == [
        (SegmentKind.HEADING, "Background"),
        (SegmentKind.SENTENCE, "Dr. Smith gave 2.5 mg/kg, i.e. a low dose, in the U.S. Trial."),
        (SegmentKind.SENTENCE, "It worked."),
        (SegmentKind.SENTENCE, "Use it for:"),
        (SegmentKind.ITEM, "pain;"),
        (SegmentKind.ITEM, "fever."),
        (SegmentKind.HEADING, "ADVERSE REACTIONS"),
        (SegmentKind.SENTENCE, "Nausea is common (6)"),
        (SegmentKind.SENTENCE, "Report it."),
    ]
    items = [s for s in segments(text) if s.kind is SegmentKind.ITEM]
    assert {s.lead_in.text if s.lead_in else None for s in items} == {"Use it for:"}


def test_entities_match_longest_first_ignoring_case_and_plurals_but_not_acronym_case(corpus: Corpus) -> None:
    lexicon = Lexicon(corpus.entities.values())
    sentence = "Chronic Migraines and NMDA receptors trouble us; KETAMINE INFUSION THERAPY helps in the US."
    found = [(m.entity.curie, sentence[m.start:m.end]) for m in lexicon.find(tokenize(sentence))]
    assert found == [("ent:chronic-migraine", "Chronic Migraines"), ("GO:0017146", "NMDA receptors"),
                     ("CHEBI:6121", "KETAMINE INFUSION THERAPY"), ("wikidata:Q30", "US")]


def test_quantities_are_structured() -> None:
    found = [(q.kind, str(q.value), q.unit, q.bound.value) for q in find_quantities(
        "Nearly 1.2 million patients, at least 15% of adults, 5 mg/mL vials, first approved in 1970.")]
    assert found == [(QuantityKind.COUNT, "1200000", "patients", "about"),
                     (QuantityKind.PERCENT, "15", "percent", "at-least"),
                     (QuantityKind.STRENGTH, "5", "mg/mL", "exactly"),
                     (QuantityKind.YEAR, "1970", "year", "exactly")]


def test_references_of_every_kind() -> None:
    found = [(r.text, r.reference) for r in find_references(
        "Shown by Lee et al. (2020), PMID: 123456 and https://doi.org/10.1016/j.pain.2020.01.002.")]
    assert found == [("Lee et al. (2020)", None), ("PMID: 123456", "https://pubmed.ncbi.nlm.nih.gov/123456/"),
                     ("https://doi.org/10.1016/j.pain.2020.01.002", "https://doi.org/10.1016/j.pain.2020.01.002")]


def test_progress_is_reported_up_to_the_end_of_the_text(corpus: Corpus) -> None:
    seen: list[int] = []
    document = corpus.documents[LABEL]
    extract(document, Lexicon(corpus.entities.values()), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == len(document.text.rstrip())
