"""Claims a sentence makes with no second entity: an outcome, a list of effects, a result of a study.

"Dupilumab also improved itch and quality of life", "the treatment was well tolerated", "29% reported headache
freedom": a sentence read as a category, about a subject, that names no object of that category's types still
makes a claim. Its object is the outcome in the sentence's own words, the phrase that follows the category's
strongest cue (or the cue itself, when nothing follows), proposed as a concept (``ent:`` id) for the curator,
with the category's most general predicate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..vocab import Category
from .categories import CategoryScore
from .sentences import Token

__all__ = ["GENERAL_PREDICATES", "outcome_phrase"]

#: The most general predicate of each category, for an object named only by the sentence's words.
GENERAL_PREDICATES: dict[Category, str] = {
    Category.EFFICACY: "cekg:improves",
    Category.ADVERSE_EFFECT: "cekg:hasAdverseEffect",
    Category.MECHANISM: "cekg:reduces",
    Category.REGULATORY_STATUS: "cekg:hasRegulatoryStatus",
    Category.ACCESS_AND_COST: "cekg:hasAccessBarrier",
    Category.INDICATION: "cekg:usedToTreat",
    Category.HISTORY: "cekg:usedIn",
    Category.RESEARCH_STATUS: "cekg:investigatedFor",
    Category.PRESENTATION: "cekg:causes",
}
#: Words skipped before the outcome's first word, and words that end it.
_LEADING = frozenset({
    "in", "of", "the", "a", "an", "their", "its", "his", "her", "on", "to", "with", "for", "by", "about", "as",
    "at", "from", "also", "significantly", "sharply", "markedly", "greatly", "generally", "well", "be", "been",
    "is", "are", "was", "were", "include", "includes", "included", "including", "than", "more", "less",
})
_ENDING = frozenset({
    "and", "or", "but", "which", "that", "who", "when", "while", "if", "because", "compared", "versus", "vs",
    "than", "after", "before", "during", "over", "at", "per", "among", "in", "with", "without", "for", "by",
    "is", "are", "was", "were", "can", "may", "could", "should",
})
_PUNCTUATION = frozenset({",", ".", ";", ":", "(", ")", "!", "?", "\u2014", "\u2013"})
#: Words that say how much or of whom, not what: skipped before an outcome ("an average of", "patients").
_VAGUE = frozenset({
    "average", "mean", "median", "total", "proportion", "number", "percentage", "half", "majority", "most",
    "many", "some", "patients", "participants", "people", "adults", "children", "results", "result", "medication",
    "medicine", "drug", "treatment", "group", "week", "weeks", "month", "months", "year", "years", "day", "days",
    "per", "up", "all", "our", "its", "their", "your", "this", "these", "that", "those",
})
#: Cues that name the outcome themselves: a cost, a cover, a tolerability ("is inexpensive", "well tolerated").
SELF_NAMED = re.compile(
    r"^(?:costs?|costly|expensive|inexpensive|cheap|low-cost|prices?|insurance|generic|out-of-pocket|access|"
    r"well[- ]tolerated|tolerab\w*|essential medicines|dependence|abuse|misuse|overdose|recreational|illicit)$",
    re.IGNORECASE)
_LONGEST = 4


def outcome_phrase(score: CategoryScore, tokens: Sequence[Token], offset: int) -> tuple[int, int] | None:
    """Return the first and last token of the outcome a category's cue speaks of, or ``None``.

    ``offset`` is the sentence's start in the document (the cues' spans are within the sentence).

    >>> from kg.extract.categories import score_categories
    >>> from kg.extract.sentences import tokenize
    >>> text = "Dupilumab also improved itch and quality of life."
    >>> [score] = [s for s in score_categories(text) if s.category is Category.EFFICACY]
    >>> tokens = tokenize(text)
    >>> first, last = outcome_phrase(score, tokens, 0)
    >>> text[tokens[first].start:tokens[last].end]
    'itch'
    """
    for low, high in sorted(score.cues):
        cue = [i for i, t in enumerate(tokens) if offset + low <= t.start < offset + high and t.is_word]
        cue_text = " ".join(tokens[i].text for i in cue)
        if cue and SELF_NAMED.match(cue_text):
            return cue[0], cue[-1]
        after = [i for i, t in enumerate(tokens) if t.start >= offset + high]
        words = _phrase(tokens, after)
        if words:
            return words[0], words[-1]
        inside = _phrase(tokens, cue[-_LONGEST:]) if len(cue) > 2 else []
        if inside:
            return inside[0], inside[-1]  # "lost ... of their body weight": the cue's own last words
        if cue:
            return cue[0], cue[-1]
    return None


def _phrase(tokens: Sequence[Token], indexes: Sequence[int]) -> list[int]:
    """Return the first run of content words among the tokens at ``indexes``, skipping words that lead in."""
    words: list[int] = []
    for index in indexes:
        token = tokens[index]
        if token.text in _PUNCTUATION or (words and token.norm in _ENDING) or len(words) == _LONGEST:
            break
        if not words and (token.norm in _LEADING or token.norm in _VAGUE or not token.is_word):
            continue
        if token.is_word and not token.text[:1].isdigit():
            words.append(index)
        elif words:
            break
    return words
