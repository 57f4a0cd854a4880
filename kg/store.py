"""The embedded Oxigraph store on disk: written atomically, opened read-only for questions.

A build writes a complete new store beside the old one and swaps it in only when it is complete, so a failed
build leaves the previous store exactly as it was. An incremental build does the same on a copy of the old store
whose unchanged files are hard links: copying costs next to nothing, and the store in use is never opened for
writing.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .compact import compact
from .errors import HINT, Hint, KGError, NotFoundError, Setting, StoreError
from .lock import LockBusy, exclusive
from .swap import exchange

__all__ = ["LockBusy", "add_nquads", "canonical_nquads", "load_store", "memory_store", "open_store", "read_only",
           "update_store", "write_store", "writing"]

_PREVIOUS = ".previous"
_BUILDING = ".building-"
_LOCK = ".lock"
_BUSY = ("another build (process {pid}, since {since}) is writing the store at {store}: wait for it to finish, "
         "then build again")
#: Store files that never change once written (RocksDB tables): a copy of the store may share them.
_IMMUTABLE_SUFFIXES = (".sst", ".blob")


def _recover(store_dir: Path) -> None:
    """Put back the previous store if a swap was interrupted between its two renames (the lock must be held)."""
    previous = store_dir.with_name(store_dir.name + _PREVIOUS)
    if previous.exists() and not store_dir.exists():
        os.replace(previous, store_dir)
    elif previous.exists():
        shutil.rmtree(previous, ignore_errors=True)


def _lock_path(store_dir: Path) -> Path:
    return store_dir.with_name(store_dir.name + _LOCK)


@contextmanager
def writing(store_dir: Path) -> Iterator[None]:
    """Be the one writer of the store at ``store_dir`` for the duration of a ``with`` block.

    On entry, what builds killed before they could tidy up left beside the store is removed: their staging
    folders, or the previous store of an interrupted swap (put back if the new one is missing).

    Raises:
        LockBusy: another process is writing the store; nothing was changed.
        StoreError: the folder of the store cannot be created.
    """
    store_dir = store_dir.resolve()
    try:
        store_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create {store_dir.parent} ({err.strerror}): {HINT}",
                         hint=Hint(Setting.STORE, another=True)) from err
    with exclusive(_lock_path(store_dir), busy=_BUSY.replace("{store}", str(store_dir))):
        _recover(store_dir)
        for leftover in store_dir.parent.glob(f"{store_dir.name}{_BUILDING}*"):
            shutil.rmtree(leftover, ignore_errors=True)
        yield


def _swap(staging: Path, store_dir: Path) -> None:
    """Put ``staging`` in place of the store: in one step where the system can exchange two folders."""
    if store_dir.exists() and exchange(staging, store_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous store
        return
    previous = store_dir.with_name(store_dir.name + _PREVIOUS)
    if store_dir.exists():
        os.replace(store_dir, previous)
    os.replace(staging, store_dir)
    shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def _replacing(store_dir: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``store_dir``; put it in place of the store when the block succeeds.

    Raises:
        LockBusy: another process is writing the store.
        StoreError: the staging folder or the swap failed; the previous store is untouched.
    """
    store_dir = store_dir.resolve()
    with writing(store_dir):
        try:
            staging = Path(tempfile.mkdtemp(prefix=store_dir.name + _BUILDING, dir=store_dir.parent))
        except OSError as err:
            raise StoreError(f"cannot write the store at {store_dir}: {err}; the previous store is unchanged") from err
        try:
            yield staging
            staging.chmod(0o755)
            _swap(staging, store_dir)
        except OSError as err:
            shutil.rmtree(staging, ignore_errors=True)
            _recover(store_dir)
            if isinstance(err, KGError):
                raise
            raise StoreError(f"cannot write the store at {store_dir}: {err}; the previous store is unchanged") from err
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            _recover(store_dir)
            raise


def _write_files(folder: Path, files: Mapping[str, bytes] | None) -> None:
    for name, content in (files or {}).items():
        (folder / name).write_bytes(content)


def write_store(store_dir: Path, quads: Iterable[ox.Quad]) -> int:
    """Write ``quads`` as the new content of the store at ``store_dir``, all or nothing.

    Returns:
        The number of quads in the new store.

    Raises:
        StoreError: the store could not be written; the previous store is untouched.
        Any exception raised while ``quads`` is iterated, after removing the half-written new store.
    """
    with _replacing(store_dir) as staging:
        store = ox.Store(str(staging))
        store.bulk_extend(quads)
        store.flush()
        count = len(store)
        del store
    return count


#: How many bytes of N-Quads the bulk loader is handed at a time: enough that it writes few table files, little
#: enough that making the next batch overlaps loading this one.
LOAD_BATCH_BYTES = 64 << 20


def _batches(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Join chunks of N-Quads into batches of at least ``size`` bytes (the last one may be smaller)."""
    pending: list[bytes] = []
    pending_size = 0
    for chunk in chunks:
        pending.append(chunk)
        pending_size += len(chunk)
        if pending_size >= size:
            yield b"".join(pending)
            pending, pending_size = [], 0
    if pending_size:
        yield b"".join(pending)


def _bulk_load(store: ox.Store, nquads: Iterable[bytes]) -> None:
    """Load chunks of N-Quads into ``store``: a second thread loads each batch while this one makes the next.

    The loader is handed bytes, not a stream: it parses them without the interpreter lock, whereas reading a
    Python stream would take the lock back for every small read and wait on the thread making the chunks.

    Raises:
        Any exception raised while ``nquads`` is iterated, or by the loader, once the loading thread stopped.
    """
    batches: queue.Queue[bytes | None] = queue.Queue(maxsize=1)
    failures: list[BaseException] = []
    stopped = threading.Event()

    def load() -> None:
        while not stopped.is_set():
            try:
                batch = batches.get(timeout=0.1)  # never for ever: an interrupt may have broken the queue
            except queue.Empty:
                continue
            if batch is None:
                return
            if failures:
                continue  # drain the queue so that the making thread never blocks on it
            try:
                store.bulk_load(batch, format=ox.RdfFormat.N_QUADS, lenient=True)
            except BaseException as err:  # handed to the making thread, which raises it
                failures.append(err)

    # A daemon: a second interrupt may leave no time to wait for the batch being loaded.
    loader = threading.Thread(target=load, name="kg-bulk-load", daemon=True)
    loader.start()
    try:
        for batch in _batches(nquads, LOAD_BATCH_BYTES):
            if failures:
                break
            batches.put(batch)
        batches.put(None)
    except BaseException:
        # Interrupted (Ctrl-C) or failed: the loader stops after the batch it is loading, and the batch waiting is
        # dropped; nothing here waits on the queue, whatever interrupts this thread next.
        stopped.set()
        raise
    finally:
        loader.join()
    if failures:
        raise failures[0]


def load_store(store_dir: Path, nquads: Iterable[bytes], *,
               files: Callable[[int], Mapping[str, bytes]] | None = None) -> int:
    """Write the N-Quads ``nquads`` as the new content of the store at ``store_dir``, all or nothing.

    Oxigraph's bulk loader stores each batch of chunks while the next batch is made.
    Their IRIs must already be checked: the loader does not check them again.

    Args:
        store_dir: the store folder.
        nquads: the whole content of the new store, as chunks of N-Quads lines.
        files: given the number of quads, returns extra files to put in the store folder (name -> content),
            such as a build manifest.

    Returns:
        The number of quads in the new store.

    Raises:
        StoreError: the store could not be written; the previous store is untouched.
        Any exception raised while ``nquads`` is iterated, after removing the half-written new store.
    """
    with _replacing(store_dir) as staging:
        store = ox.Store(str(staging))
        _bulk_load(store, nquads)
        store.flush()
        compact(store)
        count = len(store)
        del store
        _write_files(staging, files(count) if files else None)
    return count


def add_nquads(store: ox.Store, nquads: Iterable[bytes]) -> None:
    """Add chunks of N-Quads to an open store with the bulk loader, made and loaded side by side.

    The bulk loader writes no transaction: it is for a copy of the store that replaces it only once complete
    (see :func:`update_store`), where it takes a fraction of the time and memory of a transactional load.

    Raises:
        Any exception raised while ``nquads`` is iterated, or by the loader.
    """
    _bulk_load(store, nquads)


def memory_store(nquads: Iterable[bytes]) -> ox.Store:
    """Return a new in-memory store holding the N-Quads ``nquads``, made and loaded side by side.

    Raises:
        Any exception raised while ``nquads`` is iterated.
    """
    store = ox.Store()
    _bulk_load(store, nquads)
    return store


def _link_or_copy(source: str, target: str) -> object:
    if source.endswith(_IMMUTABLE_SUFFIXES):
        try:
            os.link(source, target)
            return target
        except OSError:
            pass
    return shutil.copy2(source, target)


def update_store(store_dir: Path, change: Callable[[ox.Store], Mapping[str, bytes] | None]) -> None:
    """Apply ``change`` to a copy of the store at ``store_dir`` and put the copy in its place, all or nothing.

    The copy shares the store's immutable table files (hard links), so its cost does not grow with the store.

    Args:
        store_dir: the store folder; it must hold a store.
        change: what to do to the copy, opened for writing; returns extra files to put in the store folder
            (name -> content), such as a build manifest.

    Raises:
        NotFoundError: there is no store there.
        StoreError: the store could not be copied, changed or replaced; the previous store is untouched.
        Any exception raised by ``change``, after removing the copy.
    """
    store_dir = store_dir.resolve()
    with writing(store_dir):
        if not store_dir.is_dir():
            raise NotFoundError(f"no store at {store_dir}: run `kg build` first (or {HINT})",
                                hint=Hint(Setting.STORE))
        _update(store_dir, change)


def _update(store_dir: Path, change: Callable[[ox.Store], Mapping[str, bytes] | None]) -> None:
    with _replacing(store_dir) as staging:
        copy = staging / "store"
        shutil.copytree(store_dir, copy, copy_function=_link_or_copy, ignore=shutil.ignore_patterns("LOCK"))
        store = ox.Store(str(copy))
        files = change(store)
        store.flush()
        del store
        # The copy becomes the staging folder itself, so that the swap is the usual one.
        for entry in copy.iterdir():
            os.replace(entry, staging / entry.name)
        copy.rmdir()
        _write_files(staging, files)


def read_only(store_dir: Path) -> ox.Store:
    """Return the built store opened read-only; it stays open as long as it is referenced.

    Raises:
        NotFoundError: there is no store there yet.
        StoreError: the folder is not an Oxigraph store.
    """
    store_dir = store_dir.resolve()
    if not store_dir.is_dir() and store_dir.with_name(store_dir.name + _PREVIOUS).is_dir():
        _recover_for_reading(store_dir)
    for _ in range(_OPEN_ATTEMPTS):
        before = _identity(store_dir)
        if before is None:
            raise NotFoundError(f"no store at {store_dir}: run `kg build` first (or {HINT})",
                                hint=Hint(Setting.STORE))
        try:
            store, error = ox.Store.read_only(str(store_dir)), None
        except (OSError, RuntimeError) as err:  # RocksDB reports a damaged store as a RuntimeError
            store, error = None, err
        # Opening reads several files by name: a build that swapped a new store in meanwhile may have handed
        # over some of each. The folder is the same one before and after only if every file came from it.
        if _identity(store_dir) == before:
            if store is None:
                raise StoreError(f"cannot open the store at {store_dir}: {error}; rebuild it with `kg build`")
            return store
        del store
    raise StoreError(f"cannot open the store at {store_dir}: builds replaced it {_OPEN_ATTEMPTS} times while it "
                     "was being opened; try again")


#: How many times opening the store is tried while builds keep swapping new ones in.
_OPEN_ATTEMPTS = 50


def _identity(folder: Path) -> tuple[int, int] | None:
    """Return what tells one folder from another put in its place (device and inode), ``None`` if there is none."""
    try:
        found = folder.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (found.st_dev, found.st_ino) if os.path.isdir(folder) else None


def _recover_for_reading(store_dir: Path, *, wait: float = 5.0) -> None:
    """Put back the previous store of an interrupted swap, unless a build is swapping it now: then wait for it."""
    deadline = time.monotonic() + wait
    while not store_dir.is_dir() and time.monotonic() < deadline:
        try:
            with exclusive(_lock_path(store_dir), busy=""):
                _recover(store_dir)
        except LockBusy:
            time.sleep(0.01)  # a build is between its two renames: the new store is a moment away


@contextmanager
def open_store(store_dir: Path) -> Iterator[ox.Store]:
    """Open the built store read-only for the duration of a ``with`` block (see :func:`read_only`)."""
    store = read_only(store_dir)
    try:
        yield store
    finally:
        del store


def canonical_nquads(store: ox.Store) -> bytes:
    """Return the store as N-Quads, one quad a line, lines sorted: equal stores give equal bytes."""
    lines = ox.serialize(store.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS)
    return b"".join(sorted(lines.splitlines(keepends=True))) if lines else b""
