"""The limit a query's answer is judged against: a bare scan yielding as many rows and columns, and the targets.

A query that returns R rows of C columns cannot be faster, on the same store and materialised the same way, than a
scan of R triples of the default graph projected on C columns (:func:`scan_text`): no search, no join, only the
store's reading and the conversion of every term to Python. A CONSTRUCT that returns T triples is judged against
a CONSTRUCT of T triples of the default graph (:func:`construct_text`). The ratio of a query's p50 to that
limit's p50, both measured in the same run, is what the targets judge (:func:`allowed_ms`, :func:`verdict`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["CEILING_MS", "FEW_ROWS", "FEW_ROWS_MS", "OPEN_RATIO", "allowed_ms", "construct_text", "scan_text",
           "verdict"]

#: An answer of fewer rows than this is judged on its own p50, not against the limit.
FEW_ROWS = 100
#: The p50 such an answer must reach (ms).
FEW_ROWS_MS = 20.0
#: The p50 no larger answer may pass where its limit leaves room for it (ms).
CEILING_MS = 200.0
#: How many times its limit a larger answer may take, bound or unbound.
OPEN_RATIO = 2.0


def scan_text(rows: int, columns: int) -> str:
    """Return a SELECT of ``rows`` triples of the default graph as ``columns`` columns (s, p, o repeated).

    >>> scan_text(10, 4)
    'SELECT ?c0 ?c1 ?c2 ?c3 WHERE { ?c0 ?c1 ?c2 BIND(?c0 AS ?c3) } LIMIT 10'
    """
    names = [f"?c{i}" for i in range(max(columns, 1))]
    binds = "".join(f" BIND({names[i % 3]} AS {names[i]})" for i in range(3, len(names)))
    return f"SELECT {' '.join(names)} WHERE {{ ?c0 ?c1 ?c2{binds} }} LIMIT {rows}"


def construct_text(triples: int) -> str:
    """Return a CONSTRUCT of ``triples`` triples of the default graph.

    >>> construct_text(5)
    'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5'
    """
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} LIMIT {triples}"


def allowed_ms(rows: int, limit_ms: float | None, *, bound: bool = True) -> float | None:
    """Return the p50 a query's answer may take: 20 ms under 100 rows, else twice its limit, capped at 200 ms
    when the limit itself is under 200 ms (bound parameters only: an unbound answer is only held to twice).

    >>> allowed_ms(8, None)
    20.0
    >>> allowed_ms(2000, 60.0), allowed_ms(2000, 150.0), allowed_ms(20000, 700.0)
    (120.0, 200.0, 1400.0)
    >>> allowed_ms(20000, 150.0, bound=False)
    300.0
    """
    if bound and rows < FEW_ROWS:
        return FEW_ROWS_MS
    if limit_ms is None:
        return None
    twice = OPEN_RATIO * limit_ms
    if bound and limit_ms <= CEILING_MS:
        return min(twice, CEILING_MS)
    return twice


def verdict(timing: Mapping[str, Any], *, bound: bool = True) -> dict[str, Any]:
    """Return the target of one measured query (p50, rows, limit) and whether it is met.

    >>> verdict({"p50_ms": 12.0, "rows": 8})["met"]
    True
    >>> v = verdict({"p50_ms": 450.0, "rows": 2046, "limit_p50_ms": 150.0})
    >>> v["allowed_ms"], v["ratio"], v["met"]
    (200.0, 3.0, False)
    """
    limit = timing.get("limit_p50_ms")
    allowed = allowed_ms(int(timing.get("rows") or 0), limit, bound=bound)
    ratio = timing["p50_ms"] / limit if limit else None
    met = None if allowed is None else timing["p50_ms"] <= allowed
    return {"allowed_ms": allowed, "ratio": ratio, "met": met}
