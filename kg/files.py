"""Files written whole or not at all."""

from __future__ import annotations

import os
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
    descriptor, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
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
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
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


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
