"""What a page draws: a view graph of plain nodes and edges, with the claims they stand for.

A :class:`ViewGraph` is independent of where it came from: the store (:func:`kg.viz.build_view`), a CONSTRUCT
query, or any networkx graph (:meth:`ViewGraph.from_networkx`). :func:`kg.viz.render_html` turns it into a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..errors import UsageError

__all__ = ["ClaimInfo", "View", "ViewEdge", "ViewGraph", "ViewNode"]


class View(StrEnum):
    """The views a page can show."""

    ENTITIES = "entities"
    CLAIMS = "claims"
    DOCUMENT = "document"
    QUERY = "query"
    GRAPH = "graph"  # any other graph, e.g. one given as networkx

    @classmethod
    def parse(cls, value: str) -> View:
        """Return the view named ``value``.

        Raises:
            UsageError: no view has that name; the message lists the views.
        """
        try:
            view = cls(value.strip().lower())
        except ValueError:
            view = None
        if view is None or view is View.GRAPH:
            allowed = ", ".join(v.value for v in cls if v is not View.GRAPH)
            raise UsageError(f"unknown view {value!r}: use one of {allowed}")
        return view


@dataclass
class ClaimInfo:
    """Everything the detail panel shows about one claim.

    Attributes:
        id: the claim's id in its claims file.
        iri: the IRI of its statement node.
        words: the claim in words, as the tooltip shows it.
        category, modality, polarity, citation: the spellings of the vocabulary's enums.
        citation_label: the citation status in words ("named but unreferenced").
        cues: the cue words of a hedged or speculative claim.
        document: the id of the document that makes the claim; ``document_title`` its title.
        attributed_to: the label of the agent the document reports as the source, if any.
        before, quote, after: the sentence around the quote, split so the quote can be highlighted.
        references: the references the document gives, as text.
        supports, challenges: ids of the claims this one supports or challenges.
        qualifiers: other facets worth showing (route, condition, jurisdiction ...), label to value.
    """

    id: str
    iri: str
    words: str
    category: str
    modality: str
    polarity: str
    citation: str
    document: str
    document_title: str
    citation_label: str = ""
    cues: tuple[str, ...] = ()
    attributed_to: str | None = None
    before: str = ""
    quote: str = ""
    after: str = ""
    references: tuple[str, ...] = ()
    supports: tuple[str, ...] = ()
    challenges: tuple[str, ...] = ()
    qualifiers: tuple[tuple[str, str], ...] = ()


@dataclass
class ViewNode:
    """A node of a view.

    Attributes:
        id: unique within the view (an IRI, or any string).
        label: what is written on it.
        kind: an entity type (``drug``, ``disease``, ...) or ``claim``, ``document``, ``quantity``, ``resource``;
            it decides the shape.
        title: the hover text.
        claim: the key in :attr:`ViewGraph.claims` of the claim this node stands for, if any.
        document: the id of the document this node is (document nodes only).
        properties: facts shown in the detail panel, label to values (e.g. a query's literals).
        x, y: a position given in advance; when every node has one the page draws them there with physics off.
    """

    id: str
    label: str
    kind: str = "resource"
    title: str = ""
    claim: str | None = None
    document: str | None = None
    properties: dict[str, list[str]] = field(default_factory=dict)
    x: float | None = None
    y: float | None = None


@dataclass
class ViewEdge:
    """An edge of a view: a claim (entities view), or a link between a claim and what it involves.

    Attributes:
        source, target: node ids.
        label: the text written along it (a predicate, a role such as ``subject``).
        category, modality: enum spellings that decide its colour and line style, if it has them.
        negated: it stands for a negated claim (drawn with the negation mark).
        sources: the number of independent documents that make the same claim; decides the width.
        claim: the key in :attr:`ViewGraph.claims` of the claim it stands for or belongs to.
        title: the hover text.
        role: ``claim``, ``subject``, ``object``, ``document``, ``attribution``, ``supports``, ``challenges`` or
            ``relation``.
    """

    source: str
    target: str
    label: str = ""
    category: str | None = None
    modality: str | None = None
    negated: bool = False
    sources: int = 1
    claim: str | None = None
    title: str = ""
    role: str = "relation"


@dataclass(frozen=True)
class ViewGraph:
    """A graph ready to draw.

    Attributes:
        nodes, edges: what is drawn.
        claims: the claims nodes and edges refer to, by key.
        documents: document id to title, for the document filter.
        view: which view this is.
        directed: draw arrows.
        description: one line saying what the view holds (shown under the title).
    """

    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    claims: Mapping[str, ClaimInfo] = field(default_factory=dict)
    documents: Mapping[str, str] = field(default_factory=dict)
    view: View = View.GRAPH
    directed: bool = True
    description: str = ""

    @classmethod
    def from_networkx(cls, graph: Any, *, description: str = "") -> ViewGraph:
        """Return the view of a networkx graph (``Graph``, ``DiGraph``, or their multigraph kinds).

        Node attributes ``label`` and ``kind`` (and ``title``, ``x``, ``y``) and edge attributes ``label`` and
        ``category`` (and ``modality``, ``negated``, ``sources``, ``title``) are used when present; other
        attributes appear in the detail panel. Building the lists directly keeps this linear in the size of the
        graph (pyvis's ``from_nx`` scans every edge added so far for each new edge).

        >>> import networkx as nx
        >>> g = nx.DiGraph()
        >>> g.add_edge("a", "b", label="causes", category="adverse-effect")
        >>> view = ViewGraph.from_networkx(g)
        >>> len(view.nodes), view.edges[0].category
        (2, 'adverse-effect')
        """
        nodes = []
        for key, attributes in graph.nodes(data=True):
            known = {"label", "kind", "title", "x", "y"}
            nodes.append(ViewNode(
                id=str(key), label=str(attributes.get("label", key)), kind=str(attributes.get("kind", "resource")),
                title=str(attributes.get("title", "")),
                properties={str(k): [str(v)] for k, v in attributes.items() if k not in known},
                x=_float(attributes.get("x")), y=_float(attributes.get("y"))))
        edges = []
        for source, target, attributes in graph.edges(data=True):
            edges.append(ViewEdge(
                source=str(source), target=str(target), label=str(attributes.get("label", "")),
                category=_text(attributes.get("category")), modality=_text(attributes.get("modality")),
                negated=bool(attributes.get("negated", False)), sources=int(attributes.get("sources", 1)),
                title=str(attributes.get("title", ""))))
        return cls(nodes=tuple(nodes), edges=tuple(edges), directed=bool(graph.is_directed()),
                   description=description)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
