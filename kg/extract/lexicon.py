"""Find the vocabulary's entities in a sentence, and words that look like entities the vocabulary lacks.

Two ways of matching, both driven only by ``entities.yaml``:

* **exact**: a label or synonym, as a run of words, longest match first; case and plural endings are ignored,
  except that terms written in capitals in the vocabulary (acronyms: ``PTSD``, ``US``, ``CIII``) match only
  capitals, so that "us" is not the United States. A label ending in a parenthesised name, such as
  ``onabotulinumtoxinA (Botox)``, is also matched by each of its two parts.
* **loose**: for labels of two or more content words (descriptive labels such as ``continuous monitoring of
  vital signs``), every content word, compared by crude stem, within a short window of the sentence, in any
  order. This finds "Continuously monitor vital signs" and "elevated blood pressure and pulse" (for
  ``elevated pulse``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .. import iris
from ..model import Entity
from ..vocab import EntityType
from .newterms import find_new_names, proposed_entity
from .ontologies import OntologyIndex, OntologyMatch, Scope
from .sentences import Token, joined, stem, tokenize

__all__ = ["Candidate", "Lexicon", "Mention", "find_candidates"]

#: Words left out when a label is matched loosely: they carry no meaning of their own.
STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "for", "in", "on", "at", "by", "or", "and", "with", "without", "not", "no",
    "before", "after", "prior", "than", "as", "from", "into", "under", "over", "its", "their", "this", "that",
    "these", "those", "which", "who", "is", "are", "be", "been", "more", "less", "other", "any", "all", "some",
})
_PARENTHESISED = re.compile(r"^(?P<head>.+?)\s*\((?P<inner>[^()]+)\)$")
#: Loose matches must fall within this many words per content word of the label (plus two).
LOOSE_SPREAD = 3


@dataclass(frozen=True)
class Mention:
    """An entity found in the text.

    Attributes:
        entity: the vocabulary entry.
        start: offset of the first character of the words that name it.
        end: offset just past the last.
        first: index of the first word token in the sentence's tokens.
        last: index of the last word token.
        words: indexes of the tokens that match the name's words (all of them for an exact match).
        loose: whether it was found by loose matching.
        source: where the name came from: ``None`` for ``entities.yaml``, an ontology's prefix (``HP``,
            ``DRUGBANK``, ``ICD10CM``) with the name's scope (``HP exact``), or ``proposed`` for a name read
            from its form alone.
    """

    entity: Entity
    start: int
    end: int
    first: int
    last: int
    words: tuple[int, ...] = ()
    loose: bool = False
    source: str | None = None

    @property
    def type(self) -> EntityType:
        """Return the entity's type."""
        return self.entity.type


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    capitals: tuple[bool, ...]  # whether each word must be written in capitals
    entity: Entity
    rank: int


@dataclass(frozen=True)
class _LooseTerm:
    stems: frozenset[str]
    entity: Entity
    rank: int


def _term_forms(entity: Entity) -> list[str]:
    forms = [entity.label, *entity.synonyms]
    match = _PARENTHESISED.match(entity.label)
    if match:
        forms.append(match.group("head"))
        inner = match.group("inner")
        # A parenthesised name or acronym is a name of its own; a parenthesised gloss ("unreferenced") is not.
        if "," not in inner and len(inner.split()) <= 3 and any(ch.isupper() for ch in inner):
            forms.append(inner)
    return forms


def _content_stems(label: str) -> frozenset[str]:
    match = _PARENTHESISED.match(label)
    words = [t for t in tokenize(match.group("head") if match else label) if t.is_word]
    return frozenset(stem(t.text) for t in words if t.norm not in STOPWORDS)


def _capitals(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


class Lexicon:
    """The vocabulary's labels and synonyms, ready to be found in sentences.

    >>> from kg.model import Entity
    >>> from kg.vocab import EntityType
    >>> drug = Entity("urn:x:ketamine", "ex:ketamine", "ketamine", EntityType.DRUG, synonyms=("ketamine infusion",))
    >>> place = Entity("urn:x:us", "ex:us", "United States", EntityType.PLACE, synonyms=("US",))
    >>> lexicon = Lexicon([drug, place])
    >>> [m.entity.label for m in lexicon.find(tokenize("Ketamine infusions help us in the US."))]
    ['ketamine', 'United States']

    With an ontology index, names the vocabulary lacks are found there (the vocabulary's own entities win, and
    an ontology term that is a vocabulary entity's id or exact match is that entity); with ``propose`` also
    names read from their form alone (:mod:`kg.extract.newterms`). Either kind of entity not in the
    vocabulary is kept in :attr:`new_entities`.
    """

    def __init__(self, entities: Iterable[Entity], *, ontology: OntologyIndex | None = None,
                 propose: bool = False) -> None:
        self.entities = tuple(entities)
        self.ontology = ontology
        self.propose = propose
        self.new_entities: dict[str, Entity] = {}
        self._known: dict[str, Entity] = {}
        for entity in self.entities:
            for iri in (entity.iri, *entity.exact_matches):
                self._known.setdefault(iri, entity)
        self._terms: dict[str, list[_Term]] = {}
        self._loose: dict[str, list[_LooseTerm]] = {}
        for rank, entity in enumerate(self.entities):
            for form in _term_forms(entity):
                words = [t for t in tokenize(form) if t.is_word]
                if not words:
                    continue
                term = _Term(tuple(t.norm for t in words), tuple(_capitals(t.text) for t in words), entity, rank)
                self._terms.setdefault(term.words[0], []).append(term)
            stems = _content_stems(entity.label)
            if len(stems) >= 2:
                loose = _LooseTerm(stems, entity, rank)
                for item in stems:
                    self._loose.setdefault(item, []).append(loose)
        for terms in self._terms.values():
            terms.sort(key=lambda t: (-len(t.words), t.rank))
        self._groups: dict[str, Entity] = {}
        for entity in self.entities:
            if entity.type is EntityType.AGENT:
                self._groups.setdefault(entity.label.split()[-1].lower(), entity)

    def __len__(self) -> int:
        return len(self.entities)

    def unnamed_agent(self, noun: str) -> Entity | None:
        """Return the vocabulary's agent standing for an unnamed group ("researchers"), by its label's last word.

        >>> from kg.model import Entity
        >>> group = Entity("urn:x:r", "ex:r", "unnamed researchers", EntityType.AGENT)
        >>> Lexicon([group]).unnamed_agent("researchers").label
        'unnamed researchers'
        """
        return self._groups.get(noun.lower())

    def find(self, tokens: Sequence[Token]) -> list[Mention]:
        """Return the entities named in a sentence's tokens, in text order (exact matches, then loose ones)."""
        words = [i for i, t in enumerate(tokens) if t.is_word]
        exact = self._exact(tokens, words)
        covered = {i for m in exact for i in range(m.first, m.last + 1)}
        if self.ontology is not None:
            for match in self.ontology.find(tokens, frozenset(covered)):
                exact.append(self._from_ontology(match, tokens))
                covered.update(range(match.first, match.last + 1))
        if self.propose:
            for name in find_new_names(tokens, covered):
                text = " ".join(t.text for t in tokens[name.first:name.last + 1] if t.is_word)
                entity = self._new(proposed_entity(text, name.type, close=self.closest(text)))
                exact.append(Mention(entity, tokens[name.first].start, tokens[name.last].end, name.first, name.last,
                                     tuple(i for i in range(name.first, name.last + 1) if tokens[i].is_word),
                                     source="proposed"))
        loose = self._find_loose(tokens, words, exact)
        return sorted(exact + loose, key=lambda m: (m.start, -m.end, m.loose, m.entity.iri))

    def _new(self, entity: Entity) -> Entity:
        return self.remember(entity)

    def closest(self, words: str) -> list[str]:
        """Return the CURIEs of the ontology terms whose names are closest to some words (candidates for them).

        >>> Lexicon([]).closest("blood pressure")
        []
        """
        if self.ontology is None:
            return []
        return self.ontology.closest([t.norm for t in tokenize(words) if t.is_word])

    def remember(self, entity: Entity) -> Entity:
        """Return the entity not in the vocabulary made for a name, the same one each time it is named.

        A name the vocabulary has is the vocabulary's entity.
        """
        known = self._known.get(entity.iri)
        return known if known is not None else self.new_entities.setdefault(entity.iri, entity)

    def _from_ontology(self, match: OntologyMatch, tokens: Sequence[Token]) -> Mention:
        """Return the mention of an ontology term: the vocabulary's entity for it, the term itself for its label
        or an exact synonym, or a proposed entity for a related, broad or narrow synonym (the term a candidate)."""
        term = match.term
        iri = iris.expand(term.curie)
        entity = self._known.get(iri)
        if entity is None and match.scope in (Scope.LABEL, Scope.EXACT):
            entity = self._new(Entity(iri, term.curie, term.label, term.type))
        elif entity is None:
            text = " ".join(t.text for t in tokens[match.first:match.last + 1] if t.is_word)
            entity = self._new(proposed_entity(
                text, term.type, close=() if match.scope is Scope.NARROW else (term.curie,),
                broader=(term.curie,) if match.scope is Scope.NARROW else ()))
        indexes = tuple(i for i in range(match.first, match.last + 1) if tokens[i].is_word)
        return Mention(entity, match.start, match.end, match.first, match.last, indexes,
                       source=f"{term.curie.split(':')[0]} {match.scope.value}")

    def _exact(self, tokens: Sequence[Token], words: list[int]) -> list[Mention]:
        found = []
        position = 0
        while position < len(words):
            best: tuple[_Term, int] | None = None
            for term in self._terms.get(tokens[words[position]].norm, ()):
                stop = self._match(term, tokens, words, position)
                if stop is not None:
                    best = (term, stop)
                    break  # terms are sorted longest first
            if best is None:
                position += 1
                continue
            term, stop = best
            first, last = tokens[words[position]], tokens[words[stop]]
            found.append(Mention(term.entity, first.start, last.end, words[position], words[stop],
                                 tuple(words[position:stop + 1])))
            position = stop + 1
        return found

    @staticmethod
    def _match(term: _Term, tokens: Sequence[Token], words: list[int], position: int) -> int | None:
        stop = position + len(term.words) - 1
        if stop >= len(words):
            return None
        for offset, (word, capitals) in enumerate(zip(term.words, term.capitals, strict=True)):
            index = words[position + offset]
            token = tokens[index]
            if token.norm != word or (capitals and not _capitals(token.text)):
                return None
            if offset and not joined(tokens, words[position + offset - 1], index):
                return None
        return stop

    def _find_loose(self, tokens: Sequence[Token], words: list[int], exact: list[Mention]) -> list[Mention]:
        positions: dict[str, list[int]] = {}
        for order, index in enumerate(words):
            positions.setdefault(stem(tokens[index].text), []).append(order)
        covered = {i for m in exact for i in range(m.first, m.last + 1)}
        named = {m.entity.iri for m in exact}
        seen: set[str] = set()
        found = []
        candidates = {id(t): t for s in positions for t in self._loose.get(s, ())}
        for term in sorted(candidates.values(), key=lambda t: t.rank):
            if term.entity.iri in named or term.entity.iri in seen or not term.stems <= positions.keys():
                continue
            window = _smallest_window([positions[s] for s in term.stems])
            if window is None or window[1] - window[0] + 1 > LOOSE_SPREAD * len(term.stems) + 2:
                continue
            first, last = words[window[0]], words[window[1]]
            own = [words[p] for s in term.stems for p in positions[s] if window[0] <= p <= window[1]]
            if all(i in covered for i in own):
                continue  # every word already names another entity
            seen.add(term.entity.iri)
            found.append(Mention(term.entity, tokens[first].start, tokens[last].end, first, last,
                                 tuple(sorted(own)), loose=True))
        return found



def _smallest_window(lists: list[list[int]]) -> tuple[int, int] | None:
    """Return the narrowest (low, high) range holding one position from each list."""
    events = sorted((p, k) for k, positions in enumerate(lists) for p in positions)
    need = len(lists)
    counts = [0] * need
    have = 0
    best: tuple[int, int] | None = None
    low = 0
    for position, key in events:
        counts[key] += 1
        if counts[key] == 1:
            have += 1
        while have == need:
            start, start_key = events[low]
            if best is None or position - start < best[1] - best[0]:
                best = (start, position)
            counts[start_key] -= 1
            if counts[start_key] == 0:
                have -= 1
            low += 1
    return best


@dataclass(frozen=True)
class Candidate:
    """Words that look like an entity the vocabulary does not have: to be reviewed, never used as a claim."""

    text: str
    count: int
    start: int
    reason: str


_SUFFIX = re.compile(
    r"^[a-z]{3,}(?:itis|osis|emia|aemia|pathy|algia|oma|ectomy|plasty|mab|nib|pril|sartan|olol|azole|statin|"
    r"vir|mycin|cillin|oxacin|dipine|prazole|tidine|triptan|gepant|amine|azepam|barbital|caine)$", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9-]{1,9}$")
_NAME_WORD = re.compile(r"^[A-Z][a-z]+$")
_NAME_JOINERS = frozenset({"of", "for", "and", "de", "the"})


def find_candidates(sentences: Iterable[tuple[Sequence[Token], Sequence[Mention]]]) -> list[Candidate]:
    """Return words of the sentences that look like entity names but are not in the vocabulary.

    Looked for: acronyms in mixed-case text, multi-word capitalised names, and words with the endings of
    disease and drug names (-itis, -pathy, -mab, -olol, ...).
    """
    found: dict[str, list[tuple[int, str]]] = {}

    def note(text: str, start: int, reason: str) -> None:
        found.setdefault(text, []).append((start, reason))

    for tokens, mentions in sentences:
        covered = {i for m in mentions for i in range(m.first, m.last + 1)}
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if index in covered or not token.is_word:
                index += 1
                continue
            if _ACRONYM.match(token.text) and not token.text.isdigit() and not _capital_run(tokens, index):
                note(token.text, token.start, "acronym")
            elif _SUFFIX.match(token.text):
                note(token.text.lower(), token.start, "ending of a disease or drug name")
            elif _NAME_WORD.match(token.text) and index > 0:
                stop = index
                while stop + 1 < len(tokens) and stop + 1 not in covered and (
                        _NAME_WORD.match(tokens[stop + 1].text)
                        or (tokens[stop + 1].text in _NAME_JOINERS and stop + 2 < len(tokens)
                            and _NAME_WORD.match(tokens[stop + 2].text))):
                    stop += 1
                if stop > index:
                    note(" ".join(t.text for t in tokens[index:stop + 1]), token.start, "capitalised name")
                    index = stop + 1
                    continue
            index += 1
    return sorted((Candidate(text, len(places), min(p for p, _ in places), places[0][1])
                   for text, places in found.items()), key=lambda c: (c.start, c.text))


def _capital_run(tokens: Sequence[Token], index: int) -> bool:
    """Whether a word in capitals stands beside other words in capitals (a heading, not an acronym)."""
    neighbours = [tokens[i] for i in (index - 1, index + 1) if 0 <= i < len(tokens) and tokens[i].is_word]
    return any(_capitals(t.text) and len(t.text) > 2 for t in neighbours)
