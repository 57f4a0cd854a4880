"""An audit written out: a table for the terminal, Markdown, JSON, or a self-contained page (:mod:`.page`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from ..certainty import Reason
from ..export.graph import claim_name
from ..iris import compress
from ..vocab import CertaintyRule, DocumentKind
from .gather import AuditedClaim, Evidence, Stance
from .summary import kind_words, summary

__all__ = ["AuditFormat", "as_json", "as_markdown", "as_table", "reason_words"]


class AuditFormat(StrEnum):
    """How an audit is written."""

    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"


_HEADINGS = {Stance.SUPPORTING: "Supporting", Stance.CHALLENGING: "Challenging",
             Stance.NEUTRAL: "Related (same entities, other predicate or category)"}


def reason_words(reason: Reason, labels: Mapping[str, str], ids: Mapping[str, str],
                 kinds_of: Mapping[str, DocumentKind | None]) -> str:
    """Return one reason in words, e.g. ``hedged: -1`` or ``challenged by appeal-x: -1``.

    >>> from kg.certainty import Reason
    >>> from kg.vocab import Certainty
    >>> reason_words(Reason(CertaintyRule.SOURCE_KIND, 0, ("d",), start=Certainty.HIGH), {}, {},
    ...              {"d": DocumentKind.DRUG_LABEL})
    'starts high as a drug label'
    >>> reason_words(Reason(CertaintyRule.CHALLENGED, -1, ("c",)), {}, {"c": "appeal-x"}, {})
    'challenged by appeal-x: -1'
    """
    causes = ", ".join(sorted(ids.get(c) or labels.get(c) or compress(c) for c in reason.causes))
    if reason.rule is CertaintyRule.SOURCE_KIND:
        assert reason.start is not None
        kinds = ", ".join(kind_words(kinds_of.get(c)) for c in reason.causes)
        return f"starts {reason.start.value.replace('-', ' ')} as {kinds}"
    what = {CertaintyRule.CHALLENGED: f"challenged by {causes}",
            CertaintyRule.INDEPENDENT_SUPPORT: f"supported by {causes}",
            CertaintyRule.UNREFERENCED_AGENT: f"named source without a reference: {causes}",
            CertaintyRule.PROMOTIONAL_LINK: f"the document links to a seller ({causes})"}.get(reason.rule,
                                                                                          reason.rule.value)
    return f"{what}: {reason.change:+d}"


def _ids(evidence: Evidence) -> dict[str, str]:
    return {c.record.iri: c.record.identifier for c in evidence.claims}


def _row(claim: AuditedClaim, evidence: Evidence, ids: Mapping[str, str]) -> dict[str, Any]:
    record, labels = claim.record, evidence.labels
    kinds = {claim.document.iri: claim.document.kind}  # a claim's start is caused by its own document
    return {
        "id": record.identifier,
        "iri": record.iri,
        "stance": claim.stance.value,
        "linked": claim.linked,
        "claim": claim_name(record, labels, labels),
        "category": record.category.value,
        "polarity": record.polarity.value,
        "modality": record.modality.value,
        "cues": list(record.cues),
        "attributed_to": labels.get(record.attributed_to, compress(record.attributed_to))
        if record.attributed_to else None,
        "citation": record.citation.value,
        "references": list(record.references),
        "document": claim.document.identifier,
        "document_title": claim.document.title,
        "document_kind": claim.document.kind.value if claim.document.kind else None,
        "quote": record.quote,
        "sentence": "".join(claim.sentence),
        "supported_by": list(claim.supported_by),
        "challenged_by": list(claim.challenged_by),
        "certainty": claim.certainty.level.value,
        "certainty_reasons": [
            {"rule": r.rule.value, "change": r.change, "start": r.start.value if r.start else None,
             "caused_by": [compress(c) for c in r.causes], "words": reason_words(r, labels, ids, kinds)}
            for r in claim.certainty.reasons],
    }


def as_json(evidence: Evidence) -> str:
    """Return the audit as one JSON object: the question, the summary, the claims by stance."""
    ids = _ids(evidence)
    q = evidence.question
    body = {
        "question": {"subject": compress(q.subject) if q.subject else None,
                     "predicate": compress(q.predicate) if q.predicate else None,
                     "object": compress(q.object) if q.object else None,
                     "category": q.category.value if q.category else None, "exact": q.exact},
        "summary": summary(evidence),
        "documents": [{"id": d.identifier, "title": d.title, "kind": d.kind.value if d.kind else None}
                      for d in evidence.documents],
        **{stance.value: [_row(c, evidence, ids) for c in evidence.group(stance)] for stance in Stance},
        "nearest": [compress(iri) for iri in evidence.nearest],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def as_markdown(evidence: Evidence) -> str:
    """Return the audit as Markdown: the summary, then a section per stance with a line per claim."""
    ids = _ids(evidence)
    lines = [f"# Evidence on {evidence.question.words(evidence.labels)}", "", summary(evidence), ""]
    for stance in Stance:
        claims = evidence.group(stance)
        if not claims:
            continue
        lines += [f"## {_HEADINGS[stance]}", ""]
        for claim in claims:
            row = _row(claim, evidence, ids)
            lines.append(f"- **{row['claim']}** — {row['certainty'].replace('-', ' ')} certainty "
                         f"(`{row['id']}`, {row['document']}, {row['document_kind']})")
            lines.append(f"  - quote: “{_md(row['quote'] or '')}”")
            facets = f"{row['modality']}" + (f" ({', '.join(row['cues'])})" if row["cues"] else "")
            source = f"according to {row['attributed_to']}" if row["attributed_to"] else "on its own account"
            lines.append(f"  - {facets}, {source}; citation: {row['citation']}")
            lines.append("  - why: " + "; ".join(r["words"] for r in row["certainty_reasons"]))
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return " ".join(text.split()).replace("*", "\\*").replace("_", "\\_")


def as_table(evidence: Evidence) -> str:
    """Return the audit as plain text for the terminal: the summary, then one block per stance."""
    ids = _ids(evidence)
    out = [summary(evidence), ""]
    for stance in Stance:
        claims = evidence.group(stance)
        if not claims:
            continue
        out.append(_HEADINGS[stance].upper())
        for claim in claims:
            row = _row(claim, evidence, ids)
            out.append(f"  [{row['certainty']:>8}] {row['claim']}  ({row['id']}, {row['document']})")
            out.append(f"             {row['modality']}" + (f" ({', '.join(row['cues'])})" if row["cues"] else "")
                       + f"; citation {row['citation']}"
                       + (f"; according to {row['attributed_to']}" if row["attributed_to"] else ""))
            out.append("             why: " + "; ".join(r["words"] for r in row["certainty_reasons"]))
        out.append("")
    return "\n".join(out)
