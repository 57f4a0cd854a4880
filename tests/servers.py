"""Real servers for tests: free loopback ports, waiting until they answer, and stopping them whatever happens.

Two kinds: a subprocess (``kg serve``, ``oxigraph serve``) started with :func:`spawn` and stopped with :func:`stop`,
and a small ``http.server`` in a thread (:class:`LoopbackServer`) for endpoints that misbehave on purpose.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kg.localserver import free_port, port_taken

__all__ = ["Endpoint", "Handler", "LoopbackServer", "Recorded", "Spawned", "free_port", "port_is_free", "run_kg",
           "spawn", "stop", "wait_until_up"]

LOOPBACK = "127.0.0.1"
KG = [sys.executable, "-m", "kg.cli"]


def port_is_free(port: int) -> bool:
    """Return whether a listening socket could be bound to ``port`` on loopback right now."""
    return not port_taken(LOOPBACK, port)


@dataclass
class Spawned:
    """A server started as a subprocess, with its output in a log file."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        """The server's root URL."""
        return f"http://{LOOPBACK}:{self.port}/"

    def output(self) -> str:
        """Return what the server wrote so far (stdout and stderr)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def spawn(command: list[str], *, port: int, log: Path, env: dict[str, str] | None = None) -> Spawned:
    """Start ``command`` with its output going to ``log`` (a pipe nobody reads could fill up and block it)."""
    with log.open("wb") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, **(env or {})})
    return Spawned(process, port, log)


def wait_until_up(server: Spawned, path: str = "", *, timeout: float = 20.0) -> None:
    """Poll ``path`` until the server gives any HTTP answer; fail with its output if it dies or stays silent."""
    url = server.base + path
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.process.args!r} exited with {server.process.returncode} before answering:"
                               f"\n{server.output()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # an HTTP error is an answer: the server is up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout} s:\n{server.output()}")


def stop(server: Spawned | None, *, grace: float = 5.0) -> int | None:
    """Stop a spawned server: SIGTERM, then SIGKILL if it does not exit within ``grace`` seconds."""
    if server is None:
        return None
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(grace)
    return process.returncode


def run_kg(*args: str, env: dict[str, str] | None = None, timeout: float = 60.0,
           cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``kg`` command line in a subprocess and return what it did."""
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


@dataclass
class Recorded:
    """One request a :class:`LoopbackServer` received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


class Handler(BaseHTTPRequestHandler):
    """Base for the scripted endpoints: records every request, answers through :meth:`reply`."""

    server: LoopbackServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def record(self) -> Recorded:
        """Read the request body and keep the request on the server."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        request = Recorded(self.command, self.path, dict(self.headers.items()), body)
        self.server.requests.append(request)
        return request

    def reply(self, status: int, body: bytes, content_type: str = "text/plain",
              headers: dict[str, str] | None = None) -> None:
        """Send a complete answer."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def answer(self) -> None:
        """Answer a request; subclasses override it."""
        self.record()
        self.reply(500, b"no answer scripted")

    def do_GET(self) -> None:
        self.answer()

    do_POST = do_PUT = do_GET


class LoopbackServer(ThreadingHTTPServer):
    """An ``http.server`` on a free loopback port, serving in a thread; a context manager that always stops it.

    ``release`` is set when the server stops, so a handler that waits on it (a slow endpoint) ends promptly.
    """

    daemon_threads = True

    def __init__(self, handler: type[Handler]) -> None:
        super().__init__((LOOPBACK, 0), handler)
        self.requests: list[Recorded] = []
        self.errors: list[BaseException] = []
        self.release = threading.Event()
        self.options: dict[str, Any] = {}
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint's URL."""
        return f"http://{LOOPBACK}:{self.port}/sparql"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) makes the handler's write fail: keep it, do not print it.
        self.errors.append(sys.exc_info()[1])  # type: ignore[arg-type]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        self._thread.join(5)


@dataclass
class Endpoint:
    """A SPARQL endpoint under test: its URL and the process serving it."""

    url: str
    server: Spawned
