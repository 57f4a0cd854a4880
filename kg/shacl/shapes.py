"""The shapes graph, read once into the shapes and constraints this engine evaluates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from .terms import RDF, RDFS, SH, VIOLATION, Term, Unsupported, to_rdflib

__all__ = ["Shape", "Shapes", "SparqlConstraint"]

#: Predicates of a shape that describe it rather than constrain the data.
_DESCRIPTIVE = {RDF + "type", RDFS + "label", RDFS + "comment", SH + "name", SH + "description", SH + "message",
                SH + "severity", SH + "path", SH + "property", SH + "targetClass", SH + "targetNode",
                SH + "targetObjectsOf", SH + "targetSubjectsOf", SH + "order", SH + "group", SH + "defaultValue",
                SH + "flags", SH + "qualifiedMinCount", SH + "qualifiedMaxCount", SH + "sparql"}
_TARGETS = {SH + name for name in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf")}
_CONSTRAINTS = {SH + name for name in (
    "minCount", "maxCount", "datatype", "nodeKind", "in", "pattern", "minLength", "maxLength", "minInclusive",
    "class", "hasValue", "node", "qualifiedValueShape", "lessThan", "or", "and", "xone", "not")}


@dataclass(eq=False)
class SparqlConstraint:
    """A SPARQL-based constraint (``sh:sparql``): its node, its SELECT query and its own messages."""

    node: Term
    select: str
    messages: tuple[rdflib.Literal, ...]


@dataclass(eq=False)
class Shape:
    """A node or property shape: its path, constraints (by component name, in a stable order) and property shapes."""

    node: Term
    path: ox.NamedNode | None
    messages: tuple[rdflib.Literal, ...]
    severity: ox.NamedNode
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
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
        self._shapes: dict[Term, Shape] = {}
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

    def shape(self, node: Term) -> Shape:
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
        severity = self._one(node, SH + "severity") or VIOLATION
        shape = Shape(node=node, path=path, messages=tuple(to_rdflib(m) for m in self._objects(node, SH + "message")),
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
            shape.sparql.append(SparqlConstraint(node=constraint, select=select.value, messages=tuple(
                to_rdflib(m) for m in self._objects(constraint, SH + "message"))))
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
            return to_rdflib(value)
        if name in ("datatype", "class", "lessThan", "nodeKind") and not isinstance(value, ox.NamedNode):
            raise Unsupported(f"sh:{name} {value}")
        return value
