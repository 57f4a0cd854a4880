"""Timing child processes: wall time and peak memory of each run, medians, time limits, and the machine.

Every figure is measured in a fresh child process, so that one measurement's memory and caches do not leak into
the next, and its peak resident memory is the child's own (``wait4``).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["Figure", "Run", "machine", "mem_available_mb", "percentile", "repeat", "run_process", "versions"]

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Run:
    """One run of a child process."""

    seconds: float
    peak_mb: float
    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """Whether the child finished in time and exited 0."""
        return not self.timed_out and self.returncode == 0

    def output(self) -> Any:
        """Return the JSON the child printed last on standard output."""
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise ValueError(f"the child printed no result; its error output ends with: {self.stderr[-600:]}")
        return json.loads(lines[-1])


@dataclass
class Figure:
    """A measured figure: every run's seconds, and their median.

    ``timeout`` is set when a run did not finish within its limit: the figure is then "more than" that.
    """

    runs: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    timeout: float | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        """Return the median of the runs (``None`` when none finished)."""
        return statistics.median(self.runs) if self.runs and self.timeout is None else None

    def as_dict(self) -> dict[str, Any]:
        """Return the figure as plain data."""
        return {"median_s": self.median, "runs_s": [round(r, 4) for r in self.runs], "n": len(self.runs),
                "peak_mb": None if self.peak_mb is None else round(self.peak_mb, 1), "timeout_s": self.timeout,
                "error": self.error} | self.extra


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("KG_DEBUG", None)
    return env


def run_process(command: Sequence[str], *, timeout: float | None = None, cwd: Path | None = None) -> Run:
    """Run a command to its end (or its time limit) and return its wall time, peak memory and output.

    The child runs in a session of its own, so that the whole group can be stopped at the time limit or when the
    benchmark itself is interrupted.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(command), stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                                 env=_env(), start_new_session=True)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            _kill(child.pid)

        timer = threading.Timer(timeout, stop) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            _kill(child.pid)
            raise
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds=seconds, peak_mb=usage.ru_maxrss / 1024, returncode=child.returncode,
                   stdout=out.read().decode("utf-8", "replace"), stderr=err.read().decode("utf-8", "replace"),
                   timed_out=timed_out.is_set())


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def repeat(measure: Callable[[], Run], times: int, *, timeout: float | None = None, budget: float | None = None,
           seconds_of: Callable[[Run], float] | None = None, before: Callable[[], None] | None = None) -> Figure:
    """Measure ``times`` runs (fewer when the first ones use up ``budget`` seconds) into a :class:`Figure`.

    Args:
        measure: starts one run.
        times: how many runs are wanted.
        timeout: the time limit of one run, recorded when it is hit (no further run is tried).
        budget: seconds all runs together should not pass; at least one run is always made.
        seconds_of: what to count of a run (default: its wall time), e.g. a time the child measured itself.
        before: called before each run, untimed (e.g. to remove the previous run's output).
    """
    figure = Figure()
    spent = 0.0
    for _ in range(times):
        if before:
            before()
        run = measure()
        spent += run.seconds
        figure.peak_mb = max(figure.peak_mb or 0.0, run.peak_mb)
        if run.timed_out:
            figure.timeout = timeout
            break
        if run.returncode != 0:
            figure.error = (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1][:400]
            break
        figure.runs.append(seconds_of(run) if seconds_of else run.seconds)
        if budget is not None and spent / len(figure.runs) * (len(figure.runs) + 1) > budget:
            break
    return figure


def percentile(values: Sequence[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) by linear interpolation between closest ranks.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    """
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mem_available_mb() -> float:
    """Return the memory the kernel says is available to new processes, in MiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """Describe the machine the figures were measured on."""
    total = None
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            total = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {"platform": platform.platform(), "cpu": _cpu_model(), "cores": os.cpu_count(), "memory_gib": total,
            "load_average": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()}


def versions() -> dict[str, str | None]:
    """Return the versions of the project and of every library a figure depends on."""
    found: dict[str, str | None] = {}
    for name in ("clinical-evidence-kg", "pyoxigraph", "rdflib", "oxrdflib", "pyshacl", "PyYAML", "pyvis",
                 "networkx", "playwright", "matplotlib"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    try:
        found["chromium"] = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True,
                                           timeout=30).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        found["chromium"] = None
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
        found["commit"] = f"{commit}{' (with uncommitted changes)' if dirty else ''}" or None
    except (OSError, subprocess.SubprocessError):
        found["commit"] = None
    return found
