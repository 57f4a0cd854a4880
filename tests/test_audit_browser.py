"""The audit page in a real browser: Debian's Chromium, driven by Playwright, every network request blocked.

The page must open from its file alone, run no script, show each group and each quote in its sentence, and keep
hostile document text as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Route, sync_playwright

from kg.audit import audit, write

from .test_viz import HOSTILE_QUOTE, HOSTILE_TITLE, hostile_store
from .test_viz_browser import ARGS, CHROMIUM, keep_for_docs


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1100, "height": 1400})
        try:
            yield context
        finally:
            context.close()


def _open(browser: BrowserContext, path: Path) -> tuple[Page, list[str], list[str]]:
    page = browser.new_page()
    url = path.resolve().as_uri()
    requests: list[str] = []
    problems: list[str] = []

    def route(route: Route) -> None:
        requests.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda box: (problems.append(f"dialog: {box.message}"), box.dismiss()))
    page.goto(url)
    return page, requests, problems


def test_the_audit_page_shows_the_evidence_offline(browser: BrowserContext, store: ox.Store, tmp_path: Path) -> None:
    evidence = audit(store, subject="CHEBI:6121", obj="MONDO:0005277", category="regulatory-status")
    path = tmp_path / "audit-regulatory-status.html"
    path.write_text(write(evidence, "html"), encoding="utf-8")
    page, requests, problems = _open(browser, path)
    try:
        assert requests == [path.resolve().as_uri()]
        assert problems == []
        headings = page.locator("h2").all_inner_texts()
        assert [h.split(" (")[0] for h in headings] == [
            "Supporting", "Challenging", "Related"]
        assert page.locator("div.claim").count() == len(evidence.claims)
        # each quote is highlighted inside its sentence, and styled by the page's own (hashed) inline style
        marked = page.locator("#appeal-indication-not-indicated mark").inner_text()
        assert marked == "Treatment of chronic migraine with intravenous ketamine is not indicated."
        colour = page.evaluate("getComputedStyle(document.querySelector('.level-high')).backgroundColor")
        assert colour == "rgb(27, 120, 55)"
        assert page.evaluate("document.scripts.length") == 0
        screenshot = tmp_path / "audit-regulatory-status.png"
        page.screenshot(path=str(screenshot))
        assert screenshot.stat().st_size > 10_000
        keep_for_docs(screenshot)
    finally:
        page.close()


def test_hostile_text_in_a_document_stays_text(browser: BrowserContext, data_copy: Path, tmp_path: Path) -> None:
    store_dir = hostile_store(data_copy, tmp_path)
    evidence = audit(store_dir, subject="CHEBI:6121", obj="MONDO:0005277", category="efficacy")
    assert "hostile-cures" in [c.record.identifier for c in evidence.claims]
    path = tmp_path / "hostile.html"
    path.write_text(write(evidence, "html"), encoding="utf-8")
    page, requests, problems = _open(browser, path)
    try:
        assert problems == [] and requests == [path.resolve().as_uri()]
        assert HOSTILE_QUOTE in page.locator("#hostile-cures mark").inner_text()
        assert HOSTILE_TITLE in page.locator("#hostile-cures .facets").inner_text()
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("window.pwned") is None
    finally:
        page.close()
