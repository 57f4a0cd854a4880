"""A claim's anchor: its quote at its character offsets in the text of its document."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard

from ..model import Anchor, Document

__all__ = ["CONTEXT_CHARS", "anchor_of"]

#: How many characters of text before and after a quote are kept as its prefix and suffix.
CONTEXT_CHARS = 32

def anchor_of(item: Mapping[str, Any], document: Document, problem: Callable[[str, str], None]) -> Anchor | None:
    """Return the anchor of a claim as written (quote, start, end), or ``None`` after noting what is wrong.

    ``problem(message, field)`` notes a problem on the line of a field. Offsets are whole numbers counted from 0
    (``true`` is not 1, and -20 does not count from the end of the text).
    """
    quote, start, end = item.get("quote"), item.get("start"), item.get("end")
    if not isinstance(quote, str) or not quote:
        return None
    text = document.text
    if _offset(start) and _offset(end) and start < end and text[start:end] == quote:
        return Anchor(quote=quote, start=start, end=end, prefix=text[max(0, start - CONTEXT_CHARS): start],
                      suffix=text[end: end + CONTEXT_CHARS])
    found = _occurrences(text, quote)
    where = f": the quote is at start: {found[0]}, end: {found[0] + len(quote)}" if found else ""
    wrong = [(key, value) for key, value in (("start", start), ("end", end))
             if value is not None and not _offset(value)]
    for key, value in wrong:
        if isinstance(value, int) and not isinstance(value, bool):
            problem(f"{key} is {value}, but offsets count characters from the start of the text, from 0{where}", key)
        else:
            problem(f"{key} must be a whole number of characters from the start of the text, not "
                    f"{_yaml_text(value)}{where}", key)
    if wrong or start is None or end is None:
        return None
    if found:
        places = ", ".join(f"start: {s}, end: {s + len(quote)}" for s in found[:5])
        problem(f"the quote is not at {start}-{end} in {document.id} but at {places}: correct the offsets",
                "start")
    else:
        problem(f"the quote is not found in {document.id}; closest passage: {_closest(text, quote)!r}; copy the "
                "words exactly from the document (typos, curly quotes and all)", "quote")
    return None


def _offset(value: Any) -> TypeGuard[int]:
    """Tell whether a value is a character offset: a whole number from 0, and not a YAML boolean."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _yaml_text(value: Any) -> str:
    """Write a value back as YAML reads it (``true``, not ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _occurrences(text: str, quote: str) -> list[int]:
    """Return where ``quote`` starts in ``text``, occurrences not overlapping (as ``re.finditer`` finds them)."""
    found = []
    at = text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + len(quote))
    return found


def _closest(text: str, quote: str) -> str:
    """Return the passage of ``text`` most like ``quote``, of about the same length."""
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=len(text) > 20000)
    match = matcher.find_longest_match(0, len(text), 0, len(quote))
    start = max(0, match.a - match.b)
    best = text[start: start + len(quote)]
    best_ratio = difflib.SequenceMatcher(None, best, quote).ratio()
    step = max(1, len(quote) // 10)
    for offset in range(max(0, start - len(quote)), min(len(text), start + len(quote)), step):
        window = text[offset: offset + len(quote)]
        ratio = difflib.SequenceMatcher(None, window, quote).ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best
