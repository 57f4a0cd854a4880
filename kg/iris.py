"""The one place IRIs are minted, and CURIEs expanded or compressed.

Every IRI the project coins is derived from content (a document's SHA-256, a claim's content), never from a
counter or the time, so the same inputs always give the same IRIs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph

from .vocab import BASE, ID, PREFIXES, converter

__all__ = [
    "CURATOR",
    "STATEMENTS_GRAPH",
    "ClaimIris",
    "agent_iri",
    "claim_iri",
    "claim_iris",
    "claim_key",
    "compress",
    "content_hash",
    "dataset_iri",
    "document_iri",
    "expand",
    "key_of",
    "link_iri",
    "nanopub_iri",
    "owner_iri",
    "partition_iri",
    "staging_graph_iri",
]

CURATOR = ID + "agent/"

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9._-]*):(\S+)$")
_SCHEMES = ("http://", "https://", "urn:", "mailto:")

_DOCUMENT = f"{ID}doc/"
_LINK = "/link/"
_CLAIM = f"{ID}claim/"
_NANOPUB = f"{ID}np/"
#: What follows the statement node's IRI in the IRIs of its parts, and the nanopublication's in its graphs'.
_STATEMENT_PARTS = {"node": "", "quantity": "/quantity", "anchor": "/anchor", "quote": "/anchor/quote",
                    "position": "/anchor/position", "annotation": "/annotation"}
_NANOPUB_PARTS = {"nanopub": "", "head": "/head", "assertion": "/assertion", "provenance": "/provenance",
                  "pubinfo": "/pubinfo"}


def _one_of(suffixes: Iterable[str]) -> str:
    return "|".join(re.escape(suffix) for suffix in sorted(suffixes, key=len, reverse=True))


_STATEMENT_PART = f"{re.escape(_CLAIM)}([^/]+)(?:{_one_of(_STATEMENT_PARTS.values())})"
_CLAIM_PART = re.compile(f"{_STATEMENT_PART}|{re.escape(_NANOPUB)}([^/]+)(?:{_one_of(_NANOPUB_PARTS.values())})")
#: An IRI of the statement view that hangs under a claim's node or a document's IRI: a part, or a link.
_HANGING = re.compile(f"{_STATEMENT_PART}|({re.escape(_DOCUMENT)}[^/]+){re.escape(_LINK)}[^/]+")


def expand(reference: str) -> str:
    """Return the IRI for a CURIE (``CHEBI:6121``) or a full IRI (``<https://...>`` or ``https://...``).

    >>> expand("CHEBI:6121")
    'http://purl.obolibrary.org/obo/CHEBI_6121'

    Raises:
        ValueError: the prefix is unknown or the IRI is malformed; the message says how to fix it.
    """
    text = reference.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif not text.startswith(_SCHEMES):
        match = _CURIE.match(text)
        if not match:
            raise ValueError(f"{reference!r} is neither a CURIE (PREFIX:ID) nor an IRI: write e.g. CHEBI:6121 "
                             "or <https://example.org/thing>")
        prefix = match.group(1)
        if prefix not in PREFIXES:
            known = ", ".join(sorted(PREFIXES, key=str.lower))
            raise ValueError(f"unknown prefix {prefix!r} in {reference!r}: use one of {known}, or write the "
                             "full IRI in angle brackets")
        text = converter.expand(text, strict=True)
    if not text.startswith(_SCHEMES):
        raise ValueError(f"malformed IRI {reference!r}: an IRI starts with a scheme such as https://")
    try:
        pyoxigraph.NamedNode(text)
    except ValueError as err:
        raise ValueError(f"malformed IRI {reference!r} ({err}): remove spaces and characters like <>\"{{}}|^`"
                         ) from None
    return text


def compress(iri: str) -> str:
    """Return the CURIE of an IRI when the prefix map knows it, else the IRI itself."""
    return converter.compress(iri) or iri


def content_hash(*parts: object, length: int = 16) -> str:
    """Return a short, stable hex digest of JSON-serialisable parts."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:length]


def document_iri(sha256: str) -> str:
    """Return a document's IRI, derived from the SHA-256 of its text."""
    return f"{_DOCUMENT}{sha256[:16]}"


def link_iri(document_sha256: str, url: str, start: int) -> str:
    """Return the IRI of an outbound link found at ``start`` in a document."""
    return f"{document_iri(document_sha256)}{_LINK}{content_hash(url, start, length=12)}"


def claim_key(document_sha256: str, start: int, end: int, subject: str, predicate: str,
              obj: str | None, quantity: Iterable[object] | None, polarity: str) -> str:
    """Return the content key of a claim: what it says, where, in which text."""
    return content_hash(document_sha256, start, end, subject, predicate, obj,
                        list(quantity) if quantity is not None else None, polarity)


def claim_iri(key: str) -> str:
    """Return the IRI of a claim's statement node.

    >>> claim_iri("0123456789abcdef")
    'https://w3id.org/cekg/id/claim/0123456789abcdef'
    """
    return f"{_CLAIM}{key}"


def nanopub_iri(key: str) -> str:
    """Return the IRI of a claim's nanopublication (its graphs are in :class:`ClaimIris`).

    >>> nanopub_iri("0123456789abcdef")
    'https://w3id.org/cekg/id/np/0123456789abcdef'
    """
    return f"{_NANOPUB}{key}"


@dataclass(frozen=True)
class ClaimIris:
    """Every IRI that belongs to one claim, made from its content key by :func:`claim_iris`.

    Attributes:
        key: the claim's content key (see :func:`claim_key`).
        node: the statement node.
        quantity: the structured quantity (used when the claim's object is one).
        anchor: the Web Annotation anchor (a ``oa:SpecificResource`` of the document).
        quote: the anchor's text quote selector.
        position: the anchor's text position selector.
        annotation: the Web Annotation whose target is the anchor and whose body is the statement node.
        nanopub: the nanopublication.
        head: the nanopublication's head graph.
        assertion: its assertion graph.
        provenance: its provenance graph.
        pubinfo: its publication-info graph.
    """

    key: str
    node: str
    quantity: str
    anchor: str
    quote: str
    position: str
    annotation: str
    nanopub: str
    head: str
    assertion: str
    provenance: str
    pubinfo: str

    @property
    def statement_subjects(self) -> tuple[str, ...]:
        """Return the subjects of the claim's statement view: the node, its quantity, anchor, selectors and
        annotation."""
        return self.node, self.quantity, self.anchor, self.quote, self.position, self.annotation

    @property
    def graphs(self) -> tuple[str, ...]:
        """Return the nanopublication's four graphs: head, assertion, provenance, publication info."""
        return self.head, self.assertion, self.provenance, self.pubinfo


def claim_iris(key: str) -> ClaimIris:
    """Return every IRI of the claim whose content key is *key*.

    >>> parts = claim_iris("0123456789abcdef")
    >>> parts.quote
    'https://w3id.org/cekg/id/claim/0123456789abcdef/anchor/quote'
    >>> parts.pubinfo
    'https://w3id.org/cekg/id/np/0123456789abcdef/pubinfo'
    """
    node, nanopub = claim_iri(key), nanopub_iri(key)
    return ClaimIris(key=key, **{name: node + suffix for name, suffix in _STATEMENT_PARTS.items()},
                     **{name: nanopub + suffix for name, suffix in _NANOPUB_PARTS.items()})


def key_of(iri: str) -> str:
    """Return the content key of the claim that *iri* belongs to (any IRI of its :class:`ClaimIris`).

    >>> key_of("https://w3id.org/cekg/id/claim/0123456789abcdef/anchor/position")
    '0123456789abcdef'
    >>> key_of("https://w3id.org/cekg/id/np/0123456789abcdef/head")
    '0123456789abcdef'
    >>> key_of("https://w3id.org/cekg/id/doc/0123456789abcdef")
    Traceback (most recent call last):
    ...
    ValueError: 'https://w3id.org/cekg/id/doc/0123456789abcdef' is not the IRI of a claim or of one of its parts ...

    Raises:
        ValueError: *iri* is not a claim's statement node, nanopublication, or one of their parts.
    """
    match = _CLAIM_PART.fullmatch(iri)
    if match is None:
        raise ValueError(f"{iri!r} is not the IRI of a claim or of one of its parts (statement node, quantity, "
                         f"anchor, selectors, nanopublication and its graphs): such IRIs start with {_CLAIM} "
                         f"or {_NANOPUB}")
    return match.group(1) or match.group(2)


def owner_iri(iri: str) -> str:
    """Return the statement node of the claim, or the document, that *iri* is a part of; else *iri* itself.

    The parts of a claim in the statement view are its quantity, anchor and selectors; those of a document, its
    outbound links.

    >>> owner_iri("https://w3id.org/cekg/id/claim/0123456789abcdef/anchor/quote")
    'https://w3id.org/cekg/id/claim/0123456789abcdef'
    >>> owner_iri("https://w3id.org/cekg/id/doc/0123456789abcdef/link/0123456789ab")
    'https://w3id.org/cekg/id/doc/0123456789abcdef'
    >>> owner_iri("http://purl.obolibrary.org/obo/CHEBI_6121")
    'http://purl.obolibrary.org/obo/CHEBI_6121'
    """
    match = _HANGING.fullmatch(iri)
    if match is None:
        return iri
    return claim_iri(match.group(1)) if match.group(1) else match.group(2)


def agent_iri(name: str) -> str:
    """Return the IRI of a curator or tool, from its name."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unknown"
    return CURATOR + slug


def dataset_iri(*parts: str) -> str:
    """Return the IRI of the dataset's VoID description, or of a part of it (a view, a partition, a distribution).

    >>> dataset_iri("distribution", "trig")
    'https://w3id.org/cekg/id/dataset/distribution/trig'
    """
    return "/".join((f"{ID}dataset", *parts))


def partition_iri(scope: str, kind: str, iri: str) -> str:
    """Return the IRI of a VoID class or property partition of *scope* for the class or property *iri*."""
    return f"{scope}/{kind}/{content_hash(iri, length=12)}"


#: The named graph that holds the statement view on a server that ``kg push`` fills, unless told otherwise.
STATEMENTS_GRAPH = f"{BASE}graph/statements"


def staging_graph_iri(target: str) -> str:
    """Return the graph a push fills before it takes the place of *target* (a graph IRI)."""
    return f"{target}/staging"
