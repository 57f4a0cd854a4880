"""The embedded Oxigraph store on disk: written atomically, opened read-only for questions.

A build writes a complete new store beside the old one and swaps it in only when it is complete, so a failed
build leaves the previous store exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import NotFoundError, StoreError
from .vocab import PREFIXES

__all__ = ["ExportFormat", "canonical_nquads", "open_store", "read_only", "sorted_quads", "write_quads",
           "write_store"]

_PREVIOUS = ".previous"
_BUILDING = ".building-"


class ExportFormat(StrEnum):
    """Whole-dataset serialisations."""

    TRIG = "trig"
    NQUADS = "nquads"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """Return the Oxigraph format."""
        return ox.RdfFormat.TRIG if self is ExportFormat.TRIG else ox.RdfFormat.N_QUADS


def _recover(store_dir: Path) -> None:
    """Put back the previous store if a swap was interrupted between its two renames."""
    previous = store_dir.with_name(store_dir.name + _PREVIOUS)
    if previous.exists() and not store_dir.exists():
        os.replace(previous, store_dir)
    elif previous.exists():
        shutil.rmtree(previous, ignore_errors=True)


def write_store(store_dir: Path, quads: Iterable[ox.Quad]) -> int:
    """Write ``quads`` as the new content of the store at ``store_dir``, all or nothing.

    Returns:
        The number of quads in the new store.

    Raises:
        StoreError: the store could not be written; the previous store is untouched.
        Any exception raised while ``quads`` is iterated, after removing the half-written new store.
    """
    store_dir = store_dir.resolve()
    try:
        store_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create {store_dir.parent} ({err.strerror}): choose another --store") from err
    _recover(store_dir)
    staging = Path(tempfile.mkdtemp(prefix=store_dir.name + _BUILDING, dir=store_dir.parent))
    try:
        store = ox.Store(str(staging))
        store.bulk_extend(quads)
        store.flush()
        count = len(store)
        del store
        staging.chmod(0o755)
        previous = store_dir.with_name(store_dir.name + _PREVIOUS)
        if store_dir.exists():
            os.replace(store_dir, previous)
        os.replace(staging, store_dir)
        shutil.rmtree(previous, ignore_errors=True)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        _recover(store_dir)
        raise StoreError(f"cannot write the store at {store_dir}: {err}; the previous store is unchanged") from err
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _recover(store_dir)
        raise
    return count


def read_only(store_dir: Path) -> ox.Store:
    """Return the built store opened read-only; it stays open as long as it is referenced.

    Raises:
        NotFoundError: there is no store there yet.
        StoreError: the folder is not an Oxigraph store.
    """
    store_dir = store_dir.resolve()
    _recover(store_dir)
    if not store_dir.is_dir():
        raise NotFoundError(f"no store at {store_dir}: run `kg build` first (or pass --store DIR / set KG_STORE)")
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as err:
        raise StoreError(f"cannot open the store at {store_dir}: {err}; rebuild it with `kg build`") from err


@contextmanager
def open_store(store_dir: Path) -> Iterator[ox.Store]:
    """Open the built store read-only for the duration of a ``with`` block (see :func:`read_only`)."""
    store = read_only(store_dir)
    try:
        yield store
    finally:
        del store


def _quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def sorted_quads(store: ox.Store) -> list[ox.Quad]:
    """Return every quad of the store in a stable order (graph, subject, predicate, object)."""
    return sorted(store.quads_for_pattern(None, None, None, None), key=_quad_key)


def canonical_nquads(store: ox.Store) -> bytes:
    """Return the store as N-Quads, one quad a line, lines sorted: equal stores give equal bytes."""
    lines = ox.serialize(store.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS)
    return b"".join(sorted(lines.splitlines(keepends=True))) if lines else b""


def write_quads(quads: Iterable[ox.Quad], output: IO[bytes], fmt: ExportFormat) -> None:
    """Serialise quads in a whole-dataset format, with the project's prefixes where the format has them."""
    if fmt is ExportFormat.NQUADS:
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        output.write(b"".join(sorted(data.splitlines(keepends=True))))
    else:
        ox.serialize(quads, output, format=fmt.rdf_format, prefixes=PREFIXES)
