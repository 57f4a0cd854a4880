"""Remote endpoints: the library against a real `oxigraph serve`, and scripted endpoints that misbehave.

The Oxigraph server holds the built store, exported with `kg export` and loaded with `oxigraph load`; every
query must answer there as it does on the embedded store. The small `http.server` endpoints stand for what a
real deployment does to a client: refuse credentials, ask for Digest, answer garbage, cut results, stall.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.corpus import Corpus
from kg.errors import EndpointError, QueryError
from kg.resources import queries_dir
from kg.sparql import OxigraphBackend, QueryInfo, QueryResult, RemoteBackend, find_query, parse_query, run
from kg.sparql.binding import bind_params, with_values
from kg.store import open_store

from .servers import Endpoint, Handler, LoopbackServer, free_port, run_kg, spawn, stop, wait_until_up

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
OBO = "http://purl.obolibrary.org/obo/"
KETAMINE = OBO + "CHEBI_6121"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
QUAD_COUNT = "SELECT (COUNT(*) AS ?quads) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
PREFIXES = """PREFIX cekg: <https://w3id.org/cekg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX np: <http://www.nanopub.org/nschema#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
USER, PASSWORD = "analyst", "s3cret pass:word"
CREDENTIALS = {"KG_ENDPOINT_USER": USER, "KG_ENDPOINT_PASSWORD": PASSWORD}

# Queries of our own, so that the comparison is never empty whatever the library holds; with exact answers.
INLINE = {
    "inline-claims-by-category": """# param: category iri optional -- a category
""" + PREFIXES + """SELECT ?category (COUNT(?claim) AS ?claims) WHERE { ?claim a cekg:Claim ; cekg:category ?category }
GROUP BY ?category ORDER BY ?category""",
    "inline-adverse-effects": """# param: drug iri optional -- the drug
""" + PREFIXES + """SELECT ?drug ?effect ?claimId WHERE {
  ?claim cekg:category cekg:AdverseEffect ; cekg:subject ?drug ; cekg:object ?effect ; dcterms:identifier ?claimId
} ORDER BY ?claimId""",
    "inline-assertion-graph-sizes": """# param: claimId string optional -- a claim id
""" + PREFIXES + """SELECT ?claimId (COUNT(*) AS ?triples) WHERE {
  ?claim dcterms:identifier ?claimId ; cekg:nanopublication ?np .
  GRAPH ?head { ?np np:hasAssertion ?assertion }
  GRAPH ?assertion { ?s ?p ?o }
} GROUP BY ?claimId ORDER BY ?claimId""",
    "inline-adverse-effect-edges": """# param: drug iri optional -- the drug
""" + PREFIXES + "CONSTRUCT { ?drug cekg:hasAdverseEffect ?effect } WHERE { ?drug cekg:hasAdverseEffect ?effect }",
    "inline-ask-nausea": """# param: drug iri optional -- the drug
""" + PREFIXES + f"ASK {{ ?drug cekg:hasAdverseEffect <{OBO}HP_0002018> }}",
}
DEFAULT_VALUES = {"iri": "CHEBI:6121", "string": "ketamine", "integer": "1", "decimal": "1.5", "date": "2020-01-01",
                  "boolean": "true"}


def _library_cases() -> list[Any]:
    # File names, not load_library(): a query file that does not parse must show up as a failing test here.
    cases = []
    for path in sorted(queries_dir().glob("*.rq")):
        cases.append(pytest.param(path.stem))
    return cases


# The Oxigraph server --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def oxigraph(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """`oxigraph serve` on a free loopback port, holding the built store (exported and bulk-loaded)."""
    from kg.cli import main

    folder = tmp_path_factory.mktemp("oxigraph")
    dump = folder / "graph.nq"
    assert main(["export", "--store", str(built_store), "--format", "nquads", "--out", str(dump)]) == 0
    loaded = subprocess.run([str(OXIGRAPH), "load", "--location", str(folder / "db"), "--file", str(dump)],
                            capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    server = spawn([str(OXIGRAPH), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
                   port=port, log=folder / "serve.log")
    try:
        wait_until_up(server)
        yield Endpoint(server.base + "query", server)
    finally:
        stop(server)


@pytest.fixture(scope="module")
def local(built_store: Path) -> Iterator[OxigraphBackend]:
    with open_store(built_store) as store:
        yield OxigraphBackend(store)


@pytest.fixture(scope="module")
def total_quads(built_store: Path) -> int:
    with open_store(built_store) as store:
        return len(store)


def _server_quads(url: str) -> int:
    """Count the server's quads with a plain HTTP request (no kg code involved)."""
    request = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': QUAD_COUNT})}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        (row,) = json.loads(response.read())["results"]["bindings"]
    assert row["quads"]["datatype"] == XSD_INTEGER
    return int(row["quads"]["value"])


def test_the_oxigraph_server_holds_the_built_store(oxigraph: Endpoint, total_quads: int) -> None:
    assert total_quads > 5000
    assert _server_quads(oxigraph.url) == total_quads


# Same answers remotely as locally -------------------------------------------------------------------------------------

def _key(term: Any) -> str | None:
    if term is None:
        return None
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def _comparable(result: QueryResult, *, ordered: bool) -> Any:
    if result.form == "ASK":
        return result.boolean
    if result.form == "SELECT":
        rows = [tuple(_key(t) for t in row) for row in result.rows]
        return result.variables, rows if ordered else sorted(rows, key=repr)
    return sorted((_key(t.subject), _key(t.predicate), _key(t.object)) for t in result.triples)


def _pick(info: QueryInfo, name: str, unbound: QueryResult | None) -> Any:
    """A value for a parameter: one the query itself returns when unbound, else a plausible default."""
    param = info.param(name)
    assert param is not None
    if unbound is not None and unbound.form == "SELECT" and name in unbound.variables:
        column = unbound.variables.index(name)
        seen = [row[column] for row in unbound.rows if row[column] is not None]
        if seen:
            return seen[len(seen) // 2]
    return DEFAULT_VALUES[param.type]


def _compare_everywhere(info: QueryInfo, local: OxigraphBackend, remote: RemoteBackend) -> list[str]:
    """Run a query unbound and with each parameter bound, locally and remotely; return the differences."""
    ordered = bool(re.search(r"\bORDER\s+BY\b", info.text, re.IGNORECASE))
    unbound = None if any(p.required for p in info.params) else run(info, local, timeout=30)
    cases: list[dict[str, Any]] = [{}] if unbound is not None else []
    cases += [{p.name: _pick(info, p.name, unbound)} for p in info.params]
    if any(p.required for p in info.params):
        cases = [{**{p.name: _pick(info, p.name, None) for p in info.params if p.required}, **case}
                 for case in cases]
    differences = []
    for params in cases:
        here = run(info, local, params, timeout=30)
        there = run(info, remote, params, timeout=30)
        if _comparable(here, ordered=ordered) != _comparable(there, ordered=ordered):
            differences.append(f"{info.name} {params}: locally {len(here.rows) or len(here.triples)} rows/triples "
                               f"{_comparable(here, ordered=ordered)!r:.300}, remotely "
                               f"{_comparable(there, ordered=ordered)!r:.300}")
    return differences


@pytest.mark.parametrize("name", _library_cases())
def test_every_library_query_answers_the_same_remotely(
    name: str, oxigraph: Endpoint, local: OxigraphBackend
) -> None:
    assert _compare_everywhere(find_query(name), local, RemoteBackend(oxigraph.url, timeout=30)) == []


@pytest.mark.parametrize("name", sorted(INLINE))
def test_inline_queries_answer_the_same_remotely(name: str, oxigraph: Endpoint, local: OxigraphBackend) -> None:
    assert _compare_everywhere(parse_query(INLINE[name], name=name), local, RemoteBackend(oxigraph.url)) == []


def test_inline_queries_have_their_expected_answers_locally(local: OxigraphBackend, corpus: Corpus) -> None:
    """The inline queries above are worth comparing: they answer what the corpus says."""
    by_category = run(parse_query(INLINE["inline-claims-by-category"]), local)
    assert {row["category"]: int(str(row["claims"])) for row in by_category.values()} == Counter(
        c.category.iri for c in corpus.claims)
    effects = run(parse_query(INLINE["inline-adverse-effects"]), local, {"drug": "CHEBI:6121"})
    assert {row["claimId"] for row in effects.values()} >= {
        "article-adverse-nausea", "article-adverse-vomiting", "article-adverse-hallucinations"}
    assert {row["drug"] for row in effects.values()} == {KETAMINE}
    assert run(parse_query(INLINE["inline-ask-nausea"]), local, {"drug": "CHEBI:6121"}).boolean is True
    assert run(parse_query(INLINE["inline-ask-nausea"]), local, {"drug": "ent:theophylline"}).boolean is False
    sizes = run(parse_query(INLINE["inline-assertion-graph-sizes"]), local)
    assert sorted(str(row["claimId"]) for row in sizes.values()) == sorted(c.id for c in corpus.claims)


ADVERSE_RQ = INLINE["inline-adverse-effects"]


def test_kg_query_with_endpoint_prints_the_same_json_as_locally(
    oxigraph: Endpoint, built_store: Path, tmp_path: Path
) -> None:
    query_file = tmp_path / "adverse.rq"
    query_file.write_text(ADVERSE_RQ, encoding="utf-8")
    args = ["query", str(query_file), "-p", "drug=CHEBI:6121", "--format", "json"]
    here = run_kg(*args, "--store", str(built_store))
    assert here.returncode == 0, here.stderr
    there = run_kg(*args, "--endpoint", oxigraph.url, "--store", str(tmp_path / "no-store-needed"))
    assert there.returncode == 0, there.stderr[-2000:]
    assert json.loads(there.stdout) == json.loads(here.stdout)
    assert len(json.loads(here.stdout)["results"]["bindings"]) >= 3


# Remote parameters are terms, in a VALUES clause ----------------------------------------------------------------------

ODD_VALUES = [
    '"} ; DROP ALL ; #',
    'x" } } ;\nDELETE WHERE { ?s ?p ?o } ;\nSELECT * { "',
    "'''\"\"\" } <urn:x> \\ \\u0022 }\n# DROP ALL",
]
ECHO = "SELECT ?s ?v WHERE { ?s <urn:p> ?v }"


@pytest.mark.parametrize("value", ODD_VALUES)
def test_a_parameter_value_is_written_as_one_literal(value: str) -> None:
    info = parse_query(ECHO)
    bindings = bind_params(info, {"v": value})
    assert bindings == {"v": ox.Literal(value)}
    text = with_values(ECHO, bindings)
    assert text.count("VALUES (?v)") == 1
    # Run the text that would be sent on a store holding that literal: it must match it, and only it.
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:hit"), ox.NamedNode("urn:p"), ox.Literal(value)))
    store.add(ox.Quad(ox.NamedNode("urn:miss"), ox.NamedNode("urn:p"), ox.Literal("DROP ALL")))
    solutions = store.query(text)
    assert isinstance(solutions, ox.QuerySolutions)
    assert [(row["s"], row["v"]) for row in solutions] == [(ox.NamedNode("urn:hit"), ox.Literal(value))]
    assert len(store) == 2


def test_an_iri_parameter_cannot_smuggle_text() -> None:
    info = parse_query("# param: drug iri optional -- the drug\nSELECT ?drug WHERE { ?drug ?p ?o }")
    with pytest.raises(QueryError):
        bind_params(info, {"drug": "<urn:x> } ; DROP ALL ; #"})


@pytest.mark.parametrize("value", ODD_VALUES)
def test_an_injection_attempt_is_only_an_odd_literal_on_the_server(
    value: str, oxigraph: Endpoint, total_quads: int
) -> None:
    info = parse_query(PREFIXES + "SELECT ?claim ?id WHERE { ?claim dcterms:identifier ?id }")
    try:
        result = run(info, RemoteBackend(oxigraph.url), {"id": value}, timeout=30)
        assert result.variables == ["claim", "id"]
        assert result.rows == []
    finally:
        assert _server_quads(oxigraph.url) == total_quads


def test_an_injection_attempt_on_the_command_line_is_only_an_odd_literal(oxigraph: Endpoint, total_quads: int) -> None:
    done = run_kg("query", "-e", PREFIXES + "SELECT ?claim ?id WHERE { ?claim dcterms:identifier ?id }",
                  "-p", 'id="} ; DROP ALL ; #', "--endpoint", oxigraph.url, "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {"head": {"vars": ["claim", "id"]}, "results": {"bindings": []}}
    assert _server_quads(oxigraph.url) == total_quads


# Scripted endpoints ---------------------------------------------------------------------------------------------------

def _results(rows: list[str]) -> bytes:
    return json.dumps({"head": {"vars": ["x"]},
                       "results": {"bindings": [{"x": {"type": "literal", "value": v}} for v in rows]}}).encode()


class Answers(Handler):
    """Answers every query with two rows, plus whatever headers the test put in ``server.options``."""

    def answer(self) -> None:
        self.record()
        self.reply(200, _results(["first", "second"]), "application/sparql-results+json",
                   self.server.options.get("headers"))


class Refuses(Handler):
    def answer(self) -> None:
        self.record()
        self.reply(401, b"who are you?", headers={"WWW-Authenticate": 'Basic realm="SPARQL"'})


class Digest(Handler):
    """Asks for Digest credentials, then answers a request that brings them."""

    def answer(self) -> None:
        request = self.record()
        if request.headers.get("Authorization", "").startswith("Digest "):
            self.reply(200, _results(["in"]), "application/sparql-results+json")
            return
        realm = self.server.options.get("realm", "SPARQL")
        self.reply(401, b"digest please", headers={
            "WWW-Authenticate": f'Digest realm="{realm}", nonce="a1b2c3d4", qop="auth", algorithm=MD5'})


class Garbage(Handler):
    def answer(self) -> None:
        self.record()
        self.reply(200, self.server.options["body"], self.server.options.get("type", "text/html"))


class Slow(Handler):
    """Says nothing until the test ends (or, with ``options["headers_first"]``, sends headers and then stalls)."""

    def answer(self) -> None:
        self.record()
        if self.server.options.get("headers_first"):
            _start_a_long_answer(self)
        self.server.release.wait(20)


class CutShort(Handler):
    """Promises more bytes than it sends, then hangs up."""

    def answer(self) -> None:
        self.record()
        _start_a_long_answer(self)
        self.close_connection = True


def _start_a_long_answer(handler: Handler) -> None:
    """Send headers promising 1000 bytes of SPARQL JSON, and only the first few of them."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(b'{"head":')
    handler.wfile.flush()


@pytest.fixture()
def scripted(request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    """A scripted endpoint (the handler class given by indirect parametrisation), always stopped at the end."""
    with LoopbackServer(request.param) as server:
        yield server


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: "), done.stderr
    return done.stderr


def _query(url: str, *args: str, env: dict[str, str] | None = None, timeout: float = 30) -> tuple[
        subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = run_kg("query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", url, *args, env=env, timeout=timeout)
    return done, time.monotonic() - started


def test_an_endpoint_that_is_down_is_a_one_line_error_within_the_timeout() -> None:
    port = free_port()  # nothing listens there
    done, elapsed = _query(f"http://127.0.0.1:{port}/sparql", "--timeout", "5")
    err = _one_line_error(done)
    assert "cannot reach" in err and f"127.0.0.1:{port}" in err
    assert elapsed < 10


@pytest.mark.parametrize("scripted", [Refuses], indirect=True)
def test_refused_credentials_say_so(scripted: LoopbackServer) -> None:
    done, _ = _query(scripted.url, env=CREDENTIALS)
    err = _one_line_error(done)
    assert re.search(r"refused|denied", err) and "credentials" in err
    assert PASSWORD not in err and PASSWORD not in done.stdout
    assert scripted.requests[0].headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize("scripted", [Answers], indirect=True)
def test_basic_auth_sends_the_credentials_from_the_environment(scripted: LoopbackServer, tmp_path: Path) -> None:
    query_file = tmp_path / "adverse.rq"
    query_file.write_text(ADVERSE_RQ, encoding="utf-8")
    run_kg("query", str(query_file), "-p", "drug=CHEBI:6121", "--endpoint", scripted.url, env=CREDENTIALS)
    (request,) = scripted.requests
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {token}"
    assert "s3cret" not in urllib.parse.unquote(request.path)
    # The parameter travels as a term in a VALUES clause.
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)["query"][0]
    assert sent == with_values(ADVERSE_RQ, {"drug": ox.NamedNode(KETAMINE)})
    assert sent.count(f"VALUES (?drug) {{ (<{KETAMINE}>) }}") == 1


def _digest_response(authorization: str, method: str) -> tuple[dict[str, str], str]:
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', authorization.removeprefix("Digest ")))
    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{USER}:{fields['realm']}:{PASSWORD}")
    ha2 = md5(f"{method}:{fields['uri']}")
    expected = md5(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:{fields['qop']}:{ha2}")
    return fields, expected


@pytest.mark.parametrize("scripted", [Digest], indirect=True)
def test_digest_auth_answers_the_challenge(scripted: LoopbackServer) -> None:
    _query(scripted.url, "--auth", "digest", env=CREDENTIALS)
    first, second = scripted.requests
    assert "Authorization" not in first.headers  # Digest needs the server's nonce first
    assert second.headers["Authorization"].startswith("Digest ")
    fields, expected = _digest_response(second.headers["Authorization"], second.method)
    assert (fields["username"], fields["realm"], fields["nonce"]) == (USER, "SPARQL", "a1b2c3d4")
    assert fields["response"] == expected
    assert PASSWORD not in second.headers["Authorization"]


@pytest.mark.parametrize("scripted", [Digest], indirect=True)
def test_digest_auth_answers_a_challenge_in_any_realm(scripted: LoopbackServer) -> None:
    scripted.options["realm"] = "kg endpoint"
    _query(scripted.url, "--auth", "digest", env=CREDENTIALS)
    assert len(scripted.requests) == 2
    assert scripted.requests[1].headers.get("Authorization", "").startswith("Digest ")


@pytest.mark.parametrize("scripted", [Digest], indirect=True)
def test_digest_auth_query_prints_the_rows(scripted: LoopbackServer) -> None:
    done, _ = _query(scripted.url, "--auth", "digest", "--format", "json", env=CREDENTIALS)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == json.loads(_results(["in"]))


@pytest.mark.parametrize("scripted", [Garbage], indirect=True)
def test_an_endpoint_answering_html_is_not_sparql_results(scripted: LoopbackServer) -> None:
    scripted.options["body"] = b"<html>hello</html>"
    done, _ = _query(scripted.url)
    err = _one_line_error(done)
    assert "not SPARQL results" in err and "<html>hello" in err


@pytest.mark.parametrize("scripted", [Garbage], indirect=True)
def test_an_endpoint_answering_malformed_json_results_is_not_sparql_results(scripted: LoopbackServer) -> None:
    scripted.options.update(type="application/sparql-results+json", body=json.dumps(
        {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": "not a term"}]}}).encode())
    err = _one_line_error(_query(scripted.url)[0])
    assert "not SPARQL results" in err


@pytest.mark.parametrize("scripted", [CutShort], indirect=True)
def test_an_answer_cut_short_is_a_one_line_error(scripted: LoopbackServer) -> None:
    err = _one_line_error(_query(scripted.url)[0])
    assert str(scripted.port) in err


@pytest.mark.parametrize("scripted", [Answers], indirect=True)
def test_a_server_row_cap_prints_the_rows_and_warns(scripted: LoopbackServer) -> None:
    scripted.options["headers"] = {"X-SPARQL-MaxRows": "2"}
    done, _ = _query(scripted.url, "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == json.loads(_results(["first", "second"]))
    assert done.stderr.startswith("Warning: ") and done.stderr.count("\n") == 1
    assert "cut the result at 2 rows" in done.stderr and "X-SPARQL-MaxRows" in done.stderr


@pytest.mark.parametrize("scripted", [Slow], indirect=True)
def test_a_slow_endpoint_times_out_with_a_message(scripted: LoopbackServer) -> None:
    done, elapsed = _query(scripted.url, "--timeout", "1")
    err = _one_line_error(done)
    assert "did not answer within" in err and "--timeout" in err
    assert elapsed < 8


@pytest.mark.parametrize("scripted", [Slow], indirect=True)
def test_an_endpoint_stalling_mid_answer_times_out_with_a_message(scripted: LoopbackServer) -> None:
    scripted.options["headers_first"] = True
    done, elapsed = _query(scripted.url, "--timeout", "1")
    err = _one_line_error(done)
    assert "--timeout" in err
    assert elapsed < 8


def test_a_remote_syntax_error_keeps_the_servers_explanation(oxigraph: Endpoint) -> None:
    done = run_kg("query", "-e", "SELECT ?s\nWHERE { ?s ?p }", "--endpoint", oxigraph.url)
    err = _one_line_error(done)
    assert re.search(r"\b2:\d+|line 2", err), err


@pytest.mark.parametrize("scripted", [Answers], indirect=True)
def test_a_query_whose_header_mentions_created_is_sent_as_a_query(scripted: LoopbackServer, tmp_path: Path) -> None:
    query_file = tmp_path / "dated.rq"
    query_file.write_text("# title: Claims and when their nanopublication was created\n"
                          "# column: x -- the claim, with the address of its document\n"
                          "SELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    run_kg("query", str(query_file), "--endpoint", scripted.url)
    (request,) = scripted.requests
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query or request.body.decode())
    assert "update" not in sent
    assert sent["query"] == [query_file.read_text(encoding="utf-8")]


# Parameters mean the same remotely as locally -------------------------------------------------------------------------

VALUES_SEMANTICS = ("kg/sparql/binding.py with_values: a trailing VALUES clause is joined after the WHERE clause has "
                    "been evaluated (and after GROUP BY), whereas OxigraphBackend substitutes the term before: a "
                    "parameter used in a FILTER, inside an OPTIONAL, or hidden by an aggregate gets another answer "
                    "remotely than locally")


@pytest.mark.parametrize(("query", "params"), [
    (PREFIXES + "SELECT ?drug ?claim WHERE { ?claim cekg:subject ?subject FILTER(?subject = ?drug) }",
     {"drug": "CHEBI:6121"}),
    (PREFIXES + "SELECT ?claim ?agent WHERE { ?claim a cekg:Claim OPTIONAL { ?claim cekg:attributedTo ?agent } }",
     {"agent": "ror:04xeg9z08"}),
], ids=["filter", "optional"])
def test_a_bound_parameter_filters_the_same_remotely(
    oxigraph: Endpoint, local: OxigraphBackend, query: str, params: dict[str, str]
) -> None:
    info = parse_query(query)
    here = run(info, local, params)
    assert len(here.rows) > 0
    assert _comparable(run(info, RemoteBackend(oxigraph.url), params), ordered=False) == _comparable(
        here, ordered=False)


def test_a_parameter_hidden_by_an_aggregate_never_counts_everything(oxigraph: Endpoint, local: OxigraphBackend) -> None:
    info = parse_query(PREFIXES + "SELECT (COUNT(?claim) AS ?claims) WHERE { ?claim cekg:subject ?drug }")
    with pytest.raises(QueryError):
        run(info, local, {"drug": "CHEBI:6121"})
    grouped = parse_query(PREFIXES + "SELECT ?drug (COUNT(?claim) AS ?claims) WHERE { ?claim cekg:subject ?drug } "
                                     "GROUP BY ?drug")
    ((_, ketamine_claims),) = run(grouped, local, {"drug": "CHEBI:6121"}).rows
    try:
        remote = run(info, RemoteBackend(oxigraph.url), {"drug": "CHEBI:6121"})
    except (QueryError, EndpointError):
        return  # refused, as locally
    assert remote.rows == [(ketamine_claims,)]
