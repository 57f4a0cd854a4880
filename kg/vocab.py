"""Namespaces, the prefix map, and the closed value sets of the claim model.

Each closed value set is an enum whose values are the spellings curators write in claims files and whose
``iri`` is the term the ontology defines for it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Self, cast

import curies

__all__ = [
    "BIOLINK",
    "CEKG",
    "ENT",
    "PREFIXES",
    "Bound",
    "Category",
    "Certainty",
    "CertaintyRule",
    "CitationStatus",
    "CurationMethod",
    "DocumentKind",
    "EntityType",
    "Modality",
    "Polarity",
    "converter",
]

BASE = "https://w3id.org/cekg/"
CEKG = BASE + "vocab#"
ENT = BASE + "id/entity/"
ID = BASE + "id/"
BIOLINK = "https://w3id.org/biolink/vocab/"
OBO = "http://purl.obolibrary.org/obo/"

#: The one prefix map of the project: every CURIE is expanded and compressed through it.
PREFIXES: dict[str, str] = {
    "cekg": CEKG,
    "ent": ENT,
    "doc": ID + "doc/",
    "CHEBI": OBO + "CHEBI_",
    "MONDO": OBO + "MONDO_",
    "HP": OBO + "HP_",
    "GO": OBO + "GO_",
    "ECO": OBO + "ECO_",
    "RO": OBO + "RO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "DRUGBANK": "https://go.drugbank.com/drugs/",
    "pubchem.compound": "https://pubchem.ncbi.nlm.nih.gov/compound/",
    "wikidata": "http://www.wikidata.org/entity/",
    "ror": "https://ror.org/",
    "HGNC": "https://identifiers.org/hgnc:",
    "ICD10CM": "https://icd.codes/icd10cm/",
    "SNOMEDCT": "http://snomed.info/id/",
    "RXNORM": "http://purl.bioontology.org/ontology/RXNORM/",
    "UNII": "https://precision.fda.gov/uniisearch/srs/unii/",
    "biolink": BIOLINK,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "cito": "http://purl.org/spar/cito/",
    "np": "http://www.nanopub.org/nschema#",
    "npx": "http://purl.org/nanopub/x/",
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "http://schema.org/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "vann": "http://purl.org/vocab/vann/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

converter = curies.Converter.from_prefix_map(PREFIXES)


class _Term(StrEnum):
    """A closed value set whose members name an ontology term."""

    @property
    def iri(self) -> str:
        """Return the ontology IRI of this value."""
        return CEKG + _camel(self.value)

    @classmethod
    def allowed(cls) -> str:
        """Return the allowed spellings, for error messages."""
        return ", ".join(m.value for m in cls)

    @classmethod
    def from_iri(cls, iri: str) -> Self:
        """Return the member whose ontology IRI is ``iri``.

        Where two members share an IRI (:class:`EntityType`'s ``organization`` and ``agent`` are both
        ``biolink:Agent``), the one declared first is returned.

        Raises:
            ValueError: no member of this enum has that IRI; the message names the IRI and the enum.

        >>> Modality.from_iri("https://w3id.org/cekg/vocab#Hedged")
        <Modality.HEDGED: 'hedged'>
        >>> EntityType.from_iri("https://w3id.org/biolink/vocab/Agent")
        <EntityType.ORGANIZATION: 'organization'>
        >>> Polarity.from_iri("https://w3id.org/cekg/vocab#Maybe")
        Traceback (most recent call last):
        ...
        ValueError: https://w3id.org/cekg/vocab#Maybe is not the IRI of any Polarity: use one of affirmed, negated
        """
        try:
            return cast(Self, _members_by_iri(cls)[iri])
        except KeyError:
            raise ValueError(f"{iri} is not the IRI of any {cls.__name__}: use one of {cls.allowed()}") from None


@cache
def _members_by_iri(enum: type[_Term]) -> dict[str, _Term]:
    found: dict[str, _Term] = {}
    for member in enum:
        found.setdefault(member.iri, member)  # the first declared wins where two members share an IRI
    return found


def _camel(value: str) -> str:
    return "".join(part.capitalize() for part in value.split("-"))


class Category(_Term):
    """What a claim is about."""

    PREVALENCE = "prevalence"
    PRESENTATION = "presentation"
    MECHANISM = "mechanism"
    EFFICACY = "efficacy"
    ADVERSE_EFFECT = "adverse-effect"
    REGULATORY_STATUS = "regulatory-status"
    ACCESS_AND_COST = "access-and-cost"
    INDICATION = "indication"
    HISTORY = "history"
    RESEARCH_STATUS = "research-status"


class Polarity(_Term):
    """Whether the document affirms or denies the claim's content."""

    AFFIRMED = "affirmed"
    NEGATED = "negated"


class Modality(_Term):
    """How strongly the document commits to the claim."""

    ASSERTED = "asserted"
    HEDGED = "hedged"
    SPECULATIVE = "speculative"


class CitationStatus(_Term):
    """What evidence the document gives for the claim."""

    TRACEABLE = "traceable"
    NAMED_UNREFERENCED = "named-unreferenced"
    NONE = "none"

    @property
    def iri(self) -> str:
        return CEKG + {"traceable": "TraceableReference", "named-unreferenced": "NamedUnreferenced",
                       "none": "NoCitation"}[self.value]

    @property
    def eco(self) -> str:
        """Return the ECO evidence code: traceable author statement, else non-traceable author statement."""
        return OBO + ("ECO_0000033" if self is CitationStatus.TRACEABLE else "ECO_0000034")


class CurationMethod(_Term):
    """How a claim came into the claims file."""

    MANUAL = "manual"
    TEXT_MINING = "text-mining"

    @property
    def iri(self) -> str:
        return CEKG + {"manual": "ManualCuration", "text-mining": "TextMining"}[self.value]

    @property
    def eco(self) -> str:
        """Return the ECO code: manual assertion, or automatic assertion for text mining."""
        return OBO + ("ECO_0000218" if self is CurationMethod.MANUAL else "ECO_0000203")


class Bound(_Term):
    """How a reported number bounds the true value ("over 39 million")."""

    EXACTLY = "exactly"
    ABOUT = "about"
    OVER = "over"
    UNDER = "under"
    AT_LEAST = "at-least"
    AT_MOST = "at-most"

    @property
    def iri(self) -> str:
        return CEKG + "Bound" + _camel(self.value)


class DocumentKind(_Term):
    """The genre of a document, which weighs on how its claims are read."""

    WEB_ARTICLE = "web-article"
    MARKETING_PAGE = "marketing-page"
    DRUG_LABEL = "drug-label"
    REGULATORY_DECISION = "regulatory-decision"
    ABSTRACT = "abstract"
    NEWS = "news"


class Certainty(_Term):
    """How firmly the graph holds a claim, derived by the certainty rules (:mod:`kg.certainty`), lowest first."""

    VERY_LOW = "very-low"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def iri(self) -> str:
        return CEKG + _camel(self.value) + "Certainty"

    @property
    def rank(self) -> int:
        """Return the level as a number: 0 for very low up to 3 for high.

        >>> Certainty.HIGH.rank - Certainty.LOW.rank
        2
        """
        return list(Certainty).index(self)


class CertaintyRule(_Term):
    """A rule of the certainty rule set (``ontology/certainty.yaml``): the start from the source, then changes."""

    SOURCE_KIND = "source-kind"
    HEDGED = "hedged"
    SPECULATIVE = "speculative"
    UNREFERENCED_AGENT = "unreferenced-agent"
    PROMOTIONAL_LINK = "promotional-link"
    CHALLENGED = "challenged"
    INDEPENDENT_SUPPORT = "independent-support"

    @property
    def iri(self) -> str:
        """Return the rule's concept, e.g. ``cekg:HedgedRule``.

        >>> CertaintyRule.INDEPENDENT_SUPPORT.iri
        'https://w3id.org/cekg/vocab#IndependentSupportRule'
        """
        return CEKG + _camel(self.value) + "Rule"


class EntityType(_Term):
    """The kind of thing an entity is; each maps to a Biolink category."""

    DRUG = "drug"
    CHEMICAL = "chemical"
    DISEASE = "disease"
    PHENOTYPE = "phenotype"
    MOLECULAR_ENTITY = "molecular-entity"
    PROCEDURE = "procedure"
    ORGANIZATION = "organization"
    AGENT = "agent"
    STUDY = "study"
    PLACE = "place"
    POPULATION = "population"
    CONCEPT = "concept"

    @property
    def iri(self) -> str:
        """Return the Biolink category used as the entity's ``rdf:type``."""
        return BIOLINK + {
            "drug": "Drug",
            "chemical": "ChemicalEntity",
            "disease": "Disease",
            "phenotype": "PhenotypicFeature",
            "molecular-entity": "MacromolecularComplex",
            "procedure": "Procedure",
            "organization": "Agent",
            "agent": "Agent",
            "study": "Study",
            "place": "GeographicLocation",
            "population": "PopulationOfIndividualOrganisms",
            "concept": "NamedThing",
        }[self.value]

    @property
    def is_agent(self) -> bool:
        """Whether a claim can be attributed to an entity of this type."""
        return self in (EntityType.ORGANIZATION, EntityType.AGENT, EntityType.STUDY)
