"""The core constraint components, checked over all the focus nodes of a shape at once.

A shape's focus nodes come with their value nodes as :data:`Pairs`. The count components (minCount, maxCount,
hasValue) look at each focus node's values together; the value components (datatype, nodeKind, in, pattern,
minLength, maxLength, minInclusive, class) test each distinct value node once. Each test follows pySHACL's rules,
ill-typed literals and mixed types included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
import rdflib

from .data import Data
from .terms import LANG_STRING, RDFS, SH, XSD, XSD_INTEGER, XSD_STRING, Term, Unsupported, literal, to_rdflib

__all__ = ["COUNT_COMPONENTS", "VALUE_COMPONENTS", "Pairs", "count_failures", "distinct_values",
           "less_than_failures", "value_test"]

#: Each focus node of a shape with its value nodes: the objects of the shape's path, or the focus node itself.
Pairs = Sequence[tuple[Term, Sequence[Term]]]

#: Components checked on the values of a focus node together.
COUNT_COMPONENTS = frozenset({"minCount", "maxCount", "hasValue"})
#: Components checked on each value node alone.
VALUE_COMPONENTS = frozenset({"datatype", "nodeKind", "in", "pattern", "minLength", "maxLength", "minInclusive",
                              "class"})

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


def count_failures(name: str, parameter: Any, pairs: Pairs) -> Iterator[Term]:
    """Yield the focus nodes whose values break a minCount, maxCount or hasValue constraint."""
    if name == "minCount":
        if parameter > 0:
            yield from (node for node, values in pairs if len(values) < parameter)
    elif name == "maxCount":
        yield from (node for node, values in pairs if len(values) > parameter)
    elif name == "hasValue":
        yield from (node for node, values in pairs if parameter not in values)
    else:
        raise Unsupported(f"sh:{name}")


def distinct_values(pairs: Pairs) -> list[Term]:
    """Return the value nodes of all the focus nodes, each once."""
    return list(dict.fromkeys(value for _node, values in pairs for value in values))


def value_test(name: str, parameter: Any, flags: int, data: Data) -> Callable[[Term], bool]:
    """Return the test one value node must pass for a value component with this parameter.

    Raises:
        Unsupported: ``name`` is not one of :data:`VALUE_COMPONENTS`.
    """
    if name == "datatype":
        return lambda value: datatype_matches(value, parameter.value)
    if name == "nodeKind":
        return lambda value: node_kind(value, parameter.value)
    if name == "in":
        return lambda value: value in parameter
    if name == "pattern":
        regex = re.compile(parameter, flags)
        return lambda value: not isinstance(value, ox.BlankNode) and regex.search(_text(value)) is not None
    if name == "minLength":
        return lambda value: (parameter == 0 if isinstance(value, ox.BlankNode)
                              else len(_text(value)) >= parameter)
    if name == "maxLength":
        return lambda value: not isinstance(value, ox.BlankNode) and len(_text(value)) <= parameter
    if name == "minInclusive":
        return lambda value: min_inclusive(value, parameter)
    if name == "class":
        return lambda value: not isinstance(value, ox.Literal) and data.has_class(value, parameter)
    raise Unsupported(f"sh:{name}")


def less_than_failures(pairs: Pairs, others: Mapping[Term, Sequence[Term]]) -> Iterator[tuple[Term, Term]]:
    """Yield each focus node and value that is not less than every value of the other property (sh:lessThan)."""
    for node, values in pairs:
        bounds = others.get(node)
        if not bounds:
            continue
        for value in values:
            for other in bounds:
                if not less_than(value, other):
                    yield node, value


def datatype_matches(value: Term, datatype: str) -> bool:
    """Return whether pySHACL's sh:datatype accepts ``value`` (same rules, including ill-typed literals)."""
    if not isinstance(value, ox.Literal):
        return False
    actual = value.datatype.value
    if actual == datatype == XSD_STRING and not value.language:
        return True
    if actual == datatype == XSD_INTEGER and _INTEGER.fullmatch(value.value):
        return True
    return _pyshacl_datatype(value.value, actual, value.language, datatype)


@lru_cache(maxsize=65536)
def _pyshacl_datatype(lexical: str, actual: str, language: str | None, rule: str) -> bool:
    parsed = literal(lexical, actual, language)
    datatype, lang = parsed.datatype, parsed.language
    expected = {XSD_STRING: str, LANG_STRING: str, XSD_INTEGER: int, XSD + "float": float,
                XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": date, XSD + "time": time,
                XSD + "dateTime": datetime}

    def actual_type() -> bool:
        kind = expected.get(rule)
        if kind is str:
            return isinstance(parsed.value, str | bytes)
        return True if kind is None else isinstance(parsed.value, kind)

    if datatype is not None and str(datatype) == rule:
        return False if getattr(parsed, "ill_typed", None) is True else actual_type()
    if rule == RDFS + "Literal":
        return True
    if rule == RDFS + "Datatype" and datatype:
        return True
    if datatype is None and lang is None and rule == XSD_STRING:
        return actual_type()
    if rule == LANG_STRING and lang:
        return actual_type()
    return False


def node_kind(value: Term, kind: str) -> bool:
    """Return whether ``value`` is of the sh:nodeKind ``kind``."""
    if isinstance(value, ox.BlankNode):
        return kind in (SH + "BlankNode", SH + "BlankNodeOrLiteral", SH + "BlankNodeOrIRI")
    if isinstance(value, ox.Literal):
        return kind in (SH + "Literal", SH + "BlankNodeOrLiteral", SH + "IRIOrLiteral")
    return kind in (SH + "IRI", SH + "IRIOrLiteral", SH + "BlankNodeOrIRI")


def _text(value: Term) -> str:
    return value.value if isinstance(value, ox.Literal | ox.NamedNode) else str(value)


def _integer(value: Term) -> int | None:
    """Return the number a canonical xsd:integer literal stands for, else ``None``."""
    if isinstance(value, ox.Literal) and value.datatype.value == XSD_INTEGER and _INTEGER.fullmatch(value.value):
        return int(value.value)
    return None


def min_inclusive(value: Term, minimum: rdflib.Literal) -> bool:
    """Return whether pySHACL's sh:minInclusive ``minimum`` accepts ``value``."""
    number = _integer(value)
    if number is not None and isinstance(minimum.value, int) and str(minimum.datatype) == XSD_INTEGER:
        return number >= minimum.value
    from pyshacl.rdfutil import compare

    # pySHACL's own comparison of literals, so that numbers, dates and mixed types compare as it compares them.
    compare_literal: Callable[[rdflib.Literal, rdflib.Literal], int] = compare.compare_literal
    if not isinstance(value, ox.Literal):
        return False
    parsed = to_rdflib(value)
    if isinstance(minimum.value, str) != isinstance(parsed.value, str):
        return False
    try:
        return bool(compare_literal(parsed, minimum) >= 0)
    except (TypeError, NotImplementedError):
        return False


def less_than(value: Term, other: Term) -> bool:
    """Return whether pySHACL's sh:lessThan accepts ``value`` against the other property's value ``other``.

    Raises:
        Unsupported: either is a blank node.
    """
    left, right = _integer(value), _integer(other)
    if left is not None and right is not None:
        return left < right
    if isinstance(value, ox.BlankNode) or isinstance(other, ox.BlankNode):
        raise Unsupported("sh:lessThan on a blank node")
    first, second = _comparable(value), _comparable(other)
    if isinstance(first, str) != isinstance(second, str):
        return False
    try:
        return bool(first < second)
    except TypeError:
        return False


def _comparable(term: Term) -> Any:
    if isinstance(term, ox.NamedNode):
        return term.value
    parsed = to_rdflib(term)
    return parsed.value if isinstance(parsed.value, str) else parsed
