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

from .. import _yaml, iris
from ..errors import DataError, Problem
from ..model import Claim, Curation, Document, Entity, Location, Quantity
from ..vocab import Bound, Category, CitationStatus, CurationMethod, Modality, Polarity
from .anchors import CONTEXT_CHARS, anchor_of

__all__ = ["CLAIM_FIELDS", "CONTEXT_CHARS", "STATUSES", "built_statuses", "claims_files", "claims_path", "keep_claims",
           "load_claims", "load_claims_files", "relation_problems"]

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


def claims_files(data_dir: Path) -> list[Path]:
    """Return the claims files of the data folder, sorted by name (a file's stem is its document's id)."""
    folder = data_dir / "claims"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


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
    claims = load_claims_files(data_dir, claims_files(data_dir), documents, entities)
    if loaded is not None:
        loaded.extend(claims)
    return keep_claims(claims, include_proposed=include_proposed)


def load_claims_files(
    data_dir: Path,
    paths: Iterable[Path],
    documents: Mapping[str, Document],
    entities: Mapping[str, Entity],
    *,
    elsewhere: Mapping[str, str] | None = None,
    links: Iterable[tuple[str, str]] = (),
) -> list[Claim]:
    """Load and check claims files, each on its own and against the others and the rest of the data folder.

    Args:
        data_dir: the data folder.
        paths: the claims files to load.
        documents: the documents, by id.
        entities: the entity vocabulary, by IRI.
        elsewhere: the claims of the data folder's other claims files: the document of each, by claim id.
        links: the relations the claims of the other files make, as (claim id, id of the claim it names).

    Returns:
        Every claim of the files, whatever its status, with its relations as written.

    Raises:
        DataError: with every problem found: in a file, a claim id defined twice, a relation to a claim that no
            file defines.
    """
    problems: list[Problem] = []
    claims: list[Claim] = []
    seen = {claim_id: Location(_label(data_dir, claims_path(data_dir, document)))
            for claim_id, document in (elsewhere or {}).items()}
    unread = False
    for path in paths:
        name = _label(data_dir, path)
        try:
            raw = _yaml.load(path, label=name)
        except DataError as err:
            problems.extend(err.problems)
            unread = True
            continue
        loaded = _load_file(raw, name, path.stem, documents, entities, seen, problems)
        unread = unread or loaded is None
        claims.extend(loaded or ())
    # A file whose claims could not be read may define the claims others name: say only what is wrong in it.
    if not unread:
        problems.extend(relation_problems(claims, set(seen)))
        problems.extend(Problem(f"a relation names claim {target!r}, which no claims file defines: check the id",
                                claim=source) for source, target in links if target not in seen)
    if problems:
        raise DataError(problems)
    return claims


def _label(data_dir: Path, path: Path) -> str:
    return f"{data_dir.name}/claims/{path.name}"


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


def _load_file(raw: Any, name: str, stem: str, documents: Mapping[str, Document], entities: Mapping[str, Entity],
               seen: dict[str, Location], problems: list[Problem]) -> list[Claim] | None:
    """Return the claims of a file, or ``None`` when it is not read far enough to know the ids it defines."""
    if not isinstance(raw, _yaml.LocatedDict):
        problems.append(Problem("must be a mapping with 'document', 'document_sha256' and 'claims'", file=name))
        return None
    doc_id = raw.get("document")
    if doc_id != stem:
        problems.append(Problem(f"'document' is {doc_id!r} but the file is named {stem}.yaml: name the file "
                                "after the document id", file=name, line=raw.line_of("document")))
        return _unbuilt(raw.get("claims"), name, seen)
    document = documents.get(str(doc_id))
    if document is None:
        problems.append(Problem(f"document {doc_id!r} is not in the data folder: add it with `kg add`",
                                file=name, line=raw.line_of("document")))
        return _unbuilt(raw.get("claims"), name, seen)
    recorded = raw.get("document_sha256")
    if not recorded:
        problems.append(Problem(f"'document_sha256' is missing: set it to {document.sha256}", file=name,
                                line=raw.line))
        return _unbuilt(raw.get("claims"), name, seen)
    listed = raw.get("claims")
    if document.text_sha256 != document.sha256 or recorded != document.text_sha256:
        count = len(listed) if isinstance(listed, list) else 0
        problems.append(Problem(
            f"document {doc_id!r} changed after its claims were curated (text SHA-256 {document.text_sha256}"
            f", claims curated against {recorded}): its {count} claims are orphaned. Restore the "
            "original text, or re-add the new text as a new document and re-anchor the claims to it",
            file=name, line=raw.line_of("document_sha256")))
        return _unbuilt(raw.get("claims"), name, seen)
    curation = _curation(raw.get("curation"), name, raw.line_of("curation"), problems)
    if not isinstance(listed, list):
        problems.append(Problem("'claims' must be a list of claims", file=name, line=raw.line_of("claims")))
        return None
    claims = []
    for item in listed:
        claim = _claim(item, name, document, entities, curation, seen, problems)
        if claim is not None:
            claims.append(claim)
    return claims


def _unbuilt(listed: Any, name: str, seen: dict[str, Location]) -> list[Claim] | None:
    """Note the ids of the claims of a file that cannot be built; return ``None`` when they cannot be read.

    Those claims still exist: links to them are not errors of their own.
    """
    if not isinstance(listed, list):
        return None
    for item in listed:
        if isinstance(item, _yaml.LocatedDict) and item.get("id") is not None:
            seen.setdefault(str(item["id"]), Location(name, item.line))
    return []


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


def _claim(item: Any, name: str, document: Document, entities: Mapping[str, Entity], curation: Curation,
           seen: dict[str, Location], problems: list[Problem]) -> Claim | None:
    if not isinstance(item, _yaml.LocatedDict):
        problems.append(Problem("each claim must be a mapping of fields", file=name))
        return None
    before = len(problems)
    fields = _Fields(item, name, entities, problems)
    fields.check_names()
    fields.check_id(seen)
    category = fields.enum("category", Category)
    polarity = fields.enum("polarity", Polarity)
    modality = fields.enum("modality", Modality)
    citation = fields.enum("citation", CitationStatus)
    status = item.get("status", "accepted")
    if status not in STATUSES:
        fields.problem(f"unknown status {status!r}; allowed: {', '.join(STATUSES)}", "status")
    subject = fields.entity("subject")
    obj = fields.entity("object")
    attributed = fields.agent()
    qualifiers = {key: fields.entity(key) for key in ("condition", "agency", "jurisdiction", "population")}
    predicate = fields.predicate()
    quantity = _quantity(item, fields.entity, fields.problem) if "quantity" in item else None
    cues, references, supports, challenges = (_strings(item, key, fields.problem)
                                               for key in ("cues", "references", "supports", "challenges"))
    fields.check_evidence(modality, citation, cues=cues, references=references)
    anchor = anchor_of(item, document, fields.problem)
    if anchor is not None:
        fields.check_cues(cues, anchor.quote)
    if (len(problems) > before or category is None or polarity is None or modality is None or citation is None
            or subject is None or predicate is None or anchor is None):
        return None
    return Claim(
        id=str(fields.claim_id), document=document.id, document_sha256=document.sha256, category=category,
        subject=subject, predicate=predicate, object=obj, quantity=quantity, anchor=anchor, polarity=polarity,
        modality=modality, cues=cues, citation=citation, references=references, attributed_to=attributed,
        condition=qualifiers["condition"], agency=qualifiers["agency"], jurisdiction=qualifiers["jurisdiction"],
        population=qualifiers["population"], route=None if item.get("route") is None else str(item["route"]),
        supports=supports, challenges=challenges, note=None if item.get("note") is None else str(item["note"]),
        status=str(status), curation=_claim_curation(item, curation), location=Location(name, item.line),
    )


class _Fields:
    """The fields of one claim as written, read one by one; each problem is noted with the file, line and claim id."""

    def __init__(self, item: _yaml.LocatedDict, name: str, entities: Mapping[str, Entity],
                 problems: list[Problem]) -> None:
        self.item = item
        self.name = name
        self.entities = entities
        self.problems = problems
        self.claim_id = str(item.get("id")) if item.get("id") is not None else None

    def problem(self, message: str, key: str | None = None) -> None:
        """Note a problem, on the line of field ``key`` (or of the claim)."""
        line = self.item.line_of(key) if key else self.item.line
        self.problems.append(Problem(message, file=self.name, line=line, claim=self.claim_id))

    def check_names(self) -> None:
        """Check that every field is known, the required ones are there, and there is an object or a quantity."""
        item = self.item
        for key in item:
            if key not in CLAIM_FIELDS:
                close = difflib.get_close_matches(key, CLAIM_FIELDS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; allowed: {', '.join(CLAIM_FIELDS)}"
                self.problem(f"unknown field {key!r}{hint}", key)
        missing = [key for key in REQUIRED if item.get(key) is None or item.get(key) == ""]
        if "object" not in item and "quantity" not in item:
            missing.append("object (or quantity)")
        for key in missing:
            self.problem(f"required field {key!r} is missing")
        if "object" in item and "quantity" in item:
            self.problem("give either 'object' or 'quantity', not both", "quantity")

    def check_id(self, seen: dict[str, Location]) -> None:
        """Check the claim id is well formed and not taken, and note where it is defined in ``seen``."""
        claim_id = self.claim_id
        if claim_id is None:
            return
        if not _ID.match(claim_id):
            self.problem(f"claim id {claim_id!r} may hold only letters, digits, '.', '_' and '-'", "id")
        elif claim_id in seen:
            self.problem(f"duplicate claim id {claim_id!r}, first defined at {seen[claim_id]}: give each claim its "
                         "own id", "id")
        else:
            seen[claim_id] = Location(self.name, self.item.line)

    def enum(self, key: str, kind: Any) -> Any:
        """Return the closed value (category, modality, ...) of field ``key``, or ``None``."""
        value = self.item.get(key)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            self.problem(f"unknown {key} {value!r}; allowed: {kind.allowed()}", key)
            return None

    def entity(self, key: str, value: Any = None, *, line_key: str | None = None) -> str | None:
        """Return the IRI of the entity that field ``key`` (or ``value``) names, checked against the vocabulary."""
        value = self.item.get(key) if value is None else value
        if value is None:
            return None
        try:
            iri = _expand(str(value))
        except ValueError as err:
            self.problem(f"{key}: {err}", line_key or key)
            return None
        if iri not in self.entities:
            self.problem(f"{key} {value} is not in the entity vocabulary: add it to data/entities.yaml",
                         line_key or key)
        return iri

    def agent(self) -> str | None:
        """Return the entity the claim is attributed to, which must be an agent."""
        attributed = self.entity("attributed_to")
        if attributed and attributed in self.entities and not self.entities[attributed].type.is_agent:
            self.problem(f"attributed_to {self.item['attributed_to']} is a {self.entities[attributed].type.value}, "
                         "not an agent: attribute claims to an organization, agent or study", "attributed_to")
        return attributed

    def predicate(self) -> str | None:
        """Return the IRI of the predicate, or ``None``."""
        if self.item.get("predicate") is None:
            return None
        try:
            return _expand(str(self.item["predicate"]))
        except ValueError as err:
            self.problem(f"predicate: {err}", "predicate")
            return None

    def check_evidence(self, modality: Modality | None, citation: CitationStatus | None, *,
                       cues: tuple[str, ...], references: tuple[str, ...]) -> None:
        """Check that a hedged claim gives its cues and a traceable one its references, and only then."""
        if modality is not None and modality in (Modality.HEDGED, Modality.SPECULATIVE) and not cues:
            self.problem(f"a {modality.value} claim needs the cue words that make it so in 'cues' (e.g. may, "
                         "suggests)", "modality")
        if citation is CitationStatus.TRACEABLE and not references:
            self.problem("citation is traceable but 'references' is empty: list the DOI, PMID or URL", "citation")
        if references and citation is not CitationStatus.TRACEABLE:
            self.problem("'references' are given, so citation should be 'traceable'", "citation")

    def check_cues(self, cues: tuple[str, ...], quote: str) -> None:
        """Check that each cue is words of the quote."""
        lowered = quote.lower()
        for cue in cues:
            if cue.lower() not in lowered:
                self.problem(f"cue {cue!r} does not occur in the quote: cues are words of the quote", "cues")


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
