"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the built store, with a query page.

It binds to loopback unless told otherwise and answers only requests whose Host names it; it refuses updates
and federated queries (``SERVICE``) to endpoints its operator did not allow; it negotiates the result format
from the Accept header; queries run in worker processes that are killed at the time or memory limit; slow or
idle connections are closed at their deadlines; it stops cleanly on Ctrl-C or SIGTERM. ``docs/serving.md`` says
what this protects against, and what it does not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import Wording, python_hint
from .policy import Access, Refused, check_services
from .pool import Limits
from .server import Server, Setup

__all__ = ["Access", "Limits", "Refused", "Server", "Setup", "check_services", "serve"]


def serve(store_dir: Path, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 60.0,
          allow_services: Sequence[str] = (), host_names: Sequence[str] = (), cors: Sequence[str] = (),
          workers: int = 2, heavy_workers: int = 1, memory_mb: int = 1024, max_answer_mb: int = 64,
          max_connections: int = 64, queue: int = 32, ready: Callable[[str], None] | None = None,
          log: Callable[[str], None] | None = None, word: Wording = python_hint) -> None:
    """Serve the store until Ctrl-C or SIGTERM.

    Args:
        store_dir: the store folder.
        host: the address to listen on.
        port: the port to listen on (0 picks a free one).
        timeout: seconds a query may run before it is stopped and the server answers 503.
        allow_services: the endpoints a query's ``SERVICE`` clause may name (none by default).
        host_names: names the Host header may give besides the bound address (and ``localhost`` on loopback).
        cors: origins whose web pages may read the answers (``*`` for any); none by default.
        workers: worker processes for queries that answer quickly.
        heavy_workers: worker processes kept for queries that run long (0: no separate lane).
        memory_mb: megabytes of memory a query's worker may use before the query is stopped.
        max_answer_mb: megabytes an answer may have.
        max_connections: connections open at once.
        queue: queries that may wait for a worker at once.
        ready: called with the server's address once it listens.
        log: called with a line for each request.
        word: how error answers word the options they name (``kg serve`` passes the command line's flags).

    Raises:
        StoreError: the address is taken or cannot be bound, or the store cannot be opened.
    """
    limits = Limits(timeout=timeout, memory=memory_mb << 20, answer=max_answer_mb << 20, workers=workers,
                    heavy_workers=heavy_workers, queue=queue)
    access = Access.bound_to(host, services=tuple(allow_services), host_names=tuple(host_names), cors=tuple(cors))
    setup = Setup(store_dir, host, port, limits, access, max_connections=max_connections)
    Server(setup, word=word, log=log).run(ready)
