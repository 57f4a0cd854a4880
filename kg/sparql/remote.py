"""The remote backend: any SPARQL 1.1 endpoint, over the SPARQL 1.1 Protocol and the Graph Store Protocol.

Requests are written here with :mod:`urllib` rather than through SPARQLWrapper, whose public API cannot do what a
deployment needs: its Digest support knows one realm, given in advance, and installs a process-wide opener; it
turns HTTP 400 and 500 answers into exceptions that keep the body only inside their message (the server's
explanation of a syntax error, Virtuoso's SQLSTATE); and it keeps timeouts in whole seconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import pyoxigraph as ox

from ..errors import EndpointError, KGError, Option, QueryError, QueryTimeout, UsageError
from .binding import query_form, with_values
from .result import QueryForm, QueryResult
from .terms import Term, from_json

__all__ = ["EndpointUnavailable", "HttpAuth", "RemoteBackend"]

#: Queries longer than this are POSTed: some servers and proxies refuse long URLs.
_LONGEST_GET = 1500

# Virtuoso answers HTTP 500 to every SQL error; these SQLSTATE classes are the request's fault (syntax, access,
# data), so sending it again cannot help. Others (40xxx deadlock, 08xxx connection, S1T00 timeout) are transient.
_VIRTUOSO_ERROR = re.compile(rb"Virtuoso (\w{5}) Error (\w+)")
_PERMANENT_SQLSTATES = ("22", "23", "37", "42")


class HttpAuth(StrEnum):
    """How credentials are sent to the server."""

    BASIC = "basic"
    DIGEST = "digest"


class EndpointUnavailable(EndpointError):
    """The endpoint could not be reached, broke off its answer, or failed on its side (HTTP 5xx).

    Unlike a refusal of the request itself, sending the same request again later may succeed.
    """


class RemoteBackend:
    """Any SPARQL 1.1 endpoint.

    Credentials come from the caller (the command line reads them from the environment), never from argv.
    ``default_graph`` names the graph a query reads when it has no ``GRAPH`` (the protocol's ``default-graph-uri``):
    the graph a push put the statement view in, on a server whose own default graph is something else.

    Raises:
        UsageError: ``auth`` is not one of :class:`HttpAuth`.
    """

    def __init__(self, endpoint: str, *, user: str | None = None, password: str | None = None,
                 auth: HttpAuth = HttpAuth.BASIC, timeout: float | None = 30.0, default_graph: str | None = None
                 ) -> None:
        self.endpoint = endpoint
        self.user = user
        self.password = password
        try:
            self.auth = HttpAuth(auth)
        except ValueError:
            raise UsageError(f"unknown HTTP authentication {auth!r}: use one of "
                             f"{', '.join(a.value for a in HttpAuth)}") from None
        self.timeout = timeout
        self.default_graph = default_graph

    def _request(self, url: str, *, data: bytes | None = None, method: str | None = None,
                 headers: Mapping[str, str] | None = None) -> Any:
        """Return a request to ``url``, with Basic credentials when they are to be sent with it."""
        import base64
        import urllib.request

        from .. import __version__

        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        request.add_header("User-Agent", f"kg/{__version__}")
        if self.user is not None and self.auth is HttpAuth.BASIC:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")
        return request

    def _url(self, **params: str) -> str:
        """Return the endpoint's address with ``params`` added to its query string."""
        import urllib.parse

        if not params:
            return self.endpoint
        separator = "&" if "?" in self.endpoint else "?"
        return self.endpoint + separator + urllib.parse.urlencode(params, quote_via=urllib.parse.quote_plus,
                                                                  safe="/")

    def _opener(self) -> Any:
        """Return a urllib opener; for Digest, one that answers a challenge in any realm of this endpoint."""
        import urllib.request

        handlers: list[Any] = []
        if self.user is not None and self.auth is HttpAuth.DIGEST:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, self.endpoint, self.user, self.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        return urllib.request.build_opener(*handlers)

    def execute(self, text: str, bindings: Mapping[str, Term], *, limit: int | None, name: str = "query"
                ) -> QueryResult:
        """Send the query with its parameters in a VALUES block and read the answer.

        Raises:
            EndpointError: the endpoint refused the credentials or the query, or answered something that is not
                SPARQL results.
            EndpointUnavailable: it could not be reached, broke off, or failed on its side (HTTP 5xx).
            QueryError: the text has no query form, or the endpoint rejected it as malformed (HTTP 400).
            QueryTimeout: it did not answer within the timeout.
        """
        form = query_form(text)
        if form is None:
            raise QueryError(f"{name}: no SELECT, CONSTRUCT, ASK or DESCRIBE found: is this a SPARQL query?")
        text = with_values(text, bindings)
        graph = form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        body, headers = self.send(self._query_request(text, accept), name)
        max_rows = headers.get("X-SPARQL-MaxRows") if headers else None
        try:
            if graph:
                triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            else:
                return _read_results(body, form, limit=limit, name=name, max_rows=max_rows)
        except (ValueError, KeyError, TypeError, SyntaxError, AttributeError) as err:
            preview = body[:80].decode("utf-8", errors="replace").replace("\n", " ")
            raise EndpointError(f"{self.endpoint} answered something that is not SPARQL results ({err}); it "
                                f"began: {preview!r}") from None
        notice = f"the server cut the result at {max_rows} triples (its X-SPARQL-MaxRows setting)" if max_rows else None
        return QueryResult.from_triples(triples, limit=limit, name=name, cut=bool(max_rows), notice=notice)

    def _query_request(self, text: str, accept: str) -> Any:
        """Return the SPARQL 1.1 Protocol request for a query: GET when it is short, else a POSTed form."""
        import urllib.parse

        params = {"default-graph-uri": self.default_graph} if self.default_graph is not None else {}
        if len(text) < _LONGEST_GET:
            return self._request(self._url(**params, query=text), headers={"Accept": accept})
        form = urllib.parse.urlencode({**params, "query": text}, quote_via=urllib.parse.quote_plus, safe="/")
        return self._request(self.endpoint, data=form.encode("ascii"), method="POST", headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})

    def update(self, text: str, *, name: str = "update") -> None:
        """Send a SPARQL 1.1 Update request to this endpoint, POSTed as ``application/sparql-update``.

        The body is the update as is: URL-encoding a large update took a third of a push (measured: 80 s of 240 s
        for 690,000 triples).

        Raises:
            EndpointError: the endpoint refused the credentials or the update.
            EndpointUnavailable: it could not be reached, broke off, or failed on its side (HTTP 5xx).
            QueryError: it rejected the update as malformed (HTTP 400).
            QueryTimeout: it did not answer within the timeout.
        """
        self.send(self._request(self.endpoint, data=text.encode("utf-8"), method="POST", headers={
            "Accept": "application/sparql-results+xml", "Content-Type": "application/sparql-update"}), name)

    def graph_store(self, method: str, graph: ox.NamedNode, data: bytes, *, name: str = "graph store request"
                    ) -> None:
        """Send a SPARQL 1.1 Graph Store Protocol request with a graph's N-Triples to this endpoint.

        ``PUT`` replaces the graph with ``data``, ``POST`` adds ``data`` to it.

        Raises:
            The errors of :meth:`update`.
        """
        self.send(self._request(self._url(graph=graph.value), data=data, method=method,
                                headers={"Content-Type": "application/n-triples"}), name)

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
        """Return the error to raise for an HTTP error status, telling a refusal from a passing failure."""
        if err.code in (401, 403):
            return EndpointError(f"{self.endpoint} refused the credentials (HTTP {err.code}): set "
                                 f"{Option.USER} and {Option.PASSWORD}, and {Option.AUTH:basic|digest}")
        body = err.read()[:2000]
        detail = body[:300].decode("utf-8", errors="replace").strip().replace("\n", " ")
        if err.code == 400:
            return QueryError(f"{self.endpoint} rejected {name} (HTTP 400): {detail}")
        virtuoso = _VIRTUOSO_ERROR.search(body)
        if virtuoso and virtuoso.group(2) == b"SR186":
            return EndpointError(f"{self.endpoint} refused {name}: the account has no permission to change data "
                                 f"(HTTP {err.code}): send updates to the server's authenticated endpoint (Virtuoso: "
                                 f".../sparql-auth with {Option.AUTH:digest}) with {Option.USER} and {Option.PASSWORD} "
                                 "set")
        if err.code >= 500 and not (virtuoso and virtuoso.group(1)[:2].decode() in _PERMANENT_SQLSTATES):
            return EndpointUnavailable(f"{self.endpoint} answered HTTP {err.code}: {detail}")
        return EndpointError(f"{self.endpoint} answered HTTP {err.code}: {detail}")

    def _failure(self, err: Exception) -> KGError:
        """Return the error to raise when no HTTP answer came back; re-raise what is not a network failure."""
        import http.client
        import socket
        import urllib.error

        if isinstance(err, TimeoutError):
            return QueryTimeout(f"{self.endpoint} did not answer within {self.timeout} s: raise {Option.TIMEOUT}")
        if isinstance(err, urllib.error.URLError):
            reason = err.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                return QueryTimeout(f"{self.endpoint} did not answer within {self.timeout} s: raise {Option.TIMEOUT}")
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


def _read_results(body: bytes, form: QueryForm, *, limit: int | None, name: str, max_rows: str | None
                  ) -> QueryResult:
    """Read SPARQL JSON results (of a SELECT or an ASK).

    Raises:
        ValueError, KeyError, TypeError, AttributeError: the body is not SPARQL JSON results.
    """
    import json

    document = json.loads(body)
    if form is QueryForm.ASK:
        return QueryResult.from_boolean(bool(document["boolean"]), name=name)
    variables = list(document["head"]["vars"])
    solutions = document["results"]["bindings"]
    rows = [tuple(from_json(s[v]) if v in s else None for v in variables) for s in solutions]
    notice = None
    if max_rows:
        notice = (f"the server cut the result at {max_rows} rows (its X-SPARQL-MaxRows setting): "
                  "the answer is incomplete; page with LIMIT/OFFSET or raise the server's limit")
    return QueryResult.from_rows(variables, rows, limit=limit, name=name, cut=bool(max_rows), notice=notice)
