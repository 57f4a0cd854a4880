"""The local backends: the embedded Oxigraph store, and rdflib's engine over a copy of it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError
from .binding import with_values
from .result import QueryResult
from .terms import Term, from_rdflib, to_rdflib

__all__ = ["OxigraphBackend", "RdflibBackend", "syntax_error"]


def syntax_error(err: Exception, name: str, text: str | None = None) -> QueryError:
    """Turn a parser error from Oxigraph into one line naming the query, the line and the column.

    Oxigraph's parser reports how far it got, often the end of the query; rdflib's names the offending token,
    so, given the query ``text``, its position is used when it finds the error too.

    Args:
        err: the error Oxigraph raised (a ``SyntaxError``).
        name: the query, for the message.
        text: the query, to locate the error with rdflib's parser as well.

    Returns:
        The error to raise instead.
    """
    located = _locate_with_rdflib(text) if text is not None else None
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
    """Return where rdflib's parser finds the error (``line L, column C: unexpected X``), or what it says is wrong."""
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


class OxigraphBackend:
    """The embedded Oxigraph store (pyoxigraph)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def execute(self, text: str, bindings: Mapping[str, Term], *, limit: int | None, name: str = "query"
                ) -> QueryResult:
        """Run a query; parameters are joined as a ``VALUES`` block (see :func:`~kg.sparql.binding.with_values`).

        Raises:
            QueryError: bad syntax, a parameter the query does not select, or the store failed.
        """
        try:
            answer = self.store.query(with_values(text, bindings))
        except SyntaxError as err:
            raise syntax_error(err, name, text) from None
        except (RuntimeError, OSError) as err:
            raise QueryError(f"{name} failed: {err}") from None
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult.from_boolean(bool(answer), name=name)
        if isinstance(answer, ox.QuerySolutions):
            _check_selected(answer, bindings, name)
            variables = [v.value for v in answer.variables]
            # A solution iterates over its values in the order of the variables (None where unbound): taking them
            # so is about a third of the Python time of reading them by name.
            return QueryResult.from_rows(variables, (tuple(s) for s in answer), limit=limit, name=name)
        return QueryResult.from_triples(answer, limit=limit, name=name)


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
        """Run a query; parameters go in as rdflib ``initBindings``.

        Raises:
            QueryError: bad syntax, or rdflib's engine failed on the query (one line, never its traceback).
        """
        try:
            answer = self.dataset.query(text, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
            return self._result(answer, limit=limit, name=name)  # rdflib evaluates as the rows are read
        except Exception as err:  # rdflib raises pyparsing errors and its own, which have no common base of ours
            if type(err).__name__ in ("ParseException", "ParseSyntaxException"):
                raise QueryError(f"syntax error in {name} at line {getattr(err, 'lineno', '?')}, column "
                                 f"{getattr(err, 'col', '?')}: {getattr(err, 'msg', err)}") from None
            if type(err).__module__.startswith(("rdflib", "pyparsing")):
                raise QueryError(f"rdflib's SPARQL engine could not run {name}: {err} (the default engine, "
                                 "Oxigraph, may run it)") from None
            raise

    @staticmethod
    def _result(answer: Any, *, limit: int | None, name: str) -> QueryResult:
        if answer.type == "ASK":
            return QueryResult.from_boolean(bool(answer.askAnswer), name=name)
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            return QueryResult.from_rows(variables, (tuple(from_rdflib(row[v]) for v in variables) for row in answer),
                                         limit=limit, name=name)
        triples = (ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o))  # type: ignore[arg-type]
                   for s, p, o in answer.graph)
        return QueryResult.from_triples(triples, limit=limit, name=name)
