"""The one reader of the statement view: entities, documents and claims read back from a store as records.

The records (:class:`EntityRecord`, :class:`DocumentRecord`, :class:`ClaimRecord` with its
its :class:`~kg.model.Quantity`) carry what the default graph says about each entity, document and claim, read one node
at a time by quad pattern (an index lookup each, no query to plan). The exports (KGX, Neo4j, GraphML) and the
pages of :mod:`kg.viz` are built from them; nothing else reads claims back from a store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import pyoxigraph as ox

from ..errors import StoreError
from ..iris import claim_iris, compress, key_of
from ..model import Quantity
from ..vocab import (
    BIOLINK,
    CEKG,
    PREFIXES,
    Bound,
    Category,
    CitationStatus,
    CurationMethod,
    DocumentKind,
    Modality,
    Polarity,
    _Term,
)

__all__ = ["RELATED_TO", "ClaimRecord", "DocumentRecord", "EntityRecord", "StatementView"]

_DEFAULT = ox.DefaultGraph()
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS, SKOS, DCTERMS, OA = PREFIXES["rdfs"], PREFIXES["skos"], PREFIXES["dcterms"], PREFIXES["oa"]
XSD = PREFIXES["xsd"]

#: Where the ontology maps a claim predicate to several Biolink predicates equally closely, the first of these
#: wins, so that an edge never says more than the claim; the others are then taken in the order of their names.
_GENERAL_FIRST = (BIOLINK + "affects", BIOLINK + "studied_to_treat", BIOLINK + "has_adverse_event")
_MAPPING_RANK = {RDFS + "subPropertyOf": 0, SKOS + "exactMatch": 0, SKOS + "closeMatch": 1, SKOS + "broadMatch": 2}
RELATED_TO = BIOLINK + "related_to"

E = TypeVar("E", bound=_Term)


@dataclass(frozen=True)
class EntityRecord:
    """An entity of the statement view: its label, Biolink categories and links to other identifiers."""

    iri: str
    label: str
    categories: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    description: str | None = None
    exact_matches: tuple[str, ...] = ()
    close_matches: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentRecord:
    """A document of the statement view, without its text."""

    iri: str
    identifier: str
    title: str
    kind: DocumentKind | None = None
    sha256: str | None = None
    media_type: str | None = None
    source: str | None = None
    date: str | None = None
    retrieved: str | None = None
    rights: str | None = None


@dataclass(frozen=True)
class ClaimRecord:
    """A claim statement node with its facets, anchor quote and links."""

    iri: str
    identifier: str
    category: Category
    subject: str
    predicate: str
    polarity: Polarity
    modality: Modality
    citation: CitationStatus
    curation: CurationMethod
    document: str
    object: str | None = None
    quantity: Quantity | None = None
    cues: tuple[str, ...] = ()
    attributed_to: str | None = None
    evidence: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    qualifiers: tuple[tuple[str, str], ...] = ()
    route: str | None = None
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    status: str = "accepted"
    supports: tuple[str, ...] = ()
    challenges: tuple[str, ...] = ()
    note: str | None = None
    nanopublication: str | None = None

    @property
    def quantity_iri(self) -> str | None:
        """Return the node of the claim's quantity, or None when its object is an entity."""
        return claim_iris(key_of(self.iri)).quantity if self.quantity else None


_Facts = dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]


class StatementView:
    """Reads entities, documents and claims from the default graph of a store."""

    def __init__(self, store: ox.Store, *, by_node: bool = False) -> None:
        """Read ``store``; with ``by_node``, each node's facts are looked up on their own (for a few nodes of a
        large store) instead of whole property columns (for all of them)."""
        self.store = store
        self.by_node = by_node
        self._labels: dict[str, str] | None = None
        self._columns: dict[str, _Facts] = {}

    def _facts(self, node: str) -> _Facts:
        facts: _Facts = defaultdict(list)
        for quad in self.store.quads_for_pattern(ox.NamedNode(node), None, None, _DEFAULT):
            facts[quad.predicate.value].append(quad.object)
        return facts

    def _column(self, prop: str) -> _Facts:
        """Return the values of ``prop`` for every subject, read in one pass and kept."""
        if prop not in self._columns:
            column: _Facts = defaultdict(list)
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(prop), None, _DEFAULT):
                if isinstance(quad.subject, ox.NamedNode):
                    column[quad.subject.value].append(quad.object)
            self._columns[prop] = column
        return self._columns[prop]

    def _some_facts(self, node: str, props: Iterable[str]) -> _Facts:
        """Return the facts of ``node`` for ``props`` only, from their columns.

        A claim's anchor and its two selectors carry more than the claim needs (a prefix, a suffix, the source);
        reading the few properties wanted for all nodes at once decodes a fraction of the quads that reading
        each node whole would.
        """
        if self.by_node:
            return {prop: [q.object for q in self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(prop),
                                                                          None, _DEFAULT)] for prop in props}
        return {prop: self._column(prop).get(node, []) for prop in props}

    def values(self, node: str, prop: str) -> list[str]:
        """Return the values of one property of one node (IRIs and literals as text), sorted."""
        found = self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(prop), None, _DEFAULT)
        return sorted(_text(quad.object) for quad in found)

    def has(self, node: str, prop: str, value: str) -> bool:
        """Return whether the node's ``prop`` is the IRI ``value``."""
        found = self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(prop), ox.NamedNode(value), _DEFAULT)
        return next(iter(found), None) is not None

    def english_label(self, iri: str) -> str | None:
        """Return the English label of one IRI, chosen as :meth:`english_labels` chooses."""
        best: tuple[bool, str] | None = None
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), None, _DEFAULT):
            label = quad.object
            if not isinstance(label, ox.Literal):
                continue
            language = (label.language or "").lower()
            if language and language != "en" and not language.startswith("en-"):
                continue
            rank = (bool(language), label.value)
            best = rank if best is None or rank < best else best
        return best[1] if best else None

    def document(self, iri: str) -> DocumentRecord:
        """Return one document, without reading its text."""
        def first(prop: str) -> str | None:
            values = self.values(iri, prop)
            return values[0] if values else None

        kind = first(CEKG + "documentKind")
        return DocumentRecord(
            iri=iri, identifier=first(DCTERMS + "identifier") or compress(iri),
            title=first(DCTERMS + "title") or compress(iri), kind=_member(DocumentKind, kind),
            sha256=first(CEKG + "sha256"), media_type=first(DCTERMS + "format"), source=first(DCTERMS + "source"),
            date=first(DCTERMS + "date"), retrieved=first(CEKG + "dateRetrieved"), rights=first(DCTERMS + "rights"))

    def _instances(self, cls: str) -> list[str]:
        found = self.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), _DEFAULT)
        return sorted({quad.subject.value for quad in found if isinstance(quad.subject, ox.NamedNode)})

    def entities(self) -> list[EntityRecord]:
        """Return every entity, by IRI."""
        records = []
        for iri in self._instances(CEKG + "Entity"):
            facts = self._facts(iri)
            records.append(EntityRecord(
                iri=iri,
                label=_first(facts, RDFS + "label") or compress(iri),
                categories=tuple(sorted(v for v in _iris(facts, RDF_TYPE) if v.startswith(BIOLINK))),
                synonyms=_strings(facts, SKOS + "altLabel"),
                description=_first(facts, SKOS + "definition"),
                exact_matches=_iris(facts, SKOS + "exactMatch"),
                close_matches=_iris(facts, SKOS + "closeMatch"),
                broader=_iris(facts, SKOS + "broader"),
            ))
        return records

    def documents(self) -> list[DocumentRecord]:
        """Return every document, by IRI."""
        records = []
        for iri in self._instances(CEKG + "Document"):
            facts = self._facts(iri)
            kind = _first_iri(facts, CEKG + "documentKind")
            records.append(DocumentRecord(
                iri=iri,
                identifier=_first(facts, DCTERMS + "identifier") or compress(iri),
                title=_first(facts, DCTERMS + "title") or compress(iri),
                kind=_member(DocumentKind, kind),
                sha256=_first(facts, CEKG + "sha256"),
                media_type=_first(facts, DCTERMS + "format"),
                source=_first(facts, DCTERMS + "source"),
                date=_first(facts, DCTERMS + "date"),
                retrieved=_first(facts, CEKG + "dateRetrieved"),
                rights=_first(facts, DCTERMS + "rights"),
            ))
        return records

    def labels(self) -> dict[str, str]:
        """Return the label of every entity and document, by IRI."""
        if self._labels is None:
            labels = {entity.iri: entity.label for entity in self.entities()}
            labels.update((document.iri, document.title) for document in self.documents())
            self._labels = labels
        return self._labels

    def label(self, iri: str) -> str | None:
        """Return the ``rdfs:label`` of any resource of the default graph (the first, if it has several)."""
        return _first(self._facts(iri), RDFS + "label")

    def english_labels(self) -> dict[str, str]:
        """Return the English label of every IRI of the default graph that has one, by IRI.

        A label without a language tag is taken over one tagged English (``en``, ``en-GB`` ...); labels in other
        languages are left out; of several equally good labels, the first in sorted order.
        """
        found: dict[str, tuple[bool, str]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None, _DEFAULT):
            term, label = quad.subject, quad.object
            if not isinstance(term, ox.NamedNode) or not isinstance(label, ox.Literal):
                continue
            language = (label.language or "").lower()
            if language and language != "en" and not language.startswith("en-"):
                continue
            rank = (bool(language), label.value)
            if term.value not in found or rank < found[term.value]:
                found[term.value] = rank
        return {iri: label for iri, (_, label) in found.items()}

    def document_text(self, iri: str) -> str:
        """Return the text of a document (``cekg:text``), or ``""`` when the store has none."""
        return _first(self._facts(iri), CEKG + "text") or ""

    def claim_identifiers(self) -> dict[str, str]:
        """Return the identifier (``dcterms:identifier``) of every claim, by IRI."""
        claims = set(self.claim_iris())
        found = self.store.quads_for_pattern(None, ox.NamedNode(DCTERMS + "identifier"), None, _DEFAULT)
        return {quad.subject.value: quad.object.value for quad in found
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal)
                and quad.subject.value in claims}

    def claim_iris(self) -> list[str]:
        """Return the IRI of every claim, sorted."""
        return self._instances(CEKG + "Claim")

    def claims(self, iris: Iterable[str] | None = None) -> Iterator[ClaimRecord]:
        """Yield each claim (those given, or all of them, by IRI).

        Raises:
            StoreError: a claim lacks a required facet or has a value this version does not know; the store was
                built by another version.
        """
        for iri in self.claim_iris() if iris is None else iris:
            yield self._claim(iri, self._facts(iri))

    def _claim(self, iri: str, facts: _Facts) -> ClaimRecord:
        def required(prop: str) -> str:
            value = _first(facts, CEKG + prop)
            if value is None:
                raise StoreError(f"claim {iri} has no cekg:{prop}: rebuild the store with `kg build`")
            return value

        def facet(prop: str, enum: type[E]) -> E:
            value = required(prop)
            try:
                return enum.from_iri(value)
            except ValueError:
                raise StoreError(f"claim {iri} has an unknown cekg:{prop} {value}: rebuild the store with `kg build`"
                                 ) from None

        quantity = None
        quantity_iri = _first_iri(facts, CEKG + "quantity")
        if quantity_iri:
            q = self._facts(quantity_iri)
            year = _first(q, CEKG + "year")
            quantity = Quantity(value=_decimal(iri, _required_of(q, "value", quantity_iri)),
                                unit=_first(q, CEKG + "unit"),
                                bound=_member(Bound, _first_iri(q, CEKG + "bound")) or Bound.EXACTLY,
                                population=_first(q, CEKG + "populationDescription"),
                                place=_first_iri(q, CEKG + "place"),
                                year=int(year) if year and year.lstrip("-").isdigit() else None)
        quote = start = end = None
        anchor = _first_iri(facts, CEKG + "anchor")
        if anchor:
            for selector in _iris(self._some_facts(anchor, (OA + "hasSelector",)), OA + "hasSelector"):
                selected = self._some_facts(selector, (OA + "exact", OA + "start", OA + "end"))
                quote = quote or _first(selected, OA + "exact")
                start = start if start is not None else _integer(_first(selected, OA + "start"))
                end = end if end is not None else _integer(_first(selected, OA + "end"))
        qualifiers = tuple((key, value) for key in ("condition", "agency", "jurisdiction", "population")
                           for value in _iris(facts, CEKG + key))
        return ClaimRecord(
            iri=iri,
            identifier=_first(facts, DCTERMS + "identifier") or compress(iri),
            category=facet("category", Category),
            subject=required("subject"),
            predicate=required("predicate"),
            polarity=facet("polarity", Polarity),
            modality=facet("modality", Modality),
            citation=facet("citationStatus", CitationStatus),
            curation=facet("curationMethod", CurationMethod),
            document=required("assertedBy"),
            object=_first_iri(facts, CEKG + "object"),
            quantity=quantity,
            cues=_strings(facts, CEKG + "cue"),
            attributed_to=_first_iri(facts, CEKG + "attributedTo"),
            evidence=_iris(facts, CEKG + "evidence"),
            references=tuple(sorted(_text(v) for v in facts.get(DCTERMS + "references", ()))),
            qualifiers=qualifiers,
            route=_first(facts, CEKG + "route"),
            quote=quote,
            start=start,
            end=end,
            status=_first(facts, CEKG + "status") or "accepted",
            supports=_iris(facts, CEKG + "supports"),
            challenges=_iris(facts, CEKG + "challenges"),
            note=_first(facts, RDFS + "comment"),
            nanopublication=_first_iri(facts, CEKG + "nanopublication"),
        )

    def subjects_of(self, prop: str, value: str) -> list[str]:
        """Return the nodes whose ``prop`` is the IRI ``value``, sorted (e.g. the claims about an entity)."""
        found = self.store.quads_for_pattern(None, ox.NamedNode(prop), ox.NamedNode(value), _DEFAULT)
        return sorted({quad.subject.value for quad in found if isinstance(quad.subject, ox.NamedNode)})

    def promotional_links(self) -> dict[str, tuple[str, ...]]:
        """Return the outbound links marked promotional (``cekg:promotional true``), by document IRI."""
        promotional = {_text(quad.subject) for quad in self.store.quads_for_pattern(
            None, ox.NamedNode(CEKG + "promotional"), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
            _DEFAULT)}
        found: dict[str, list[str]] = defaultdict(list)
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(CEKG + "outboundLink"), None, _DEFAULT):
            if _text(quad.object) in promotional:
                found[_text(quad.subject)].append(_text(quad.object))
        return {document: tuple(sorted(links)) for document, links in sorted(found.items())}

    def predicate_labels(self) -> dict[str, str]:
        """Return the label of every claim predicate the ontology defines, by IRI."""
        return {iri: _first(self._facts(iri), RDFS + "label") or compress(iri)
                for iri in self._instances(CEKG + "ClaimPredicate")}

    def biolink_predicates(self) -> dict[str, str]:
        """Return the Biolink predicate for each claim predicate, from the ontology's mappings.

        A sub-property or exact match is taken first, then a close match, then a broad match (the Biolink term is
        broader, so it still holds); a claim predicate with none of them maps to ``biolink:related_to``.
        """
        mapping = {}
        for iri in self._instances(CEKG + "ClaimPredicate"):
            facts = self._facts(iri)
            candidates = sorted(
                (rank, _GENERAL_FIRST.index(target) if target in _GENERAL_FIRST else len(_GENERAL_FIRST), target)
                for prop, rank in _MAPPING_RANK.items() for target in _iris(facts, prop)
                if target.startswith(BIOLINK))
            mapping[iri] = candidates[0][2] if candidates else RELATED_TO
        return mapping


def _member(enum: type[E], iri: str | None) -> E | None:
    """Return the member of ``enum`` named by ``iri``; None when there is no IRI or this version does not know it."""
    if iri is None:
        return None
    try:
        return enum.from_iri(iri)
    except ValueError:
        return None


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else str(term)


def _first(facts: _Facts, prop: str) -> str | None:
    values = sorted(_text(v) for v in facts.get(prop, ()))
    return values[0] if values else None


def _first_iri(facts: _Facts, prop: str) -> str | None:
    values = _iris(facts, prop)
    return values[0] if values else None


def _iris(facts: _Facts, prop: str) -> tuple[str, ...]:
    return tuple(sorted(v.value for v in facts.get(prop, ()) if isinstance(v, ox.NamedNode)))


def _strings(facts: _Facts, prop: str) -> tuple[str, ...]:
    return tuple(sorted(v.value for v in facts.get(prop, ()) if isinstance(v, ox.Literal)))


def _required_of(facts: _Facts, prop: str, node: str) -> str:
    value = _first(facts, CEKG + prop)
    if value is None:
        raise StoreError(f"{node} has no cekg:{prop}: rebuild the store with `kg build`")
    return value


def _decimal(claim: str, value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise StoreError(f"claim {claim} has a quantity whose cekg:value {value!r} is not a number: rebuild the "
                         "store with `kg build`") from None


def _integer(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None
