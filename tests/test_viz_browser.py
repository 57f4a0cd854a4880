"""kg viz pages in a real browser: Debian's Chromium, driven by Playwright, with every network request blocked.

Each page is opened from a file with a route that aborts anything but the page itself and records every request;
console errors, page errors and dialogs fail the test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Route, ViewportSize, sync_playwright

from kg.corpus import Corpus
from kg.store import open_store
from kg.viz import ViewGraph, build_view, render_html

from .test_viz import ARTICLE, HOSTILE_QUOTE, HOSTILE_TITLE, hostile_store, synthetic

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
        "--disable-default-apps", "--mute-audio"]
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """One Chromium for the module, on a fresh profile folder; closed whatever happens."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS,
                                                               headless=True, viewport=VIEWPORT)
        try:
            yield context
        finally:
            context.close()


@dataclass
class Opened:
    """A page opened offline, with what it asked for and what it said."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def evaluate(self, expression: str, argument: Any = None) -> Any:
        return self.page.evaluate(expression, argument)

    def check_clean(self) -> None:
        """Fail on any request beyond the page itself, any console error or warning, page error or dialog."""
        assert self.requests == [self.url]
        assert self.problems == []
        assert self.dialogs == []


Opener = Callable[[Path], Opened]


@pytest.fixture()
def offline(browser: BrowserContext) -> Iterator[Opener]:
    """Open pages from files with the network blocked; each page is closed after the test."""
    pages: list[Page] = []

    def opener(path: Path) -> Opened:
        page = browser.new_page()
        pages.append(page)
        opened = Opened(page, path.resolve().as_uri())

        def route(route: Route) -> None:
            opened.requests.append(route.request.url)
            if route.request.url == opened.url:
                route.continue_()
            else:
                route.abort()

        def dialog(box: Dialog) -> None:
            opened.dialogs.append(f"{box.type}: {box.message}")
            box.dismiss()

        def console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                opened.problems.append(f"console {message.type}: {message.text}")

        page.route("**/*", route)
        page.on("console", console)
        page.on("pageerror", lambda error: opened.problems.append(f"page error: {error}"))
        page.on("dialog", dialog)
        page.goto(opened.url)
        page.wait_for_function("() => window.kgReady === true", timeout=60_000)
        return opened

    yield opener
    for page in pages:
        page.close()


def write_page(view: ViewGraph, path: Path, title: str) -> Path:
    path.write_text(render_html(view, title=title), encoding="utf-8")
    return path


def drawn(opened: Opened) -> dict[str, int]:
    """Return what the network holds and draws, and how many canvas pixels are not background."""
    counts: dict[str, int] = opened.evaluate("""() => {
        const canvas = document.querySelector('#graph canvas');
        const context = canvas.getContext('2d');
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < pixels.length; i += 4 * 7) {
            if (pixels[i + 3] > 0 && (pixels[i] < 235 || pixels[i + 1] < 235 || pixels[i + 2] < 235)) inked++;
        }
        return {nodes: kgData.nodes.length, edges: kgData.edges.length,
                drawnNodes: kgNetwork.body.nodeIndices.length, drawnEdges: kgNetwork.body.edgeIndices.length,
                width: canvas.width, height: canvas.height, inked: inked};
    }""")
    return counts


def node_point(opened: Opened, node_id: str) -> tuple[float, float]:
    """Bring a node to the middle of the canvas and return where it is drawn on the screen."""
    box = opened.page.locator("#graph canvas").bounding_box()
    assert box is not None
    point = opened.evaluate("""(id) => {
        kgNetwork.focus(id, {scale: 1.5, animation: false});
        return kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);
    }""", node_id)
    return box["x"] + point["x"], box["y"] + point["y"]


def click_node(opened: Opened, node_id: str) -> None:
    """Click a node with the mouse."""
    opened.page.mouse.click(*node_point(opened, node_id))


def hover_node(opened: Opened, node_id: str) -> None:
    """Move the mouse over a node."""
    opened.page.mouse.move(*node_point(opened, node_id))


def keep_for_docs(screenshot: Path) -> None:
    """Copy a screenshot to $KG_SCREENSHOTS when set: `make screenshots` refreshes the pictures of the docs."""
    folder = os.environ.get("KG_SCREENSHOTS")
    if folder:
        shutil.copy(screenshot, Path(folder) / screenshot.name)


@pytest.mark.parametrize("view", ["entities", "claims", "document", "query"])
def test_each_view_draws_offline(view: str, store: ox.Store, offline: Opener, tmp_path: Path) -> None:
    options: dict[str, Any] = {"document": {"doc": ARTICLE}, "query": {"query": "entity-graph"}}.get(view, {})
    graph = build_view(store, view=view, **options)
    opened = offline(write_page(graph, tmp_path / f"{view}.html", f"The {view} view"))
    counts = drawn(opened)
    assert (counts["nodes"], counts["edges"]) == (len(graph.nodes), len(graph.edges))
    assert (counts["drawnNodes"], counts["drawnEdges"]) == (len(graph.nodes), len(graph.edges))
    assert counts["width"] > 500 and counts["height"] > 500 and counts["inked"] > 500
    assert opened.page.locator("#shown").text_content() == (
        f"{len(graph.nodes)} of {len(graph.nodes)} nodes, {len(graph.edges)} of {len(graph.edges)} edges")
    assert opened.page.locator("title").text_content() == f"The {view} view"
    opened.page.screenshot(path=str(tmp_path / f"{view}.png"))
    keep_for_docs(tmp_path / f"{view}.png")
    opened.check_clean()


def test_legend_and_filters_hide_the_right_edges(store: ox.Store, corpus: Corpus, offline: Opener,
                                                 tmp_path: Path) -> None:
    graph = build_view(store, view="entities")
    opened = offline(write_page(graph, tmp_path / "entities.html", "Entities"))
    legend = opened.page.locator("#filter-category label.row")
    assert legend.count() == 10
    assert legend.nth(3).text_content() == "efficacy14"
    efficacy = sum(1 for c in corpus.claims if c.category.value == "efficacy")
    opened.page.locator("#filter-category input[data-value=efficacy]").click()
    shown = opened.evaluate("() => kgView.edges.get().map(e => e.category)")
    assert len(shown) == len(graph.edges) - efficacy == 55
    assert "efficacy" not in shown
    assert opened.evaluate("() => kgNetwork.body.edgeIndices.length") == 55
    # Hedged off as well: only claims that are neither efficacy nor hedged remain.
    opened.page.locator("#filter-modality input[data-value=hedged]").click()
    remaining = sum(1 for c in corpus.claims if c.category.value != "efficacy" and c.modality.value != "hedged")
    assert opened.evaluate("() => kgView.edges.length") == remaining
    # Entities left with no visible claim are hidden too; the counter says so.
    shown_nodes = opened.evaluate("() => kgView.nodes.length")
    assert shown_nodes < len(graph.nodes)
    assert opened.page.locator("#shown").text_content() == (
        f"{shown_nodes} of {len(graph.nodes)} nodes, {remaining} of {len(graph.edges)} edges")
    opened.page.locator("#reset").click()
    assert opened.evaluate("() => [kgView.nodes.length, kgView.edges.length]") == [len(graph.nodes),
                                                                                  len(graph.edges)]
    # Edge labels: only NOT on negated claims at first, the predicate on every claim once switched on.
    labels = "() => kgData.edges.get().map(e => e.label || '')"
    assert sorted(set(opened.evaluate(labels))) == ["", "NOT"]
    opened.page.locator("#edge-labels").click()
    assert opened.evaluate(labels) == [("NOT " if e.negated else "") + e.label for e in graph.edges]
    # A document filter: the appeal decision's claims go.
    opened.page.locator("#filter-document input[data-value='ny-dfs-appeal-202308-166215']").click()
    appeal = sum(1 for c in corpus.claims if c.document == "ny-dfs-appeal-202308-166215")
    assert opened.evaluate("() => kgView.edges.length") == len(graph.edges) - appeal
    opened.check_clean()


def test_clicking_a_claim_shows_its_quote_in_its_sentence(store: ox.Store, offline: Opener, tmp_path: Path) -> None:
    graph = build_view(store, view="claims")
    key = next(k for k, info in graph.claims.items() if info.id == "article-mechanism-nmda-blockade")
    opened = offline(write_page(graph, tmp_path / "claims.html", "Claims"))
    assert opened.page.locator("#detail").is_hidden()
    click_node(opened, key)
    detail = opened.page.locator("#detail")
    assert detail.is_visible()
    assert opened.page.locator("#detail-quote").text_content() == (
        "researchers believe it may be related to the drug\u2019s ability to block NMDA receptors in the brain")
    assert opened.page.locator("#detail-sentence").text_content() == (
        "While the exact mechanism of ketamine\u2019s efficacy in treating chronic migraines is not yet fully "
        "understood, researchers believe it may be related to the drug\u2019s ability to block NMDA receptors in the "
        "brain.")
    facts = dict(zip(detail.locator("dt").all_text_contents(), detail.locator("dd").all_text_contents(),
                     strict=True))
    assert facts["Document"] == "What is Ketamine Treatment? (ketamine-migraine-article)"
    assert facts["Attributed to"] == "unnamed researchers"
    assert facts["Citation status"] == "no citation"
    assert facts["Modality"] == "speculative (may, researchers believe)"
    assert facts["Claim id"] == "article-mechanism-nmda-blockade"
    opened.page.screenshot(path=str(tmp_path / "claim-detail.png"))
    keep_for_docs(tmp_path / "claim-detail.png")
    opened.check_clean()


def test_hovering_a_claim_shows_it_in_words(store: ox.Store, offline: Opener, tmp_path: Path) -> None:
    graph = build_view(store, view="claims", doc=ARTICLE)
    key = next(k for k, info in graph.claims.items() if info.id == "article-efficacy-frequency")
    opened = offline(write_page(graph, tmp_path / "claims.html", "Claims"))
    hover_node(opened, key)
    tooltip = opened.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert tooltip.text_content() == graph.claims[key].words
    opened.check_clean()


def test_search_finds_and_focuses_nodes(store: ox.Store, offline: Opener, tmp_path: Path) -> None:
    graph = build_view(store, view="entities")
    opened = offline(write_page(graph, tmp_path / "entities.html", "Entities"))
    matching = sorted(n.id for n in graph.nodes if "migraine" in n.label.lower())
    opened.page.locator("#search").fill("Migraine")
    assert opened.page.locator("#search-result").text_content() == f"{len(matching)} matches"
    assert sorted(opened.evaluate("() => kgNetwork.getSelectedNodes()")) == matching
    opened.page.locator("#search").press("Enter")
    assert opened.page.locator("#search-result").text_content() == f"1 of {len(matching)}"
    first = opened.evaluate("() => kgNetwork.getSelectedNodes()")
    assert len(first) == 1 and first[0] in matching
    node = next(n for n in graph.nodes if n.id == first[0])
    assert opened.page.locator("#detail h2").text_content() == node.label
    # The panel of an entity lists the claims about it, each a click away from its own panel.
    about = [e.claim for e in graph.edges if node.id in (e.source, e.target)]
    plural = "" if len(about) == 1 else "s"
    assert opened.page.locator("#detail h3").text_content() == f"{len(about)} claim{plural}"
    opened.page.locator("#detail ul.claims button").first.click()
    assert opened.page.locator("#detail-quote").count() == 1
    opened.check_clean()


def test_hostile_document_text_shows_as_text_and_never_runs(data_copy: Path, tmp_path: Path, offline: Opener) -> None:
    with open_store(hostile_store(data_copy, tmp_path)) as store:
        graph = build_view(store, view="document", doc="hostile-clinic")
    key = next(k for k, info in graph.claims.items() if info.id == "hostile-cures")
    opened = offline(write_page(graph, tmp_path / "hostile.html", HOSTILE_TITLE))
    assert opened.page.locator("h1").text_content() == HOSTILE_TITLE
    assert opened.page.title() == HOSTILE_TITLE
    assert opened.page.locator("#filter-document").count() == 0  # a single document needs no filter
    hover_node(opened, key)
    tooltip = opened.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert tooltip.text_content() == graph.claims[key].words and "<script>" in graph.claims[key].words
    click_node(opened, key)
    assert opened.page.locator("#detail-quote").text_content() == HOSTILE_QUOTE
    assert HOSTILE_TITLE in (opened.page.locator("#detail").text_content() or "")
    # The document node: its label is cut short on the canvas, its panel gives the whole title, as text.
    document = next(n.id for n in graph.nodes if n.kind == "document")
    click_node(opened, document)
    assert opened.page.locator("#detail h2").text_content() == HOSTILE_TITLE
    found = opened.evaluate("""() => ({
        pwned: window.pwned === undefined ? null : String(window.pwned),
        images: document.querySelectorAll('img').length,
        links: document.querySelectorAll('a').length,
        scripts: document.querySelectorAll('script').length,
        bold: document.querySelectorAll('b').length,
    })""")
    assert found == {"pwned": None, "images": 0, "links": 0, "scripts": 3, "bold": 0}
    opened.page.screenshot(path=str(tmp_path / "hostile.png"))
    opened.check_clean()


def test_a_large_graph_opens_laid_out_with_physics_off(offline: Opener, tmp_path: Path) -> None:
    graph = synthetic(3000, 6000)
    graph.add_edge(0, 1, label="does not cause", category="adverse-effect", negated=True)
    view = ViewGraph.from_networkx(graph)
    opened = offline(write_page(view, tmp_path / "large.html", "Synthetic"))
    counts = drawn(opened)
    assert (counts["drawnNodes"], counts["drawnEdges"]) == (3000, nx.number_of_edges(graph))
    assert counts["inked"] > 500
    assert opened.evaluate("() => kgNetwork.physics.options.enabled") is False
    assert opened.page.locator("#physics").is_checked() is False
    opened.check_clean()
