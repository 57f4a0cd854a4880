"""A sentence as the extractor reads it, and how a category's predicate rules are fitted to its objects.

A :class:`Reading` holds a sentence's words, the entities named in it, its negation and modality cues and the
categories its wording points at. :func:`fit_rules` finds, for an object of a claim, the predicate whose
wording is said of that object: in its own clause, or in a clause that has no object of its own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Entity
from ..vocab import Category, EntityType
from . import cues
from .categories import (
    PREDICATE_RULES,
    ROLE_CATEGORIES,
    ROLE_PATTERN,
    CategoryScore,
    PredicateRule,
    chosen_categories,
    frame_spans,
    score_categories,
)
from .context import Clauses, Cue, CueKind, find_cues, find_phrases
from .lexicon import Mention
from .quantities import QuantityKind, find_quantities
from .sentences import Segment, Token

__all__ = [
    "AGENTS", "CONDITIONS", "DRUGS", "STRENGTH_UNIT", "Object", "Reading", "Target", "categories_of", "cue_inside",
    "fit_rules", "refers_back",
]

E = EntityType
AGENTS = frozenset({E.ORGANIZATION, E.AGENT, E.STUDY})
DRUGS = frozenset({E.DRUG, E.CHEMICAL})
CONDITIONS = frozenset({E.DISEASE, E.PHENOTYPE})
_REFERS_BACK = re.compile(r"^(?:these|this|those|that|they|such|there)\b", re.IGNORECASE)
_CONDITION_ANAPHOR = re.compile(rf"\b(?:this|these|the)\s+(?:[a-z-]+\s+)?(?:{'|'.join(cues.CONDITION_NOUNS)})\b",
                                re.IGNORECASE)
#: Strengths of a product are per volume or per unit ("200 mg/20 mL"); a dose per kilogram is not one.
STRENGTH_UNIT = re.compile(r"/(?:\d+(?:\.\d+)? )?(?:mL|ml|L|tablet|capsule|vial)$")
_COMBINED = ("cekg:reducesFrequencyOf", "cekg:reducesSeverityOf")


def refers_back(text: str) -> bool:
    """Whether a sentence opens with a word that points back at an earlier one ("These include ...")."""
    return bool(_REFERS_BACK.match(text))


@dataclass
class Reading:
    """One sentence as read: its words, entities, cues and categories, and what it was found to be about."""

    segment: Segment
    tokens: list[Token]
    mentions: list[Mention]
    subjects: list[Entity] = field(default_factory=list)
    objects: list[Mention] = field(default_factory=list)
    clauses: Clauses = field(init=False)
    cues: list[Cue] = field(init=False)
    categories: list[CategoryScore] = field(init=False)

    @property
    def text(self) -> str:
        """Return the sentence's text."""
        return self.segment.text

    def __post_init__(self) -> None:
        self.clauses = Clauses(self.tokens)
        self.cues = find_cues(self.tokens, self.clauses)
        self.categories = categories_of(self.segment, self.tokens, self.mentions, self.clauses)
        self._starts = [t.start for t in self.tokens]
        self._ends = [t.end for t in self.tokens]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the indexes of the first and last tokens between two offsets of the document."""
        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end) - 1
        return (first, last) if first <= last else (0, len(self.tokens) - 1)

    def negates(self, first: int, last: int) -> bool:
        """Whether a negation covers the tokens ``first``..``last``."""
        return any(c.kind is CueKind.NEGATION and c.covers(first, last) for c in self.cues)

    def negation_inside(self, first: int, last: int) -> bool:
        """Whether the tokens ``first``..``last`` are themselves a negation ("denied", "failed")."""
        return any(c.kind is CueKind.NEGATION and first <= c.first and c.last <= last for c in self.cues)

    def modal_cues(self, first: int, last: int) -> list[Cue]:
        """Return the hedges and speculation cues whose scope reaches the tokens ``first``..``last``."""
        return [c for c in self.cues if c.kind is not CueKind.NEGATION and c.first <= last and c.scope_end >= first]

    def says(self, phrases: tuple[str, ...]) -> bool:
        """Whether the sentence holds one of the phrases (compared word by word, ignoring case)."""
        return bool(find_phrases(self.tokens, phrases))

    def names_a_condition_before(self) -> bool:
        """Whether the sentence refers back to a condition ("this neurological condition", "the patient")."""
        return bool(_CONDITION_ANAPHOR.search(self.text))

    def refers_back(self) -> bool:
        """Whether the sentence names nothing, or opens with a word that points back ("This study ...")."""
        return not self.mentions or refers_back(self.text)


@dataclass(frozen=True)
class Target:
    """Where a proposal's predicate and object are said, to read its polarity and modality there."""

    reading: Reading
    first: int
    last: int
    trigger: tuple[int, int] | None = None
    negative: bool = False


#: An object of a claim: a mention in the sentence, or an entity carried over from an earlier one.
Object = Mention | Entity


def categories_of(segment: Segment, tokens: Sequence[Token], mentions: Sequence[Mention], clauses: Clauses
                  ) -> list[CategoryScore]:
    """Return the categories a sentence is read as."""
    start = segment.start
    drugs = [(m.start - start, m.end - start) for m in mentions if m.type in DRUGS]
    frames = []
    for category, low, high in frame_spans(segment.text):
        first, _ = _token_span(tokens, start + low, start + high)
        frames.append((category, high, tokens[clauses.end(first)].end - start))
    strengths = [(q.start, q.end) for q in find_quantities(segment.text)
                 if q.kind is QuantityKind.STRENGTH and q.unit and STRENGTH_UNIT.search(q.unit)]
    return chosen_categories(score_categories(segment.text, ignore=drugs, frames=frames,
                                              extra={Category.REGULATORY_STATUS: strengths}))


def _token_span(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int]:
    inside = [i for i, t in enumerate(tokens) if t.start < end and t.end > start]
    return (inside[0], inside[-1]) if inside else (0, len(tokens) - 1)


_Fit = tuple[Object, PredicateRule, tuple[int, int] | None]


def fit_rules(category: Category, mentions: Sequence[Object], source: Reading, context: Sequence[str],
           others: Sequence[Mention]) -> list[_Fit]:
    """Return the predicate rules that fit an object, each with the mention it fits and the words that chose it.

    A rule's wording must be said of the object: in its clause, or in a clause that names no other object
    ("... and called for controlled trials to confirm this"), or in the line introducing a list. The first rule
    that fits wins, except that frequency and severity go together.
    """
    kind = mentions[0].type
    if kind is E.CONCEPT and category in ROLE_CATEGORIES:
        for mention in mentions:
            if isinstance(mention, Mention):
                first, _ = source.span(mention.start, mention.end)
                before = source.text[source.tokens[source.clauses.start(first)].start - source.segment.start:
                                     mention.start - source.segment.start]
                if ROLE_PATTERN.search(before):
                    return [(mention, PredicateRule("cekg:hasRole", frozenset({E.CONCEPT})), None)]
    fitting: list[_Fit] = []
    for rule in PREDICATE_RULES.get(category, ()):
        if kind not in rule.objects:
            continue
        if rule.pattern is None:
            fitting.append((mentions[0], rule, None))
            continue
        found = _trigger(rule.pattern, mentions, source, others)
        if found is not None:
            fitting.append((found[0], rule, found[1]))
        elif any(re.search(rule.pattern, text, re.IGNORECASE) for text in context):
            fitting.append((mentions[0], rule, None))
    if not fitting:
        return []
    combined = [fit for fit in fitting if fit[1].predicate in _COMBINED]
    return combined if combined and fitting[0] in combined else fitting[:1]


def _trigger(pattern: str, mentions: Sequence[Object], source: Reading, others: Sequence[Mention]
             ) -> tuple[Object, tuple[int, int]] | None:
    """Return the mention and the wording matching ``pattern`` said of it, nearest first."""
    clauses = source.clauses
    best: tuple[tuple[int, int], Object, tuple[int, int]] | None = None
    for match in re.finditer(pattern, source.text, re.IGNORECASE):
        low, high = source.span(source.segment.start + match.start(), source.segment.start + match.end())
        clause = (clauses.start(low), clauses.end(high))
        own = [o for o in others if clause[0] <= source.span(o.start, o.end)[0] <= clause[1]]
        for mention in mentions:
            if not isinstance(mention, Mention):
                rank = (0, 0)
            else:
                first, last = source.span(mention.start, mention.end)
                apart = clauses.divided(min(high, last), max(low, first))
                if apart and own:
                    continue  # the wording's clause has an object of its own
                rank = (int(apart), max(0, low - last, first - high))
            if best is None or rank < best[0]:
                best = (rank, mention, (low, high))
    return (best[1], best[2]) if best else None


def cue_inside(score: CategoryScore, mention: Mention, source: Reading) -> bool:
    """Whether one of a category's cues lies within the words that name an entity."""
    low, high = mention.start - source.segment.start, mention.end - source.segment.start
    return any(low <= start and end <= high for start, end in score.cues)
