"""Reading the server: the nanopublications a previous push left there, and the count check.

Virtuoso cuts every answer at ``ResultSetMaxRows`` rows (10,000 by default), saying so only in an
``X-SPARQL-MaxRows`` header, and other servers may cut without a word. So lists are read in pages keyed on the
last value seen (never ``OFFSET``, which Virtuoso refuses past its sort limit), until a page comes back empty; and
counts are taken twice, once as one aggregate row (which no cut can shorten) and once per graph, and read again in
smaller pieces when the two disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..vocab import CEKG, PREFIXES
from .server import Server

__all__ = ["CountCheck", "Reader", "StaleNanopub"]

#: Rows asked for in one page of a list, and graphs counted in one request.
PAGE = 5000
CHUNK = 1000

_PREFIXES = "PREFIX cekg: <" + CEKG + ">\nPREFIX np: <" + PREFIXES["np"] + ">\n"
_MANIFEST_TAIL = """  BIND(STR(?nanopub) AS ?key)
  FILTER(?key > ?after)
}
ORDER BY ?key
LIMIT """ + str(PAGE)
#: The nanopublications a statement view lists, in a named graph (?manifest) or in the default graph, in pages.
_MANIFEST_IN_GRAPH = (_PREFIXES + "SELECT ?key ?nanopub WHERE {\n  GRAPH ?manifest { ?claim cekg:nanopublication "
                      "?nanopub }\n" + _MANIFEST_TAIL)
_MANIFEST_IN_DEFAULT = (_PREFIXES + "SELECT ?key ?nanopub WHERE {\n  ?claim cekg:nanopublication ?nanopub .\n"
                        + _MANIFEST_TAIL)


def _graphs_query(nanopubs: Sequence[ox.NamedNode]) -> str:
    """Return the query for the graphs of nanopublications: each head, and the graphs it names."""
    return (_PREFIXES + "SELECT ?nanopub ?head ?part WHERE {\n  VALUES ?nanopub { " + " ".join(str(n) for n in nanopubs)
            + " }\n  GRAPH ?head {\n    ?nanopub a np:Nanopublication .\n    OPTIONAL { ?nanopub "
            "np:hasAssertion|np:hasProvenance|np:hasPublicationInfo ?part }\n  }\n}")


Graph = ox.NamedNode | ox.DefaultGraph

def _total_query(graphs: Sequence[ox.NamedNode]) -> str:
    # The graph names are terms written by the serialiser (N-Triples syntax), never text from elsewhere.
    return ("SELECT (COUNT(*) AS ?quads) (COUNT(DISTINCT ?g) AS ?graphs) WHERE {\n  VALUES ?g { "
            + " ".join(str(g) for g in graphs) + " }\n  GRAPH ?g { ?s ?p ?o }\n}")


def _per_graph_query(graphs: Sequence[ox.NamedNode]) -> str:
    return ("SELECT ?g (COUNT(*) AS ?quads) WHERE {\n  VALUES ?g { " + " ".join(str(g) for g in graphs)
            + " }\n  GRAPH ?g { ?s ?p ?o }\n} GROUP BY ?g")


def _name(graph: Graph) -> str:
    return "the default graph" if isinstance(graph, ox.DefaultGraph) else str(graph)


def _integer(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


@dataclass(frozen=True)
class StaleNanopub:
    """A nanopublication a previous push left on the server, with the graphs it was found to have there."""

    iri: ox.NamedNode
    graphs: tuple[ox.NamedNode, ...]


@dataclass(frozen=True)
class CountCheck:
    """The number of triples of each graph of the dataset, on the server and in the local store.

    Attributes:
        graphs: how many graphs were compared.
        local_quads: their triples in the local store.
        server_quads: their triples on the server.
        differences: each graph whose counts differ: (graph, on the server, locally), at most the first 1000.
        cut_at: the server cut an answer at this many rows (the check then counted in smaller pieces).
        cut_announced: the server said so (``X-SPARQL-MaxRows``).
        statements: the triples of the statement view in the local store.
        default_seen: how many triples a query without ``GRAPH`` sees on the server, counted up to one more than
            ``statements`` (``None`` when not looked at). The query library expects exactly the statement view.
    """

    graphs: int
    local_quads: int
    server_quads: int
    differences: tuple[tuple[Graph, int, int], ...] = ()
    cut_at: int | None = None
    cut_announced: bool = False
    statements: int = 0
    default_seen: int | None = None

    @property
    def default_is_statements(self) -> bool | None:
        """Whether a query without ``GRAPH`` sees as many triples as the statement view has (``None``: not looked)."""
        return None if self.default_seen is None else self.default_seen == self.statements

    @property
    def ok(self) -> bool:
        """Whether every graph has as many triples on the server as locally."""
        return not self.differences and self.local_quads == self.server_quads

    def summary(self) -> str:
        """Return the outcome in one sentence."""
        if self.ok:
            return f"{self.server_quads:,} triples in {self.graphs:,} graphs, as in the local store"
        shown = "; ".join(f"{_name(graph)} has {there:,} there, {here:,} here"
                          for graph, there, here in self.differences[:3])
        more = len(self.differences) - 3
        tail = f" (and {more:,} more graphs)" if more > 0 else ""
        return (f"the server holds {self.server_quads:,} triples in the dataset's {self.graphs:,} graphs, the local "
                f"store {self.local_quads:,}: {shown}{tail}")


@dataclass
class Reader:
    """Reads lists and counts from the server, noting any cut the server makes to its answers."""

    server: Server
    cut_at: int | None = None
    cut_announced: bool = False

    def _note_cut(self, rows: int, *, announced: bool) -> None:
        self.cut_at = rows if self.cut_at is None else min(self.cut_at, rows)
        self.cut_announced = self.cut_announced or announced

    def stale_nanopubs(self, manifests: Iterable[Graph], keep: set[ox.NamedNode]) -> list[StaleNanopub]:
        """Return the nanopublications listed in the ``manifests`` graphs on the server that are not in ``keep``."""
        stale: set[ox.NamedNode] = set()
        for manifest in manifests:
            after = ""
            while True:
                bindings: dict[str, ox.NamedNode | ox.Literal] = {"after": ox.Literal(after)}
                if isinstance(manifest, ox.NamedNode):
                    bindings["manifest"] = manifest
                text = _MANIFEST_IN_GRAPH if isinstance(manifest, ox.NamedNode) else _MANIFEST_IN_DEFAULT
                result = self.server.select(text, bindings, name="the list of nanopublications on the server")
                rows = result.dicts()
                if not rows:
                    break
                if result.notice:
                    self._note_cut(len(rows), announced=True)
                stale.update(n for row in rows if isinstance(n := row["nanopub"], ox.NamedNode) and n not in keep)
                last = rows[-1]["key"]
                if last is None or last.value <= after:
                    break  # a server that ignores the filter would page for ever
                after = last.value
        found: dict[ox.NamedNode, set[ox.NamedNode]] = {n: set() for n in stale}
        ordered = sorted(stale, key=lambda n: n.value)
        # A few rows per nanopublication: pieces small enough for any cut a server makes.
        for start in range(0, len(ordered), 20):
            result = self.server.select(_graphs_query(ordered[start:start + 20]),
                                        name="the graphs of old nanopublications")
            for nanopub, *graphs in result.rows:
                if isinstance(nanopub, ox.NamedNode):
                    found[nanopub].update(g for g in graphs if isinstance(g, ox.NamedNode))
        return [StaleNanopub(n, tuple(sorted(found[n], key=lambda g: g.value))) for n in ordered if found[n]]

    def count(self, expected: Mapping[Graph, int], *, statements: int = 0, probe_default: bool = False
              ) -> CountCheck:
        """Count the triples of each graph of ``expected`` on the server and compare with ``expected``.

        Args:
            expected: the number of triples of each graph in the store.
            statements: the number of triples of the statement view.
            probe_default: also count (up to ``statements`` + 1) the triples a query without ``GRAPH`` sees, to tell
                whether the library's queries will read the statement view there.
        """
        graphs = sorted((g for g in expected if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
        counted: dict[Graph, int] = {}
        if any(isinstance(g, ox.DefaultGraph) for g in expected):
            counted[ox.DefaultGraph()] = self._count_default(None)
        pending = [graphs[i:i + CHUNK] for i in range(0, len(graphs), CHUNK)]
        while pending:
            chunk = pending.pop()
            counted.update(self._count_chunk(chunk, pending))
        ordered: list[Graph] = [g for g in expected if isinstance(g, ox.DefaultGraph)] + list(graphs)
        differences = tuple((g, counted.get(g, 0), expected[g]) for g in ordered if counted.get(g, 0) != expected[g])
        seen = self._count_default(statements + 1) if probe_default else None
        return CountCheck(len(ordered), sum(expected.values()), sum(counted.get(g, 0) for g in ordered),
                          differences[:CHUNK], self.cut_at, self.cut_announced, statements, seen)

    def _count_default(self, limit: int | None) -> int:
        if limit is None:
            text = "SELECT (COUNT(*) AS ?quads) WHERE { ?s ?p ?o }"
        else:  # a bound on the work: a shared server's default graph may hold billions of triples
            text = "SELECT (COUNT(*) AS ?quads) WHERE { SELECT * WHERE { ?s ?p ?o } LIMIT " + str(int(limit)) + " }"
        rows = self.server.select(text, name="the count check").rows
        return _integer(rows[0][0]) if rows else 0

    def _count_chunk(self, chunk: list[ox.NamedNode], pending: list[list[ox.NamedNode]]) -> dict[Graph, int]:
        rows = self.server.select(_total_query(chunk), name="the count check").rows
        quads, present = (_integer(rows[0][0]), _integer(rows[0][1])) if rows else (0, 0)
        if len(chunk) == 1:
            return {chunk[0]: quads}
        result = self.server.select(_per_graph_query(chunk), name="the count check")
        counts: dict[Graph, int] = {g: _integer(n) for g, n in result.rows if isinstance(g, ox.NamedNode)}
        if not result.notice and len(counts) == present and sum(counts.values()) == quads:
            return counts
        # Cut, with or without a word: count again in pieces no longer than the answer that came back.
        self._note_cut(len(result.rows), announced=bool(result.notice))
        size = max(1, min(len(result.rows), len(chunk) - 1))
        pending.extend(chunk[i:i + size] for i in range(0, len(chunk), size))
        return {}
