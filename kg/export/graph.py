"""The statement view as a property graph, for the Neo4j and GraphML exports.

Entity, document and claim nodes; a claim's links to its subject, object, document, reported source and
qualifiers; supports and challenges between claims; an entity's broader entity; and, as in the store, a direct
entity-to-entity edge for each subject, predicate and object that at least one affirmed claim states. A negated
claim never gives a direct edge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from ..iris import compress
from ..sparql.claims import ClaimRecord, StatementView
from ..vocab import BIOLINK, Bound, Polarity
from . import Progress
from .kgx import edge_predicate

__all__ = ["CLAIM_LINKS", "EDGE_FIELDS", "NODE_FIELDS", "FieldType", "PGEdge", "PGNode", "Value", "claim_name",
           "node_id", "property_graph", "relationship_type"]


FieldType = Literal["string", "int", "double", "boolean", "string[]"]
Value = str | int | float | bool | tuple[str, ...]
NodeKind = Literal["entity", "document", "claim", "resource"]

#: The properties of each kind of node, with their types (Neo4j's names for them).
NODE_FIELDS: dict[NodeKind, dict[str, FieldType]] = {
    "entity": {"name": "string", "iri": "string", "category": "string[]", "synonyms": "string[]",
               "description": "string", "exact_matches": "string[]", "close_matches": "string[]"},
    "document": {"name": "string", "iri": "string", "document_id": "string", "document_kind": "string",
                 "sha256": "string", "media_type": "string", "source": "string", "date": "string",
                 "retrieved": "string", "rights": "string"},
    "claim": {"name": "string", "iri": "string", "claim_id": "string", "category": "string", "predicate": "string",
              "predicate_label": "string", "biolink_predicate": "string", "polarity": "string",
              "negated": "boolean", "modality": "string", "cues": "string[]", "citation_status": "string",
              "evidence": "string[]", "references": "string[]", "route": "string", "quote": "string",
              "start": "int", "end": "int", "curation_method": "string", "status": "string", "note": "string",
              "nanopublication": "string", "quantity_value": "double", "quantity_unit": "string",
              "quantity_bound": "string", "quantity_population": "string", "quantity_year": "int"},
    "resource": {"name": "string", "iri": "string"},
}
#: The properties of edges: direct edges carry the claims behind them; the others only their label.
EDGE_FIELDS: dict[str, FieldType] = {"label": "string", "claims": "int", "claim_ids": "string[]",
                                     "biolink_predicate": "string"}
#: A claim's links to other nodes, by relationship type.
CLAIM_LINKS = ("SUBJECT", "OBJECT", "ASSERTED_BY", "ATTRIBUTED_TO", "CONDITION", "AGENCY", "JURISDICTION",
               "POPULATION", "PLACE", "SUPPORTS", "CHALLENGES")


@dataclass(frozen=True)
class PGNode:
    """A node of the property graph: its id (a CURIE where the prefix map has one, else its IRI)."""

    id: str
    kind: NodeKind
    labels: tuple[str, ...]
    properties: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class PGEdge:
    """A directed edge of the property graph; ``type`` is unique among the edges from ``start`` to ``end``."""

    start: str
    end: str
    type: str
    properties: dict[str, Value] = field(default_factory=dict)


def node_id(iri: str) -> str:
    """Return the id of a node in the property graph: its CURIE, or its IRI when no prefix fits."""
    return compress(iri)


def relationship_type(predicate: str) -> str:
    """Return the relationship type of a direct edge: ``cekg:reducesFrequencyOf`` gives REDUCES_FREQUENCY_OF."""
    local = re.split(r"[#/]", predicate)[-1] or predicate
    return re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local)).strip("_").upper()


def _clean(properties: dict[str, Value | None]) -> dict[str, Value]:
    return {key: value for key, value in properties.items() if value is not None and value != ()}


def property_graph(view: StatementView, *, progress: Progress) -> Iterator[PGNode | PGEdge]:
    """Yield the statement view as a property graph: entity and document nodes, each claim node followed by its
    edges, then the direct edges, then a plain node for every IRI an edge points to that is not described."""
    labels = view.labels()
    predicate_labels = view.predicate_labels()
    biolink = view.biolink_predicates()
    described: set[str] = set()
    pointed: set[str] = set()
    categories: dict[str, tuple[str, ...]] = {}
    for entity in view.entities():
        described.add(entity.iri)
        categories[entity.iri] = tuple(compress(c) for c in entity.categories) or ("biolink:NamedThing",)
        yield PGNode(node_id(entity.iri), "entity",
                     ("Entity", *(c.removeprefix(BIOLINK) for c in entity.categories)),
                     _clean({"name": entity.label, "iri": entity.iri,
                             "category": tuple(compress(c) for c in entity.categories),
                             "synonyms": entity.synonyms, "description": entity.description,
                             "exact_matches": tuple(compress(i) for i in entity.exact_matches),
                             "close_matches": tuple(compress(i) for i in entity.close_matches)}))
    for document in view.documents():
        described.add(document.iri)
        yield PGNode(node_id(document.iri), "document", ("Document",),
                     _clean({"name": document.title, "iri": document.iri, "document_id": document.identifier,
                             "document_kind": document.kind.value if document.kind else None, "sha256": document.sha256,
                             "media_type": document.media_type, "source": document.source, "date": document.date,
                             "retrieved": document.retrieved, "rights": document.rights}))
    claim_iris = view.claim_iris()
    described.update(claim_iris)
    identifiers: dict[str, str] = {}
    direct: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    direct_predicates: dict[tuple[str, str, str], str] = {}
    for claim in progress(view.claims(claim_iris), total=len(claim_iris), unit="claim"):
        identifiers[claim.iri] = claim.identifier
        objects = None if claim.object is None else categories.get(claim.object, ())
        predicate = edge_predicate(claim.predicate, biolink, categories.get(claim.subject, ()), objects)
        yield PGNode(node_id(claim.iri), "claim", ("Claim",), _claim_properties(claim, labels, predicate_labels,
                                                                                 predicate))
        links = [("SUBJECT", claim.subject), ("OBJECT", claim.object), ("ASSERTED_BY", claim.document),
                 ("ATTRIBUTED_TO", claim.attributed_to),
                 *((key.upper(), value) for key, value in claim.qualifiers),
                 ("PLACE", claim.quantity.place if claim.quantity else None),
                 *(("SUPPORTS", target) for target in claim.supports),
                 *(("CHALLENGES", target) for target in claim.challenges)]
        for kind, target in links:
            if target is not None:
                pointed.add(target)
                yield PGEdge(node_id(claim.iri), node_id(target), kind, {"label": kind.lower().replace("_", " ")})
        if claim.polarity is Polarity.AFFIRMED and claim.object is not None:
            direct[(claim.subject, claim.predicate, claim.object)].append(claim.iri)
            direct_predicates[(claim.subject, claim.predicate, claim.object)] = predicate
    for entity in view.entities():
        for target in entity.broader:
            pointed.add(target)
            yield PGEdge(node_id(entity.iri), node_id(target), "BROADER", {"label": "broader"})
    for (subject, predicate, obj), backing in sorted(direct.items()):
        yield PGEdge(node_id(subject), node_id(obj), relationship_type(predicate),
                     {"label": predicate_labels.get(predicate, compress(predicate)), "claims": len(backing),
                      "claim_ids": tuple(sorted(identifiers[c] for c in backing)),
                      "biolink_predicate": direct_predicates[(subject, predicate, obj)]})
    for iri in sorted(pointed - described):
        yield PGNode(node_id(iri), "resource", ("Resource",), {"name": labels.get(iri, compress(iri)), "iri": iri})


def claim_name(claim: ClaimRecord, labels: dict[str, str], predicate_labels: dict[str, str]) -> str:
    """Return a readable one-line statement of a claim: "ketamine is claimed to treat headache (negated)"."""
    subject = labels.get(claim.subject, compress(claim.subject))
    predicate = predicate_labels.get(claim.predicate, compress(claim.predicate))
    if claim.object is not None:
        obj = labels.get(claim.object, compress(claim.object))
    elif claim.quantity is not None:
        q = claim.quantity
        bound = "" if q.bound is Bound.EXACTLY else f"{q.bound.value.replace('-', ' ')} "
        obj = f"{bound}{q.value:f}{f' {q.unit}' if q.unit else ''}"
    else:
        obj = "?"
    text = f"{subject} {predicate} {obj}"
    return f"{text} (negated)" if claim.polarity is Polarity.NEGATED else text


def _claim_properties(claim: ClaimRecord, labels: dict[str, str], predicate_labels: dict[str, str],
                      biolink_predicate: str) -> dict[str, Value]:
    q = claim.quantity
    return _clean({
        "name": claim_name(claim, labels, predicate_labels),
        "iri": claim.iri,
        "claim_id": claim.identifier,
        "category": claim.category.value,
        "predicate": compress(claim.predicate),
        "predicate_label": predicate_labels.get(claim.predicate),
        "biolink_predicate": biolink_predicate,
        "polarity": claim.polarity.value,
        "negated": claim.polarity is Polarity.NEGATED,
        "modality": claim.modality.value,
        "cues": claim.cues,
        "citation_status": claim.citation.value,
        "evidence": tuple(compress(e) for e in claim.evidence),
        "references": claim.references,
        "route": claim.route,
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "curation_method": claim.curation.value,
        "status": claim.status,
        "note": claim.note,
        "nanopublication": claim.nanopublication,
        "quantity_value": float(q.value) if q else None,
        "quantity_unit": q.unit if q else None,
        "quantity_bound": q.bound.value if q else None,
        "quantity_population": q.population if q else None,
        "quantity_year": q.year if q else None,
    })
