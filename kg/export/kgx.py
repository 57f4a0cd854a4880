"""Biolink KGX: a nodes file and an edges file, as TSV or JSON Lines, for Translator and KG-Hub tools.

Nodes are the entities (with their Biolink categories), the documents (as Biolink publications) and the document
kinds they cite as publication types. Each claim whose object is an entity is one edge from its subject to its
object: its predicate is the Biolink predicate the ontology maps the claim predicate to, and the claim predicate
stays in ``original_predicate``. Every edge keeps the claim's polarity and modality, and a negated claim is an
edge with ``negated`` true, never a plain positive edge. Claims whose object is a quantity have no node to point
to and are left out (they are in every RDF export).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..iris import compress
from ..sparql.claims import RELATED_TO, ClaimRecord, StatementView
from ..vocab import PREFIXES, CurationMethod, DocumentKind, Modality, Polarity
from . import ExportFormat, ExportResult, Progress

__all__ = [
    "EDGE_COLUMNS",
    "INFORES",
    "NODE_COLUMNS",
    "NON_BIOLINK_PREFIXES",
    "agent_type",
    "curie",
    "file_names",
    "knowledge_level",
    "write_kgx",
]

#: The information resource (Biolink "infores") the edges come from: this project, which curates the claims.
INFORES = "infores:cekg"

#: Prefixes of the KGX files that the Biolink model does not list, with the namespaces they stand for.
NON_BIOLINK_PREFIXES = {
    "cekg": PREFIXES["cekg"],
    "ent": PREFIXES["ent"],
    "doc": PREFIXES["doc"],
    "infores": "https://w3id.org/biolink/infores/",
    "ror": PREFIXES["ror"],
    "ICD10CM": PREFIXES["ICD10CM"],
}
#: The project's prefixes that the Biolink model spells differently.
_BIOLINK_SPELLING = {"wikidata": "WIKIDATA", "pubchem.compound": "PUBCHEM.COMPOUND"}

NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "iri", "url", "publication_type",
                "rights", "provided_by", "document_id", "sha256", "date", "retrieved")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "category", "negated", "knowledge_level", "agent_type",
                "primary_knowledge_source", "publications", "supporting_text", "original_predicate", "claim_id",
                "claim_category", "polarity", "modality", "cues", "citation_status", "evidence", "attributed_to",
                "condition", "agency", "jurisdiction", "population", "route", "status", "supports", "challenges")

#: The Biolink class of each kind of document; all are kinds of biolink:Publication.
_DOCUMENT_CATEGORIES = {
    DocumentKind.WEB_ARTICLE: "biolink:WebPage",
    DocumentKind.MARKETING_PAGE: "biolink:WebPage",
    DocumentKind.NEWS: "biolink:Article",
    DocumentKind.DRUG_LABEL: "biolink:DrugLabel",
    DocumentKind.REGULATORY_DECISION: "biolink:Publication",
    DocumentKind.ABSTRACT: "biolink:Publication",
}
_PMID = re.compile(r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d+)/?$")
_DOI = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\..+)$")

Record = dict[str, Any]


def file_names(*, jsonl: bool) -> tuple[str, str]:
    """Return the names of the nodes and edges files."""
    suffix = "jsonl" if jsonl else "tsv"
    return f"nodes.{suffix}", f"edges.{suffix}"


def curie(iri: str) -> str:
    """Return the CURIE of an IRI as Biolink spells it, or the IRI when no prefix fits.

    >>> curie("http://www.wikidata.org/entity/Q30")
    'WIKIDATA:Q30'
    >>> curie("http://purl.obolibrary.org/obo/CHEBI_6121")
    'CHEBI:6121'
    """
    compact = compress(iri)
    prefix, sep, local = compact.partition(":")
    if sep and compact != iri and prefix in _BIOLINK_SPELLING:
        return f"{_BIOLINK_SPELLING[prefix]}:{local}"
    return compact


def knowledge_level(modality: Modality) -> str:
    """Return the Biolink knowledge level of a claim: put forth as (likely) true, or a speculation.

    Asserted and hedged claims are knowledge assertions ("likely but not definitively true", in Biolink's words);
    speculative ones ("researchers believe", "could") are predictions.
    """
    return "prediction" if modality is Modality.SPECULATIVE else "knowledge_assertion"


def agent_type(method: CurationMethod, status: str) -> str:
    """Return the Biolink agent type: a curator, a text-mining tool, or a tool whose output a curator accepted."""
    if method is CurationMethod.MANUAL:
        return "manual_agent"
    return "manual_validation_of_automated_agent" if status == "accepted" else "text_mining_agent"


def _publication(reference: str) -> str | None:
    for pattern, prefix in ((_PMID, "PMID"), (_DOI, "doi")):
        match = pattern.match(reference)
        if match:
            return f"{prefix}:{match.group(1)}"
    return reference if reference.startswith(("http://", "https://")) else None


def _nodes(view: StatementView, kinds: dict[str, str]) -> Iterator[Record]:
    for entity in view.entities():
        yield {"id": curie(entity.iri), "category": [curie(c) for c in entity.categories] or ["biolink:NamedThing"],
               "name": entity.label, "description": entity.description, "synonym": list(entity.synonyms),
               "xref": [curie(x) for x in entity.exact_matches], "iri": entity.iri, "provided_by": [INFORES]}
    used_kinds = set()
    for document in view.documents():
        kind = document.kind
        if kind is not None:
            used_kinds.add(kind)
        source = document.source if document.source and document.source.startswith(("http://", "https://")) \
            else None
        yield {"id": curie(document.iri),
               "category": [_DOCUMENT_CATEGORIES[kind] if kind else "biolink:Publication"],
               "name": document.title, "iri": document.iri, "url": source,
               "publication_type": [curie(kind.iri)] if kind else [], "rights": document.rights,
               "provided_by": [INFORES], "document_id": document.identifier, "sha256": document.sha256,
               "date": document.date, "retrieved": document.retrieved}
    # Biolink asks for each publication type used to be a node of category OntologyClass.
    for kind in sorted(used_kinds):
        yield {"id": curie(kind.iri), "category": ["biolink:OntologyClass"],
               "name": kinds.get(kind.iri, kind.value.replace("-", " ")), "iri": kind.iri, "provided_by": [INFORES]}


def _edge(claim: ClaimRecord, predicate: str, identifiers: dict[str, str]) -> Record:
    qualifiers = dict(claim.qualifiers)
    publications = [curie(claim.document), *filter(None, (_publication(r) for r in claim.references))]
    return {
        "id": claim.iri,
        "subject": curie(claim.subject),
        "predicate": curie(predicate),
        "object": curie(claim.object or ""),
        "category": ["biolink:Association"],
        "negated": claim.polarity is Polarity.NEGATED,
        "knowledge_level": knowledge_level(claim.modality),
        "agent_type": agent_type(claim.curation, claim.status),
        "primary_knowledge_source": INFORES,
        "publications": publications,
        "supporting_text": [claim.quote] if claim.quote else [],
        "original_predicate": curie(claim.predicate),
        "claim_id": claim.identifier,
        "claim_category": claim.category.value,
        "polarity": claim.polarity.value,
        "modality": claim.modality.value,
        "cues": list(claim.cues),
        "citation_status": claim.citation.value,
        "evidence": [curie(e) for e in claim.evidence],
        "attributed_to": curie(claim.attributed_to) if claim.attributed_to else None,
        "condition": curie(qualifiers["condition"]) if "condition" in qualifiers else None,
        "agency": curie(qualifiers["agency"]) if "agency" in qualifiers else None,
        "jurisdiction": curie(qualifiers["jurisdiction"]) if "jurisdiction" in qualifiers else None,
        "population": curie(qualifiers["population"]) if "population" in qualifiers else None,
        "route": claim.route,
        "status": claim.status,
        "supports": [identifiers.get(c, c) for c in claim.supports],
        "challenges": [identifiers.get(c, c) for c in claim.challenges],
    }


class _Writer:
    """Writes records as TSV rows (lists joined with '|') or JSON lines (empty values left out)."""

    def __init__(self, handle: IO[str], columns: Sequence[str], *, jsonl: bool) -> None:
        self.handle, self.columns, self.jsonl = handle, columns, jsonl
        self.count = 0
        self.rows = None if jsonl else csv.writer(handle, delimiter="\t", lineterminator="\n")
        if self.rows is not None:
            self.rows.writerow(columns)

    def write(self, record: Record) -> None:
        self.count += 1
        if self.rows is None:
            kept = {c: record[c] for c in self.columns if record.get(c) not in (None, [], "")}
            self.handle.write(json.dumps(kept, ensure_ascii=False) + "\n")
            return
        self.rows.writerow([_cell(record.get(column)) for column in self.columns])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        # '|' separates the items of a list in KGX TSV; one inside an item would split it.
        return "|".join(str(item).replace("|", "\u00a6") for item in value)
    return str(value)


def write_kgx(store: ox.Store, folder: Path, *, jsonl: bool, progress: Progress) -> ExportResult:
    """Write ``nodes`` and ``edges`` files in KGX TSV or JSON Lines into a folder.

    Args:
        store: the store.
        folder: an existing, empty folder.
        jsonl: JSON Lines rather than TSV.
        progress: wraps the stream of claims.

    Returns:
        What was written; ``left_out`` counts the claims whose object is a quantity.
    """
    view = StatementView(store)
    nodes_name, edges_name = file_names(jsonl=jsonl)
    biolink = view.biolink_predicates()
    kinds = {kind.iri: view.label(kind.iri) or kind.value.replace("-", " ") for kind in DocumentKind}
    with (folder / nodes_name).open("w", encoding="utf-8", newline="") as nodes_file, \
            (folder / edges_name).open("w", encoding="utf-8", newline="") as edges_file:
        nodes = _Writer(nodes_file, NODE_COLUMNS, jsonl=jsonl)
        edges = _Writer(edges_file, EDGE_COLUMNS, jsonl=jsonl)
        described: set[str] = set()
        for record in _nodes(view, kinds):
            described.add(record["id"])
            nodes.write(record)
        claim_iris = view.claim_iris()
        identifiers = view.claim_identifiers()
        left_out = 0
        pointed: dict[str, str] = {}
        for claim in progress(view.claims(claim_iris), total=len(claim_iris), unit="claim"):
            if claim.object is None:
                left_out += 1
                continue
            edge = _edge(claim, biolink.get(claim.predicate, RELATED_TO), identifiers)
            pointed.update({edge["subject"]: claim.subject, edge["object"]: claim.object})
            edges.write(edge)
        labels = view.labels()
        for node, iri in sorted(pointed.items()):
            if node not in described:
                nodes.write({"id": node, "category": ["biolink:NamedThing"], "name": labels.get(iri, node),
                             "iri": iri, "provided_by": [INFORES]})
    fmt = ExportFormat.KGX_JSONL if jsonl else ExportFormat.KGX_TSV
    return ExportResult(fmt, (nodes_name, edges_name), nodes=nodes.count, edges=edges.count, left_out=left_out)
