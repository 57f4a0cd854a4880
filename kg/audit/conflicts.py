"""Contradictions found, not only curated: claims of different documents that cannot both hold, not yet linked.

Two claims conflict when they come from different documents, share subject and predicate, and either have the
same object (or one object narrower than the other) with opposite polarity, or report quantities (same unit,
place and year) whose ranges cannot overlap. Pairs already linked by ``supports`` or ``challenges`` are left out:
the list is for a curator to confirm, by adding ``challenges: [ID]`` to one of the two in its claims file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from ..iris import compress
from ..model import Quantity
from ..sparql.claims import ClaimRecord, StatementView
from ..store import open_store
from ..vocab import Bound
from .gather import below, narrower

__all__ = ["Conflict", "find_conflicts", "write_conflicts"]


@dataclass(frozen=True)
class Conflict:
    """Two claims of different documents that cannot both hold."""

    first: ClaimRecord
    second: ClaimRecord
    first_document: str
    second_document: str
    reason: str


def _range(quantity: Quantity) -> tuple[Decimal | None, Decimal | None]:
    value = quantity.value
    if quantity.bound is Bound.OVER:
        return value, None
    if quantity.bound is Bound.UNDER:
        return None, value
    if quantity.bound is Bound.ABOUT:
        return value * Decimal("0.9"), value * Decimal("1.1")
    return value, value


def _apart(a: Quantity, b: Quantity) -> bool:
    """Return whether two quantities of the same unit, place and year have ranges that cannot overlap."""
    if (a.unit, a.place, a.year) != (b.unit, b.place, b.year):
        return False
    (low_a, high_a), (low_b, high_b) = _range(a), _range(b)
    below = high_a is not None and low_b is not None and (high_a < low_b or (high_a == low_b and (
        a.bound is Bound.UNDER or b.bound is Bound.OVER)))
    above = high_b is not None and low_a is not None and (high_b < low_a or (high_b == low_a and (
        b.bound is Bound.UNDER or a.bound is Bound.OVER)))
    return below or above


def _reason(a: ClaimRecord, b: ClaimRecord, below: dict[str, set[str]]) -> str | None:
    if a.object and b.object and a.polarity is not b.polarity:
        if a.object == b.object:
            return "same statement, opposite polarity"
        if a.object in below.get(b.object, ()) or b.object in below.get(a.object, ()):
            return "opposite polarity, one object narrower than the other"
    if a.quantity and b.quantity and a.polarity is b.polarity and _apart(a.quantity, b.quantity):
        return f"incompatible quantities: {a.quantity.bound.value} {a.quantity.value:f} and " \
               f"{b.quantity.bound.value} {b.quantity.value:f}"
    return None


def find_conflicts(store: Path | ox.Store) -> list[Conflict]:
    """Return every unlinked conflicting pair of the store (a folder, or a store already open), in id order."""
    if not isinstance(store, ox.Store):
        with open_store(store) as opened:
            return find_conflicts(opened)
    view = StatementView(store)
    hierarchy = below(store)
    narrower_than = {iri: narrower(hierarchy, iri) - {iri} for iri in hierarchy}
    documents = {d.iri: d.identifier for d in view.documents()}
    claims = list(view.claims())
    groups: dict[tuple[str, str], list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        groups[(claim.subject, claim.predicate)].append(claim)
    found = []
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.document == b.document or _linked(a, b):
                    continue
                reason = _reason(a, b, narrower_than)
                if reason:
                    first, second = sorted((a, b), key=lambda c: c.identifier)
                    found.append(Conflict(first, second, documents.get(first.document, compress(first.document)),
                                          documents.get(second.document, compress(second.document)), reason))
    return sorted(found, key=lambda c: (c.first.identifier, c.second.identifier))


def _linked(a: ClaimRecord, b: ClaimRecord) -> bool:
    return b.iri in (*a.supports, *a.challenges) or a.iri in (*b.supports, *b.challenges)


def write_conflicts(conflicts: Iterable[Conflict], fmt: str = "table") -> str:
    """Return the conflicts as a table, Markdown or JSON, each with the line that would link the pair."""
    rows = [{"first": c.first.identifier, "first_document": c.first_document, "second": c.second.identifier,
             "second_document": c.second_document, "reason": c.reason,
             "to_confirm": f"add 'challenges: [{c.first.identifier}]' to {c.second.identifier} in "
                           f"data/claims/{c.second_document}.yaml"} for c in conflicts]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if not rows:
        return "No unlinked conflicts: every contradiction between documents is already linked.\n"
    if fmt == "markdown":
        lines = ["| first | second | why | to confirm |", "| --- | --- | --- | --- |"]
        lines += [f"| `{r['first']}` ({r['first_document']}) | `{r['second']}` ({r['second_document']}) | "
                  f"{r['reason']} | {r['to_confirm']} |" for r in rows]
        return "\n".join(lines) + "\n"
    return "".join(f"{r['first']} ({r['first_document']})\n  vs {r['second']} ({r['second_document']})\n"
                   f"  {r['reason']}\n  to confirm: {r['to_confirm']}\n" for r in rows)
