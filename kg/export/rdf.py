"""RDF exports: the whole dataset or one view, read from the store in a stable order and streamed out.

Every export is in a stable order, so that two exports of equal stores are byte for byte equal. N-Quads and
N-Triples are written with their lines sorted, as ``sort`` would, so that they also diff line by line. TriG,
Turtle, RDF/XML and JSON-LD are written graph by graph (the default graph first, then the named graphs by IRI),
each graph's statements in the order of their N-Triples text (subject, predicate, object). Either way the sorting
is of N-Quads lines as bytes (Oxigraph writes them, Python sorts bytes): lines are sorted in runs of a bounded
size, kept in temporary files and merged, so memory stays bounded whatever the size of the store. The ordered
lines are parsed back into quads for the formats Oxigraph writes itself.
"""

from __future__ import annotations

import heapq
import io
import itertools
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
#: N-Quads and N-Triples lines are sorted in runs of this many statements, merged at the end.
_RUN = 100_000


def graph_ordered_quads(store: ox.Store, view: View | None) -> Iterator[ox.Quad]:
    """Yield the quads of a view graph by graph (default graph first, then by IRI), then by subject, predicate and
    object (the order of their N-Triples text)."""
    with tempfile.TemporaryDirectory(prefix="kg-export-") as folder:
        default, named = _dumped_lines(store, view, Path(folder))
        yield from _parse_lines(_sorted_lines(default, Path(folder) / "default"))
        keyed = _sorted_lines((_graph_first(line) for line in named), Path(folder) / "named")
        yield from _parse_lines(line.split(b" ", 1)[1] for line in keyed)


def _dumped_lines(store: ox.Store, view: View | None, folder: Path) -> tuple[Iterator[bytes], Iterator[bytes]]:
    """Return the N-Quads lines of a view's default graph and of its named graphs, as Oxigraph dumps them.

    The store is dumped once, into ``folder``, in the store's own order. The two iterators read the same file:
    the named graphs' lines come after the default graph's, which reading them skips if need be.
    """
    path = folder / "dump.nq"
    if view is View.STATEMENTS:
        store.dump(path, ox.RdfFormat.N_TRIPLES, from_graph=_DEFAULT)
        return _file_lines(path), iter(())
    store.dump(path, ox.RdfFormat.N_QUADS)
    default, named = _split(_file_lines(path), count_quads(store, View.STATEMENTS))
    return (iter(()) if view is View.NANOPUB else default), named


def _split(lines: Iterator[bytes], default_size: int) -> tuple[Iterator[bytes], Iterator[bytes]]:
    """Split Oxigraph's N-Quads dump into the default graph's lines and the named graphs' lines.

    Oxigraph writes the default graph first. The lines on each side of the boundary are checked, so that a version
    that changed this fails with a clear error instead of exporting the wrong graphs.
    """
    def default() -> Iterator[bytes]:
        last = None
        for last in itertools.islice(lines, default_size):
            yield last
        if last is not None and not _in_default_graph(last):
            raise _order_changed()

    def named() -> Iterator[bytes]:
        for _ in first_part:  # whatever of the default graph was not read
            pass
        first = next(lines, None)
        if first is None:
            return
        if _in_default_graph(first):
            raise _order_changed()
        yield first
        yield from lines

    first_part = default()
    return first_part, named()


def _order_changed() -> RuntimeError:
    return RuntimeError(f"pyoxigraph {ox.__version__} no longer dumps the default graph before the named graphs; "
                        "kg export relies on it: install pyoxigraph 0.5.13, the version it was tested with")


def _file_lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as lines:
        yield from lines


def _in_default_graph(line: bytes) -> bool:
    return isinstance(next(ox.parse(line, format=ox.RdfFormat.N_QUADS)).graph_name, ox.DefaultGraph)


def _graph_first(line: bytes) -> bytes:
    """Lead a named-graph N-Quads line by its graph and a space, so that lines sort by graph first.

    The graph is the last term of the line, and a graph term holds no space.
    """
    return line.rsplit(b" ", 2)[1] + b" " + line


class _Chunks(io.RawIOBase):
    """A readable stream over an iterator of byte strings."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = memoryview(chunk)
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


def _parse_lines(lines: Iterator[bytes]) -> Iterator[ox.Quad]:
    """Parse N-Quads lines back into quads, in their order."""
    chunks = iter(lambda: b"".join(itertools.islice(lines, 10_000)), b"")
    reader = io.BufferedReader(_Chunks(chunks), buffer_size=1 << 20)
    yield from ox.parse(reader, format=ox.RdfFormat.N_QUADS)


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


def _sorted_lines(lines: Iterable[bytes], folder: Path) -> Iterator[bytes]:
    """Yield lines sorted, as ``sort`` does: runs sorted in memory, spilled to ``folder``, then merged.

    The run files are removed with ``folder``, by the caller.
    """
    folder.mkdir(parents=True, exist_ok=True)
    runs: list[Path] = []
    lines = iter(lines)
    while batch := list(itertools.islice(lines, _RUN)):
        batch.sort()
        if len(batch) < _RUN and not runs:
            yield from batch
            return
        runs.append(folder / f"run-{len(runs)}")
        runs[-1].write_bytes(b"".join(batch))
    with ExitStack() as stack:
        files = [stack.enter_context(run.open("rb")) for run in runs]
        yield from heapq.merge(*files)


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
        with tempfile.TemporaryDirectory(prefix="kg-export-") as folder:
            default, named = _dumped_lines(store, view, Path(folder))
            lines = progress(itertools.chain(default, named), total=total, unit="quad")
            output.writelines(_sorted_lines(lines, Path(folder) / "sorted"))
        return total
    quads = progress(graph_ordered_quads(store, view), total=total, unit="quad")
    if fmt is ExportFormat.JSONLD:
        from .jsonld import write_jsonld

        write_jsonld(_triples(quads), output)
    else:
        ox.serialize(quads if fmt.keeps_graphs else _triples(quads), output, format=rdf_format, prefixes=PREFIXES)
    return total
