"""A VoID and DCAT description of the dataset, in Turtle, with counts taken from the store.

The dataset (every quad) has two subsets, the statement view (the default graph) and the nanopublications (the
named graphs). Each of the three carries ``void:triples`` (quads, so a statement stored in two graphs counts
twice), ``void:entities`` (distinct IRI subjects), ``void:distinctSubjects``, ``void:distinctObjects``,
``void:properties``, ``void:classes``, and a class partition (instances per class) and a property partition
(triples per property). The dataset also has its licence, the vocabularies it uses, one ``dcat:Distribution`` per
export format, and, when given, a SPARQL endpoint and download addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox

from ..errors import Option, UsageError
from ..iris import dataset_iri, partition_iri
from ..vocab import PREFIXES
from . import ExportFormat

__all__ = ["DATASET", "Counts", "count", "describe", "write_void"]

#: The IRI of the dataset this description is about.
DATASET = dataset_iri()

_SCOPES = {
    DATASET: "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }",
    dataset_iri("statements"): "?s ?p ?o",
    dataset_iri("nanopublications"): "GRAPH ?g { ?s ?p ?o }",
}
_SUBSETS = {
    dataset_iri("statements"): ("Statement view", "The default graph: the ontology, documents, entities, claim "
                              "statement nodes with their anchors, and direct edges for affirmed claims."),
    dataset_iri("nanopublications"): ("Nanopublications", "The named graphs: for each claim a nanopublication with "
                                    "head, assertion, provenance and publication-info graphs."),
}
#: IANA-registered media types get a dcat:mediaType IRI; the others only a dcterms:format string.
_REGISTERED = frozenset({"application/trig", "application/n-quads", "text/turtle", "application/n-triples",
                         "application/rdf+xml", "application/ld+json", "text/tab-separated-values", "text/csv"})


def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n("xsd", "integer"))


def _english(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


@dataclass(frozen=True)
class Counts:
    """The VoID counts of one scope of the dataset."""

    triples: int
    entities: int
    subjects: int
    objects: int
    properties: dict[str, int]
    classes: dict[str, int]


def _number(solution: ox.QuerySolution, name: str) -> int:
    term = solution[name]
    return int(term.value) if term is not None else 0


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query}")
    return solutions


def count(store: ox.Store, pattern: str) -> Counts:
    """Count a scope of the store, given as a SPARQL graph pattern over ``?s ?p ?o`` (a fixed pattern)."""
    totals = next(_select(store, "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) "
                                 f"(COUNT(DISTINCT ?o) AS ?objects) WHERE {{ {pattern} }}"))
    entities = next(_select(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {pattern} FILTER(isIRI(?s)) }}"))
    properties = {solution["p"].value: _number(solution, "n") for solution in _select(
        store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?p")}
    typed = pattern.replace("?p", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>")
    classes = {solution["o"].value: _number(solution, "n") for solution in _select(
        store, f"SELECT ?o (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {typed} FILTER(isIRI(?o)) }} GROUP BY ?o")}
    return Counts(triples=_number(totals, "triples"), entities=_number(entities, "n"),
                  subjects=_number(totals, "subjects"), objects=_number(totals, "objects"),
                  properties=properties, classes=classes)


def _check_iri(value: str, option: Option) -> ox.NamedNode:
    try:
        if "://" not in value:
            raise ValueError("no scheme")
        return ox.NamedNode(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not an absolute IRI: write e.g. https://example.org/...") from None


def _ontology_licence(store: ox.Store) -> ox.NamedNode | None:
    for solution in _select(store, "SELECT ?licence WHERE { ?ontology a <http://www.w3.org/2002/07/owl#Ontology> ; "
                                   "<http://purl.org/dc/terms/license> ?licence } ORDER BY ?licence LIMIT 1"):
        licence = solution["licence"]
        if isinstance(licence, ox.NamedNode):
            return licence
    return None


def describe(store: ox.Store, *, licence: str | None = None, base_url: str | None = None,
             sparql_endpoint: str | None = None) -> list[ox.Triple]:
    """Return the VoID/DCAT description of the store's dataset, sorted.

    Raises:
        UsageError: the licence, base URL or endpoint is not an absolute IRI.
    """
    licence_node = _check_iri(licence, Option.LICENCE) if licence else _ontology_licence(store)
    base = _check_iri(base_url, Option.BASE_URL).value.rstrip("/") + "/" if base_url else None
    endpoint = _check_iri(sparql_endpoint, Option.SPARQL_ENDPOINT) if sparql_endpoint else None
    dataset = ox.NamedNode(DATASET)
    a = _n("rdf", "type")
    triples = [
        ox.Triple(dataset, a, _n("void", "Dataset")),
        ox.Triple(dataset, a, _n("dcat", "Dataset")),
        ox.Triple(dataset, _n("dcterms", "title"), _english("Clinical-evidence knowledge graph")),
        ox.Triple(dataset, _n("dcterms", "description"), _english(
            "What health documents claim, how strongly, and on what evidence: each claim tied to the exact words "
            "of the document that made it, as a statement node and as a nanopublication.")),
        ox.Triple(dataset, _n("dcterms", "rights"), _english(
            "Document texts keep their own terms of use, given by dcterms:rights on each cekg:Document.")),
    ]
    if licence_node is not None:
        triples.append(ox.Triple(dataset, _n("dcterms", "license"), licence_node))
    if endpoint is not None:
        triples.append(ox.Triple(dataset, _n("void", "sparqlEndpoint"), endpoint))
    vocabularies: set[str | None] = set()
    for scope, pattern in _SCOPES.items():
        node = ox.NamedNode(scope)
        if scope != DATASET:
            title, description = _SUBSETS[scope]
            triples += [ox.Triple(dataset, _n("void", "subset"), node), ox.Triple(node, a, _n("void", "Dataset")),
                        ox.Triple(node, _n("dcterms", "title"), _english(title)),
                        ox.Triple(node, _n("dcterms", "description"), _english(description))]
        counts = count(store, pattern)
        triples += _counts(node, counts)
        if scope == DATASET:
            vocabularies.update(_namespace(iri) for iri in (*counts.properties, *counts.classes))
    triples += [ox.Triple(dataset, _n("void", "vocabulary"), ox.NamedNode(ns)) for ns in vocabularies if ns is not None]
    triples += list(_distributions(dataset, base))
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _counts(node: ox.NamedNode, counts: Counts) -> list[ox.Triple]:
    void = PREFIXES["void"]
    triples = [ox.Triple(node, ox.NamedNode(void + name), _integer(value)) for name, value in (
        ("triples", counts.triples), ("entities", counts.entities), ("distinctSubjects", counts.subjects),
        ("distinctObjects", counts.objects), ("properties", len(counts.properties)),
        ("classes", len(counts.classes)))]
    for kind, found, measure in (("class", counts.classes, "entities"), ("property", counts.properties, "triples")):
        for iri, number in found.items():
            partition = ox.NamedNode(partition_iri(node.value, kind, iri))
            triples += [ox.Triple(node, ox.NamedNode(void + f"{kind}Partition"), partition),
                        ox.Triple(partition, ox.NamedNode(void + kind), ox.NamedNode(iri)),
                        ox.Triple(partition, ox.NamedNode(void + measure), _integer(number))]
    return triples


def _namespace(iri: str) -> str | None:
    matches = [ns for ns in PREFIXES.values() if iri.startswith(ns) and len(iri) > len(ns)]
    return max(matches, key=len) if matches else None


def _distributions(dataset: ox.NamedNode, base: str | None) -> Iterator[ox.Triple]:
    a = _n("rdf", "type")
    for fmt in ExportFormat:
        if fmt is ExportFormat.VOID:
            continue
        node = ox.NamedNode(dataset_iri("distribution", fmt.value))
        yield ox.Triple(dataset, _n("dcat", "distribution"), node)
        yield ox.Triple(node, a, _n("dcat", "Distribution"))
        yield ox.Triple(node, _n("dcterms", "title"), _english(fmt.description[0].upper() + fmt.description[1:]))
        yield ox.Triple(node, _n("dcterms", "format"), ox.Literal(fmt.media_type))
        if fmt.media_type in _REGISTERED:
            yield ox.Triple(node, _n("dcat", "mediaType"),
                            ox.NamedNode(f"https://www.iana.org/assignments/media-types/{fmt.media_type}"))
        if base is None:
            continue
        if fmt.writes_folder:
            yield ox.Triple(node, _n("dcat", "accessURL"), ox.NamedNode(f"{base}{fmt.file_name}/"))
            continue
        url = ox.NamedNode(base + fmt.file_name)
        yield ox.Triple(node, _n("dcat", "accessURL"), url)
        yield ox.Triple(node, _n("dcat", "downloadURL"), url)
        if fmt.keeps_graphs:
            yield ox.Triple(dataset, _n("void", "dataDump"), url)


def write_void(store: ox.Store, output: IO[bytes], *, licence: str | None = None, base_url: str | None = None,
               sparql_endpoint: str | None = None) -> int:
    """Write the VoID/DCAT description as Turtle; return the number of triples written.

    Raises:
        UsageError: the licence, base URL or endpoint is not an absolute IRI.
    """
    triples = describe(store, licence=licence, base_url=base_url, sparql_endpoint=sparql_endpoint)
    ox.serialize(triples, output, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return len(triples)
