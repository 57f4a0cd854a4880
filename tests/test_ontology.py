"""The ontology, the shapes and the JSON-LD context: they parse, define every term in use, and conform."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.build import corpus_quads
from kg.cli import main
from kg.corpus import Corpus
from kg.resources import context_file, ontology_file, shapes_file
from kg.validate import shacl_problems, validate, vocabulary_problems
from kg.vocab import CEKG, PREFIXES, Bound, Category, CitationStatus, CurationMethod, DocumentKind, Modality, Polarity

CEKG_NS = rdflib.Namespace(CEKG)
MAPPINGS = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, SKOS.exactMatch,
            SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file(), format="turtle")


def test_ontology_parses_in_both_parsers_and_has_no_blank_nodes(ontology: rdflib.Graph) -> None:
    with ontology_file().open("rb") as handle:
        triples = list(ox.parse(handle, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(ontology) > 500
    assert not [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]


def test_every_term_is_labelled_defined_and_mapped(ontology: rdflib.Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(CEKG)}
    assert len(terms) > 100
    unlabelled = [t for t in terms if ontology.value(t, RDFS.label) is None]
    undefined = [t for t in terms if ontology.value(t, SKOS.definition) is None]
    unmapped = [t for t in terms if not any(ontology.value(t, m) is not None for m in MAPPINGS)]
    assert (unlabelled, undefined, unmapped) == ([], [], [])


@pytest.mark.parametrize("enum", [Category, Polarity, Modality, CitationStatus, CurationMethod, Bound, DocumentKind])
def test_every_value_of_the_model_is_a_concept_with_its_spelling(ontology: rdflib.Graph, enum: type) -> None:
    for member in enum:  # type: ignore[attr-defined]
        iri = rdflib.URIRef(member.iri)
        assert (iri, RDF.type, SKOS.Concept) in ontology, member
        assert str(ontology.value(iri, SKOS.notation)) == member.value


def test_claim_predicates_read_as_claims_not_facts(ontology: rdflib.Graph) -> None:
    predicates = set(ontology.subjects(RDF.type, CEKG_NS.ClaimPredicate))
    assert len(predicates) >= 30
    for predicate in predicates:
        assert str(ontology.value(predicate, RDFS.label)).startswith("is claimed"), predicate


def test_every_claim_predicate_used_in_the_data_is_declared(ontology: rdflib.Graph, corpus: Corpus) -> None:
    declared = {str(p) for p in ontology.subjects(RDF.type, CEKG_NS.ClaimPredicate)}
    assert {c.predicate for c in corpus.claims} <= declared


def test_no_undefined_term_in_use_on_the_corpus(corpus: Corpus) -> None:
    assert vocabulary_problems(list(corpus_quads(corpus))) == []


def test_an_undefined_term_is_reported() -> None:
    quads = [ox.Quad(ox.NamedNode(CEKG + "Efficacy"), ox.NamedNode(CEKG + "madeUp"), ox.Literal("x"),
                     ox.DefaultGraph())]
    problems = vocabulary_problems(quads)
    # Without the ontology in the graph even cekg:Efficacy is undefined.
    assert [p.message.split(" is used")[0] for p in problems] == [f"term <{CEKG}Efficacy>", f"predicate <{CEKG}madeUp>"]


def test_shapes_conform_on_the_corpus() -> None:
    report = validate(Path(__file__).resolve().parent.parent / "data")
    assert report.problems == []
    assert report.claims == 69
    assert report.shacl is not None
    sh = rdflib.Namespace(PREFIXES["sh"])
    assert (None, sh.conforms, rdflib.Literal(True)) in report.shacl


def test_shacl_violation_names_the_claim_and_its_line(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_copy / "claims" / "ketamine-migraine-article.yaml"
    text = path.read_text(encoding="utf-8")
    # rdfs:label is a known term but not a claim predicate: only the shapes can tell.
    text = text.replace("predicate: cekg:hasAdverseEffect\n  object: HP:0002018",
                        "predicate: rdfs:label\n  object: HP:0002018", 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row == "- id: article-adverse-nausea")
    assert main(["validate", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert f"data/claims/ketamine-migraine-article.yaml:{line} claim article-adverse-nausea:" in err
    assert "rdfs:label" in err or "label" in err


def test_shacl_problems_of_an_invalid_graph_are_located(corpus: Corpus) -> None:
    quads = [q for q in corpus_quads(corpus) if isinstance(q.graph_name, ox.DefaultGraph)
             and q.predicate.value != CEKG + "modality"]
    _, problems = shacl_problems(quads, corpus)
    assert {p.claim for p in problems} == {c.id for c in corpus.claims}
    assert all(p.file and p.file.startswith("data/claims/") and p.line for p in problems)


def test_jsonld_context_covers_every_prefix_and_cekg_property() -> None:
    context = json.loads(context_file().read_text(encoding="utf-8"))["@context"]
    for prefix, namespace in PREFIXES.items():
        entry = context[prefix]
        # OBO namespaces end in "_", so JSON-LD 1.1 needs them declared as prefixes explicitly.
        assert (entry if isinstance(entry, str) else entry["@id"]) == namespace, prefix
    used = set(re.findall(r'_c\("([a-z][A-Za-z0-9]*)"\)', (Path(__file__).parent.parent / "kg/build.py").read_text()))
    assert used and used <= set(context), sorted(used - set(context))


def test_jsonld_context_compacts_the_statement_view(store: ox.Store) -> None:
    context = json.loads(context_file().read_text(encoding="utf-8"))
    graph = rdflib.Graph()
    triples = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in triples), format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode(), format="nt")
    compacted = json.loads(graph.serialize(format="json-ld", context=context["@context"]))
    back = rdflib.Graph().parse(data=json.dumps(compacted), format="json-ld")
    assert len(back) == len(graph)
    assert rdflib.compare.isomorphic(back, graph)


@pytest.mark.parametrize("path", [ontology_file(), shapes_file()], ids=lambda p: p.name)
def test_committed_rdf_is_canonical(path: Path) -> None:
    from kg.canonical import canonical_turtle

    assert path.read_text(encoding="utf-8") == canonical_turtle(path), (
        f"{path.name} is not in canonical form: run `make canonical` (kg dev canonical FILE)")


def test_worked_example_in_the_vocabulary_page_is_the_real_build_output(corpus: Corpus) -> None:
    from kg.build import claim_ids, claim_quads

    from .rdfcompare import assert_same_quads, oxigraph_keys

    page = (Path(__file__).resolve().parent.parent / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    start = page.index("```trig\n", page.index("## A worked example")) + len("```trig\n")
    block = page[start: page.index("```", start)]
    shown = list(ox.parse(block.encode(), format=ox.RdfFormat.TRIG))
    claim = next(c for c in corpus.claims if c.id == "article-efficacy-frequency")
    assert_same_quads(oxigraph_keys(claim_quads(claim, claim_ids(corpus))), oxigraph_keys(shown))


def test_an_anchor_on_other_text_is_reported_at_its_claim(corpus: Corpus) -> None:
    quads = []
    for q in corpus_quads(corpus):
        if not isinstance(q.graph_name, ox.DefaultGraph):
            continue
        if q.predicate.value == CEKG + "sourceSha256" and "/anchor" in q.subject.value:
            claim_iri = q.subject.value.rsplit("/anchor", 1)[0]
            if claim_iri == _iri_of(corpus, "article-access-expensive"):
                q = ox.Quad(q.subject, q.predicate, ox.Literal("0" * 64), q.graph_name)
        quads.append(q)
    _, problems = shacl_problems(quads, corpus)
    assert [(p.claim, "changed after the claim was curated" in p.message) for p in problems] == [
        ("article-access-expensive", True)]


def test_end_before_start_is_reported_at_its_claim(corpus: Corpus) -> None:
    target = _iri_of(corpus, "article-access-limited") + "/anchor/position"
    quads = [ox.Quad(q.subject, q.predicate, ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                     q.graph_name)
             if q.subject.value == target and q.predicate.value == "http://www.w3.org/ns/oa#end" else q
             for q in corpus_quads(corpus) if isinstance(q.graph_name, ox.DefaultGraph)]
    _, problems = shacl_problems(quads, corpus)
    assert {p.claim for p in problems} == {"article-access-limited"}
    assert any("'end' must be greater than its 'start'" in p.message for p in problems)


def _iri_of(corpus: Corpus, claim_id: str) -> str:
    from kg.build import claim_ids

    return claim_ids(corpus)[claim_id]
