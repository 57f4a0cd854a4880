"""The statement view states the standard terms a researcher's first query uses: PROV-O, Web Annotation, RDF."""

from __future__ import annotations

import pyoxigraph as ox

from kg.sparql import OxigraphBackend, parse_query, run

PREFIXES = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX cekg: <https://w3id.org/cekg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _values(store: ox.Store, query: str) -> list[dict[str, str | None]]:
    return run(parse_query(PREFIXES + query), OxigraphBackend(store)).values()


def test_prov_and_web_annotation_alone_find_every_claims_attribution_and_quote(store: ox.Store) -> None:
    claims = {row["id"] for row in _values(store, "SELECT ?id WHERE { ?c a cekg:Claim ; dcterms:identifier ?id }")}
    attributed = _values(store, """SELECT ?id ?agent WHERE { ?claim prov:wasAttributedTo ?agent ;
        dcterms:identifier ?id }""")
    assert {row["id"] for row in attributed} == claims and len(claims) == 69
    agents = {row["id"]: row["agent"] for row in attributed}
    assert agents["article-efficacy-frequency"] == "https://ror.org/04xeg9z08"
    assert agents["label-adverse-blood-pressure"] == "https://w3id.org/cekg/id/doc/f672d34e7b3536ea"
    quoted = _values(store, """SELECT ?id ?quote WHERE { ?a a oa:Annotation ;
        oa:hasTarget/oa:hasSelector/oa:exact ?quote ; oa:hasBody/dcterms:identifier ?id }""")
    assert {row["id"] for row in quoted} == claims
    assert {row["id"]: row["quote"] for row in quoted}["article-access-expensive"] == "can be expensive for patients"


def test_claims_are_rdf_statements_and_links_are_cito(store: ox.Store) -> None:
    statements = _values(store, """SELECT ?s ?p ?o WHERE { ?c a rdf:Statement ; dcterms:identifier
        "article-efficacy-frequency" ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }""")
    assert statements == [{"s": "http://purl.obolibrary.org/obo/CHEBI_6121",
                           "p": "https://w3id.org/cekg/vocab#reducesFrequencyOf",
                           "o": "https://w3id.org/cekg/id/entity/chronic-migraine"}]
    for cekg, cito in (("supports", "supports"), ("challenges", "disputes")):
        ours = _values(store, f"SELECT ?a ?b WHERE {{ ?a cekg:{cekg} ?b }} ORDER BY ?a ?b")
        assert ours and ours == _values(store, f"SELECT ?a ?b WHERE {{ ?a cito:{cito} ?b }} ORDER BY ?a ?b")


def test_every_eco_code_used_has_its_label(store: ox.Store) -> None:
    labels = _values(store, """SELECT DISTINCT ?eco ?label WHERE {
        { ?x cekg:evidence ?eco } UNION { GRAPH ?g { ?x cekg:evidence ?eco } }
        OPTIONAL { ?eco rdfs:label ?label } } ORDER BY ?eco""")
    assert [(str(row["eco"]).rsplit("/", 1)[1], row["label"]) for row in labels] == [
        ("ECO_0000034", "non-traceable author statement"), ("ECO_0000218", "manual assertion")]
