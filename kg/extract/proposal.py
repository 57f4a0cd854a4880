"""What the extractor proposes: claims with the fields of a curated claim, and what else it found."""

from __future__ import annotations

from dataclasses import dataclass

from ..vocab import Category, CitationStatus, Modality, Polarity
from .lexicon import Candidate

__all__ = ["Extraction", "Proposal", "ProposedQuantity"]


@dataclass(frozen=True)
class ProposedQuantity:
    """A structured number, as a curated claim's ``quantity`` (value as digits, place as a CURIE)."""

    value: str
    unit: str | None = None
    bound: str = "exactly"
    population: str | None = None
    place: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Proposal:
    """A proposed claim: the fields of a curated claim, with entities and predicates as CURIEs."""

    id: str
    document: str
    category: Category
    subject: str
    predicate: str
    quote: str
    start: int
    end: int
    polarity: Polarity = Polarity.AFFIRMED
    modality: Modality = Modality.ASSERTED
    cues: tuple[str, ...] = ()
    object: str | None = None
    quantity: ProposedQuantity | None = None
    attributed_to: str | None = None
    citation: CitationStatus = CitationStatus.NONE
    references: tuple[str, ...] = ()
    condition: str | None = None
    agency: str | None = None
    jurisdiction: str | None = None
    route: str | None = None
    note: str | None = None

    @property
    def key(self) -> tuple[str | int | ProposedQuantity | Polarity | None, ...]:
        """Return what the claim says and where: two proposals with the same key are the same claim."""
        return (self.start, self.end, self.subject, self.predicate, self.object, self.quantity, self.polarity)


@dataclass(frozen=True)
class Extraction:
    """What the extractor found in one document."""

    document: str
    document_sha256: str
    proposals: tuple[Proposal, ...]
    entities: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    sentences: int

    @property
    def message(self) -> str:
        """Return a one-line summary for the person running the extractor."""
        candidates = (f"; candidate new entities: {', '.join(c.text for c in self.candidates[:12])}"
                      if self.candidates else "")
        if not self.entities:
            return (f"no known entity was found in {self.document}: nothing proposed (add its entities to "
                    f"entities.yaml first){candidates}")
        return (f"{len(self.proposals)} claims proposed from {self.sentences} sentences of {self.document}, "
                f"{len(self.entities)} known entities found{candidates}")
