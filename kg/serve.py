"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the built store, with a query page.

It binds to loopback unless told otherwise, refuses updates, negotiates the result format from the Accept
header, and stops cleanly on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyoxigraph as ox

from .errors import Option, QueryError, QueryTimeout, StoreError, Wording, python_hint
from .html import script_json
from .sparql.library import load_library
from .sparql.local import syntax_error
from .sparql.timeout import with_timeout

__all__ = ["SparqlServer", "serve"]

_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


def _negotiate(accept: str, choices: dict[str, Any], default: str) -> tuple[str, Any]:
    """Pick the best media type of ``choices`` for an Accept header (q-values honoured, */* allowed)."""
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *options = (x.strip() for x in part.split(";"))
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, media.lower()))
    for quality, _, media in sorted(ranked):
        if quality == 0:  # q=0 means "not acceptable"
            continue
        if media in choices:
            return media, choices[media]
        if media in ("*/*", "application/*", "text/*"):
            return default, choices[default]
    return default, choices[default]


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log(f"{self.address_string()} {format % args}")

    def _send(self, status: int, body: bytes, media: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, self.server.page(), "text/html; charset=utf-8",
                       {"Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
                                                   "style-src 'unsafe-inline'"})
            return
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "not found: the SPARQL endpoint is /sparql, the query page is /")
            return
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            self._refuse_update()
            return
        self._answer(params)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urlparse(self.path)
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "not found: the SPARQL endpoint is /sparql")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._error(HTTPStatus.BAD_REQUEST, "Content-Length must be a whole number of bytes")
            return
        if length > self.server.max_body:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too large")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-update":
            self._refuse_update()
            return
        if media == "application/sparql-query":
            params["query"] = [body]
        elif media == "application/x-www-form-urlencoded":
            params.update(parse_qs(body, keep_blank_values=True))
        else:
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/sparql-query or a form with query=")
            return
        if "update" in params:
            self._refuse_update()
            return
        self._answer(params)

    def do_PUT(self) -> None:
        self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    def _refuse_update(self) -> None:
        self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused (rebuild the store "
                                          "with `kg build` to change it)")

    def _answer(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
            return
        try:
            default_graphs = [ox.NamedNode(g) for g in params.get("default-graph-uri", [])]
            named_graphs = [ox.NamedNode(g) for g in params.get("named-graph-uri", [])]
        except ValueError as err:
            self._error(HTTPStatus.BAD_REQUEST, f"default-graph-uri and named-graph-uri must be IRIs: {err}")
            return
        accept = self.headers.get("Accept") or "*/*"
        try:
            media, body = with_timeout(lambda: self.server.run(queries[0], default_graphs, named_graphs, accept),
                                       self.server.timeout, "the query")
        except QueryTimeout as err:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, err.render(self.server.word))
            return
        except QueryError as err:
            self._error(HTTPStatus.BAD_REQUEST, err.render(self.server.word))
            return
        charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
        self._send(HTTPStatus.OK, body, media + charset)


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server; one read-only store shared by all request threads."""

    daemon_threads = True

    def __init__(self, store_dir: Path, host: str, port: int, *, timeout: float = 60.0,
                 log: Callable[[str], None] | None = None, word: Wording = python_hint) -> None:
        self.store = ox.Store.read_only(str(store_dir))
        self.timeout = timeout
        # Whoever started the server reads its error answers (a timeout's fix is their setting), in their words.
        self.word = word
        self.max_body = 1_000_000
        self.log = log or (lambda message: None)
        super().__init__((host, port), _Handler)

    def run(self, text: str, default_graphs: list[ox.NamedNode], named_graphs: list[ox.NamedNode], accept: str
            ) -> tuple[str, bytes]:
        """Evaluate a query and serialise its answer in the best format for ``accept``.

        Both happen in the calling thread: Oxigraph results must be read where they were made.
        """
        try:
            answer = self.store.query(text, default_graph=list(default_graphs) or None,
                                    named_graphs=list(named_graphs) or None)
        except SyntaxError as err:
            raise syntax_error(err, "the query", text) from None
        except (RuntimeError, OSError) as err:
            raise QueryError(f"the query failed: {err}") from None
        if isinstance(answer, ox.QuerySolutions | ox.QueryBoolean):
            media, fmt = _negotiate(accept, _RESULTS, "application/sparql-results+json")
        else:
            media, fmt = _negotiate(accept, _GRAPHS, "text/turtle")
        return media, answer.serialize(format=fmt) or b""

    def page(self) -> bytes:
        """Return the query page: no external resource, every value inserted as text."""
        examples = {name: info.text for name, info in load_library().items() if not info.params
                    or not any(p.required for p in info.params)}
        # The page has always written its examples as ASCII with JSON's default spacing.
        data = script_json(examples, ensure_ascii=True, compact=False)
        return _PAGE.replace("__EXAMPLES__", data).encode("utf-8")


def serve(store_dir: Path, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 60.0,
          ready: Callable[[str], None] | None = None, log: Callable[[str], None] | None = None,
          word: Wording = python_hint) -> None:
    """Serve the store until Ctrl-C or SIGTERM.

    Args:
        store_dir: the store folder.
        host: the address to listen on.
        port: the port to listen on (0 picks a free one).
        timeout: seconds a query may run before the server answers 503.
        ready: called with the server's address once it listens.
        log: called with a line for each request.
        word: how error answers word the options they name (``kg serve`` passes the command line's flags).

    Raises:
        OSError: the address is taken or cannot be bound.
    """
    try:
        server = SparqlServer(store_dir, host, port, timeout=timeout, log=log, word=word)
    except OSError as err:
        raise StoreError(f"cannot listen on {host}:{port}: {err.strerror or err}; stop the other server or choose "
                         f"another {Option.PORT}") from None
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        bound_host, bound_port = server.server_address[:2]
        if ready:
            ready(f"http://{bound_host!s}:{bound_port}/")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL: clinical-evidence knowledge graph</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1200px}
textarea{width:100%;height:16em;font:13px ui-monospace,monospace}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
th{background:#f3f3f3}#status{margin-left:1em;color:#555}pre{white-space:pre-wrap}
</style></head><body>
<h1>SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET or POST). Pick a query of the library or write one.</p>
<p><label>Library: <select id="examples"><option value="">(choose)</option></select></label></p>
<textarea id="query">PREFIX cekg: <https://w3id.org/cekg/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?category (COUNT(?claim) AS ?claims) WHERE { ?claim a cekg:Claim ; cekg:category ?c . ?c rdfs:label ?category }
GROUP BY ?category ORDER BY DESC(?claims)</textarea>
<p><button id="run">Run</button><span id="status"></span></p>
<div id="out"></div>
<script id="library" type="application/json">__EXAMPLES__</script>
<script>
const examples = JSON.parse(document.getElementById('library').textContent);
const select = document.getElementById('examples');
for (const name of Object.keys(examples)) {
  const option = document.createElement('option'); option.value = name; option.textContent = name;
  select.appendChild(option);
}
select.addEventListener('change', () => {
  if (select.value) document.getElementById('query').value = examples[select.value];
});
function cell(binding) { return binding ? binding.value : ''; }
document.getElementById('run').addEventListener('click', async () => {
  const out = document.getElementById('out'), status = document.getElementById('status');
  out.replaceChildren(); status.textContent = 'running...';
  const started = performance.now();
  const response = await fetch('sparql', {method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded',
              'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
    body: new URLSearchParams({query: document.getElementById('query').value})});
  const type = response.headers.get('Content-Type') || '';
  const elapsed = Math.round(performance.now() - started);
  if (!response.ok || !type.includes('json')) {
    const pre = document.createElement('pre'); pre.textContent = await response.text(); out.appendChild(pre);
    status.textContent = response.ok ? `${elapsed} ms` : `error ${response.status}`; return;
  }
  const data = await response.json();
  if ('boolean' in data) { out.textContent = String(data.boolean); status.textContent = `${elapsed} ms`; return; }
  const table = document.createElement('table'), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement('th'); th.textContent = v; head.appendChild(th); }
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = cell(b[v]);
  }
  out.appendChild(table);
  status.textContent = `${data.results.bindings.length} rows, ${elapsed} ms`;
});
</script></body></html>
"""
