"""Measure the extractor against curated claims: recall and precision per field, document and category.

Every measure pairs a curated claim with a proposal whose quote overlaps it, and asks more of the pair:

* **overlap**: nothing more (a weak measure: proposing every sentence overlaps nearly every claim);
* **category**: the same category; the per-document and per-category rows use this measure;
* **polarity**, **modality**: the same category and the same polarity (or modality);
* **subject**, **object**: the same category and a subject (or object) that shares a content word with the
  curated one (labels and synonyms of the entities compared, by crude stem; a quantity by its value);
* **content**: the same category, subject and object;
* **attribution**: the same category, and the same source: both unattributed, or agents sharing a word;
* **identical** (curated data only): the same category, polarity, subject, predicate and object (or quantity
  value), as IRIs.

A curated claim is *found* when some proposal pairs with it; a proposal is *correct* when it pairs with some
curated claim. Recall is found / curated, precision correct / proposed. Only accepted curated claims count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .. import iris
from ..corpus import load_corpus
from ..errors import NotFoundError, UsageError
from ..files import atomic_output
from ..model import Claim, Entity
from ..vocab import Category, Modality, Polarity
from .devset import DevClaim, load_development_set
from .lexicon import STOPWORDS
from .propose import Proposal, extract
from .sentences import stem, tokenize
from .vocabularies import open_lexicon

__all__ = ["FIELDS", "Reference", "ScoreFormat", "Scores", "Tally", "render", "score_corpus", "score_development",
           "score_proposals", "write_scores"]


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

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.curated + other.curated, self.found + other.found, self.proposed + other.proposed,
                     self.correct + other.correct)

    @property
    def recall(self) -> float | None:
        """Return the share of curated claims found, or ``None`` when there are none."""
        return self.found / self.curated if self.curated else None

    @property
    def precision(self) -> float | None:
        """Return the share of proposals that are correct, or ``None`` when there are none."""
        return self.correct / self.proposed if self.proposed else None


@dataclass(frozen=True)
class Reference:
    """A curated claim as scored: where it is, what it says, and the content words of its subject and object."""

    category: Category
    start: int
    end: int
    polarity: Polarity
    modality: Modality
    subject: frozenset[str]
    object: frozenset[str]
    claim: Claim | None = None
    attribution: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Scored:
    proposal: Proposal
    subject: frozenset[str]
    object: frozenset[str]
    attribution: frozenset[str] = frozenset()


def _same_source(ref: Reference, p: _Scored) -> bool:
    """Whether both say the document asserts the claim itself, or both name agents sharing a word."""
    return ref.attribution == p.attribution or bool(ref.attribution & p.attribution)


def _overlap(ref: Reference, p: _Scored) -> bool:
    return ref.start < p.proposal.end and p.proposal.start < ref.end


def _same(ref: Reference, p: _Scored) -> bool:
    return _overlap(ref, p) and ref.category is p.proposal.category


def _identical(ref: Reference, p: _Scored) -> bool:
    claim, proposal = ref.claim, p.proposal
    if claim is None or not _same(ref, p) or claim.polarity is not proposal.polarity:
        return False
    if iris.expand(proposal.subject) != claim.subject or iris.expand(proposal.predicate) != claim.predicate:
        return False
    if claim.quantity is not None:
        return proposal.quantity is not None and proposal.quantity.value == claim.quantity.value
    return proposal.object is not None and iris.expand(proposal.object) == claim.object


#: The measures, in the order of the table.
FIELDS: dict[str, Callable[[Reference, _Scored], bool]] = {
    "overlap": _overlap,
    "category": _same,
    "polarity": lambda r, p: _same(r, p) and r.polarity is p.proposal.polarity,
    "modality": lambda r, p: _same(r, p) and r.modality is p.proposal.modality,
    "subject": lambda r, p: _same(r, p) and bool(r.subject & p.subject),
    "object": lambda r, p: _same(r, p) and bool(r.object & p.object),
    "content": lambda r, p: _same(r, p) and bool(r.subject & p.subject) and bool(r.object & p.object),
    "attribution": lambda r, p: _same(r, p) and _same_source(r, p),
    "identical": _identical,
}


@dataclass(frozen=True)
class Scores:
    """Tallies by document and by category (same category), and by measure over everything."""

    documents: Mapping[str, Tally]
    categories: Mapping[str, Tally]
    fields: Mapping[str, Tally] = field(default_factory=dict)
    title: str = "corpus"  # or the development set's folder name

    @property
    def total(self) -> Tally:
        """Return the same-category tally over every document."""
        return sum(self.documents.values(), Tally())


def content_words(*names: str) -> frozenset[str]:
    """Return the stems of the content words of names.

    >>> sorted(content_words("Type II diabetes mellitus", "type 2 diabetes"))
    ['2', 'diabet', 'ii', 'mellitus', 'typ']
    """
    return frozenset(stem(t.text) for name in names for t in tokenize(name) if t.is_word and t.norm not in STOPWORDS)


def _entity_words(entity: Entity | None) -> frozenset[str]:
    return content_words(entity.label, *entity.synonyms) if entity is not None else frozenset()


def _tally(refs: Sequence[Reference], proposals: Sequence[_Scored], test: Callable[[Reference, _Scored], bool]
           ) -> Tally:
    return Tally(len(refs), sum(any(test(r, p) for p in proposals) for r in refs), len(proposals),
                 sum(any(test(r, p) for r in refs) for p in proposals))


def score_proposals(proposals: Sequence[Proposal], claims: Sequence[Claim]) -> dict[Category, Tally]:
    """Return the same-category tallies of one document's proposals against its curated claims, by category.

    >>> score_proposals([], [])
    {}
    """
    refs = [_reference(c, {}) for c in claims]
    return _by_category(refs, [_Scored(p, frozenset(), frozenset()) for p in proposals])


def _by_category(refs: Sequence[Reference], scored: Sequence[_Scored]) -> dict[Category, Tally]:
    tallies: dict[Category, Tally] = {}
    for category in Category:
        mine = [r for r in refs if r.category is category]
        theirs = [p for p in scored if p.proposal.category is category]
        if mine or theirs:
            tallies[category] = _tally(mine, theirs, _same)
    return tallies


def _reference(claim: Claim, entities: Mapping[str, Entity]) -> Reference:
    obj = (content_words(format(claim.quantity.value, "f"), claim.quantity.population or "")
           if claim.quantity is not None
           else _entity_words(entities.get(claim.object or "")))
    return Reference(claim.category, claim.anchor.start, claim.anchor.end, claim.polarity, claim.modality,
                     _entity_words(entities.get(claim.subject)), obj, claim,
                     _entity_words(entities.get(claim.attributed_to or "")))


def _dev_reference(claim: DevClaim) -> Reference:
    return Reference(claim.category, claim.start, claim.end, claim.polarity, claim.modality,
                     content_words(claim.subject), content_words(claim.object),
                     attribution=content_words(claim.attributed_to) if claim.attributed_to else frozenset())


def _scored(proposal: Proposal, entities: Mapping[str, Entity]) -> _Scored:
    def words(curie: str | None) -> frozenset[str]:
        return _entity_words(entities.get(iris.expand(curie))) if curie else frozenset()

    obj = words(proposal.object)
    if proposal.quantity is not None:
        # A count's object is what it counts, in the document's words ("children and adolescents").
        obj = obj | content_words(format(proposal.quantity.value, "f"), proposal.quantity.population or "")
    return _Scored(proposal, words(proposal.subject), obj, words(proposal.attributed_to))


class _Scorer:
    def __init__(self, title: str) -> None:
        self.title = title
        self.documents: dict[str, Tally] = {}
        self.categories: dict[str, Tally] = {}
        self.fields: dict[str, Tally] = {}

    def add(self, name: str, refs: Sequence[Reference], scored: Sequence[_Scored]) -> None:
        tallies = _by_category(refs, scored)
        self.documents[name] = sum(tallies.values(), Tally())
        for category, tally in tallies.items():
            self.categories[category.value] = self.categories.get(category.value, Tally()) + tally
        for measure, test in FIELDS.items():
            if measure != "identical" or any(r.claim is not None for r in refs):
                self.fields[measure] = self.fields.get(measure, Tally()) + _tally(refs, scored, test)

    def scores(self) -> Scores:
        ordered: dict[str, Tally] = {c.value: self.categories[c.value] for c in Category if c.value in self.categories}
        return Scores(self.documents, ordered, self.fields, self.title)


def score_corpus(data_dir: Path, documents: Iterable[str] | None = None, *, ontologies: bool = True) -> Scores:
    """Run the extractor on documents of the data folder and score it against their accepted claims.

    Args:
        data_dir: the data folder.
        documents: the document ids to score; by default every document that has curated claims.
        ontologies: read with the public ontologies as well as ``entities.yaml``.

    Raises:
        NotFoundError: a document asked for is not in the data folder.
        DataError: the data folder is invalid.
    """
    corpus = load_corpus(data_dir)
    lexicon, _ = open_lexicon(corpus.entities.values(), ontologies=ontologies)
    wanted = sorted({c.document for c in corpus.claims}) if documents is None else list(documents)
    for name in wanted:
        if name not in corpus.documents:
            raise NotFoundError(f"no document {name!r} in {data_dir}: give an id listed by `kg stats`")
    scorer = _Scorer("corpus")
    for name in wanted:
        extraction = extract(corpus.documents[name], lexicon)
        known = {**corpus.entities, **lexicon.new_entities}
        refs = [_reference(c, corpus.entities) for c in corpus.claims if c.document == name]
        scorer.add(name, refs, [_scored(p, known) for p in extraction.proposals])
    return scorer.scores()


def score_development(folder: Path, data_dir: Path | None = None, *, ontologies: bool = True) -> Scores:
    """Score the extractor on a development set (:mod:`kg.extract.devset`), with a data folder's vocabulary.

    Raises:
        DataError: the development set or the data folder is invalid.
    """
    entities = load_corpus(data_dir).entities if data_dir is not None else {}
    lexicon, _ = open_lexicon(entities.values(), ontologies=ontologies)
    scorer = _Scorer(folder.name)
    for dev in load_development_set(folder):
        extraction = extract(dev.document, lexicon)
        known = {**entities, **lexicon.new_entities}
        scorer.add(dev.document.id, [_dev_reference(c) for c in dev.claims],
                   [_scored(p, known) for p in extraction.proposals])
    return scorer.scores()


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


HEADER = ["by", "name", "curated", "found", "recall", "proposed", "correct", "precision"]


def _rows(scores: Scores) -> list[list[str]]:
    rows = []
    for title, group in (("document", scores.documents), ("category", scores.categories),
                         ("measure", scores.fields)):
        for name, tally in group.items():
            rows.append(_row(title, name, tally))
    return rows


def _row(title: str, name: str, tally: Tally) -> list[str]:
    return [title, name, str(tally.curated), str(tally.found), _ratio(tally.recall), str(tally.proposed),
            str(tally.correct), _ratio(tally.precision)]


def render(scores: Scores, fmt: ScoreFormat = ScoreFormat.TABLE) -> str:
    """Return the scores as an aligned text table, a Markdown table or JSON.

    Rows by document and by category count same-category matches; rows by measure give every measure.
    """
    if fmt is ScoreFormat.JSON:
        def plain(tally: Tally) -> dict[str, object]:
            return {"curated": tally.curated, "found": tally.found, "recall": tally.recall,
                    "proposed": tally.proposed, "correct": tally.correct, "precision": tally.precision}
        return json.dumps({"documents": {k: plain(v) for k, v in scores.documents.items()},
                           "categories": {k: plain(v) for k, v in scores.categories.items()},
                           "measures": {k: plain(v) for k, v in scores.fields.items()},
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


def write_scores(path: Path, scores: Scores) -> None:
    """Replace the scores block of a Markdown file with the scores, as ``render`` writes them in Markdown.

    The block is ``<!-- scores -->`` ... ``<!-- /scores -->`` for the corpus, ``<!-- scores-NAME -->`` ...
    ``<!-- /scores-NAME -->`` for a development set in a folder named NAME.

    Raises:
        UsageError: the file has no such block.
    """
    name = "scores" if scores.title == "corpus" else f"scores-{scores.title}"
    text = path.read_text(encoding="utf-8")
    block = re.compile(rf"(<!-- {name} -->\n).*?(<!-- /{name} -->)", re.DOTALL)
    if not block.search(text):
        raise UsageError(f"{path} has no <!-- {name} --> ... <!-- /{name} --> block to write the scores into")
    table = render(scores, ScoreFormat.MARKDOWN)
    updated = block.sub(lambda m: m.group(1) + table + m.group(2), text, count=1)
    with atomic_output(path) as handle:
        handle.write(updated.encode("utf-8"))
