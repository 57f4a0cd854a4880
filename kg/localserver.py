"""A local ``oxigraph serve`` for notebooks and scripts: started on a loopback port, stopped whatever happens.

>>> from kg.localserver import start_oxigraph                  # doctest: +SKIP
>>> with start_oxigraph(Path("server-data")) as server:        # doctest: +SKIP
...     print(server.query_url)                                # http://127.0.0.1:PORT/query
"""

from __future__ import annotations

import atexit
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .errors import EndpointError, NotFoundError, UsageError

__all__ = ["OxigraphServer", "free_port", "oxigraph_executable", "port_taken", "start_oxigraph"]

_LOOPBACK = "127.0.0.1"


def free_port(host: str = _LOOPBACK) -> int:
    """Return a port nothing listens on at *host* (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_taken(host: str, port: int) -> bool:
    """Return whether something already listens on (or holds) *port* at *host*."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
        return False


def oxigraph_executable() -> Path:
    """Return the ``oxigraph`` command: beside this Python first (a virtual environment), else on the PATH.

    Raises:
        NotFoundError: it is not installed; the message says how to install it.
    """
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise NotFoundError("the `oxigraph` server command is not installed: pip install oxigraph "
                        "(`make run` installs it in .venv)")


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve``: its SPARQL endpoints, its log, and :meth:`stop`."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    location: Path
    log: Path
    _stopped: bool = field(default=False, repr=False)

    @property
    def base_url(self) -> str:
        """The server's root URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint."""
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.base_url}/store"

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after *timeout* seconds); stopping twice is harmless."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> OxigraphServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
                 ) -> None:
        self.stop()


def start_oxigraph(location: Path, *, host: str = _LOOPBACK, port: int | None = None, timeout: float = 20.0,
                   executable: Path | None = None) -> OxigraphServer:
    """Start ``oxigraph serve`` with its data in *location* and wait until it answers.

    Args:
        location: the server's data folder (created if missing).
        host: the address to listen on; loopback by default.
        port: the port; a free one when None.
        timeout: seconds to wait for the first answer.
        executable: the ``oxigraph`` command (default: :func:`oxigraph_executable`).

    Raises:
        UsageError: the port is already taken.
        NotFoundError: ``oxigraph`` is not installed.
        EndpointError: the server stopped or stayed silent; no process is left running.
    """
    command = executable or oxigraph_executable()
    if port is None:
        port = free_port(host)
    elif port_taken(host, port):
        raise UsageError(f"port {port} on {host} is already in use: stop what listens there, choose another "
                         "port, or leave the port unset to take a free one")
    location.mkdir(parents=True, exist_ok=True)
    log = location.parent / f"{location.name}.oxigraph.log"
    with log.open("wb") as handle:
        process = subprocess.Popen([str(command), "serve", "--location", str(location), "--bind", f"{host}:{port}"],
                                   stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = OxigraphServer(process, host, port, location, log)
    atexit.register(server.stop)
    try:
        _wait_until_up(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_up(server: OxigraphServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            last = output[-1] if output else "no output"
            raise EndpointError(f"oxigraph serve stopped before answering (exit {server.process.returncode}): "
                                f"{last} (log: {server.log})")
        try:
            with urllib.request.urlopen(f"{server.base_url}/query?query=ASK%7B%7D", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is up
        except OSError:
            time.sleep(0.05)
    raise EndpointError(f"oxigraph serve did not answer on {server.base_url} within {timeout:.0f} s "
                        f"(log: {server.log}); it was stopped")
