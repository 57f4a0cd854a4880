"""The query view: the graph a CONSTRUCT (or DESCRIBE) query returns, drawn as nodes and edges.

IRIs and blank nodes become nodes, named by ``rdfs:label`` or ``skos:prefLabel`` (from the result, else from the
store), else by their CURIE. ``rdf:type`` gives a node its kind, literals go to its detail panel, and values of the
vocabulary's closed sets (a claim's category, modality, polarity ...) become facets of the node instead of hubs
that every claim would point at. Claim nodes the store knows are drawn as in the claims view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import vocab
from ..errors import Option, UsageError
from ..iris import compress
from ..sparql import OxigraphBackend, find_query, run
from ..sparql.binding import bind_params, with_values
from ..vocab import BIOLINK, CEKG, PREFIXES, EntityType, Polarity, _Term
from .graph import StoreClaim, StoreClaims, load_claims
from .model import ClaimInfo, View, ViewEdge, ViewGraph, ViewNode

__all__ = ["DEFAULT_MAX_TRIPLES", "query_view"]

#: A CONSTRUCT result larger than this is refused: a page that size would not open in a browser.
DEFAULT_MAX_TRIPLES = 50_000
_COUNT_CAP = 10_000_000
_PROPERTY_LIMIT = 600
_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABELS = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")
_FACETS = {CEKG + "category": "category", CEKG + "modality": "modality", CEKG + "polarity": "polarity",
           CEKG + "citationStatus": "citation"}
#: The closed value sets whose members become facets of a node rather than nodes of their own.
_VALUE_SETS: tuple[type[_Term], ...] = (vocab.Category, vocab.Modality, vocab.Polarity, vocab.CitationStatus,
                                        vocab.CurationMethod, vocab.Bound, vocab.DocumentKind)
_KINDS = {CEKG + "Claim": "claim", CEKG + "Document": "document", CEKG + "Quantity": "quantity"}


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
                         f"VALUES or LIMIT, or raise {Option.MAX_TRIPLES}; no page was written")
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


def _vocabulary_value(iri: str) -> str | None:
    """Return the spelling of the closed-set member named by ``iri``, or None if it names none."""
    if not iri.startswith(CEKG):
        return None
    for enum in _VALUE_SETS:
        try:
            return enum.from_iri(iri).value
        except ValueError:
            continue
    return None


def _entity_type(iri: str) -> str | None:
    try:
        return EntityType.from_iri(iri).value
    except ValueError:
        return None


@dataclass
class _Result:
    """What a CONSTRUCT result says, sorted out: labels, types, facets and literals by node, and the links."""

    labels: dict[str, str] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    facets: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    properties: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    order: dict[str, None] = field(default_factory=dict)  # every node, in the order first seen
    links: list[tuple[str, str, str]] = field(default_factory=list)


def _sort_out(triples: list[ox.Triple]) -> _Result:
    found = _Result()
    for triple in triples:
        subject, predicate, obj = _key(triple.subject), triple.predicate.value, triple.object
        found.order.setdefault(subject, None)
        if predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode):
            found.types[subject].add(obj.value)
        elif isinstance(obj, ox.Literal):
            if predicate in _LABELS and (subject not in found.labels or obj.language in ("", "en", None)):
                found.labels[subject] = obj.value
            value = obj.value if len(obj.value) <= _PROPERTY_LIMIT else obj.value[:_PROPERTY_LIMIT] + "…"
            found.properties[subject][compress(predicate)].append(value)
        elif isinstance(obj, ox.NamedNode) and (member := _vocabulary_value(obj.value)) is not None:
            found.facets[subject][_FACETS.get(predicate, compress(predicate))] = member
        else:
            target = _key(obj)
            found.order.setdefault(target, None)
            found.links.append((subject, predicate, target))
    return found


def _labeller(store: ox.Store, labels: Mapping[str, str]) -> Callable[[str], str]:
    """Return a function naming a node: by the result's label, else the store's (English first), else its CURIE."""
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

    return label


class _StoreClaims:
    """The store's claims, read only when the graph turns out to need them."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.found: StoreClaims | None = None
        self.by_key: dict[str, StoreClaim] = {}

    def load(self) -> StoreClaims:
        if self.found is None:
            self.found = load_claims(self.store)
            self.by_key = self.found.by_key
        return self.found


def _kind(store: ox.Store, key: str, types: set[str]) -> str:
    kinds = set(types)
    if not key.startswith("_:"):
        kinds |= {q.object.value for q in store.quads_for_pattern(ox.NamedNode(key), ox.NamedNode(_RDF_TYPE), None,
                                                                  ox.DefaultGraph())
                  if isinstance(q.object, ox.NamedNode)}
    return next((_KINDS[t] for t in kinds if t in _KINDS), None) or next(
        (kind for t in sorted(kinds) if (kind := _entity_type(t)) is not None), None) or (
        EntityType.CONCEPT.value if any(t.startswith(BIOLINK) for t in kinds) else "resource")


def _nodes(store: ox.Store, result: _Result, label: Callable[[str], str], claims: _StoreClaims) -> list[ViewNode]:
    # A property described in the result (its label, say) is not a thing of the graph: no node for it.
    links = result.links
    described = {p for _, p, _ in links} - {s for s, _, _ in links} - {t for _, _, t in links}
    nodes = []
    for key in result.order:
        if key in described:
            continue
        kind = _kind(store, key, result.types[key])
        node = ViewNode(id=key, label=label(key), kind=kind, properties=dict(result.properties.get(key, {})))
        if result.types[key]:
            node.properties["type"] = sorted(label(t) for t in result.types[key])
        for facet, value in result.facets.get(key, {}).items():
            node.properties[facet] = [value]
        if kind == "claim":
            claims.load()
            claim = claims.by_key.get(key)
            if claim is not None:
                node.claim = key
                node.title = claim.info.words
                node.label = ("NOT " if claim.info.polarity == "negated" else "") + claim.verb
        node.title = node.title or f"{node.label} ({compress(key)})"
        nodes.append(node)
    return nodes


def _edges(result: _Result, label: Callable[[str], str], infos: Mapping[str, ClaimInfo],
           by_content: Mapping[tuple[str, str, str], list[str]]) -> list[ViewEdge]:
    edges = []
    for subject, predicate, target in result.links:
        edge = ViewEdge(source=subject, target=target, label=label(predicate), title=f"{label(predicate)}")
        backing = by_content.get((subject, predicate, target), [])
        if backing:
            backed = [infos[k] for k in backing]
            edge.claim = backing[0]
            edge.sources = len({i.document for i in backed})
            edge.category = backed[0].category if len({i.category for i in backed}) == 1 else None
            edge.modality = backed[0].modality if len({i.modality for i in backed}) == 1 else None
            edge.title = "\n".join(i.words for i in backed[:3]) + (f"\n… and {len(backed) - 3} more"
                                                                   if len(backed) > 3 else "")
            edge.role = "claim"
        elif subject in result.facets:
            facets = result.facets[subject]
            edge.category = facets.get("category")
            edge.modality = facets.get("modality")
            edge.negated = facets.get("polarity") == "negated" and predicate == CEKG + "object"
        edges.append(edge)
    return edges


def _graph(store: ox.Store, name: str, triples: list[ox.Triple]) -> ViewGraph:
    result = _sort_out(triples)
    label = _labeller(store, result.labels)
    claims = _StoreClaims(store)
    nodes = _nodes(store, result, label, claims)
    infos = {n.claim: claims.by_key[n.claim].info for n in nodes if n.claim}
    by_content: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    if claims.found is None and any(p.startswith(CEKG) for _, p, _ in result.links):
        claims.load()
    if claims.found is not None:
        for c in claims.found.claims:
            record = c.record
            if record.object and record.polarity is Polarity.AFFIRMED:
                by_content[(record.subject, record.predicate, record.object)].append(c.key)
        infos.update({c.key: c.info for c in claims.found.claims})
    edges = _edges(result, label, infos, by_content)
    used = {e.claim for e in edges if e.claim} | {n.claim for n in nodes if n.claim}
    infos = {k: v for k, v in infos.items() if k in used}
    documents = dict(sorted({(i.document, i.document_title) for i in infos.values()}))
    return ViewGraph(nodes=tuple(nodes), edges=tuple(edges), claims=infos, documents=documents, view=View.QUERY,
                     description=f"the graph of the query {name}: {len(triples):,} triples")
