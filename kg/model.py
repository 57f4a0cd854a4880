"""The domain model: documents, entities and claims as plain frozen dataclasses, free of RDF.

IRIs appear here only as strings already expanded from CURIEs; :mod:`kg.build` turns the model into RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .vocab import Bound, Category, CitationStatus, CurationMethod, DocumentKind, EntityType, Modality, Polarity

__all__ = ["Anchor", "Claim", "Curation", "Document", "Entity", "Link", "Location", "Quantity"]


@dataclass(frozen=True)
class Location:
    """Where something was written: a file and a 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Link:
    """An outbound link found in a document's text."""

    url: str
    start: int
    end: int
    promotional: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class Document:
    """A document as added to the data folder: its exact text and its metadata.

    ``sha256`` is the hash recorded when the document was added; ``text_sha256`` is the hash of the text as it
    is on disk now. They differ when the text was edited afterwards.
    """

    id: str
    title: str
    kind: DocumentKind
    sha256: str
    text: str
    text_sha256: str
    media_type: str = "text/plain"
    source: str | None = None
    date: str | None = None
    retrieved: str | None = None
    licence: str | None = None
    original: str | None = None
    links: tuple[Link, ...] = ()
    location: Location | None = None


@dataclass(frozen=True)
class Entity:
    """A thing claims are about: a drug, a condition, an agency, a place."""

    iri: str
    curie: str
    label: str
    type: EntityType
    synonyms: tuple[str, ...] = ()
    description: str | None = None
    exact_matches: tuple[str, ...] = ()
    close_matches: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    location: Location | None = None


@dataclass(frozen=True)
class Quantity:
    """A number a claim reports, with what it counts and how it bounds the truth."""

    value: Decimal
    unit: str | None = None
    bound: Bound = Bound.EXACTLY
    population: str | None = None
    place: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Anchor:
    """Where a claim's words are in its document (Web Annotation text quote and position selectors)."""

    quote: str
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Curation:
    """Who put a claim into the claims file, how and when."""

    method: CurationMethod = CurationMethod.MANUAL
    curator: str = "unknown curator"
    date: str | None = None
    tool: str | None = None


@dataclass(frozen=True)
class Claim:
    """One claim a document makes, anchored to its words.

    Exactly one of ``object`` and ``quantity`` is set. Qualifiers (``condition``, ``agency``, ``jurisdiction``,
    ``population``, ``route``) narrow what the claim says; ``attributed_to`` is the agent the document reports
    as the claim's source, ``None`` when the document asserts it itself.
    """

    id: str
    document: str
    document_sha256: str
    category: Category
    subject: str
    predicate: str
    anchor: Anchor
    polarity: Polarity
    modality: Modality
    citation: CitationStatus
    curation: Curation
    object: str | None = None
    quantity: Quantity | None = None
    cues: tuple[str, ...] = ()
    attributed_to: str | None = None
    references: tuple[str, ...] = ()
    condition: str | None = None
    agency: str | None = None
    jurisdiction: str | None = None
    population: str | None = None
    route: str | None = None
    supports: tuple[str, ...] = ()
    challenges: tuple[str, ...] = ()
    note: str | None = None
    status: str = "accepted"
    location: Location | None = field(default=None, compare=False)
