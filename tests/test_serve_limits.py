"""``kg serve`` under queries that would take the server down: too long, too hungry, too large, too many at once;
and a store rebuilt under a running server.

Each check runs against a real ``kg serve`` process; where time matters the bounds are generous, since the point
is the behaviour (a query stopped, a worker replaced, a cheap query not held up), not the speed.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from kg.build import corpus_quads
from kg.corpus import Corpus
from kg.store import write_store

from .test_serve_abuse import ASK, TRUE, Start, answers, children, exchange, get, post, workers_of

# Every triple of the store with every other, three times over: runs for hours, in little memory.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Every pair of triples, sorted: its memory grows by hundreds of megabytes a second.
HUNGRY = "SELECT ?a ?b ?c WHERE { ?a ?p ?b . ?c ?q ?d } ORDER BY ?a ?c ?b LIMIT 1"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and all its live descendants (Linux)."""
    import os

    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        todo += children(current)
    return total


def _resident_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * 4096 / 2**20


def _timed(port: int, request: bytes) -> tuple[float, tuple[str, dict[str, str], bytes]]:
    started = time.monotonic()
    (reply,) = answers(exchange(port, request, timeout=60))
    return time.monotonic() - started, reply


def test_a_timed_out_query_is_stopped_and_the_cpu_is_idle_within_5_s(start: Start) -> None:
    server = start("--timeout", "1")
    before = set(workers_of(server))
    took, (status, _, body) = _timed(server.port, post(ENDLESS.encode()))
    answered = time.monotonic()
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert body == (b"the query ran past the time limit of 1 s and was stopped: raise --timeout, add a LIMIT, or "
                    b"narrow it with parameters\n")
    assert 1 <= took < 10
    # Its worker was killed and another started in its place.
    time.sleep(max(0.0, answered + 2 - time.monotonic()))
    after = set(workers_of(server))
    assert len(after) == len(before) == 3
    assert len(before - after) == 1
    used = _cpu_seconds(server.process.pid)
    time.sleep(max(0.0, answered + 5 - time.monotonic()))
    assert _cpu_seconds(server.process.pid) - used < 0.3
    assert answers(exchange(server.port, get(ASK)))[0][2] == TRUE


def test_a_query_past_the_memory_limit_is_stopped(start: Start) -> None:
    server = start("--memory", "200", "--timeout", "60")
    took, (status, _, body) = _timed(server.port, post(HUNGRY.encode()))
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert body == (b"the query went past the memory limit of 200 MB and was stopped: narrow it, add a LIMIT, or "
                    b"raise --memory\n")
    assert took < 30
    assert _resident_mb(server.process.pid) < 150  # the server's own memory is not the query's
    assert answers(exchange(server.port, get(ASK)))[0][2] == TRUE


def test_an_answer_past_the_size_limit_is_refused(start: Start) -> None:
    server = start("--max-answer", "1")
    query = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 200000"
    (status, _, body), = answers(exchange(server.port, post(query.encode())))
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert body == (b"the answer is over the limit of 1 MB: add a LIMIT, ask for fewer columns, or raise "
                    b"--max-answer\n")
    (status, _, body), = answers(exchange(server.port, post(b"SELECT * WHERE { ?s ?p ?o } LIMIT 10")))
    assert status == "HTTP/1.1 200 OK"
    assert len(json.loads(body)["results"]["bindings"]) == 10


def _in_background(port: int, request: bytes) -> tuple[threading.Thread, list[tuple[float, tuple[str, dict[str, str],
                                                                                              bytes]]]]:
    replies: list[tuple[float, tuple[str, dict[str, str], bytes]]] = []
    thread = threading.Thread(target=lambda: replies.append(_timed(port, request)))
    thread.start()
    return thread, replies


def test_cheap_queries_stay_quick_while_a_heavy_one_runs(start: Start) -> None:
    server = start("--workers", "1", "--heavy-workers", "1", "--timeout", "8")
    heavy, heavy_reply = _in_background(server.port, post(ENDLESS.encode()))
    time.sleep(1.5)  # past 0.5 s it runs in the long lane
    for _ in range(5):
        took, (status, _, body) = _timed(server.port, get(ASK))
        assert (status, body) == ("HTTP/1.1 200 OK", TRUE)
        assert took < 2
    # A second heavy query finds the long lane taken: it is stopped at once, and asked to retry.
    other = ENDLESS.replace("?i }", "?i . ?j ?k ?l }")
    took, (status, headers, body) = _timed(server.port, post(other.encode()))
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert headers["retry-after"] == "1"
    assert body == (b"the query runs long and the 1 worker(s) kept for long queries are busy: retry in a moment, it "
                    b"will then wait for one (or raise --heavy-workers)\n")
    assert took < 5
    took, (status, _, body) = _timed(server.port, get(ASK))
    assert (status, body, took < 2) == ("HTTP/1.1 200 OK", TRUE, True)
    heavy.join(30)
    assert heavy_reply[0][1][0] == "HTTP/1.1 503 Service Unavailable"


def test_past_the_queue_bound_a_query_is_told_to_retry(start: Start) -> None:
    server = start("--workers", "1", "--heavy-workers", "0", "--queue", "0", "--timeout", "4")
    heavy, _ = _in_background(server.port, post(ENDLESS.encode()))
    time.sleep(1)
    (status, headers, body), = answers(exchange(server.port, get(ASK)))
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert headers["retry-after"] == "1"
    assert body == b"the server is busy: 1 queries are running or waiting already; retry in a moment\n"
    heavy.join(30)
    assert answers(exchange(server.port, get(ASK)))[0][2] == TRUE


def _count(port: int) -> int:
    (status, _, body), = answers(exchange(port, get(COUNT)))
    assert status == "HTTP/1.1 200 OK", body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_a_store_rebuilt_under_the_server_is_served_at_once(start: Start, corpus: Corpus, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    quads = list(corpus_quads(corpus))
    extra = ox.Quad(ox.NamedNode("urn:x:rebuilt"), ox.NamedNode("urn:x:p"), ox.Literal("new"))
    write_store(store_dir, quads)
    server = start(store=store_dir)
    default_graph = sum(1 for q in quads if isinstance(q.graph_name, ox.DefaultGraph))
    assert _count(server.port) == default_graph
    write_store(store_dir, [*quads, extra])
    assert _count(server.port) == default_graph + 1
    # While builds swap stores in, every answer comes whole from one store or the other.
    seen: list[int] = []
    failures: list[str] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            try:
                seen.append(_count(server.port))
            except AssertionError as err:
                failures.append(str(err))

    asker = threading.Thread(target=ask)
    asker.start()
    try:
        for round_ in range(4):
            write_store(store_dir, quads if round_ % 2 == 0 else [*quads, extra])
    finally:
        done.set()
        asker.join(30)
    assert failures == []
    assert seen and set(seen) <= {default_graph, default_graph + 1}
    assert _count(server.port) == default_graph + 1
