"""Running a query: parameters bound as terms, on the embedded store, on rdflib, or on a remote endpoint.

On the embedded store and on a remote endpoint, parameters travel in a ``VALUES`` block written by the RDF
serialiser at the start of the group that binds them (:func:`with_values`): a value is only ever a term, whatever
characters it holds, and Oxigraph's planner sees the constant, so a query about one claim or one entity reads only
what concerns it. (Oxigraph's ``substitutions`` bind the variable after planning: a plan chosen for every claim
then runs for one, as slowly as for all.) rdflib takes them as ``initBindings``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import pyoxigraph as ox

from ..errors import EndpointError, KGError, QueryError, QueryTimeout
from .library import QueryInfo
from .terms import Term, from_json, from_rdflib, parse_value, to_rdflib

__all__ = ["Backend", "EndpointUnavailable", "OxigraphBackend", "QueryResult", "RdflibBackend", "RemoteBackend",
           "bind_params", "run"]

T = TypeVar("T")
Row = tuple[Term | None, ...]


@dataclass
class QueryResult:
    """What a query returned, with pyoxigraph terms whatever ran it.

    Attributes:
        form: SELECT, CONSTRUCT, DESCRIBE or ASK.
        variables: the projected variables of a SELECT.
        rows: the solutions of a SELECT, one tuple per row in variable order (``None`` when unbound).
        triples: the graph of a CONSTRUCT or DESCRIBE.
        boolean: the answer of an ASK.
        truncated: the result had more rows (or triples) than the limit and was cut.
        notice: anything else the reader must know, e.g. that a server cut the result itself.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    limit: int | None = None
    notice: str | None = None

    def dicts(self) -> list[dict[str, Term | None]]:
        """Return the rows as dictionaries keyed by variable name."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def values(self) -> list[dict[str, str | None]]:
        """Return the rows with each term as its plain value (IRI or literal text)."""
        return [{k: (None if v is None else v.value) for k, v in row.items()} for row in self.dicts()]

    def to_dataframe(self, *, compact: bool = False) -> Any:
        """Return the rows as a pandas DataFrame (pandas must be installed).

        Numbers and booleans become Python numbers and booleans, other literals their text, IRIs their text or,
        with ``compact``, a CURIE where the project's prefix map has one (``CHEBI:6121``).
        """
        import pandas as pd

        records = [{name: _python_value(term, compact=compact) for name, term in row.items()} for row in self.dicts()]
        return pd.DataFrame(records, columns=self.variables)


_INTEGERS = {f"http://www.w3.org/2001/XMLSchema#{name}" for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_REALS = {f"http://www.w3.org/2001/XMLSchema#{name}" for name in ("decimal", "double", "float")}


def _python_value(term: Term | None, *, compact: bool) -> Any:
    """Return *term* as the Python value a table shows: a number, a boolean, a string or None."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _REALS:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == "http://www.w3.org/2001/XMLSchema#boolean":
            return term.value in ("true", "1")
        return term.value
    if compact and isinstance(term, ox.NamedNode):
        from ..iris import compress

        return compress(term.value)
    return term.value


class Backend(Protocol):
    """Something that answers SPARQL queries."""

    def execute(self, text: str, bindings: Mapping[str, Term], *, limit: int | None, name: str = "query"
                ) -> QueryResult:
        """Run a query with its parameters bound and at most ``limit`` rows or triples; ``name`` is for messages."""
        ...


def _syntax_error(err: Exception, name: str, text: str | None = None) -> QueryError:
    """Turn a parser error into one line naming the line and column.

    Oxigraph's parser reports how far it got, often the end of the query; rdflib's names the offending token,
    so its position is used when it finds the error too.
    """
    if text is not None:
        located = _locate_with_rdflib(text)
    message = str(err).splitlines()[0]
    position = re.search(r"at (\d+):(\d+)", message)
    where = f" at line {position.group(1)}, column {position.group(2)}" if position else ""
    if located and located.startswith("line "):
        return QueryError(f"syntax error in {name} at {located}")
    if located:
        return QueryError(f"syntax error in {name}{where}: {located}")
    detail = message.split(": ", 1)[1] if ": " in message else message
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return QueryError(f"syntax error in {name}{where}: {detail}")


def _locate_with_rdflib(text: str) -> str | None:
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text)
    except ParseException as err:
        found = re.search(r"found (.+?)\s+\(at char", str(err))
        near = f": unexpected {found.group(1)}" if found else ""
        return f"line {err.lineno}, column {err.col}{near}"
    except Exception as err:  # rdflib rejects for other reasons: keep Oxigraph's position
        prefix = re.search(r"Unknown namespace prefix : (\S*)", str(err))
        if prefix:
            return f"unknown prefix '{prefix.group(1)}': declare it with PREFIX {prefix.group(1)}: <IRI>"
        return None
    return None


def _take(items: Any, limit: int | None) -> tuple[list[Any], bool]:
    taken: list[Any] = []
    for item in items:
        if limit is not None and len(taken) >= limit:
            return taken, True
        taken.append(item)
    return taken, False


class OxigraphBackend:
    """The embedded Oxigraph store (pyoxigraph)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def execute(self, text: str, bindings: Mapping[str, Term], *, limit: int | None, name: str = "query"
                ) -> QueryResult:
        """Run a query; parameters are joined as a ``VALUES`` block (see :func:`with_values`)."""
        try:
            answer = self.store.query(with_values(text, bindings))
        except SyntaxError as err:
            raise _syntax_error(err, name, text) from None
        except (RuntimeError, OSError) as err:
            raise QueryError(f"{name} failed: {err}") from None
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            _check_selected(answer, bindings, name)
            variables = [v.value for v in answer.variables]
            rows, cut = _take((tuple(s[v] for v in variables) for s in answer), limit)
            return QueryResult("SELECT", variables=variables, rows=rows, truncated=cut, limit=limit)
        triples, cut = _take(answer, limit)
        return QueryResult("CONSTRUCT", triples=triples, truncated=cut, limit=limit)


def _check_selected(answer: ox.QuerySolutions, bindings: Mapping[str, Term], name: str) -> None:
    """Refuse a parameter the query does not select: it would bind a variable the answer cannot show."""
    selected = {v.value for v in answer.variables}
    missing = sorted(set(bindings) - selected)
    if missing:
        variable = f"?{missing[0]}"
        raise QueryError(f"{name} cannot bind {variable}: a parameter must be a variable the query selects "
                         f"(add {variable} to SELECT), so that the answer shows the value it was bound to")


class RdflibBackend:
    """rdflib's in-memory dataset and SPARQL engine, for comparison and for users of rdflib."""

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    @classmethod
    def from_store(cls, store: ox.Store) -> RdflibBackend:
        """Copy an Oxigraph store into a new rdflib in-memory dataset."""
        import rdflib

        dataset = rdflib.Dataset()
        data = ox.serialize(store.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS) or b""
        dataset.parse(data=data.decode("utf-8"), format="nquads")
        return cls(dataset)

    def execute(self, text: str, bindings: Mapping[str, Term], *, limit: int | None, name: str = "query"
                ) -> QueryResult:
        """Run a query; parameters go in as rdflib ``initBindings``."""
        try:
            answer = self.dataset.query(text, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
        except Exception as err:  # rdflib raises pyparsing errors, which have no common base of ours
            if type(err).__name__ in ("ParseException", "ParseSyntaxException"):
                raise QueryError(f"syntax error in {name} at line {getattr(err, 'lineno', '?')}, column "
                                 f"{getattr(err, 'col', '?')}: {getattr(err, 'msg', err)}") from None
            raise
        if answer.type == "ASK":
            return QueryResult("ASK", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            rows, cut = _take((tuple(from_rdflib(row[v]) for v in variables) for row in answer), limit)
            return QueryResult("SELECT", variables=variables, rows=rows, truncated=cut, limit=limit)
        triples = (ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o))  # type: ignore[arg-type]
                   for s, p, o in answer.graph)
        taken, cut = _take(triples, limit)
        return QueryResult("CONSTRUCT", triples=taken, truncated=cut, limit=limit)


class EndpointUnavailable(EndpointError):
    """The endpoint could not be reached, broke off its answer, or failed on its side (HTTP 5xx).

    Unlike a refusal of the request itself, sending the same request again later may succeed.
    """


# Virtuoso answers HTTP 500 to every SQL error; these SQLSTATE classes are the request's fault (syntax, access,
# data), so sending it again cannot help. Others (40xxx deadlock, 08xxx connection, S1T00 timeout) are transient.
_VIRTUOSO_ERROR = re.compile(rb"Virtuoso (\w{5}) Error (\w+)")
_PERMANENT_SQLSTATES = ("22", "23", "37", "42")


class RemoteBackend:
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper.

    Credentials come from the caller (the command line reads them from the environment), never from argv.
    ``default_graph`` names the graph a query reads when it has no ``GRAPH`` (the protocol's ``default-graph-uri``):
    the graph a push put the statement view in, on a server whose own default graph is something else.
    """

    def __init__(self, endpoint: str, *, user: str | None = None, password: str | None = None,
                 auth: str = "basic", timeout: float | None = 30.0, default_graph: str | None = None) -> None:
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.auth = auth
        self.timeout = timeout
        self.default_graph = default_graph

    def _request(self, text: str, form: str, accept: str) -> Any:
        """Build the HTTP request with SPARQLWrapper (query, method, headers, Basic credentials)."""
        from SPARQLWrapper import BASIC, GET, POST, SPARQLWrapper

        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(GET if len(text) < 1500 else POST)
        wrapper.setOnlyConneg(True)
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the form from any word of the text ("created" reads as CREATE): say it.
        wrapper.queryType = form
        wrapper.addCustomHttpHeader("Accept", accept)
        if self.default_graph is not None:
            wrapper.addDefaultGraph(self.default_graph)
        if self.user is not None and self.auth != "digest":
            wrapper.setHTTPAuth(BASIC)
            wrapper.setCredentials(self.user, self.password or "")
        return wrapper._createRequest()

    def _opener(self) -> Any:
        """Return a urllib opener; for Digest, one that answers a challenge in any realm of this endpoint."""
        import urllib.request

        handlers: list[Any] = []
        if self.user is not None and self.auth == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, self.endpoint, self.user, self.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        return urllib.request.build_opener(*handlers)

    def execute(self, text: str, bindings: Mapping[str, Term], *, limit: int | None, name: str = "query"
                ) -> QueryResult:
        """Send the query with its parameters in a trailing VALUES clause and read the answer."""
        import json

        form = _form(text)
        text = with_values(text, bindings)
        accept = ("application/sparql-results+json" if form in ("SELECT", "ASK")
                  else "application/n-triples")
        body, headers = self._send(text, form, accept, name)
        notice = None
        max_rows = headers.get("X-SPARQL-MaxRows") if headers else None
        try:
            if form in ("SELECT", "ASK"):
                document = json.loads(body)
                if form == "ASK":
                    return QueryResult("ASK", boolean=bool(document["boolean"]))
                variables = list(document["head"]["vars"])
                solutions = document["results"]["bindings"]
                rows = [tuple(from_json(s[v]) if v in s else None for v in variables) for s in solutions]
                taken, cut = _take(rows, limit)
                if max_rows:
                    notice = (f"the server cut the result at {max_rows} rows (its X-SPARQL-MaxRows setting): "
                              "the answer is incomplete; page with LIMIT/OFFSET or raise the server's limit")
                return QueryResult("SELECT", variables=variables, rows=taken, truncated=cut or bool(max_rows),
                                   limit=limit, notice=notice)
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except (ValueError, KeyError, TypeError, SyntaxError, AttributeError) as err:
            preview = body[:80].decode("utf-8", errors="replace").replace("\n", " ")
            raise EndpointError(f"{self.endpoint} answered something that is not SPARQL results ({err}); it "
                                f"began: {preview!r}") from None
        taken, cut = _take(triples, limit)
        if max_rows:
            notice = f"the server cut the result at {max_rows} triples (its X-SPARQL-MaxRows setting)"
        return QueryResult("CONSTRUCT", triples=taken, truncated=cut or bool(max_rows), limit=limit, notice=notice)

    def _send(self, text: str, form: str, accept: str, name: str) -> tuple[bytes, Any]:
        return self.send(self._request(text, form, accept), name)

    def update(self, text: str, *, name: str = "update") -> None:
        """Send a SPARQL 1.1 Update request to this endpoint, POSTed as ``application/sparql-update``.

        Raises:
            EndpointError: the endpoint refused the credentials or the update.
            EndpointUnavailable: it could not be reached, broke off, or failed on its side (HTTP 5xx).
            QueryError: it rejected the update as malformed (HTTP 400).
            QueryTimeout: it did not answer within the timeout.
        """
        from SPARQLWrapper import BASIC, POST, POSTDIRECTLY, SPARQLWrapper

        wrapper = SPARQLWrapper(self.endpoint, updateEndpoint=self.endpoint)
        wrapper.setMethod(POST)
        # The body as is: URL-encoding a large update and SPARQLWrapper's guess of its form (setQuery) took a third
        # of a push (measured: 80 s of 240 s for 690,000 triples). The form only has to be one of an update.
        wrapper.setRequestMethod(POSTDIRECTLY)
        wrapper.queryString = text
        wrapper.queryType = "INSERT"
        if self.user is not None and self.auth != "digest":
            wrapper.setHTTPAuth(BASIC)
            wrapper.setCredentials(self.user, self.password or "")
        self.send(wrapper._createRequest(), name)

    def graph_store(self, method: str, graph: ox.NamedNode, data: bytes, *, name: str = "graph store request"
                    ) -> None:
        """Send a SPARQL 1.1 Graph Store Protocol request with a graph's N-Triples to this endpoint.

        ``PUT`` replaces the graph with ``data``, ``POST`` adds ``data`` to it.

        Raises:
            The errors of :meth:`update`.
        """
        import base64
        import urllib.parse
        import urllib.request

        separator = "&" if "?" in self.endpoint else "?"
        url = self.endpoint + separator + urllib.parse.urlencode({"graph": graph.value})
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"Content-Type": "application/n-triples"})
        if self.user is not None and self.auth != "digest":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")
        self.send(request, name)

    def send(self, request: Any, name: str) -> tuple[bytes, Any]:
        """Send a request built for this endpoint and return the body and headers of the answer.

        Raises:
            The errors of :meth:`update`.
        """
        import urllib.error

        try:
            with self._opener().open(request, timeout=self.timeout) as response:
                return response.read(), response.info()
        except urllib.error.HTTPError as err:
            raise self._http_error(err, name) from None
        except Exception as err:
            raise self._failure(err) from None

    def _http_error(self, err: Any, name: str) -> KGError:
        if err.code in (401, 403):
            return EndpointError(f"{self.endpoint} refused the credentials (HTTP {err.code}): set "
                                 "KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, and --auth basic|digest")
        body = err.read()[:2000]
        detail = body[:300].decode("utf-8", errors="replace").strip().replace("\n", " ")
        if err.code == 400:
            return QueryError(f"{self.endpoint} rejected {name} (HTTP 400): {detail}")
        virtuoso = _VIRTUOSO_ERROR.search(body)
        if virtuoso and virtuoso.group(2) == b"SR186":
            return EndpointError(f"{self.endpoint} refused {name}: the account has no permission to change data "
                                 f"(HTTP {err.code}): send updates to the server's authenticated endpoint (Virtuoso: "
                                 ".../sparql-auth with --auth digest) with KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD "
                                 "set")
        if err.code >= 500 and not (virtuoso and virtuoso.group(1)[:2].decode() in _PERMANENT_SQLSTATES):
            return EndpointUnavailable(f"{self.endpoint} answered HTTP {err.code}: {detail}")
        return EndpointError(f"{self.endpoint} answered HTTP {err.code}: {detail}")

    def _failure(self, err: Exception) -> KGError:
        import http.client
        import socket
        import urllib.error

        if isinstance(err, TimeoutError):
            return QueryTimeout(f"{self.endpoint} did not answer within {self.timeout} s: raise --timeout")
        if isinstance(err, urllib.error.URLError):
            reason = err.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                return QueryTimeout(f"{self.endpoint} did not answer within {self.timeout} s: raise --timeout")
            return EndpointUnavailable(f"cannot reach {self.endpoint}: {reason}; check the address and that the "
                                       "server is running")
        if isinstance(err, http.client.HTTPException):
            return EndpointUnavailable(f"{self.endpoint} broke off its answer ({type(err).__name__}): try again, or "
                                       "check the server")
        if isinstance(err, OSError):
            return EndpointUnavailable(f"cannot reach {self.endpoint}: {err}")
        if isinstance(err, ValueError):  # urllib's word for an address it cannot use
            return EndpointError(f"cannot use the endpoint address {self.endpoint!r} ({err}): give an http:// or "
                                 "https:// URL")
        raise err


def _form(text: str) -> str:
    from .library import parse_query

    return parse_query(text).form


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """Return the query with a VALUES block binding the parameters, each written by the RDF serialiser as a term.

    The block opens the outer WHERE group, so the value joins the pattern before FILTER, OPTIONAL and GROUP BY
    see it, as a substitution would. When that group is only a subquery that selects the parameters as plain
    variables (a query ordered by an aggregate), the block opens the subquery's WHERE group instead: the answer is
    the same, and the subquery is not computed for every value first.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    terms = " ".join(str(bindings[n]) for n in names)
    variables = " ".join(f"?{n}" for n in names)
    at = _where_group(text, names)
    if at is None:
        return f"{text.rstrip()}\nVALUES ({variables}) {{ ({terms}) }}\n"
    return text[:at] + f" VALUES ({variables}) {{ ({terms}) }} " + text[at:]


_FORM = re.compile(r"(?<![:\w])(SELECT|CONSTRUCT|ASK|DESCRIBE)\b(?!:)", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_SUBQUERY = re.compile(r"\s*\{\s*SELECT\b", re.IGNORECASE)


def _where_group(text: str, names: Sequence[str] = ()) -> int | None:
    """Return the offset just inside the '{' of the WHERE group a VALUES block for ``names`` should open.

    IRIs, strings and comments are ignored. The outer WHERE group, or the WHERE group of a subquery that is all of
    it and selects every one of ``names`` as a plain variable.
    """
    masked = _mask(text)
    form = _FORM.search(masked)
    if not form:
        return None
    start = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        where = _WHERE.search(masked, start)
        if where:
            start = where.end()
    brace = masked.find("{", start)
    if brace < 0:
        return None
    inner = _SUBQUERY.match(masked, brace + 1)
    if names and inner and _only_group(masked, inner.start()):
        clause_end = masked.find("{", inner.end())
        clause = masked[inner.end():clause_end]
        while (bare := re.sub(r"\([^()]*\)", " ", clause)) != clause:  # expressions, innermost first
            clause = bare
        plain = set(re.findall(r"[?$](\w+)", clause))
        if clause_end > 0 and set(names) <= plain:
            return clause_end + 1
    return brace + 1


def _only_group(masked: str, at: int) -> bool:
    """Whether the group opening at ``at`` (after blanks) is the only thing in the group around it."""
    opening = masked.index("{", at)
    depth = 0
    for index in range(opening, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[index], 0)
        if depth == 0:
            return masked[index + 1:].lstrip().startswith("}")
    return False


_MASKED = re.compile(r'<[^<>\s"{}|^`]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                     r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def _mask(text: str) -> str:
    """Blank out IRIs, string literals and comments, keeping every offset."""
    return _MASKED.sub(lambda m: " " * len(m.group()), text)


def bind_params(info: QueryInfo, raw: Mapping[str, str | Term]) -> dict[str, Term]:
    """Check and convert the parameters given for a query.

    Raises:
        QueryError: a required parameter is missing, one is not the query's, or a value is not a valid term.
    """
    bindings: dict[str, Term] = {}
    declared = {p.name for p in info.params}
    variables = set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", info.text))
    for key, value in raw.items():
        name = key.lstrip("?$")
        if declared and name not in declared:
            known = ", ".join(sorted(declared))
            raise QueryError(f"{info.name} has no parameter {name!r}; its parameters are: {known}")
        if not declared and name not in variables:
            raise QueryError(f"{info.name} has no variable ?{name} to bind")
        param = info.param(name)
        if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
            bindings[name] = value
        else:
            bindings[name] = parse_value(value, param.type if param else None, name=name)
    missing = [p.name for p in info.params if p.required and p.name not in bindings]
    if missing:
        raise QueryError(f"{info.name} needs the parameter {', '.join(missing)}: pass -p {missing[0]}=VALUE")
    return bindings


def _with_timeout(call: Callable[[], T], timeout: float | None, name: str) -> T:
    if not timeout:
        return call()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as err:  # handed back to the caller's thread
            outcome["error"] = err

    worker = threading.Thread(target=target, name=f"query {name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"{name} ran past the time limit of {timeout:g} s: raise --timeout, add a LIMIT, or "
                           "narrow it with parameters")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def run(info: QueryInfo, backend: Backend, params: Mapping[str, str | Term] | None = None, *,
        limit: int | None = None, timeout: float | None = None) -> QueryResult:
    """Run a query of the library (or any :class:`QueryInfo`) on a backend.

    Args:
        info: the query.
        backend: where to run it.
        params: parameter values, as text (IRIs, CURIEs, literals) or as terms.
        limit: keep at most this many rows or triples; ``truncated`` says whether more were there.
        timeout: seconds before :class:`QueryTimeout` is raised.

    Raises:
        QueryError: bad syntax, parameters or values.
        QueryTimeout: the query ran too long.
        EndpointError: a remote endpoint failed.
    """
    bindings = bind_params(info, params or {})
    return _with_timeout(lambda: backend.execute(info.text, bindings, limit=limit, name=info.name), timeout,
                         info.name)
