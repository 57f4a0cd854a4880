"""Files written whole or not at all.

A file (or folder) is written under a temporary name beside its target, ``.NAME.*.partial``, and renamed over the
target only once complete. The process writing a partial file holds a lock on it; a partial file nobody holds
was left by a process that was killed, and the next write of the same target removes it.
"""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import Option, UsageError


def check_output_path(out: Path) -> Path:
    """Return *out* resolved, or raise :class:`UsageError` when it cannot be written.

    Raises:
        UsageError: the folder does not exist or is not writable, or *out* is a folder.
    """
    out = out.expanduser().resolve()
    if out.is_dir():
        raise UsageError(f"cannot write {out}: it is a folder; give a file name")
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: the folder {out.parent} does not exist; create it first")
    if not os.access(out.parent, os.W_OK):
        raise UsageError(f"cannot write {out}: the folder {out.parent} is not writable; choose another {Option.OUT}")
    if out.exists() and not os.access(out, os.W_OK):
        raise UsageError(f"cannot write {out}: the file is not writable; choose another {Option.OUT}")
    return out


@contextmanager
def atomic_output(out: Path, *, binary: bool = True) -> Iterator[IO[bytes]]:
    """Write *out* through a temporary file in the same folder, renamed over *out* only on success.

    On any error the temporary file is removed and a previous *out* is left as it was.

    Raises:
        UsageError: *out* cannot be written (see :func:`check_output_path`).
    """
    out = check_output_path(out)
    with _creating(out.parent):
        _remove_leftovers(out)
        descriptor, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # held until the file is closed, or its process ends
    try:
        with os.fdopen(descriptor, "wb" if binary else "w") as handle:
            yield handle
        os.chmod(partial, 0o644)
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Fill a temporary folder beside *out*, then put it in place of *out* on success.

    A previous *out* is replaced only once the new folder is complete.

    Raises:
        UsageError: the parent folder does not exist or is not writable.
    """
    out = out.expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"cannot write {out}: a file of that name exists; this format writes a folder")
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: the folder {out.parent} does not exist; create it first")
    if not os.access(out.parent, os.W_OK):
        raise UsageError(f"cannot write {out}: the folder {out.parent} is not writable; choose another {Option.OUT}")
    with _creating(out.parent):
        _remove_leftovers(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
        held = os.open(staging, os.O_RDONLY | os.O_CLOEXEC)
        fcntl.flock(held, fcntl.LOCK_EX)
    try:
        yield staging
        staging.chmod(0o755)
        if out.exists():
            previous = out.with_name(f".{out.name}.previous")
            os.replace(out, previous)
            os.replace(staging, out)
            _remove_tree(previous)
        else:
            os.replace(staging, out)
    except BaseException:
        _remove_tree(staging)
        raise
    finally:
        os.close(held)


def _remove_leftovers(out: Path) -> list[Path]:
    """Remove the partial files and folders of *out* that no process is writing; return what was removed."""
    removed = []
    for path in sorted(out.parent.glob(f".{glob.escape(out.name)}.*.partial")):
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # being written now
        else:
            if path.is_dir():
                _remove_tree(path)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(descriptor)
    return removed


@contextmanager
def _creating(folder: Path) -> Iterator[None]:
    """Make and lock a partial file with no other process of ours looking for leftovers in *folder* meanwhile.

    A partial file is locked a moment after it is made: were leftovers looked for in that moment, the new file
    would look like one. Each writer makes its partial file, locks it and removes leftovers under a lock on the
    folder, held for that moment only.
    """
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        yield  # the write fails on its own, with its own message
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
