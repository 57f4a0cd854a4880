"""Virtuoso 7 for tests: its own folder and virtuoso.ini, free loopback ports, stopped whatever happens.

Virtuoso runs without systemd as ``virtuoso-t +foreground +configfile DIR/virtuoso.ini``, with the database, its
logs and its lock in DIR, the SQL and HTTP ports on 127.0.0.1. A new database starts with the account dba/dba; the
first start sets another password through ``isql-vt`` (Virtuoso's SQL client, in the same Debian package), so that
a test of wrong credentials cannot pass by luck. Starting takes about 3 s.

Endpoints: ``/sparql`` reads; ``/sparql-auth`` reads and writes with Digest authentication (realm "SPARQL");
``/sparql-graph-crud-auth`` is the Graph Store endpoint, with Digest too.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .servers import LOOPBACK, Spawned, free_port, spawn, stop, wait_until_up

__all__ = ["USER", "Virtuoso", "running_virtuoso"]

USER = "dba"
_FIRST_PASSWORD = "dba"
PASSWORD = "kg-test-Pa55word"


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed: install the Debian package virtuoso-opensource "
                           "(`make system-deps`, listed in .ci/debian-packages.txt)")
    return found


def _ini(folder: Path, *, http_port: int, sql_port: int, max_rows: int) -> str:
    """Return a virtuoso.ini keeping everything in ``folder``, after the Debian package's own file."""
    return f"""[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = {LOOPBACK}:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., {folder}
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
ThreadsPerQuery      = 2

[HTTPServer]
ServerPort           = {LOOPBACK}:{http_port}
ServerRoot           = {folder}/vsp
MaxClientConnections = 5
ServerThreads        = 5
Charset              = UTF-8
EnabledDavVSP        = 0

[SPARQL]
ResultSetMaxRows      = {max_rows}
MaxQueryExecutionTime = 60
"""


@dataclass
class Virtuoso:
    """A Virtuoso server of the tests, with its folder, ports and account."""

    folder: Path
    http_port: int
    sql_port: int
    server: Spawned | None = None
    password: str = PASSWORD

    @property
    def base(self) -> str:
        """The HTTP server's root URL."""
        return f"http://{LOOPBACK}:{self.http_port}/"

    @property
    def sparql(self) -> str:
        """The read-only SPARQL endpoint."""
        return self.base + "sparql"

    @property
    def sparql_auth(self) -> str:
        """The SPARQL endpoint that accepts updates, with Digest authentication."""
        return self.base + "sparql-auth"

    @property
    def graph_store(self) -> str:
        """The Graph Store endpoint, with Digest authentication."""
        return self.base + "sparql-graph-crud-auth"

    @property
    def credentials(self) -> dict[str, str]:
        """The environment that gives ``kg`` this server's account."""
        return {"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": self.password}

    def start(self, *, timeout: float = 60.0) -> None:
        """Start the server on its folder (new or not) and wait until /sparql answers."""
        fresh = not (self.folder / "virtuoso.db").exists()
        (self.folder / "vsp").mkdir(parents=True, exist_ok=True)
        self.server = spawn([_program("virtuoso-t"), "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
                            port=self.http_port, log=self.folder / f"console-{time.monotonic_ns()}.log")
        try:
            wait_until_up(self.server, "sparql", timeout=timeout)
            if fresh:
                self._sql(f"user_set_password('{USER}', '{PASSWORD}');", password=_FIRST_PASSWORD, timeout=timeout)
        except BaseException:
            self.stop()
            raise

    def _sql(self, statement: str, *, password: str, timeout: float) -> None:
        """Run one SQL statement as dba, trying again while the SQL port is not open yet."""
        deadline = time.monotonic() + timeout
        while True:
            done = subprocess.run([_program("isql-vt"), f"{LOOPBACK}:{self.sql_port}", USER, password,
                                   f"exec={statement}"], capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
            if done.returncode == 0 and "Error" not in done.stdout + done.stderr:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"isql-vt could not run {statement!r}: {done.stdout}{done.stderr}")
            time.sleep(0.2)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.server is not None and self.server.process.poll() is None:
            self.server.process.kill()
            self.server.process.wait(10)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it lingers)."""
        stop(self.server, grace=20.0)

    def log(self) -> str:
        """Return the server's error log."""
        path = self.folder / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@contextmanager
def running_virtuoso(folder: Path, *, max_rows: int = 10_000) -> Iterator[Virtuoso]:
    """Start Virtuoso in ``folder`` on free loopback ports; stop it when the block ends, whatever happens.

    Args:
        folder: an empty folder for the database, logs and virtuoso.ini.
        max_rows: ``ResultSetMaxRows``, the number of rows past which Virtuoso cuts every answer.
    """
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    (folder / "virtuoso.ini").write_text(_ini(folder, http_port=http_port, sql_port=sql_port, max_rows=max_rows),
                                         encoding="utf-8")
    server = Virtuoso(folder, http_port, sql_port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
