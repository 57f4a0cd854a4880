"""A worker process: it opens the store read-only and answers one query at a time, sent down a pipe.

A query runs inside Oxigraph, which cannot be interrupted from Python; in a process of its own it can be stopped
for good (the server kills the process and starts another), and its memory counted apart from the server's.

The worker also:

- reopens the store when a build has swapped a new one in at the same path (a store opened once would go on
  answering from the deleted files of the old one);
- serialises the answer itself, stopping with a clear error once it passes the size limit;
- gives up its network access when no federated endpoint is allowed, where the system lets it (a private
  network namespace on Linux), so that even a ``SERVICE`` clause the text check missed reaches nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from ..errors import KGError, Option, QueryError
from ..sparql.local import syntax_error
from .formats import GRAPHS, RESULTS, negotiate

__all__ = ["Answer", "Failure", "Job", "Ready", "main"]


@dataclass(frozen=True)
class Job:
    """A query to answer, as the client sent it."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str = "*/*"


@dataclass(frozen=True)
class Answer:
    """A query's answer, serialised."""

    media: str
    body: bytes


@dataclass(frozen=True)
class Failure:
    """A query that could not be answered.

    Attributes:
        status: the HTTP status of the answer.
        message: what happened and what to do, with the options it names as placeholders.
        retry_after: seconds after which the same request may succeed, if it may.
    """

    status: int
    message: str
    retry_after: int | None = None


@dataclass(frozen=True)
class Ready:
    """What a worker says once it has opened the store."""

    pid: int
    isolated: bool


class _TooLarge(Exception):
    pass


class _Capped:
    """A binary file that keeps what is written to it, up to a size."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


class _Store:
    """The store at a path, reopened when the folder there is no longer the one opened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity = self._identity()
        self.store = ox.Store.read_only(str(path))

    def _identity(self) -> tuple[int, int] | None:
        try:
            found = os.stat(self.path)
        except OSError:
            return None  # between the two renames of a swap: keep the store open until the new one is there
        return found.st_dev, found.st_ino

    def current(self) -> ox.Store:
        identity = self._identity()
        if identity is not None and identity != self.identity:
            try:
                self.store = ox.Store.read_only(str(self.path))
                self.identity = identity
            except OSError:
                pass  # a store still being swapped in: the next query tries again
        return self.store


def answer(store: ox.Store, job: Job, limit: int) -> Answer | Failure:
    """Run one query and serialise its answer in the best format for the job's Accept header."""
    try:
        result = store.query(job.text, default_graph=[ox.NamedNode(g) for g in job.default_graphs] or None,
                             named_graphs=[ox.NamedNode(g) for g in job.named_graphs] or None)
        if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            media, fmt = negotiate(job.accept, RESULTS, "application/sparql-results+json")
        else:
            media, fmt = negotiate(job.accept, GRAPHS, "text/turtle")
        out = _Capped(limit)
        result.serialize(cast(IO[bytes], out), format=fmt)
        return Answer(media, b"".join(out.parts))
    except SyntaxError as err:
        return Failure(400, syntax_error(err, "the query", job.text).template)
    except _TooLarge:
        return Failure(503, f"the answer is over the limit of {limit >> 20} MB: add a LIMIT, ask for fewer "
                            f"columns, or raise {Option.MAX_ANSWER}")
    except KGError as err:
        return Failure(400, err.template)
    except (RuntimeError, OSError, ValueError) as err:
        return Failure(400, QueryError(f"the query failed: {_one_line(err)}").template)


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= 300 else text[:297] + "..."


def _isolate() -> bool:
    """Leave the network for a namespace of this process's own, with nothing in it; say whether it worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    # As root a network namespace alone; otherwise inside a user namespace, where the system allows one.
    return any(libc.unshare(flags) == 0 for flags in (clone_newnet, clone_newnet | clone_newuser))


def main(conn: Connection, store_dir: str, limit: int, isolate: bool) -> None:
    """Answer the jobs sent on ``conn`` until it closes.

    Args:
        conn: the pipe to the server.
        store_dir: the store folder.
        limit: the largest answer, in bytes.
        isolate: give up network access (no federated endpoint is allowed).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Before the store starts threads of its own: a user namespace is only for a single-threaded process.
    isolated = _isolate() if isolate else False
    store = _Store(Path(store_dir))
    conn.send(Ready(os.getpid(), isolated))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(answer(store.current(), job, limit))
