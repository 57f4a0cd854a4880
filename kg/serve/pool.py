"""The worker processes that run queries: two lanes, time and memory limits, and a process killed is replaced.

Queries go to the *quick* lane first. One that runs past :attr:`Limits.promote_after` (or past
:attr:`Limits.promote_early` while others wait for the quick lane) moves to the *long* lane, whose workers are
kept apart for such queries, by exchanging its worker with an idle one of that lane; the
server remembers its text, and later runs of it wait for a long-lane worker from the start. So the quick lane
always has its workers for the queries that answer at once, however many heavy ones are asked. A query that
turns long while every long-lane worker is busy is stopped with a 503 that asks to retry: the retry then waits
its turn in the long lane.

A query past its time limit or its memory limit is stopped by killing its worker process, which is replaced at
once; the server's own memory and CPU are unaffected by what a query did.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from multiprocessing.context import BaseContext
from pathlib import Path

from ..errors import Option, StoreError
from . import worker
from .worker import Answer, Failure, Job, Ready

__all__ = ["Lane", "Limits", "Pool"]

_START_TIMEOUT = 30.0
_POLL = 0.05
_REMEMBERED = 1024


class Lane(Enum):
    """The two sets of workers."""

    QUICK = "quick"
    LONG = "long"


@dataclass(frozen=True)
class Limits:
    """What a query may use, and how many run at once.

    Attributes:
        timeout: seconds a query may run (and wait for a worker) before it is stopped with a 503.
        memory: bytes of resident memory a worker may reach while it runs a query.
        answer: bytes an answer may have once serialised.
        workers: worker processes of the quick lane.
        heavy_workers: worker processes of the long lane (0: no lanes, a long query keeps its worker).
        promote_after: seconds after which a query counts as long.
        promote_early: seconds after which a query counts as long if others wait for its lane meanwhile.
        queue: requests that may wait for a worker at once; past that, 503 at once.
    """

    timeout: float = 60.0
    memory: int = 1024 << 20
    answer: int = 64 << 20
    workers: int = 2
    heavy_workers: int = 1
    promote_after: float = 0.5
    promote_early: float = 0.1
    queue: int = 32


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: BaseContext, store_dir: Path, limits: Limits, isolate: bool) -> None:
        ours, theirs = context.Pipe()
        self.process = context.Process(  # type: ignore[attr-defined]
            target=worker.main, args=(theirs, str(store_dir), limits.answer, isolate), daemon=True,
            name="kg-serve-worker")
        self.process.start()
        theirs.close()
        self.conn = ours
        try:
            ready = ours.recv() if ours.poll(_START_TIMEOUT) else None
        except (EOFError, OSError):
            ready = None  # it died first: its error went to the server's standard error
        if not isinstance(ready, Ready):
            self.kill()
            raise StoreError(f"a query worker could not open the store at {store_dir}")
        self.isolated = ready.isolated

    def resident(self) -> int | None:
        """Return the worker's resident memory in bytes, where the system says (Linux)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def _context() -> BaseContext:
    """Return how workers start: forked from a server process that has imported what a worker needs.

    A new process of multiprocessing imports the main module of the program again (which therefore must keep its
    work under ``if __name__ == "__main__"``); the fork server imports it once, with the worker's modules, so a
    worker that replaces a killed one starts in tens of milliseconds instead of importing everything again.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    context.set_forkserver_preload(["__main__", "kg.serve.worker", *([spec.name] if spec and spec.name else [])])
    return context


class Pool:
    """The worker processes; :meth:`run` is called from many threads at once.

    Args:
        store_dir: the store folder.
        limits: the limits.
        isolate: the workers give up network access (no federated endpoint is allowed).
        log: called with a line when a worker is stopped or replaced.

    Raises:
        StoreError: a worker could not open the store.
    """

    def __init__(self, store_dir: Path, limits: Limits, *, isolate: bool,
                 log: Callable[[str], None] | None = None) -> None:
        self.store_dir, self.limits, self.isolate = store_dir, limits, isolate
        self.log = log or (lambda message: None)
        self._context = _context()
        self._changed = threading.Condition()
        self._idle: dict[Lane, list[_Worker]] = {Lane.QUICK: [], Lane.LONG: []}
        self._all: set[_Worker] = set()
        self._waiting = {Lane.QUICK: 0, Lane.LONG: 0}
        self._long: OrderedDict[Job, None] = OrderedDict()
        self._closed = False
        for lane, count in ((Lane.QUICK, limits.workers), (Lane.LONG, limits.heavy_workers)):
            for _ in range(count):
                self._add(lane, self._start())

    @property
    def isolated(self) -> bool:
        """Whether the workers run without network access."""
        return bool(self._all) and all(w.isolated for w in self._all)

    def pids(self) -> list[int]:
        """Return the process ids of the workers."""
        return [w.process.pid for w in self._all if w.process.pid is not None]

    def _start(self) -> _Worker:
        started = _Worker(self._context, self.store_dir, self.limits, self.isolate)
        with self._changed:
            self._all.add(started)
        return started

    def _add(self, lane: Lane, added: _Worker) -> None:
        with self._changed:
            if self._closed:
                added.kill()
                return
            self._idle[lane].append(added)
            self._changed.notify_all()

    def _replace(self, stopped: _Worker, lane: Lane) -> None:
        """Kill a worker and start another in its lane, in the background."""
        stopped.kill()
        with self._changed:
            self._all.discard(stopped)

        def start() -> None:
            while not self._closed:
                try:
                    self._add(lane, self._start())
                    return
                except StoreError as err:
                    self.log(f"{err}; trying again in 1 s")
                    time.sleep(1)

        threading.Thread(target=start, name="kg-serve-replace", daemon=True).start()

    def run(self, job: Job) -> Answer | Failure:
        """Answer a job in a worker of the right lane, within the limits."""
        lane = Lane.LONG if self.limits.heavy_workers and job in self._long else Lane.QUICK
        taken = self._take(lane)
        if taken is None:
            return Failure(503, f"no worker became free within {self.limits.timeout:g} s: the server is busy; "
                                "retry in a moment", retry_after=1)
        try:
            taken.conn.send(job)
        except OSError:
            self._replace(taken, lane)
            return Failure(500, "the query's worker process had stopped; the server started another: retry")
        return self._wait(taken, lane, job)

    def _take(self, lane: Lane) -> _Worker | None:
        with self._changed:
            self._waiting[lane] += 1
            try:
                self._changed.wait_for(lambda: self._closed or bool(self._idle[lane]), self.limits.timeout)
            finally:
                self._waiting[lane] -= 1
            if self._closed or not self._idle[lane]:
                return None
            return self._idle[lane].pop()

    def _turns_long(self, elapsed: float) -> bool:
        """Whether a query of the quick lane that has run ``elapsed`` seconds should leave it.

        Past :attr:`Limits.promote_after` always; past :attr:`Limits.promote_early` when queries wait for the
        quick lane and a long-lane worker is idle to take the query's place (nothing is stopped then).
        """
        limits = self.limits
        if not limits.heavy_workers or elapsed <= limits.promote_early:
            return False
        return elapsed > limits.promote_after or bool(self._waiting[Lane.QUICK] and self._idle[Lane.LONG])

    def _wait(self, running: _Worker, lane: Lane, job: Job) -> Answer | Failure:
        """Wait for the worker's answer, stopping it at the time or memory limit; give the worker back."""
        limits = self.limits
        started, remembered = time.monotonic(), False
        while not running.conn.poll(_POLL):
            elapsed = time.monotonic() - started
            if not running.process.is_alive():
                break
            if not remembered and elapsed > limits.promote_after:
                self._learn(job, elapsed)  # at once: the same query asked again meanwhile waits in the long lane
                remembered = True
            if elapsed > limits.timeout:
                self._learn(job, elapsed)
                self._replace(running, lane)
                return Failure(503, f"the query ran past the time limit of {limits.timeout:g} s and was stopped: "
                                    f"raise {Option.TIMEOUT}, add a LIMIT, or narrow it with parameters")
            resident = running.resident()
            if resident is not None and resident > limits.memory:
                self._learn(job, elapsed)
                self._replace(running, lane)
                return Failure(503, f"the query went past the memory limit of {limits.memory >> 20} MB and was "
                                    f"stopped: narrow it, add a LIMIT, or raise {Option.MEMORY}")
            if lane is Lane.QUICK and self._turns_long(elapsed):
                if self._promote():
                    lane = Lane.LONG
                elif elapsed > limits.promote_after:
                    self._learn(job, elapsed)
                    self._replace(running, lane)
                    return Failure(503, f"the query runs long and the {limits.heavy_workers} worker(s) kept for "
                                        "long queries are busy: retry in a moment, it will then wait for one (or "
                                        f"raise {Option.HEAVY_WORKERS})", retry_after=1)
        try:
            reply = running.conn.recv()
        except (EOFError, OSError):
            code = running.process.exitcode
            self._replace(running, lane)
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return Failure(500, f"the query's worker process stopped ({how}); the server started another")
        self._learn(job, time.monotonic() - started)
        self._add(lane, running)
        return reply  # type: ignore[no-any-return]

    def _promote(self) -> bool:
        """Give a running query's quick-lane place to an idle long-lane worker; say whether there was one."""
        with self._changed:
            if not self._idle[Lane.LONG]:
                return False
            self._idle[Lane.QUICK].append(self._idle[Lane.LONG].pop())
            self._changed.notify_all()
            return True

    def _learn(self, job: Job, elapsed: float) -> None:
        """Remember a query as long if it ran past :attr:`Limits.promote_after`, else forget it.

        Only what a query did counts: one moved early, while others waited, is not remembered for that.
        """
        with self._changed:
            if elapsed <= self.limits.promote_after:
                self._long.pop(job, None)
                return
            self._long[job] = None
            self._long.move_to_end(job)
            while len(self._long) > _REMEMBERED:
                self._long.popitem(last=False)

    def close(self) -> None:
        """Stop every worker; the calls of :meth:`run` still waiting end with a failure."""
        with self._changed:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._changed.notify_all()
        for each in workers:
            each.kill()
