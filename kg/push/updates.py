"""The SPARQL 1.1 Update requests of a push, written from terms by the RDF serialiser.

Every term comes from the store or from a checked IRI and is written in N-Triples syntax, which is also SPARQL
syntax; nothing is pasted into the text as a string. ``DROP SILENT`` because dropping a graph the server does not
have is an error (HTTP 500) on Oxigraph and Virtuoso without it. Virtuoso's cut of answers at ``ResultSetMaxRows``
does not apply to the ``WHERE`` of an update (measured with a cut at 100 rows on 1,000 triples).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

__all__ = ["add_triples", "drop_graphs", "ntriples", "remove_graphs", "replace_graphs", "swap_graph"]


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Return triples as N-Triples, one a line."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _graph_block(graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> str:
    return "GRAPH " + str(graph) + " {\n" + ntriples(triples).decode("utf-8") + "}\n"


def _empty(graphs: Sequence[ox.NamedNode]) -> str:
    # One DELETE over all the graphs rather than a DROP SILENT GRAPH each: the same triples go, and on Virtuoso 7.2
    # sixteen times faster (0.13 s against 2.1 s for 200 graphs of 37 triples).
    names = " ".join(str(graph) for graph in graphs)
    return "DELETE { GRAPH ?g { ?s ?p ?o } }\nWHERE { VALUES ?g { " + names + " } GRAPH ?g { ?s ?p ?o } }"


def replace_graphs(graphs: Sequence[tuple[ox.NamedNode, Iterable[ox.Triple]]]) -> str:
    """Return one update that empties each graph, then fills it with its triples.

    On a server that runs each request as one transaction (Oxigraph, Virtuoso), the graphs change together.
    """
    inserts = "".join(_graph_block(graph, triples) for graph, triples in graphs)
    return _empty([graph for graph, _ in graphs]) + " ;\nINSERT DATA {\n" + inserts + "}\n"


def remove_graphs(graphs: Sequence[ox.NamedNode]) -> str:
    """Return one update that removes graphs: their triples, then the graphs themselves (once empty, quickly)."""
    return _empty(graphs) + " ;\n" + drop_graphs(graphs)


def add_triples(graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> str:
    """Return one update that adds triples to a graph."""
    return "INSERT DATA {\n" + _graph_block(graph, triples) + "}\n"


def _graph_ref(graph: ox.NamedNode | ox.DefaultGraph) -> str:
    return "DEFAULT" if isinstance(graph, ox.DefaultGraph) else "GRAPH " + str(graph)


def drop_graphs(graphs: Iterable[ox.NamedNode | ox.DefaultGraph]) -> str:
    """Return one update that empties graphs, whether the server has them or not."""
    return " ;\n".join("DROP SILENT " + _graph_ref(graph) for graph in graphs) + "\n"


def swap_graph(source: ox.NamedNode, target: ox.NamedNode | ox.DefaultGraph) -> str:
    """Return one update that puts the content of ``source`` in place of ``target``'s and removes ``source``.

    Unlike ``MOVE``, it does nothing when ``source`` is gone, so it can be sent again whatever became of an earlier
    attempt: a ``MOVE`` from a graph that is not there empties ``target`` on Oxigraph.
    """
    if isinstance(target, ox.DefaultGraph):
        pattern, into = "?s ?p ?o", "{ ?s ?p ?o }"
    else:
        pattern = into = "GRAPH " + str(target) + " { ?s ?p ?o }"
        into = "{ " + into + " }"
    source_has_triples = "{ SELECT ?any WHERE { GRAPH " + str(source) + " { ?any ?p0 ?o0 } } LIMIT 1 }"
    return ("DELETE " + into + "\nWHERE { " + source_has_triples + " " + pattern + " } ;\n"
            "INSERT " + into + "\nWHERE { GRAPH " + str(source) + " { ?s ?p ?o } } ;\n"
            "DROP SILENT GRAPH " + str(source) + "\n")
