"""What the extractor proposes: claims with the fields of a curated claim, and what else it found."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Entity, Quantity
from ..vocab import Category, CitationStatus, Modality, Polarity
from .lexicon import Candidate

__all__ = ["Extraction", "Proposal", "quantity_text"]


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
    quantity: Quantity | None = None
    attributed_to: str | None = None
    citation: CitationStatus = CitationStatus.NONE
    references: tuple[str, ...] = ()
    condition: str | None = None
    agency: str | None = None
    jurisdiction: str | None = None
    route: str | None = None
    note: str | None = None

    @property
    def key(self) -> tuple[str | int | Polarity | None, ...]:
        """Return what the claim says and where: two proposals with the same key are the same claim."""
        return (self.start, self.end, self.subject, self.predicate, self.object, quantity_text(self.quantity),
                self.polarity)


@dataclass(frozen=True)
class Extraction:
    """What the extractor found in one document.

    ``new_entities`` are the entities the proposals name that ``entities.yaml`` lacks: ontology terms, and
    names read from their form alone (``ent:`` ids), in id order. ``english`` is false for a document that
    does not read as English, which is not read at all.
    """

    document: str
    document_sha256: str
    proposals: tuple[Proposal, ...]
    entities: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    sentences: int
    new_entities: tuple[Entity, ...] = ()
    english: bool = True

    @property
    def message(self) -> str:
        """Return a one-line summary for the person running the extractor."""
        if not self.english:
            return (f"{self.document} does not read as English (too few of its words are common English words): "
                    "nothing proposed, since the extractor's cues are English")
        candidates = (f"; candidate new entities: {', '.join(c.text for c in self.candidates[:12])}"
                      if self.candidates else "")
        if not self.entities:
            return (f"no known entity was found in {self.document}: nothing proposed (add its entities to "
                    f"entities.yaml first){candidates}")
        new = f", {len(self.new_entities)} of them new (proposed)" if self.new_entities else ""
        return (f"{len(self.proposals)} claims proposed from {self.sentences} sentences of {self.document}, "
                f"{len(self.entities)} known entities found{new}{candidates}")


def quantity_text(quantity: Quantity | None) -> str | None:
    """Return a proposal's quantity as written into its key, its id's digest and its sort order.

    The text is fixed: every proposal id with a quantity is a digest of it, so changing it would change the ids
    of proposals already merged into claims files.

    >>> from decimal import Decimal
    >>> quantity_text(Quantity(Decimal("12"), "%"))
    "ProposedQuantity(value='12', unit='%', bound='exactly', population=None, place=None, year=None)"
    """
    if quantity is None:
        return None
    return (f"ProposedQuantity(value={format(quantity.value, 'f')!r}, unit={quantity.unit!r}, "
            f"bound={quantity.bound.value!r}, population={quantity.population!r}, place={quantity.place!r}, "
            f"year={quantity.year!r})")
