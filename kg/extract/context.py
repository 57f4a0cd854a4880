"""Read a sentence's cues in context: what a negation or a hedge covers, and who a claim is attributed to.

The scope of a negation runs forward from its trigger over at most :data:`~kg.extract.cues.NEGATION_WINDOW`
words, and stops early at a word that starts a new clause (NegEx, ConText). Triggers that deny the evidence
("lacking", "paucity of") cover their whole clause, before and after them. Hedges and speculation cues cover
the rest of their clause.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from . import cues
from .sentences import Token, tokenize

__all__ = ["Clauses", "Cue", "CueKind", "Phrases", "find_cues", "find_phrases", "phrase_at"]


class CueKind(StrEnum):
    """What a cue does to the words it covers."""

    NEGATION = "negation"
    HEDGE = "hedge"
    SPECULATION = "speculation"


@dataclass(frozen=True)
class Cue:
    """A cue found in a sentence: its words (token indexes ``first``..``last``) and the tokens it covers."""

    kind: CueKind
    text: str
    first: int
    last: int
    scope_start: int
    scope_end: int

    def covers(self, first: int, last: int) -> bool:
        """Whether the cue's scope reaches the tokens ``first``..``last`` and the cue is not inside them."""
        inside = first <= self.first and self.last <= last
        return not inside and first <= self.scope_end and last >= self.scope_start


class Phrases:
    """A list of cue phrases, indexed by first word for matching at each token."""

    def __init__(self, items: Iterable[str]) -> None:
        found = {tuple(t.text.lower().replace("\u2019", "'") for t in tokenize(item)) for item in items}
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(found, key=lambda p: (-len(p), p)):
            self.by_first.setdefault(phrase[0], []).append(phrase)


@functools.cache
def _phrases(items: tuple[str, ...]) -> Phrases:
    return Phrases(items)


_NEGATIONS = Phrases(cues.NEGATIONS)
_EVIDENCE = Phrases(cues.EVIDENCE_NEGATIONS)
_PSEUDO = Phrases(cues.PSEUDO_NEGATIONS)
_HEDGES = Phrases(cues.HEDGES)
_SPECULATION = Phrases(cues.SPECULATION)
_TERMINATORS = frozenset(cues.TERMINATORS)
_AFTER_COMMA = frozenset(cues.CLAUSE_AFTER_COMMA)
_AUXILIARIES = frozenset(cues.AUXILIARIES)
_REPORTING = frozenset(cues.REPORTING_WORDS)


def _lower(token: Token) -> str:
    return token.text.lower().replace("\u2019", "'")


def phrase_at(tokens: Sequence[Token], index: int, phrases: Phrases) -> tuple[str, ...] | None:
    """Return the longest of ``phrases`` that starts at token ``index``, if any."""
    for phrase in phrases.by_first.get(_lower(tokens[index]), ()):
        if len(phrase) == 1 or tuple(_lower(t) for t in tokens[index:index + len(phrase)]) == phrase:
            return phrase
    return None


def find_phrases(tokens: Sequence[Token], items: tuple[str, ...]) -> list[tuple[int, int]]:
    """Return the (first, last) token indexes of each occurrence of the phrases, longest first, none overlapping."""
    phrases = _phrases(items)
    found = []
    index = 0
    while index < len(tokens):
        phrase = phrase_at(tokens, index, phrases)
        if phrase:
            found.append((index, index + len(phrase) - 1))
            index += len(phrase)
        else:
            index += 1
    return found


def _ends_clause(tokens: Sequence[Token], index: int) -> bool:
    """Whether token ``index`` starts a new clause, which ends the scope of a cue before it."""
    word = _lower(tokens[index])
    if word in _TERMINATORS or (index + 1 < len(tokens) and f"{word} {_lower(tokens[index + 1])}" in _TERMINATORS):
        return True
    following = _lower(tokens[index + 1]) if index + 1 < len(tokens) else ""
    if word == "," and following in _AFTER_COMMA:
        return True
    if word == "and" and following in _AUXILIARIES:
        return True
    if word == "that":
        previous = _lower(tokens[index - 1]) if index else ""
        return previous not in _REPORTING
    return False


class Clauses:
    """Where the clauses of a sentence begin and end, worked out once for the sentence's tokens."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        size = len(tokens)
        self.marks = [_ends_clause(tokens, index) for index in range(size)]
        # A clause starts after a clause mark or a comma; it ends before the next mark (commas do not end it).
        self._starts = [0] * size
        for index in range(1, size):
            after_mark = self.marks[index - 1] or tokens[index - 1].text == ","
            self._starts[index] = index if after_mark else self._starts[index - 1]
        self._next_mark = [size] * (size + 1)
        for index in range(size - 1, -1, -1):
            self._next_mark[index] = index if self.marks[index] else self._next_mark[index + 1]
        self._dividers = [0]
        for index in range(size):
            self._dividers.append(self._dividers[-1] + (self.marks[index] and tokens[index].text != ":"))

    def start(self, index: int) -> int:
        """Return the index of the first token of the clause holding token ``index``."""
        return self._starts[index]

    def end(self, index: int) -> int:
        """Return the index of the last token of the clause that goes on after token ``index``."""
        return self._next_mark[index + 1] - 1

    def divided(self, low: int, high: int) -> bool:
        """Whether a new clause starts between tokens ``low`` and ``high`` (a colon does not count).

        A wording and an entity so divided belong to different statements: in "not covered by insurance and
        can be expensive", "covered" says nothing about "expensive".
        """
        return high - low > 1 and self._dividers[high] - self._dividers[low + 1] > 0

    def forward(self, last: int, window: int | None) -> int:
        """Return where a scope that starts after token ``last`` ends: at the clause's end, or after ``window``
        words."""
        end = self.end(last)
        if window is None:
            return end
        words = 0
        for index in range(last + 1, end + 1):
            if self.tokens[index].is_word:
                words += 1
                if words > window:
                    return index - 1
        return end

    def backward(self, first: int) -> int:
        """Return where a scope that ends before token ``first`` starts: at the start of its clause."""
        return self.start(first)


def find_cues(tokens: Sequence[Token], clauses: Clauses | None = None) -> list[Cue]:
    """Return the negation, hedge and speculation cues of a sentence, with their scopes."""
    clauses = clauses or Clauses(tokens)
    found: list[Cue] = []
    index = 0
    while index < len(tokens):
        pseudo = phrase_at(tokens, index, _PSEUDO)
        if pseudo:
            index += len(pseudo)
            continue
        evidence = phrase_at(tokens, index, _EVIDENCE)
        negation = phrase_at(tokens, index, _NEGATIONS)
        speculation = phrase_at(tokens, index, _SPECULATION)
        hedge = phrase_at(tokens, index, _HEDGES)
        options = [(p, k) for p, k in ((evidence, "evidence"), (negation, CueKind.NEGATION),
                                       (speculation, CueKind.SPECULATION), (hedge, CueKind.HEDGE)) if p]
        if not options:
            index += 1
            continue
        phrase, kind = max(options, key=lambda o: len(o[0]))
        last = index + len(phrase) - 1
        text = " ".join(phrase)
        if kind == "evidence":
            found.append(Cue(CueKind.NEGATION, text, index, last, clauses.backward(index),
                             clauses.forward(last, None)))
        elif kind is CueKind.NEGATION:
            found.append(Cue(CueKind.NEGATION, text, index, last, index,
                             clauses.forward(last, cues.NEGATION_WINDOW)))
        else:
            found.append(Cue(CueKind(kind), text, index, last, index, clauses.forward(last, None)))
        index = last + 1
    return found
