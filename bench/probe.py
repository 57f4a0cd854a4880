"""What runs inside the benchmark's child processes: one task per call, its result as one JSON line on stdout.

``python -m bench.probe TASK --args JSON``. The parent (:mod:`bench.run`) times the process from outside; a task
also reports the seconds of its own core step where the process start-up should not count.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["TASKS", "page_graph"]

#: Chromium flags for a quiet, offline, headless browser.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CHROMIUM = "/usr/bin/chromium"


#: Set by the ``profile`` task: the profiler that :func:`_core` switches on around a task's measured step.
_PROFILER: Any = None


@contextmanager
def _core() -> Iterator[None]:
    """Mark the step a task measures, so that a profile shows it and not the imports and set-up around it."""
    if _PROFILER is not None:
        _PROFILER.enable()
    try:
        yield
    finally:
        if _PROFILER is not None:
            _PROFILER.disable()


def _emit(result: Mapping[str, Any]) -> None:
    print(json.dumps(result), flush=True)


def bulk_load(args: Mapping[str, Any]) -> None:
    """Load an N-Quads file into a new on-disk store with Oxigraph's bulk loader: the limit of a build."""
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store(args["store"])
    store.bulk_load(path=args["nquads"], format=ox.RdfFormat.N_QUADS)
    store.flush()
    count = len(store)
    _emit({"seconds": time.perf_counter() - started, "quads": count})


def compact(args: Mapping[str, Any]) -> None:
    """Compact a bulk-loaded store as ``kg build`` does after its load (the share of the build it costs)."""
    import pyoxigraph as ox

    from kg.compact import compact as compact_store

    store = ox.Store(args["store"])
    started = time.perf_counter()
    compact_store(store)
    store.flush()
    _emit({"seconds": time.perf_counter() - started})


def rdflib_build(args: Mapping[str, Any]) -> None:
    """Build the graph the plain rdflib way: the same corpus and quads, into an in-memory rdflib Dataset."""
    import pyoxigraph as ox
    import rdflib

    from kg.build import corpus_quads
    from kg.corpus import load_corpus
    from kg.sparql.terms import to_rdflib as term

    def to_rdflib(value: Any) -> Any:
        return term(value)  # a built quad holds no RDF-star triple

    started = time.perf_counter()
    corpus = load_corpus(Path(args["data"]))
    dataset = rdflib.Dataset()
    default_graph = dataset.default_graph if hasattr(dataset, "default_graph") else dataset.default_context
    graphs: dict[str, Any] = {}

    def graph_of(quad: Any) -> Any:
        name = quad.graph_name
        if isinstance(name, ox.DefaultGraph):
            return default_graph
        if name.value not in graphs:
            graphs[name.value] = dataset.graph(to_rdflib(name))
        return graphs[name.value]

    count, batch = 0, []
    for quad in corpus_quads(corpus):
        batch.append((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), graph_of(quad)))
        if len(batch) >= 10_000:
            dataset.addN(batch)
            count += len(batch)
            batch = []
    dataset.addN(batch)
    count += len(batch)
    _emit({"seconds": time.perf_counter() - started, "quads": count})


def kg(args: Mapping[str, Any]) -> None:
    """Run the ``kg`` command line with the given arguments (used to profile a command)."""
    from kg.cli import main as kg_main

    with _core():
        code = kg_main(list(args["argv"]))
    if code:
        raise SystemExit(code)


def dump(args: Mapping[str, Any]) -> None:
    """Serialise the built store with Oxigraph's own serialiser: the limit of an export."""
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store.read_only(args["store"])
    fmt = ox.RdfFormat.TRIG if args["format"] == "trig" else ox.RdfFormat.N_QUADS
    store.dump(args["out"], fmt)
    _emit({"seconds": time.perf_counter() - started, "quads": len(store)})


def count(args: Mapping[str, Any]) -> None:
    """Count the quads and the on-disk size of a store."""
    import pyoxigraph as ox

    store = ox.Store.read_only(args["store"])
    size = sum(p.stat().st_size for p in Path(args["store"]).rglob("*") if p.is_file())
    _emit({"quads": len(store), "bytes": size})


def _bindings(info: Any, samples: Mapping[str, str], *, every: bool) -> dict[str, str]:
    """Return a value of the corpus for each parameter (every one, or only the required ones)."""
    return {p.name: samples[p.name] for p in info.params if (every or p.required) and p.name in samples}


def _variants(info: Any, samples: Mapping[str, str]) -> dict[str, dict[str, str]]:
    bound, required = _bindings(info, samples, every=True), _bindings(info, samples, every=False)
    return {"bound": bound} if bound == required else {"bound": bound, "open": required}


def queries(args: Mapping[str, Any]) -> None:
    """Time every query of the library on the embedded store: warm-up runs, then timed runs, rows kept.

    A query slower than ``slow`` seconds (default 2) is timed three times, not ``runs`` times: its p50 is far from
    the limit. One slower than ``once`` seconds (default 20: an unbound query over the whole corpus) is timed once,
    its first warm-up run counting as that run. ``variants`` limits the variants run (default both).
    """
    import pyoxigraph as ox

    from kg.sparql import OxigraphBackend, load_library, run

    from .measure import percentile

    backend = OxigraphBackend(ox.Store.read_only(args["store"]))
    wanted = set(args.get("variants", ("bound", "open")))
    results: dict[str, Any] = {}
    for name, info in load_library().items():
        results[name] = {}
        for variant, params in _variants(info, args["samples"]).items():
            if variant not in wanted:
                continue
            warm, times, rows = 0.0, [], 0
            for _ in range(args["warmup"]):
                started = time.perf_counter()
                result = run(info, backend, params)
                warm = max(warm, time.perf_counter() - started)
                if warm > args.get("once", 20.0):
                    times, rows = [warm], len(result.rows) + len(result.triples)
                    break
            runs = 0 if times else args["runs"] if warm <= args.get("slow", 2.0) else min(3, args["runs"])
            for _ in range(runs):
                started = time.perf_counter()
                with _core():
                    result = run(info, backend, params)
                times.append(time.perf_counter() - started)
                rows = len(result.rows) + len(result.triples)
            results[name][variant] = {"p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000,
                                      "runs": len(times), "rows": rows, "params": params,
                                      "columns": len(result.variables)} | _limit(backend, result, len(times))
    _emit({"queries": results})


def _limit(backend: Any, result: Any, runs: int) -> dict[str, Any]:
    """Time the bare scan that yields as many rows and columns (or triples) as ``result``, as many times.

    Materialised the same way (the backend's ``execute``, every term converted), right after the query it judges.
    """
    from .limits import construct_text, scan_text
    from .measure import percentile

    text = construct_text(len(result.triples)) if result.triples else scan_text(len(result.rows),
                                                                                  len(result.variables))
    backend.execute(text, {}, limit=None)
    times = []
    for _ in range(max(runs, 1)):
        started = time.perf_counter()
        backend.execute(text, {}, limit=None)
        times.append(time.perf_counter() - started)
    return {"limit_p50_ms": percentile(times, 50) * 1000, "limit_query": text}


def rdflib_queries(args: Mapping[str, Any]) -> None:
    """Time the library's queries on rdflib's memory store, one JSON line per run so the parent can stop a run."""
    import pyoxigraph as ox

    from kg.sparql import RdflibBackend, load_library, run

    started = time.perf_counter()
    backend = RdflibBackend.from_store(ox.Store.read_only(args["store"]))
    _emit({"loaded": time.perf_counter() - started})
    skip = set(args.get("skip", ()))
    for name, info in load_library().items():
        if name in skip:
            continue
        params = _variants(info, args["samples"])["bound"]
        _emit({"query": name, "start": True})
        for index in range(args["warmup"] + args["runs"]):
            begun = time.perf_counter()
            result = run(info, backend, params)
            seconds = time.perf_counter() - begun
            _emit({"query": name, "seconds": seconds, "warmup": index < args["warmup"],
                   "rows": len(result.rows) + len(result.triples)})
            if seconds > args["slow"]:
                break  # a slow query is measured once: its warm-up run counts as that run
        _emit({"query": name, "done": True})
    _emit({"finished": True})


def page_graph(nodes: int, edges: int, seed: int = 1) -> Any:
    """Return a networkx graph of ``nodes`` entities and ``edges`` claims, with the attributes of the entity view.

    >>> g = page_graph(100, 200)
    >>> (g.number_of_nodes(), g.number_of_edges())
    (100, 200)
    """
    import random

    import networkx as nx

    rng = random.Random(seed)
    graph = nx.gnm_random_graph(nodes, edges, seed=seed)
    kinds = ("drug", "disease", "phenotype", "procedure", "concept")
    categories = ("efficacy", "adverse-effect", "indication", "mechanism", "regulatory-status")
    for node in graph.nodes:
        graph.nodes[node].update(label=f"entity {node}", title=f"synthetic entity {node}", kind=rng.choice(kinds))
    for source, target in graph.edges:
        graph.edges[source, target].update(category=rng.choice(categories), label=f"claim {source}-{target}",
                                           title=f"claim {source}-{target}", weight=rng.randint(1, 3))
    return graph


def page_kg(args: Mapping[str, Any]) -> None:
    """Time ``kg.viz``: the view built from a networkx graph and its page rendered."""
    graph = page_graph(args["nodes"], args["edges"])
    try:
        from kg.viz import ViewGraph, render_html  # type: ignore[attr-defined,unused-ignore]
    except ImportError as err:
        _emit({"unavailable": f"kg.viz cannot be imported ({err})"})
        return
    started = time.perf_counter()
    with _core():
        view = ViewGraph.from_networkx(graph)
        html = render_html(view, title="benchmark graph")
    seconds = time.perf_counter() - started
    data = html.encode("utf-8")
    Path(args["out"]).write_bytes(data)
    _emit({"seconds": seconds, "bytes": len(data)})


def page_pyvis(args: Mapping[str, Any]) -> None:
    """Time pyvis, the way its documentation shows: ``Network()``, ``from_nx``, ``generate_html``.

    Resources are inlined (``cdn_resources="in_line"``) so that the page can draw without a network.
    """
    from pyvis.network import Network

    graph = page_graph(args["nodes"], args["edges"])
    started = time.perf_counter()
    with _core():
        network = Network(cdn_resources="in_line")
        network.from_nx(graph)
        html = network.generate_html()
    seconds = time.perf_counter() - started
    data = html.encode("utf-8")
    Path(args["out"]).write_bytes(data)
    _emit({"seconds": seconds, "bytes": len(data)})


#: Runs in the page on every animation frame: true once the first canvas holds a drawn pixel.
_DRAWN = """() => {
  for (const canvas of document.querySelectorAll('canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) return performance.now();
  }
  return false;
}"""


def first_draw(args: Mapping[str, Any]) -> None:
    """Open a page in headless Chromium, offline, and time navigation to the first drawn pixel of its canvas."""
    from playwright.sync_api import sync_playwright

    url = Path(args["page"]).resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(url, wait_until="commit")
            handle = page.wait_for_function(_DRAWN, polling="raf", timeout=args["timeout"] * 1000)
            _emit({"ms": float(handle.json_value())})
        finally:
            browser.close()


def profile(args: Mapping[str, Any]) -> None:
    """Run another task under cProfile and write its statistics to a file."""
    import cProfile

    global _PROFILER
    _PROFILER = cProfile.Profile()
    try:
        TASKS[args["task"]](args["args"])
    finally:
        _PROFILER.dump_stats(args["stats"])


TASKS: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "bulk-load": bulk_load, "compact": compact, "rdflib-build": rdflib_build, "kg": kg, "dump": dump, "count": count,
    "queries": queries,
    "rdflib-queries": rdflib_queries, "page-kg": page_kg, "page-pyvis": page_pyvis, "first-draw": first_draw,
    "profile": profile,
}


def main(argv: list[str] | None = None) -> int:
    """Run one task."""
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--args", default="{}", help="the task's arguments as a JSON object")
    options = parser.parse_args(argv)
    TASKS[options.task](json.loads(options.args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
