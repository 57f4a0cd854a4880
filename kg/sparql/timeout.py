"""A time limit on a call that cannot be interrupted, such as a query running inside Oxigraph."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import Option, QueryTimeout

__all__ = ["with_timeout"]

T = TypeVar("T")


def with_timeout(call: Callable[[], T], timeout: float | None, name: str) -> T:
    """Return ``call()``, or give up waiting for it after ``timeout`` seconds.

    The call runs in a daemon thread, since neither Oxigraph nor a blocked socket can be stopped from outside:
    past the limit the caller gets its answer (an error) at once, and the abandoned call ends on its own.

    Args:
        call: what to run.
        timeout: seconds to wait; ``None`` or ``0`` waits as long as the call takes, in the caller's thread.
        name: the query, for the message.

    Raises:
        QueryTimeout: the call ran past ``timeout``.
        Any error of ``call``, raised again in the caller's thread.
    """
    if not timeout:
        return call()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as err:  # handed back to the caller's thread
            # without its traceback, whose frames hold what the call made (Oxigraph's solutions among them):
            # those must be dropped here, in the thread that made them, never in the caller's
            outcome["error"] = err.with_traceback(None)

    worker = threading.Thread(target=target, name=f"query {name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"{name} ran past the time limit of {timeout:g} s: raise {Option.TIMEOUT}, add a LIMIT, or "
                           "narrow it with parameters")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]
