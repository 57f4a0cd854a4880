"""``kg serve`` against clients that abuse it: federated queries toward the host's network, foreign Host headers
and origins, slow and half-open connections, too many connections, chunked bodies.

Every server here is a real ``kg serve`` process on a free loopback port; every client speaks raw HTTP where the
point is what the bytes say.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .servers import KG, LOOPBACK, Handler, LoopbackServer, Spawned, free_port, spawn, stop, wait_until_up

ASK = "ASK { ?s ?p ?o }"
TRUE = b'{"head":{},"boolean":true}'
Start = Callable[..., Spawned]


@pytest.fixture(scope="module")
def shared(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spawned]:
    """One `kg serve` with the default options, for the tests that do not stop or overload it."""
    port = free_port()
    command = [*KG, "serve", "--store", str(built_store), "--port", str(port), "--quiet"]
    server = spawn(command, port=port, log=tmp_path_factory.mktemp("abuse") / "serve.log")
    try:
        wait_until_up(server)
        yield server
    finally:
        stop(server)


def exchange(port: int, request: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes and read until the server closes the connection (or ``timeout`` passes)."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as connection:
        connection.sendall(request)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            pass
        return received


def answers(raw: bytes) -> list[tuple[str, dict[str, str], bytes]]:
    """Split the bytes of one or more HTTP answers (each with a Content-Length) into status, headers, body."""
    found = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        length = int(headers.get("content-length", "0"))
        found.append((status, headers, rest[:length]))
        raw = rest[length:]
    return found


def get(query: str, *, host: str = "127.0.0.1", extra: str = "", version: str = "HTTP/1.1") -> bytes:
    """The bytes of a GET of ``query`` that closes the connection after the answer."""
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    host_line = f"Host: {host}\r\n" if host else ""
    return f"GET {target} {version}\r\n{host_line}{extra}Connection: close\r\n\r\n".encode()


def post(body: bytes, *, extra: str = "", content_type: str = "application/sparql-query") -> bytes:
    return (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{extra}"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


# SERVICE: no request leaves the server unless the operator allowed the endpoint ---------------------------------------

class Recorder(Handler):
    """An endpoint that records every request and answers one solution binding ?o to "remote"."""

    def answer(self) -> None:
        self.record()
        self.reply(200, json.dumps({"head": {"vars": ["o"]}, "results": {"bindings": [
            {"o": {"type": "literal", "value": "remote"}}]}}).encode(), "application/sparql-results+json")


@pytest.fixture()
def recorder() -> Iterator[LoopbackServer]:
    with LoopbackServer(Recorder) as server:
        yield server


def _refusal(url: str) -> str:
    return (f"SERVICE <{url}> is refused: this endpoint sends federated queries only to the endpoints its operator "
            f"allows (start the server with --allow-service {url} to allow this one)\n")


@pytest.mark.parametrize("clause", ["SERVICE", "SERVICE SILENT", "service", "Service\n  Silent"])
def test_a_service_clause_is_refused_and_sends_nothing(shared: Spawned, recorder: LoopbackServer,
                                                       clause: str) -> None:
    query = f"SELECT * WHERE {{ {clause} <{recorder.url}> {{ ?s ?p ?o }} }}"
    for request in (get(query), post(query.encode())):
        ((status, headers, body),) = answers(exchange(shared.port, request))
        assert status == "HTTP/1.1 400 Bad Request"
        assert headers["content-type"] == "text/plain; charset=utf-8"
        assert body.decode() == _refusal(recorder.url)
    time.sleep(0.3)
    assert recorder.requests == []


@pytest.mark.parametrize(("query", "message"), [
    ("PREFIX e: <{url}> SELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
     "SERVICE e: is refused: this endpoint sends federated queries only to the endpoints its operator allows "
     "(write the endpoint as a full IRI in angle brackets, one its operator allowed)"),
    ("SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
     "SERVICE ?e is refused: this endpoint sends federated queries only to the endpoints its operator allows "
     "(write the endpoint as a full IRI in angle brackets, one its operator allowed)"),
    ("BASE <{url}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
     "SERVICE <sparql> is refused: this endpoint sends federated queries only to the endpoints its operator "
     "allows (name an allowed endpoint by its full http(s) IRI)"),
])
def test_an_endpoint_named_any_other_way_is_refused_even_if_allowed(
        start: Start, recorder: LoopbackServer, query: str, message: str) -> None:
    server = start("--allow-service", recorder.url)
    ((status, _, body),) = answers(exchange(server.port, post(query.format(url=recorder.url).encode())))
    assert (status, body.decode()) == ("HTTP/1.1 400 Bad Request", message + "\n")
    time.sleep(0.3)
    assert recorder.requests == []


def test_the_word_service_in_strings_iris_and_comments_is_no_clause(shared: Spawned) -> None:
    query = ('PREFIX service: <http://example.org/SERVICE#> ASK { ?s ?p ?o FILTER(?o != "SERVICE <http://10.0.0.1/>" '
             '&& ?p != service:SERVICE) }  # SERVICE <http://10.0.0.1/>')
    ((status, _, body),) = answers(exchange(shared.port, post(query.encode())))
    assert (status, body) == ("HTTP/1.1 200 OK", TRUE)


def test_an_allowed_endpoint_is_queried_and_no_other(start: Start, recorder: LoopbackServer) -> None:
    server = start("--allow-service", recorder.url)
    query = f"SELECT ?o WHERE {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}"
    ((status, _, body),) = answers(exchange(server.port, post(query.encode())))
    assert status == "HTTP/1.1 200 OK"
    assert json.loads(body)["results"]["bindings"] == [{"o": {"type": "literal", "value": "remote"}}]
    assert len(recorder.requests) == 1
    other = f"http://{LOOPBACK}:{free_port()}/sparql"
    refused = f"SELECT ?o WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}"
    ((status, _, body),) = answers(exchange(server.port, post(refused.encode())))
    assert (status, body.decode()) == ("HTTP/1.1 400 Bad Request", _refusal(other))
    assert len(recorder.requests) == 1


def test_a_failing_federated_query_gets_an_answer(start: Start) -> None:
    # The query of the report, whose failure once dropped the connection: Oxigraph refuses port 1 outright.
    url = "http://127.0.0.1:1/"
    server = start("--allow-service", url)
    query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    ((status, headers, body),) = answers(exchange(server.port, post(query.encode())))
    assert status == "HTTP/1.1 400 Bad Request"
    assert headers["connection"] == "close"
    assert body.decode() == ("the query failed: The port 1 is not allowed for HTTP(S) because it is dedicated to an "
                             "other use\n")
    assert "Traceback" not in server.output()
    # and the server goes on answering
    assert answers(exchange(server.port, get(ASK)))[0][2] == TRUE


def _can_leave_the_network() -> bool:
    """Whether a process of this system may make a network namespace of its own (as the workers try to)."""
    code = ("import ctypes, sys; libc = ctypes.CDLL(None); "
            "sys.exit(0 if libc.unshare(0x40000000) == 0 or libc.unshare(0x50000000) == 0 else 1)")
    return subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def children(pid: int) -> list[int]:
    """Return the processes whose parent is ``pid`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def workers_of(server: Spawned) -> list[int]:
    """Return the worker processes of a `kg serve`: the children of its fork server."""
    return [worker for child in children(server.process.pid) for worker in children(child)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces are Linux's")
def test_workers_have_no_network_unless_an_endpoint_is_allowed(start: Start, recorder: LoopbackServer) -> None:
    if not _can_leave_the_network():
        pytest.skip("this system lets no process leave the network (no user namespaces)")
    closed, opened = start(), start("--allow-service", recorder.url)
    for server, isolated in ((closed, True), (opened, False)):
        own = os.readlink(f"/proc/{server.process.pid}/ns/net")
        workers = workers_of(server)
        spaces = [os.readlink(f"/proc/{pid}/ns/net") for pid in workers]
        assert len(workers) == 3  # two quick, one long
        assert (own in spaces) is not isolated, (own, spaces)
        if isolated:
            assert len(set(spaces)) == 3, "each worker has a namespace of its own"


# Host and origin ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:7878", "127.0.0.1.evil.example", "[::2]"])
def test_a_foreign_host_is_refused_with_421(shared: Spawned, host: str) -> None:
    ((status, _, body),) = answers(exchange(shared.port, get(ASK, host=host)))
    assert status == "HTTP/1.1 421 Misdirected Request"
    assert body.decode() == (f"this server does not answer for {host!r}: it answers for 127.0.0.1, ::1, localhost "
                             "(start it with --host-name NAME to answer for another name)\n")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:9999", "LOCALHOST", "[::1]:7878"])
def test_the_names_of_loopback_are_answered_on_any_port(shared: Spawned, host: str) -> None:
    ((status, _, body),) = answers(exchange(shared.port, get(ASK, host=host)))
    assert (status, body) == ("HTTP/1.1 200 OK", TRUE)


def test_a_request_without_host_is_refused_in_http_1_1_only(shared: Spawned) -> None:
    ((status, _, body),) = answers(exchange(shared.port, get(ASK, host="")))
    assert (status, body) == ("HTTP/1.1 400 Bad Request", b"a Host header is required\n")
    ((status, _, body),) = answers(exchange(shared.port, get(ASK, host="", version="HTTP/1.0")))
    assert (status, body) == ("HTTP/1.1 200 OK", TRUE)


def test_a_host_name_given_by_the_operator_is_answered(start: Start) -> None:
    server = start("--host-name", "kg.lab.example")
    ((status, _, body),) = answers(exchange(server.port, get(ASK, host="kg.lab.example:443")))
    assert (status, body) == ("HTTP/1.1 200 OK", TRUE)
    ((status, _, _),) = answers(exchange(server.port, get(ASK, host="other.lab.example")))
    assert status == "HTTP/1.1 421 Misdirected Request"


def test_pages_of_another_origin_are_refused(shared: Spawned) -> None:
    ((status, headers, body),) = answers(exchange(shared.port, get(ASK, extra="Origin: http://evil.example\r\n")))
    assert status == "HTTP/1.1 403 Forbidden"
    assert "access-control-allow-origin" not in headers
    assert body.decode() == ("requests from pages of http://evil.example are refused (start the server with --cors "
                             "http://evil.example to let them read it)\n")
    # The query page's own requests carry its origin.
    same = f"Origin: http://127.0.0.1:{shared.port}\r\n"
    ((status, headers, body),) = answers(exchange(shared.port, get(ASK, extra=same)))
    assert (status, body) == ("HTTP/1.1 200 OK", TRUE)
    assert "access-control-allow-origin" not in headers


def test_the_null_origin_of_sandboxed_frames_is_refused_too(shared: Spawned) -> None:
    ((status, _, body),) = answers(exchange(shared.port, get(ASK, extra="Origin: null\r\n")))
    assert (status, body) == ("HTTP/1.1 403 Forbidden", b"requests from pages of null are refused (start the server "
                                                         b"with --cors null to let them read it)\n")


def test_an_origin_given_with_cors_may_read(start: Start) -> None:
    server = start("--cors", "https://notebooks.example")
    origin = "Origin: https://notebooks.example\r\n"
    ((status, headers, body),) = answers(exchange(server.port, get(ASK, extra=origin)))
    assert (status, body) == ("HTTP/1.1 200 OK", TRUE)
    assert headers["access-control-allow-origin"] == "https://notebooks.example"
    assert headers["vary"] == "Origin"
    preflight = (f"OPTIONS /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n{origin}Access-Control-Request-Method: POST\r\n"
                 "Connection: close\r\n\r\n").encode()
    ((status, headers, _),) = answers(exchange(server.port, preflight))
    assert status == "HTTP/1.1 204 No Content"
    assert headers["access-control-allow-methods"] == "GET, POST"
    assert headers["access-control-allow-origin"] == "https://notebooks.example"
    ((status, headers, _),) = answers(exchange(server.port, get(ASK, extra="Origin: https://other.example\r\n")))
    assert status == "HTTP/1.1 403 Forbidden"


# Slow, half-open and too many connections -----------------------------------------------------------------------------

def _half_open(port: int, count: int) -> list[socket.socket]:
    """Open ``count`` connections that each send half a request: half a head, or a head and half its body."""
    opened = []
    for index in range(count):
        connection = socket.create_connection((LOOPBACK, port), timeout=40)
        if index % 2:
            connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
                               b"\r\nContent-Length: 100\r\n\r\nASK {")
        else:
            connection.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0")
        opened.append(connection)
    return opened


def test_half_open_connections_neither_slow_a_query_nor_stay_open(shared: Spawned) -> None:
    opened = _half_open(shared.port, 40)
    started = time.monotonic()
    closed_after: list[float] = []
    answered: list[bytes] = []

    def wait_closed(connection: socket.socket) -> None:
        received = b""
        try:
            while chunk := connection.recv(4096):
                received += chunk
        except OSError:
            received += b"(error)"
        closed_after.append(time.monotonic() - started)
        answered.append(received.split(b"\r\n", 1)[0])

    watchers = [threading.Thread(target=wait_closed, args=(c,)) for c in opened]
    for watcher in watchers:
        watcher.start()
    try:
        asked = time.monotonic()
        ((status, _, body),) = answers(exchange(shared.port, get(ASK)))
        assert (status, body) == ("HTTP/1.1 200 OK", TRUE)
        assert time.monotonic() - asked < 3
        for watcher in watchers:
            watcher.join(40)
    finally:
        for connection in opened:
            connection.close()
    assert len(closed_after) == 40
    assert max(closed_after) < 30
    assert set(answered) == {b"HTTP/1.1 408 Request Timeout"}


def test_past_the_connection_bound_a_503_says_to_retry(start: Start) -> None:
    server = start("--max-connections", "4")
    idle = [socket.create_connection((LOOPBACK, server.port)) for _ in range(4)]
    try:
        time.sleep(0.3)
        ((status, headers, body),) = answers(exchange(server.port, get(ASK)))
        assert status == "HTTP/1.1 503 Service Unavailable"
        assert headers["retry-after"] == "1"
        assert body == b"too many connections are open: retry in a moment\n"
    finally:
        for connection in idle:
            connection.close()
    time.sleep(0.3)
    assert answers(exchange(server.port, get(ASK)))[0][2] == TRUE


def test_a_connection_serves_at_most_100_requests(shared: Spawned) -> None:
    one = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    replies = answers(exchange(shared.port, one * 101))
    assert len(replies) == 100
    assert [headers["connection"] for _, headers, _ in replies] == ["keep-alive"] * 99 + ["close"]
    assert replies[0][1]["keep-alive"] == "timeout=10, max=100"


# Bodies ---------------------------------------------------------------------------------------------------------------

def test_a_chunked_post_is_read_whole_and_the_next_request_is_answered(shared: Spawned) -> None:
    query = ASK.encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (query[:5], query[5:])) + b"0\r\n\r\n"
    request = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    replies = answers(exchange(shared.port, request + get("ASK { <urn:x:nothing> ?p ?o }")))
    assert [(status, body) for status, _, body in replies] == [
        ("HTTP/1.1 200 OK", TRUE), ("HTTP/1.1 200 OK", b'{"head":{},"boolean":false}')]


@pytest.mark.parametrize(("extra", "status", "message"), [
    ("Transfer-Encoding: chunked\r\n", "HTTP/1.1 400 Bad Request",
     "give Content-Length or Transfer-Encoding, not both"),
    ("Transfer-Encoding: gzip\r\n", "HTTP/1.1 400 Bad Request", "give Content-Length or Transfer-Encoding, not both"),
    ("Content-Length: 3\r\n", "HTTP/1.1 400 Bad Request", "more than one Content-Length header"),
])
def test_a_body_of_two_lengths_is_refused_and_the_connection_closed(
        shared: Spawned, extra: str, status: str, message: str) -> None:
    replies = answers(exchange(shared.port, post(ASK.encode(), extra=extra) + get(ASK)))
    assert [(s, b.decode()) for s, _, b in replies] == [(status, message + "\n")]


def test_a_body_over_the_limit_is_refused_unread(shared: Spawned) -> None:
    request = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
               b"Content-Length: 2000000\r\n\r\n")
    ((status, _, body),) = answers(exchange(shared.port, request))
    assert (status, body) == ("HTTP/1.1 413 Request Entity Too Large", b"query too large: at most 1000000 bytes\n")


def test_a_header_too_long_is_refused(shared: Spawned) -> None:
    request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200_000 + b"\r\n\r\n"
    ((status, _, body),) = answers(exchange(shared.port, request))
    assert (status, body) == ("HTTP/1.1 431 Request Header Fields Too Large", b"a request line or header is too long\n")


def test_expect_100_continue_is_honoured(shared: Spawned) -> None:
    raw = exchange(shared.port, post(ASK.encode(), extra="Expect: 100-continue\r\n"))
    assert raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert raw.endswith(TRUE)
