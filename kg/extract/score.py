"""Measure the extractor against curated claims: recall and precision, per document and per category.

A curated claim is found when a proposal of the same category overlaps its quote; a proposal is correct when
it overlaps a curated claim of the same category. Only accepted curated claims count as the reference. A
stricter count says how many curated claims were found *identically*: by a proposal with the same subject,
predicate, object (or quantity value) and polarity.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .. import iris
from ..corpus import load_corpus
from ..errors import NotFoundError
from ..model import Claim
from ..vocab import Category
from .lexicon import Lexicon
from .propose import Proposal, extract

__all__ = ["ScoreFormat", "Scores", "Tally", "render", "score_corpus", "score_proposals"]


class ScoreFormat(StrEnum):
    """How a table of scores is written."""

    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"


@dataclass(frozen=True)
class Tally:
    """Counts from which recall and precision follow."""

    curated: int = 0
    found: int = 0
    proposed: int = 0
    correct: int = 0
    identical: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.curated + other.curated, self.found + other.found, self.proposed + other.proposed,
                     self.correct + other.correct, self.identical + other.identical)

    @property
    def recall(self) -> float | None:
        """Return the share of curated claims found, or ``None`` when there are none."""
        return self.found / self.curated if self.curated else None

    @property
    def identical_recall(self) -> float | None:
        """Return the share of curated claims found with the same content, or ``None`` when there are none."""
        return self.identical / self.curated if self.curated else None

    @property
    def precision(self) -> float | None:
        """Return the share of proposals that are correct, or ``None`` when there are none."""
        return self.correct / self.proposed if self.proposed else None


@dataclass(frozen=True)
class Scores:
    """Tallies by document, by category, and over everything."""

    documents: Mapping[str, Tally]
    categories: Mapping[str, Tally]

    @property
    def total(self) -> Tally:
        """Return the tally over every document."""
        return sum(self.documents.values(), Tally())


def _overlap(claim: Claim, proposal: Proposal) -> bool:
    return (claim.category is proposal.category and claim.anchor.start < proposal.end
            and proposal.start < claim.anchor.end)


def _identical(claim: Claim, proposal: Proposal) -> bool:
    if not _overlap(claim, proposal) or claim.polarity is not proposal.polarity:
        return False
    if iris.expand(proposal.subject) != claim.subject or iris.expand(proposal.predicate) != claim.predicate:
        return False
    if claim.quantity is not None:
        return proposal.quantity is not None and proposal.quantity.value == claim.quantity.value
    return proposal.object is not None and iris.expand(proposal.object) == claim.object


def score_proposals(proposals: Sequence[Proposal], claims: Sequence[Claim]) -> dict[Category, Tally]:
    """Return the tallies of one document's proposals against its curated claims, by category.

    >>> score_proposals([], [])
    {}
    """
    tallies: dict[Category, Tally] = {}
    for category in Category:
        curated = [c for c in claims if c.category is category]
        proposed = [p for p in proposals if p.category is category]
        if curated or proposed:
            tallies[category] = Tally(len(curated), sum(any(_overlap(c, p) for p in proposed) for c in curated),
                                      len(proposed), sum(any(_overlap(c, p) for c in curated) for p in proposed),
                                      sum(any(_identical(c, p) for p in proposed) for c in curated))
    return tallies


def score_corpus(data_dir: Path, documents: Iterable[str] | None = None) -> Scores:
    """Run the extractor on documents of the data folder and score it against their accepted claims.

    Args:
        data_dir: the data folder.
        documents: the document ids to score; by default every document that has curated claims.

    Raises:
        NotFoundError: a document asked for is not in the data folder.
        DataError: the data folder is invalid.
    """
    corpus = load_corpus(data_dir)
    lexicon = Lexicon(corpus.entities.values())
    wanted = sorted({c.document for c in corpus.claims}) if documents is None else list(documents)
    for name in wanted:
        if name not in corpus.documents:
            raise NotFoundError(f"no document {name!r} in {data_dir}: give an id listed by `kg stats`")
    by_document: dict[str, Tally] = {}
    by_category: dict[str, Tally] = {}
    for name in wanted:
        claims = [c for c in corpus.claims if c.document == name]
        tallies = score_proposals(extract(corpus.documents[name], lexicon).proposals, claims)
        by_document[name] = sum(tallies.values(), Tally())
        for category, tally in tallies.items():
            by_category[category.value] = by_category.get(category.value, Tally()) + tally
    ordered: dict[str, Tally] = {c.value: by_category[c.value] for c in Category if c.value in by_category}
    return Scores(by_document, ordered)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _rows(scores: Scores) -> list[list[str]]:
    rows = []
    for title, group in (("document", scores.documents), ("category", scores.categories)):
        for name, tally in group.items():
            rows.append(_row(title, name, tally))
    rows.append(_row("all", "corpus", scores.total))
    return rows


def _row(title: str, name: str, tally: Tally) -> list[str]:
    return [title, name, str(tally.curated), str(tally.found), _ratio(tally.recall), str(tally.proposed),
            str(tally.correct), _ratio(tally.precision), str(tally.identical), _ratio(tally.identical_recall)]


HEADER = ["by", "name", "curated", "found", "recall", "proposed", "correct", "precision", "identical",
          "identical recall"]


def render(scores: Scores, fmt: ScoreFormat = ScoreFormat.TABLE) -> str:
    """Return the scores as an aligned text table, a Markdown table or JSON."""
    if fmt is ScoreFormat.JSON:
        def plain(tally: Tally) -> dict[str, object]:
            return {"curated": tally.curated, "found": tally.found, "recall": tally.recall,
                    "proposed": tally.proposed, "correct": tally.correct, "precision": tally.precision,
                    "identical": tally.identical, "identical_recall": tally.identical_recall}
        return json.dumps({"documents": {k: plain(v) for k, v in scores.documents.items()},
                           "categories": {k: plain(v) for k, v in scores.categories.items()},
                           "total": plain(scores.total)}, indent=2) + "\n"
    rows = _rows(scores)
    if fmt is ScoreFormat.MARKDOWN:
        lines = ["| " + " | ".join(HEADER) + " |", "| " + " | ".join("---" for _ in HEADER) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    numeric = range(2, len(HEADER))
    lines = []
    for row in [HEADER, *rows]:
        cells = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
