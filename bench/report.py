"""The targets of the benchmark, judged on the results, and ``docs/benchmarks.md`` with its plot.

The page is written from ``results.json`` alone, plus ``bench/findings.md``: what the profiles of a missed target
showed and what would fix it, written by whoever read them, one ``## target-id`` section per target.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .limits import verdict as judged_against_limit

__all__ = ["TARGETS", "Target", "judge", "markdown", "plot", "verdict_word"]

FINDINGS = Path(__file__).resolve().parent / "findings.md"


@dataclass(frozen=True)
class Target:
    """A figure with a goal: where it is judged and what it must reach."""

    id: str
    figure: str
    goal: str
    size: int | None = None


TARGETS = (
    Target("build-vs-bulk-load", "build: `kg build` end to end / Oxigraph `bulk_load` of the same N-Quads", "≤ 1.5",
           100_000),
    Target("build-vs-rdflib", "build: plain rdflib (Dataset, memory store) / `kg build`", "≥ 10", 100_000),
    Target("incremental", "incremental rebuild after a one-claim change: largest store / smallest store", "≤ 2",
           100_000),
    Target("query-vs-rdflib", "query: median over the library of rdflib p50 / Oxigraph p50", "≥ 20", 10_000),
    Target("query-bound", "query: each library query, parameters bound to the busiest values: p50 ≤ 20 ms under "
           "100 rows, else ≤ 2 x its limit (a bare scan of as many rows and columns) and ≤ 200 ms where the limit "
           "allows", "all", 100_000),
    Target("query-open", "query: each library query with its optional parameters unbound: p50 / its limit",
           "≤ 2", 100_000),
    Target("export-nquads", "export: `kg export --format nquads` / Oxigraph `dump`", "≤ 1.5", 100_000),
    Target("export-trig", "export: `kg export --format trig` / Oxigraph `dump`", "≤ 1.5", 100_000),
    Target("page-vs-pyvis", "page: pyvis `from_nx` + `generate_html` / `kg viz` render", "≥ 5"),
)


def _measured(results: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(size): found for size, found in results.get("sizes", {}).items() if "skipped" not in found}


def _largest(sizes: Mapping[int, dict[str, Any]], wanted: int | None, has: Callable[[dict[str, Any]], bool]
             ) -> int | None:
    """Return the size a target is judged at: its own if measured, else the largest measured below it."""
    candidates = [s for s, found in sizes.items() if has(found)]
    if wanted in candidates:
        return wanted
    return max(candidates) if candidates else None


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def _query_ratios(found: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """Return (query, rdflib p50 / Oxigraph p50, is a lower bound) for every query measured on both."""
    ratios = []
    ours = _get(found, "query", "oxigraph", "queries") or {}
    theirs = _get(found, "query", "rdflib", "queries") or {}
    for name, timing in theirs.items():
        own = _get(ours, name, "bound", "p50_ms")
        if not own:
            continue
        if "timeout_s" in timing:
            ratios.append((name, timing["timeout_s"] * 1000 / own, True))
        elif "p50_ms" in timing:
            ratios.append((name, timing["p50_ms"] / own, False))
    return ratios


def _query_target(sizes: Mapping[int, dict[str, Any]], target: Target
                  ) -> tuple[int | None, float | None, bool | None, str]:
    """Judge every query against its limit: how many meet it (bound) or the largest ratio (unbound)."""
    bound = target.id == "query-bound"
    variant = "bound" if bound else "open"
    size = _largest(sizes, target.size, lambda f: any(
        "limit_p50_ms" in (t.get(variant) or {}) for t in (_get(f, "query", "oxigraph", "queries") or {}).values()))
    if size is None:
        return None, None, None, ""
    timings = {n: t[variant] for n, t in sizes[size]["query"]["oxigraph"]["queries"].items() if variant in t}
    judged = {n: judged_against_limit(t, bound=bound) for n, t in timings.items()}
    missed = sorted(n for n, v in judged.items() if v["met"] is False)
    if bound:
        note = f"{len(judged) - len(missed)} of {len(judged)} met" + (f"; missed: {', '.join(missed)}"
                                                                      if missed else "")
        return size, float(len(judged) - len(missed)), not missed, note
    ratios = {n: v["ratio"] for n, v in judged.items() if v["ratio"] is not None}
    worst = max(ratios, key=lambda n: ratios[n]) if ratios else None
    note = f"{len(judged) - len(missed)} of {len(judged)} within 2x" + (f"; largest: {worst}" if worst else "")
    return size, ratios[worst] if worst else None, not missed if judged else None, note


def judge(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return each target with the value measured, where, and whether it was met."""
    sizes = _measured(results)
    verdicts = []
    for target in TARGETS:
        size: int | None = None
        value: float | None = None
        met: bool | None = None
        note = ""
        if target.id == "build-vs-bulk-load":
            size = _largest(sizes, target.size, lambda f: _get(f, "build", "ratio_to_bulk_load") is not None)
            if size is not None:
                value = sizes[size]["build"]["ratio_to_bulk_load"]
                met = value <= 1.5
        elif target.id == "build-vs-rdflib":
            size = _largest(sizes, target.size, lambda f: _get(f, "build", "rdflib_over_kg") is not None)
            if size is not None:
                value = sizes[size]["build"]["rdflib_over_kg"]
                met = value >= 10
        elif target.id == "incremental":
            timed = {s: _get(f, "incremental", "median_s") for s, f in sizes.items()}
            timed = {s: t for s, t in timed.items() if t}
            if len(timed) >= 2:
                size, smallest = max(timed), min(timed)
                value = timed[size] / timed[smallest]
                met = value <= 2
                note = f"{_seconds(timed[size])} at {size:,} claims, {_seconds(timed[smallest])} at {smallest:,}"
        elif target.id == "query-vs-rdflib":
            size = _largest(sizes, target.size, lambda f: bool(_query_ratios(f)))
            if size is not None:
                ratios = _query_ratios(sizes[size])
                value = statistics.median(r for _, r, _ in ratios)
                met = value >= 20
                bounded = sum(1 for *_, lower in ratios if lower)
                note = f"{len(ratios)} queries" + (f", {bounded} stopped at the time limit (counted as the limit)"
                                                    if bounded else "")
        elif target.id in ("query-bound", "query-open"):
            size, value, met, note = _query_target(sizes, target)
        elif target.id.startswith("export-"):
            fmt = target.id.split("-", 1)[1]

            def exported(found: dict[str, Any], fmt: str = fmt) -> bool:
                return _get(found, "export", fmt, "ratio") is not None

            size = _largest(sizes, target.size, exported)
            if size is not None:
                value = sizes[size]["export"][fmt]["ratio"]
                met = value <= 1.5
        elif target.id == "page-vs-pyvis":
            value = _get(results, "page", "pyvis_over_kg")
            met = None if value is None else value >= 5
            if value is None:
                note = _get(results, "page", "kg", "unavailable") or _get(results, "page", "kg", "error") or ""
        if size is not None and target.size and size != target.size:
            note = (note + "; " if note else "") + f"judged at {size:,} claims ({target.size:,} not measured)"
        verdicts.append({"id": target.id, "figure": target.figure, "goal": target.goal, "size": size,
                         "value": value, "met": met, "note": note})
    return verdicts


# -- the page -----------------------------------------------------------------------------------------------------

def _seconds(value: float | None, timeout: float | None = None) -> str:
    if timeout:
        return f"> {timeout:g} s"
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _fig(figure: Mapping[str, Any] | None) -> str:
    if not figure:
        return "-"
    if figure.get("error"):
        return "error"
    text = _seconds(figure.get("median_s"), figure.get("timeout_s"))
    return f"{text} (n={figure['n']})" if figure.get("n", 0) > 1 or figure.get("timeout_s") else text


def _ms(value: float | None) -> str:
    return "-" if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def verdict_word(met: bool | None) -> str:
    """Return how a verdict reads in the tables."""
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def _value(verdict: Mapping[str, Any]) -> str:
    value = verdict["value"]
    if value is None:
        return "-"
    if verdict["id"] == "query-bound":
        return f"{value:.0f} met"
    return f"{value:.2f}"


def _findings() -> dict[str, str]:
    if not FINDINGS.exists():
        return {}
    sections: dict[str, str] = {}
    for block in re.split(r"(?m)^## ", FINDINGS.read_text(encoding="utf-8"))[1:]:
        head, _, body = block.partition("\n")
        sections[head.strip()] = body.strip()
    return sections


def markdown(results: Mapping[str, Any], *, plot_name: str | None) -> str:
    """Return ``docs/benchmarks.md`` for the results."""
    out = io.StringIO()
    w = out.write
    sizes = _measured(results)
    machine, versions = results["machine"], results["versions"]
    w("# Benchmarks\n\n")
    w("Written by `make bench` (`python -m bench.run`); do not edit by hand: the figures come from "
      "`bench/results.json`, the diagnoses of missed targets from `bench/findings.md`. How the figures are taken is "
      "in [bench/README.md](../bench/README.md).\n\n")
    w(f"Measured {results['finished'][:16].replace('T', ' ')} UTC on {machine['cpu']} ({machine['cores']} cores, "
      f"{machine['memory_gib']} GiB), {machine['platform']}, Python {machine['python']}; load average "
      f"{' / '.join(map(str, machine['load_average']))} at the start and "
      f"{' / '.join(map(str, results.get('load_average_end', [])))} at the end (the machine is shared: "
      "figures are medians). Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items() if v) + ".\n\n")
    w(f"Command: `{results['command']}`. Synthetic corpora: seed {results['seed']}, "
      f"{results['entities']:,} entities.\n\n")
    for size, found in sorted(results.get("sizes", {}).items(), key=lambda item: int(item[0])):
        if "skipped" in found:
            w(f"> **{int(size):,} claims skipped:** {found['skipped']}\n\n")
        for note in found.get("notes", []):
            w(f"> **{int(size):,} claims:** {note}\n\n")
    for note in results.get("notes", []):
        w(f"> {note}\n\n")

    w("## Targets\n\n| figure | target | measured | at | verdict | note |\n|---|---|---|---|---|---|\n")
    for verdict in results["targets"]:
        where = f"{verdict['size']:,} claims" if verdict["size"] else "-"
        w(f"| {verdict['figure']} | {verdict['goal']} | {_value(verdict)} | {where} | {verdict_word(verdict['met'])} "
          f"| {verdict['note']} |\n")
    w("\n")

    w("## Cost against size\n\n")
    if plot_name:
        w(f"![cost against size]({plot_name})\n\n")
    w("| claims | documents | quads | store MB | `kg build` | compaction (in the build) | bulk_load | ratio "
      "| plain rdflib | rdflib / kg | build peak MB | bulk_load peak MB | rdflib peak MB | incremental | validate "
      "| validate peak MB |\n")
    w("|---:" * 16 + "|\n")
    for size, found in sorted(sizes.items()):
        build, corpus = found.get("build", {}), found.get("corpus", {})
        w(f"| {size:,} | {corpus.get('documents', '-')} | {build.get('quads', 0):,} "
          f"| {_mb((build.get('store_bytes') or 0) / 2**20)} | {_fig(build.get('kg'))} "
          f"| {_seconds(build.get('compact_s'))} | {_fig(build.get('bulk_load'))} "
          f"| {_number(build.get('ratio_to_bulk_load'))} | {_fig(build.get('rdflib'))} "
          f"| {_number(build.get('rdflib_over_kg'), 1)} | {_mb(_get(build, 'kg', 'peak_mb'))} "
          f"| {_mb(_get(build, 'bulk_load', 'peak_mb'))} | {_mb(_get(build, 'rdflib', 'peak_mb'))} "
          f"| {_fig(found.get('incremental'))} | {_fig(found.get('validate'))} "
          f"| {_mb(_get(found, 'validate', 'peak_mb'))} |\n")
    w("\n### Export\n\n| claims | format | `kg export` | quads/s | Oxigraph `dump` | quads/s | ratio | file MB |\n"
      "|---:|---|---:|---:|---:|---:|---:|---:|\n")
    for size, found in sorted(sizes.items()):
        for fmt, timing in (found.get("export") or {}).items():
            w(f"| {size:,} | {fmt} | {_fig(timing['kg'])} | {_mb(timing['kg_quads_per_s'])} "
              f"| {_fig(timing['oxigraph'])} | {_mb(timing['oxigraph_quads_per_s'])} | {_number(timing['ratio'])} "
              f"| {_mb((timing.get('bytes') or 0) / 2**20)} |\n")
    w("\n")
    _queries(w, results, sizes)
    _page(w, results)
    _misses(w, results)
    return out.getvalue()


def _query_table(w: Callable[[str], object], sizes: Mapping[int, dict[str, Any]], measured: list[int],
                 names: list[str], variant: str) -> None:
    """Write the p50 / p95 and rows of each query's ``variant`` (bound or open) at each measured size."""
    w("| query | " + " | ".join(f"{s:,}: p50 / p95 | rows" for s in measured) + " |\n")
    w("|---|" + "---:|---:|" * len(measured) + "\n")
    for name in names:
        cells = []
        for size in measured:
            timing = _get(sizes[size], "query", "oxigraph", "queries", name, variant) or {}
            slow = " ⚠" if (timing.get("p50_ms") or 0) > 200 else ""
            cells.append(f"{_ms(timing.get('p50_ms'))} / {_ms(timing.get('p95_ms'))}{slow} "
                         f"| {timing.get('rows', '-')}")
        w(f"| {name} | " + " | ".join(cells) + " |\n")


def _limit_table(w: Callable[[str], object], found: Mapping[str, Any], size: int, names: list[str], variant: str
                 ) -> None:
    """Write each query's p50 against its limit (a bare scan of as many rows and columns, timed right after it)."""
    timings = {n: _get(found, "query", "oxigraph", "queries", n, variant) or {} for n in names}
    if not any("limit_p50_ms" in t for t in timings.values()):
        return
    bound = variant == "bound"
    w(f"\nAgainst the limit at {size:,} claims: the same store's bare scan "
      "(`SELECT ?c0 ?c1 ... WHERE { ?c0 ?c1 ?c2 } LIMIT rows`, the extra columns copies of the first three; "
      "a CONSTRUCT of as many triples for entity-graph), "
      "materialised the same way and timed as many times right after the query. Allowed: "
      + ("20 ms under 100 rows, else twice the limit, and at most 200 ms where the limit is under 200 ms."
         if bound else "twice the limit.") + "\n\n")
    w("| query | rows x columns | p50 ms | limit p50 ms | ratio | allowed ms | verdict |\n"
      "|---|---:|---:|---:|---:|---:|---|\n")
    for name, timing in timings.items():
        if "p50_ms" not in timing:
            continue
        judged = judged_against_limit(timing, bound=bound)
        shape = f"{timing.get('rows', '-')} " + (f"x {timing['columns']}" if timing.get("columns") else "triples")
        w(f"| {name} | {shape} | {_ms(timing['p50_ms'])} "
          f"| {_ms(timing.get('limit_p50_ms'))} | {_number(judged['ratio'], 1)} | {_ms(judged['allowed_ms'])} "
          f"| {verdict_word(judged['met'])} |\n")


def _queries(w: Callable[[str], object], results: Mapping[str, Any], sizes: Mapping[int, dict[str, Any]]) -> None:
    measured = [s for s in sorted(sizes) if _get(sizes[s], "query", "oxigraph", "queries")]
    if not measured:
        return
    w("## Queries\n\nEvery query of the library on the embedded store, parameters bound to the busiest values of "
      "the corpus (the drug, condition and agent in the most claims, the document with the most claims and its "
      "first claim, the affirmed edge claimed most often): p50 / p95 in ms over "
      f"{results['settings']['query_runs']} runs (3 when a warm-up run took over 2 s; the warm-up run alone when it "
      "took over 20 s) after "
      f"{results['settings']['query_warmup']} warm-up runs, rows materialised in Python as `kg query` does; ⚠ marks "
      "a p50 over 200 ms.\n\n")
    names = sorted(sizes[measured[-1]]["query"]["oxigraph"]["queries"])
    _query_table(w, sizes, measured, names, "bound")
    _limit_table(w, sizes[measured[-1]], measured[-1], names, "bound")
    open_names = [n for n in names if _get(sizes[measured[-1]], "query", "oxigraph", "queries", n, "open")]
    if open_names:
        w("\nThe same queries with their optional parameters left unbound (\"every drug\", \"every document\"): "
          "the whole answer, as `kg queries --run` asks for it.\n\n")
        _query_table(w, sizes, measured, open_names, "open")
        _limit_table(w, sizes[measured[-1]], measured[-1], open_names, "open")
    for size in sorted(sizes):
        rdflib = _get(sizes[size], "query", "rdflib")
        if not rdflib:
            continue
        ours = sizes[size]["query"]["oxigraph"]["queries"]
        w(f"\n### Oxigraph against rdflib's memory store, {size:,} claims\n\n")
        w(f"rdflib loaded the store's {_get(sizes[size], 'build', 'quads') or 0:,} quads in "
          f"{_seconds(rdflib.get('load_s'))} (peak {_mb(rdflib.get('peak_mb'))} MB); each query ran once to warm up, "
          f"then {results['settings']['rdflib_runs']} times (once when slower than "
          f"{results['settings']['rdflib_slow']:g} s), and was stopped after "
          f"{results['settings']['rdflib_timeout']:g} s.\n\n")
        w("| query | Oxigraph p50 ms | rdflib p50 ms | rdflib p95 ms | ratio |\n|---|---:|---:|---:|---:|\n")
        for name in sorted(rdflib["queries"]):
            theirs = rdflib["queries"][name]
            own = _get(ours, name, "bound", "p50_ms")
            if "timeout_s" in theirs:
                w(f"| {name} | {_ms(own)} | > {theirs['timeout_s'] * 1000:.0f} | - | > "
                  f"{theirs['timeout_s'] * 1000 / own:.0f} |\n" if own else f"| {name} | - | timeout | - | - |\n")
            elif "error" in theirs:
                w(f"| {name} | {_ms(own)} | error: {theirs['error'][:80]} | - | - |\n")
            else:
                ratio = theirs["p50_ms"] / own if own else None
                w(f"| {name} | {_ms(own)} | {_ms(theirs['p50_ms'])} | {_ms(theirs['p95_ms'])} "
                  f"| {_number(ratio, 0)} |\n")
    w("\n")


def _page(w: Callable[[str], object], results: Mapping[str, Any]) -> None:
    page = results.get("page")
    if not page:
        return
    graph = page["graph"]
    w(f"## Page\n\nA graph of {graph['nodes']:,} nodes and {graph['edges']:,} edges (networkx), rendered to one "
      "HTML page; render time excludes building the networkx graph; first draw is from navigation to the first "
      "drawn pixel of the page's canvas in headless Chromium, with every network request refused.\n\n")
    w("| page | render | size MB | first draw | peak MB |\n|---|---:|---:|---:|---:|\n")
    for name, label in (("kg", "`kg viz` (`ViewGraph.from_networkx` + `render_html`)"),
                        ("pyvis", "pyvis `Network(cdn_resources=\"in_line\")`, `from_nx`, `generate_html`")):
        found = page.get(name) or {}
        if "unavailable" in found or "error" in found:
            w(f"| {label} | not available: {found.get('unavailable') or found.get('error')} | - | - | - |\n")
            continue
        w(f"| {label} | {_fig(found.get('render'))} | {_number((found.get('bytes') or 0) / 2**20, 1)} "
          f"| {_fig(found.get('first_draw'))} | {_mb(_get(found, 'render', 'peak_mb'))} |\n")
    w(f"\npyvis / kg viz: {_number(page.get('pyvis_over_kg'), 1)}\n\n")


def _profile(w: Callable[[str], object], found: Mapping[str, Any] | None) -> None:
    if found and "top" in found:
        where = f" ({found['size']:,} claims)" if found.get("size") else ""
        w(f"cProfile of `{found['what']}`{where}: {found['total_s']:.1f} s profiled ({found['wall_s']:.1f} s wall "
          "with the profiler on). Top functions by own time:\n\n")
        w("| function | calls | own s | cumulative s |\n|---|---:|---:|---:|\n")
        for row in found["top"]:
            w(f"| `{row['function']}` | {row['calls']:,} | {row['own_s']:.2f} | {row['cumulative_s']:.2f} |\n")
        if found.get("steps"):
            w("\nThe project's own public functions by cumulative time (which step the time belongs to):\n\n"
              "| function | calls | cumulative s |\n|---|---:|---:|\n")
            for row in (r for r in found["steps"] if not r["function"].startswith("<")):
                w(f"| `{row['function']}` | {row['calls']:,} | {row['cumulative_s']:.2f} |\n")
        w("\n")
    elif found:
        w(f"(profile not taken: {found.get('error')})\n\n")


def _misses(w: Callable[[str], object], results: Mapping[str, Any]) -> None:
    findings = _findings()
    profiles = results.get("profiles", {})
    if "validate" in profiles:
        w("## Validation: where the time goes\n\nValidation has no target of its own, but it is the slowest step; "
          "its profile:\n\n")
        _profile(w, profiles["validate"])
        w((findings.get("validate") or "") + "\n\n")
    missed = [v for v in results["targets"] if v["met"] is False]
    if not missed:
        return
    w("## Missed targets: where the time goes\n\n")
    shown: dict[str, str] = {}
    for verdict in missed:
        w(f"### {verdict['figure']}: {_value(verdict)}, target {verdict['goal']}\n\n")
        found = profiles.get(verdict["id"])
        key = repr(found)
        if found and key in shown:
            w(f"The profile is the one shown above for {shown[key]}.\n\n")
        else:
            _profile(w, found)
            shown[key] = f"`{verdict['id']}`"
        w((findings.get(verdict["id"]) or "No diagnosis written yet in bench/findings.md.") + "\n\n")


def plot(results: Mapping[str, Any], output: Path | IO[bytes]) -> bool:
    """Draw cost against size (log-log) as a PNG; return whether there was anything to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _measured(results)
    series: dict[str, list[tuple[int, float]]] = {}

    def add(label: str, size: int, value: float | None) -> None:
        if value:
            series.setdefault(label, []).append((size, value))

    for size, found in sorted(sizes.items()):
        build = found.get("build", {})
        add("kg build", size, _get(build, "kg", "median_s"))
        add("Oxigraph bulk_load", size, _get(build, "bulk_load", "median_s"))
        add("plain rdflib build", size, _get(build, "rdflib", "median_s"))
        add("incremental rebuild", size, _get(found, "incremental", "median_s"))
        add("kg validate", size, _get(found, "validate", "median_s"))
        add("kg export (N-Quads)", size, _get(found, "export", "nquads", "kg", "median_s"))
        add("Oxigraph dump (N-Quads)", size, _get(found, "export", "nquads", "oxigraph", "median_s"))
        timings = _get(found, "query", "oxigraph", "queries") or {}
        p50s = [t["bound"]["p50_ms"] / 1000 for t in timings.values()]
        add("query p50 (median of library)", size, statistics.median(p50s) if p50s else None)
    if not series:
        return False
    from matplotlib.ticker import FuncFormatter, NullFormatter

    figure, axes = plt.subplots(figsize=(10, 5.5), dpi=100)
    for label, points in series.items():
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, marker="o", label=label, linestyle="--" if "Oxigraph" in label else "-")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sorted(sizes))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.set_xlabel("claims")
    axes.set_ylabel("seconds (median)")
    axes.set_title("Cost against corpus size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    figure.tight_layout()
    figure.savefig(output, format="png")
    plt.close(figure)
    return True
