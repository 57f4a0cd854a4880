"""Running a query of the library on a backend: parameters checked and bound as terms, within a time limit.

The backends live in :mod:`~kg.sparql.local` (Oxigraph, rdflib) and :mod:`~kg.sparql.remote` (any SPARQL 1.1
endpoint); how parameters are bound is in :mod:`~kg.sparql.binding`, what comes back in :mod:`~kg.sparql.result`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from .binding import bind_params
from .library import QueryInfo
from .result import QueryResult
from .terms import Term
from .timeout import with_timeout

__all__ = ["Backend", "run"]


class Backend(Protocol):
    """Something that answers SPARQL queries."""

    def execute(self, text: str, bindings: Mapping[str, Term], *, limit: int | None, name: str = "query"
                ) -> QueryResult:
        """Run a query with its parameters bound and at most ``limit`` rows or triples; ``name`` is for messages."""
        ...


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
    return with_timeout(lambda: backend.execute(info.text, bindings, limit=limit, name=info.name), timeout,
                        info.name)
