"""The remote side of a push: the server's endpoints, and requests sent again when the server fails on its side.

A request is sent again, after a growing pause, when the server cannot be reached, breaks off its answer, does not
answer in time, or answers HTTP 5xx; a refusal (wrong credentials, no permission, malformed request) or an answer
that is not SPARQL fails at once. Every request of a push can be sent twice with the same effect, so sending again
after a failure whose outcome is unknown is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from ..errors import EndpointError, Option, QueryTimeout
from ..sparql.remote import EndpointUnavailable, HttpAuth, RemoteBackend
from ..sparql.result import QueryResult
from ..sparql.terms import Term

__all__ = ["HttpAuth", "Remote", "Server"]

T = TypeVar("T")

#: The longest pause between two attempts, in seconds.
MAX_PAUSE = 30.0


@dataclass(frozen=True)
class Remote:
    """Where to push, and how.

    Attributes:
        endpoint: the SPARQL 1.1 query endpoint, used for reading (and for updates unless ``update_endpoint``).
        update_endpoint: the SPARQL 1.1 Update endpoint, if not ``endpoint``.
        graph_store: a SPARQL 1.1 Graph Store Protocol endpoint: graphs travel as N-Triples, one request each,
            instead of in update requests.
        user: the account name, if the server asks for one.
        password: its password.
        auth: Basic or Digest authentication.
        timeout: seconds to wait for each answer.
        retries: how many times a failed request is sent again.
        backoff: the pause before the first new attempt, in seconds; it doubles at each attempt.
    """

    endpoint: str
    update_endpoint: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None
    auth: HttpAuth = HttpAuth.BASIC
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5


class Server:
    """The endpoints of a :class:`Remote`, with requests sent again on transient failures."""

    def __init__(self, remote: Remote) -> None:
        self.remote = remote

        def backend(url: str) -> RemoteBackend:
            return RemoteBackend(url, user=remote.user, password=remote.password, auth=remote.auth,
                                 timeout=remote.timeout)

        self.reader = backend(remote.endpoint)
        self.writer = backend(remote.update_endpoint or remote.endpoint)
        self.graph_store = backend(remote.graph_store) if remote.graph_store else None
        #: Update and Graph Store requests that succeeded.
        self.writes = 0

    def select(self, text: str, bindings: Mapping[str, Term] | None = None, *, name: str) -> QueryResult:
        """Run a SELECT or ASK query on the query endpoint."""
        return self.attempt(lambda: self.reader.execute(text, bindings or {}, limit=None, name=name))

    def update(self, text: str, *, name: str) -> None:
        """Send an update to the update endpoint."""
        self.attempt(lambda: self.writer.update(text, name=name))
        self.writes += 1

    def send_graph(self, method: str, graph: ox.NamedNode, data: bytes, *, name: str) -> None:
        """PUT (replace) or POST (add) a graph's N-Triples to the Graph Store endpoint."""
        store = self.graph_store
        if store is None:
            raise EndpointError(f"no Graph Store endpoint was given: pass {Option.GRAPH_STORE:URL}")
        self.attempt(lambda: store.graph_store(method, graph, data, name=name))
        self.writes += 1

    def attempt(self, call: Callable[[], T]) -> T:
        """Return ``call()``, calling it again after a pause each time the server fails on its side.

        Raises:
            EndpointUnavailable, QueryTimeout: the last failure, once ``retries`` new attempts failed too.
            Any other error of ``call`` at once.
        """
        attempt = 1
        while True:
            try:
                return call()
            except (EndpointUnavailable, QueryTimeout) as err:
                if attempt > self.remote.retries:
                    words = "attempt" if attempt == 1 else "attempts"
                    raise type(err)(f"{err.template} (gave up after {attempt} {words})") from None
            time.sleep(min(self.remote.backoff * 2 ** (attempt - 1), MAX_PAUSE))
            attempt += 1
