"""How often each facet of the claim model occurs, counted on the curated corpus in ``data/`` (69 claims).

Counts are kept as counts (not rounded shares) so that the table reads against the corpus it came from; see
``bench/README.md`` for where each one departs from the curated corpus and why.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ATTRIBUTED",
    "ATTRIBUTION_TYPES",
    "CHALLENGES",
    "CITATION_IF_ATTRIBUTED",
    "CITATION_IF_NOT_ATTRIBUTED",
    "CLAIMS_PER_DOCUMENT",
    "DOCUMENT_KINDS",
    "ENTITY_TYPES",
    "MODALITY",
    "NEGATED",
    "NOTE",
    "OBJECTS_PER_QUOTE",
    "OBJECT_TYPE",
    "PREDICATES",
    "QUALIFIERS",
    "QUANTITY_PREDICATES",
    "SUBJECT_TYPE",
    "SUPPORTS",
    "TEXT_MINED_FILES",
    "share",
]

#: (category, predicate) -> number of curated claims. Every claim predicate in use, under its category.
PREDICATES: Mapping[tuple[str, str], int] = {
    ("efficacy", "treats"): 4, ("efficacy", "prevents"): 4, ("efficacy", "reducesSeverityOf"): 2,
    ("efficacy", "hasEvidenceOfEfficacyFor"): 2, ("efficacy", "reducesFrequencyOf"): 1, ("efficacy", "improves"): 1,
    ("indication", "indicatedFor"): 4, ("indication", "usedToTreat"): 3, ("indication", "treatmentOptionFor"): 3,
    ("indication", "hasRole"): 1,
    ("regulatory-status", "hasStrength"): 3, ("regulatory-status", "requires"): 3,
    ("regulatory-status", "hasRegulatoryStatus"): 2, ("regulatory-status", "firstApprovedIn"): 1,
    ("regulatory-status", "coveredBy"): 1,
    ("adverse-effect", "hasAdverseEffect"): 7, ("adverse-effect", "interactsWith"): 2,
    ("access-and-cost", "hasAccessBarrier"): 5, ("access-and-cost", "coveredBy"): 2,
    ("access-and-cost", "medicallyNecessaryFor"): 1,
    ("research-status", "needsFurtherStudyFor"): 2, ("research-status", "investigatedFor"): 1,
    ("research-status", "investigatedForPreventionOf"): 1, ("research-status", "treatmentOptionFor"): 1,
    ("research-status", "standardTreatmentFor"): 1, ("research-status", "wellStudiedFor"): 1,
    ("mechanism", "reduces"): 2, ("mechanism", "mechanismUnderstoodFor"): 1, ("mechanism", "blocks"): 1,
    ("history", "usedIn"): 2, ("history", "hasRole"): 1,
    ("presentation", "causes"): 1, ("presentation", "requires"): 1,
    ("prevalence", "hasPrevalence"): 1,
}

#: Predicates whose claims report a number instead of an entity object.
QUANTITY_PREDICATES = frozenset({"hasStrength", "firstApprovedIn", "hasPrevalence"})

#: Entity type of the subject, by category (drugs for all but what a condition itself is said to be or do).
SUBJECT_TYPE: Mapping[str, str] = {"presentation": "disease", "prevalence": "disease"}

#: Entity type of the object, by predicate.
OBJECT_TYPE: Mapping[str, str] = {
    "treats": "disease", "prevents": "disease", "reducesSeverityOf": "disease", "hasEvidenceOfEfficacyFor": "disease",
    "reducesFrequencyOf": "disease", "improves": "phenotype", "indicatedFor": "disease", "usedToTreat": "disease",
    "treatmentOptionFor": "disease", "hasRole": "concept", "requires": "procedure",
    "hasRegulatoryStatus": "concept", "coveredBy": "concept", "hasAdverseEffect": "phenotype",
    "interactsWith": "drug", "hasAccessBarrier": "concept", "medicallyNecessaryFor": "disease",
    "needsFurtherStudyFor": "disease", "investigatedFor": "disease", "investigatedForPreventionOf": "disease",
    "standardTreatmentFor": "disease", "wellStudiedFor": "disease", "reduces": "phenotype",
    "mechanismUnderstoodFor": "disease", "blocks": "molecular-entity", "usedIn": "procedure",
    "causes": "phenotype",
}

#: Claims sharing one quote (a sentence listing several objects): 69 claims over 52 quotes in the curated corpus.
OBJECTS_PER_QUOTE: Mapping[int, int] = {1: 42, 2: 6, 3: 5}

NEGATED = (14, 69)
MODALITY: Mapping[str, int] = {"asserted": 53, "hedged": 12, "speculative": 4}
ATTRIBUTED = (13, 69)
ATTRIBUTION_TYPES: Mapping[str, int] = {"study": 6, "organization": 5, "agent": 2}
#: The curated corpus has no traceable reference at all; a share is added so that every facet is exercised.
CITATION_IF_ATTRIBUTED: Mapping[str, int] = {"named-unreferenced": 70, "traceable": 15, "none": 15}
CITATION_IF_NOT_ATTRIBUTED: Mapping[str, int] = {"none": 97, "traceable": 3}
#: Claims with a ``supports`` link (one target each), and with ``challenges`` links (and how many targets).
SUPPORTS = (10, 69)
CHALLENGES: Mapping[int, int] = {0: 64, 1: 2, 2: 2, 3: 1}
#: Qualifiers and notes: claims carrying each, out of 69.
QUALIFIERS: Mapping[str, int] = {"route": 14, "condition": 8, "agency": 6, "jurisdiction": 7, "population": 5}
NOTE = (13, 69)
#: Claims files whose claims came from rule-based extraction (the curated corpus has none: a tenth exercises it).
TEXT_MINED_FILES = (1, 10)

#: Entity types of the curated vocabulary (58 entities).
ENTITY_TYPES: Mapping[str, int] = {
    "concept": 13, "phenotype": 10, "drug": 8, "procedure": 7, "disease": 6, "organization": 5, "study": 3,
    "place": 2, "chemical": 1, "molecular-entity": 1, "agent": 1, "population": 1,
}

#: Document kinds (the curated corpus has one web article, one drug label and one regulatory decision; a review
#: team's collection leans to web pages).
DOCUMENT_KINDS: Mapping[str, int] = {
    "web-article": 30, "marketing-page": 20, "news": 15, "abstract": 15, "drug-label": 10,
    "regulatory-decision": 10,
}
#: Claims per document: uniform between these bounds (the curated documents have 17, 18 and 34).
CLAIMS_PER_DOCUMENT = (20, 40)


def share(pair: tuple[int, int]) -> float:
    """Return a ``(count, total)`` pair as a fraction.

    >>> share((13, 69)) == 13 / 69
    True
    """
    count, total = pair
    return count / total
