"""Whether a document reads as English: the extractor's cue lists are English, so other languages get nothing.

The test is the share of the words that are among the commonest English words ("the", "of", "and", ...):
about a third in English prose, a few per cent in French, German or Spanish (whose own function words differ),
so a document of at least :data:`MIN_WORDS` words is read only when the share reaches :data:`MIN_SHARE`.
"""

from __future__ import annotations

import re

__all__ = ["MIN_SHARE", "MIN_WORDS", "english_share", "reads_as_english"]

COMMON = frozenset({
    "the", "of", "and", "to", "in", "is", "a", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
    "he", "she", "this", "are", "or", "his", "her", "from", "at", "which", "but", "have", "has", "had", "an",
    "they", "you", "were", "their", "been", "its", "who", "can", "may", "more", "will", "after", "than", "these",
    "should", "patients", "people", "also", "such", "if", "into", "when", "what", "some", "other", "there",
})
_WORD = re.compile(r"[^\W\d_]+")
#: Fewer words than this are too few to tell a language by.
MIN_WORDS = 40
#: Share of common English words below which a document does not read as English.
MIN_SHARE = 0.12


def english_share(text: str, *, sample: int = 20_000) -> float:
    """Return the share of a text's words (its first ``sample`` words) that are common English words.

    >>> round(english_share("The drug was approved for the treatment of migraine in adults."), 2)
    0.55
    >>> english_share("Le médicament est indiqué pour le traitement de la migraine chez l'adulte.")
    0.0
    """
    words = [w.lower() for _, w in zip(range(sample), (m.group() for m in _WORD.finditer(text)), strict=False)]
    return sum(w in COMMON for w in words) / len(words) if words else 0.0


def reads_as_english(text: str) -> bool:
    """Whether a text is English enough to read, or too short to tell."""
    words = sum(1 for _, _m in zip(range(MIN_WORDS), _WORD.finditer(text), strict=False))
    return words < MIN_WORDS or english_share(text) >= MIN_SHARE
