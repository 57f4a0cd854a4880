"""Validation results and the report graph, as pySHACL writes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

from .terms import SH, to_rdflib

__all__ = ["Result", "ValidationReport", "report_graph"]


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
    """The outcome of :func:`kg.shacl.validate`."""

    conforms: bool
    results: Sequence[Result]


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
    graph.add((item, sh.sourceShape, to_rdflib(result.shape)))
    graph.add((item, sh.resultSeverity, to_rdflib(result.severity)))
    graph.add((item, sh.focusNode, to_rdflib(result.focus)))
    if result.value is not None:
        graph.add((item, sh.value, to_rdflib(result.value)))
    if result.path is not None:
        graph.add((item, sh.resultPath, to_rdflib(result.path)))
    if result.constraint is not None:
        graph.add((item, sh.sourceConstraint, to_rdflib(result.constraint)))
    for message in result.messages:
        graph.add((item, sh.resultMessage, message))
    for detail in result.details:
        graph.add((item, sh.detail, _add_result(graph, detail)))
    return item
