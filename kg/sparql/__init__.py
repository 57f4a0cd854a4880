"""SPARQL over the graph: the query library, parameters bound as terms, local and remote execution, outputs.

One concept per module: :mod:`~kg.sparql.claims` (the one reader of claims, entities and documents back from a
store), :mod:`~kg.sparql.library` (the ``queries/*.rq`` files), :mod:`~kg.sparql.binding`
(parameters joined as terms), :mod:`~kg.sparql.engine` (running a query), :mod:`~kg.sparql.local` and
:mod:`~kg.sparql.remote` (the backends), :mod:`~kg.sparql.timeout` (the time limit), :mod:`~kg.sparql.result` (what
comes back, and the formats that fit it) and :mod:`~kg.sparql.formats` (writing it out).
"""

from __future__ import annotations

from .binding import bind_params, with_values
from .claims import ClaimRecord, DocumentRecord, EntityRecord, StatementView
from .engine import Backend, run
from .library import Param, QueryInfo, find_query, load_library, parse_query
from .local import OxigraphBackend, RdflibBackend
from .remote import EndpointUnavailable, HttpAuth, RemoteBackend
from .result import GraphFormat, QueryForm, QueryResult, SelectFormat
from .terms import parse_value
from .timeout import with_timeout

__all__ = [
    "Backend",
    "ClaimRecord",
    "DocumentRecord",
    "EndpointUnavailable",
    "EntityRecord",
    "GraphFormat",
    "HttpAuth",
    "OxigraphBackend",
    "Param",
    "QueryForm",
    "QueryInfo",
    "QueryResult",
    "RdflibBackend",
    "RemoteBackend",
    "SelectFormat",
    "StatementView",
    "bind_params",
    "find_query",
    "load_library",
    "parse_query",
    "parse_value",
    "run",
    "with_timeout",
    "with_values",
]
