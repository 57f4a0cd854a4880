"""A compiled index of ontology names over normalised words, and the matcher that reads sentences with it.

Names are tokenised as sentences are (:func:`kg.extract.sentences.tokenize`) and keyed by their first word's
normalised form, longest name first, so a sentence is read in one pass: at each word, the longest name that
starts there and whose words follow (joined by spaces, or by a hyphen or slash) is the match. The index is
compiled once from the installed packages into a cache file (deterministic JSON, gzip without a timestamp)
and read from there afterwards.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...vocab import EntityType
from ..sentences import Token, joined, tokenize
from .sources import Scope, SourceTerm

__all__ = ["FORMAT", "OntologyIndex", "OntologyMatch", "OntologyTerm"]

#: The index file's format; a new format is a new cache file.
FORMAT = 2
#: Words never matched as a name on their own, though some vocabulary uses them as one.
COMMON_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "for", "from", "generic", "had", "has", "have",
    "he", "her", "his", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "them", "they",
    "this", "to", "was", "we", "were", "with", "you", "all", "any", "can", "may", "will", "new", "one", "two",
    "day", "time", "use", "used", "care", "help", "life", "plan", "well", "good", "best", "free", "more",
    "most", "less", "high", "low", "long", "short", "normal", "abnormal", "increased", "decreased", "change",
    "abnormality", "death", "tall", "small", "large", "fast", "slow", "clear", "open", "safe", "sure", "able",
    "active", "start", "stop", "energy", "balance", "relief", "support", "control", "patient", "patients",
    "people", "study", "trial", "result", "results", "effect", "effects", "response", "dose", "drug", "drugs",
    "medicine", "medication", "treatment", "therapy", "water", "salt", "sugar", "iron", "gold", "silver", "zinc",
    "oxygen", "air", "light", "heat", "cold", "ice", "food", "milk", "tea", "coffee", "sleep", "rest", "work",
    "weight", "height", "age", "sex", "male", "female", "child", "children", "adult", "adults", "man", "men",
    "woman", "women", "body", "head", "heart", "brain", "blood", "skin", "bone", "eye", "eyes", "ear", "nose",
    "mouth", "hand", "hands", "foot", "feet", "back", "face", "neck", "chest", "arm", "leg", "legs", "mood",
})


#: Words that say nothing of what a name names, left out when the closest names are looked for.
_FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "to", "for", "with", "and", "or", "by", "at"})


@dataclass(frozen=True)
class OntologyTerm:
    """A term of an ontology: its CURIE, label and entity type."""

    curie: str
    label: str
    type: EntityType


@dataclass(frozen=True)
class OntologyMatch:
    """A name of the index found in a sentence: the term, the name's scope, and where it is.

    ``first`` and ``last`` are token indexes in the sentence, ``start`` and ``end`` character offsets.
    """

    term: OntologyTerm
    scope: Scope
    start: int
    end: int
    first: int
    last: int


@dataclass(frozen=True)
class _Name:
    words: tuple[str, ...]
    term: int
    scope: Scope
    capital: bool  # the name must be written with a capital (brand names)
    acronym: bool  # the name must be written in capitals (acronyms)


def _capitals(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _words(name: str) -> tuple[str, ...] | None:
    """Return a name's normalised words, or ``None`` for a name that is no run of plain words."""
    tokens = tokenize(name)
    if any(not t.is_word and t.text not in "-/\u2010'" for t in tokens):
        return None
    words = tuple(t.norm for t in tokens if t.is_word)
    if not words or (len(words) == 1 and (len(words[0]) < 3 or words[0] in COMMON_WORDS or words[0].isdigit())):
        return None
    return words


class OntologyIndex:
    """Names of ontology terms, keyed by their first normalised word, ready to be found in sentences.

    >>> from kg.extract.ontologies.sources import SourceTerm
    >>> index = OntologyIndex.compile([SourceTerm("HP:0002315", "Headache", EntityType.PHENOTYPE,
    ...                                           (("Headache", Scope.LABEL), ("Cephalgia", Scope.EXACT)))])
    >>> [(m.term.curie, m.scope.value, m.start, m.end) for m in index.find(tokenize("No cephalgia, no headaches."))]
    [('HP:0002315', 'exact', 3, 12), ('HP:0002315', 'label', 17, 26)]
    """

    def __init__(self, terms: Sequence[Sequence[str]], names: dict[str, list[list[Any]]]) -> None:
        # Kept as read from the file: a key's names become _Name records only when a sentence has that word,
        # so loading costs one JSON parse and nothing per name.
        self._terms = terms
        self._raw = names
        self._names: dict[str, list[_Name]] = {}
        self._made: dict[int, OntologyTerm] = {}
        self._types = {t.value: t for t in EntityType}
        self._scopes = {s.value: s for s in Scope}
        self._by_word: dict[str, list[int]] | None = None
        self._flat: list[tuple[str, str, int]] | None = None
        self.words_path: Path | None = None

    def __len__(self) -> int:
        return sum(len(group) for group in self._raw.values())

    def term(self, number: int) -> OntologyTerm:
        """Return the term of the given number."""
        made = self._made.get(number)
        if made is None:
            curie, label, kind = self._terms[number]
            made = self._made[number] = OntologyTerm(curie, label, self._types[kind])
        return made

    def closest(self, words: Sequence[str], *, limit: int = 3, extra: int = 2) -> list[str]:
        """Return the CURIEs of the terms whose names hold every one of ``words`` (normalised), fewest others first.

        Names with more than ``extra`` other words are not close. The first call builds an index of every
        name's words (a fraction of a second); later calls look words up in it.

        >>> from kg.extract.ontologies.sources import SourceTerm
        >>> index = OntologyIndex.compile([
        ...     SourceTerm("HP:0031284", "Flushing", EntityType.PHENOTYPE, (("Flushing", Scope.LABEL),)),
        ...     SourceTerm("HP:0000822", "Hypertension", EntityType.PHENOTYPE,
        ...                (("Hypertension", Scope.LABEL), ("High blood pressure", Scope.EXACT)))])
        >>> index.closest(["blood", "pressure"])
        ['HP:0000822']
        """
        wanted = set(words) - _FUNCTION_WORDS
        if not wanted:
            return []
        names, by_word = self._word_index()
        rarest = min(wanted, key=lambda w: len(by_word.get(w, ())))
        found: dict[int, int] = {}
        for number in by_word.get(rarest, ()):
            first, rest, term = names[number]
            name = frozenset(rest.split(" ")) | {first} if rest else frozenset((first,))
            others = len(name - wanted)
            if others <= extra and wanted <= name:
                found[term] = min(found.get(term, others), others)
        ranked = sorted(found.items(), key=lambda item: (item[1], item[0]))
        return list(dict.fromkeys(self.term(term).curie for term, _ in ranked))[:limit]

    def _flat_names(self) -> list[tuple[str, str, int]]:
        """Return every name as its first word, the others and its term, in the file's order."""
        if self._flat is None:
            self._flat = [(first, rest, term) for first, group in self._raw.items()
                          for rest, term, _scope, _flags in group]
        return self._flat

    def _words(self) -> dict[str, list[int]]:
        """Return, for each word, the numbers of the names that hold it."""
        by_word: dict[str, list[int]] = {}
        for number, (first, rest, _) in enumerate(self._flat_names()):
            for word in sorted({first, *rest.split(" ")} - {""}):
                by_word.setdefault(word, []).append(number)
        return by_word

    def _word_index(self) -> tuple[list[tuple[str, str, int]], dict[str, list[int]]]:
        if self._by_word is None:
            if self.words_path is not None and self.words_path.exists():
                try:
                    self._by_word = json.loads(gzip.decompress(self.words_path.read_bytes()))
                except (ValueError, OSError, EOFError):
                    self._by_word = None
            if self._by_word is None:
                self._by_word = self._words()
        return self._flat_names(), self._by_word

    def _group(self, word: str) -> list[_Name]:
        group = self._names.get(word)
        if group is None:
            group = self._names[word] = [
                _Name((word, *rest.split(" ")) if rest else (word,), term, self._scopes[scope], bool(flags & 1),
                      bool(flags & 2)) for rest, term, scope, flags in self._raw.get(word, ())]
        return group

    @classmethod
    def compile(cls, sources: Iterable[SourceTerm]) -> OntologyIndex:
        """Return the index of the given terms' names; a name given twice keeps its first term and scope."""
        terms: list[OntologyTerm] = []
        names: dict[tuple[str, ...], _Name] = {}
        for source in sources:
            number = len(terms)
            terms.append(OntologyTerm(source.curie, source.label, source.type))
            capital = set(source.capital)
            for text, scope in source.names:
                words = _words(text)
                if words is None or words in names:
                    continue
                names[words] = _Name(words, number, scope, text in capital, _capitals(text) and len(text) <= 6)
        grouped: dict[str, list[list[Any]]] = {}
        for name in sorted(names.values(), key=lambda n: (-len(n.words), list(Scope).index(n.scope), n.term,
                                                          n.words)):
            grouped.setdefault(name.words[0], []).append(
                [" ".join(name.words[1:]), name.term, name.scope.value, int(name.capital) + 2 * int(name.acronym)])
        return cls([[t.curie, t.label, t.type.value] for t in terms], dict(sorted(grouped.items())))

    def find(self, tokens: Sequence[Token], skip: frozenset[int] = frozenset()) -> list[OntologyMatch]:
        """Return the longest names found in a sentence's tokens, left to right, none over a token in ``skip``."""
        words = [i for i, t in enumerate(tokens) if t.is_word]
        found = []
        position = 0
        while position < len(words):
            match = None
            if words[position] not in skip:
                for name in self._group(tokens[words[position]].norm):
                    stop = _match(name, tokens, words, position, skip)
                    if stop is not None:
                        first, last = words[position], words[stop]
                        match = OntologyMatch(self.term(name.term), name.scope, tokens[first].start,
                                              tokens[last].end, first, last)
                        position = stop
                        break
            if match is not None:
                found.append(match)
            position += 1
        return found

    # -- the cache file -------------------------------------------------------------------------------------

    def dump(self, path: Path) -> None:
        """Write the index to a file, whole or not at all; the same index always gives the same bytes."""
        payload: dict[str, Any] = {"format": FORMAT, "terms": list(self._terms), "names": self._raw}
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(_words_file(path), self._words())
        _write(path, payload)

    @classmethod
    def load(cls, path: Path) -> OntologyIndex:
        """Read an index written by :meth:`dump` (its word index, beside it, is read when first needed).

        Raises:
            ValueError: the file is not an index of this format.
        """
        payload = json.loads(gzip.decompress(path.read_bytes()))
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ValueError(f"{path} is not an ontology index of format {FORMAT}")
        index = cls(payload["terms"], payload["names"])
        index.words_path = _words_file(path)
        return index


def _words_file(path: Path) -> Path:
    return path.with_name(path.name.replace(".json.gz", "") + ".words.json.gz")


def _write(path: Path, payload: Any) -> None:
    """Write JSON, gzipped without a timestamp, whole or not at all."""
    data = gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _match(name: _Name, tokens: Sequence[Token], words: list[int], position: int,
           skip: frozenset[int]) -> int | None:
    stop = position + len(name.words) - 1
    if stop >= len(words):
        return None
    for offset, word in enumerate(name.words):
        index = words[position + offset]
        token = tokens[index]
        if token.norm != word or index in skip:
            return None
        if offset and not joined(tokens, words[position + offset - 1], index):
            return None
    first = tokens[words[position]].text
    if name.acronym and not _capitals(first):
        return None
    if name.capital and not first[:1].isupper():
        return None
    return stop

