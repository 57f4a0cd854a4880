"""The page: one self-contained HTML file that draws a view graph with vis-network, as pyvis ships it.

pyvis's own output links Bootstrap and vis-network from CDNs and writes tooltips as raw HTML. This page keeps
pyvis's vis-network build and its conventions (a ``mynetwork``-style container, ``vis.DataSet`` of nodes and edges,
an options object) but inlines the library and its styles, builds the node and edge lists directly (linear, where
``Network.add_edge`` is quadratic), and puts the data in a JSON block that no browser executes, with ``<``, ``>``
and ``&`` escaped. The page's script writes every text with ``textContent``, and a Content-Security-Policy allows
only the page's own two scripts (by hash) and no connection anywhere, so no text from a document can run.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import NotFoundError, UsageError
from ..html import script_json
from ..vocab import Category, Modality
from .encoding import CATEGORY_COLOURS, MODALITY_DASHES, NEGATED_COLOUR, PLAIN_COLOUR, edge_width, legend, node_style
from .layout import layout_positions
from .model import ViewEdge, ViewGraph

__all__ = ["DEFAULT_THRESHOLD", "InlinePage", "Layout", "render_html", "show"]

#: Above this many nodes the page is laid out ahead, with physics off.
DEFAULT_THRESHOLD = 1500
_VIS_VERSION = "vis-9.1.2"
_ASSETS = Path(__file__).resolve().parent / "assets"
_LABEL_LIMIT = 40
_ROLE_COLOURS = {"document": "#9aa5b1", "attribution": "#9aa5b1", "supports": "#1f2933", "challenges": "#1f2933"}


class Layout(StrEnum):
    """How the page places the nodes."""

    AUTO = "auto"  # physics below the threshold, computed ahead above it
    PHYSICS = "physics"  # vis-network's force simulation in the browser, switched off once stable
    PRECOMPUTED = "precomputed"  # positions computed in Python, physics off


@cache
def _vis_assets() -> tuple[str, str]:
    """Return vis-network's script and style sheet from the pyvis installation (without importing pyvis)."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise NotFoundError("pyvis is not installed: install the package's dependencies (pip install .)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib" / _VIS_VERSION
    try:
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as err:
        raise NotFoundError(f"pyvis's copy of vis-network is missing ({err}): reinstall pyvis") from err
    return script, style


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    # Inline code must not close its own element; neither shipped script does, and this keeps it so.
    return code.replace("</script", "<\\/script")


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1].rstrip() + "…"


def _enum_value(value: str | None, enum: type[Category] | type[Modality]) -> Any:
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def _edge(index: int, edge: ViewEdge, *, directed: bool, edge_labels: bool, curve: tuple[int, int]) -> dict[str, Any]:
    category = _enum_value(edge.category, Category)
    modality = _enum_value(edge.modality, Modality)
    colour = CATEGORY_COLOURS[category] if category else _ROLE_COLOURS.get(edge.role, PLAIN_COLOUR)
    item: dict[str, Any] = {
        "id": f"e{index}", "from": edge.source, "to": edge.target, "role": edge.role,
        "color": {"color": colour, "highlight": colour, "hover": colour, "inherit": False},
        "width": edge_width(edge.sources) if edge.role in ("claim", "subject", "object") else 1.0,
        "dashes": MODALITY_DASHES[modality] if modality else False,
        "fullLabel": edge.label,
    }
    if edge.title:
        item["title"] = edge.title
    for key in ("claim", "category", "modality"):
        if getattr(edge, key):
            item[key] = getattr(edge, key)
    if edge.role in ("supports", "challenges"):
        item["label"] = edge.label
        item["font"] = {"size": 11, "color": "#1f2933", "strokeWidth": 3, "strokeColor": "#ffffff"}
    elif edge_labels and edge.label:
        item["label"] = ("NOT " if edge.negated else "") + edge.label
    if directed:
        item["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.6}}
    if edge.negated:
        item["negated"] = True
        item.setdefault("label", "NOT")
        item["font"] = {"size": 13, "color": NEGATED_COLOUR, "bold": True, "strokeWidth": 4, "strokeColor": "#ffffff",
                        "face": "system-ui, sans-serif"}
        item["arrows"] = {"to": {"enabled": True, "type": "bar", "scaleFactor": 1.0}}
        item["background"] = {"enabled": True, "color": "rgba(214,39,40,0.35)", "size": 10}
    position, count = curve
    if count > 1:
        item["smooth"] = {"enabled": True, "type": "curvedCW" if position % 2 == 0 else "curvedCCW",
                          "roundness": 0.12 + 0.14 * (position // 2)}
    return item


def _payload(view: ViewGraph, *, title: str, precomputed: bool, positions: dict[str, tuple[float, float]],
             edge_labels: bool) -> dict[str, Any]:
    degree: dict[str, int] = defaultdict(int)
    for edge in view.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    claim_categories = {key: info.category for key, info in view.claims.items()}
    nodes = []
    for node in view.nodes:
        category = claim_categories.get(node.claim) if node.claim else node.properties.get("category", [None])[0]
        item: dict[str, Any] = {"id": node.id, "label": _short(node.label), "kind": node.kind,
                                **node_style(node.kind, category)}
        if len(node.label) > _LABEL_LIMIT:
            item["fullLabel"] = node.label
        if node.title:
            item["title"] = node.title
        if node.claim:
            item["claim"] = node.claim
            info = view.claims.get(node.claim)
            if info is not None:
                dashes = MODALITY_DASHES.get(_enum_value(info.modality, Modality) or Modality.ASSERTED, False)
                item["shapeProperties"] = {"borderDashes": dashes}
                item["borderWidth"] = 2
                item["font"] = {"color": "#ffffff", "strokeWidth": 3, "strokeColor": "#1f2933"}
                if info.polarity == "negated":
                    item["borderWidth"] = 4
                    item["color"]["border"] = NEGATED_COLOUR
                    item["color"]["highlight"]["border"] = NEGATED_COLOUR
        if node.document:
            item["document"] = node.document
        if node.properties:
            item["properties"] = node.properties
        if node.kind not in ("claim", "document", "quantity"):
            item["value"] = degree.get(node.id, 0) + 1
        if precomputed and node.id in positions:
            item["x"], item["y"] = round(positions[node.id][0], 1), round(positions[node.id][1], 1)
        nodes.append(item)
    pairs: dict[frozenset[str], int] = defaultdict(int)
    for edge in view.edges:
        pairs[frozenset((edge.source, edge.target))] += 1
    seen: dict[frozenset[str], int] = defaultdict(int)
    edges = []
    for index, edge in enumerate(view.edges):
        pair = frozenset((edge.source, edge.target))
        edges.append(_edge(index, edge, directed=view.directed, edge_labels=edge_labels,
                           curve=(seen[pair], pairs[pair])))
        seen[pair] += 1
    kinds = {n.kind for n in view.nodes}
    categories = {i.category for i in view.claims.values()} | {e.category for e in view.edges if e.category}
    modalities = {i.modality for i in view.claims.values()} | {e.modality for e in view.edges if e.modality}
    negated = any(i.polarity == "negated" for i in view.claims.values()) or any(e.negated for e in view.edges)
    return {
        "title": title, "description": view.description, "view": view.view.value, "precomputed": precomputed,
        "edgeLabels": edge_labels, "nodes": nodes, "edges": edges,
        "claims": {key: asdict(info) for key, info in view.claims.items()},
        "documents": [{"id": doc_id, "title": doc_title} for doc_id, doc_title in view.documents.items()],
        "legend": legend(kinds=kinds, categories=categories, modalities=modalities, negated=negated,
                         max_sources=max((e.sources for e in view.edges), default=1)),
        "options": _options(len(nodes), precomputed),
    }


def _options(count: int, precomputed: bool) -> dict[str, Any]:
    options: dict[str, Any] = {
        "autoResize": True,
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1,
                  "scaling": {"min": 10, "max": 36, "label": {"enabled": False}}},
        "edges": {"selectionWidth": 2, "hoverWidth": 1.5, "font": {"size": 11, "align": "middle"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False,
                        "multiselect": True},
        "layout": {"randomSeed": 7, "improvedLayout": count <= 300},
    }
    if precomputed:
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = False
        options["interaction"].update({"hideEdgesOnDrag": count > 3000, "hideEdgesOnZoom": count > 3000})
    else:
        options["physics"] = {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 110, "springConstant": 0.06,
                                 "avoidOverlap": 0.5},
            "stabilization": {"enabled": True, "iterations": 500, "updateInterval": 50, "fit": True},
        }
        options["edges"]["smooth"] = {"enabled": True, "type": "continuous", "roundness": 0.3}
    return options


def render_html(view: ViewGraph, *, title: str, layout: Layout | str = Layout.AUTO,
                threshold: int = DEFAULT_THRESHOLD, edge_labels: bool = False,
                progress: Callable[[Iterable[int]], Iterable[int]] | None = None) -> str:
    """Return the complete, self-contained page that draws ``view``.

    The page loads nothing from the network: vis-network (pyvis's build) and the styles are inlined. Above
    ``threshold`` nodes (or with ``layout="precomputed"``, or when every node has a position) the positions are
    computed here and physics is off, so 10,000 nodes open in seconds.

    Args:
        view: the graph to draw.
        title: the page's title (escaped).
        layout: ``auto``, ``physics`` or ``precomputed``.
        threshold: the node count above which ``auto`` lays the graph out ahead.
        edge_labels: write every edge's label along it from the start (the page has a switch for it).
        progress: wraps the layout's steps, e.g. in a progress bar.

    Raises:
        UsageError: the graph has no nodes, or ``layout`` is not one of the three.
    """
    if not view.nodes:
        raise UsageError("nothing to draw: the graph has no nodes; no page was written")
    try:
        chosen = Layout(layout)
    except ValueError:
        raise UsageError(f"unknown layout {layout!r}: use one of {', '.join(m.value for m in Layout)}") from None
    precomputed, positions = _positions(view, chosen, threshold=threshold, progress=progress)
    payload = _payload(view, title=title, precomputed=precomputed, positions=positions, edge_labels=edge_labels)
    return _page(title=title, description=view.description, data=script_json(payload))


_Progress = Callable[[Iterable[int]], Iterable[int]]


def _positions(view: ViewGraph, layout: Layout, *, threshold: int,
               progress: _Progress | None) -> tuple[bool, dict[str, tuple[float, float]]]:
    """Return whether the page is laid out ahead (physics off), and the positions of its nodes if so."""
    given = all(n.x is not None and n.y is not None for n in view.nodes)
    precomputed = given or layout is Layout.PRECOMPUTED or (layout is Layout.AUTO and len(view.nodes) > threshold)
    positions: dict[str, tuple[float, float]] = {}
    if given:
        positions = {n.id: (float(n.x or 0), float(n.y or 0)) for n in view.nodes}
    elif precomputed:
        positions = layout_positions([n.id for n in view.nodes], ((e.source, e.target) for e in view.edges),
                                     progress=progress)
    return precomputed, positions


def _page(*, title: str, description: str, data: str) -> str:
    """Return the page around its data: the inlined library, styles and script, allowed by hash and nothing else."""
    vis_script, vis_style = _vis_assets()
    vis_code, page_code = _inline_script(vis_script), _inline_script(_asset("page.js"))
    policy = (f"default-src 'none'; script-src {_csp_hash(vis_code)} {_csp_hash(page_code)}; "
              "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; frame-src 'none'; "
              "form-action 'none'; base-uri 'none'")
    escaped_title = html.escape(title)
    description = html.escape(description)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kg viz (vis-network {_VIS_VERSION[4:]} from pyvis)">
<title>{escaped_title}</title>
<style>{vis_style}</style>
<style>{_asset("page.css")}</style>
</head>
<body>
<header>
<h1 id="title">{escaped_title}</h1>
<span class="summary" id="summary">{description}</span>
<span id="shown"></span>
<div class="tools">
<input id="search" type="search" placeholder="Search nodes (Enter: next)" aria-label="Search nodes">
<span id="search-result"></span>
</div>
</header>
<main>
<aside id="side">
<div class="controls">
<button type="button" class="plain" id="reset">Reset filters</button>
<button type="button" class="plain" id="fit">Fit</button>
<label><input type="checkbox" id="physics"> physics</label>
<label><input type="checkbox" id="edge-labels"> edge labels</label>
</div>
<div id="filters"></div>
</aside>
<div id="graph" class="mynetwork"></div>
<aside id="detail" hidden>
<button type="button" class="plain" id="close" aria-label="Close">&times;</button>
<div id="detail-body"></div>
</aside>
</main>
<noscript><p>This page needs JavaScript to draw the graph.</p></noscript>
<script type="application/json" id="kg-data">{data}</script>
<script>{vis_code}</script>
<script>{page_code}</script>
</body>
</html>
"""


@dataclass(frozen=True)
class InlinePage:
    """A page shown inline by Jupyter: an ``<iframe srcdoc=...>`` holding the whole page, not a link to a file.

    The frame is sandboxed (scripts only, no access to the notebook), which works the same in Jupyter, VS Code,
    Colab and remote servers.
    """

    html: str
    height: int = 720

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #d9dde3;" '
                'title="knowledge graph view"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (whole or not at all) and return the path."""
        from ..files import atomic_output

        out = Path(path)
        with atomic_output(out) as handle:
            handle.write(self.html.encode("utf-8"))
        return out


def show(page: str, *, height: int = 720) -> InlinePage:
    """Return ``page`` (from :func:`render_html`) ready to show inline in a notebook cell.

    >>> show("<p>hi</p>")._repr_html_()[:40]
    '<iframe srcdoc="&lt;p&gt;hi&lt;/p&gt;" s'
    """
    return InlinePage(page, height)
