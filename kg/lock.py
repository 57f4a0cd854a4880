"""A lock that says who holds it: one process at a time writes a store.

The lock is an advisory ``flock`` on a small file beside what it guards, holding the process id and the time it
was taken. The system releases it when its process ends, however it ends (``kill -9`` included), so a lock is
never left held by a process that is gone; the file itself is removed by the process that held it, or by the next
one to take it.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreError

__all__ = ["LockBusy", "exclusive"]

#: The locks this process holds, by file and thread: taking one again in the same thread does not wait for itself.
_HELD: dict[tuple[str, int], int] = {}


class LockBusy(StoreError):
    """Another process holds the lock.

    Attributes:
        pid: the process holding it, as it wrote it in the lock file (0 if unknown).
        since: when it took it, as ``HH:MM:SS`` UTC (empty if unknown).
    """

    def __init__(self, message: str, *, pid: int, since: str) -> None:
        super().__init__(message)
        self.pid = pid
        self.since = since


@contextmanager
def exclusive(path: Path, *, busy: str) -> Iterator[None]:
    """Hold the lock of file ``path`` for the duration of a ``with`` block, or raise at once if it is taken.

    Args:
        path: the lock file; created if needed, removed when released.
        busy: what to say when another process holds it, with ``{pid}`` and ``{since}`` to fill in.

    Raises:
        LockBusy: another process (or another thread of this one) holds the lock.
        StoreError: the lock file cannot be created.
    """
    key = (str(path), threading.get_ident())
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    descriptor = _acquire(path, busy)
    _HELD[key] = 1
    try:
        yield
    finally:
        del _HELD[key]
        try:
            path.unlink(missing_ok=True)  # while still held: whoever opens it next makes a new one
        finally:
            os.close(descriptor)


def _acquire(path: Path, busy: str) -> int:
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as err:
            raise StoreError(f"cannot create the lock file {path} ({err.strerror or err})") from err
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, since = _holder(descriptor)
            os.close(descriptor)
            raise LockBusy(busy.format(pid=pid or "unknown", since=since or "a moment ago"), pid=pid,
                           since=since) from None
        # Its previous holder may have removed the file between our open and our lock: lock the one in place.
        try:
            current = os.stat(path).st_ino == os.fstat(descriptor).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(descriptor)
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()} {time.strftime('%H:%M:%S', time.gmtime())} UTC\n".encode())
    return descriptor


def _holder(descriptor: int) -> tuple[int, str]:
    """Return the process id and the time written in a lock file, as far as they can be read."""
    try:
        words = os.pread(descriptor, 200, 0).decode("ascii", "replace").split(maxsplit=1)
        return int(words[0]), words[1].strip() if len(words) > 1 else ""
    except (OSError, ValueError, IndexError):
        return 0, ""
