"""RDF terms for parameters and results: parsing user values, and converting between libraries.

pyoxigraph terms are the common currency: rdflib results and SPARQL JSON results are turned into them, so every
backend gives the same rows.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError
from ..iris import compress, expand

__all__ = ["Term", "from_json", "from_rdflib", "parse_value", "short", "to_json", "to_rdflib", "unescape"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal
XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPED = {"integer": (r"[+-]?\d+", "integer"), "decimal": (r"[+-]?(\d+\.?\d*|\.\d+)", "decimal"),
          "date": (r"\d{4}-\d{2}-\d{2}", "date"), "boolean": (r"true|false", "boolean")}
_LITERAL = re.compile(r'^"(?P<value>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?P<dt>\S+))?$',
                      re.DOTALL)


def parse_value(raw: str, kind: str | None = None, *, name: str = "value") -> Term:
    r"""Return the RDF term a user wrote for a parameter.

    With a declared ``kind`` the value is read as that type; without one it is read as an IRI (``<...>``,
    ``http(s)://...`` or a CURIE with a known prefix), a quoted literal (``"text"``, ``"text"@en``,
    ``"1"^^xsd:integer``), a number, ``true``/``false``, or else a plain string.

    >>> parse_value("CHEBI:6121", "iri")
    <NamedNode value=http://purl.obolibrary.org/obo/CHEBI_6121>

    A quoted value's escapes are read as SPARQL's, and any other character is kept (once garbled as ``cafÃ©``):

    >>> parse_value(r'"café\n"', "string").value
    'café\n'
    >>> term = parse_value(r'"café\n \u00e0 \"Paris\""@fr')
    >>> term.value, term.language
    ('café\n à "Paris"', 'fr')

    Raises:
        QueryError: the value is not a valid term of that type.
    """
    try:
        if kind == "iri":
            return ox.NamedNode(expand(raw))
        if kind == "string":
            return ox.Literal(_unquote(raw))
        if kind in _TYPED:
            pattern, datatype = _TYPED[kind]
            if not re.fullmatch(pattern, raw.strip()):
                raise QueryError(f"parameter {name}: {raw!r} is not a valid {kind}")
            return ox.Literal(raw.strip(), datatype=ox.NamedNode(XSD + datatype))
        if kind is not None:
            raise QueryError(f"parameter {name}: unknown type {kind!r}")
        return _infer(raw)
    except ValueError as err:
        if isinstance(err, QueryError):
            raise
        raise QueryError(f"parameter {name}: {err}") from None


def _unquote(raw: str) -> str:
    match = _LITERAL.match(raw)
    if match and not match.group("lang") and not match.group("dt"):
        return unescape(match.group("value"))
    return raw


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def unescape(text: str) -> str:
    r"""Return the text of a quoted literal with its escapes read as SPARQL reads them (``\n``, ``\"``, ``\u00e9``).

    Every other character is kept as it is, whatever its script; so is a backslash before a letter that is no
    escape (``C:\data``).

    >>> unescape(r"caf\u00e9 and café\n\"quoted\"")
    'café and café\n"quoted"'
    >>> unescape(r"C:\data")
    'C:\\data'
    """
    def replace(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code:
            return chr(int(code, 16))
        return _ECHARS.get(match.group(3), match.group(0))

    return _ESCAPE.sub(replace, text)


def _infer(raw: str) -> Term:
    text = raw.strip()
    match = _LITERAL.match(text)
    if match:
        value = unescape(match.group("value"))
        if match.group("lang"):
            return ox.Literal(value, language=match.group("lang"))
        if match.group("dt"):
            return ox.Literal(value, datatype=ox.NamedNode(expand(match.group("dt"))))
        return ox.Literal(value)
    if (text.startswith("<") and text.endswith(">")) or text.startswith(("http://", "https://", "urn:")):
        return ox.NamedNode(expand(text))
    curie = re.match(r"^([A-Za-z][A-Za-z0-9._-]*):\S+$", text)
    if curie:
        return ox.NamedNode(expand(text))
    for kind in ("integer", "decimal", "boolean", "date"):
        pattern, datatype = _TYPED[kind]
        if re.fullmatch(pattern, text):
            return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(raw)


def from_rdflib(term: Any) -> Term | None:
    """Convert an rdflib term (or None) to a pyoxigraph term."""
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"unexpected rdflib term {term!r}")


def to_rdflib(term: Term) -> Any:
    """Convert a pyoxigraph term to rdflib."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == XSD + "string" else rdflib.URIRef(datatype))


def from_json(binding: dict[str, str]) -> Term:
    """Convert one SPARQL 1.1 JSON results binding to a term."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):
        if binding.get("xml:lang"):
            return ox.Literal(value, language=binding["xml:lang"])
        datatype = binding.get("datatype")
        return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)
    raise ValueError(f"unknown binding type {kind!r}")


def to_json(term: Term) -> dict[str, str]:
    """Convert a term to a SPARQL 1.1 JSON results binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    if term.datatype.value == XSD + "string":
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def short(term: Term | None) -> str:
    """Return a term for people: a CURIE where the prefix map knows the IRI, a literal's text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compress(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value
