"""Turn the checked corpus into RDF quads: the statement view in the default graph, a nanopublication per claim.

Statement view (default graph): a ``cekg:Claim`` node per claim with its content, facets and Web Annotation
anchor, plus a direct ``subject predicate object`` edge for affirmed claims with an entity object; documents,
entities and the ontology sit beside them. Nanopublication view: for each claim four named graphs, ``head``,
``assertion``, ``provenance`` and ``pubinfo``.

The build writes N-Quads text: a store is filled by Oxigraph's bulk loader straight from these lines, which is
several times faster than making a Python object per quad. The functions returning quads parse the same lines
back, so there is one description of the graph. Every IRI written here is either minted by :mod:`kg.iris` or
was checked by Oxigraph when the data was loaded, and every literal goes through :func:`_string`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

import pyoxigraph as ox

from . import iris
from .corpus import Corpus
from .errors import DataError, Problem
from .model import Claim, Document, Entity
from .resources import ontology_file
from .vocab import CEKG, PREFIXES, Polarity

__all__ = [
    "ClaimLines",
    "claim_ids",
    "claim_key",
    "claim_lines",
    "claim_quads",
    "corpus_nquads",
    "corpus_quads",
    "document_lines",
    "document_quads",
    "entity_lines",
    "entity_quads",
    "ontology_nquads",
    "ontology_quads",
    "parse_lines",
    "shared_lines",
]

XSD = PREFIXES["xsd"]
#: The graph term of a line in the default graph: none at all.
DEFAULT_GRAPH = ""
#: How many claims go into one chunk of N-Quads handed to the store.
CHUNK_CLAIMS = 2000

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@cache
def _n(prefix: str, local: str) -> str:
    return f"<{PREFIXES[prefix]}{local}>"


@cache
def _c(local: str) -> str:
    return f"<{CEKG}{local}>"


def _iri(value: str) -> str:
    return f"<{value}>"


RDF_TYPE = _n("rdf", "type")
_Sink = Callable[[str, str, str], None]


def _sink(out: list[str], graph: str) -> _Sink:
    if graph == DEFAULT_GRAPH:
        def add(s: str, p: str, o: str) -> None:
            out.append(f"{s} {p} {o} .\n")
    else:
        def add(s: str, p: str, o: str) -> None:
            out.append(f"{s} {p} {o} {graph} .\n")
    return add


def _triples(out: list[str]) -> _Sink:
    """Collect ``subject predicate object`` without a graph, for triples that go into two graphs."""
    def add(s: str, p: str, o: str) -> None:
        out.append(f"{s} {p} {o}")
    return add


def _in_graph(triples: list[str], graph: str) -> list[str]:
    if graph == DEFAULT_GRAPH:
        return [f"{t} .\n" for t in triples]
    return [f"{t} {graph} .\n" for t in triples]


@lru_cache(maxsize=None, typed=True)
def _term(member: Any) -> str:
    """Return the IRI of a closed value (category, modality, ...) as an N-Quads term."""
    return f"<{member.iri}>"


@lru_cache(maxsize=None, typed=True)
def _eco(member: Any) -> str:
    """Return the ECO evidence code of a citation status or curation method as an N-Quads term."""
    return f"<{member.eco}>"


def _string(value: str) -> str:
    return '"' + value.translate(_ESCAPES) + '"'


def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical.translate(_ESCAPES)}"^^<{XSD}{datatype}>'


def _number(value: Decimal | int) -> str:
    if isinstance(value, int) or value == value.to_integral_value():
        return f'"{int(value)}"^^<{XSD}integer>'
    return f'"{format(value.normalize(), "f")}"^^<{XSD}decimal>'


def _date(value: str) -> str:
    for pattern, datatype in ((r"\d{4}-\d{2}-\d{2}", "date"), (r"\d{4}-\d{2}", "gYearMonth"), (r"\d{4}", "gYear")):
        if re.fullmatch(pattern, value):
            return _typed(value, datatype)
    return _string(value)


@lru_cache(maxsize=65536)
def _url(value: str) -> str:
    candidate = value if "://" in value else f"http://{value}" if value.startswith("www.") else None
    if candidate:
        try:
            ox.NamedNode(candidate)  # what Oxigraph refuses as an IRI stays a string
        except ValueError:
            pass
        else:
            return _iri(candidate)
    return _string(value)


def parse_lines(lines: Iterable[str]) -> list[ox.Quad]:
    """Return the quads of N-Quads lines."""
    return list(ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS))


@lru_cache(maxsize=4)
def _ontology_nquads(path: str, _mtime: int, _size: int) -> bytes:
    with open(path, "rb") as handle:
        triples = ox.parse(handle, format=ox.RdfFormat.TURTLE)
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def ontology_nquads() -> bytes:
    """Return the shipped ontology as N-Quads lines in the default graph."""
    path = ontology_file()
    stat = path.stat()
    return _ontology_nquads(str(path), stat.st_mtime_ns, stat.st_size)


def ontology_quads() -> list[ox.Quad]:
    """Return the shipped ontology as quads in the default graph."""
    return list(ox.parse(ontology_nquads(), format=ox.RdfFormat.N_QUADS))


def document_lines(document: Document) -> list[str]:
    """Return a document's description as N-Quads lines: metadata, hash, text and outbound links."""
    out: list[str] = []
    add = _sink(out, DEFAULT_GRAPH)
    doc = _iri(iris.document_iri(document.sha256))
    add(doc, RDF_TYPE, _c("Document"))
    add(doc, _c("documentKind"), _term(document.kind))
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
        node = _iri(iris.link_iri(document.sha256, link.url, link.start))
        add(doc, _c("outboundLink"), node)
        add(node, RDF_TYPE, _c("OutboundLink"))
        add(node, _c("linkTarget"), _url(link.url))
        add(node, _c("promotional"), _typed("true" if link.promotional else "false", "boolean"))
        add(node, _n("oa", "start"), _number(link.start))
        add(node, _n("oa", "end"), _number(link.end))
        if link.reason:
            add(node, _c("promotionReason"), _string(link.reason))
    return out


def document_quads(document: Document) -> list[ox.Quad]:
    """Return a document's description: metadata, hash, text and outbound links."""
    return parse_lines(document_lines(document))


def entity_lines(entity: Entity) -> list[str]:
    """Return an entity's description as N-Quads lines: type, labels and mappings to other identifiers."""
    out: list[str] = []
    add = _sink(out, DEFAULT_GRAPH)
    node = _iri(entity.iri)
    add(node, RDF_TYPE, _c("Entity"))
    add(node, RDF_TYPE, _term(entity.type))
    add(node, _n("rdfs", "label"), _string(entity.label))
    for synonym in entity.synonyms:
        add(node, _n("skos", "altLabel"), _string(synonym))
    if entity.description:
        add(node, _n("skos", "definition"), _string(entity.description))
    for prop, targets in (("exactMatch", entity.exact_matches), ("closeMatch", entity.close_matches),
                          ("broader", entity.broader)):
        for target in targets:
            add(node, _n("skos", prop), _iri(target))
    return out


def entity_quads(entity: Entity) -> list[ox.Quad]:
    """Return an entity's description: type, labels and mappings to other identifiers."""
    return parse_lines(entity_lines(entity))


def _claim_content(add: _Sink, claim: Claim, parts: iris.ClaimIris, document: str) -> None:
    """Add what a claim says and how: the triples shared by the statement view and the assertion graph."""
    node = _iri(parts.node)
    add(node, RDF_TYPE, _c("Claim"))
    add(node, _n("dcterms", "identifier"), _string(claim.id))
    add(node, _c("category"), _term(claim.category))
    add(node, _c("subject"), _iri(claim.subject))
    add(node, _c("predicate"), _iri(claim.predicate))
    if claim.object is not None:
        add(node, _c("object"), _iri(claim.object))
    if claim.quantity is not None:
        quantity = _iri(parts.quantity)
        q = claim.quantity
        add(node, _c("quantity"), quantity)
        add(quantity, RDF_TYPE, _c("Quantity"))
        add(quantity, _c("value"), _number(q.value))
        add(quantity, _c("bound"), _term(q.bound))
        if q.unit:
            add(quantity, _c("unit"), _string(q.unit))
        if q.population:
            add(quantity, _c("populationDescription"), _string(q.population))
        if q.place:
            add(quantity, _c("place"), _iri(q.place))
        if q.year is not None:
            add(quantity, _c("year"), _typed(str(q.year), "gYear"))
    add(node, _c("polarity"), _term(claim.polarity))
    add(node, _c("modality"), _term(claim.modality))
    for cue in claim.cues:
        add(node, _c("cue"), _string(cue))
    add(node, _c("assertedBy"), document)
    if claim.attributed_to:
        add(node, _c("attributedTo"), _iri(claim.attributed_to))
    add(node, _c("citationStatus"), _term(claim.citation))
    add(node, _c("evidence"), _eco(claim.citation))
    for reference in claim.references:
        add(node, _n("dcterms", "references"), _url(reference))
    for key in ("condition", "agency", "jurisdiction", "population"):
        value = getattr(claim, key)
        if value:
            add(node, _c(key), _iri(value))
    if claim.route:
        add(node, _c("route"), _string(claim.route))


def _standard_terms(add: _Sink, claim: Claim, parts: iris.ClaimIris, document: str, anchor: str) -> None:
    """Add the claim in the standard terms a reader knows first: RDF, Biolink, PROV, Web Annotation (see docs)."""
    node = _iri(parts.node)
    for cls in (_n("rdf", "Statement"), _n("biolink", "Association"), _n("prov", "Entity")):
        add(node, RDF_TYPE, cls)
    for part, value in (("subject", claim.subject), ("predicate", claim.predicate),
                        ("object", claim.object if claim.object is not None else parts.quantity)):
        add(node, _n("rdf", part), _iri(value))
    for prov, value in (("wasAttributedTo", _iri(claim.attributed_to) if claim.attributed_to else document),
                        ("wasQuotedFrom", document), ("wasDerivedFrom", anchor)):
        add(node, _n("prov", prov), value)
    annotation = _iri(parts.annotation)
    for prop, value in ((RDF_TYPE, _n("oa", "Annotation")), (_n("oa", "motivatedBy"), _n("oa", "describing")),
                        (_n("oa", "hasTarget"), anchor), (_n("oa", "hasBody"), node)):
        add(annotation, prop, value)


def _anchor(add: _Sink, claim: Claim, parts: iris.ClaimIris, document: str) -> str:
    anchor, quote, position = _iri(parts.anchor), _iri(parts.quote), _iri(parts.position)
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


@dataclass(frozen=True)
class ClaimLines:
    """Both views of one claim as N-Quads lines.

    Attributes:
        own: the lines that belong to this claim alone (their subject or graph is the claim's).
        shared: the lines other claims may give too: the direct edge, and the curator's type and label.
    """

    own: list[str]
    shared: list[str]


def claim_lines(claim: Claim, ids: Mapping[str, str]) -> ClaimLines:
    """Return both views of one claim as N-Quads lines.

    Args:
        claim: the claim.
        ids: the IRI of every claim in the build, by claim id, to resolve supports and challenges.
    """
    out: list[str] = []
    parts = iris.claim_iris(iris.key_of(ids[claim.id]))
    node, np = _iri(parts.node), _iri(parts.nanopub)
    document = _iri(iris.document_iri(claim.document_sha256))
    head, assertion, provenance, pubinfo = (_iri(graph) for graph in parts.graphs)
    curator = _iri(iris.agent_iri(claim.curation.curator))

    # What the claim says, and its anchor, go into two graphs each: made once, written twice.
    content: list[str] = []
    _claim_content(_triples(content), claim, parts, document)
    anchoring: list[str] = []
    anchor = _anchor(_triples(anchoring), claim, parts, document)

    # Statement view (its direct edge is among the shared lines).
    out += _in_graph(content, DEFAULT_GRAPH)
    out += _in_graph(anchoring, DEFAULT_GRAPH)
    add = _sink(out, DEFAULT_GRAPH)
    add(node, _c("anchor"), anchor)
    add(node, _c("curationMethod"), _term(claim.curation.method))
    add(node, _c("nanopublication"), np)
    add(node, _c("status"), _string(claim.status))
    if claim.note:
        add(node, _n("rdfs", "comment"), _string(claim.note))
    for relation, cito, targets in (("supports", "supports", claim.supports),
                                    ("challenges", "disputes", claim.challenges)):
        for target in targets:
            add(node, _c(relation), _iri(ids[target]))
            add(node, _n("cito", cito), _iri(ids[target]))
    _standard_terms(add, claim, parts, document, anchor)

    # Nanopublication view.
    add = _sink(out, head)
    add(np, RDF_TYPE, _n("np", "Nanopublication"))
    add(np, _n("np", "hasAssertion"), assertion)
    add(np, _n("np", "hasProvenance"), provenance)
    add(np, _n("np", "hasPublicationInfo"), pubinfo)
    out += _in_graph(content, assertion)
    out += _in_graph(anchoring, provenance)
    add = _sink(out, provenance)
    add(assertion, _n("prov", "wasDerivedFrom"), anchor)
    add(assertion, _n("prov", "wasQuotedFrom"), document)
    add(assertion, _n("prov", "wasAttributedTo"), curator)
    add(assertion, _c("evidence"), _eco(claim.curation.method))
    add(assertion, _c("evidence"), _eco(claim.citation))
    add = _sink(out, pubinfo)
    add(np, _n("prov", "wasAttributedTo"), curator)
    add(np, _c("curationMethod"), _term(claim.curation.method))
    add(np, _n("dcterms", "subject"), node)
    if claim.curation.date:
        add(np, _n("dcterms", "created"), _date(claim.curation.date))
    if claim.curation.tool:
        add(np, _c("extractor"), _string(claim.curation.tool))
    return ClaimLines(own=out, shared=shared_lines(claim))


def shared_lines(claim: Claim) -> list[str]:
    """Return the lines of a claim that other claims may give too: its direct edge and its curator."""
    out: list[str] = []
    add = _sink(out, DEFAULT_GRAPH)
    # The direct edge that keeps simple questions simple: affirmed claims only, and only in the statement view,
    # never in a nanopublication's assertion, where it would read as the curator's own statement of fact.
    if claim.polarity is Polarity.AFFIRMED and claim.object is not None:
        add(_iri(claim.subject), _iri(claim.predicate), _iri(claim.object))
    curator = _iri(iris.agent_iri(claim.curation.curator))
    add(curator, RDF_TYPE, _n("prov", "Agent"))
    add(curator, _n("rdfs", "label"), _string(claim.curation.curator))
    return out


def claim_quads(claim: Claim, ids: Mapping[str, str]) -> list[ox.Quad]:
    """Return both views of one claim.

    Args:
        claim: the claim.
        ids: the IRI of every claim in the build, by claim id, to resolve supports and challenges.
    """
    lines = claim_lines(claim, ids)
    return parse_lines(lines.own + lines.shared)


def claim_key(claim: Claim) -> str:
    """Return the content key of a claim, from which its IRIs are minted (see :func:`kg.iris.claim_key`)."""
    quantity = None
    if claim.quantity is not None:
        q = claim.quantity
        quantity = (str(q.value), q.unit, q.bound.value, q.population, q.place, q.year)
    return iris.claim_key(claim.document_sha256, claim.anchor.start, claim.anchor.end, claim.subject,
                          claim.predicate, claim.object, quantity, claim.polarity.value)


def claim_ids(corpus: Corpus | Sequence[Claim], *, built: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the IRI of every claim of the corpus (or of these claims), by claim id.

    Args:
        corpus: the checked corpus, or some of its claims.
        built: the claims of the same build that are not among these, claim id by content key: a claim here that
            says the same as one of them is a problem too.

    Raises:
        DataError: two claims say the same thing at the same place of the same text.
    """
    ids: dict[str, str] = {}
    owners: dict[str, Claim] = {}
    problems = []
    for claim in corpus.claims if isinstance(corpus, Corpus) else corpus:
        key = claim_key(claim)
        if key in owners:
            first = owners[key]
            problems.append(_same_as(claim, f"claim {first.id!r} ({first.location})"))
        elif built and key in built:
            problems.append(_same_as(claim, f"claim {built[key]!r}"))
        owners[key] = claim
        ids[claim.id] = iris.claim_iri(key)
    if problems:
        raise DataError(problems)
    return ids


def _same_as(claim: Claim, other: str) -> Problem:
    return Problem(f"says the same as {other} at the same place: remove one of them", file=_where(claim, "file"),
                   line=_where(claim, "line"), claim=claim.id)


def _where(claim: Claim, attribute: str) -> Any:
    return getattr(claim.location, attribute) if claim.location else None


def corpus_nquads(corpus: Corpus, *, progress: Callable[[Iterable[Claim]], Iterable[Claim]] | None = None
                  ) -> Iterator[bytes]:
    """Yield the whole corpus as chunks of N-Quads: ontology, documents, entities, then both views of each claim.

    Lines that several claims give (direct edges, curators) come once, at the end.

    Args:
        corpus: the checked corpus.
        progress: wraps the iteration over claims, e.g. in a progress bar.

    Raises:
        DataError: two claims say the same thing at the same place (raised before the first claim's lines).
    """
    yield ontology_nquads()
    lines: list[str] = []
    for document in corpus.documents.values():
        lines += document_lines(document)
    for entity in corpus.entities.values():
        lines += entity_lines(entity)
    yield "".join(lines).encode("utf-8")
    ids = claim_ids(corpus)
    shared: set[str] = set()
    lines = []
    for count, claim in enumerate(progress(corpus.claims) if progress else corpus.claims, 1):
        made = claim_lines(claim, ids)
        lines += made.own
        shared.update(made.shared)
        if count % CHUNK_CLAIMS == 0:
            yield "".join(lines).encode("utf-8")
            lines = []
    lines += sorted(shared)
    yield "".join(lines).encode("utf-8")


def corpus_quads(corpus: Corpus, *, progress: Callable[[Iterable[Claim]], Iterable[Claim]] | None = None
                 ) -> Iterator[ox.Quad]:
    """Yield every quad of the corpus: ontology, documents, entities, then both views of each claim.

    Args:
        corpus: the checked corpus.
        progress: wraps the iteration over claims, e.g. in a progress bar.
    """
    for chunk in corpus_nquads(corpus, progress=progress):
        yield from ox.parse(chunk, format=ox.RdfFormat.N_QUADS)
