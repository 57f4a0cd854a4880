"""Compare RDF datasets from pyoxigraph and rdflib as sets of quads, with a readable diff."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Key = tuple[str, str, str, str]


def _term(term: object) -> str:
    if isinstance(term, ox.DefaultGraph) or term is None or term == DATASET_DEFAULT_GRAPH_ID:
        return "DEFAULT"
    if isinstance(term, ox.NamedNode | rdflib.URIRef):
        return f"<{term.value if isinstance(term, ox.NamedNode) else term}>"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return f'"{term.value}"@{term.language}'
        return f'"{term.value}"' if datatype == XSD_STRING else f'"{term.value}"^^<{datatype}>'
    if isinstance(term, rdflib.Literal):
        if term.language:
            return f'"{term}"@{term.language}'
        datatype = str(term.datatype) if term.datatype else XSD_STRING
        return f'"{term}"' if datatype == XSD_STRING else f'"{term}"^^<{datatype}>'
    raise TypeError(f"blank nodes and other terms are not expected here: {term!r}")


def oxigraph_keys(quads: Iterable[ox.Quad]) -> set[Key]:
    """Return comparable keys of pyoxigraph quads."""
    return {(_term(q.graph_name), _term(q.subject), _term(q.predicate), _term(q.object)) for q in quads}


def rdflib_keys(dataset: rdflib.Dataset) -> set[Key]:
    """Return comparable keys of an rdflib dataset's quads."""
    keys = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = g.identifier if isinstance(g, rdflib.Graph) else g
        keys.add((_term(graph), _term(s), _term(p), _term(o)))
    return keys


def assert_same_quads(first: set[Key], second: set[Key]) -> None:
    """Fail with the quads only in one side when the two sets differ."""
    if first == second:
        return
    only_first = sorted(first - second)[:10]
    only_second = sorted(second - first)[:10]
    lines = [f"{len(first - second)} quads only in first, {len(second - first)} only in second"]
    lines += ["only in first:  " + " ".join(k) for k in only_first]
    lines += ["only in second: " + " ".join(k) for k in only_second]
    raise AssertionError("\n".join(lines))
