"""``kg serve``: a real server on a free loopback port, asked real questions over HTTP.

Every server here is a subprocess started on a port nobody uses, polled until it answers, and stopped in a
fixture finaliser whatever the test did.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.corpus import Corpus
from kg.sparql import load_library

from .servers import KG, LOOPBACK, Spawned, free_port, port_is_free, run_kg, spawn, stop, wait_until_up

CEKG = "https://w3id.org/cekg/vocab#"
OBO = "http://purl.obolibrary.org/obo/"
KETAMINE = OBO + "CHEBI_6121"
PREFIXES = f"""PREFIX cekg: <{CEKG}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
CLAIM_COUNT = PREFIXES + "SELECT (COUNT(?claim) AS ?claims) WHERE { ?claim a cekg:Claim }"
QUAD_COUNT = "SELECT (COUNT(*) AS ?quads) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
ARTICLE_ADVERSE_EFFECTS = PREFIXES + """SELECT ?claimId ?effect ?label WHERE {
  ?claim a cekg:Claim ; cekg:category cekg:AdverseEffect ; cekg:assertedBy ?document ;
         cekg:object ?effect ; dcterms:identifier ?claimId .
  ?document dcterms:identifier "ketamine-migraine-article" .
  ?effect rdfs:label ?label
} ORDER BY ?claimId"""
ARTICLE_ADVERSE_GRAPH = PREFIXES + """CONSTRUCT { ?drug ?predicate ?effect } WHERE {
  ?claim cekg:category cekg:AdverseEffect ; cekg:assertedBy ?document ;
         cekg:subject ?drug ; cekg:predicate ?predicate ; cekg:object ?effect .
  ?document dcterms:identifier "ketamine-migraine-article" .
}"""
EXPECTED_ROWS = [
    ("article-adverse-hallucinations", OBO + "HP_0000738", "hallucinations"),
    ("article-adverse-nausea", OBO + "HP_0002018", "nausea"),
    ("article-adverse-vomiting", OBO + "HP_0002013", "vomiting"),
]
EXPECTED_TRIPLES = {(KETAMINE, CEKG + "hasAdverseEffect", effect) for _, effect, _ in EXPECTED_ROWS}
DELETE_ALL = "DELETE WHERE { ?s ?p ?o }"


# Servers --------------------------------------------------------------------------------------------------------------

def _serve_command(store_dir: Path, port: int) -> list[str]:
    return [*KG, "serve", "--store", str(store_dir), "--port", str(port), "--quiet"]


@pytest.fixture(scope="module")
def kg_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spawned]:
    """One `kg serve` over the built store for the read-only tests of this module."""
    port = free_port()
    server = spawn(_serve_command(built_store, port), port=port, log=tmp_path_factory.mktemp("serve") / "serve.log")
    try:
        wait_until_up(server)
        yield server
    finally:
        stop(server)


@pytest.fixture()
def endpoint(kg_server: Spawned) -> str:
    return kg_server.base + "sparql"


@pytest.fixture()
def start_server(built_store: Path, tmp_path: Path) -> Iterator[Callable[[], Spawned]]:
    """Start a private `kg serve` (for tests that stop it); every one started is stopped at the end."""
    started: list[Spawned] = []

    def start() -> Spawned:
        port = free_port()
        server = spawn(_serve_command(built_store, port), port=port, log=tmp_path / f"serve-{len(started)}.log")
        started.append(server)
        wait_until_up(server)
        return server

    yield start
    for server in started:
        stop(server)


@pytest.fixture(scope="module")
def total_quads(built_store: Path) -> int:
    from kg.store import open_store

    with open_store(built_store) as store:
        return len(store)


# Helpers --------------------------------------------------------------------------------------------------------------

def _http(method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float = 10.0) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _get(endpoint: str, query: str, accept: str) -> tuple[int, Message, bytes]:
    return _http("GET", f"{endpoint}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})


def _count(endpoint: str, query: str) -> int:
    status, _, body = _get(endpoint, query, "application/sparql-results+json")
    assert status == 200, body
    (row,) = json.loads(body)["results"]["bindings"]
    (value,) = row.values()
    assert value["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    return int(value["value"])


def _wrapper(endpoint: str, query: str, fmt: str, *, method: str = "GET") -> object:
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    return wrapper


def _triples(parsed: object) -> set[tuple[str, str, str]]:
    """Plain (subject, predicate, object) values of pyoxigraph triples or an rdflib graph."""
    if isinstance(parsed, rdflib.Graph):
        return {(str(s), str(p), str(o)) for s, p, o in parsed}
    return {(t.subject.value, t.predicate.value, t.object.value) for t in parsed}  # type: ignore[attr-defined]


# SELECT, CONSTRUCT, ASK through SPARQLWrapper -------------------------------------------------------------------------

def test_select_json_counts_every_claim(endpoint: str, corpus: Corpus) -> None:
    from SPARQLWrapper import JSON

    document = _wrapper(endpoint, CLAIM_COUNT, JSON).queryAndConvert()  # type: ignore[attr-defined]
    assert document["head"]["vars"] == ["claims"]
    assert document["results"]["bindings"] == [{"claims": {
        "type": "literal", "value": str(len(corpus.claims)), "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]
    assert len(corpus.claims) >= 68


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_gives_exactly_the_three_hp_adverse_effects_of_the_article(endpoint: str, method: str) -> None:
    from SPARQLWrapper import JSON

    document = _wrapper(endpoint, ARTICLE_ADVERSE_EFFECTS, JSON, method=method).queryAndConvert()  # type: ignore
    assert document["head"]["vars"] == ["claimId", "effect", "label"]
    rows = [(b["claimId"]["value"], b["effect"]["value"], b["label"]["value"]) for b in document["results"]["bindings"]]
    assert rows == EXPECTED_ROWS
    assert {b["effect"]["type"] for b in document["results"]["bindings"]} == {"uri"}


def test_construct_returns_the_graph(endpoint: str) -> None:
    from SPARQLWrapper import RDFXML, TURTLE

    answer = _wrapper(endpoint, ARTICLE_ADVERSE_GRAPH, TURTLE).query()  # type: ignore[attr-defined]
    assert answer.info()["content-type"].startswith("text/turtle")
    assert _triples(ox.parse(answer.response.read(), format=ox.RdfFormat.TURTLE)) == EXPECTED_TRIPLES

    answer = _wrapper(endpoint, ARTICLE_ADVERSE_GRAPH, RDFXML).query()  # type: ignore[attr-defined]
    assert answer.info()["content-type"].startswith("application/rdf+xml")
    assert _triples(rdflib.Graph().parse(data=answer.response.read(), format="xml")) == EXPECTED_TRIPLES


@pytest.mark.parametrize(("query", "expected"), [
    (f"ASK {{ <{KETAMINE}> <{CEKG}hasAdverseEffect> <{OBO}HP_0002018> }}", True),
    (f"ASK {{ <{KETAMINE}> <{CEKG}coveredBy> ?anything }}", False),
])
def test_ask(endpoint: str, query: str, expected: bool) -> None:
    from SPARQLWrapper import JSON

    assert _wrapper(endpoint, query, JSON).queryAndConvert() == {"head": {}, "boolean": expected}  # type: ignore


# Content negotiation --------------------------------------------------------------------------------------------------

def _rows_from_csv(body: bytes) -> tuple[list[str], list[tuple[str, ...]]]:
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    return header, [tuple(row) for row in rows]


def _rows_from_tsv(body: bytes) -> tuple[list[str], list[tuple[str, ...]]]:
    header, *lines = body.decode("utf-8").rstrip("\n").split("\n")
    rows: list[tuple[str, ...]] = []
    for line in lines:
        claim_id, effect, label = line.split("\t")
        # SPARQL 1.1 TSV writes terms in their N-Triples syntax.
        assert claim_id.startswith('"') and effect.startswith("<") and label.startswith('"'), line
        rows.append((claim_id.strip('"'), effect.strip("<>"), label.strip('"')))
    return header.split("\t"), rows


def _rows_from_xml(body: bytes) -> tuple[list[str], list[tuple[str, ...]]]:
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(body)
    header = [v.attrib["name"] for v in root.findall("r:head/r:variable", ns)]
    rows: list[tuple[str, ...]] = []
    for result in root.findall("r:results/r:result", ns):
        values = {b.attrib["name"]: b[0].text or "" for b in result.findall("r:binding", ns)}
        rows.append(tuple(values[name] for name in header))
    return header, rows


def _rows_from_json(body: bytes) -> tuple[list[str], list[tuple[str, ...]]]:
    document = json.loads(body)
    header = document["head"]["vars"]
    return header, [tuple(b[name]["value"] for name in header) for b in document["results"]["bindings"]]


@pytest.mark.parametrize(("accept", "media", "read", "header"), [
    ("text/csv", "text/csv", _rows_from_csv, ["claimId", "effect", "label"]),
    ("text/tab-separated-values", "text/tab-separated-values", _rows_from_tsv, ["?claimId", "?effect", "?label"]),
    ("application/sparql-results+xml", "application/sparql-results+xml", _rows_from_xml,
     ["claimId", "effect", "label"]),
    ("application/sparql-results+json", "application/sparql-results+json", _rows_from_json,
     ["claimId", "effect", "label"]),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", _rows_from_xml,
     ["claimId", "effect", "label"]),
])
def test_select_results_in_the_format_asked_for(
    endpoint: str, accept: str, media: str, read: Callable[[bytes], tuple[list[str], list[tuple[str, ...]]]],
    header: list[str],
) -> None:
    status, headers, body = _get(endpoint, ARTICLE_ADVERSE_EFFECTS, accept)
    assert status == 200, body
    assert headers.get_content_type() == media
    assert read(body) == (header, EXPECTED_ROWS)


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_results_in_the_format_asked_for(endpoint: str, accept: str, media: str, fmt: ox.RdfFormat) -> None:
    status, headers, body = _get(endpoint, ARTICLE_ADVERSE_GRAPH, accept)
    assert status == 200, body
    assert headers.get_content_type() == media
    assert _triples(ox.parse(body, format=fmt)) == EXPECTED_TRIPLES
    if fmt is ox.RdfFormat.JSON_LD:  # and a second, independent parser agrees
        assert _triples(rdflib.Graph().parse(data=body, format="json-ld")) == EXPECTED_TRIPLES


# Updates are refused --------------------------------------------------------------------------------------------------

def test_sparqlwrapper_update_is_refused_and_the_store_is_unchanged(
    endpoint: str, total_quads: int, corpus: Corpus
) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(POST)
    wrapper.setQuery(DELETE_ALL)
    assert wrapper.isSparqlUpdateRequest()
    with pytest.raises(urllib.error.HTTPError) as refused:
        wrapper.query()
    assert refused.value.code == 403
    assert _count(endpoint, CLAIM_COUNT) == len(corpus.claims)
    assert _count(endpoint, QUAD_COUNT) == total_quads


@pytest.mark.parametrize(("method", "target", "body", "content_type"), [
    ("POST", "sparql", DELETE_ALL, "application/sparql-update"),
    ("POST", "sparql", urllib.parse.urlencode({"update": DELETE_ALL}), "application/x-www-form-urlencoded"),
    ("GET", "sparql?" + urllib.parse.urlencode({"update": DELETE_ALL}), None, None),
    ("PUT", "sparql", f"<{KETAMINE}> <{CEKG}coveredBy> <urn:x> .\n", "application/n-triples"),
    ("PUT", "store?default", f"<{KETAMINE}> <{CEKG}coveredBy> <urn:x> .\n", "application/n-triples"),
    ("DELETE", "store?default", None, None),
], ids=["post-sparql-update", "post-form-update", "get-update", "put", "put-graph-store", "delete-graph-store"])
def test_updates_are_refused_with_403_and_the_store_is_unchanged(
    kg_server: Spawned, total_quads: int, corpus: Corpus, method: str, target: str, body: str | None,
    content_type: str | None,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, answer = _http(method, kg_server.base + target, body=body.encode() if body else None, headers=headers)
    assert status == 403
    assert b"read-only" in answer
    assert _count(kg_server.base + "sparql", CLAIM_COUNT) == len(corpus.claims)
    assert _count(kg_server.base + "sparql", QUAD_COUNT) == total_quads


# Errors ---------------------------------------------------------------------------------------------------------------

def test_syntax_error_is_400_naming_line_and_column(endpoint: str) -> None:
    status, headers, body = _get(endpoint, "SELECT ?s\nWHERE { ?s ?p }", "application/sparql-results+json")
    assert status == 400
    assert headers.get_content_type() == "text/plain"
    text = body.decode("utf-8")
    assert re.search(r"\bline 2, column \d+\b", text), text
    assert text.count("\n") == 1


def test_the_query_page_loads_nothing_from_elsewhere(kg_server: Spawned) -> None:
    status, headers, body = _http("GET", kg_server.base)
    assert status == 200
    assert headers.get_content_type() == "text/html"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    page = body.decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\bsrc\s*=|<link\b|<iframe\b|@import|url\(", page, re.IGNORECASE)
    assert not re.search(r"""fetch\(\s*["'`](?:[a-z]+:)?//""", page, re.IGNORECASE)
    assert not re.search(r"cdn|unpkg|jsdelivr|googleapis|cloudflare", page, re.IGNORECASE)
    # The library's queries are there as data, each with its text.
    data = re.search(r'<script id="library" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert data is not None
    examples = json.loads(data.group(1))
    library = load_library()
    assert examples == {name: info.text for name, info in library.items()
                        if not any(p.required for p in info.params)}


# Address, start and stop ----------------------------------------------------------------------------------------------

def test_it_listens_on_loopback_by_default(kg_server: Spawned) -> None:
    done = run_kg("serve", "--help")
    assert done.returncode == 0
    assert "[default: 127.0.0.1]" in " ".join(done.stdout.split())
    assert f"at http://127.0.0.1:{kg_server.port}/ " in kg_server.output()
    outward = _outward_address()
    # A machine with loopback only has nothing else to refuse on; the startup message above already shows the bind.
    if outward is not None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            assert probe.connect_ex((outward, kg_server.port)) != 0, f"kg serve answers on {outward}"


def _outward_address() -> str | None:
    """The address this machine would use to reach another host, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_it_stops_cleanly_on_a_signal(start_server: Callable[[], Spawned], signum: signal.Signals) -> None:
    server = start_server()
    # A browser keeps its connection open: that must not hold the server up.
    idle = http.client.HTTPConnection(LOOPBACK, server.port, timeout=5)
    idle.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
    assert idle.getresponse().read() == b'{"head":{},"boolean":true}'
    try:
        started = time.monotonic()
        server.process.send_signal(signum)
        assert server.process.wait(5) == 0
        assert time.monotonic() - started < 5
    finally:
        idle.close()
    assert "Traceback" not in server.output()
    deadline = time.monotonic() + 2
    while not port_is_free(server.port) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert port_is_free(server.port)


def test_without_a_store_it_says_to_run_kg_build(tmp_path: Path) -> None:
    done = run_kg("serve", "--store", str(tmp_path / "missing"), "--port", str(free_port()), "--quiet")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("Error: ")
    assert "kg build" in done.stderr
    assert not (tmp_path / "missing").exists()


@pytest.fixture()
def taken_port() -> Iterator[int]:
    """A loopback port something else listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind((LOOPBACK, 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def _serve_on(store_dir: Path, port: int) -> tuple[int, str]:
    done = run_kg("serve", "--store", str(store_dir), "--port", str(port), "--quiet", timeout=20)
    return done.returncode, done.stderr


def test_a_port_already_taken_is_a_one_line_error(built_store: Path, taken_port: int) -> None:
    code, err = _serve_on(built_store, taken_port)
    assert code == 2
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("Error: ")
    assert "in use" in err


def test_a_port_already_taken_names_the_port_and_the_fix(built_store: Path, taken_port: int) -> None:
    _, err = _serve_on(built_store, taken_port)
    assert str(taken_port) in err
    assert "--port" in err


# Malformed requests get an answer -------------------------------------------------------------------------------------

def _raw(port: int, request: bytes, *, timeout: float = 3.0) -> bytes:
    """Send raw bytes and return the answer's status line (empty if the server closed without answering)."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as connection:
        connection.sendall(request)
        try:
            return connection.recv(4096).split(b"\r\n", 1)[0]
        except TimeoutError:
            return b"(no answer within the timeout)"


def test_a_bad_default_graph_uri_is_a_400(kg_server: Spawned) -> None:
    query = urllib.parse.urlencode({"query": "ASK {}", "default-graph-uri": "not an iri"})
    request = f"GET /sparql?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    status = _raw(kg_server.port, request.encode())
    assert status == b"HTTP/1.1 400 Bad Request"


@pytest.mark.parametrize("length", ["abc", "-1"])
def test_a_bad_content_length_is_a_400(kg_server: Spawned, length: str) -> None:
    request = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
               f"Content-Length: {length}\r\n\r\nASK {{}}").encode()
    assert _raw(kg_server.port, request) == b"HTTP/1.1 400 Bad Request"
