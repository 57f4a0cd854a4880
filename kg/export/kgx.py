"""Biolink KGX: a nodes file and an edges file, as TSV or JSON Lines, for Translator and KG-Hub tools.

Nodes are the entities (with their Biolink categories), the documents (as Biolink publications) and the document
kinds they cite as publication types. A node's id is its public identifier where it has one in a prefix the
Biolink model knows (its own, or a checked exact match: ``HP:0002315`` for ``ent:headache``); the others get a
project prefix spelled as Biolink spells prefixes (``CEKG.ENTITY:chronic-migraine``), declared with every other
prefix of the files in ``graph.json``, the graph's metadata.

Each claim whose object is an entity is one edge from its subject to its object: its predicate is the Biolink
predicate that fits the claim predicate (:data:`KGX_PREDICATES`, else the ontology's mapping), made more general
until Biolink's domain and range admit the edge's categories; the claim predicate stays in
``original_predicate``. Every edge keeps the claim's polarity and modality, and a negated claim is an edge with
``negated`` true, never a plain positive edge; ``affirmed_only`` leaves negated claims out. Claims whose object
is a quantity have no node to point to and are left out (they are in every RDF export).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..iris import compress
from ..sparql.claims import RELATED_TO, ClaimRecord, EntityRecord, StatementView
from ..vocab import CEKG, PREFIXES, CurationMethod, DocumentKind, Modality, Polarity
from . import ExportFormat, ExportResult, Progress

__all__ = [
    "BIOLINK_PREFIXES",
    "EDGE_COLUMNS",
    "GENERALISATIONS",
    "INFORES",
    "KGX_PREDICATES",
    "METADATA_FILE",
    "NODE_COLUMNS",
    "NON_BIOLINK_PREFIXES",
    "KGXResult",
    "agent_type",
    "biolink_predicate",
    "curie",
    "edge_predicate",
    "export_kgx",
    "file_names",
    "knowledge_level",
    "write_kgx",
]

#: The information resource (Biolink "infores") the edges come from: this project, which curates the claims.
INFORES = "infores:cekg"

#: The file of the graph's metadata, beside the nodes and edges files: its source and the prefixes of its CURIEs.
METADATA_FILE = "graph.json"
#: The project's prefixes as the Biolink model's prefix map spells them (the tests check each against the
#: ``biolink-model`` wheel); a node whose IRI or exact match has one of them is named by it.
BIOLINK_PREFIXES = frozenset({"CHEBI", "MONDO", "HP", "GO", "ECO", "RO", "MESH", "DRUGBANK", "PUBCHEM.COMPOUND",
                              "WIKIDATA", "HGNC", "SNOMEDCT", "RXNORM", "UNII", "biolink"})
#: Prefixes of the KGX files that the Biolink model does not list, with the namespaces they stand for; they are
#: declared in ``graph.json``. Project prefixes are upper case, with a dot before a sub-namespace, as Biolink's are.
NON_BIOLINK_PREFIXES = {
    "CEKG": PREFIXES["cekg"],
    "CEKG.ENTITY": PREFIXES["ent"],
    "CEKG.DOC": PREFIXES["doc"],
    "infores": "https://w3id.org/biolink/infores/",
    "ROR": PREFIXES["ror"],
    "ICD10CM": PREFIXES["ICD10CM"],
}
#: The project's prefixes that the files spell otherwise (Biolink's spelling, or a project prefix above).
_SPELLING = {"wikidata": "WIKIDATA", "pubchem.compound": "PUBCHEM.COMPOUND", "cekg": "CEKG", "ent": "CEKG.ENTITY",
             "doc": "CEKG.DOC", "ror": "ROR"}

#: The Biolink predicate of a claim predicate in KGX where the ontology's mapping is ``biolink:related_to`` and
#: Biolink has a narrower predicate that still holds: a claim of evidence of efficacy is a claim that the drug was
#: studied to treat; the other claims (coverage, access, regulatory status, requirements, uses, research needs)
#: are statements about the things themselves, which Biolink calls relations at instance level.
KGX_PREDICATES = {CEKG + local: "biolink:" + target for local, target in (
    ("hasEvidenceOfEfficacyFor", "studied_to_treat"),
    ("coveredBy", "related_to_at_instance_level"),
    ("hasAccessBarrier", "related_to_at_instance_level"),
    ("hasRegulatoryStatus", "related_to_at_instance_level"),
    ("requires", "related_to_at_instance_level"),
    ("usedIn", "related_to_at_instance_level"),
    ("mechanismUnderstoodFor", "related_to_at_instance_level"),
    ("medicallyNecessaryFor", "related_to_at_instance_level"),
    ("needsFurtherStudyFor", "related_to_at_instance_level"),
)}
#: Categories that Biolink's mixin "chemical or drug or treatment" covers, and "disease or phenotypic feature".
_TREATMENT = frozenset({"biolink:Drug", "biolink:ChemicalEntity", "biolink:SmallMolecule", "biolink:MolecularMixture",
                        "biolink:ChemicalMixture", "biolink:Treatment"})
_CONDITION = frozenset({"biolink:Disease", "biolink:PhenotypicFeature", "biolink:DiseaseOrPhenotypicFeature"})
_CHEMICAL = frozenset({"biolink:ChemicalEntity", "biolink:Drug", "biolink:SmallMolecule",
                       "biolink:MolecularMixture", "biolink:ChemicalMixture"})
#: Biolink's domain and range of the predicates that have them among those the export uses.
_DOMAIN_RANGE = {
    **{f"biolink:{name}": (_TREATMENT, _CONDITION) for name in (
        "treats", "applied_to_treat", "studied_to_treat", "in_clinical_trials_for",
        "treats_or_applied_or_studied_to_treat", "ameliorates_condition", "preventative_for_condition",
        "has_adverse_event")},
    "biolink:has_chemical_role": (_CHEMICAL, frozenset({"biolink:ChemicalRole"})),
}
#: For each of those predicates, its parent in Biolink's hierarchy, taken when the edge's categories do not fit.
GENERALISATIONS = {f"biolink:{name}": f"biolink:{parent}" for name, parent in (
    ("treats", "treats_or_applied_or_studied_to_treat"),
    ("in_clinical_trials_for", "studied_to_treat"),
    ("applied_to_treat", "related_to_at_instance_level"),
    ("studied_to_treat", "related_to_at_instance_level"),
    ("treats_or_applied_or_studied_to_treat", "related_to_at_instance_level"),
    ("ameliorates_condition", "affects"),
    ("preventative_for_condition", "affects_likelihood_of"),
    ("has_adverse_event", "affects"),
    ("has_chemical_role", "related_to_at_concept_level"),
)}

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


def file_names(*, jsonl: bool) -> tuple[str, str, str]:
    """Return the names of the nodes file, the edges file and the graph's metadata file."""
    suffix = "jsonl" if jsonl else "tsv"
    return f"nodes.{suffix}", f"edges.{suffix}", METADATA_FILE


def curie(iri: str) -> str:
    """Return the CURIE of an IRI as the KGX files spell it, or the IRI when no prefix fits.

    >>> curie("http://www.wikidata.org/entity/Q30")
    'WIKIDATA:Q30'
    >>> curie("http://purl.obolibrary.org/obo/CHEBI_6121")
    'CHEBI:6121'
    >>> curie("https://w3id.org/cekg/id/entity/chronic-migraine")
    'CEKG.ENTITY:chronic-migraine'
    """
    compact = compress(iri)
    prefix, sep, local = compact.partition(":")
    if sep and compact != iri and prefix in _SPELLING:
        return f"{_SPELLING[prefix]}:{local}"
    return compact


def _public_ids(entities: Sequence[EntityRecord]) -> dict[str, str]:
    """Return each entity's node id: its CURIE, or its first exact match that no other entity has taken, in a
    prefix Biolink knows; else its CURIE. An entity named by a public id keeps it before any exact match."""
    ids = {e.iri: curie(e.iri) for e in entities if curie(e.iri).partition(":")[0] in BIOLINK_PREFIXES}
    taken = set(ids.values())
    for entity in entities:
        if entity.iri in ids:
            continue
        candidates = [curie(x) for x in sorted(entity.exact_matches)]
        chosen = next((c for c in candidates if c.partition(":")[0] in BIOLINK_PREFIXES and c not in taken), None)
        ids[entity.iri] = chosen or curie(entity.iri)
        taken.add(ids[entity.iri])
    return ids


def biolink_predicate(mapped: str, subjects: Sequence[str], objects: Sequence[str]) -> str:
    """Return the Biolink predicate, made more general until its domain and range admit the categories.

    >>> biolink_predicate("biolink:treats", ["biolink:Drug"], ["biolink:Disease"])
    'biolink:treats'
    >>> biolink_predicate("biolink:treats", ["biolink:Drug"], ["biolink:Procedure"])
    'biolink:related_to_at_instance_level'
    """
    predicate = mapped
    while predicate in _DOMAIN_RANGE:
        domain, range_ = _DOMAIN_RANGE[predicate]
        if domain & set(subjects) and range_ & set(objects):
            break
        predicate = GENERALISATIONS[predicate]
    return predicate


def edge_predicate(claim_predicate: str, mapped: dict[str, str], subjects: Sequence[str],
                   objects: Sequence[str] | None) -> str:
    """Return the Biolink predicate of a claim: :data:`KGX_PREDICATES`, else the ontology's mapping (``mapped``),
    made more general until its domain and range admit the categories (``objects`` None: the object is a quantity,
    and only the mapping counts).

    >>> edge_predicate("https://w3id.org/cekg/vocab#coveredBy", {}, ["biolink:Drug"], ["biolink:NamedThing"])
    'biolink:related_to_at_instance_level'
    """
    chosen = KGX_PREDICATES.get(claim_predicate) or curie(mapped.get(claim_predicate, RELATED_TO))
    return chosen if objects is None else biolink_predicate(chosen, subjects, objects)


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


def _nodes(view: StatementView, kinds: dict[str, str], ids: dict[str, str]) -> Iterator[Record]:
    """Yield the entity, document and document kind nodes; ``ids`` gets each entity's IRI and node id."""
    entities = list(view.entities())
    ids.update(_public_ids(entities))
    for entity in entities:
        node = ids[entity.iri]
        own = curie(entity.iri)
        xrefs = [curie(x) for x in entity.exact_matches]
        yield {"id": node, "category": [curie(c) for c in entity.categories] or ["biolink:NamedThing"],
               "name": entity.label, "description": entity.description, "synonym": list(entity.synonyms),
               "xref": [x for x in ([own] if own != node else []) + xrefs if x != node], "iri": entity.iri,
               "provided_by": [INFORES]}
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
    # Biolink asks for each publication type used to be a node; its OntologyClass is a mixin, which KGX refuses
    # as a node's only category, so the node is a NamedThing ("a databased entity or concept/class").
    for kind in sorted(used_kinds):
        yield {"id": curie(kind.iri), "category": ["biolink:NamedThing"],
               "name": kinds.get(kind.iri, kind.value.replace("-", " ")), "iri": kind.iri, "provided_by": [INFORES]}


def _edge(claim: ClaimRecord, predicate: str, identifiers: dict[str, str], ids: dict[str, str]) -> Record:
    qualifiers = dict(claim.qualifiers)
    publications = [curie(claim.document), *filter(None, (_publication(r) for r in claim.references))]

    def node(iri: str | None) -> str | None:
        return None if iri is None else ids.get(iri) or curie(iri)

    return {
        "id": claim.iri,
        "subject": node(claim.subject),
        "predicate": predicate,
        "object": node(claim.object),
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
        "attributed_to": node(claim.attributed_to),
        "condition": node(qualifiers.get("condition")),
        "agency": node(qualifiers.get("agency")),
        "jurisdiction": node(qualifiers.get("jurisdiction")),
        "population": node(qualifiers.get("population")),
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


@dataclass(frozen=True)
class KGXResult(ExportResult):
    """What a KGX export wrote; ``negated_left_out`` counts the negated claims an affirmed-only export left out."""

    negated_left_out: int = 0


def write_kgx(store: ox.Store, folder: Path, *, jsonl: bool, progress: Progress,
              affirmed_only: bool = False) -> KGXResult:
    """Write ``nodes`` and ``edges`` files in KGX TSV or JSON Lines, and ``graph.json``, into a folder.

    Args:
        store: the store.
        folder: an existing, empty folder.
        jsonl: JSON Lines rather than TSV.
        progress: wraps the stream of claims.
        affirmed_only: leave negated claims out, for consumers that read every edge as an assertion.

    Returns:
        What was written; ``left_out`` counts the claims whose object is a quantity.
    """
    view = StatementView(store)
    nodes_name, edges_name = file_names(jsonl=jsonl)[:2]
    mapped = view.biolink_predicates()
    kinds = {kind.iri: view.label(kind.iri) or kind.value.replace("-", " ") for kind in DocumentKind}
    with (folder / nodes_name).open("w", encoding="utf-8", newline="") as nodes_file, \
            (folder / edges_name).open("w", encoding="utf-8", newline="") as edges_file:
        nodes = _Writer(nodes_file, NODE_COLUMNS, jsonl=jsonl)
        edges = _Writer(edges_file, EDGE_COLUMNS, jsonl=jsonl)
        ids: dict[str, str] = {}
        categories: dict[str, list[str]] = {}
        for record in _nodes(view, kinds, ids):
            categories[record["id"]] = record["category"]
            nodes.write(record)
        claim_iris = view.claim_iris()
        identifiers = view.claim_identifiers()
        left_out = negated = 0
        pointed: dict[str, str] = {}
        for claim in progress(view.claims(claim_iris), total=len(claim_iris), unit="claim"):
            if claim.object is None:
                left_out += 1
                continue
            if affirmed_only and claim.polarity is Polarity.NEGATED:
                negated += 1
                continue
            subject, obj = ids.get(claim.subject) or curie(claim.subject), ids.get(claim.object) or curie(claim.object)
            predicate = edge_predicate(claim.predicate, mapped, categories.get(subject, ()), categories.get(obj, ()))
            edge = _edge(claim, predicate, identifiers, ids)
            pointed.update({subject: claim.subject, obj: claim.object})
            edges.write(edge)
        labels = view.labels()
        for node, iri in sorted(pointed.items()):
            if node not in categories:
                nodes.write({"id": node, "category": ["biolink:NamedThing"], "name": labels.get(iri, node),
                             "iri": iri, "provided_by": [INFORES]})
    _write_metadata(folder / METADATA_FILE, nodes=nodes.count, edges=edges.count, affirmed_only=affirmed_only)
    fmt = ExportFormat.KGX_JSONL if jsonl else ExportFormat.KGX_TSV
    return KGXResult(fmt, file_names(jsonl=jsonl), nodes=nodes.count, edges=edges.count, left_out=left_out,
                     negated_left_out=negated)


def export_kgx(store: ox.Store, out: Path, *, jsonl: bool, affirmed_only: bool = False,
               progress: Progress | None = None) -> KGXResult:
    """Export KGX into a folder as :func:`kg.export.export` does (whole or not at all), with KGX's own options.

    Raises:
        UsageError: the folder cannot be written; nothing was written and any previous export is unchanged.
    """
    from ..files import atomic_folder
    from . import _raise_write_error, check_target, no_progress

    target = check_target(out, folder=True, names=file_names(jsonl=jsonl))
    try:
        with atomic_folder(target) as staging:
            return write_kgx(store, staging, jsonl=jsonl, progress=progress or no_progress,
                             affirmed_only=affirmed_only)
    except OSError as err:
        _raise_write_error(target, err)
        raise


def _write_metadata(path: Path, *, nodes: int, edges: int, affirmed_only: bool) -> None:
    """Write the graph's metadata: its source, what it holds, and the namespace of every prefix it uses."""
    prefixes = {prefix: PREFIXES[name] for name, prefix in (("wikidata", "WIKIDATA"),
                                                             ("pubchem.compound", "PUBCHEM.COMPOUND"))}
    prefixes.update({name: PREFIXES[name] for name in BIOLINK_PREFIXES if name in PREFIXES})
    metadata = {
        "id": "https://w3id.org/cekg/id/dataset",
        "name": "clinical-evidence-kg: claims of health documents",
        "description": "Each edge is a claim a document makes, not a fact: keep negated, modality, knowledge_level "
                       "and publications with the edges you use.",
        "knowledge_source": INFORES,
        "affirmed_only": affirmed_only,
        "nodes": nodes,
        "edges": edges,
        "prefixes": dict(sorted(prefixes.items())),
        "non_biolink_prefixes": dict(sorted(NON_BIOLINK_PREFIXES.items())),
    }
    path.write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
