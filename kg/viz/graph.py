"""View graphs read from the store by SPARQL: entities, claims, and one document's claims.

Everything comes from the statement view (the default graph): claim nodes with their facets and anchors,
documents with their text, entities with their labels and types. Filters given by the caller are checked against
the vocabulary and the store first, so a misspelt category or an unknown document is an error, not an empty page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import UsageError
from ..iris import compress
from ..sparql import OxigraphBackend
from ..sparql.terms import Term
from ..vocab import BIOLINK, Category, CitationStatus, EntityType, Modality, Polarity
from .model import ClaimInfo, View, ViewEdge, ViewGraph, ViewNode

__all__ = ["StoreClaim", "StoreClaims", "claim_view", "entity_view", "load_claims", "parse_categories",
           "parse_modalities", "sentence_around"]

_PREFIXES = """PREFIX cekg: <https://w3id.org/cekg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_CLAIMS = _PREFIXES + """
SELECT ?claim ?id ?category ?subject ?predicate ?object ?quantity ?polarity ?modality ?citation ?doc ?agent
       ?quote ?start ?end
WHERE {
  ?claim a cekg:Claim ;
         dcterms:identifier ?id ;
         cekg:category ?category ;
         cekg:subject ?subject ;
         cekg:predicate ?predicate ;
         cekg:polarity ?polarity ;
         cekg:modality ?modality ;
         cekg:citationStatus ?citation ;
         cekg:assertedBy ?doc .
  OPTIONAL { ?claim cekg:object ?object }
  OPTIONAL { ?claim cekg:quantity ?quantity }
  OPTIONAL { ?claim cekg:attributedTo ?agent }
  OPTIONAL {
    ?claim cekg:anchor ?anchor .
    ?anchor oa:hasSelector ?quoteSelector , ?positionSelector .
    ?quoteSelector oa:exact ?quote .
    ?positionSelector oa:start ?start ; oa:end ?end .
  }
}
"""
_DOCUMENTS = _PREFIXES + """
SELECT ?doc ?id ?title ?text WHERE {
  ?doc a cekg:Document ; dcterms:identifier ?id .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc cekg:text ?text }
}
"""
_LABELS = _PREFIXES + """
SELECT ?term ?label WHERE {
  ?term rdfs:label ?label .
  FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en"))
}
"""
_TYPES = _PREFIXES + """
SELECT ?entity ?type WHERE { ?entity a cekg:Entity , ?type . FILTER(?type != cekg:Entity) }
"""
_FACETS = _PREFIXES + """
SELECT ?claim ?facet ?value WHERE {
  VALUES ?facet { cekg:cue dcterms:references cekg:supports cekg:challenges cekg:route cekg:condition cekg:agency
                  cekg:jurisdiction cekg:population rdfs:comment }
  ?claim a cekg:Claim ; ?facet ?value .
}
"""
_QUANTITIES = _PREFIXES + """
SELECT ?quantity ?value ?unit ?bound ?population ?place ?year WHERE {
  ?claim a cekg:Claim ; cekg:quantity ?quantity .
  ?quantity cekg:value ?value .
  OPTIONAL { ?quantity cekg:unit ?unit }
  OPTIONAL { ?quantity cekg:bound ?bound }
  OPTIONAL { ?quantity cekg:populationDescription ?population }
  OPTIONAL { ?quantity cekg:place ?place }
  OPTIONAL { ?quantity cekg:year ?year }
}
"""
_SENTENCE_LIMIT = 400
_QUALIFIERS = {"route": "Route", "condition": "Condition", "agency": "Agency", "jurisdiction": "Jurisdiction",
               "population": "Population", "comment": "Curator's note"}
_BY_IRI = {member.iri: member for enum in (Category, Modality, Polarity, CitationStatus) for member in enum}
_ENTITY_TYPES = {t.iri: t for t in reversed(EntityType)}  # two types share biolink:Agent: keep the first


@dataclass
class StoreClaim:
    """One claim of the store: what the panel shows (``info``) and what drawing it needs.

    ``verb`` is the predicate's label without "is claimed" ("to reduce the frequency of" becomes "reduce the
    frequency of"); ``sources`` counts the documents that make the same claim.
    """

    key: str
    info: ClaimInfo
    subject: str
    predicate: str
    object: str | None
    quantity: str | None
    agent: str | None
    document_iri: str
    verb: str
    object_label: str
    sources: int = 1


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


def _select(store: ox.Store, text: str) -> list[dict[str, Term | None]]:
    return OxigraphBackend(store).execute(text, {}, limit=None, name="the view's query").dicts()


def _value(term: Term | None) -> str | None:
    return None if term is None else term.value


def parse_categories(values: Iterable[str] | None) -> set[str] | None:
    """Return the category spellings asked for, or None for all.

    Raises:
        UsageError: a value is not a category; the message lists them.
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
    """Read every claim of the store's statement view, with labels, types, documents and anchors."""
    labels: dict[str, str] = {}
    for row in _select(store, _LABELS):
        term, label = row["term"], row["label"]
        if isinstance(term, ox.NamedNode) and label is not None and (term.value not in labels or not
                                                                     getattr(label, "language", None)):
            labels[term.value] = label.value
    types: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _TYPES):
        entity, kind = _value(row["entity"]), _value(row["type"])
        if entity and kind:
            types[entity].add(kind)
    kinds: dict[str, str] = {}
    for entity, found_types in types.items():
        known = [_ENTITY_TYPES[t] for t in found_types if t in _ENTITY_TYPES]
        if known:
            kinds[entity] = min(known, key=list(EntityType).index).value
        elif any(t.startswith(BIOLINK) for t in found_types):
            kinds[entity] = EntityType.CONCEPT.value
    documents: dict[str, tuple[str, str]] = {}
    texts: dict[str, str] = {}
    for row in _select(store, _DOCUMENTS):
        doc, doc_id = _value(row["doc"]), _value(row["id"])
        if doc and doc_id:
            documents[doc] = (doc_id, _value(row["title"]) or doc_id)
            texts[doc] = _value(row["text"]) or ""
    facets: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in _select(store, _FACETS):
        claim, facet, value = _value(row["claim"]), _value(row["facet"]), _value(row["value"])
        if claim and facet and value is not None:
            facets[claim][facet.rsplit("#", 1)[-1].rsplit("/", 1)[-1]].append(value)
    found = StoreClaims([], labels, kinds, documents, _quantities(store, labels))
    ids: dict[str, str] = {}
    rows: dict[str, dict[str, Term | None]] = {}
    for row in _select(store, _CLAIMS):
        iri = _value(row["claim"])
        if iri and iri not in rows:
            rows[iri] = row
            ids[iri] = _value(row["id"]) or compress(iri)
    for iri, row in sorted(rows.items(), key=lambda item: (ids[item[0]], item[0])):
        found.claims.append(_claim(iri, row, found, texts, facets.get(iri, {}), ids))
    _count_sources(found.claims)
    return found


def _quantities(store: ox.Store, labels: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for row in _select(store, _QUANTITIES):
        iri, value = _value(row["quantity"]), _value(row["value"])
        if not iri or value is None:
            continue
        bound = _value(row["bound"])
        words = [labels.get(bound, "") if bound and not bound.endswith("BoundExactly") else "",
                 _number(value), _value(row["unit"]) or ""]
        extra = [x for x in (_value(row["population"]), labels.get(_value(row["place"]) or "", ""),
                             _value(row["year"])) if x]
        out[iri] = " ".join(w for w in words if w) + (f" ({', '.join(extra)})" if extra else "")
    return out


def _number(value: str) -> str:
    """Return a number for reading: thousands separated from 10,000 on, so that years stay years."""
    digits = value.lstrip("-")
    return f"{int(value):,}" if digits.isdigit() and len(digits) > 4 else value


def _claim(iri: str, row: Mapping[str, Term | None], found: StoreClaims, texts: Mapping[str, str],
           facets: Mapping[str, list[str]], ids: Mapping[str, str]) -> StoreClaim:
    enum = {name: _BY_IRI.get(_value(row[name]) or "") for name in ("category", "modality", "polarity", "citation")}
    category = enum["category"].value if enum["category"] else "unknown"
    modality = enum["modality"].value if enum["modality"] else Modality.ASSERTED.value
    polarity = enum["polarity"].value if enum["polarity"] else Polarity.AFFIRMED.value
    citation_term = _value(row["citation"]) or ""
    subject, predicate = _value(row["subject"]) or "", _value(row["predicate"]) or ""
    obj, quantity, agent = _value(row["object"]), _value(row["quantity"]), _value(row["agent"])
    document_iri = _value(row["doc"]) or ""
    doc_id, title = found.documents.get(document_iri, (compress(document_iri), compress(document_iri)))
    quote = _value(row["quote"]) or ""
    before, after = "", ""
    start, end = _value(row["start"]), _value(row["end"])
    text = texts.get(document_iri, "")
    if start is not None and end is not None and start.isdigit() and end.isdigit():
        before, quote, after = sentence_around(text, int(start), int(end), quote)
    predicate_label = found.label(predicate)
    negated = polarity == Polarity.NEGATED.value
    verb = predicate_label.removeprefix("is claimed ") if predicate_label.startswith("is claimed to ") else None
    object_label = found.label(obj) if obj else found.quantities.get(quantity or "", "a quantity")
    cues = tuple(sorted(facets.get("cue", ())))
    citation = found.labels.get(citation_term) or (enum["citation"].value if enum["citation"] else "unknown")
    agent_label = found.label(agent) if agent else None
    if verb:
        content = f"{found.label(subject)} {'NOT ' if negated else ''}{verb} {object_label}"
    else:
        content = f"{'NOT: ' if negated else ''}{found.label(subject)} “{predicate_label}” {object_label}"
    how = modality + (f" ({', '.join(f'“{c}”' for c in cues)})" if cues else "")
    source = f"according to {agent_label}" if agent_label else "on its own account"
    words = f"{title} claims {content} — {how}, {source}; citation: {citation}."
    qualifiers = []
    for facet, label in _QUALIFIERS.items():
        for value in facets.get(facet, ()):
            qualifiers.append((label, found.labels.get(value) or (compress(value) if "://" in value else value)))
    info = ClaimInfo(
        id=ids[iri], iri=iri, words=words, category=category, modality=modality, polarity=polarity,
        citation=enum["citation"].value if enum["citation"] else citation, citation_label=citation,
        document=doc_id, document_title=title,
        cues=cues, attributed_to=agent_label, before=before, quote=quote, after=after,
        references=tuple(sorted(facets.get("references", ()))),
        supports=tuple(sorted(ids.get(t, compress(t)) for t in facets.get("supports", ()))),
        challenges=tuple(sorted(ids.get(t, compress(t)) for t in facets.get("challenges", ()))),
        qualifiers=tuple(qualifiers))
    return StoreClaim(key=iri, info=info, subject=subject, predicate=predicate, object=obj, quantity=quantity,
                      agent=agent, document_iri=document_iri, verb=(verb or predicate_label).removeprefix("to "),
                      object_label=object_label)


def _count_sources(claims: Sequence[StoreClaim]) -> None:
    """Count, for each claim, the independent documents that make the same claim (same content and polarity)."""
    documents: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for claim in claims:
        documents[_content(claim)].add(claim.document_iri)
    for claim in claims:
        claim.sources = len(documents[_content(claim)])


def _content(claim: StoreClaim) -> tuple[str, ...]:
    return (claim.subject, claim.predicate, claim.object or claim.object_label, claim.info.polarity)


def sentence_around(text: str, start: int, end: int, quote: str = "") -> tuple[str, str, str]:
    """Return the sentence holding ``text[start:end]`` as (words before, the quote, words after).

    The sentence ends at ``.``, ``!`` or ``?`` followed by a space, or at a line break; each side is cut to a few
    hundred characters.

    >>> sentence_around("One. Two is here. Three.", 9, 16)
    ('Two ', 'is here', '.')
    """
    if not (0 <= start <= end <= len(text)) or (quote and text[start:end] != quote):
        return "", quote, ""
    begin = start
    while begin > 0 and start - begin < _SENTENCE_LIMIT:
        if text[begin - 1] == "\n" or (text[begin - 1].isspace() and begin >= 2 and text[begin - 2] in ".!?"):
            break
        begin -= 1
    finish = end
    ends_sentence = end > start and text[end - 1] in ".!?" and (end == len(text) or text[end].isspace())
    while not ends_sentence and finish < len(text) and finish - end < _SENTENCE_LIMIT:
        if text[finish] == "\n":
            break
        finish += 1
        if text[finish - 1] in ".!?" and (finish == len(text) or text[finish].isspace()):
            break
    before, after = text[begin:start].lstrip(), text[end:finish].rstrip()
    if begin > 0 and start - begin >= _SENTENCE_LIMIT:
        before = "…" + before
    if finish < len(text) and finish - end >= _SENTENCE_LIMIT:
        after += "…"
    return before, text[start:end], after


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
                         "widen --category, --modality or --doc")
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
        target = claim.object or claim.quantity or ""
        if claim.subject not in nodes:
            nodes[claim.subject] = _entity_node(found, claim.subject)
        if target not in nodes:
            nodes[target] = _entity_node(found, target) if claim.object else _quantity_node(found, target)
        edges.append(ViewEdge(source=claim.subject, target=target, label=claim.verb, category=claim.info.category,
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
        target = claim.object or claim.quantity or ""
        for iri, role in ((claim.subject, "subject"), (target, "object")):
            if iri not in nodes:
                nodes[iri] = (_entity_node(found, iri) if role == "subject" or claim.object
                              else _quantity_node(found, iri))
            edges.append(ViewEdge(source=claim.key, target=iri, label=role, category=info.category,
                                  modality=info.modality, negated=negated and role == "object",
                                  sources=claim.sources, claim=claim.key, title=info.words, role=role))
        doc_id, title = found.documents.get(claim.document_iri, (info.document, info.document_title))
        if claim.document_iri not in nodes:
            nodes[claim.document_iri] = ViewNode(id=claim.document_iri, label=title, kind="document",
                                                 title=f"document: {title}", document=doc_id,
                                                 properties={"Document id": [doc_id], "Title": [title]})
        edges.append(ViewEdge(source=claim.document_iri, target=claim.key, label="asserts", claim=claim.key,
                              title=f"{title} asserts this claim", role="document"))
        if claim.agent:
            if claim.agent not in nodes:
                nodes[claim.agent] = _entity_node(found, claim.agent)
            edges.append(ViewEdge(source=claim.key, target=claim.agent, label="attributed to", claim=claim.key,
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
    used = {c.document_iri for c in chosen}
    return dict(sorted(found.documents[d] for d in used if d in found.documents))


def _describe(chosen: Sequence[StoreClaim], what: str) -> str:
    documents = len({c.document_iri for c in chosen})
    claims = "1 claim" if len(chosen) == 1 else f"{len(chosen)} claims"
    return f"{claims} from {documents} document{'s' if documents != 1 else ''}: {what}"
