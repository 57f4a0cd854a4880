"""Each benchmark figure: what is run, against which baseline, and how its result is recorded.

Every function here measures one figure on one corpus size (the page figure does not depend on the corpus) and
returns plain data for ``results.json``.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .measure import PYTHON, REPO, Figure, Run, _env, _kill, percentile, repeat, run_process

__all__ = ["Settings", "build", "export", "incremental", "page", "profile", "queries", "rdflib_queries",
           "validate"]

#: The ``kg`` command, run by the benchmark's own interpreter.
KG = [PYTHON, "-c", "import sys; from kg.cli import main; sys.exit(main())"]


@dataclass(frozen=True)
class Settings:
    """How hard to measure: runs per figure, time limits and budgets (seconds)."""

    repeat: int = 3
    query_runs: int = 20
    query_warmup: int = 2
    rdflib_runs: int = 5
    rdflib_slow: float = 5.0
    rdflib_timeout: float = 120.0
    timeout: float = 3600.0
    validate_timeout: float = 1800.0
    budget: float = 900.0
    page_nodes: int = 10_000
    page_edges: int = 20_000
    draw_timeout: float = 120.0
    draws: int = 3
    profiles: bool = True


def probe(task: str, args: Mapping[str, Any], *, timeout: float | None = None) -> Run:
    """Run a task of :mod:`bench.probe` in a fresh child process."""
    return run_process([PYTHON, "-m", "bench.probe", task, "--args", json.dumps(args)], timeout=timeout)


def _inner(run: Run) -> float:
    """The seconds a child measured around its own core step."""
    return float(run.output()["seconds"])


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _ratio(numerator: Figure, denominator: Figure) -> float | None:
    top, bottom = numerator.median, denominator.median
    return None if top is None or not bottom else top / bottom


def build(data: Path, store: Path, work: Path, settings: Settings, *, rdflib: bool) -> dict[str, Any]:
    """Time ``kg build`` end to end against Oxigraph's bulk loader and against the plain rdflib way.

    The store of the last ``kg build`` run is left at ``store`` for the figures that read it.
    """
    fresh = work / "store-building"
    kg = repeat(lambda: run_process([*KG, "build", "--data", str(data), "--store", str(fresh)],
                                    timeout=settings.timeout),
                settings.repeat, timeout=settings.timeout, budget=settings.budget, before=lambda: _remove(fresh))
    result: dict[str, Any] = {"kg": kg.as_dict()}
    if kg.median is None:
        return result
    _remove(store)
    os.replace(fresh, store)
    counted = probe("count", {"store": str(store)}).output()
    result |= {"quads": counted["quads"], "store_bytes": counted["bytes"]}
    nquads = work / "store.nq"
    probe("dump", {"store": str(store), "format": "nquads", "out": str(nquads)})
    loaded = work / "store-bulk"
    bulk = repeat(lambda: probe("bulk-load", {"store": str(loaded), "nquads": str(nquads)},
                                timeout=settings.timeout),
                  settings.repeat, timeout=settings.timeout, budget=settings.budget, before=lambda: _remove(loaded))
    compacting = probe("compact", {"store": str(loaded)}, timeout=settings.timeout) if loaded.exists() else None
    _remove(loaded)
    _remove(nquads)
    result |= {"bulk_load": bulk.as_dict(), "ratio_to_bulk_load": _ratio(kg, bulk),
               "compact_s": _inner(compacting) if compacting and compacting.ok else None}
    if rdflib:
        plain = repeat(lambda: probe("rdflib-build", {"data": str(data)}, timeout=settings.timeout),
                       settings.repeat, timeout=settings.timeout, budget=settings.budget)
        result |= {"rdflib": plain.as_dict(), "rdflib_over_kg": _ratio(plain, kg)}
    return result


def _supports_incremental() -> bool:
    help_text = subprocess.run([*KG, "build", "--help"], capture_output=True, text=True, env=_env(),
                               timeout=120).stdout
    return "--incremental" in help_text


def _toggle_modality(claims_file: Path) -> None:
    """Switch one claim of the file between hedged and asserted; its cues stay, so either way it is valid."""
    text = claims_file.read_text(encoding="utf-8")
    if "  modality: asserted\n  # toggled\n" in text:
        text = text.replace("  modality: asserted\n  # toggled\n", "  modality: hedged\n", 1)
    else:
        text = text.replace("  modality: hedged\n", "  modality: asserted\n  # toggled\n", 1)
    claims_file.write_text(text, encoding="utf-8")


def incremental(data: Path, store: Path, work: Path, settings: Settings) -> dict[str, Any]:
    """Time ``kg build`` on a built store after one claim of one document changed modality.

    The data folder is copied first, so the cached corpus stays as generated; each run flips the same claim, so
    every run has a real change to make.
    """
    copy = work / "data-changed"
    _remove(copy)
    shutil.copytree(data, copy)
    files = sorted((copy / "claims").glob("*.yaml"))
    target = next(f for f in files[len(files) // 2:] + files if "  modality: hedged\n" in f.read_text("utf-8"))
    flag = ["--incremental"] if _supports_incremental() else []
    command = [*KG, "build", "--data", str(copy), "--store", str(store), *flag]
    # A first, untimed build from the copy: whatever the build keys on (paths, times, hashes) starts out equal.
    settle = run_process(command, timeout=settings.timeout)
    if not settle.ok:
        return {"error": (settle.stderr.strip().splitlines() or ["timed out"])[-1][:400]}
    figure = repeat(lambda: run_process(command, timeout=settings.timeout), settings.repeat,
                    timeout=settings.timeout, budget=settings.budget, before=lambda: _toggle_modality(target))
    return figure.as_dict() | {"changed_file": target.name, "flag": " ".join(flag) or None}


def validate(data: Path, settings: Settings) -> dict[str, Any]:
    """Time ``kg validate`` (anchoring, vocabulary, SHACL) on the data folder."""
    figure = repeat(lambda: run_process([*KG, "validate", "--data", str(data)], timeout=settings.validate_timeout),
                    settings.repeat, timeout=settings.validate_timeout, budget=settings.budget)
    return figure.as_dict()


def export(store: Path, work: Path, settings: Settings, quads: int) -> dict[str, Any]:
    """Time ``kg export`` in N-Quads and TriG against Oxigraph's own serialiser of the same store."""
    result: dict[str, Any] = {}
    for fmt in ("nquads", "trig"):
        out = work / f"export.{fmt}"
        command = [*KG, "export", "--format", fmt, "--out", str(out), "--store", str(store)]
        kg = repeat(partial(run_process, command, timeout=settings.timeout), settings.repeat,
                    timeout=settings.timeout, budget=settings.budget)
        size = out.stat().st_size if out.exists() else None
        _remove(out)
        base = repeat(partial(probe, "dump", {"store": str(store), "format": fmt, "out": str(out)},
                              timeout=settings.timeout),
                      settings.repeat, timeout=settings.timeout, budget=settings.budget)
        _remove(out)
        result[fmt] = {"kg": kg.as_dict(), "oxigraph": base.as_dict(), "bytes": size,
                       "ratio": _ratio(kg, base),
                       "kg_quads_per_s": quads / kg.median if kg.median else None,
                       "oxigraph_quads_per_s": quads / base.median if base.median else None}
    return result


def queries(store: Path, samples: Mapping[str, str], settings: Settings) -> dict[str, Any]:
    """Time every query of the library on the embedded store (p50, p95 over the timed runs)."""
    run = probe("queries", {"store": str(store), "samples": dict(samples), "runs": settings.query_runs,
                            "warmup": settings.query_warmup}, timeout=settings.timeout)
    if not run.ok:
        return {"error": (run.stderr.strip().splitlines() or ["timed out"])[-1][:400]}
    return {"queries": run.output()["queries"], "peak_mb": round(run.peak_mb, 1)}


def rdflib_queries(store: Path, samples: Mapping[str, str], settings: Settings) -> dict[str, Any]:
    """Time the library's queries on rdflib's memory store, stopping any run past ``settings.rdflib_timeout``.

    A stopped query is recorded as a timeout and the child is started again without it (rdflib cannot be
    interrupted in the middle of a query).
    """
    done: dict[str, Any] = {}
    loads: list[float] = []
    peak = 0.0
    while True:
        args = {"store": str(store), "samples": dict(samples), "runs": settings.rdflib_runs, "warmup": 1,
                "slow": settings.rdflib_slow, "skip": sorted(done)}
        outcome, child_peak = _stream_rdflib(args, settings, done, loads)
        peak = max(peak, child_peak)
        if outcome in ("finished", "failed"):
            break
    return {"queries": done, "load_s": statistics.median(loads) if loads else None, "peak_mb": round(peak, 1)}


def _stream_rdflib(args: dict[str, Any], settings: Settings, done: dict[str, Any], loads: list[float]
                   ) -> tuple[str, float]:
    """Run one child of :func:`rdflib_queries` until it finishes, fails, or a run passes its time limit."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen([PYTHON, "-m", "bench.probe", "rdflib-queries", "--args", json.dumps(args)],
                                 stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL, env=_env(),
                                 start_new_session=True, text=True)
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert child.stdout is not None
            for line in child.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        current: str | None = None
        times: list[float] = []
        rows = 0
        deadline = time.monotonic() + settings.timeout  # loading the store
        outcome = "failed"
        try:
            while True:
                try:
                    line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    _kill(child.pid)
                    if current is None:
                        done["(loading)"] = {"error": f"loading took over {settings.timeout:g} s"}
                        return "failed", 0.0
                    done[current] = {"timeout_s": settings.rdflib_timeout, "runs": len(times)}
                    outcome = "restart"
                    break
                if line is None:
                    if current is not None:
                        errors.seek(0)
                        tail = errors.read().decode("utf-8", "replace").strip().splitlines()
                        done[current] = {"error": (tail or ["the child stopped"])[-1][:400]}
                        outcome = "restart"
                    break
                event = json.loads(line)
                deadline = time.monotonic() + settings.rdflib_timeout
                if "loaded" in event:
                    loads.append(event["loaded"])
                elif event.get("start"):
                    current, times = event["query"], []
                elif "seconds" in event:
                    rows = event["rows"]
                    if not event["warmup"] or event["seconds"] > args["slow"]:
                        times.append(event["seconds"])
                elif event.get("done") and current is not None:
                    done[current] = {"p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000,
                                     "runs": len(times), "rows": rows}
                    current = None
                elif event.get("finished"):
                    outcome = "finished"
        finally:
            _kill(child.pid)
            _, _, usage = os.wait4(child.pid, 0)
            child.returncode = -1
        return outcome, usage.ru_maxrss / 1024


def page(work: Path, settings: Settings) -> dict[str, Any]:
    """Time ``kg viz`` against pyvis on the same graph; weigh both pages and time their first draw in Chromium."""
    graph = {"nodes": settings.page_nodes, "edges": settings.page_edges}
    result: dict[str, Any] = {"graph": graph}
    for name, task in (("kg", "page-kg"), ("pyvis", "page-pyvis")):
        out = work / f"page-{name}.html"
        first = probe(task, graph | {"out": str(out)}, timeout=settings.timeout)
        if first.ok and "unavailable" in first.output():
            result[name] = {"unavailable": first.output()["unavailable"]}
            continue
        if not first.ok:
            result[name] = {"error": (first.stderr.strip().splitlines() or ["timed out"])[-1][:400]}
            continue
        figure = repeat(partial(probe, task, graph | {"out": str(out)}, timeout=settings.timeout),
                        max(1, settings.repeat - 1), timeout=settings.timeout, budget=settings.budget,
                        seconds_of=_inner)
        figure.runs.insert(0, _inner(first))
        figure.peak_mb = max(figure.peak_mb or 0.0, first.peak_mb)
        draw = repeat(partial(probe, "first-draw", {"page": str(out), "timeout": settings.draw_timeout},
                              timeout=settings.draw_timeout + 60),
                      settings.draws, timeout=settings.draw_timeout, budget=settings.budget,
                      seconds_of=lambda run: float(run.output()["ms"]) / 1000)
        if draw.error and "Timeout" in draw.error:
            draw.timeout, draw.error = settings.draw_timeout, None
        result[name] = {"render": figure.as_dict(), "bytes": first.output()["bytes"], "first_draw": draw.as_dict()}
    kg_render = result.get("kg", {}).get("render", {}).get("median_s")
    pyvis_render = result.get("pyvis", {}).get("render", {}).get("median_s")
    result["pyvis_over_kg"] = pyvis_render / kg_render if kg_render and pyvis_render else None
    return result


def profile(task: str, args: Mapping[str, Any], stats: Path, *, timeout: float, limit: int = 15
            ) -> dict[str, Any]:
    """Run a probe task under cProfile and return where its time went: the top functions by own time."""
    import pstats

    run = probe("profile", {"task": task, "args": dict(args), "stats": str(stats)}, timeout=timeout)
    if not stats.exists():
        return {"error": "timed out" if run.timed_out else (run.stderr.strip().splitlines() or ["failed"])[-1]}
    table = pstats.Stats(str(stats))
    total = table.total_tt  # type: ignore[attr-defined]
    table.sort_stats("tottime")
    rows = []
    for function in table.fcn_list[:limit]:  # type: ignore[attr-defined]
        _, calls, own, cumulative, _ = table.stats[function]  # type: ignore[attr-defined]
        rows.append({"function": _where(function), "calls": calls, "own_s": round(own, 3),
                     "cumulative_s": round(cumulative, 3)})
    # The project's own functions by cumulative time: which step of the command the time belongs to.
    own_code = [(f, v) for f, v in table.stats.items()  # type: ignore[attr-defined]
                if f"{REPO}/kg/" in f[0] and f[2] not in ("main", "invoke") and not f[2].startswith(("_", "<"))]
    steps = [{"function": _where(f), "calls": v[1], "own_s": round(v[2], 3), "cumulative_s": round(v[3], 3)}
             for f, v in sorted(own_code, key=lambda item: -item[1][3])[:8]]
    stats.unlink()
    return {"total_s": round(total, 3), "wall_s": round(run.seconds, 3), "top": rows, "steps": steps}


def _where(function: tuple[str, int, str]) -> str:
    file, line, name = function
    if file == "~":
        return name
    for marker in ("site-packages/", f"{REPO}/", "lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{name} ({file}:{line})"
