"""Write proposals for review: as a claims file, as JSON Lines, or merged into a document's claims file.

A proposal written as YAML is a claim of the claims-file format with ``status: proposed`` and the extractor's
name and version, so the file loads (and builds, with ``kg build --include-proposed``) as it is. A curator
reviews each proposal in place: sets ``status: accepted`` once it is right (editing any field), or
``status: rejected``, which keeps it from being proposed again by ``--merge``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from .. import _yaml, iris
from ..claims import claims_path
from ..entities import ENTITIES_FILE
from ..errors import DataError, Option, Problem, UsageError
from ..files import atomic_output
from ..model import Entity
from ..vocab import Bound
from .propose import Extraction, Proposal

__all__ = ["Extractor", "MergeResult", "OutputFormat", "claims_yaml", "entity_record", "json_lines", "merge",
           "merge_entities", "record"]


class OutputFormat(StrEnum):
    """How proposals are written."""

    YAML = "yaml"
    JSONL = "jsonl"


@dataclass(frozen=True)
class Extractor:
    """The name and version of the tool that proposed claims, recorded on each proposal."""

    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class MergeResult:
    """What :func:`merge` did to a claims file."""

    path: Path
    added: int
    overlapping: int
    created: bool
    entities: int = 0

    @property
    def message(self) -> str:
        """Return a one-line account of the merge."""
        new = f"; {self.entities} proposed entities added to {ENTITIES_FILE}" if self.entities else ""
        if not self.added:
            return f"nothing added to {self.path}: every proposal overlaps a claim already there{new}"
        verb = "created" if self.created else "added to"
        skipped = f"; {self.overlapping} overlapping existing claims left out" if self.overlapping else ""
        return f"{self.added} proposed claims {verb} {self.path}{skipped}{new}: review them there"


def _value(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def record(proposal: Proposal, extractor: Extractor) -> dict[str, Any]:
    """Return a proposal as a claims-file entry, fields in the curated files' order."""
    entry: dict[str, Any] = {"id": proposal.id, "category": proposal.category.value,
                             "subject": proposal.subject, "predicate": proposal.predicate}
    if proposal.object is not None:
        entry["object"] = proposal.object
    if proposal.quantity is not None:
        q = proposal.quantity
        entry["quantity"] = {key: value for key, value in (
            ("value", _value(q.value)), ("unit", q.unit),
            ("bound", None if q.bound is Bound.EXACTLY else q.bound.value),
            ("population", q.population), ("place", q.place), ("year", q.year)) if value is not None}
    for key in ("condition", "agency", "jurisdiction", "route"):
        if getattr(proposal, key) is not None:
            entry[key] = getattr(proposal, key)
    entry["polarity"] = proposal.polarity.value
    entry["modality"] = proposal.modality.value
    if proposal.cues:
        entry["cues"] = list(proposal.cues)
    if proposal.attributed_to:
        entry["attributed_to"] = proposal.attributed_to
    entry["citation"] = proposal.citation.value
    if proposal.references:
        entry["references"] = list(proposal.references)
    entry.update(quote=proposal.quote, start=proposal.start, end=proposal.end, status="proposed",
                 extractor={"name": extractor.name, "version": extractor.version})
    if proposal.note:
        entry["note"] = proposal.note
    return entry


def _dump(data: Any) -> str:
    # Quotes stay on one line each, whatever their length, so that a curator can compare them with the text.
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)


def entity_record(entity: Entity) -> dict[str, Any]:
    """Return an entity the vocabulary lacks as an ``entities.yaml`` entry with ``status: proposed``.

    >>> from kg.vocab import EntityType
    >>> entity_record(Entity(iris.expand("HP:0002315"), "HP:0002315", "Headache", EntityType.PHENOTYPE))
    {'id': 'HP:0002315', 'label': 'Headache', 'type': 'phenotype', 'status': 'proposed'}
    """
    entry: dict[str, Any] = {"id": entity.curie, "label": entity.label, "type": entity.type.value,
                             "status": "proposed"}
    for key, values in (("close_matches", entity.close_matches), ("broader", entity.broader)):
        if values:
            entry[key] = [iris.compress(v) for v in values]
    return entry


def _candidates_comment(extraction: Extraction) -> list[str]:
    if not extraction.candidates:
        return []
    lines = ["#", "# Candidate new entities (not in entities.yaml, so not used in any claim):"]
    lines += [f"#   {c.text!r} ({c.reason}; {c.count}x, first at offset {c.start})" for c in extraction.candidates]
    return lines


def _entities_comment(extraction: Extraction) -> list[str]:
    if not extraction.new_entities:
        return []
    lines = ["#", f"# Entities the proposals name that {ENTITIES_FILE} lacks (a merge adds them as proposals):"]
    lines += [f"#   {e.curie}: {e.label} ({e.type.value})" for e in extraction.new_entities]
    return lines


def claims_yaml(extraction: Extraction, extractor: Extractor) -> str:
    """Return the proposals as a claims file for the document, ready to review."""
    header = [
        f"# Claims proposed by {extractor} for {extraction.document}: none is reviewed yet.",
        "# Review each: set 'status: accepted' once it is right (edit any field), or 'status: rejected'.",
        f"# {extraction.message}.",
        *_candidates_comment(extraction),
        *_entities_comment(extraction),
    ]
    body = {"document": extraction.document, "document_sha256": extraction.document_sha256,
            "curation": {"method": "text-mining", "curator": extractor.name, "tool": str(extractor)},
            "claims": [record(p, extractor) for p in extraction.proposals]}
    return "\n".join(header) + "\n" + _dump(body)


def json_lines(extraction: Extraction, extractor: Extractor) -> str:
    """Return the proposals as JSON Lines, one object per proposal."""
    lines = []
    for proposal in extraction.proposals:
        entry = record(proposal, extractor)
        line: dict[str, Any] = {"id": entry["id"], "document": extraction.document}
        line.update((key, entry.get(key)) for key in ("category", "subject", "predicate", "object", "quantity"))
        line.update(polarity=entry["polarity"], modality=entry["modality"], cue=entry.get("cues", []),
                    attributed_to=entry.get("attributed_to"), citation=entry["citation"],
                    references=entry.get("references", []))
        line.update((key, entry.get(key)) for key in ("condition", "agency", "jurisdiction", "route"))
        line.update(quote=entry["quote"], start=entry["start"], end=entry["end"], status="proposed",
                    extractor=entry["extractor"], note=entry.get("note"))
        lines.append(json.dumps(line, ensure_ascii=False) + "\n")
    return "".join(lines)


def _spans(claims: Iterable[Any]) -> list[tuple[int, int]]:
    return [(c["start"], c["end"]) for c in claims
            if isinstance(c, dict) and isinstance(c.get("start"), int) and isinstance(c.get("end"), int)]


_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:", re.MULTILINE)


def merge(data_dir: Path, extraction: Extraction, extractor: Extractor) -> MergeResult:
    """Add to a document's claims file the proposals that overlap none of its claims (of any status).

    The file is appended to, so the curators' comments and layout stay as they are; a new file is written
    whole. Rejected claims count: what a curator rejected is not proposed again.

    Raises:
        DataError: the claims file is not valid, or was curated against another text of the document.
        UsageError: the file's ``claims`` list cannot be appended to (it is not the last key).
    """
    path = claims_path(data_dir, extraction.document)
    if not path.exists():
        added = merge_entities(data_dir, extraction.new_entities, extractor)
        with atomic_output(path) as handle:
            handle.write(claims_yaml(extraction, extractor).encode("utf-8"))
        return MergeResult(path, len(extraction.proposals), 0, created=True, entities=added)
    raw = _yaml.load(path)
    name = str(path)
    if not isinstance(raw, dict) or raw.get("document") != extraction.document:
        raise DataError([Problem(f"is not the claims file of {extraction.document!r}: it must be a mapping whose "
                                 f"'document' is {extraction.document}", file=name)])
    if raw.get("document_sha256") != extraction.document_sha256:
        raise DataError([Problem(f"was curated against another text (document_sha256 {raw.get('document_sha256')}"
                                 f", the document's is {extraction.document_sha256}): fix that first, then merge",
                                 file=name)])
    existing = raw.get("claims") or []
    if not isinstance(existing, list):
        raise DataError([Problem("'claims' must be a list of claims", file=name)])
    taken = _spans(existing)
    ids = {str(c.get("id")) for c in existing if isinstance(c, dict)}
    fresh = [p for p in extraction.proposals
             if p.id not in ids and not any(p.start < end and start < p.end for start, end in taken)]
    if not fresh:
        return MergeResult(path, 0, len(extraction.proposals), created=False)
    named = {c for p in fresh for c in (p.subject, p.object, p.attributed_to, p.condition, p.agency, p.jurisdiction)}
    added = merge_entities(data_dir, [e for e in extraction.new_entities if e.curie in named], extractor)
    text = path.read_text(encoding="utf-8")
    merged = _appended(text, fresh, extractor, path)
    check = yaml.safe_load(merged)
    if [c.get("id") for c in check.get("claims") or []] != [*(c.get("id") for c in existing if isinstance(c, dict)),
                                                           *(p.id for p in fresh)]:
        raise UsageError(f"cannot merge into {path}: its layout does not allow appending to 'claims'; write the "
                         f"proposals with {Option.OUT} and copy them in by hand")
    with atomic_output(path) as handle:
        handle.write(merged.encode("utf-8"))
    return MergeResult(path, len(fresh), len(extraction.proposals) - len(fresh), created=False, entities=added)


def merge_entities(data_dir: Path, entities: Sequence[Entity], extractor: Extractor) -> int:
    """Append to ``entities.yaml`` the entities it lacks, each with ``status: proposed``; return how many.

    Raises:
        DataError: ``entities.yaml`` is not a mapping with a list under ``entities``.
        UsageError: its ``entities`` list is not the file's last key, so it cannot be appended to.
    """
    path = data_dir / ENTITIES_FILE
    if not entities:
        return 0
    if not path.exists():
        with atomic_output(path) as handle:
            handle.write(_dump({"entities": [entity_record(e) for e in entities]}).encode("utf-8"))
        return len(entities)
    raw = _yaml.load(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("entities"), list):
        raise DataError([Problem("must be a mapping with a list under 'entities'", file=str(path))])
    have = {str(e.get("id")) for e in raw["entities"] if isinstance(e, dict)}
    fresh = [e for e in entities if e.curie not in have]
    if not fresh:
        return 0
    text = path.read_text(encoding="utf-8")
    merged = _appended_block(text, "entities", [entity_record(e) for e in fresh],
                             f"Proposed by {extractor}: check each (id, label, type), then delete 'status'.", path)
    with atomic_output(path) as handle:
        handle.write(merged.encode("utf-8"))
    return len(fresh)


def _appended(text: str, proposals: Sequence[Proposal], extractor: Extractor, path: Path) -> str:
    """Return a claims file's text with proposals appended to its ``claims`` list."""
    return _appended_block(text, "claims", [record(p, extractor) for p in proposals],
                           f"Proposed by {extractor}: review each (status: accepted or rejected).", path)


def _appended_block(text: str, key_name: str, entries: list[dict[str, Any]], comment: str, path: Path) -> str:
    """Return a file's text with entries appended to its top-level list ``key_name``, which must be last."""
    empty = re.compile(rf"^{key_name}:[ \t]*\[\][ \t]*(?:#.*)?$", re.MULTILINE).search(text)
    if empty:
        text = text[:empty.start()] + f"{key_name}:" + text[empty.end():]
    key = re.compile(rf"^{key_name}:[ \t]*(?:#.*)?$", re.MULTILINE).search(text)
    if key is None or _TOP_KEY.search(text, key.end()):
        raise UsageError(f"cannot merge into {path}: {key_name!r} must be the file's last key, written as a block "
                         f"list; move it to the end, or write the proposals with {Option.OUT} and copy them in by hand")
    item = re.search(r"^( *)- ", text[key.end():], re.MULTILINE)
    indent = " " * (len(item.group(1)) if item else 0)
    lines = [f"{indent}# {comment}"]
    lines += [indent + line if line else line for line in _dump(entries).splitlines()]
    return text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
