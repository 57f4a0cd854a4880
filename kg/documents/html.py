"""HTML pages: the main text taken out with trafilatura, the links recorded, boilerplate pages flagged.

Before trafilatura sees the page, everything that can never be text a claim quotes is removed from it: scripts,
styles, ``<noscript>`` and ``<template>`` content, comments, navigation (``<nav>``, ``role="navigation"``), cookie
banners and form controls. trafilatura then keeps the main text, favouring recall: on clinic pages built with
page builders, precision drops whole lists of conditions treated and the calls to action that make a page
promotional. Nothing is fetched: trafilatura reads only the page given.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

from .. import __version__
from ..errors import DocumentError, Problem
from .formats import Extraction, Progress, bom_encoding, captured_warnings, no_progress
from .links import LinkRecord, promotion_reasons
from .text import CHUNK, not_utf8, refuse_binary, sha256_text

__all__ = ["extract_html"]

#: Settings given to trafilatura, recorded with each document.
SETTINGS: dict[str, Any] = {"favor_recall": True, "include_comments": False, "include_tables": True,
                            "include_images": False, "deduplicate": False}
#: Below either bound the page is mostly boilerplate and the curator is warned.
MIN_MAIN_CHARACTERS = 200
MIN_MAIN_SHARE = 0.2

_INVISIBLE = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed")
_CONTROLS = ("button", "select", "input", "textarea")
_NAVIGATION = ("//nav | //*[@role='navigation'] | //*[contains(translate(@id, 'COKIE', 'cokie'), 'cookie')] | "
               "//*[contains(translate(@class, 'COKIE', 'cokie'), 'cookie')]")
_KEEP = frozenset({"html", "body", "main", "article"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CLAUSE_END = re.compile(r"[.!?][\s\"')\]]+|\n")
# A page that declares Latin-1 or ASCII is read as Windows-1252, as browsers do.
_BROWSER_CHARSETS = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:")


@dataclass(frozen=True)
class _PageLink:
    url: str
    href: str
    text: str
    rel: str


def extract_html(path: Path, out: BinaryIO, *, size: int, source: str | None = None,
                 progress: Progress = no_progress) -> Extraction:
    """Write the main text of an HTML page to ``out`` and describe it.

    Args:
        path: the page.
        out: where the UTF-8 text goes.
        size: the page's size in bytes.
        source: the address the page was published at, used to make relative links absolute.
        progress: told, in bytes of the page, how far reading has got (a third per pass over the page).

    Raises:
        DocumentError: the file is binary, not in the encoding it declares, not UTF-8 when it declares none, or
            has no main text.
    """
    import lxml.etree
    import lxml.html
    import trafilatura

    data = path.read_bytes()
    if bom_encoding(data) is None:
        refuse_binary(data[:CHUNK], path, size)
    markup, encoding = _decode(data, path)
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except (lxml.etree.ParserError, ValueError) as err:
        raise DocumentError([Problem(f"has no HTML to read ({err})", file=str(path))]) from err
    third = size // 3
    with captured_warnings("trafilatura", "htmldate", "courlan", "justext") as logged, \
            progress(size, "B") as advance:
        metadata = trafilatura.extract_metadata(copy.deepcopy(tree), extensive=False)
        visible = _strip(tree)
        page_links = _page_links(tree, _base(tree, source, metadata.url))
        advance(third)
        text = trafilatura.extract(copy.deepcopy(tree), output_format="txt", with_metadata=False, **SETTINGS)
        advance(third)
        if not text or not text.strip():
            raise DocumentError([Problem(
                "has no main text that can be told apart from menus and boilerplate (or its text is drawn by "
                "JavaScript): open it in a browser, save the article's text as a .txt file and add that",
                file=str(path))])
        linked = trafilatura.bare_extraction(copy.deepcopy(tree), include_links=True, with_metadata=False,
                                             **SETTINGS)
        advance(size - 2 * third)
    body = getattr(linked, "body", None)
    refs = [] if body is None else [
        (ref.get("target") or "", " ".join("".join(ref.itertext()).split())) for ref in body.iter("ref")]
    out.write(text.encode("utf-8"))
    warnings = [f"trafilatura: {message}" for message in dict.fromkeys(logged)]
    main = _length(text)
    if main < MIN_MAIN_CHARACTERS or main < MIN_MAIN_SHARE * visible:
        share = f" ({main / visible:.0%})" if visible else ""
        warnings.append(
            f"the page is nearly all boilerplate: its main text is {main:,} characters out of {visible:,} visible "
            f"on the page{share}; check that text.txt holds the text claims will quote before curating")
    extractor: dict[str, object] = {
        "name": "trafilatura", "version": trafilatura.__version__, "settings": dict(SETTINGS),
        "cleaning": f"kg {__version__}: scripts, styles, comments, navigation, cookie banners and form "
                    "controls removed before extraction",
    }
    return Extraction(
        sha256=sha256_text(text), characters=len(text), extractor=extractor, encoding=encoding,
        links=tuple(_locate(text, refs, page_links)), title=_clean(metadata.title),
        source=metadata.url if metadata.url and metadata.url.startswith(("http://", "https://")) else None,
        date=metadata.date or None, warnings=tuple(warnings),
    )


def _strip(tree: Any) -> int:
    """Remove from the page what can never be text a claim quotes; return the length of its visible text."""
    import lxml.etree

    lxml.etree.strip_elements(tree, lxml.etree.Comment, lxml.etree.ProcessingInstruction, *_INVISIBLE,
                              with_tail=False)
    # Menus and banners are visible: they count in what the main text is compared with, then go.
    visible = _length(tree.body.text_content() if tree.find("body") is not None else "")
    for element in tree.xpath(_NAVIGATION):
        if element.getparent() is not None and not _holds_main_text(element):
            element.drop_tree()
    lxml.etree.strip_elements(tree, *_CONTROLS, with_tail=False)
    return visible


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _clean(value: str | None) -> str | None:
    cleaned = " ".join((value or "").split())
    return cleaned or None


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a page as a browser would: byte-order mark, then declared charset, then UTF-8."""
    import codecs

    bom = bom_encoding(data)
    if bom:
        codec = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32-le": "utf-32",
                 "utf-32-be": "utf-32"}[bom]
        try:
            return data.decode(codec), bom
        except UnicodeDecodeError as err:
            raise DocumentError([Problem(f"is not valid {bom.upper()} although it starts with its byte-order "
                                         f"mark ({err.reason} at offset {err.start}): the file is damaged",
                                         file=str(path))]) from err
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            raise DocumentError([Problem(
                f"declares the character set {name!r}, which is unknown: convert the page to UTF-8 and fix its "
                "<meta charset>", file=str(path))]) from None
        codec = _BROWSER_CHARSETS.get(codec.replace("-", "_"), codec)
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise DocumentError([Problem(
                f"is not {name} as its <meta charset> says (byte 0x{data[err.start]:02x} at offset {err.start}): "
                "convert the page to UTF-8 and fix its <meta charset>", file=str(path), line=line)]) from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise not_utf8(path, data, err.start, offset=err.start, line=line) from err


def _holds_main_text(element: Any) -> bool:
    """Tell whether removing ``element`` would take the article with it (a body whose class names cookies)."""
    return element.tag in _KEEP or bool(element.xpath(".//main | .//article | .//h1"))


def _base(tree: Any, source: str | None, canonical: str | None) -> str | None:
    """Return the address relative links are resolved against: <base>, then --source, then the canonical URL."""
    declared = tree.xpath("//base/@href")
    for candidate in (declared[0] if declared else None, source, canonical):
        if candidate and urlsplit(candidate).scheme in ("http", "https"):
            return str(candidate)
    return None


def _page_links(tree: Any, base: str | None) -> list[_PageLink]:
    links = []
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href").strip()
        if not href or href.startswith("#") or href.lower().startswith(_SKIPPED_SCHEMES):
            continue
        url = urljoin(base, href) if base else href
        links.append(_PageLink(url=url, href=href, text=" ".join(anchor.text_content().split()),
                               rel=anchor.get("rel") or ""))
    return links


def _locate(text: str, refs: list[tuple[str, str]], page_links: list[_PageLink]) -> list[LinkRecord]:
    """Place the main text's links in the stored text, in order; record the page's other links without offsets."""
    by_href = {link.href: link for link in page_links} | {link.url: link for link in page_links}
    unused = Counter(link.url for link in page_links)
    records = []
    cursor = 0
    previous_end = 0
    for target, words in refs:
        page_link = by_href.get(target)
        url = page_link.url if page_link else target
        if not url or url.lower().startswith(_SKIPPED_SCHEMES) or url.startswith("#"):
            continue
        match = _find_words(text, words, cursor) if words else None
        if match is None:
            continue
        start, end = match
        unused[url] -= 1
        # What a link is for is said in its own clause: since the previous link or the sentence start.
        floor = max(previous_end if previous_end <= start else 0, text.rfind("\n", 0, start) + 1)
        clause = [m.end() for m in _CLAUSE_END.finditer(text, floor, start)]
        context = text[clause[-1] if clause else floor: end]
        reasons = promotion_reasons(url, context=context, rel=page_link.rel if page_link else "")
        records.append(LinkRecord(url=url, start=start, end=end, promotional=bool(reasons),
                                  reason="; ".join(reasons) or None, text=words))
        cursor = previous_end = end
    seen = set()
    for link in page_links:
        if unused[link.url] <= 0 or (link.url, link.text) in seen:
            continue
        seen.add((link.url, link.text))
        reasons = promotion_reasons(link.url, context=link.text, rel=link.rel)
        records.append(LinkRecord(url=link.url, promotional=bool(reasons), reason="; ".join(reasons) or None,
                                  text=link.text or None))
    return records


def _find_words(text: str, words: str, cursor: int) -> tuple[int, int] | None:
    """Find the words of a link in the text, across any whitespace, first after ``cursor``, then anywhere."""
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words.split()))
    match = pattern.search(text, cursor) or pattern.search(text)
    return (match.start(), match.end()) if match else None
