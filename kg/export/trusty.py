"""Trusty URIs of nanopublications: the artifact code (module RA) of a nanopublication's normalised quads.

A trusty URI ends in an artifact code: ``RA`` (the module: RDF graphs, with graph names) and the SHA-256 of the
nanopublication's normalised quads in URL-safe Base64 without padding, 45 characters in all. It is computed on the
nanopublication *with a space where the code goes*: the normal form of an IRI that holds the code is the IRI with
the code replaced by a space (``https://w3id.org/cekg/id/np/KEY/ #head``), as the reference implementation
(trustyuri-java, ported in nanopub-py, and the nanopub Rust toolkit) does when it checks one.

The normal form of a set of quads, one entry per distinct quad, in order:

- each quad is four lines: its graph, subject, predicate and object, each followed by ``\\n``;
- an IRI is written as it is (with the code replaced by a space); a literal as ``^DATATYPE VALUE``, or
  ``@lang VALUE`` with the language tag in lower case, where a backslash in the value is doubled and a line break
  written ``\\n``;
- quads are sorted by graph, then subject, then predicate (IRIs compared as their normal forms, byte by byte in
  UTF-8), then object: IRIs before literals, IRIs by their normal form, literals by value, then datatype (a
  language-tagged literal first), then language.

That order is trustyuri-java's, as nanopub-py ports it. The nanopub Rust toolkit orders the literal objects of one
subject and predicate by datatype before value (typed before language-tagged), so the two differ only where one
subject and predicate of a graph have literals of several datatypes or languages, which no nanopublication of this
project has (docs/exporting.md).

Blank nodes have no normal form: a nanopublication of this project has none (its nodes are IRIs derived from
content), and one that had would be refused.

>>> quads = [Quad(NamedNode("https://example.org/np/1/ #assertion"), NamedNode("https://example.org/thing"),
...               NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("a\\\\b", language="EN"))]
>>> print(normal_form(quads), end="")
https://example.org/np/1/ #assertion
https://example.org/thing
http://www.w3.org/2000/01/rdf-schema#label
@en a\\\\b
>>> artifact_code(quads)
'RAVVTSSwuqQ41BeOdRfB7qzIV23vje18zBu3KNfGh_DP8'
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CODE_LENGTH", "Literal", "NamedNode", "Quad", "Term", "artifact_code", "normal_form", "replace_code"]

#: The length of an artifact code of module RA: ``RA`` and 43 Base64 characters (256 bits).
CODE_LENGTH = 45
#: Where the code goes while it is being computed: a space, as in the normal form.
PLACEHOLDER = " "
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_CODE = re.compile(r"RA[A-Za-z0-9_-]{43}")


@dataclass(frozen=True, order=True)
class NamedNode:
    """An IRI, which may hold the placeholder (a space) where the artifact code goes."""

    value: str


@dataclass(frozen=True)
class Literal:
    """A literal: its lexical value, and its datatype or its language tag (then of datatype ``rdf:langString``)."""

    value: str
    datatype: str = _XSD_STRING
    language: str | None = None


Term = NamedNode | Literal


@dataclass(frozen=True)
class Quad:
    """A statement of a nanopublication: every nanopublication statement is in one of its named graphs."""

    graph: NamedNode
    subject: NamedNode
    predicate: NamedNode
    object: Term


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _line(term: Term) -> str:
    if isinstance(term, NamedNode):
        if "\n" in term.value or "\t" in term.value:
            raise ValueError(f"an IRI holds a line break or a tab, which has no normal form: {term.value!r}")
        return term.value + "\n"
    if term.language is not None:
        return f"@{term.language.lower()} {_escaped(term.value)}\n"
    return f"^{term.datatype} {_escaped(term.value)}\n"


def _object_key(term: Term) -> tuple[int, bytes, bytes, bytes]:
    if isinstance(term, NamedNode):
        return 0, term.value.encode(), b"", b""
    # A language-tagged literal has no datatype in this order (it sorts before typed literals of the same value).
    datatype = b"" if term.language is not None else term.datatype.encode()
    return 1, term.value.encode(), datatype, (term.language or "").encode()


def _key(quad: Quad) -> tuple[bytes, bytes, bytes, tuple[int, bytes, bytes, bytes]]:
    return (quad.graph.value.encode(), quad.subject.value.encode(), quad.predicate.value.encode(),
            _object_key(quad.object))


def normal_form(quads: Iterable[Quad]) -> str:
    """Return the normal form of quads whose IRIs hold a space where the artifact code goes (see the module)."""
    out: list[str] = []
    previous = None
    for quad in sorted(quads, key=_key):
        entry = "".join(_line(term) for term in (quad.graph, quad.subject, quad.predicate, quad.object))
        if entry != previous:
            out.append(entry)
        previous = entry
    return "".join(out)


def artifact_code(quads: Iterable[Quad]) -> str:
    """Return the artifact code (module RA) of quads whose IRIs hold a space where the code goes."""
    digest = hashlib.sha256(normal_form(quads).encode("utf-8")).digest()
    return "RA" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def replace_code(quads: Iterable[Quad], code: str) -> list[Quad]:
    """Return the quads with the placeholder (a space) in every IRI replaced by the artifact code *code*.

    >>> quad = Quad(NamedNode("https://e.org/np/ #head"), NamedNode("https://e.org/np/ "),
    ...             NamedNode("https://e.org/p"), Literal("a b"))
    >>> replace_code([quad], "RA" + "x" * 43)[0].subject.value == "https://e.org/np/RA" + "x" * 43
    True

    Raises:
        ValueError: *code* is not an artifact code of module RA.
    """
    if _CODE.fullmatch(code) is None:
        raise ValueError(f"{code!r} is not an artifact code of module RA (RA and 43 Base64url characters)")

    def swap(node: NamedNode) -> NamedNode:
        return NamedNode(node.value.replace(PLACEHOLDER, code))

    return [Quad(swap(q.graph), swap(q.subject), swap(q.predicate),
                 swap(q.object) if isinstance(q.object, NamedNode) else q.object) for q in quads]
