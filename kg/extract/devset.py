"""A development set of documents outside the corpus: texts with the claims a curator finds in them.

A folder holds ``NAME.txt`` (the text) and ``NAME.yaml`` (its ``kind`` and its ``claims``: category, quote,
optional polarity, modality and ``attributed_to`` (who the document reports as saying it), subject and object
in the document's words). Quotes are found in the text,
where each must occur exactly once; nothing else of the data folder is needed, so a development document
needs no entity of ``entities.yaml``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import DataError, Problem
from ..model import Document
from ..vocab import Category, DocumentKind, Modality, Polarity

__all__ = ["DevClaim", "DevDocument", "load_development_set"]


@dataclass(frozen=True)
class DevClaim:
    """A claim a curator found in a development document, its subject and object in the document's words."""

    category: Category
    start: int
    end: int
    subject: str
    object: str
    polarity: Polarity = Polarity.AFFIRMED
    modality: Modality = Modality.ASSERTED
    attributed_to: str | None = None


@dataclass(frozen=True)
class DevDocument:
    """A development document and its curated claims."""

    document: Document
    claims: tuple[DevClaim, ...]


def load_development_set(folder: Path) -> list[DevDocument]:
    """Load every document of a development folder, in name order.

    Raises:
        DataError: a file is not of the format above, or a quote is not found exactly once in its text.
    """
    found = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        text_path = path.with_suffix(".txt")
        if not text_path.exists():
            problems.append(Problem(f"has no text beside it: add {text_path.name}", file=str(path)))
            continue
        text = text_path.read_text(encoding="utf-8")
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        try:
            kind = DocumentKind(str(raw.get("kind")))
        except ValueError:
            problems.append(Problem(f"kind must be one of {DocumentKind.allowed()}", file=str(path)))
            continue
        document = Document(path.stem, path.stem, kind, digest, text, digest)
        claims = []
        for number, item in enumerate(raw.get("claims") or [], start=1):
            quote = str(item.get("quote", ""))
            start = text.find(quote) if quote else -1
            if start < 0 or text.find(quote, start + 1) >= 0:
                problems.append(Problem(f"claim {number}: the quote must occur exactly once in {text_path.name}: "
                                        f"{quote[:60]!r}", file=str(path)))
                continue
            claims.append(DevClaim(Category(item["category"]), start, start + len(quote), str(item["subject"]),
                                   str(item["object"]), Polarity(item.get("polarity", "affirmed")),
                                   Modality(item.get("modality", "asserted")),
                                   str(item["attributed_to"]) if item.get("attributed_to") else None))
        found.append(DevDocument(document, tuple(claims)))
    if problems:
        raise DataError(problems)
    return found
