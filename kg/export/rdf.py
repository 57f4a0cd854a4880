"""RDF exports: the whole dataset or one view, read from the store in a stable order and streamed out.

TriG, Turtle, RDF/XML and JSON-LD are written graph by graph (the default graph first, then the named graphs by
IRI), subject by subject: besides the sorted list of subjects, one subject (or one named graph) is held in memory
at a time. N-Quads and N-Triples are written with their lines sorted, as ``sort`` would, so that two exports of
equal stores are byte for byte equal and diff line by line: lines are sorted in runs of a bounded size, kept in
temporary files, and merged.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..vocab import PREFIXES
from . import ExportFormat, Progress, View

__all__ = ["count_quads", "graph_ordered_quads", "write_rdf"]

_DEFAULT = ox.DefaultGraph()
Graph = ox.DefaultGraph | ox.NamedNode | ox.BlankNode
#: N-Quads and N-Triples lines are sorted in runs of this many statements, merged at the end.
_RUN = 100_000


def _default_graph_subjects(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode]:
    """Return the distinct subjects of the default graph, in the order of their N-Triples text."""
    solutions = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("a SELECT query gave no solutions")
    return sorted((solution[0] for solution in solutions), key=str)


def _statement_key(quad: ox.Quad) -> tuple[str, str, str]:
    return str(quad.subject), str(quad.predicate), str(quad.object)


def graph_ordered_quads(store: ox.Store, view: View | None) -> Iterator[ox.Quad]:
    """Yield the quads of a view graph by graph (default graph first), then by subject, predicate and object.

    The default graph is read subject by subject; each named graph (a part of one nanopublication) is read and
    sorted whole.
    """
    if view is not View.NANOPUB:
        for subject in _default_graph_subjects(store):
            yield from sorted(store.quads_for_pattern(subject, None, None, _DEFAULT), key=_statement_key)
    if view is not View.STATEMENTS:
        for graph in sorted(store.named_graphs(), key=str):
            yield from sorted(store.quads_for_pattern(None, None, None, graph), key=_statement_key)


def _in_view(graph: Graph, view: View | None) -> bool:
    if view is None:
        return True
    return isinstance(graph, ox.DefaultGraph) == (view is View.STATEMENTS)


def count_quads(store: ox.Store, view: View | None) -> int:
    """Return the number of quads in a view (the whole dataset for ``None``)."""
    if view is None:
        return len(store)
    solutions = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("a SELECT query gave no solutions")
    default = int(next(solutions)["n"].value)
    return default if view is View.STATEMENTS else len(store) - default


def _triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    for quad in quads:
        yield ox.Triple(quad.subject, quad.predicate, quad.object)


class _Counted:
    """Counts the quads that pass through it."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.quads = quads
        self.count = 0

    def __iter__(self) -> Iterator[ox.Quad]:
        for quad in self.quads:
            self.count += 1
            yield quad


def _view_quads(store: ox.Store, view: View | None) -> Iterator[ox.Quad]:
    """Yield the quads of a view in the store's own order."""
    if view is View.STATEMENTS:
        yield from store.quads_for_pattern(None, None, None, _DEFAULT)
        return
    for quad in store.quads_for_pattern(None, None, None, None):
        if _in_view(quad.graph_name, view):
            yield quad


def _lines(quads: list[ox.Quad], fmt: ExportFormat) -> list[bytes]:
    if fmt.keeps_graphs:
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    else:
        data = ox.serialize(_triples(quads), format=ox.RdfFormat.N_TRIPLES) or b""
    return sorted(data.splitlines(keepends=True))


def _write_sorted_lines(quads: Iterable[ox.Quad], fmt: ExportFormat, output: IO[bytes]) -> None:
    """Write N-Quads or N-Triples lines sorted, as ``sort`` does: runs sorted in memory, then merged from disk."""
    with tempfile.TemporaryDirectory(prefix="kg-export-") as folder:
        runs: list[Path] = []
        batch: list[ox.Quad] = []
        for quad in quads:
            batch.append(quad)
            if len(batch) >= _RUN:
                runs.append(Path(folder) / f"run-{len(runs)}")
                runs[-1].write_bytes(b"".join(_lines(batch, fmt)))
                batch = []
        last = _lines(batch, fmt)
        if not runs:
            output.write(b"".join(last))
            return
        with ExitStack() as stack:
            files = [stack.enter_context(run.open("rb")) for run in runs]
            output.writelines(heapq.merge(*files, iter(last)))


def write_rdf(store: ox.Store, fmt: ExportFormat, view: View | None, output: IO[bytes], *,
              progress: Progress) -> int:
    """Write a view of the store (the whole dataset for ``None``) in an RDF format.

    Args:
        store: the store.
        fmt: an RDF format; triple formats need a view.
        view: the view, or ``None`` for the whole dataset (TriG and N-Quads only).
        output: where to write.
        progress: wraps the stream of quads.

    Returns:
        The number of quads (triples) written.
    """
    rdf_format = fmt.rdf_format
    if rdf_format is None or (view is None and not fmt.keeps_graphs):
        raise ValueError(f"{fmt} is not an RDF format that can hold this view")
    total = count_quads(store, view)
    if fmt in (ExportFormat.NQUADS, ExportFormat.NTRIPLES):
        counted = _Counted(progress(_view_quads(store, view), total=total, unit="quad"))
        _write_sorted_lines(counted, fmt, output)
        return counted.count
    counted = _Counted(progress(graph_ordered_quads(store, view), total=total, unit="quad"))
    if fmt is ExportFormat.JSONLD:
        from .jsonld import write_jsonld

        write_jsonld(_triples(counted), output)
    else:
        ox.serialize(counted if fmt.keeps_graphs else _triples(counted), output, format=rdf_format,
                     prefixes=PREFIXES)
    return counted.count
