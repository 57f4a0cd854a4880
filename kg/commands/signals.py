"""Termination (``kill``, SIGTERM) handled as an interrupt: what a command was writing is tidied up either way."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["terminated_as_interrupt"]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


@contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """Raise :class:`KeyboardInterrupt` on SIGTERM within the block, as on Ctrl-C.

    By default SIGTERM ends the interpreter at once, leaving partial files and staging folders behind; an
    interrupt instead unwinds the block, and each writer removes what it had half written. The command then
    ends as on Ctrl-C ("Aborted.", exit code 130).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
