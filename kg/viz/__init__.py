"""Interactive pages for analysts: the claims as a graph, drawn with vis-network (pyvis's build), offline and safe.

Three calls make a page::

    view = build_view(store, view="entities")           # or claims, document (doc=...), query (query=...)
    page = render_html(view, title="Ketamine claims")   # one self-contained HTML file, as a string
    show(page)                                          # inline in a notebook (an iframe srcdoc)

:class:`ViewGraph` is the common currency: :func:`build_view` reads one from the store, and
:meth:`ViewGraph.from_networkx` makes one from any networkx graph (node attributes ``label`` and ``kind``, edge
attributes ``label`` and ``category``), e.g. for a synthetic graph of 10,000 nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ..errors import Option, UsageError
from ..extract.sentences import sentence_around
from .graph import claim_view, entity_view, load_claims, parse_categories, parse_modalities
from .layout import layout_positions
from .model import ClaimInfo, View, ViewEdge, ViewGraph, ViewNode
from .page import DEFAULT_THRESHOLD, InlinePage, Layout, render_html, show
from .query import DEFAULT_MAX_TRIPLES, query_view

__all__ = [
    "DEFAULT_MAX_TRIPLES",
    "DEFAULT_THRESHOLD",
    "ClaimInfo",
    "InlinePage",
    "Layout",
    "View",
    "ViewEdge",
    "ViewGraph",
    "ViewNode",
    "build_view",
    "default_title",
    "layout_positions",
    "render_html",
    "sentence_around",
    "show",
]


def build_view(store: ox.Store, *, view: str | View, doc: str | None = None, query: str | None = None,
               params: Mapping[str, str] | None = None, categories: Iterable[str] | None = None,
               modalities: Iterable[str] | None = None, max_triples: int = DEFAULT_MAX_TRIPLES,
               timeout: float | None = 120.0) -> ViewGraph:
    """Read a view graph from the store.

    Args:
        store: the built store (e.g. :func:`kg.store.open_store`).
        view: ``entities`` (entities as nodes, claims as edges), ``claims`` (claim nodes linked to their
            entities, document and source), ``document`` (one document's claims; needs ``doc``) or ``query`` (the
            graph of a CONSTRUCT query; needs ``query``).
        doc: a document id (``dcterms:identifier``); restricts the entities and claims views to it too.
        query: a library query name or a ``.rq`` file (query view only).
        params: the query's parameters, name to value (IRI, CURIE or literal).
        categories: keep only claims of these categories (None: all).
        modalities: keep only claims of these modalities (None: all).
        max_triples: the largest CONSTRUCT result drawn (query view).
        timeout: seconds the query may run (query view).

    Raises:
        UsageError: unknown view, category, modality or document; a missing ``doc`` or ``query``; an option
            that does not apply to the view; nothing to draw; a query result too large to draw.
        NotFoundError: no such query.
        QueryError: the query or its parameters are malformed.
        QueryTimeout: the query ran past ``timeout``.
    """
    chosen = view if isinstance(view, View) else View.parse(view)
    wanted_categories, wanted_modalities = parse_categories(categories), parse_modalities(modalities)
    if chosen is View.QUERY:
        if not query:
            raise UsageError(f"the query view needs a query: give {Option.QUERY:NAME} (see `kg queries`) or "
                             f"{Option.QUERY:FILE.rq}")
        if doc or wanted_categories or wanted_modalities:
            raise UsageError(f"{Option.DOC}, {Option.CATEGORY} and {Option.MODALITY} do not apply to the query view: "
                             "filter in the query (or in the page's filters)")
        return query_view(store, query, params=params, max_triples=max_triples, timeout=timeout)
    if query:
        raise UsageError(f"{Option.QUERY} applies to the query view only; with {Option.VIEW:{chosen.value}}, leave it "
                         "out")
    if chosen is View.DOCUMENT and not doc:
        found = load_claims(store)
        ids = sorted(doc_id for doc_id, _ in found.documents.values())
        raise UsageError(f"the document view needs {Option.DOC:ID}: one of {', '.join(ids) or '(no documents)'}")
    found = load_claims(store)
    if chosen is View.ENTITIES:
        return entity_view(found, doc=doc, categories=wanted_categories, modalities=wanted_modalities)
    return claim_view(found, doc=doc, categories=wanted_categories, modalities=wanted_modalities, view=chosen)


def default_title(view: str | View, *, doc: str | None = None, query: str | None = None) -> str:
    """Return the title a page of ``view`` gets when none is given."""
    chosen = view if isinstance(view, View) else View.parse(view)
    return {View.ENTITIES: "Entities and the claims that link them", View.CLAIMS: "Claims and their sources",
            View.DOCUMENT: f"The claims of {doc}", View.QUERY: f"The graph of the query {query}"}.get(chosen, "Graph")
