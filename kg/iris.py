"""The one place IRIs are minted, and CURIEs expanded or compressed.

Every IRI the project coins is derived from content (a document's SHA-256, a claim's content), never from a
counter or the time, so the same inputs always give the same IRIs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

import pyoxigraph

from .vocab import BASE, ID, PREFIXES, converter

__all__ = [
    "CURATOR",
    "agent_iri",
    "claim_iri",
    "claim_key",
    "compress",
    "content_hash",
    "document_iri",
    "expand",
    "link_iri",
    "nanopub_iri",
]

CURATOR = ID + "agent/"

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9._-]*):(\S+)$")
_SCHEMES = ("http://", "https://", "urn:", "mailto:")


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
    return f"{ID}doc/{sha256[:16]}"


def link_iri(document_sha256: str, url: str, start: int) -> str:
    """Return the IRI of an outbound link found at ``start`` in a document."""
    return f"{document_iri(document_sha256)}/link/{content_hash(url, start, length=12)}"


def claim_key(document_sha256: str, start: int, end: int, subject: str, predicate: str,
              obj: str | None, quantity: Iterable[object] | None, polarity: str) -> str:
    """Return the content key of a claim: what it says, where, in which text."""
    return content_hash(document_sha256, start, end, subject, predicate, obj,
                        list(quantity) if quantity is not None else None, polarity)


def claim_iri(key: str) -> str:
    """Return the IRI of a claim's statement node."""
    return f"{ID}claim/{key}"


def nanopub_iri(key: str) -> str:
    """Return the IRI of a claim's nanopublication; its graphs are ``/head``, ``/assertion``, ..."""
    return f"{ID}np/{key}"


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
