"""Load benchmark of ``kg serve``: ``python -m bench.serve [--requests 500] [--clients 16] [--store DIR]``.

A fixed mix of cheap and heavy queries (one heavy in twenty) is sent by concurrent clients, each on a keep-alive
connection, to three servers over the same store, one after the other:

- ``kg serve`` as it starts by default (two quick workers, one long-lane worker);
- ``kg serve --heavy-workers 0``: the same worker processes, without the long lane;
- ``oxigraph serve-read-only``, the reference (Oxigraph's own server, threads in one process, no limits).

A client that gets a 503 with ``Retry-After`` waits that long and asks again, as a polite client does; its
latency counts from the first try. Each server is also asked a cheap query 200 times in a row, alone, to show what
one query costs through it, beside the same query run in this process. The page is written to
``docs/benchmarks-serve.md`` with the machine and the versions.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .measure import REPO, machine, percentile

PREFIXES = "PREFIX cekg: <https://w3id.org/cekg/vocab#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
CHEAP = {
    "ask": "ASK { ?s ?p ?o }",
    "count-claims": PREFIXES + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cekg:Claim }",
    "adverse-effects": PREFIXES + "SELECT ?id ?effect WHERE { ?c cekg:category cekg:AdverseEffect ; "
                                  "cekg:object ?effect ; dcterms:identifier ?id } ORDER BY ?id",
    "one-claim": PREFIXES + "SELECT ?p ?o WHERE { ?c dcterms:identifier \"article-adverse-nausea\" ; ?p ?o }",
}
#: Every pair of triples of the default graph, counted: about a second and a half on one core.
HEAVY = {"pairs": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y }"}
HEAVY_EVERY = 20
OUT = REPO / "docs" / "benchmarks-serve.md"


@dataclass(frozen=True)
class Sample:
    """One request of the load: which query, its final status, seconds from the first try, retries."""

    kind: str
    status: int
    seconds: float
    retries: int


@dataclass
class Run:
    """One server's figures."""

    name: str
    command: str
    startup_s: float = 0.0
    alone_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    resident_mb: float = 0.0

    def latencies(self, kind: str) -> list[float]:
        return [s.seconds * 1000 for s in self.samples if s.kind == kind and s.status == 200]


def mix(requests: int) -> list[tuple[str, str]]:
    """Return the fixed sequence of (kind, query) the clients share.

    >>> [kind for kind, _ in mix(40)].count("heavy")
    2
    """
    cheap = list(CHEAP.values())
    heavy = list(HEAVY.values())
    return [("heavy", heavy[i // HEAVY_EVERY % len(heavy)]) if i % HEAVY_EVERY == HEAVY_EVERY // 2
            else ("cheap", cheap[i % len(cheap)]) for i in range(requests)]


def _ask(connection: http.client.HTTPConnection, query: str) -> tuple[int, str | None]:
    connection.request("POST", "/sparql", body=query.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-query",
                                "Accept": "application/sparql-results+json"})
    response = connection.getresponse()
    response.read()
    return response.status, response.getheader("Retry-After")


def _client(port: int, work: list[tuple[str, str]], taken: Iterator[int], lock: threading.Lock,
            samples: list[Sample]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    while True:
        with lock:
            index = next(taken)
        if index >= len(work):
            break
        kind, query = work[index]
        started, retries = time.perf_counter(), 0
        while True:
            try:
                status, retry_after = _ask(connection, query)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                status, retry_after = 599, None
            if status != 503 or retry_after is None or retries >= 20:
                break
            retries += 1
            time.sleep(float(retry_after))
        samples.append(Sample(kind, status, time.perf_counter() - started, retries))
    connection.close()


def load(port: int, work: list[tuple[str, str]], clients: int) -> tuple[float, list[Sample]]:
    """Send ``work`` from ``clients`` threads; return the wall time and every request's sample."""
    samples: list[Sample] = []
    taken, lock = itertools.count(), threading.Lock()
    threads = [threading.Thread(target=_client, args=(port, work, taken, lock, samples)) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, samples


def alone(port: int, times: int = 200) -> list[float]:
    """Return the milliseconds of a cheap query asked ``times`` times in a row on one connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    found = []
    for _ in range(times):
        started = time.perf_counter()
        status, _ = _ask(connection, CHEAP["count-claims"])
        if status == 200:
            found.append((time.perf_counter() - started) * 1000)
    connection.close()
    return found


def in_process(store_dir: Path, times: int = 200) -> list[float]:
    """Return the milliseconds of the same query run and serialised in this process, on the store."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    found = []
    for _ in range(times):
        started = time.perf_counter()
        answer = store.query(CHEAP["count-claims"])
        assert isinstance(answer, ox.QuerySolutions)
        answer.serialize(format=ox.QueryResultsFormat.JSON)
        found.append((time.perf_counter() - started) * 1000)
    return found


def _tree(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [pid], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def resident_mb(pid: int) -> float:
    """Return the resident memory of a process and its descendants, in MiB (Linux)."""
    total = 0
    for each in _tree(pid):
        try:
            total += int(Path(f"/proc/{each}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / 2**20


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(command: Sequence[str], port: int) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """Start a server, wait until it answers; yield it and the seconds it took; stop it."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                _ask(connection, CHEAP["ask"])
                connection.close()
                break
            except OSError:
                time.sleep(0.05)
        yield process, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def measure(name: str, command: list[str], port: int, work: list[tuple[str, str]], clients: int) -> Run:
    """Run the figures of one server."""
    run = Run(name, " ".join(Path(command[0]).name if i == 0 else part for i, part in enumerate(command)))
    with running(command, port) as (process, startup):
        run.startup_s = startup
        run.alone_ms = alone(port)
        run.wall_s, run.samples = load(port, work, clients)
        run.resident_mb = resident_mb(process.pid)
    _say(f"{name}: {len(work) / run.wall_s:.1f} requests/s, cheap p99 {_p(run.latencies('cheap'), 99)}")
    return run


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _p(values: list[float], q: float) -> str:
    return f"{percentile(values, q):,.0f} ms" if values else "-"


def build_store(folder: Path) -> Path:
    """Build the bundled corpus into ``folder`` and return the store."""
    from kg.build import corpus_quads
    from kg.corpus import load_corpus
    from kg.store import write_store

    store_dir = folder / "store"
    write_store(store_dir, corpus_quads(load_corpus(REPO / "data")))
    return store_dir


def servers(store_dir: Path) -> list[tuple[str, list[str], int]]:
    """Return each server measured: its name, command and port."""
    kg = [sys.executable, "-m", "kg.cli", "serve", "--store", str(store_dir), "--quiet"]
    oxigraph = str(Path(sys.executable).with_name("oxigraph"))
    found = []
    for name, extra in (("kg serve", []), ("kg serve --heavy-workers 0", ["--heavy-workers", "0"])):
        port = _free_port()
        found.append((name, [*kg, "--port", str(port), *extra], port))
    port = _free_port()
    found.append(("oxigraph serve-read-only", [oxigraph, "serve-read-only", "--location", str(store_dir), "--bind",
                                               f"127.0.0.1:{port}"], port))
    return found


def _versions() -> dict[str, str]:
    found = {"python": sys.version.split()[0]}
    for name in ("clinical-evidence-kg", "pyoxigraph", "oxigraph"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    found["commit"] = commit or "unknown"
    return found


def _load_rows(runs: list[Run], requests: int) -> list[str]:
    rows = ["| server | requests/s | cheap p50 | cheap p99 | cheap max | heavy p50 | heavy p99 | heavy max | "
            "retries after 503 | failed | resident memory after |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | "
            "---: | ---: | ---: | ---: |"]
    for run in runs:
        cheap, heavy = run.latencies("cheap"), run.latencies("heavy")
        failed = sum(1 for s in run.samples if s.status != 200)
        rows.append(f"| {run.name} | {requests / run.wall_s:.1f} | {_p(cheap, 50)} | {_p(cheap, 99)} | "
                    f"{_p(cheap, 100)} | {_p(heavy, 50)} | {_p(heavy, 99)} | {_p(heavy, 100)} | "
                    f"{sum(s.retries for s in run.samples)} | {failed} | {run.resident_mb:,.0f} MiB |")
    return rows


def _alone_rows(runs: list[Run], local: list[float]) -> list[str]:
    rows = ["| where | p50 | mean | p99 | over in-process (p50) | startup |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            f"| in this process (pyoxigraph) | {percentile(local, 50):.2f} ms | {sum(local) / len(local):.2f} ms | "
            f"{percentile(local, 99):.2f} ms | - | - |"]
    for run in runs:
        values = run.alone_ms
        rows.append(f"| {run.name} | {percentile(values, 50):.2f} ms | {sum(values) / len(values):.2f} ms | "
                    f"{percentile(values, 99):.2f} ms | +{percentile(values, 50) - percentile(local, 50):.2f} ms | "
                    f"{run.startup_s:.2f} s |")
    return rows


def report(runs: list[Run], local: list[float], *, requests: int, clients: int, quads: int) -> str:
    """Return the page of figures."""
    box, versions = machine(), _versions()
    heavy = sum(1 for kind, _ in mix(requests) if kind == "heavy")
    lines = [
        "# Benchmarks: `kg serve` under load", "",
        f"Written by `python -m bench.serve` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; what the figures mean, and "
        "the design they measure, are in [serving.md](serving.md).", "",
        f"- Machine: {box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB, {box['platform']}; load average "
        f"at the start {', '.join(str(x) for x in box['load_average'])}.",
        "- Versions: " + ", ".join(f"{name} {value}" for name, value in versions.items()) + ".",
        f"- Store: the bundled corpus, {quads:,} quads.", "",
        "## A mixed load", "",
        f"{requests} requests from {clients} clients on keep-alive connections, {requests - heavy} cheap ones "
        f"(four queries of the kind the query page sends, a few milliseconds each) and {heavy} heavy ones (every pair "
        "of triples counted, about 1.5 s on one core), the same sequence for every server. A client told 503 with "
        "`Retry-After` waits and retries; its latency counts from the first try.", "",
        *_load_rows(runs, requests), "",
        "## One query at a time", "",
        "A cheap query (`count-claims`) asked 200 times in a row on one connection, against the same query run and "
        "serialised in this process: the difference is what the HTTP round trip, and for `kg serve` the trip to "
        "the worker process and back, cost each query. Startup is the time from launch to the first answer.", "",
        *_alone_rows(runs, local), "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--store", type=Path, help="an existing store (default: the bundled corpus, built afresh)")
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args(argv)
    work = mix(options.requests)
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as scratch:
        store_dir = options.store or build_store(Path(scratch))
        import pyoxigraph as ox

        quads = len(ox.Store.read_only(str(store_dir)))
        local = in_process(store_dir)
        runs = [measure(name, command, port, work, options.clients) for name, command, port in servers(store_dir)]
    options.out.write_text(report(runs, local, requests=options.requests, clients=options.clients, quads=quads),
                           encoding="utf-8")
    _say(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
