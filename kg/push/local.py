"""The local side of a push: the store read as units of replacement and the statement view, streamed.

A *unit* is what the server replaces in one piece: a claim's nanopublication (its head, assertion, provenance and
publication-info graphs, found through the head's ``np:has...`` links), or a named graph that belongs to no
nanopublication. The default graph (the statement view, the ontology, documents and entities) goes to one named
graph of its own on the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import DataError, Problem
from ..iris import STATEMENTS_GRAPH
from ..vocab import PREFIXES

__all__ = ["STATEMENTS_GRAPH", "LocalDataset", "Unit"]


_NP = PREFIXES["np"]
#: Each nanopublication, its head graph, and the graphs the head names (none if it names none).
_NANOPUBS = """PREFIX np: <""" + _NP + """>
PREFIX rdf: <""" + PREFIXES["rdf"] + """>
SELECT ?nanopub ?head ?part WHERE {
  GRAPH ?head {
    ?nanopub rdf:type np:Nanopublication .
    OPTIONAL {
      VALUES ?link { np:hasAssertion np:hasProvenance np:hasPublicationInfo }
      ?nanopub ?link ?part .
    }
  }
}"""
_DEFAULT = ox.DefaultGraph()

_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_BLANK_QUERY = """SELECT ?g ?s ?p ?o WHERE {
  { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }
  FILTER(isBlank(?s) || isBlank(?o) || isBlank(?g))
} LIMIT 1"""


@dataclass(frozen=True)
class Unit:
    """Named graphs replaced together on the server.

    Attributes:
        key: the nanopublication, or the graph itself for a lone named graph.
        graphs: the graph names, head last, so that a nanopublication sent graph by graph is announced last.
    """

    key: ox.NamedNode
    graphs: tuple[ox.NamedNode, ...]


class LocalDataset:
    """The built store, seen as a push sends it: units of named graphs, and the default graph.

    Raises:
        DataError: the store holds a blank node (a blank node cannot be replaced on a server: give it an IRI).
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._refuse_blank_nodes()
        self.units = self._units()

    def _refuse_blank_nodes(self) -> None:
        found = self.store.query(_BLANK_QUERY)
        for row in found:  # type: ignore[union-attr]
            graph = "the default graph" if row["g"] is None else f"graph {row['g']}"
            raise DataError([Problem(
                f"the store holds blank nodes (e.g. {row['s']} {row['p']} {row['o']} in {graph}): a blank node "
                "cannot be replaced on a server, it would be copied again at each push; give it an IRI in the "
                "data and rebuild")])

    def _units(self) -> list[Unit]:
        parts: dict[ox.NamedNode, tuple[ox.NamedNode, set[ox.NamedNode]]] = {}
        for row in self.store.query(_NANOPUBS):  # type: ignore[union-attr]
            nanopub, head, part = row["nanopub"], row["head"], row["part"]
            if isinstance(nanopub, ox.NamedNode) and isinstance(head, ox.NamedNode):
                graphs = parts.setdefault(nanopub, (head, set()))[1]
                if isinstance(part, ox.NamedNode) and part != head:
                    graphs.add(part)
        units = [Unit(nanopub, (*sorted(graphs, key=lambda g: g.value), head))
                 for nanopub, (head, graphs) in parts.items()]
        claimed = {graph for unit in units for graph in unit.graphs}
        for graph in self.store.named_graphs():
            if isinstance(graph, ox.NamedNode) and graph not in claimed:
                units.append(Unit(graph, (graph,)))
        units.sort(key=lambda unit: unit.key.value)
        return units

    def triples(self, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Triple]:
        """Return the triples of one graph of the store."""
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, graph)]

    def graph_sizes(self) -> Iterator[tuple[ox.NamedNode, int]]:
        """Yield each named graph of the units with its number of triples."""
        counted = {row["g"]: int(row["n"].value) for row in self.store.query(_GRAPH_SIZES)  # type: ignore[union-attr]
                   if isinstance(row["g"], ox.NamedNode) and isinstance(row["n"], ox.Literal)}
        for unit in self.units:
            for graph in unit.graphs:
                yield graph, counted.get(graph, 0)

    def statement_count(self) -> int:
        """Return the number of triples in the default graph."""
        (row,) = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # type: ignore[misc]
        return int(row["n"].value)

    def statement_chunks(self, budget: int) -> Iterator[list[ox.Triple]]:
        """Yield the triples of the default graph in pieces of ``budget`` triples."""
        chunk: list[ox.Triple] = []
        for quad in self.store.quads_for_pattern(None, None, None, _DEFAULT):
            chunk.append(quad.triple)
            if len(chunk) >= budget:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
