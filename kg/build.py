"""Turn the checked corpus into RDF quads: the statement view in the default graph, a nanopublication per claim.

Statement view (default graph): a ``cekg:Claim`` node per claim with its content, facets and Web Annotation
anchor, plus a direct ``subject predicate object`` edge for affirmed claims with an entity object; documents,
entities and the ontology sit beside them. Nanopublication view: for each claim four named graphs, ``head``,
``assertion``, ``provenance`` and ``pubinfo``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from . import iris
from .corpus import Corpus
from .errors import DataError, Problem
from .model import Claim, Document, Entity
from .resources import ontology_file
from .vocab import CEKG, PREFIXES, Polarity

__all__ = ["claim_quads", "corpus_quads", "document_quads", "entity_quads", "ontology_quads"]

_DEFAULT = ox.DefaultGraph()
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
XSD = PREFIXES["xsd"]


def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


def _c(local: str) -> ox.NamedNode:
    return ox.NamedNode(CEKG + local)


_Sink = Callable[[ox.NamedNode, ox.NamedNode, "ox.NamedNode | ox.Literal"], None]


def _sink(out: list[ox.Quad], graph: ox.NamedNode | ox.DefaultGraph) -> _Sink:
    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Quad(s, p, o, graph))

    return add


def _string(value: str) -> ox.Literal:
    return ox.Literal(value)


def _number(value: Decimal | int) -> ox.Literal:
    if isinstance(value, int) or value == value.to_integral_value():
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(format(value.normalize(), "f"), datatype=ox.NamedNode(XSD + "decimal"))


def _date(value: str) -> ox.Literal:
    for pattern, datatype in ((r"\d{4}-\d{2}-\d{2}", "date"), (r"\d{4}-\d{2}", "gYearMonth"), (r"\d{4}", "gYear")):
        if re.fullmatch(pattern, value):
            return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(value)


def _url(value: str) -> ox.NamedNode | ox.Literal:
    candidate = value if "://" in value else f"http://{value}" if value.startswith("www.") else None
    if candidate:
        try:
            return ox.NamedNode(candidate)
        except ValueError:
            pass
    return ox.Literal(value)


def ontology_quads() -> list[ox.Quad]:
    """Return the shipped ontology as quads in the default graph."""
    with ontology_file().open("rb") as handle:
        return [ox.Quad(t.subject, t.predicate, t.object, _DEFAULT)
                for t in ox.parse(handle, format=ox.RdfFormat.TURTLE)]


def document_quads(document: Document) -> list[ox.Quad]:
    """Return a document's description: metadata, hash, text and outbound links."""
    out: list[ox.Quad] = []
    add = _sink(out, _DEFAULT)
    doc = ox.NamedNode(iris.document_iri(document.sha256))
    add(doc, RDF_TYPE, _c("Document"))
    add(doc, _c("documentKind"), ox.NamedNode(document.kind.iri))
    add(doc, _n("dcterms", "identifier"), _string(document.id))
    add(doc, _n("dcterms", "title"), _string(document.title))
    add(doc, _n("dcterms", "format"), _string(document.media_type))
    add(doc, _c("sha256"), _string(document.sha256))
    add(doc, _c("text"), _string(document.text))
    if document.source:
        add(doc, _n("dcterms", "source"), _url(document.source))
    if document.date:
        add(doc, _n("dcterms", "date"), _date(document.date))
    if document.retrieved:
        add(doc, _c("dateRetrieved"), _date(document.retrieved))
    if document.licence:
        add(doc, _n("dcterms", "rights"), _string(document.licence))
    for link in document.links:
        node = ox.NamedNode(iris.link_iri(document.sha256, link.url, link.start))
        add(doc, _c("outboundLink"), node)
        add(node, RDF_TYPE, _c("OutboundLink"))
        add(node, _c("linkTarget"), _url(link.url))
        add(node, _c("promotional"), ox.Literal("true" if link.promotional else "false",
                                                datatype=ox.NamedNode(XSD + "boolean")))
        add(node, _n("oa", "start"), _number(link.start))
        add(node, _n("oa", "end"), _number(link.end))
        if link.reason:
            add(node, _c("promotionReason"), _string(link.reason))
    return out


def entity_quads(entity: Entity) -> list[ox.Quad]:
    """Return an entity's description: type, labels and mappings to other identifiers."""
    out: list[ox.Quad] = []
    add = _sink(out, _DEFAULT)
    node = ox.NamedNode(entity.iri)
    add(node, RDF_TYPE, _c("Entity"))
    add(node, RDF_TYPE, ox.NamedNode(entity.type.iri))
    add(node, _n("rdfs", "label"), _string(entity.label))
    for synonym in entity.synonyms:
        add(node, _n("skos", "altLabel"), _string(synonym))
    if entity.description:
        add(node, _n("skos", "definition"), _string(entity.description))
    for prop, targets in (("exactMatch", entity.exact_matches), ("closeMatch", entity.close_matches),
                          ("broader", entity.broader)):
        for target in targets:
            add(node, _n("skos", prop), ox.NamedNode(target))
    return out


def _claim_content(add: _Sink, claim: Claim, node: ox.NamedNode, document: ox.NamedNode) -> None:
    """Add what a claim says and how: the triples shared by the statement view and the assertion graph."""
    add(node, RDF_TYPE, _c("Claim"))
    add(node, _n("dcterms", "identifier"), _string(claim.id))
    add(node, _c("category"), ox.NamedNode(claim.category.iri))
    add(node, _c("subject"), ox.NamedNode(claim.subject))
    add(node, _c("predicate"), ox.NamedNode(claim.predicate))
    if claim.object is not None:
        add(node, _c("object"), ox.NamedNode(claim.object))
    if claim.quantity is not None:
        quantity = ox.NamedNode(node.value + "/quantity")
        q = claim.quantity
        add(node, _c("quantity"), quantity)
        add(quantity, RDF_TYPE, _c("Quantity"))
        add(quantity, _c("value"), _number(q.value))
        add(quantity, _c("bound"), ox.NamedNode(q.bound.iri))
        if q.unit:
            add(quantity, _c("unit"), _string(q.unit))
        if q.population:
            add(quantity, _c("populationDescription"), _string(q.population))
        if q.place:
            add(quantity, _c("place"), ox.NamedNode(q.place))
        if q.year is not None:
            add(quantity, _c("year"), ox.Literal(str(q.year), datatype=ox.NamedNode(XSD + "gYear")))
    add(node, _c("polarity"), ox.NamedNode(claim.polarity.iri))
    add(node, _c("modality"), ox.NamedNode(claim.modality.iri))
    for cue in claim.cues:
        add(node, _c("cue"), _string(cue))
    add(node, _c("assertedBy"), document)
    if claim.attributed_to:
        add(node, _c("attributedTo"), ox.NamedNode(claim.attributed_to))
    add(node, _c("citationStatus"), ox.NamedNode(claim.citation.iri))
    add(node, _c("evidence"), ox.NamedNode(claim.citation.eco))
    for reference in claim.references:
        add(node, _n("dcterms", "references"), _url(reference))
    for key in ("condition", "agency", "jurisdiction", "population"):
        value = getattr(claim, key)
        if value:
            add(node, _c(key), ox.NamedNode(value))
    if claim.route:
        add(node, _c("route"), _string(claim.route))


def _anchor(add: _Sink, claim: Claim, node: ox.NamedNode, document: ox.NamedNode) -> ox.NamedNode:
    anchor = ox.NamedNode(node.value + "/anchor")
    quote = ox.NamedNode(anchor.value + "/quote")
    position = ox.NamedNode(anchor.value + "/position")
    add(anchor, RDF_TYPE, _n("oa", "SpecificResource"))
    add(anchor, _n("oa", "hasSource"), document)
    add(anchor, _c("sourceSha256"), _string(claim.document_sha256))
    add(anchor, _n("oa", "hasSelector"), quote)
    add(anchor, _n("oa", "hasSelector"), position)
    add(quote, RDF_TYPE, _n("oa", "TextQuoteSelector"))
    add(quote, _n("oa", "exact"), _string(claim.anchor.quote))
    add(quote, _n("oa", "prefix"), _string(claim.anchor.prefix))
    add(quote, _n("oa", "suffix"), _string(claim.anchor.suffix))
    add(position, RDF_TYPE, _n("oa", "TextPositionSelector"))
    add(position, _n("oa", "start"), _number(claim.anchor.start))
    add(position, _n("oa", "end"), _number(claim.anchor.end))
    return anchor


def claim_quads(claim: Claim, ids: dict[str, str]) -> list[ox.Quad]:
    """Return both views of one claim.

    Args:
        claim: the claim.
        ids: the IRI of every claim in the build, by claim id, to resolve supports and challenges.
    """
    out: list[ox.Quad] = []
    node = ox.NamedNode(ids[claim.id])
    key = node.value.rsplit("/", 1)[1]
    document = ox.NamedNode(iris.document_iri(claim.document_sha256))
    np = ox.NamedNode(iris.nanopub_iri(key))
    head, assertion, provenance, pubinfo = (ox.NamedNode(f"{np.value}/{g}")
                                            for g in ("head", "assertion", "provenance", "pubinfo"))
    curator = ox.NamedNode(iris.agent_iri(claim.curation.curator))

    # Statement view, with the direct edge that keeps simple questions simple: affirmed claims only, and only
    # here, never in a nanopublication's assertion, where it would read as the curator's own statement of fact.
    add = _sink(out, _DEFAULT)
    _claim_content(add, claim, node, document)
    if claim.polarity is Polarity.AFFIRMED and claim.object is not None:
        add(ox.NamedNode(claim.subject), ox.NamedNode(claim.predicate), ox.NamedNode(claim.object))
    anchor = _anchor(add, claim, node, document)
    add(node, _c("anchor"), anchor)
    add(node, _c("curationMethod"), ox.NamedNode(claim.curation.method.iri))
    add(node, _c("nanopublication"), np)
    add(node, _c("status"), _string(claim.status))
    if claim.note:
        add(node, _n("rdfs", "comment"), _string(claim.note))
    for relation, targets in (("supports", claim.supports), ("challenges", claim.challenges)):
        for target in targets:
            add(node, _c(relation), ox.NamedNode(ids[target]))
    add(curator, RDF_TYPE, _n("prov", "Agent"))
    add(curator, _n("rdfs", "label"), _string(claim.curation.curator))

    # Nanopublication view.
    add = _sink(out, head)
    add(np, RDF_TYPE, _n("np", "Nanopublication"))
    add(np, _n("np", "hasAssertion"), assertion)
    add(np, _n("np", "hasProvenance"), provenance)
    add(np, _n("np", "hasPublicationInfo"), pubinfo)
    _claim_content(_sink(out, assertion), claim, node, document)
    add = _sink(out, provenance)
    add(assertion, _n("prov", "wasDerivedFrom"), _anchor(add, claim, node, document))
    add(assertion, _n("prov", "wasQuotedFrom"), document)
    add(assertion, _n("prov", "wasAttributedTo"), curator)
    add(assertion, _c("evidence"), ox.NamedNode(claim.curation.method.eco))
    add(assertion, _c("evidence"), ox.NamedNode(claim.citation.eco))
    add = _sink(out, pubinfo)
    add(np, _n("prov", "wasAttributedTo"), curator)
    add(np, _c("curationMethod"), ox.NamedNode(claim.curation.method.iri))
    add(np, _n("dcterms", "subject"), node)
    if claim.curation.date:
        add(np, _n("dcterms", "created"), _date(claim.curation.date))
    if claim.curation.tool:
        add(np, _c("extractor"), _string(claim.curation.tool))
    return out


def claim_ids(corpus: Corpus) -> dict[str, str]:
    """Return the IRI of every claim of the corpus, by claim id.

    Raises:
        DataError: two claims say the same thing at the same place of the same text.
    """
    ids: dict[str, str] = {}
    owners: dict[str, Claim] = {}
    problems = []
    for claim in corpus.claims:
        quantity = None
        if claim.quantity is not None:
            q = claim.quantity
            quantity = (str(q.value), q.unit, q.bound.value, q.population, q.place, q.year)
        key = iris.claim_key(claim.document_sha256, claim.anchor.start, claim.anchor.end, claim.subject,
                             claim.predicate, claim.object, quantity, claim.polarity.value)
        if key in owners:
            first = owners[key]
            problems.append(Problem(f"says the same as claim {first.id!r} ({first.location}) at the same place: "
                                    "remove one of them", file=_where(claim, "file"), line=_where(claim, "line"),
                                    claim=claim.id))
        owners[key] = claim
        ids[claim.id] = iris.claim_iri(key)
    if problems:
        raise DataError(problems)
    return ids


def _where(claim: Claim, attribute: str) -> Any:
    return getattr(claim.location, attribute) if claim.location else None


def corpus_quads(corpus: Corpus, *, progress: Callable[[Iterable[Claim]], Iterable[Claim]] | None = None
                 ) -> Iterator[ox.Quad]:
    """Yield every quad of the corpus: ontology, documents, entities, then both views of each claim.

    Args:
        corpus: the checked corpus.
        progress: wraps the iteration over claims, e.g. in a progress bar.
    """
    yield from ontology_quads()
    for document in corpus.documents.values():
        yield from document_quads(document)
    for entity in corpus.entities.values():
        yield from entity_quads(entity)
    ids = claim_ids(corpus)
    for claim in progress(corpus.claims) if progress else corpus.claims:
        yield from claim_quads(claim, ids)
