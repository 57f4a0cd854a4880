"""What a query returned: its form, its rows, graph or answer, and the output formats that fit it.

>>> [fmt.value for fmt in QueryForm.SELECT.formats]
['table', 'csv', 'tsv', 'json', 'xml']
>>> QueryForm.DESCRIBE.default_format
<GraphFormat.TURTLE: 'turtle'>
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import pyoxigraph as ox

from ..errors import FormatError
from .terms import Term

__all__ = ["GraphFormat", "QueryForm", "QueryResult", "Row", "SelectFormat"]

T = TypeVar("T")

#: One solution of a SELECT, in the order of its variables (``None`` where a variable is unbound).
Row = tuple[Term | None, ...]


class SelectFormat(StrEnum):
    """Outputs for SELECT results."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"


class GraphFormat(StrEnum):
    """Outputs for CONSTRUCT and DESCRIBE results."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """Return the Oxigraph format."""
        return {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                "jsonld": ox.RdfFormat.JSON_LD}[self.value]


class QueryForm(StrEnum):
    """The four forms of a SPARQL query, which decide the shape of the answer."""

    SELECT = "SELECT"
    CONSTRUCT = "CONSTRUCT"
    ASK = "ASK"
    DESCRIBE = "DESCRIBE"

    @property
    def formats(self) -> tuple[SelectFormat | GraphFormat, ...]:
        """Return the output formats an answer of this form can be written in, the default first.

        The answer of an ASK is one word, ``true`` or ``false``, whatever the format.
        """
        if self is QueryForm.SELECT:
            return tuple(SelectFormat)
        if self is QueryForm.ASK:
            return (*SelectFormat, *GraphFormat)
        return tuple(GraphFormat)

    @property
    def default_format(self) -> SelectFormat | GraphFormat:
        """Return the output format used when none is asked for: a table of rows, Turtle for a graph."""
        return self.formats[0]

    def check_format(self, fmt: str, *, name: str = "query") -> SelectFormat | GraphFormat:
        """Return the output format named ``fmt`` if an answer of this form can be written in it.

        Args:
            fmt: the format's name, e.g. ``turtle``.
            name: the query, for the message.

        Raises:
            FormatError: no format of that name fits this form; the message lists those that do.
        """
        for candidate in self.formats:
            if candidate.value == fmt:
                return candidate
        fitting = ", ".join(f.value for f in self.formats)
        article = "an" if self is QueryForm.ASK else "a"
        raise FormatError(f"{name} is {article} {self.value} query: its answer cannot be written as {fmt}; the formats "
                          f"that fit are {fitting}")


@dataclass(frozen=True)
class QueryResult:
    """What a query returned, with pyoxigraph terms whatever ran it.

    Attributes:
        form: SELECT, CONSTRUCT or ASK (a DESCRIBE answers a graph, as a CONSTRUCT does).
        variables: the projected variables of a SELECT.
        rows: the solutions of a SELECT, one tuple per row in variable order (``None`` when unbound).
        triples: the graph of a CONSTRUCT or DESCRIBE.
        boolean: the answer of an ASK.
        truncated: the result had more rows (or triples) than the limit and was cut.
        limit: the limit the rows or triples were cut at, if any.
        notice: anything else the reader must know, e.g. that a server cut the result itself.
        name: the query, for messages.
    """

    form: QueryForm
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    limit: int | None = None
    notice: str | None = None
    name: str = "query"

    @classmethod
    def from_rows(cls, variables: list[str], rows: Iterable[Row], *, limit: int | None, name: str = "query",
                  cut: bool = False, notice: str | None = None) -> QueryResult:
        """Return the answer of a SELECT, keeping at most ``limit`` rows; ``cut`` says a server cut it already."""
        taken, more = _take(rows, limit)
        return cls(QueryForm.SELECT, variables=variables, rows=taken, truncated=more or cut, limit=limit,
                   notice=notice, name=name)

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple], *, limit: int | None, name: str = "query",
                     cut: bool = False, notice: str | None = None) -> QueryResult:
        """Return the graph of a CONSTRUCT or DESCRIBE, keeping at most ``limit`` triples."""
        taken, more = _take(triples, limit)
        return cls(QueryForm.CONSTRUCT, triples=taken, truncated=more or cut, limit=limit, notice=notice, name=name)

    @classmethod
    def from_boolean(cls, answer: bool, *, name: str = "query") -> QueryResult:
        """Return the answer of an ASK."""
        return cls(QueryForm.ASK, boolean=answer, name=name)

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

        Raises:
            ImportError: pandas is not installed.
        """
        import pandas as pd

        records = [{name: _python_value(term, compact=compact) for name, term in row.items()} for row in self.dicts()]
        return pd.DataFrame(records, columns=self.variables)


def _take(items: Iterable[T], limit: int | None) -> tuple[list[T], bool]:
    """Return at most ``limit`` items, and whether there were more."""
    taken: list[T] = []
    for item in items:
        if limit is not None and len(taken) >= limit:
            return taken, True
        taken.append(item)
    return taken, False


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
