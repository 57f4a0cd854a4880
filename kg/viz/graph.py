"""View graphs read from the store: entities, claims, and one document's claims.

Everything comes from the statement view (the default graph), read by :mod:`kg.sparql.claims`: claim nodes with
their facets and anchors, documents with their text, entities with their labels and types. Filters given by the
caller are checked against the vocabulary and the store first, so a misspelt category or an unknown document is
an error, not an empty page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import Option, UsageError
from ..extract.sentences import sentence_around
from ..iris import compress
from ..model import Quantity
from ..sparql.claims import ClaimRecord, EntityRecord, StatementView
from ..vocab import BIOLINK, Bound, Category, EntityType, Modality, Polarity
from .model import ClaimInfo, View, ViewEdge, ViewGraph, ViewNode

__all__ = ["StoreClaim", "StoreClaims", "claim_view", "entity_view", "load_claims", "parse_categories",
           "parse_modalities"]

_QUALIFIERS = {"condition": "Condition", "agency": "Agency", "jurisdiction": "Jurisdiction",
               "population": "Population"}


@dataclass
class StoreClaim:
    """One claim of the store as the views draw it: its record, what the panel shows (``info``), and its edge.

    ``verb`` is the predicate's label without "is claimed" ("to reduce the frequency of" becomes "reduce the
    frequency of"); ``sources`` counts the documents that make the same claim.
    """

    record: ClaimRecord
    info: ClaimInfo
    verb: str
    object_label: str
    sources: int = 1

    @property
    def key(self) -> str:
        """Return the key of the claim in a view: the IRI of its statement node."""
        return self.record.iri

    @property
    def target(self) -> str:
        """Return the node the claim points at: its object entity, else its quantity."""
        return self.record.object or self.record.quantity_iri or ""


@dataclass
class StoreClaims:
    """Every claim of the store with what the views need to draw it."""

    claims: list[StoreClaim]
    labels: dict[str, str]
    kinds: dict[str, str]
    documents: dict[str, tuple[str, str]]  # IRI to (id, title)
    quantities: dict[str, str] = field(default_factory=dict)  # IRI to a label

    @property
    def by_key(self) -> dict[str, StoreClaim]:
        """Return the claims by key (the IRI of their statement node)."""
        return {claim.key: claim for claim in self.claims}

    def label(self, iri: str) -> str:
        """Return the English label of an IRI, else its CURIE."""
        return self.labels.get(iri) or compress(iri)


def parse_categories(values: Iterable[str] | None) -> set[str] | None:
    """Return the category spellings asked for, or None for all.

    Raises:
        UsageError: a value is not a category; the message lists them.

    >>> sorted(parse_categories(["Adverse effect", "efficacy"]))
    ['adverse-effect', 'efficacy']
    """
    return _parse(values, Category, "category")


def parse_modalities(values: Iterable[str] | None) -> set[str] | None:
    """Return the modality spellings asked for, or None for all.

    Raises:
        UsageError: a value is not a modality; the message lists them.
    """
    return _parse(values, Modality, "modality")


def _parse(values: Iterable[str] | None, enum: type[Category] | type[Modality], what: str) -> set[str] | None:
    if values is None:
        return None
    chosen = set()
    for raw in values:
        spelling = raw.strip().lower().replace("_", "-").replace(" ", "-")
        try:
            chosen.add(enum(spelling).value)
        except ValueError:
            raise UsageError(f"unknown {what} {raw!r}: use one of {enum.allowed()}") from None
    return chosen or None


def load_claims(store: ox.Store) -> StoreClaims:
    """Read every claim of the store's statement view, with labels, types, documents and anchors.

    Raises:
        StoreError: a claim lacks a required facet or has a value this version does not know (see
            :meth:`kg.sparql.claims.StatementView.claims`).
    """
    view = StatementView(store)
    labels = view.english_labels()
    documents = {d.iri: (d.identifier, d.title) for d in view.documents()}
    records = sorted(view.claims(), key=lambda record: (record.identifier, record.iri))
    quantities = {r.quantity_iri: _quantity_label(r.quantity, labels) for r in records
                  if r.quantity and r.quantity_iri}
    found = StoreClaims([], labels, _kinds(view.entities()), documents, quantities)
    ids = {record.iri: record.identifier for record in records}
    texts: dict[str, str] = {}
    for record in records:
        if record.document not in texts:
            texts[record.document] = view.document_text(record.document)
        found.claims.append(_claim(record, found, texts[record.document], ids))
    _count_sources(found.claims)
    return found


def _kinds(entities: Iterable[EntityRecord]) -> dict[str, str]:
    """Return the entity type of each entity (the first the vocabulary lists), else concept for other Biolink."""
    kinds: dict[str, str] = {}
    order = list(EntityType)
    for entity in entities:
        known = [_entity_type(t) for t in entity.categories]
        types = [t for t in known if t is not None]
        if types:
            kinds[entity.iri] = min(types, key=order.index).value
        elif any(t.startswith(BIOLINK) for t in entity.categories):
            kinds[entity.iri] = EntityType.CONCEPT.value
    return kinds


def _entity_type(iri: str) -> EntityType | None:
    try:
        return EntityType.from_iri(iri)
    except ValueError:
        return None


def _quantity_label(quantity: Quantity, labels: Mapping[str, str]) -> str:
    bound = quantity.bound
    words = [labels.get(bound.iri, "") if bound is not Bound.EXACTLY else "", _number(format(quantity.value, "f")),
             quantity.unit or ""]
    extra = [x for x in (quantity.population, labels.get(quantity.place or "", ""),
                         None if quantity.year is None else str(quantity.year)) if x]
    return " ".join(w for w in words if w) + (f" ({', '.join(extra)})" if extra else "")


def _number(value: str) -> str:
    """Return a number for reading: thousands separated from 10,000 on, so that years stay years."""
    digits = value.lstrip("-")
    return f"{int(value):,}" if digits.isdigit() and len(digits) > 4 else value


def _claim(record: ClaimRecord, found: StoreClaims, text: str, ids: Mapping[str, str]) -> StoreClaim:
    document = record.document
    doc_id, title = found.documents.get(document, (compress(document), compress(document)))
    before, quote, after = "", record.quote or "", ""
    if record.start is not None and record.end is not None and record.start >= 0 and record.end >= 0:
        before, quote, after = sentence_around(text, record.start, record.end, quote)
    predicate_label = found.label(record.predicate)
    negated = record.polarity is Polarity.NEGATED
    verb = predicate_label.removeprefix("is claimed ") if predicate_label.startswith("is claimed to ") else None
    object_label = (found.label(record.object) if record.object
                    else found.quantities.get(record.quantity_iri or "", "a quantity"))
    citation = found.labels.get(record.citation.iri) or record.citation.value
    agent_label = found.label(record.attributed_to) if record.attributed_to else None
    subject = found.label(record.subject)
    if verb:
        content = f"{subject} {'NOT ' if negated else ''}{verb} {object_label}"
    else:
        content = f"{'NOT: ' if negated else ''}{subject} “{predicate_label}” {object_label}"
    how = record.modality.value + (f" ({', '.join(f'“{c}”' for c in record.cues)})" if record.cues else "")
    source = f"according to {agent_label}" if agent_label else "on its own account"
    words = f"{title} claims {content} — {how}, {source}; citation: {citation}."
    info = ClaimInfo(
        id=record.identifier, iri=record.iri, words=words, category=record.category.value,
        modality=record.modality.value, polarity=record.polarity.value, citation=record.citation.value,
        citation_label=citation, document=doc_id, document_title=title, cues=record.cues,
        attributed_to=agent_label, before=before, quote=quote, after=after, references=record.references,
        supports=tuple(sorted(ids.get(t, compress(t)) for t in record.supports)),
        challenges=tuple(sorted(ids.get(t, compress(t)) for t in record.challenges)),
        qualifiers=_qualifiers(record, found))
    return StoreClaim(record=record, info=info, verb=(verb or predicate_label).removeprefix("to "),
                      object_label=object_label)


def _qualifiers(record: ClaimRecord, found: StoreClaims) -> tuple[tuple[str, str], ...]:
    """Return the facets the panel shows besides the claim's content, in the panel's order, label to value."""
    shown = [("Route", record.route)] if record.route else []
    for facet, label in _QUALIFIERS.items():
        shown.extend((label, found.labels.get(iri) or compress(iri)) for key, iri in record.qualifiers
                     if key == facet)
    if record.note:
        shown.append(("Curator's note", record.note))
    return tuple(shown)


def _count_sources(claims: Sequence[StoreClaim]) -> None:
    """Count, for each claim, the independent documents that make the same claim (same content and polarity)."""
    documents: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for claim in claims:
        documents[_content(claim)].add(claim.record.document)
    for claim in claims:
        claim.sources = len(documents[_content(claim)])


def _content(claim: StoreClaim) -> tuple[str, ...]:
    record = claim.record
    return (record.subject, record.predicate, record.object or claim.object_label, claim.info.polarity)


def _restrict(found: StoreClaims, *, doc: str | None, categories: set[str] | None, modalities: set[str] | None,
              view: View) -> list[StoreClaim]:
    if not found.claims:
        raise UsageError("the store holds no claims: nothing to draw; add claims files and run `kg build`")
    doc_ids = sorted(doc_id for doc_id, _ in found.documents.values())
    if doc is not None and doc not in doc_ids:
        raise UsageError(f"unknown document {doc!r}: the store has {', '.join(doc_ids) or 'no documents'}")
    chosen = [c for c in found.claims
              if (doc is None or c.info.document == doc)
              and (categories is None or c.info.category in categories)
              and (modalities is None or c.info.modality in modalities)]
    if not chosen:
        asked = [f"document {doc!r}"] if doc else []
        asked += [f"category {', '.join(sorted(categories))}"] if categories else []
        asked += [f"modality {', '.join(sorted(modalities))}"] if modalities else []
        raise UsageError(f"no claim matches {' and '.join(asked)}: nothing to draw for the {view.value} view; "
                         f"widen {Option.CATEGORY}, {Option.MODALITY} or {Option.DOC}")
    return chosen


def _entity_node(found: StoreClaims, iri: str) -> ViewNode:
    kind = found.kinds.get(iri, "resource")
    label = found.label(iri)
    return ViewNode(id=iri, label=label, kind=kind, title=f"{label} ({kind.replace('-', ' ')}, {compress(iri)})",
                    properties={"Identifier": [compress(iri)]})


def _quantity_node(found: StoreClaims, iri: str) -> ViewNode:
    label = found.quantities.get(iri, "a quantity")
    return ViewNode(id=iri, label=label, kind="quantity", title=f"quantity: {label}")


def entity_view(found: StoreClaims, *, doc: str | None = None, categories: set[str] | None = None,
                modalities: set[str] | None = None) -> ViewGraph:
    """Return the entities view: entities (and quantities) as nodes, one edge per claim.

    Raises:
        UsageError: the store has no claims, the document is unknown, or no claim matches the filters.
    """
    chosen = _restrict(found, doc=doc, categories=categories, modalities=modalities, view=View.ENTITIES)
    nodes: dict[str, ViewNode] = {}
    edges = []
    for claim in chosen:
        subject, target = claim.record.subject, claim.target
        if subject not in nodes:
            nodes[subject] = _entity_node(found, subject)
        if target not in nodes:
            nodes[target] = _entity_node(found, target) if claim.record.object else _quantity_node(found, target)
        edges.append(ViewEdge(source=subject, target=target, label=claim.verb, category=claim.info.category,
                              modality=claim.info.modality, negated=claim.info.polarity == Polarity.NEGATED.value,
                              sources=claim.sources, claim=claim.key, title=claim.info.words, role="claim"))
    return ViewGraph(nodes=tuple(nodes.values()), edges=tuple(edges), claims={c.key: c.info for c in chosen},
                     documents=_documents(found, chosen), view=View.ENTITIES,
                     description=_describe(chosen, "entities as nodes, each claim an edge"))


def claim_view(found: StoreClaims, *, doc: str | None = None, categories: set[str] | None = None,
               modalities: set[str] | None = None, view: View = View.CLAIMS) -> ViewGraph:
    """Return the claims view (or, with ``doc``, the document view): claim nodes linked to their subject and
    object, their document, and the agent they are attributed to, with supports and challenges between claims.

    Raises:
        UsageError: the store has no claims, the document is unknown, or no claim matches the filters.
    """
    chosen = _restrict(found, doc=doc, categories=categories, modalities=modalities, view=view)
    nodes: dict[str, ViewNode] = {}
    edges = []
    keys = {c.info.id: c.key for c in chosen}
    for claim in chosen:
        info = claim.info
        negated = info.polarity == Polarity.NEGATED.value
        nodes[claim.key] = ViewNode(id=claim.key, label=("NOT " if negated else "") + claim.verb, kind="claim",
                                    title=info.words, claim=claim.key)
        record = claim.record
        for iri, role in ((record.subject, "subject"), (claim.target, "object")):
            if iri not in nodes:
                nodes[iri] = (_entity_node(found, iri) if role == "subject" or record.object
                              else _quantity_node(found, iri))
            edges.append(ViewEdge(source=claim.key, target=iri, label=role, category=info.category,
                                  modality=info.modality, negated=negated and role == "object",
                                  sources=claim.sources, claim=claim.key, title=info.words, role=role))
        document, agent = record.document, record.attributed_to
        doc_id, title = found.documents.get(document, (info.document, info.document_title))
        if document not in nodes:
            nodes[document] = ViewNode(id=document, label=title, kind="document", title=f"document: {title}",
                                       document=doc_id, properties={"Document id": [doc_id], "Title": [title]})
        edges.append(ViewEdge(source=document, target=claim.key, label="asserts", claim=claim.key,
                              title=f"{title} asserts this claim", role="document"))
        if agent:
            if agent not in nodes:
                nodes[agent] = _entity_node(found, agent)
            edges.append(ViewEdge(source=claim.key, target=agent, label="attributed to", claim=claim.key,
                                  title=f"attributed to {info.attributed_to}", role="attribution"))
    for claim in chosen:
        for role, targets in (("supports", claim.info.supports), ("challenges", claim.info.challenges)):
            for target in targets:
                if target in keys:
                    edges.append(ViewEdge(source=claim.key, target=keys[target], label=role, role=role,
                                          title=f"{claim.info.id} {role} {target}"))
    what = "one document's claims" if view is View.DOCUMENT else "claims"
    return ViewGraph(nodes=tuple(nodes.values()), edges=tuple(edges), claims={c.key: c.info for c in chosen},
                     documents=_documents(found, chosen), view=view,
                     description=_describe(chosen, f"{what} linked to their entities, document and source"))


def _documents(found: StoreClaims, chosen: Sequence[StoreClaim]) -> dict[str, str]:
    used = {c.record.document for c in chosen}
    return dict(sorted(found.documents[d] for d in used if d in found.documents))


def _describe(chosen: Sequence[StoreClaim], what: str) -> str:
    documents = len({c.record.document for c in chosen})
    claims = "1 claim" if len(chosen) == 1 else f"{len(chosen)} claims"
    return f"{claims} from {documents} document{'s' if documents != 1 else ''}: {what}"
