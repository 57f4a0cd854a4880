"""The validator: each shape evaluated once over all its focus nodes, results built only for violations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from . import constraints
from .constraints import Pairs
from .data import Data
from .report import Result, ValidationReport
from .shapes import Shape, Shapes
from .sparql import SparqlConstraints
from .terms import SH, VIOLATION, Term, Unsupported

__all__ = ["validate"]

_NO_RESULTS: tuple[Result, ...] = ()


def validate(store: ox.Store, shapes: Shapes) -> ValidationReport:
    """Validate the default graph of ``store`` against ``shapes``.

    Raises:
        Unsupported: the shapes, or a result, need a feature this engine does not have; use pySHACL.
    """
    data = Data(store)
    validator = _Validator(shapes, data)
    results: list[Result] = []
    for shape in shapes.roots:
        nodes = list(_focus_nodes(data, shape))
        outcomes = validator.outcomes(shape, nodes)
        results += [result for node in nodes for result in outcomes[node]]
    for result in _with_details(results):
        if not result.messages:  # pySHACL would write one of its own
            raise Unsupported(f"a result of {result.shape} has no sh:message")
    return ValidationReport(conforms=all(r.severity != VIOLATION for r in results), results=results)


class _Validator:
    """Evaluates shapes over many nodes at once, remembering each node's results against each shape."""

    def __init__(self, shapes: Shapes, data: Data) -> None:
        self.data = data
        self.sparql = SparqlConstraints(data.store, shapes.prefixes)
        self._outcomes: dict[int, dict[Term, tuple[Result, ...]]] = {}

    def outcomes(self, shape: Shape, nodes: Iterable[Term]) -> Mapping[Term, tuple[Result, ...]]:
        """Return the results of ``shape`` on each of ``nodes`` (and on nodes evaluated before), by node."""
        known = self._outcomes.setdefault(id(shape), {})
        todo = [node for node in dict.fromkeys(nodes) if node not in known]
        if todo:
            found = self.results(shape, todo)
            for node in todo:
                known[node] = tuple(found[node]) if node in found else _NO_RESULTS
        return known

    def results(self, shape: Shape, nodes: Sequence[Term]) -> dict[Term, list[Result]]:
        """Return the results of one shape (its property shapes' too) on each of ``nodes`` that has any."""
        found: dict[Term, list[Result]] = {}
        if shape.constraints:
            pairs = self._pairs(shape, nodes)
            for name, parameter in shape.constraints:
                for node, result in self._constraint(shape, name, parameter, pairs):
                    found.setdefault(node, []).append(result)
        for constraint in shape.sparql:
            for node, result in self.sparql.results(shape, constraint, nodes):
                found.setdefault(node, []).append(result)
        for prop in shape.properties:
            for node, results in self.results(prop, nodes).items():
                found.setdefault(node, []).extend(results)
        return found

    def _pairs(self, shape: Shape, nodes: Sequence[Term]) -> Pairs:
        if shape.path is None:
            return [(node, (node,)) for node in nodes]
        index = self.data.index(shape.path)
        return [(node, index.get(node, ())) for node in nodes]

    def _constraint(self, shape: Shape, name: str, parameter: Any, pairs: Pairs) -> Iterator[tuple[Term, Result]]:
        component = name[0].upper() + name[1:] + "ConstraintComponent"
        if name in constraints.COUNT_COMPONENTS:
            for node in constraints.count_failures(name, parameter, pairs):
                yield node, _result(node, shape, component)
        elif name == "qualifiedValueShape":
            yield from self._qualified(shape, parameter, pairs)
        elif name == "node":
            outcomes = self.outcomes(parameter, constraints.distinct_values(pairs))
            for node, values in pairs:
                for value in values:
                    if outcomes[value]:
                        yield node, _result(node, shape, component, value, outcomes[value])
        elif name == "lessThan":
            for node, value in constraints.less_than_failures(pairs, self.data.index(parameter)):
                yield node, _result(node, shape, component, value)
        else:
            rejected = self._rejected(name, parameter, shape, constraints.distinct_values(pairs))
            if rejected:
                for node, values in pairs:
                    for value in values:
                        if value in rejected:
                            yield node, _result(node, shape, component, value)

    def _qualified(self, shape: Shape, parameter: Shape, pairs: Pairs) -> Iterator[tuple[Term, Result]]:
        low, high = shape.qualified
        outcomes = self.outcomes(parameter, constraints.distinct_values(pairs))
        for node, values in pairs:
            count = sum(1 for value in values if not outcomes[value])
            if high is not None and count > high:
                yield node, _result(node, shape, "QualifiedMaxCountConstraintComponent")
            if low is not None and count < low:
                yield node, _result(node, shape, "QualifiedMinCountConstraintComponent")

    def _rejected(self, name: str, parameter: Any, shape: Shape, values: list[Term]) -> set[Term]:
        """Return the value nodes among ``values`` that a value or logical component rejects."""
        if name in constraints.VALUE_COMPONENTS:
            test = constraints.value_test(name, parameter, shape.flags, self.data)
            return {value for value in values if not test(value)}
        if name == "not":
            outcomes = self.outcomes(parameter, values)
            return {value for value in values if not outcomes[value]}
        if name == "or":  # each shape only on the values no earlier one accepted
            remaining = values
            for other in parameter:
                outcomes = self.outcomes(other, remaining)
                remaining = [value for value in remaining if outcomes[value]]
            return set(remaining)
        if name == "and":  # each shape only on the values every earlier one accepted
            rejected: set[Term] = set()
            remaining = values
            for other in parameter:
                outcomes = self.outcomes(other, remaining)
                rejected.update(value for value in remaining if outcomes[value])
                remaining = [value for value in remaining if not outcomes[value]]
            return rejected
        if name == "xone":
            conforming = dict.fromkeys(values, 0)
            for other in parameter:
                outcomes = self.outcomes(other, values)
                for value in values:
                    if not outcomes[value]:
                        conforming[value] += 1
            return {value for value, count in conforming.items() if count != 1}
        raise Unsupported(f"sh:{name}")


def _result(focus: Term, shape: Shape, component: str, value: Term | None = None,
            details: tuple[Result, ...] = ()) -> Result:
    return Result(focus=focus, shape=shape.node, component=SH + component, severity=shape.severity,
                  messages=shape.messages, path=shape.path, value=value, details=details)


def _focus_nodes(data: Data, shape: Shape) -> Iterator[Term]:
    seen: set[Term] = set()
    for kind, value in shape.targets:
        if kind == "targetClass":
            nodes: Iterable[Term] = data.instances(value)
        elif kind == "targetNode":
            nodes = (value,)
        elif kind == "targetObjectsOf":
            nodes = data.objects_of(value)
        else:
            nodes = data.subjects_of(value)
        for node in nodes:
            if node not in seen:
                seen.add(node)
                yield node


def _with_details(results: Iterable[Result]) -> Iterator[Result]:
    for result in results:
        yield result
        yield from _with_details(result.details)
