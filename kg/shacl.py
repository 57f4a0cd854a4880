"""SHACL validation of the statement view, fast: the shapes' constraints checked on Oxigraph's indexes.

pySHACL takes about 17 ms a claim on the shipped shapes (half an hour for 100,000 claims), most of it in rdflib.
This module evaluates the same shapes on an Oxigraph store: the values of each property are read once, a
predicate at a time, SPARQL-based constraints run in Oxigraph with ``$this`` pre-bound (to all the focus nodes
of a shape at once where the query allows it), and the report is built the way pySHACL builds it (focus node,
path, value, source shape and component, severity, messages, with pySHACL's message templating), so that the
results, and the problems made of them, are the same. The tests compare both engines' reports on the corpus and
on broken graphs.

It covers the SHACL features the shipped shapes use: targets (class, node, objects of, subjects of), simple
property paths, and the constraints minCount, maxCount, datatype, nodeKind, in, pattern (with flags),
minLength, maxLength, minInclusive, class, hasValue, node, qualifiedValueShape, lessThan, or, and, xone, not and
sh:sparql. Shapes using anything else raise :class:`Unsupported`, and the caller falls back to pySHACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import rdflib

__all__ = ["Result", "Shapes", "Unsupported", "ValidationReport", "report_graph", "validate"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = ox.NamedNode(RDF + "type")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_DEFAULT = ox.DefaultGraph()
_VIOLATION = ox.NamedNode(SH + "Violation")
_XSD_STRING = XSD + "string"
_LANG_STRING = RDF + "langString"
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)

#: Predicates of a shape that describe it rather than constrain the data.
_DESCRIPTIVE = {RDF + "type", RDFS + "label", RDFS + "comment", SH + "name", SH + "description", SH + "message",
                SH + "severity", SH + "path", SH + "property", SH + "targetClass", SH + "targetNode",
                SH + "targetObjectsOf", SH + "targetSubjectsOf", SH + "order", SH + "group", SH + "defaultValue",
                SH + "flags", SH + "qualifiedMinCount", SH + "qualifiedMaxCount", SH + "sparql"}
_TARGETS = {SH + name for name in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf")}
_CONSTRAINTS = {SH + name for name in (
    "minCount", "maxCount", "datatype", "nodeKind", "in", "pattern", "minLength", "maxLength", "minInclusive",
    "class", "hasValue", "node", "qualifiedValueShape", "lessThan", "or", "and", "xone", "not")}


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not evaluate; use pySHACL."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL reports it."""

    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    shape: ox.NamedNode | ox.BlankNode
    component: str
    severity: ox.NamedNode
    messages: tuple[rdflib.Literal, ...]
    path: ox.NamedNode | None = None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None = None
    constraint: ox.NamedNode | ox.BlankNode | None = None
    #: For sh:node, the results of the value node against the other shape (pySHACL's sh:detail).
    details: tuple[Result, ...] = ()


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`."""

    conforms: bool
    results: Sequence[Result]


# Shapes -----------------------------------------------------------------------------------------------------------


Term = Any  # an Oxigraph term


@dataclass(eq=False)
class _Sparql:
    node: Term
    select: str
    messages: tuple[rdflib.Literal, ...]


@dataclass(eq=False)
class _Shape:
    node: Term
    path: ox.NamedNode | None
    messages: tuple[rdflib.Literal, ...]
    severity: ox.NamedNode
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    sparql: list[_Sparql] = field(default_factory=list)
    targets: list[tuple[str, Term]] = field(default_factory=list)
    qualified: tuple[int | None, int | None] = (None, None)
    flags: int = 0


class Shapes:
    """A shapes graph read for this engine.

    Raises:
        Unsupported: the shapes use a feature this engine does not evaluate.
    """

    def __init__(self, path: Path) -> None:
        self._index: dict[Term, dict[str, list[Term]]] = {}
        with path.open("rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
                self._index.setdefault(triple.subject, {}).setdefault(triple.predicate.value, []).append(
                    triple.object)
        self.prefixes = self._prefixes()
        self._shapes: dict[Term, _Shape] = {}
        #: The shapes with targets, where validation starts.
        self.roots = [self.shape(node) for node, props in self._index.items() if _TARGETS & props.keys()]

    def _objects(self, node: Term, predicate: str) -> list[Term]:
        return self._index.get(node, {}).get(predicate, [])

    def _one(self, node: Term, predicate: str) -> Term | None:
        values = self._objects(node, predicate)
        if len(values) > 1:
            raise Unsupported(f"{node} has more than one {predicate}")
        return values[0] if values else None

    def _list(self, node: Term) -> list[Term]:
        items = []
        while node != ox.NamedNode(RDF + "nil"):
            first = self._one(node, RDF + "first")
            if first is None:
                raise Unsupported(f"{node} is not an RDF list")
            items.append(first)
            node = self._one(node, RDF + "rest")
        return items

    def _prefixes(self) -> dict[str, str]:
        prefixes = {}
        for declarations in (self._objects(node, SH + "declare") for node in self._index):
            for declaration in declarations:
                prefix, namespace = self._one(declaration, SH + "prefix"), self._one(declaration, SH + "namespace")
                if prefix is not None and namespace is not None:
                    prefixes[prefix.value] = namespace.value
        return prefixes

    def shape(self, node: Term) -> _Shape:
        """Return the shape at ``node``, read once."""
        if node in self._shapes:
            return self._shapes[node]
        path = self._one(node, SH + "path")
        if path is not None and not isinstance(path, ox.NamedNode):
            raise Unsupported(f"the path of {node} is not a single predicate")
        props = self._index.get(node, {})
        for predicate in props:
            if predicate.startswith(SH) and predicate not in _DESCRIPTIVE and predicate not in _CONSTRAINTS \
                    and predicate != SH + "declare":
                raise Unsupported(f"{predicate} on {node}")
        if SH + "qualifiedValueShapesDisjoint" in props or SH + "deactivated" in props:
            raise Unsupported(f"{node} uses sh:qualifiedValueShapesDisjoint or sh:deactivated")
        severity = self._one(node, SH + "severity") or _VIOLATION
        shape = _Shape(node=node, path=path, messages=tuple(_rdflib(m) for m in self._objects(node, SH + "message")),
                       severity=severity)
        self._shapes[node] = shape
        for kind in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf"):
            shape.targets += [(kind, value) for value in self._objects(node, SH + kind)]
        flags = self._one(node, SH + "flags")
        if flags is not None:
            shape.flags = (re.I if "i" in flags.value.lower() else 0) | (re.M if "m" in flags.value.lower() else 0)
        for predicate in sorted(props):
            if predicate not in _CONSTRAINTS:
                continue
            name = predicate[len(SH):]
            for value in props[predicate]:
                shape.constraints.append((name, self._parameter(name, value)))
        if SH + "qualifiedValueShape" in props:
            low, high = self._one(node, SH + "qualifiedMinCount"), self._one(node, SH + "qualifiedMaxCount")
            shape.qualified = (int(low.value) if low else None, int(high.value) if high else None)
        shape.properties = [self.shape(p) for p in self._objects(node, SH + "property")]
        for constraint in self._objects(node, SH + "sparql"):
            select = self._one(constraint, SH + "select")
            if select is None or self._objects(constraint, SH + "deactivated"):
                raise Unsupported(f"SPARQL constraint {constraint} without sh:select, or deactivated")
            shape.sparql.append(_Sparql(node=constraint, select=select.value, messages=tuple(
                _rdflib(m) for m in self._objects(constraint, SH + "message"))))
        return shape

    def _parameter(self, name: str, value: Term) -> Any:
        if name in ("node", "qualifiedValueShape", "not"):
            return self.shape(value)
        if name in ("or", "and", "xone"):
            return [self.shape(item) for item in self._list(value)]
        if name == "in":
            return frozenset(self._list(value))
        if name in ("minCount", "maxCount", "minLength", "maxLength"):
            return int(value.value)
        if name == "pattern":
            return value.value
        if name == "minInclusive":
            return _rdflib(value)
        if name in ("datatype", "class", "lessThan", "nodeKind") and not isinstance(value, ox.NamedNode):
            raise Unsupported(f"sh:{name} {value}")
        return value


# Terms ------------------------------------------------------------------------------------------------------------


def _rdflib(term: Term) -> Any:
    """Return the rdflib term that pySHACL sees for an Oxigraph term (read from N-Triples)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.datatype.value, term.language)
    raise Unsupported(f"term {term!r}")


@lru_cache(maxsize=65536)
def _literal(value: str, datatype: str, language: str | None) -> rdflib.Literal:
    if language:
        return rdflib.Literal(value, lang=language)
    if datatype == _XSD_STRING:
        return rdflib.Literal(value)
    return rdflib.Literal(value, datatype=rdflib.URIRef(datatype))


def _datatype_matches(value: Term, datatype: str) -> bool:
    """Return whether pySHACL's sh:datatype accepts ``value`` (same rules, including ill-typed literals)."""
    if not isinstance(value, ox.Literal):
        return False
    actual = value.datatype.value
    if actual == datatype == _XSD_STRING and not value.language:
        return True
    if actual == datatype == XSD + "integer" and _INTEGER.fullmatch(value.value):
        return True
    return _pyshacl_datatype(value.value, actual, value.language, datatype)


@lru_cache(maxsize=65536)
def _pyshacl_datatype(lexical: str, actual: str, language: str | None, rule: str) -> bool:
    from datetime import date, datetime, time

    literal = _literal(lexical, actual, language)
    datatype, lang = literal.datatype, literal.language
    expected = {XSD + "string": str, _LANG_STRING: str, XSD + "integer": int, XSD + "float": float,
                XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": date, XSD + "time": time,
                XSD + "dateTime": datetime}

    def actual_type() -> bool:
        kind = expected.get(rule)
        if kind is str:
            return isinstance(literal.value, str | bytes)
        return True if kind is None else isinstance(literal.value, kind)

    if datatype is not None and str(datatype) == rule:
        return False if getattr(literal, "ill_typed", None) is True else actual_type()
    if rule == RDFS + "Literal":
        return True
    if rule == RDFS + "Datatype" and datatype:
        return True
    if datatype is None and lang is None and rule == _XSD_STRING:
        return actual_type()
    if rule == _LANG_STRING and lang:
        return actual_type()
    return False


def _node_kind(value: Term, kind: str) -> bool:
    if isinstance(value, ox.BlankNode):
        return kind in (SH + "BlankNode", SH + "BlankNodeOrLiteral", SH + "BlankNodeOrIRI")
    if isinstance(value, ox.Literal):
        return kind in (SH + "Literal", SH + "BlankNodeOrLiteral", SH + "IRIOrLiteral")
    return kind in (SH + "IRI", SH + "IRIOrLiteral", SH + "BlankNodeOrIRI")


def _text(value: Term) -> str:
    return value.value if isinstance(value, ox.Literal | ox.NamedNode) else str(value)


def _min_inclusive(value: Term, minimum: rdflib.Literal) -> bool:
    from pyshacl.rdfutil import compare

    # pySHACL's own comparison of literals, so that numbers, dates and mixed types compare as it compares them.
    compare_literal: Callable[[rdflib.Literal, rdflib.Literal], int] = compare.compare_literal
    if not isinstance(value, ox.Literal):
        return False
    literal = _rdflib(value)
    if isinstance(minimum.value, str) != isinstance(literal.value, str):
        return False
    try:
        return bool(compare_literal(literal, minimum) >= 0)
    except (TypeError, NotImplementedError):
        return False


def _less_than(value: Term, other: Term) -> bool:
    if isinstance(value, ox.BlankNode) or isinstance(other, ox.BlankNode):
        raise Unsupported("sh:lessThan on a blank node")
    left, right = _comparable(value), _comparable(other)
    if isinstance(left, str) != isinstance(right, str):
        return False
    try:
        return bool(left < right)
    except TypeError:
        return False


def _comparable(term: Term) -> Any:
    if isinstance(term, ox.NamedNode):
        return term.value
    literal = _rdflib(term)
    return literal.value if isinstance(literal.value, str) else literal


# The data ---------------------------------------------------------------------------------------------------------


class _Data:
    """The default graph of a store, read a predicate at a time."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._by_predicate: dict[ox.NamedNode, dict[Term, list[Term]]] = {}
        self._superclasses: dict[Term, frozenset[Term]] = {}
        self._instances: dict[Term, list[Term]] | None = None

    def values(self, node: Term, predicate: ox.NamedNode) -> Sequence[Term]:
        index = self._by_predicate.get(predicate)
        if index is None:
            index = {}
            for quad in self.store.quads_for_pattern(None, predicate, None, _DEFAULT):
                index.setdefault(quad.subject, []).append(quad.object)
            self._by_predicate[predicate] = index
        return index.get(node, ())

    def objects_of(self, predicate: ox.NamedNode) -> Iterator[Term]:
        self.values(None, predicate)
        for objects in self._by_predicate[predicate].values():
            yield from objects

    def subjects_of(self, predicate: ox.NamedNode) -> Iterable[Term]:
        self.values(None, predicate)
        return self._by_predicate[predicate].keys()

    def superclasses(self, cls: Term) -> frozenset[Term]:
        """Return the class and every class it is a subclass of (rdfs:subClassOf*)."""
        found = self._superclasses.get(cls)
        if found is None:
            seen = {cls}
            todo = [cls]
            while todo:
                for parent in self.values(todo.pop(), _SUBCLASS):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._superclasses[cls] = frozenset(seen)
        return found

    def has_class(self, node: Term, cls: Term) -> bool:
        return any(cls in self.superclasses(t) for t in self.values(node, _TYPE))

    def instances(self, cls: Term) -> list[Term]:
        if self._instances is None:
            self._instances = {}
            self.values(None, _TYPE)
            for node, types in self._by_predicate[_TYPE].items():
                for found in {c for t in types for c in self.superclasses(t)}:
                    self._instances.setdefault(found, []).append(node)
        return self._instances.get(cls, [])


# Evaluation -------------------------------------------------------------------------------------------------------


class _Validator:
    def __init__(self, shapes: Shapes, data: _Data) -> None:
        self.shapes = shapes
        self.data = data
        self._conforms: dict[tuple[int, Term], bool] = {}
        self._roots = {id(shape) for shape in shapes.roots}
        #: The solutions of a root shape's SPARQL constraint for all its focus nodes, by focus node.
        self._batches: dict[tuple[int, int], dict[Term, list[dict[str, Term]]]] = {}

    def conforms(self, node: Term, shape: _Shape) -> bool:
        key = (id(shape), node)
        found = self._conforms.get(key)
        if found is None:
            found = self._conforms[key] = not any(True for _ in self.results(node, shape))
        return found

    def results(self, focus: Term, shape: _Shape) -> Iterator[Result]:
        """Yield the results of one shape on one focus node (its property shapes' too)."""
        values: Sequence[Term] = self.data.values(focus, shape.path) if shape.path is not None else (focus,)
        for name, parameter in shape.constraints:
            yield from self._constraint(focus, shape, name, parameter, values)
        for constraint in shape.sparql:
            yield from self._sparql(focus, shape, constraint)
        for prop in shape.properties:
            yield from self.results(focus, prop)

    def _result(self, focus: Term, shape: _Shape, component: str, value: Term | None = None,
                details: tuple[Result, ...] = ()) -> Result:
        return Result(focus=focus, shape=shape.node, component=SH + component, severity=shape.severity,
                      messages=shape.messages, path=shape.path, value=value, details=details)

    def _constraint(self, focus: Term, shape: _Shape, name: str, parameter: Any, values: Sequence[Term]
                    ) -> Iterator[Result]:
        component = name[0].upper() + name[1:] + "ConstraintComponent"
        if name == "minCount":
            if parameter > 0 and len(values) < parameter:
                yield self._result(focus, shape, component)
        elif name == "maxCount":
            if len(values) > parameter:
                yield self._result(focus, shape, component)
        elif name == "hasValue":
            if parameter not in values:
                yield self._result(focus, shape, component)
        elif name == "qualifiedValueShape":
            low, high = shape.qualified
            count = sum(1 for v in values if self.conforms(v, parameter))
            if high is not None and count > high:
                yield self._result(focus, shape, "QualifiedMaxCountConstraintComponent")
            if low is not None and count < low:
                yield self._result(focus, shape, "QualifiedMinCountConstraintComponent")
        elif name == "node":
            for value in values:
                details = tuple(self.results(value, parameter))
                if details:
                    yield self._result(focus, shape, component, value, details)
        elif name == "lessThan":
            others = self.data.values(focus, parameter)
            for value in values:
                for other in others:
                    if not _less_than(value, other):
                        yield self._result(focus, shape, component, value)
        else:
            for value in values:
                if not self._accepts(name, parameter, value, shape):
                    yield self._result(focus, shape, component, value)

    def _accepts(self, name: str, parameter: Any, value: Term, shape: _Shape) -> bool:
        if name == "datatype":
            return _datatype_matches(value, parameter.value)
        if name == "nodeKind":
            return _node_kind(value, parameter.value)
        if name == "in":
            return value in parameter
        if name == "pattern":
            if isinstance(value, ox.BlankNode):
                return False
            return _regex(parameter, shape.flags).search(_text(value)) is not None
        if name in ("minLength", "maxLength"):
            if isinstance(value, ox.BlankNode):
                return name == "minLength" and parameter == 0
            length = len(_text(value))
            return bool(length >= parameter if name == "minLength" else length <= parameter)
        if name == "minInclusive":
            return _min_inclusive(value, parameter)
        if name == "class":
            return not isinstance(value, ox.Literal) and self.data.has_class(value, parameter)
        if name == "not":
            return not self.conforms(value, parameter)
        if name == "or":
            return any(self.conforms(value, s) for s in parameter)
        if name == "and":
            return all(self.conforms(value, s) for s in parameter)
        if name == "xone":
            return sum(1 for s in parameter if self.conforms(value, s)) == 1
        raise Unsupported(f"sh:{name}")

    def _sparql(self, focus: Term, shape: _Shape, constraint: _Sparql) -> Iterator[Result]:
        if re.search(r"[$?](PATH|currentShape|shapesGraph)\b", constraint.select):
            raise Unsupported("SPARQL constraints using $PATH, $currentShape or $shapesGraph")
        result_value = None if shape.path is not None else focus
        seen: list[tuple[Any, ...]] = []
        failed = False
        for row in self._solutions(shape, constraint, focus):
            bound = dict(row)
            if bound.pop("failure", None) is not None:
                if not failed:
                    failed = True
                    yield self._sparql_result(focus, shape, constraint, None, None, result_value, {})
                continue
            path, value, this = bound.pop("path", None), bound.pop("value", None), bound.pop("this", None)
            if path is None and value is None and this is None:
                continue
            key = (this, path, value, sorted(bound.items(), key=lambda item: item[0]))
            if key in seen:
                continue
            seen.append(key)
            yield self._sparql_result(this or focus, shape, constraint, this, path,
                                      value if value is not None else result_value, bound)

    def _solutions(self, shape: _Shape, constraint: _Sparql, focus: Term) -> list[dict[str, Term]]:
        """Return the solutions of a SPARQL constraint for one focus node, each as its bound variables.

        The constraint of a shape with targets is run once for all its focus nodes when its query allows it
        (see :func:`_batchable`): one query instead of one per focus node (for the 30 claim predicates of
        10,000 claims, 0.07 s instead of 1.8 s).
        """
        if id(shape) in self._roots and isinstance(focus, ox.NamedNode) and _batchable(constraint.select):
            key = (id(shape), id(constraint))
            batch = self._batches.get(key)
            if batch is None:
                batch = self._batches[key] = self._batch(shape, constraint)
            if focus in batch:
                return batch[focus]
        return _rows(self._select(constraint, (focus,)))

    def _batch(self, shape: _Shape, constraint: _Sparql) -> dict[Term, list[dict[str, Term]]]:
        nodes = [node for node in _focus_nodes(self.data, shape) if isinstance(node, ox.NamedNode)]
        batch: dict[Term, list[dict[str, Term]]] = {node: [] for node in nodes}
        for start in range(0, len(nodes), _BATCH):
            for row in _rows(self._select(constraint, nodes[start:start + _BATCH])):
                batch[row["this"]].append(row)
        return batch

    def _select(self, constraint: _Sparql, focus: Sequence[Term]) -> ox.QuerySolutions:
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
                solutions = self.data.store.query(query, prefixes=self.shapes.prefixes)
            else:
                (node,) = focus
                solutions = self.data.store.query(constraint.select, prefixes=self.shapes.prefixes,
                                                  substitutions={ox.Variable("this"): node})
        except (RuntimeError, SyntaxError) as err:  # Oxigraph pre-binds only variables that are selected
            raise Unsupported(f"{constraint.node}: {err}") from err
        return cast(ox.QuerySolutions, solutions)  # a SELECT query

    def _sparql_result(self, focus: Term, shape: _Shape, constraint: _Sparql, this: Term | None,
                       path: Term | None, value: Term | None, bound: Mapping[str, Term]) -> Result:
        variables = {name: _rdflib(term) for name, term in bound.items()}
        for name, term in (("this", this), ("path", path), ("value", value)):
            if term is not None:
                variables[name] = _rdflib(term)
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


#: How many focus nodes one batched SPARQL query binds.
_BATCH = 2000
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_PROJECTION = re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?([$?]\w+\s+)*[$?]this\b", re.IGNORECASE)
#: Keywords after which the solutions of one query over many focus nodes may differ from those of one query each.
_NOT_BATCHABLE = re.compile(r"\b(GROUP|HAVING|ORDER|LIMIT|OFFSET|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b",
                            re.IGNORECASE)


def _batchable(select: str) -> bool:
    """Return whether ``select`` gives, with ``$this`` bound to many nodes, the union of its one-node solutions.

    True of a single query that selects ``$this`` and has no aggregate, grouping, ordering or slicing: its WHERE
    group joins the VALUES clause with the rest, so each solution keeps the focus node it was found for.
    """
    return (len(_SELECT.findall(select)) == 1 and _PROJECTION.search(select) is not None
            and _NOT_BATCHABLE.search(select) is None)


def _rows(solutions: ox.QuerySolutions) -> list[dict[str, Term]]:
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in solutions]


@lru_cache(maxsize=256)
def _regex(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _format(message: str, variables: Mapping[str, Any]) -> str:
    # As pySHACL does it, replacement text and all.
    for name, value in variables.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _focus_nodes(data: _Data, shape: _Shape) -> Iterator[Term]:
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


def validate(store: ox.Store, shapes: Shapes) -> ValidationReport:
    """Validate the default graph of ``store`` against ``shapes``.

    Raises:
        Unsupported: the shapes, or a result, need a feature this engine does not have; use pySHACL.
    """
    data = _Data(store)
    validator = _Validator(shapes, data)
    results = [result for shape in shapes.roots for focus in _focus_nodes(data, shape)
               for result in validator.results(focus, shape)]
    for result in _with_details(results):
        if not result.messages:  # pySHACL would write one of its own
            raise Unsupported(f"a result of {result.shape} has no sh:message")
    return ValidationReport(conforms=all(r.severity != _VIOLATION for r in results), results=results)


def _with_details(results: Iterable[Result]) -> Iterator[Result]:
    for result in results:
        yield result
        yield from _with_details(result.details)


def report_graph(report: ValidationReport) -> rdflib.Graph:
    """Return the report as pySHACL writes it: a ``sh:ValidationReport`` with one ``sh:result`` per result."""
    sh = rdflib.Namespace(SH)
    graph = rdflib.Graph()
    graph.bind("sh", sh)
    node = rdflib.BNode()
    graph.add((node, rdflib.RDF.type, sh.ValidationReport))
    graph.add((node, sh.conforms, rdflib.Literal(report.conforms)))
    for result in report.results:
        graph.add((node, sh.result, _add_result(graph, result)))
    return graph


def _add_result(graph: rdflib.Graph, result: Result) -> rdflib.BNode:
    sh = rdflib.Namespace(SH)
    item = rdflib.BNode()
    graph.add((item, rdflib.RDF.type, sh.ValidationResult))
    graph.add((item, sh.sourceConstraintComponent, rdflib.URIRef(result.component)))
    graph.add((item, sh.sourceShape, _rdflib(result.shape)))
    graph.add((item, sh.resultSeverity, _rdflib(result.severity)))
    graph.add((item, sh.focusNode, _rdflib(result.focus)))
    if result.value is not None:
        graph.add((item, sh.value, _rdflib(result.value)))
    if result.path is not None:
        graph.add((item, sh.resultPath, _rdflib(result.path)))
    if result.constraint is not None:
        graph.add((item, sh.sourceConstraint, _rdflib(result.constraint)))
    for message in result.messages:
        graph.add((item, sh.resultMessage, message))
    for detail in result.details:
        graph.add((item, sh.detail, _add_result(graph, detail)))
    return item
