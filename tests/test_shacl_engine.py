"""The native SHACL engine reports exactly what pySHACL reports, on the corpus and on graphs broken on purpose.

Each case breaks the statement view of the bundled corpus in one way that one or more shapes catch; both
engines validate it, and their report graphs must be isomorphic and the located problems equal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from kg.build import claim_ids, corpus_quads
from kg.cli import main
from kg.corpus import Corpus
from kg.shacl.sparql import batchable
from kg.validate import ShaclEngine, shacl_problems

CEKG = "https://w3id.org/cekg/vocab#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
Quads = list[ox.Quad]


@pytest.fixture(scope="module")
def statement_view(corpus: Corpus) -> Quads:
    return [ox.Quad(q.subject, q.predicate, q.object) for q in corpus_quads(corpus)
            if isinstance(q.graph_name, ox.DefaultGraph)]


def _claim(corpus: Corpus, claim_id: str) -> str:
    return claim_ids(corpus)[claim_id]


def _replace(quads: Quads, subject: str, predicate: str, new: ox.NamedNode | ox.Literal | None) -> Quads:
    """Replace (or with ``None`` drop) the objects of one subject's predicate."""
    out = [q for q in quads if not (q.subject.value == subject and q.predicate.value == predicate)]
    if new is not None:
        out.append(ox.Quad(ox.NamedNode(subject), ox.NamedNode(predicate), new))
    return out


def _add(quads: Quads, subject: str, predicate: str, obj: ox.NamedNode | ox.Literal) -> Quads:
    return [*quads, ox.Quad(ox.NamedNode(subject), ox.NamedNode(predicate), obj)]


def _integer(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))


def _equal_offsets(quads: Quads, corpus: Corpus) -> Quads:
    """Give one position selector an end equal to its start."""
    position = _claim(corpus, "article-access-limited") + "/anchor/position"
    (start,) = [q.object for q in quads if q.subject.value == position and q.predicate.value == OA + "start"]
    return _replace(quads, position, OA + "end", start)


Case = Callable[[Quads, Corpus], Quads]
CASES: dict[str, Case] = {
    "intact": lambda q, c: q,
    "no-modality": lambda q, c: [x for x in q if x.predicate.value != CEKG + "modality"],
    "modality-not-in-list": lambda q, c: _replace(q, _claim(c, "article-efficacy-frequency"), CEKG + "modality",
                                                  ox.NamedNode(CEKG + "Certain")),
    "two-categories": lambda q, c: _add(q, _claim(c, "article-efficacy-frequency"), CEKG + "category",
                                        ox.NamedNode(CEKG + "Mechanism")),
    "hedged-without-cues": lambda q, c: _replace(q, _claim(c, "article-efficacy-frequency"), CEKG + "cue", None),
    "empty-cue": lambda q, c: _add(q, _claim(c, "article-efficacy-frequency"), CEKG + "cue", ox.Literal("")),
    "object-and-quantity": lambda q, c: _add(q, _claim(c, "article-prevalence-us"), CEKG + "object",
                                             ox.NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")),
    "neither-object-nor-quantity": lambda q, c: _replace(q, _claim(c, "label-role-general-anesthetic"),
                                                         CEKG + "object", None),
    "predicate-not-a-claim-predicate": lambda q, c: _replace(
        q, _claim(c, "article-adverse-nausea"), CEKG + "predicate",
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")),
    "subject-is-a-literal": lambda q, c: _replace(q, _claim(c, "article-adverse-nausea"), CEKG + "subject",
                                                  ox.Literal("ketamine")),
    "identifier-is-an-integer": lambda q, c: _replace(q, _claim(c, "article-adverse-nausea"),
                                                      "http://purl.org/dc/terms/identifier", _integer("7")),
    "status-rejected": lambda q, c: _replace(q, _claim(c, "article-adverse-nausea"), CEKG + "status",
                                             ox.Literal("rejected")),
    "supports-a-document": lambda q, c: _add(q, _claim(c, "article-adverse-nausea"), CEKG + "supports",
                                             ox.NamedNode("https://w3id.org/cekg/id/doc/f46061e3a725747d")),
    "attributed-to-unlabelled": lambda q, c: _replace(q, _claim(c, "article-efficacy-frequency"),
                                                      CEKG + "attributedTo", ox.NamedNode("https://example.org/x")),
    "anchor-on-other-text": lambda q, c: _replace(q, _claim(c, "article-access-expensive") + "/anchor",
                                                  CEKG + "sourceSha256", ox.Literal("0" * 64)),
    "anchor-sha-not-hex": lambda q, c: _replace(q, _claim(c, "article-access-expensive") + "/anchor",
                                                CEKG + "sourceSha256", ox.Literal("XYZ")),
    "anchor-not-a-specific-resource": lambda q, c: [
        x for x in q if not (x.subject.value == _claim(c, "article-access-expensive") + "/anchor"
                             and x.predicate.value == RDF_TYPE)],
    "anchor-without-position": lambda q, c: [
        x for x in q if not (x.subject.value == _claim(c, "article-access-expensive") + "/anchor"
                             and x.object == ox.NamedNode(_claim(c, "article-access-expensive") + "/anchor/position"))],
    "end-before-start": lambda q, c: _replace(q, _claim(c, "article-access-limited") + "/anchor/position",
                                              OA + "end", _integer("0")),
    "negative-start": lambda q, c: _replace(q, _claim(c, "article-access-limited") + "/anchor/position",
                                            OA + "start", _integer("-5")),
    "ill-typed-start": lambda q, c: _replace(q, _claim(c, "article-access-limited") + "/anchor/position",
                                             OA + "start", ox.Literal("abc", datatype=ox.NamedNode(XSD + "integer"))),
    "empty-quote": lambda q, c: _replace(q, _claim(c, "article-access-limited") + "/anchor/quote",
                                         OA + "exact", ox.Literal("")),
    "unbacked-direct-edge": lambda q, c: _add(q, "http://purl.obolibrary.org/obo/CHEBI_6121",
                                              CEKG + "indicatedFor", ox.NamedNode(
                                                  "https://w3id.org/cekg/id/entity/chronic-migraine")),
    "edge-whose-claim-is-negated": lambda q, c: _replace(q, _claim(c, "label-interaction-theophylline"),
                                                         CEKG + "polarity", ox.NamedNode(CEKG + "Negated")),
    "edge-whose-claim-has-another-predicate": lambda q, c: _replace(
        q, _claim(c, "label-interaction-theophylline"), CEKG + "predicate", ox.NamedNode(CEKG + "causes")),
    "unbacked-edges-on-two-predicates": lambda q, c: _add(_add(
        q, "http://purl.obolibrary.org/obo/CHEBI_6121", CEKG + "indicatedFor",
        ox.NamedNode("https://w3id.org/cekg/id/entity/chronic-migraine")),
        "http://purl.obolibrary.org/obo/CHEBI_6121", CEKG + "causes", ox.NamedNode("https://example.org/y")),
    "anchors-on-other-text-in-two-documents": lambda q, c: _replace(_replace(
        q, _claim(c, "article-access-expensive") + "/anchor", CEKG + "sourceSha256", ox.Literal("0" * 64)),
        _claim(c, "label-interaction-theophylline") + "/anchor", CEKG + "sourceSha256", ox.Literal("1" * 64)),
    "undeclared-cekg-term": lambda q, c: _add(q, _claim(c, "article-adverse-nausea"), CEKG + "madeUp",
                                              ox.Literal("x")),
    "document-sha-not-its-iri": lambda q, c: _replace(q, "https://w3id.org/cekg/id/doc/f46061e3a725747d",
                                                      CEKG + "sha256", ox.Literal("a" * 64)),
    "document-without-title": lambda q, c: _replace(q, "https://w3id.org/cekg/id/doc/f46061e3a725747d",
                                                    "http://purl.org/dc/terms/title", None),
    "quantity-value-a-string": lambda q, c: _replace(q, _claim(c, "article-prevalence-us") + "/quantity",
                                                     CEKG + "value", ox.Literal("many")),
    # Offsets that the engine compares as numbers without asking rdflib, and ones it must leave to rdflib.
    "start-equals-end": _equal_offsets,
    "offsets-not-canonical": lambda q, c: _replace(_replace(
        q, _claim(c, "article-access-limited") + "/anchor/position", OA + "start", _integer("+50")),
        _claim(c, "article-access-limited") + "/anchor/position", OA + "end", _integer("0010")),
    # Many focus nodes of one shape failing together, down to the nested shapes' details.
    "every-quote-empty": lambda q, c: [
        ox.Quad(x.subject, x.predicate, ox.Literal("")) if x.predicate.value == OA + "exact" else x for x in q],
    "every-anchor-without-source": lambda q, c: [x for x in q if x.predicate.value != OA + "hasSource"],
    "link-not-boolean": lambda q, c: [
        ox.Quad(x.subject, x.predicate, ox.Literal("yes")) if x.predicate.value == CEKG + "promotional" else x
        for x in q],
}


def _isomorphic(first: rdflib.Graph, second: rdflib.Graph) -> bool:
    return rdflib.compare.isomorphic(first, second)


@pytest.mark.parametrize("case", list(CASES))
def test_native_engine_reports_what_pyshacl_reports(statement_view: Quads, corpus: Corpus, case: str) -> None:
    quads = CASES[case](list(statement_view), corpus)

    native_graph, native = shacl_problems(quads, corpus, engine=ShaclEngine.NATIVE)
    reference_graph, reference = shacl_problems(quads, corpus, engine=ShaclEngine.PYSHACL)

    assert native == reference
    if not _isomorphic(native_graph, reference_graph):
        only_native = rdflib.compare.graph_diff(*map(rdflib.compare.to_isomorphic, (native_graph, reference_graph)))
        raise AssertionError(f"reports differ: {sorted(only_native[1])[:6]} / {sorted(only_native[2])[:6]}")
    assert (case == "intact") == (native == [])


def test_validate_command_with_either_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import DATA

    for engine in ShaclEngine:
        report = tmp_path / f"{engine.value}.ttl"
        assert main(["validate", "--data", str(DATA), "--shacl", engine.value, "--report", str(report)]) == 0
        assert capsys.readouterr().err == "valid: 69 claims anchored, shapes conform, every term defined\n"
    graphs = [rdflib.Graph().parse(tmp_path / f"{engine.value}.ttl") for engine in ShaclEngine]
    assert _isomorphic(*graphs)
    assert len(graphs[0]) == 2


@pytest.mark.parametrize(("case", "message", "count"), [
    ("unbacked-edges-on-two-predicates", "has no affirmed claim behind it", 2),
    ("edge-whose-claim-is-negated", "has no affirmed claim behind it", 1),
    ("anchors-on-other-text-in-two-documents", "The anchor was made on text with SHA-256", 2),
])
def test_sparql_constraint_run_once_reports_each_focus_node(statement_view: Quads, corpus: Corpus, case: str,
                                                            message: str, count: int) -> None:
    problems = shacl_problems(CASES[case](list(statement_view), corpus), corpus)[1]

    assert sum(message in problem.message for problem in problems) == count


def test_only_queries_whose_solutions_keep_their_focus_node_are_run_once() -> None:
    assert batchable("SELECT $this ?s ?o WHERE { ?s $this ?o }")
    assert batchable("SELECT DISTINCT $this ?term WHERE { ?s ?term ?o FILTER NOT EXISTS { ?term ?p $this } }")
    assert not batchable("SELECT ?s WHERE { ?s $this ?o }")
    assert not batchable("SELECT DISTINCT ?s WHERE { ?s $this ?o }")
    assert not batchable("SELECT $this (COUNT(?s) AS ?n) WHERE { ?s $this ?o } GROUP BY $this")
    assert not batchable("SELECT $this ?s WHERE { ?s $this ?o } LIMIT 1")
    assert not batchable("SELECT $this ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } ?s $this ?o }")
