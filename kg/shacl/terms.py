"""Namespaces, Oxigraph terms as pySHACL sees them, and the error raised for what this engine does not evaluate."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyoxigraph as ox
import rdflib

__all__ = ["RDF", "RDFS", "SH", "XSD", "Term", "Unsupported", "literal", "to_rdflib"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = ox.NamedNode(RDF + "type")
SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
DEFAULT = ox.DefaultGraph()
VIOLATION = ox.NamedNode(SH + "Violation")
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
LANG_STRING = RDF + "langString"

Term = Any  # an Oxigraph term


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not evaluate; use pySHACL."""


def to_rdflib(term: Term) -> Any:
    """Return the rdflib term that pySHACL sees for an Oxigraph term (read from N-Triples).

    Raises:
        Unsupported: ``term`` is not a named node, blank node or literal.
    """
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.datatype.value, term.language)
    raise Unsupported(f"term {term!r}")


@lru_cache(maxsize=65536)
def literal(value: str, datatype: str, language: str | None) -> rdflib.Literal:
    """Return the rdflib literal with this lexical form, datatype IRI and language tag."""
    if language:
        return rdflib.Literal(value, lang=language)
    if datatype == XSD_STRING:
        return rdflib.Literal(value)
    return rdflib.Literal(value, datatype=rdflib.URIRef(datatype))
