"""The listening side of ``kg serve``: connections with deadlines, bounded in number, and a clean stop.

The server is one asyncio loop, so a connection that sends nothing, or half a request, holds no thread: it holds
a socket until its deadline, and the number of sockets is bounded too. Queries run in the worker pool, reached
from a bounded set of threads.

Deadlines (seconds): a request's head must arrive within :data:`HEAD_TIMEOUT` of the connection or of the
previous answer, its body within :data:`BODY_TIMEOUT` more, and a client must read the answer within
:data:`WRITE_TIMEOUT`. A connection serves at most :data:`KEEP_ALIVE_REQUESTS` requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from ..errors import Option, StoreError, Wording
from .endpoint import Endpoint
from .page import page
from .policy import Access
from .pool import Limits, Pool
from .protocol import BadRequest, Request, Response, read_body, read_head
from .worker import Answer, Failure, Job

__all__ = ["BODY_TIMEOUT", "HEAD_TIMEOUT", "KEEP_ALIVE_REQUESTS", "WRITE_TIMEOUT", "Server", "Setup"]

HEAD_TIMEOUT = 10.0
BODY_TIMEOUT = 20.0
WRITE_TIMEOUT = 60.0
KEEP_ALIVE_REQUESTS = 100
#: The longest line of a request (a GET carries the whole query in its target).
_LINE_LIMIT = 96 << 10


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read and drop what the client still sends, for a moment, before closing after an error.

    Closing a socket with unread data makes the system reset the connection, which can destroy the answer
    before the client has read it.
    """
    if writer.can_write_eof():
        writer.write_eof()
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(1):
            for _ in range(64):
                if not await reader.read(1 << 16):
                    break


@dataclass(frozen=True)
class Setup:
    """Everything a server needs, given once.

    Attributes:
        store_dir: the store folder.
        host: the address to listen on.
        port: the port (0 picks a free one).
        limits: what queries may use.
        access: who may ask and what queries may name.
        max_connections: connections open at once; past that, 503 and close.
        max_body: bytes a request's body may have.
    """

    store_dir: Path
    host: str
    port: int
    limits: Limits
    access: Access
    max_connections: int = 64
    max_body: int = 1_000_000


class Server:
    """A running ``kg serve``: call :meth:`run` in the main thread."""

    def __init__(self, setup: Setup, *, word: Wording, log: Callable[[str], None] | None = None) -> None:
        self.setup, self.word = setup, word
        self.log = log or (lambda message: None)
        self.open: dict[asyncio.StreamWriter, asyncio.Task[None] | None] = {}
        self.pending = 0
        limits = setup.limits
        self.capacity = limits.workers + limits.heavy_workers + limits.queue
        self.executor = ThreadPoolExecutor(self.capacity, thread_name_prefix="kg-serve-query")
        self.pool: Pool | None = None
        self.endpoint = Endpoint(setup.access, self._run, word, page())

    async def _run(self, job: Job) -> Answer | Failure:
        if self.pending >= self.capacity or self.pool is None:  # (no pool: the server is stopping)
            return Failure(HTTPStatus.SERVICE_UNAVAILABLE, f"the server is busy: {self.pending} queries are running "
                                                           "or waiting already; retry in a moment", retry_after=1)
        self.pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, self.pool.run, job)
        finally:
            self.pending -= 1

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self.open) >= self.setup.max_connections:
            full = Response.text(HTTPStatus.SERVICE_UNAVAILABLE, "too many connections are open: retry in a moment",
                                 {"Retry-After": "1"})
            writer.write(full.encode(head_only=False, keep_alive=False))
            with contextlib.suppress(OSError, TimeoutError):
                await asyncio.wait_for(writer.drain(), 1)
            writer.close()
            return
        self.open[writer] = asyncio.current_task()
        try:
            await self._requests(reader, writer)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away or would not read its answer, or the server is stopping
        finally:
            self.open.pop(writer, None)
            writer.close()

    async def _requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer the requests of one connection, in order, until it closes or a deadline passes."""
        peer = writer.get_extra_info("peername")
        for served in range(KEEP_ALIVE_REQUESTS):
            last = served == KEEP_ALIVE_REQUESTS - 1
            started = time.monotonic()
            try:
                request = await asyncio.wait_for(read_head(reader), HEAD_TIMEOUT)
                if request is None:
                    return
                refused = self.endpoint.refusal(request)
                if refused is None:
                    body = await asyncio.wait_for(read_body(reader, writer, request, self.setup.max_body),
                                                  BODY_TIMEOUT)
                    request = Request(request.method, request.target, request.version, request.headers, body)
            except TimeoutError:
                if served == 0:  # an idle keep-alive connection is closed without a word, as is usual
                    await self._send(writer, Response.text(HTTPStatus.REQUEST_TIMEOUT, "the request took too long "
                                                           "to arrive"), None, keep_alive=False)
                return
            except BadRequest as err:
                await self._send(writer, Response.text(err.status, err.message), None, keep_alive=False)
                await _linger(reader, writer)
                return
            # A refused request's body is not read: the connection closes after the answer.
            keep_alive = request.keep_alive and not last and refused is None
            answer = refused or await self.endpoint.respond(request)
            await self._send(writer, answer, request, keep_alive=keep_alive)
            self.log(f"{peer[0] if peer else '-'} \"{request.method} {request.target[:120]}\" {answer.status} "
                     f"{len(answer.body)} {1000 * (time.monotonic() - started):.0f} ms")
            if not keep_alive:
                if refused is not None:
                    await _linger(reader, writer)
                return

    async def _send(self, writer: asyncio.StreamWriter, answer: Response, request: Request | None, *,
                    keep_alive: bool) -> None:
        extra = self.endpoint.cors_headers(request) if request else {}
        if keep_alive:
            extra["Keep-Alive"] = f"timeout={HEAD_TIMEOUT:g}, max={KEEP_ALIVE_REQUESTS}"
        head_only = request is not None and request.method == "HEAD"
        writer.write(answer.encode(head_only=head_only, keep_alive=keep_alive, extra=extra))
        await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)

    async def _main(self, ready: Callable[[str], None] | None) -> None:
        setup = self.setup
        loop = asyncio.get_running_loop()
        try:
            listening = await asyncio.start_server(self._connection, setup.host, setup.port, limit=_LINE_LIMIT,
                                                   start_serving=False)
        except OSError as err:
            raise StoreError(f"cannot listen on {setup.host}:{setup.port}: {err.strerror or err}; stop the other "
                             f"server or choose another {Option.PORT}") from None
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        try:
            self.pool = await loop.run_in_executor(None, lambda: Pool(
                setup.store_dir, setup.limits, isolate=not setup.access.services, log=self.log))
            await listening.start_serving()  # connections made meanwhile waited in the backlog
            address = listening.sockets[0].getsockname()
            host = f"[{address[0]}]" if ":" in address[0] else address[0]
            if ready:
                ready(f"http://{host}:{address[1]}/")
            await stop.wait()
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
            listening.close()
            if self.pool is not None:
                self.pool.close()  # queries still running end at once, with a failure
            tasks = [task for task in self.open.values() if task is not None]
            for writer in list(self.open):
                writer.close()
            if tasks:
                await asyncio.wait(tasks, timeout=2)
            for task in tasks:
                task.cancel()
            self.executor.shutdown(wait=False, cancel_futures=True)

    def run(self, ready: Callable[[str], None] | None = None) -> None:
        """Serve until SIGTERM or Ctrl-C; ``ready`` is called with the server's URL once it answers."""
        asyncio.run(self._main(ready))
