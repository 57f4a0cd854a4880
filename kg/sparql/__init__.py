"""SPARQL over the graph: the query library, parameters bound as terms, local and remote execution, outputs."""

from __future__ import annotations

from .engine import Backend, OxigraphBackend, QueryResult, RdflibBackend, RemoteBackend, run
from .library import Param, QueryInfo, find_query, load_library, parse_query
from .terms import parse_value

__all__ = [
    "Backend",
    "OxigraphBackend",
    "Param",
    "QueryInfo",
    "QueryResult",
    "RdflibBackend",
    "RemoteBackend",
    "find_query",
    "load_library",
    "parse_query",
    "parse_value",
    "run",
]
