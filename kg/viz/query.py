"""The query view: the graph a CONSTRUCT (or DESCRIBE) query returns, drawn as nodes and edges.

IRIs and blank nodes become nodes, named by ``rdfs:label`` or ``skos:prefLabel`` (from the result, else from the
store), else by their CURIE. ``rdf:type`` gives a node its kind, literals go to its detail panel, and values of the
vocabulary's closed sets (a claim's category, modality, polarity ...) become facets of the node instead of hubs
that every claim would point at. Claim nodes the store knows are drawn as in the claims view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyoxigraph as ox

from ..errors import UsageError
from ..iris import compress
from ..sparql import OxigraphBackend, find_query, run
from ..sparql.engine import bind_params, with_values
from ..vocab import (
    BIOLINK,
    CEKG,
    PREFIXES,
    Bound,
    Category,
    CitationStatus,
    CurationMethod,
    DocumentKind,
    EntityType,
    Modality,
    Polarity,
)
from .graph import StoreClaim, StoreClaims, load_claims
from .model import View, ViewEdge, ViewGraph, ViewNode

__all__ = ["DEFAULT_MAX_TRIPLES", "query_view"]

#: A CONSTRUCT result larger than this is refused: a page that size would not open in a browser.
DEFAULT_MAX_TRIPLES = 50_000
_COUNT_CAP = 10_000_000
_PROPERTY_LIMIT = 600
_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABELS = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")
_FACETS = {CEKG + "category": "category", CEKG + "modality": "modality", CEKG + "polarity": "polarity",
           CEKG + "citationStatus": "citation"}
_VALUES = {member.iri: member for enum in (Category, Modality, Polarity, CitationStatus, CurationMethod, Bound,
                                          DocumentKind) for member in enum}
_KINDS = {CEKG + "Claim": "claim", CEKG + "Document": "document", CEKG + "Quantity": "quantity"}
_ENTITY_TYPES = {t.iri: t.value for t in reversed(EntityType)}


def query_view(store: ox.Store, query: str, *, params: Mapping[str, str] | None = None,
               max_triples: int = DEFAULT_MAX_TRIPLES, timeout: float | None = 120.0) -> ViewGraph:
    """Return the graph of a library query (by name) or a ``.rq`` file, run on the store.

    Raises:
        NotFoundError: no such query.
        QueryError: the query is malformed or its parameters are wrong.
        UsageError: the query is not a CONSTRUCT or DESCRIBE, returns no triples, or returns more than
            ``max_triples`` (the message gives the count and how to narrow it).
    """
    info = find_query(query)
    if info.form not in ("CONSTRUCT", "DESCRIBE"):
        raise UsageError(f"the query view draws the graph of a CONSTRUCT or DESCRIBE query; {info.name} is a "
                         f"{info.form}: run it with `kg query {info.name}`, or write a CONSTRUCT")
    result = run(info, OxigraphBackend(store), params or {}, limit=max_triples, timeout=timeout)
    if result.truncated:
        total = _count(store, info.text, bind_params(info, params or {}))
        count = f"{total:,}" if total < _COUNT_CAP else f"more than {_COUNT_CAP:,}"
        raise UsageError(f"{info.name} returns {count} triples, over the limit of {max_triples:,} for one page (a "
                         "browser cannot open a graph that large): narrow the query with parameters, a FILTER, "
                         "VALUES or LIMIT, or raise --max-triples; no page was written")
    if not result.triples:
        raise UsageError(f"{info.name} returned no triples: nothing to draw; check its parameters or try it with "
                         f"`kg query {info.name}`; no page was written")
    return _graph(store, info.name, result.triples)


def _count(store: ox.Store, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> int:
    """Count a CONSTRUCT's triples without keeping them, up to a cap."""
    total = 0
    for _ in store.query(with_values(text, bindings)):  # type: ignore[union-attr]
        total += 1
        if total >= _COUNT_CAP:
            break
    return total


def _key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}" if isinstance(term, ox.BlankNode) \
        else str(term)


def _graph(store: ox.Store, name: str, triples: list[ox.Triple]) -> ViewGraph:
    labels: dict[str, str] = {}
    types: dict[str, set[str]] = defaultdict(set)
    facets: dict[str, dict[str, str]] = defaultdict(dict)
    properties: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    order: dict[str, None] = {}
    links: list[tuple[str, str, str]] = []
    for triple in triples:
        subject, predicate, obj = _key(triple.subject), triple.predicate.value, triple.object
        order.setdefault(subject, None)
        if predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode):
            types[subject].add(obj.value)
        elif isinstance(obj, ox.Literal):
            if predicate in _LABELS and (subject not in labels or obj.language in ("", "en", None)):
                labels[subject] = obj.value
            value = obj.value if len(obj.value) <= _PROPERTY_LIMIT else obj.value[:_PROPERTY_LIMIT] + "…"
            properties[subject][compress(predicate)].append(value)
        elif isinstance(obj, ox.NamedNode) and obj.value in _VALUES:
            facets[subject][_FACETS.get(predicate, compress(predicate))] = _VALUES[obj.value].value
        else:
            target = _key(obj)
            order.setdefault(target, None)
            links.append((subject, predicate, target))
    default = ox.DefaultGraph()
    store_labels: dict[str, str] = {}

    def label(iri: str) -> str:
        if iri in labels:
            return labels[iri]
        if iri.startswith("_:"):
            return iri
        if iri not in store_labels:
            found = ""
            for prop in _LABELS:
                for quad in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(prop), None, default):
                    literal = quad.object
                    if isinstance(literal, ox.Literal) and (not found or literal.language in (None, "", "en")):
                        found = literal.value
                if found:
                    break
            store_labels[iri] = found or compress(iri)
        return store_labels[iri]

    # A property described in the result (its label, say) is not a thing of the graph: no node for it.
    described = {p for _, p, _ in links} - {s for s, _, _ in links} - {t for _, _, t in links}
    found_claims: StoreClaims | None = None
    by_key: dict[str, StoreClaim] = {}
    nodes = []
    for key in order:
        if key in described:
            continue
        kinds = set(types[key])
        if not key.startswith("_:"):
            kinds |= {q.object.value for q in store.quads_for_pattern(ox.NamedNode(key), ox.NamedNode(_RDF_TYPE),
                                                                      None, default)
                      if isinstance(q.object, ox.NamedNode)}
        kind = next((_KINDS[t] for t in kinds if t in _KINDS), None) or next(
            (_ENTITY_TYPES[t] for t in sorted(kinds) if t in _ENTITY_TYPES), None) or (
            EntityType.CONCEPT.value if any(t.startswith(BIOLINK) for t in kinds) else "resource")
        node = ViewNode(id=key, label=label(key), kind=kind, properties=dict(properties.get(key, {})))
        if types[key]:
            node.properties["type"] = sorted(label(t) for t in types[key])
        for facet, value in facets.get(key, {}).items():
            node.properties[facet] = [value]
        if kind == "claim":
            if found_claims is None:
                found_claims = load_claims(store)
                by_key = found_claims.by_key
            claim = by_key.get(key)
            if claim is not None:
                node.claim = key
                node.title = claim.info.words
                node.label = ("NOT " if claim.info.polarity == "negated" else "") + claim.verb
        node.title = node.title or f"{node.label} ({compress(key)})"
        nodes.append(node)
    claims = {n.claim: by_key[n.claim].info for n in nodes if n.claim}
    by_content: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    if found_claims is None and any(p.startswith(CEKG) for _, p, _ in links):
        found_claims = load_claims(store)
    if found_claims is not None:
        for c in found_claims.claims:
            if c.object and c.info.polarity == "affirmed":
                by_content[(c.subject, c.predicate, c.object)].append(c.key)
        claims.update({c.key: c.info for c in found_claims.claims})
    edges = []
    for subject, predicate, target in links:
        edge = ViewEdge(source=subject, target=target, label=label(predicate), title=f"{label(predicate)}")
        backing = by_content.get((subject, predicate, target), [])
        if backing and found_claims is not None:
            infos = [claims[k] for k in backing]
            edge.claim = backing[0]
            edge.sources = len({i.document for i in infos})
            edge.category = infos[0].category if len({i.category for i in infos}) == 1 else None
            edge.modality = infos[0].modality if len({i.modality for i in infos}) == 1 else None
            edge.title = "\n".join(i.words for i in infos[:3]) + (f"\n… and {len(infos) - 3} more" if len(infos) > 3
                                                                   else "")
            edge.role = "claim"
        elif subject in facets:
            edge.category = facets[subject].get("category")
            edge.modality = facets[subject].get("modality")
            edge.negated = facets[subject].get("polarity") == "negated" and predicate == CEKG + "object"
        edges.append(edge)
    used = {e.claim for e in edges if e.claim} | {n.claim for n in nodes if n.claim}
    claims = {k: v for k, v in claims.items() if k in used}
    documents = dict(sorted({(i.document, i.document_title) for i in claims.values()}))
    return ViewGraph(nodes=tuple(nodes), edges=tuple(edges), claims=claims, documents=documents, view=View.QUERY,
                     description=f"the graph of the query {name}: {len(triples):,} triples")
