"""Run the benchmarks: ``python -m bench.run [--quick] [--sizes 1000,10000,100000] [--repeat N]``.

For each size a synthetic corpus is generated (and cached under ``bench/.cache/``), then build, queries, export,
incremental rebuild and validation are measured in fresh child processes, each against its baseline measured in
the same run; the page figure is measured once. ``bench/results.json``, ``docs/benchmarks.md`` and
``docs/benchmarks-cost.png`` are replaced only at the very end, so an interrupted run leaves the previous ones.
A size that would not fit in the available memory is skipped with a message.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kg.files import atomic_output

from . import figures, report
from .measure import REPO, machine, mem_available_mb, versions
from .synth import DEFAULT_ENTITIES, fingerprint, generate

CACHE = REPO / "bench" / ".cache"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (100, 300)
FIGURES = ("build", "query", "export", "incremental", "validate", "page")
#: Memory a size needs, per claim, before a smaller size has been measured (MiB; measured: see bench/README.md).
PRIOR_MB_PER_CLAIM = {"kg": 0.08, "rdflib-build": 0.2, "rdflib-query": 0.3}
BASE_MB = 150.0
#: Keep this share of the available memory free for the rest of the machine.
MEMORY_MARGIN = 1.25


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def corpus(cache: Path, size: int, seed: int, entities: int) -> tuple[Path, dict[str, Any]]:
    """Return the data folder of the synthetic corpus of ``size`` claims and its summary, generating it once."""
    stem = f"corpus-{size}-seed{seed}-e{entities}"
    folder = cache / f"{stem}-{fingerprint()}"
    summary_path = folder / "summary.json"
    if summary_path.exists():
        return folder / "data", json.loads(summary_path.read_text(encoding="utf-8"))
    for stale in cache.glob(f"{stem}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summary = generate(folder / "data", claims=size, seed=seed, entities=entities).as_dict()
    summary["generate_s"] = round(time.perf_counter() - started, 2)
    with atomic_output(summary_path) as handle:
        handle.write(json.dumps(summary, indent=2).encode("utf-8"))
    _say(f"generated {size:,} claims in {summary['generate_s']} s ({summary['documents']:,} documents)")
    return folder / "data", summary


def _peak(*found: Any) -> float | None:
    values = [float(f["peak_mb"]) for f in found if isinstance(f, dict) and f.get("peak_mb")]
    return max(values) if values else None


def estimate_mb(kind: str, size: int, peaks: dict[int, dict[str, float]]) -> tuple[float, str]:
    """Return the memory ``size`` claims should need for a kind of figure, and how it was judged.

    Kinds: ``kg`` (the project's commands), ``rdflib-build`` and ``rdflib-query`` (the rdflib baselines).

    Scaled linearly from the largest size measured so far, else from a per-claim prior.
    """
    known = [(s, p[kind]) for s, p in peaks.items() if p.get(kind)]
    if known:
        measured, peak = max(known)
        return BASE_MB + max(peak - BASE_MB, 0) * size / measured, f"scaled from {measured:,} claims"
    return BASE_MB + PRIOR_MB_PER_CLAIM[kind] * size, "from the per-claim prior"


def measure_size(size: int, args: argparse.Namespace, settings: figures.Settings, peaks: dict[int, dict[str, float]]
                 ) -> dict[str, Any]:
    """Measure every figure at one size; return its results (or why it was skipped)."""
    available = mem_available_mb()
    needed, how = estimate_mb("kg", size, peaks)
    if needed * MEMORY_MARGIN > available:
        message = (f"it would need about {needed / 1024:.1f} GiB of memory ({how}) and only "
                   f"{available / 1024:.1f} GiB is available; run on a larger machine or pass smaller --sizes")
        _say(f"skipping {size:,} claims: {message}")
        return {"skipped": message}
    data, summary = corpus(args.cache, size, args.seed, args.entities)
    found: dict[str, Any] = {"corpus": summary}
    fits = {}
    for kind, what in (("rdflib-build", "the plain rdflib build"), ("rdflib-query", "the queries on rdflib")):
        wanted_here = kind == "rdflib-build" or size == args.rdflib_size
        needed_here, how_here = estimate_mb(kind, size, peaks)
        fits[kind] = needed_here * MEMORY_MARGIN <= available
        if wanted_here and not fits[kind]:
            found.setdefault("notes", []).append(
                f"{what} skipped: it would need about {needed_here / 1024:.1f} GiB ({how_here}); "
                f"{available / 1024:.1f} GiB is available")
            _say(f"{size:,} claims: {found['notes'][-1]}")
    rdflib_fits = fits["rdflib-build"]
    work = args.cache / "work" / str(size)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = work / "store"
    wanted = set(args.figures)
    try:
        _say(f"{size:,} claims: build ({settings.repeat} runs) against bulk_load"
             + (" and plain rdflib" if rdflib_fits else ""))
        found["build"] = figures.build(data, store, work, settings, rdflib=rdflib_fits and "build" in wanted)
        _say(f"{size:,} claims: build {found['build']['kg'].get('median_s')} s, "
             f"{found['build'].get('quads', 0):,} quads")
        if not store.exists():
            return found
        if "query" in wanted:
            _say(f"{size:,} claims: queries on the embedded store")
            found["query"] = {"oxigraph": figures.queries(store, summary["samples"], settings)}
            if size == args.rdflib_size and fits["rdflib-query"]:
                _say(f"{size:,} claims: queries on rdflib's memory store (each stopped after "
                     f"{settings.rdflib_timeout:g} s)")
                found["query"]["rdflib"] = figures.rdflib_queries(store, summary["samples"], settings)
        if "export" in wanted:
            _say(f"{size:,} claims: export")
            found["export"] = figures.export(store, work, settings, found["build"]["quads"])
        if "incremental" in wanted:
            _say(f"{size:,} claims: incremental rebuild")
            found["incremental"] = figures.incremental(data, store, work, settings)
        if "validate" in wanted:
            _say(f"{size:,} claims: validate")
            found["validate"] = figures.validate(data, settings)
    finally:
        # The largest size's store is kept for the profiles of the query and export targets (see _profile).
        if not args.keep_work and (size != max(args.sizes) or not store.exists()):
            shutil.rmtree(work, ignore_errors=True)
    query = found.get("query", {})
    peaks[size] = {key: value for key, value in {
        "kg": _peak(found["build"].get("kg"), found.get("incremental"), found.get("validate"),
                    query.get("oxigraph"), *((found.get("export") or {}).get(f, {}).get("kg") for f in ("nquads",
                                                                                                     "trig"))),
        "rdflib-build": _peak(found["build"].get("rdflib")),
        "rdflib-query": _peak(query.get("rdflib")),
    }.items() if value}
    return found


def profiles(results: dict[str, Any], args: argparse.Namespace, settings: figures.Settings) -> dict[str, Any]:
    """Profile the code behind each missed target (and validation) at the size it was judged at."""
    taken: dict[str, Any] = {}
    missed = {v["id"]: v["size"] for v in results["targets"] if v["met"] is False}
    sizes = results["sizes"]
    # cProfile slows pySHACL's many small calls about fivefold: profile validation where it takes a minute or less.
    timed = {int(s): f["validate"]["median_s"] for s, f in sizes.items()
             if (f.get("validate") or {}).get("median_s") and f["validate"]["median_s"] <= 60}
    if timed and "validate" in args.figures:
        missed["validate"] = max(timed)
    if "incremental" in missed:
        missed["incremental"] = max(int(s) for s, f in sizes.items() if (f.get("incremental") or {}).get("median_s"))
    if "page-vs-pyvis" in missed:
        missed["page-vs-pyvis"] = None
    work = args.cache / "work" / "profiles"
    for target, size in sorted(missed.items(), key=lambda item: item[1] or 0):
        same = next((t for t in taken if t.split("-")[0] == target.split("-")[0] in ("build", "query")
                     and missed[t] == size), None)
        if same:  # the two build (or query) targets profile the same code at the same size
            taken[target] = taken[same]
            continue
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            _say(f"profiling {target}" + (f" at {size:,} claims" if size else ""))
            taken[target] = _profile(target, size, args, settings, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return taken


def _profile(target: str, size: int | None, args: argparse.Namespace, settings: figures.Settings, work: Path
             ) -> dict[str, Any]:
    stats = work / "profile.stats"
    limit = settings.timeout * 2
    if target == "page-vs-pyvis":
        graph = {"nodes": settings.page_nodes, "edges": settings.page_edges, "out": str(work / "page.html")}
        return figures.profile("page-kg", graph, stats, timeout=limit) | {"what": "kg viz render", "size": 0}
    assert size is not None
    data, summary = corpus(args.cache, size, args.seed, args.entities)
    store = work / "store"
    build = ["build", "--data", str(data), "--store", str(store)]
    if target == "validate":
        return figures.profile("kg", {"argv": ["validate", "--data", str(data)]}, stats,
                               timeout=settings.validate_timeout * 2) | {"what": "kg validate", "size": size}
    if target.startswith("build-"):
        return figures.profile("kg", {"argv": build}, stats, timeout=limit) | {"what": "kg build", "size": size}
    kept = args.cache / "work" / str(size) / "store"
    if target.startswith(("export-", "query-")) and kept.exists():
        store = kept  # built by the measurement of this size, and only read here
    else:
        setup = figures.probe("kg", {"argv": build}, timeout=settings.timeout)
        if not setup.ok:
            return {"error": "the store could not be built for the profile"}
    if target == "incremental":
        copy = work / "data"
        shutil.copytree(data, copy)
        flag = ["--incremental"] if figures._supports_incremental() else []
        argv = ["build", "--data", str(copy), "--store", str(store), *flag]
        figures.probe("kg", {"argv": argv}, timeout=settings.timeout)
        files = sorted((copy / "claims").glob("*.yaml"))
        figures._toggle_modality(next(f for f in files[len(files) // 2:] + files
                                      if "  modality: hedged\n" in f.read_text("utf-8")))
        return figures.profile("kg", {"argv": argv}, stats, timeout=limit) | {"what": "kg build (after a change)",
                                                                                "size": size}
    if target.startswith("export-"):
        fmt = target.split("-", 1)[1]
        argv = ["export", "--format", fmt, "--out", str(work / f"out.{fmt}"), "--store", str(store)]
        return figures.profile("kg", {"argv": argv}, stats, timeout=limit) | {"what": f"kg export --format {fmt}",
                                                                                "size": size}
    query_args = {"store": str(store), "samples": summary["samples"], "runs": 3, "warmup": 1, "variants": ["bound"]}
    return figures.profile("queries", query_args, stats, timeout=limit) | {
        "what": "the query library on the embedded store, parameters bound (3 runs each)", "size": size}


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="Measure build, incremental rebuild, validation, queries, export "
        "and pages on synthetic corpora, against their baselines; write bench/results.json and docs/benchmarks.md.",
        epilog="Examples: python -m bench.run --quick; python -m bench.run --sizes 1000,10000 --repeat 3")
    parser.add_argument("--quick", action="store_true",
                        help=f"a minute's check: sizes {','.join(map(str, QUICK_SIZES))}, a 300-node page, "
                             "results under bench/.cache/quick/ (the committed results are left alone)")
    parser.add_argument("--sizes", help="claims per corpus, comma-separated (default 1000,10000,100000)")
    parser.add_argument("--repeat", type=int, help="runs per figure (default 3; the median is reported)")
    parser.add_argument("--query-runs", type=int, help="timed runs of each query (default 20; 5 with --quick)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpora")
    parser.add_argument("--entities", type=int, default=DEFAULT_ENTITIES, help="entity vocabulary size")
    parser.add_argument("--rdflib-size", type=int, help="the size at which queries also run on rdflib "
                                                        "(default 10000, or the largest quick size)")
    parser.add_argument("--figures", default=",".join(FIGURES), help=f"which figures (default {','.join(FIGURES)})")
    parser.add_argument("--out", type=Path, help="folder for results.json, benchmarks.md and the plot (default: "
                                                 "bench/results.json and docs/)")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help="folder for the generated corpora and the work of each size (default bench/.cache)")
    parser.add_argument("--keep-work", action="store_true", help="keep stores and exports under CACHE/work")
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: write benchmarks.md and the plot again from the last results.json "
                             "(e.g. after editing bench/findings.md)")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",")}) if args.sizes else list(
            QUICK_SIZES if args.quick else DEFAULT_SIZES)
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: give whole numbers separated by commas, e.g. 1000,10000")
    if any(s < 1 for s in args.sizes):
        parser.error("--sizes: every size must be at least 1 claim")
    args.figures = [f.strip() for f in args.figures.split(",") if f.strip()]
    unknown = set(args.figures) - set(FIGURES)
    if unknown:
        parser.error(f"--figures: unknown {', '.join(sorted(unknown))}; choose among {', '.join(FIGURES)}")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.query_runs is not None and args.query_runs < 1:
        parser.error("--query-runs must be at least 1")
    args.rdflib_size = args.rdflib_size or (max(args.sizes) if args.quick else 10_000)
    args.cache = args.cache.resolve()
    args.out = args.out.resolve() if args.out else None
    return args


def _settings(args: argparse.Namespace) -> figures.Settings:
    if args.quick:
        return figures.Settings(repeat=args.repeat or 3, query_runs=args.query_runs or 5, query_warmup=1, rdflib_runs=3,
                                rdflib_slow=2.0, rdflib_timeout=20.0, timeout=300.0, validate_timeout=120.0,
                                budget=20.0, page_nodes=300, page_edges=600, draw_timeout=15.0, draws=1,
                                profiles=False)
    return figures.Settings(repeat=args.repeat or 3, query_runs=args.query_runs or 20)


def _paths(out: Path | None) -> tuple[Path, Path, Path]:
    """Return where results.json, benchmarks.md and the plot go."""
    docs = out or REPO / "docs"
    return (out or REPO / "bench") / "results.json", docs / "benchmarks.md", docs / "benchmarks-cost.png"


def _write(results: dict[str, Any], out: Path | None, *, render_only: bool = False) -> list[Path]:
    """Write results.json, benchmarks.md and the plot, each whole, only now that every figure is in."""
    json_path, md_path, png_path = _paths(out)
    docs = md_path.parent
    for folder in {json_path.parent, docs}:
        folder.mkdir(parents=True, exist_ok=True)
    picture = io.BytesIO()
    drawn = report.plot(results, picture)
    text = report.markdown(results, plot_name=png_path.name if drawn else None)
    written = []
    if drawn:
        with atomic_output(png_path) as handle:
            handle.write(picture.getvalue())
        written.append(png_path)
    if not render_only:
        with atomic_output(json_path) as handle:
            handle.write((json.dumps(results, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        written.append(json_path)
    with atomic_output(md_path) as handle:
        handle.write(text.encode("utf-8"))
    return [*written, md_path]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write their results; return the exit code."""
    args = _parse(argv)
    settings = _settings(args)
    out = args.out or (args.cache / "quick" if args.quick else None)
    if args.render:
        json_path = _paths(out)[0]
        if not json_path.exists():
            print(f"Error: no results at {json_path}: run the benchmarks first", file=sys.stderr)
            return 2
        previous = json.loads(json_path.read_text(encoding="utf-8"))
        previous["targets"] = report.judge(previous)
        for path in _write(previous, out, render_only=True):
            _say(f"wrote {path}")
        return 0
    results: dict[str, Any] = {
        "schema": 1, "started": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": args.seed, "entities": args.entities, "settings": settings.__dict__, "machine": machine(),
        "versions": versions(), "sizes": {}, "notes": [],
    }
    peaks: dict[int, dict[str, float]] = {}
    try:
        for size in args.sizes:
            results["sizes"][str(size)] = measure_size(size, args, settings, peaks)
        if "page" in args.figures:
            _say(f"page: {settings.page_nodes:,} nodes, {settings.page_edges:,} edges")
            work = args.cache / "work" / "page"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            try:
                results["page"] = figures.page(work, settings)
            finally:
                if not args.keep_work:
                    shutil.rmtree(work, ignore_errors=True)
        results["targets"] = report.judge(results)
        try:
            results["profiles"] = profiles(results, args, settings) if settings.profiles else {}
        finally:
            if not args.keep_work:
                shutil.rmtree(args.cache / "work" / str(max(args.sizes)), ignore_errors=True)
        if not settings.profiles:
            results["notes"].append("A quick run takes no profiles: run `make bench` for them.")
    except KeyboardInterrupt:
        _say("interrupted: the previous results are left as they were")
        return 130
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    for path in _write(results, out):
        _say(f"wrote {path}")
    for verdict in results["targets"]:
        _say(f"{report.verdict_word(verdict['met']):>12}  {verdict['id']}: {verdict['value']} "
             f"(target {verdict['goal']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
