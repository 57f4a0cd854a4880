"""SPARQL-based constraints (``sh:sparql``), run in Oxigraph with ``$this`` pre-bound.

Where the query allows it (see :func:`batchable`) one query binds ``$this`` to many focus nodes at once: for the
30 claim predicates of 10,000 claims, 0.07 s instead of 1.8 s for one query per focus node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

import pyoxigraph as ox
import rdflib

from .report import Result
from .shapes import Shape, SparqlConstraint
from .terms import SH, Term, Unsupported, to_rdflib

__all__ = ["SparqlConstraints", "batchable"]

#: How many focus nodes one batched query binds.
_BATCH = 2000
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_PROJECTION = re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?([$?]\w+\s+)*[$?]this\b", re.IGNORECASE)
#: Keywords after which the solutions of one query over many focus nodes may differ from those of one query each.
_NOT_BATCHABLE = re.compile(r"\b(GROUP|HAVING|ORDER|LIMIT|OFFSET|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b",
                            re.IGNORECASE)
_UNSUPPORTED_VARIABLES = re.compile(r"[$?](PATH|currentShape|shapesGraph)\b")

Row = dict[str, Term]


def batchable(select: str) -> bool:
    """Return whether ``select`` gives, with ``$this`` bound to many nodes, the union of its one-node solutions.

    True of a single query with a WHERE keyword that selects ``$this`` and has no aggregate, grouping, ordering or
    slicing: its WHERE group joins the VALUES clause with the rest, so each solution keeps the focus node it was
    found for.

    >>> batchable("SELECT $this ?s WHERE { ?s $this ?o }")
    True
    >>> batchable("SELECT ?s WHERE { ?s $this ?o }")
    False
    """
    return (len(_SELECT.findall(select)) == 1 and _PROJECTION.search(select) is not None
            and _WHERE.search(select) is not None and _NOT_BATCHABLE.search(select) is None)


class SparqlConstraints:
    """The SPARQL-based constraints of a shapes graph, evaluated on one store."""

    def __init__(self, store: ox.Store, prefixes: Mapping[str, str]) -> None:
        self.store = store
        self.prefixes = dict(prefixes)

    def results(self, shape: Shape, constraint: SparqlConstraint, nodes: Sequence[Term]
                ) -> Iterator[tuple[Term, Result]]:
        """Yield each focus node of ``nodes`` that ``constraint`` reports, with each of its results.

        Raises:
            Unsupported: the query uses ``$PATH``, ``$currentShape`` or ``$shapesGraph``, Oxigraph cannot bind
                ``$this`` in it, or a solution binds ``?path`` to something other than an IRI.
        """
        if _UNSUPPORTED_VARIABLES.search(constraint.select):
            raise Unsupported("SPARQL constraints using $PATH, $currentShape or $shapesGraph")
        solutions = self._solutions(constraint, nodes)
        for node in nodes:
            rows = solutions.get(node)
            if rows:
                for result in self._node_results(node, shape, constraint, rows):
                    yield node, result

    def _node_results(self, focus: Term, shape: Shape, constraint: SparqlConstraint, rows: Sequence[Row]
                      ) -> Iterator[Result]:
        result_value = None if shape.path is not None else focus
        seen: list[tuple[Any, ...]] = []
        failed = False
        for row in rows:
            bound = dict(row)
            if bound.pop("failure", None) is not None:
                if not failed:
                    failed = True
                    yield _result(focus, shape, constraint, None, None, result_value, {})
                continue
            path, value, this = bound.pop("path", None), bound.pop("value", None), bound.pop("this", None)
            if path is None and value is None and this is None:
                continue
            key = (this, path, value, sorted(bound.items(), key=lambda item: item[0]))
            if key in seen:
                continue
            seen.append(key)
            yield _result(this or focus, shape, constraint, this, path, value if value is not None else result_value,
                          bound)

    def _solutions(self, constraint: SparqlConstraint, nodes: Sequence[Term]) -> dict[Term, list[Row]]:
        """Return the solutions of ``constraint`` for each of ``nodes`` that has any, each as its bound variables."""
        found: dict[Term, list[Row]] = {}
        alone: Sequence[Term] = nodes
        if batchable(constraint.select):
            named = [node for node in nodes if isinstance(node, ox.NamedNode)]
            for start in range(0, len(named), _BATCH):
                for row in _rows(self._select(constraint, named[start:start + _BATCH])):
                    found.setdefault(row["this"], []).append(row)
            alone = [node for node in nodes if not isinstance(node, ox.NamedNode)]
        for node in alone:
            rows = _rows(self._select(constraint, (node,)))
            if rows:
                found[node] = rows
        return found

    def _select(self, constraint: SparqlConstraint, focus: Sequence[Term]) -> ox.QuerySolutions:
        """Run a SPARQL constraint with ``$this`` pre-bound to each of ``focus``.

        IRIs are bound by a VALUES clause at the start of the WHERE group, written by Oxigraph's serialiser:
        Oxigraph applies ``substitutions`` only after evaluating the query, which for a pattern like
        ``?s $this ?o`` means reading the whole graph once per focus node.
        """
        where = _WHERE.search(constraint.select)
        try:
            if all(isinstance(node, ox.NamedNode) for node in focus) and where is not None:
                values = " ".join(str(node) for node in focus)
                query = (constraint.select[:where.end()] + f" VALUES $this {{ {values} }} "
                         + constraint.select[where.end():])
                solutions = self.store.query(query, prefixes=self.prefixes)
            else:
                (node,) = focus
                solutions = self.store.query(constraint.select, prefixes=self.prefixes,
                                             substitutions={ox.Variable("this"): node})
        except (RuntimeError, SyntaxError) as err:  # Oxigraph pre-binds only variables that are selected
            raise Unsupported(f"{constraint.node}: {err}") from err
        return cast(ox.QuerySolutions, solutions)  # a SELECT query


def _rows(solutions: ox.QuerySolutions) -> list[Row]:
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in solutions]


def _result(focus: Term, shape: Shape, constraint: SparqlConstraint, this: Term | None, path: Term | None,
            value: Term | None, bound: Mapping[str, Term]) -> Result:
    variables = {name: to_rdflib(term) for name, term in bound.items()}
    for name, term in (("this", this), ("path", path), ("value", value)):
        if term is not None:
            variables[name] = to_rdflib(term)
    messages: list[rdflib.Literal] = []
    for message in constraint.messages:
        if message not in shape.messages:
            messages.append(rdflib.Literal(_format(str(message.value), variables)))
    messages += [rdflib.Literal(_format(str(m.value), variables)) for m in shape.messages]
    if path is not None and not isinstance(path, ox.NamedNode):
        raise Unsupported("a SPARQL result with a complex path")
    return Result(focus=focus, shape=shape.node, component=SH + "SPARQLConstraintComponent",
                  severity=shape.severity, messages=tuple(messages), path=path or shape.path, value=value,
                  constraint=constraint.node)


def _format(message: str, variables: Mapping[str, Any]) -> str:
    # As pySHACL does it, replacement text and all.
    for name, value in variables.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message
