"""The figures of ``docs/audit.md``, produced from the corpus: the three questions' audits and the levels.

The page holds each generated block between ``<!-- audit:NAME -->`` and ``<!-- /audit:NAME -->``;
``kg dev reference`` rewrites them (:func:`refresh`) and a test fails when one is out of date.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import pyoxigraph as ox

from ..vocab import Category, Certainty
from . import audit
from .render import as_markdown

__all__ = ["QUESTIONS", "blocks", "refresh"]

#: The questions the page answers, as keywords of :func:`kg.audit.audit`.
QUESTIONS: dict[str, dict[str, str]] = {
    "efficacy": {"subject": "CHEBI:6121", "obj": "ent:chronic-migraine", "category": "efficacy"},
    "adverse-effects": {"subject": "CHEBI:6121", "category": "adverse-effect"},
    "approval": {"subject": "CHEBI:6121", "obj": "MONDO:0005277", "category": "regulatory-status"},
}


def _demoted(markdown: str) -> str:
    """Return an audit's Markdown with its headings two levels down, to sit under the page's own."""
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", markdown, flags=re.M).strip() + "\n"


def blocks(store: ox.Store) -> dict[str, str]:
    """Return every generated block of the page, by name, from a store built from the corpus."""
    found = {name: _demoted(as_markdown(audit(store, **question)))  # type: ignore[arg-type]
             for name, question in QUESTIONS.items()}
    levels: dict[str, Certainty] = {}
    for category in Category:  # every claim has one category: together they are every claim of the store
        levels.update((c.record.iri, c.certainty.level) for c in audit(store, category=category).claims)
    counts = Counter(levels.values())
    rows = ["| certainty | claims |", "| --- | ---: |"]
    rows += [f"| {level.value.replace('-', ' ')} | {counts.get(level, 0)} |" for level in reversed(Certainty)]
    found["levels"] = "\n".join(rows) + "\n"
    return found


def refresh(text: str, generated: Mapping[str, str]) -> str:
    """Return the page's text with each generated block replaced by its current content.

    Raises:
        ValueError: the page lacks a block's markers.
    """
    for name, content in generated.items():
        begin, end = f"<!-- audit:{name} -->\n", f"<!-- /audit:{name} -->"
        first = text.find(begin)
        last = text.find(end, first)
        if first < 0 or last < 0:
            raise ValueError(f"docs/audit.md has no block {begin.strip()} ... {end}")
        text = text[:first + len(begin)] + content + text[last:]
    return text
