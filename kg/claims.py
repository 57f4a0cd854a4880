"""Claims files: one YAML file per document in ``DATA/claims/``, each claim anchored to its words.

Loading checks everything a curator can get wrong and reports all of it at once, each problem with its file,
line and claim id: fields, closed values, identifiers, duplicate ids, and the anchor (the quote must sit at its
offsets in the text whose SHA-256 the file records).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import _yaml, iris
from .errors import DataError, Problem
from .model import Anchor, Claim, Curation, Document, Entity, Location, Quantity
from .vocab import Bound, Category, CitationStatus, CurationMethod, Modality, Polarity

__all__ = ["CLAIM_FIELDS", "CONTEXT_CHARS", "STATUSES", "built_statuses", "claims_path", "keep_claims", "load_claims",
           "load_claims_file", "relation_problems"]

#: How many characters of text before and after a quote are kept as its prefix and suffix.
CONTEXT_CHARS = 32
STATUSES = ("accepted", "proposed", "rejected")
REQUIRED = ("id", "category", "subject", "predicate", "polarity", "modality", "citation", "quote", "start", "end")
OPTIONAL = (
    "object", "quantity", "cues", "attributed_to", "references", "condition", "agency", "jurisdiction",
    "population", "route", "supports", "challenges", "note", "status", "curation", "extractor",
)
CLAIM_FIELDS = REQUIRED + OPTIONAL
QUANTITY_FIELDS = ("value", "unit", "bound", "population", "place", "year")
ENTITY_FIELDS = ("subject", "object", "attributed_to", "condition", "agency", "jurisdiction", "population")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# The same few entities and predicates are named over and over; expanding a CURIE is not cheap.
_expand = lru_cache(maxsize=65536)(iris.expand)


def claims_path(data_dir: Path, document_id: str) -> Path:
    """Return the claims file of a document."""
    return data_dir / "claims" / f"{document_id}.yaml"


def load_claims(
    data_dir: Path,
    documents: Mapping[str, Document],
    entities: Mapping[str, Entity],
    *,
    include_proposed: bool = False,
    loaded: list[Claim] | None = None,
) -> list[Claim]:
    """Load and check every claims file of the data folder.

    Args:
        data_dir: the data folder.
        documents: the documents, by id (from :func:`kg.documents.load_documents`).
        entities: the entity vocabulary, by IRI (from :func:`kg.entities.load_entities`).
        include_proposed: also return claims whose status is ``proposed``.
        loaded: if given, receives every claim of the files, whatever its status, with its relations as written.

    Returns:
        The accepted (and, if asked, proposed) claims, in file order, files sorted by name.

    Raises:
        DataError: with every problem found.
    """
    problems: list[Problem] = []
    claims: list[Claim] = []
    seen: dict[str, Location] = {}
    folder = data_dir / "claims"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        name = f"{data_dir.name}/claims/{path.name}"
        try:
            raw = _yaml.load(path, label=name)
        except DataError as err:
            problems.extend(err.problems)
            continue
        claims.extend(_load_file(raw, name, path.stem, documents, entities, seen, problems))
    problems.extend(relation_problems(claims, set(seen)))
    if problems:
        raise DataError(problems)
    if loaded is not None:
        loaded.extend(claims)
    return keep_claims(claims, include_proposed=include_proposed)


def relation_problems(claims: Iterable[Claim], known: Container[str]) -> list[Problem]:
    """Return a problem for each relation (supports, challenges) naming a claim id that is not ``known``."""
    problems = []
    for claim in claims:
        for relation, targets in (("supports", claim.supports), ("challenges", claim.challenges)):
            for target in targets:
                if target not in known:
                    problems.append(Problem(f"{relation} names claim {target!r}, which no claims file defines: "
                                            "check the id", file=_file(claim), line=_line(claim),
                                            claim=claim.id))
    return problems


def built_statuses(*, include_proposed: bool = False) -> frozenset[str]:
    """Return the statuses of the claims that are built."""
    return frozenset({"accepted", "proposed"} if include_proposed else {"accepted"})


def keep_claims(claims: Iterable[Claim], *, include_proposed: bool = False,
                kept_ids: Container[str] | None = None) -> list[Claim]:
    """Return the claims that are built (accepted, and proposed if asked), without relations to the others.

    Args:
        claims: claims as loaded.
        include_proposed: also keep claims whose status is ``proposed``.
        kept_ids: the ids of every claim kept in the whole build, when ``claims`` are only some of them.
    """
    wanted = built_statuses(include_proposed=include_proposed)
    kept = [c for c in claims if c.status in wanted]
    known = {c.id for c in kept} if kept_ids is None else kept_ids
    return [_with_relations(c, known) for c in kept]


def load_claims_file(
    data_dir: Path,
    document_id: str,
    documents: Mapping[str, Document],
    entities: Mapping[str, Entity],
) -> list[Claim]:
    """Load and check one claims file on its own: every check of :func:`load_claims` but those across files.

    Returns:
        Every claim of the file, whatever its status, with its relations as written.

    Raises:
        DataError: with every problem found in the file.
    """
    path = claims_path(data_dir, document_id)
    name = f"{data_dir.name}/claims/{path.name}"
    problems: list[Problem] = []
    claims = _load_file(_yaml.load(path, label=name), name, path.stem, documents, entities, {}, problems)
    if problems:
        raise DataError(problems)
    return claims


def _with_relations(claim: Claim, kept: Container[str]) -> Claim:
    """Drop relations to claims left out of the build rather than leave them dangling."""
    if all(t in kept for t in claim.supports) and all(t in kept for t in claim.challenges):
        return claim
    return replace(claim, supports=tuple(t for t in claim.supports if t in kept),
                   challenges=tuple(t for t in claim.challenges if t in kept))


def _file(claim: Claim) -> str | None:
    return claim.location.file if claim.location else None


def _line(claim: Claim) -> int | None:
    return claim.location.line if claim.location else None


def _load_file(
    raw: Any,
    name: str,
    stem: str,
    documents: Mapping[str, Document],
    entities: Mapping[str, Entity],
    seen: dict[str, Location],
    problems: list[Problem],
) -> list[Claim]:
    if not isinstance(raw, _yaml.LocatedDict):
        problems.append(Problem("must be a mapping with 'document', 'document_sha256' and 'claims'", file=name))
        return []
    doc_id = raw.get("document")
    if doc_id != stem:
        problems.append(Problem(f"'document' is {doc_id!r} but the file is named {stem}.yaml: name the file "
                                "after the document id", file=name, line=raw.line_of("document")))
        return []
    document = documents.get(str(doc_id))
    if document is None:
        problems.append(Problem(f"document {doc_id!r} is not in the data folder: add it with `kg add`",
                                file=name, line=raw.line_of("document")))
        return []
    recorded = raw.get("document_sha256")
    if not recorded:
        problems.append(Problem(f"'document_sha256' is missing: set it to {document.sha256}", file=name,
                                line=raw.line))
        return []
    listed = raw.get("claims")
    if document.text_sha256 != document.sha256 or recorded != document.text_sha256:
        items: list[Any] = listed if isinstance(listed, list) else []
        count = len(items)
        # The orphaned claims still exist: links to them are not errors of their own.
        for item in items:
            if isinstance(item, _yaml.LocatedDict) and item.get("id") is not None:
                seen.setdefault(str(item["id"]), Location(name, item.line))
        problems.append(Problem(
            f"document {doc_id!r} changed after its claims were curated (text SHA-256 {document.text_sha256}"
            f", claims curated against {recorded}): its {count} claims are orphaned. Restore the "
            "original text, or re-add the new text as a new document and re-anchor the claims to it",
            file=name, line=raw.line_of("document_sha256")))
        return []
    curation = _curation(raw.get("curation"), name, raw.line_of("curation"), problems)
    if not isinstance(listed, list):
        problems.append(Problem("'claims' must be a list of claims", file=name, line=raw.line_of("claims")))
        return []
    claims = []
    for item in listed:
        claim = _claim(item, name, document, entities, curation, seen, problems)
        if claim is not None:
            claims.append(claim)
    return claims


def _curation(raw: Any, name: str, line: int, problems: list[Problem]) -> Curation:
    if raw is None:
        return Curation()
    if not isinstance(raw, dict):
        problems.append(Problem("'curation' must be a mapping (method, curator, date)", file=name, line=line))
        return Curation()
    method = raw.get("method", "manual")
    if method not in {m.value for m in CurationMethod}:
        problems.append(Problem(f"unknown curation method {method!r}; allowed: {CurationMethod.allowed()}",
                                file=name, line=line))
        method = "manual"
    return Curation(method=CurationMethod(method), curator=str(raw.get("curator", "unknown curator")),
                    date=None if raw.get("date") is None else str(raw["date"]), tool=raw.get("tool"))


def _claim(
    item: Any,
    name: str,
    document: Document,
    entities: Mapping[str, Entity],
    curation: Curation,
    seen: dict[str, Location],
    problems: list[Problem],
) -> Claim | None:
    if not isinstance(item, _yaml.LocatedDict):
        problems.append(Problem("each claim must be a mapping of fields", file=name))
        return None
    claim_id = str(item.get("id")) if item.get("id") is not None else None
    before = len(problems)

    def problem(message: str, key: str | None = None) -> None:
        problems.append(Problem(message, file=name, line=item.line_of(key) if key else item.line, claim=claim_id))

    for key in item:
        if key not in CLAIM_FIELDS:
            close = difflib.get_close_matches(key, CLAIM_FIELDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; allowed: {', '.join(CLAIM_FIELDS)}"
            problem(f"unknown field {key!r}{hint}", key)
    missing = [key for key in REQUIRED if item.get(key) is None or item.get(key) == ""]
    if "object" not in item and "quantity" not in item:
        missing.append("object (or quantity)")
    for key in missing:
        problem(f"required field {key!r} is missing")
    if "object" in item and "quantity" in item:
        problem("give either 'object' or 'quantity', not both", "quantity")
    if claim_id is not None:
        if not _ID.match(claim_id):
            problem(f"claim id {claim_id!r} may hold only letters, digits, '.', '_' and '-'", "id")
        elif claim_id in seen:
            problem(f"duplicate claim id {claim_id!r}, first defined at {seen[claim_id]}: give each claim its own "
                    "id", "id")
        else:
            seen[claim_id] = Location(name, item.line)

    def enum(key: str, kind: Any) -> Any:
        value = item.get(key)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            problem(f"unknown {key} {value!r}; allowed: {kind.allowed()}", key)
            return None

    category = enum("category", Category)
    polarity = enum("polarity", Polarity)
    modality = enum("modality", Modality)
    citation = enum("citation", CitationStatus)
    status = item.get("status", "accepted")
    if status not in STATUSES:
        problem(f"unknown status {status!r}; allowed: {', '.join(STATUSES)}", "status")

    def entity(key: str, value: Any = None, *, line_key: str | None = None) -> str | None:
        value = item.get(key) if value is None else value
        if value is None:
            return None
        try:
            iri = _expand(str(value))
        except ValueError as err:
            problem(f"{key}: {err}", line_key or key)
            return None
        if iri not in entities:
            problem(f"{key} {value} is not in the entity vocabulary: add it to data/entities.yaml", line_key or key)
        return iri

    subject = entity("subject")
    obj = entity("object")
    attributed = entity("attributed_to")
    if attributed and attributed in entities and not entities[attributed].type.is_agent:
        problem(f"attributed_to {item['attributed_to']} is a {entities[attributed].type.value}, not an agent: "
                "attribute claims to an organization, agent or study", "attributed_to")
    qualifiers = {key: entity(key) for key in ("condition", "agency", "jurisdiction", "population")}
    predicate = None
    if item.get("predicate") is not None:
        try:
            predicate = _expand(str(item["predicate"]))
        except ValueError as err:
            problem(f"predicate: {err}", "predicate")
    quantity = _quantity(item, entity, problem) if "quantity" in item else None
    cues = _strings(item, "cues", problem)
    references = _strings(item, "references", problem)
    supports = _strings(item, "supports", problem)
    challenges = _strings(item, "challenges", problem)
    if modality in (Modality.HEDGED, Modality.SPECULATIVE) and not cues:
        problem(f"a {modality.value} claim needs the cue words that make it so in 'cues' (e.g. may, suggests)",
                "modality")
    if citation is CitationStatus.TRACEABLE and not references:
        problem("citation is traceable but 'references' is empty: list the DOI, PMID or URL", "citation")
    if references and citation is not CitationStatus.TRACEABLE:
        problem("'references' are given, so citation should be 'traceable'", "citation")
    anchor = _anchor(item, document, problem)
    if anchor is not None:
        lowered = anchor.quote.lower()
        for cue in cues:
            if cue.lower() not in lowered:
                problem(f"cue {cue!r} does not occur in the quote: cues are words of the quote", "cues")
    if (len(problems) > before or category is None or polarity is None or modality is None or citation is None
            or subject is None or predicate is None or anchor is None):
        return None
    return Claim(
        id=str(claim_id), document=document.id, document_sha256=document.sha256, category=category,
        subject=subject, predicate=predicate, object=obj, quantity=quantity, anchor=anchor, polarity=polarity,
        modality=modality, cues=cues, citation=citation, references=references, attributed_to=attributed,
        condition=qualifiers["condition"], agency=qualifiers["agency"], jurisdiction=qualifiers["jurisdiction"],
        population=qualifiers["population"], route=None if item.get("route") is None else str(item["route"]),
        supports=supports, challenges=challenges, note=None if item.get("note") is None else str(item["note"]),
        status=str(status), curation=_claim_curation(item, curation), location=Location(name, item.line),
    )


def _claim_curation(item: _yaml.LocatedDict, default: Curation) -> Curation:
    extractor = item.get("extractor")
    if item.get("status") == "proposed" or extractor:
        tool = None
        if isinstance(extractor, dict):
            tool = f"{extractor.get('name', 'extractor')} {extractor.get('version', '')}".strip()
        elif extractor:
            tool = str(extractor)
        return Curation(method=CurationMethod.TEXT_MINING, curator=default.curator, date=default.date, tool=tool)
    return default


def _strings(item: _yaml.LocatedDict, key: str, problem: Any) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problem(f"{key!r} must be a list of strings", key)
        return ()
    return tuple(str(v) for v in value)


def _quantity(item: _yaml.LocatedDict, entity: Any, problem: Any) -> Quantity | None:
    raw = item["quantity"]
    if not isinstance(raw, dict):
        problem("'quantity' must be a mapping with at least 'value'", "quantity")
        return None
    for key in raw:
        if key not in QUANTITY_FIELDS:
            problem(f"unknown quantity field {key!r}; allowed: {', '.join(QUANTITY_FIELDS)}", "quantity")
    try:
        value = Decimal(str(raw.get("value")))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problem(f"quantity value {raw.get('value')!r} is not a number: write digits, e.g. 39000000", "quantity")
        return None
    bound = raw.get("bound", "exactly")
    if bound not in {b.value for b in Bound}:
        problem(f"unknown quantity bound {bound!r}; allowed: {Bound.allowed()}", "quantity")
        return None
    year = raw.get("year")
    if year is not None and not isinstance(year, int):
        problem(f"quantity year {year!r} must be a whole number such as 2023", "quantity")
        return None
    place = entity("place", raw.get("place"), line_key="quantity") if raw.get("place") else None
    return Quantity(value=value, unit=None if raw.get("unit") is None else str(raw["unit"]), bound=Bound(bound),
                    population=None if raw.get("population") is None else str(raw["population"]),
                    place=place, year=year)


def _anchor(item: _yaml.LocatedDict, document: Document, problem: Any) -> Anchor | None:
    quote, start, end = item.get("quote"), item.get("start"), item.get("end")
    if not isinstance(quote, str) or not quote:
        return None
    text = document.text
    if isinstance(start, int) and isinstance(end, int) and text[start:end] == quote:
        return Anchor(quote=quote, start=start, end=end, prefix=text[max(0, start - CONTEXT_CHARS): start],
                      suffix=text[end: end + CONTEXT_CHARS])
    found = _occurrences(text, quote)
    if not isinstance(start, int) or not isinstance(end, int):
        if found:
            problem(f"start and end must be character offsets: the quote is at start: {found[0]}, "
                    f"end: {found[0] + len(quote)}", "start")
        elif start is not None and end is not None:
            problem("start and end must be whole numbers (character offsets into the text)", "start")
        return None
    if found:
        places = ", ".join(f"start: {s}, end: {s + len(quote)}" for s in found[:5])
        problem(f"the quote is not at {start}-{end} in {document.id} but at {places}: correct the offsets",
                "start")
    else:
        problem(f"the quote is not found in {document.id}; closest passage: {_closest(text, quote)!r}; copy the "
                "words exactly from the document (typos, curly quotes and all)", "quote")
    return None


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
