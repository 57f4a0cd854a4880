"""SHACL validation of the statement view, fast: the shapes' constraints checked on Oxigraph's indexes.

pySHACL takes about 17 ms a claim on the shipped shapes (half an hour for 100,000 claims), most of it in rdflib.
This package evaluates the same shapes on an Oxigraph store, each shape once over all its focus nodes: the
values of each property are read once, a predicate at a time, each constraint is checked over every focus node
and each distinct value together, SPARQL-based constraints run in Oxigraph with ``$this`` pre-bound (to many
focus nodes at once where the query allows it), and a result is built only for a violation, the way pySHACL
builds it (focus node, path, value, source shape and component, severity, messages, with pySHACL's message
templating), so that the results, and the problems made of them, are the same. The tests compare both engines'
reports on the corpus and on broken graphs.

It covers the SHACL features the shipped shapes use: targets (class, node, objects of, subjects of), simple
property paths, and the constraints minCount, maxCount, datatype, nodeKind, in, pattern (with flags),
minLength, maxLength, minInclusive, class, hasValue, node, qualifiedValueShape, lessThan, or, and, xone, not and
sh:sparql. Shapes using anything else raise :class:`Unsupported`, and the caller falls back to pySHACL.

Modules: :mod:`~kg.shacl.shapes` reads the shapes graph, :mod:`~kg.shacl.data` the data graph,
:mod:`~kg.shacl.constraints` checks the core constraints, :mod:`~kg.shacl.sparql` the SPARQL-based ones,
:mod:`~kg.shacl.engine` evaluates the shapes and :mod:`~kg.shacl.report` writes the report.
"""

from .engine import validate
from .report import Result, ValidationReport, report_graph
from .shapes import Shapes
from .terms import Unsupported

__all__ = ["Result", "Shapes", "Unsupported", "ValidationReport", "report_graph", "validate"]
