"""What ``kg serve`` answers to each request: the query page, the SPARQL 1.1 Protocol, refusals.

Before anything else a request must be for this server (its Host header) and, if it comes from a web page, from
this server's own pages or an origin the operator allowed. Updates in any form are refused; a query with a
``SERVICE`` clause is refused unless its endpoint is allowed; a query goes to the worker pool.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from ..errors import KGError, Option, Wording, fill
from .policy import Access, check_services
from .protocol import Request, Response
from .worker import Answer, Failure, Job

__all__ = ["Endpoint"]

_CSP = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
_READ_ONLY = ("this endpoint is read-only: updates are refused (rebuild the store with `kg build` to change it)")


class Endpoint:
    """Turns requests into answers.

    Args:
        access: who may ask, and what a query may name.
        run: answers a query (in a worker process).
        word: how messages word the options they name (``kg serve`` passes the command line's flags).
        page: the query page.
    """

    def __init__(self, access: Access, run: Callable[[Job], Awaitable[Answer | Failure]], word: Wording,
                 page: bytes) -> None:
        self.access, self.run, self.word, self.page = access, run, word, page

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return Response.text(status, fill(message, self.word), headers)

    def refusal(self, request: Request) -> Response | None:
        """Return the answer refusing a request that is not for this server or comes from a foreign page."""
        host = request.header("host")
        if request.target.startswith(("http://", "https://")):
            host = urlsplit(request.target).netloc
        if host is None and request.version == "HTTP/1.1":
            return self._text(HTTPStatus.BAD_REQUEST, "a Host header is required")
        if host is not None and not self.access.host_allowed(host):
            return self._text(HTTPStatus.MISDIRECTED_REQUEST,
                              f"this server does not answer for {host!r}: it answers for {self.access.names()} "
                              f"(start it with {Option.HOST_NAME:NAME} to answer for another name)")
        origin = request.header("origin")
        # "null" is the origin of sandboxed frames and local files: a foreign page can send it too.
        if origin and not self.access.host_allowed(urlsplit(origin).netloc) and self.access.cors_origin(origin) is None:
            return self._text(HTTPStatus.FORBIDDEN,
                              f"requests from pages of {origin} are refused (start the server with "
                              f"{Option.CORS:{origin}} to let them read it)")
        return None

    def cors_headers(self, request: Request) -> dict[str, str]:
        """Return the CORS headers of the answer to ``request``."""
        if not self.access.cors:
            return {}
        allowed = self.access.cors_origin(request.header("origin"))
        return {"Vary": "Origin", **({"Access-Control-Allow-Origin": allowed} if allowed else {})}

    async def respond(self, request: Request) -> Response:
        """Answer a request whose body has been read."""
        refused = self.refusal(request)
        if refused is not None:
            return refused
        url = urlsplit(request.target)
        params = parse_qs(url.query, keep_blank_values=True)
        if request.method in ("GET", "HEAD"):
            if url.path in ("/", "/index.html"):
                return Response(HTTPStatus.OK, self.page, "text/html; charset=utf-8",
                                {"Content-Security-Policy": _CSP})
            if url.path != "/sparql":
                return self._text(HTTPStatus.NOT_FOUND,
                                  "not found: the SPARQL endpoint is /sparql, the query page is /")
            return await self._query(params, request.header("accept") or "*/*")
        if request.method == "POST":
            if url.path != "/sparql":
                return self._text(HTTPStatus.NOT_FOUND, "not found: the SPARQL endpoint is /sparql")
            return await self._post(request, params)
        if request.method == "OPTIONS":
            return self._preflight(request)
        if request.method in ("PUT", "DELETE", "PATCH"):
            return self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)
        return self._text(HTTPStatus.METHOD_NOT_ALLOWED, f"{request.method} is not answered here: use GET or POST",
                          {"Allow": "GET, HEAD, POST, OPTIONS"})

    def _preflight(self, request: Request) -> Response:
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.access.cors_origin(request.header("origin")):
            headers |= {"Access-Control-Allow-Methods": "GET, POST",
                        "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "600"}
        return Response(HTTPStatus.NO_CONTENT, b"", headers=headers)

    async def _post(self, request: Request, params: dict[str, list[str]]) -> Response:
        media = (request.header("content-type") or "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            return self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)
        body = request.body.decode("utf-8", errors="replace")
        if media == "application/sparql-query":
            params["query"] = [body]
        elif media == "application/x-www-form-urlencoded":
            params.update(parse_qs(body, keep_blank_values=True))
        else:
            return self._text(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                              "send application/sparql-query or a form with query=")
        return await self._query(params, request.header("accept") or "*/*")

    async def _query(self, params: dict[str, list[str]], accept: str) -> Response:
        if "update" in params:
            return self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            return self._text(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
        default_graphs, named_graphs = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
        try:
            for graph in default_graphs + named_graphs:
                ox.NamedNode(graph)
        except ValueError as err:
            return self._text(HTTPStatus.BAD_REQUEST, f"default-graph-uri and named-graph-uri must be IRIs: {err}")
        try:
            check_services(queries[0], self.access)
        except KGError as err:
            return self._text(HTTPStatus.BAD_REQUEST, err.template)
        reply = await self.run(Job(queries[0], tuple(default_graphs), tuple(named_graphs), accept))
        if isinstance(reply, Failure):
            retry = {"Retry-After": str(reply.retry_after)} if reply.retry_after else {}
            return self._text(reply.status, reply.message, retry)
        charset = "; charset=utf-8" if reply.media.startswith("text/") or "json" in reply.media else ""
        return Response(HTTPStatus.OK, reply.body, reply.media + charset)
