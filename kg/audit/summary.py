"""The one-paragraph summary of an audit, written from the data alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..vocab import CitationStatus, DocumentKind, Modality
from .gather import AuditedClaim, Evidence, Stance

__all__ = ["kind_words", "summary"]

_KIND_WORDS = {
    DocumentKind.WEB_ARTICLE: "a web article", DocumentKind.MARKETING_PAGE: "a marketing page",
    DocumentKind.DRUG_LABEL: "a drug label", DocumentKind.REGULATORY_DECISION: "a regulatory decision",
    DocumentKind.ABSTRACT: "a study abstract", DocumentKind.NEWS: "a news report",
}


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def kind_words(kind: DocumentKind | None) -> str:
    """Return a kind of document in words, with its article: ``a drug label``."""
    return _KIND_WORDS.get(kind, "a document") if kind else "a document"


def _kind(claim: AuditedClaim) -> str:
    return kind_words(claim.document.kind)


def _sources(claims: Sequence[AuditedClaim]) -> str:
    """Return where claims come from: ``all from a web article (Title)`` or ``from 2 documents``."""
    documents = {c.document.iri: c for c in claims}
    if len(documents) == 1:
        only = next(iter(documents.values()))
        return f"{'all ' if len(claims) > 1 else ''}from {_kind(only)} ({only.document.title})"
    kinds = Counter(_kind(c) for c in documents.values())
    return "from " + ", ".join(f"{k}" if n == 1 else f"{n} {k.removeprefix('a ')}s" for k, n in sorted(kinds.items()))


def _weaknesses(claims: Sequence[AuditedClaim]) -> list[str]:
    hedged = sum(c.record.modality is Modality.HEDGED for c in claims)
    speculative = sum(c.record.modality is Modality.SPECULATIVE for c in claims)
    unreferenced = sum(c.record.citation is CitationStatus.NAMED_UNREFERENCED for c in claims)
    words = []
    if hedged:
        words.append("hedged" if hedged == len(claims) else f"{hedged} hedged")
    if speculative:
        words.append("speculative" if speculative == len(claims) else f"{speculative} speculative")
    if unreferenced:
        one = "rests" if unreferenced == 1 else "rest"
        words.append(f"{'it' if len(claims) == 1 else unreferenced} {one} on a named source with no reference")
    return words


def _group(name: str, claims: Sequence[AuditedClaim]) -> str:
    firmest = max(c.certainty.level.rank for c in claims)
    level = next(c.certainty.level for c in claims if c.certainty.level.rank == firmest)
    parts = [f"{name}: {_count(len(claims), 'claim')} {_sources(claims)}", *_weaknesses(claims)]
    linked = sum(c.linked for c in claims)
    if linked:
        parts.append(f"{linked} of them through a {'support' if name == 'Supporting' else 'challenge'} link")
    firm = "its certainty is" if len(claims) == 1 else "the firmest is"
    return "; ".join(parts) + f"; {firm} {level.value.replace('-', ' ')}."


def summary(evidence: Evidence) -> str:
    """Return a paragraph on the evidence: how many documents, what supports, what challenges, how firmly.

    A question without claims says so.
    """
    question = evidence.question.words(evidence.labels)
    if not evidence.claims:
        nearest = ", ".join(evidence.labels.get(iri, iri) for iri in evidence.nearest)
        return f"No claim of the graph is on {question}." + (f" Nearest entities with claims: {nearest}."
                                                             if nearest else "")
    documents = evidence.documents
    text = [f"{_count(len(documents), 'document')} make {_count(len(evidence.claims), 'claim')} on {question}."]
    for stance, name in ((Stance.SUPPORTING, "Supporting"), (Stance.CHALLENGING, "Challenging"),
                         (Stance.NEUTRAL, "Related")):
        claims = evidence.group(stance)
        if claims:
            text.append(_group(name, claims))
    if not evidence.group(Stance.CHALLENGING):
        text.append("Nothing in the graph challenges it.")
    return " ".join(text)
