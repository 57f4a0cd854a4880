"""Propose claims from a document, sentence by sentence, each anchored to the words it was read from.

For each sentence the extractor finds the vocabulary's entities, the categories its wording points at, and for
each category a subject, objects and a predicate; then polarity, modality and their cue words, attribution,
citations and quantities. A sentence that names no subject of its own may take one from the sentence before
it ("the treatment", "this drug"), from the line that introduces a list, or, in a drug label or a marketing
page, from the treatment the document is about; each such borrowing is said in the proposal's note. Nothing
is proposed that names an entity the vocabulary does not have, and every quote is a verbatim slice of the text
at its offsets.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from .. import iris
from ..errors import DataError, Problem
from ..model import Document, Entity, Quantity
from ..vocab import Category, CitationStatus, DocumentKind, EntityType, Modality, Polarity
from . import cues
from .categories import OBJECT_TYPES, SUBJECT_TYPES, CategoryScore, PredicateRule
from .citations import find_references
from .context import CueKind, find_phrases
from .language import reads_as_english
from .lexicon import Lexicon, Mention, find_candidates
from .newterms import proposed_entity
from .outcomes import GENERAL_PREDICATES, outcome_phrase
from .proposal import Extraction, Proposal, quantity_text
from .qualifiers import digits, names_source_document, population_of, qualifiers, route_of
from .quantities import QuantityKind, find_quantities
from .reading import (
    AGENTS,
    CONDITIONS,
    DRUGS,
    STRENGTH_UNIT,
    Object,
    Reading,
    Target,
    cue_inside,
    fit_rules,
    refers_back,
)
from .sentences import SegmentKind, Token, segments, tokenize

__all__ = ["Extraction", "Proposal", "extract"]

E = EntityType
_URL = re.compile(r"(?:https?://|www\.)\S+")
_DIRECTIVES = "|".join(map(re.escape, cues.READER_DIRECTIVES))
_DIRECTIVE = re.compile(rf"^(?:please\s+|to\s+)?(?:{_DIRECTIVES})\b|(?:,\s*|\bshould\s+)(?:{_DIRECTIVES})\b",
                        re.IGNORECASE)
#: Treatments other than the one a document is about ("tried and failed various treatments").
_OTHER_TREATMENTS = re.compile(r"\b(?:various|other|several|many|some|different|alternative|previous|prior|"
                               r"existing|current)\s+(?:\w+\s+)?(?:treatments?|medications?|therap(?:y|ies)|"
                               r"drugs|options|medicines)\b", re.IGNORECASE)
#: Kinds of document about one treatment, which their sentences need not name.
FOCUSED_KINDS = frozenset({DocumentKind.DRUG_LABEL, DocumentKind.MARKETING_PAGE})


def extract(document: Document, lexicon: Lexicon, *, progress: Callable[[int], None] | None = None) -> Extraction:
    """Propose claims from a document.

    Args:
        document: the document, as loaded from the data folder.
        lexicon: the entity vocabulary.
        progress: called with the offset reached after each sentence.

    Returns:
        The proposals, sorted by position, and what else was found.

    Raises:
        DataError: the document's text changed after it was added, so nothing can be anchored to it.
    """
    if document.text_sha256 != document.sha256:
        where = document.location.file if document.location else document.id
        raise DataError([Problem(
            f"the text of {document.id} changed after it was added (SHA-256 {document.text_sha256}, recorded "
            f"{document.sha256}): restore it, or add the new text as a new document, then extract", file=where)])
    if not reads_as_english(document.text):
        return Extraction(document.id, document.sha256, (), (), (), 0, english=False)
    return _Reader(document, lexicon).read(progress)


class _Reader:
    """Reads one document, keeping what the sentences before were about."""

    def __init__(self, document: Document, lexicon: Lexicon) -> None:
        self.document = document
        self.lexicon = lexicon
        self.urls = [m.span() for m in _URL.finditer(document.text)]
        self.url_starts = [start for start, _ in self.urls]
        self.topic = self._topic()
        # A drug label's statements are all about the labelled drug, and a marketing page's about the treatment
        # it sells, whether they name it or not ("Side effects may include nausea"); in other kinds a sentence
        # that names no treatment is about the one the document is about, when it names nothing else either.
        self.focus = self.topic
        self.focused = document.kind in FOCUSED_KINDS
        self.subject: Entity | None = None
        self.condition: Entity | None = None
        self.study: Entity | None = None
        self.previous: Reading | None = None
        self.lead_ins: dict[int, Reading] = {}

    def _in_url(self, offset: int) -> bool:
        index = bisect.bisect_right(self.url_starts, offset) - 1
        return index >= 0 and offset < self.urls[index][1]

    def _mentions(self, tokens: Sequence[Token]) -> list[Mention]:
        # Words inside a web address ("/ketamine-therapy/") name nothing.
        return [m for m in self.lexicon.find(tokens) if not self._in_url(m.start)]

    def _topic(self) -> Entity | None:
        """Return the drug the document names most often."""
        counts: Counter[str] = Counter()
        entities: dict[str, Entity] = {}
        for segment in segments(self.document.text):
            for mention in self._mentions(tokenize(segment.text, segment.start)):
                if mention.type in DRUGS:
                    counts[mention.entity.iri] += 1
                    entities[mention.entity.iri] = mention.entity
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return entities[ranked[0][0]] if ranked else None

    def read(self, progress: Callable[[int], None] | None) -> Extraction:
        """Read the document sentence by sentence and return what was proposed and found."""
        proposals: dict[tuple[str | int | Polarity | None, ...], Proposal] = {}
        found: set[str] = set()
        read: list[tuple[Sequence[Token], Sequence[Mention]]] = []
        for segment in segments(self.document.text):
            tokens = tokenize(segment.text, segment.start)
            mentions = self._mentions(tokens)
            known = [m for m in mentions if m.source != "proposed"]
            found.update(m.entity.curie for m in known)
            if segment.kind is SegmentKind.HEADING:
                self._remember(mentions, [])
                self.previous = None
                continue
            # Names read from their form alone stay listed as candidates, for the curator to look at.
            read.append(([t for t in tokens if not self._in_url(t.start)], known))
            sentence = Reading(segment, tokens, mentions)
            for proposal in self._propose(sentence):
                proposals.setdefault(proposal.key, proposal)
            if segment.text.endswith(":"):
                self.lead_ins[segment.start] = sentence
            self.previous = sentence
            self._remember(mentions, sentence.subjects)
            if progress:
                progress(segment.end)
        ordered = sorted(proposals.values(), key=lambda p: (p.start, p.end, p.category.value, p.subject, p.predicate,
                                                            p.object or "", str(quantity_text(p.quantity))))
        named = {c for p in ordered for c in (p.subject, p.object, p.attributed_to, p.condition, p.agency,
                                              p.jurisdiction) if c}
        new = sorted((e for e in self.lexicon.new_entities.values() if e.curie in named), key=lambda e: e.curie)
        return Extraction(self.document.id, self.document.sha256, tuple(ordered), tuple(sorted(found)),
                          tuple(find_candidates(read)), len(read), tuple(new))

    def _remember(self, mentions: Sequence[Mention], subjects: Sequence[Entity]) -> None:
        """Keep the treatment, condition and study a sentence was about, for the sentences after it."""
        named = list(subjects) or [m.entity for m in mentions if m.type in DRUGS]
        if named:
            self.subject = named[0]
        conditions = [m.entity for m in mentions if m.type is E.DISEASE]
        if conditions:
            self.condition = conditions[-1]
        studies = [m.entity for m in mentions if m.type is E.STUDY]
        if studies:
            self.study = studies[-1]

    # -- proposing ------------------------------------------------------------------------------------------

    def _propose(self, sentence: Reading) -> Iterator[Proposal]:
        if sentence.segment.is_question or _DIRECTIVE.search(sentence.text):
            return  # questions ask and directives tell the reader what to do: neither claims anything
        lead_in = self.lead_ins.get(sentence.segment.lead_in.start) if sentence.segment.lead_in else None
        source, categories, start = sentence, sentence.categories, sentence.segment.start
        previous = self.previous
        if lead_in is not None and lead_in.categories:
            # A list item goes on with the line that introduces it ("is indicated:"), unless it says more.
            categories = [*lead_in.categories, *(c for c in sentence.categories if c.strong and all(
                c.category is not o.category for o in lead_in.categories))]
        elif (not categories and previous is not None and previous.categories and refers_back(sentence.text)
              and any(m.type in DRUGS for m in sentence.mentions)):
            # "These include A, B and C": the sentence lists the subjects of what the one before it said.
            source, categories, start = previous, previous.categories, previous.segment.start
        context = [part.text for part in (sentence, lead_in) if part is not None and part is not source]
        made = 0
        for proposal in self._by_entities(sentence, source, lead_in, categories, context, start):
            made += 1
            yield proposal
        if not made and categories and categories[0].strong and source is sentence and not sentence.text.endswith(":"):
            # A line introducing a list says its claim in the items; a weak cue alone claims nothing.
            yield from self._outcome(sentence, lead_in, categories[0], start)

    def _outcome(self, sentence: Reading, lead_in: Reading | None, score: CategoryScore, start: int
                 ) -> Iterator[Proposal]:
        """Propose the claim of a sentence that names no object of its category: its outcome, in its words."""
        category = score.category
        if category is Category.PREVALENCE or category not in GENERAL_PREDICATES:
            return
        notes: list[str] = []
        subjects = self._subjects(category, sentence, lead_in, notes)
        span = outcome_phrase(score, sentence.tokens, sentence.segment.start)
        if not subjects or span is None:
            return
        first, last = span
        words = " ".join(t.text for t in sentence.tokens[first:last + 1] if t.is_word)
        entity = self.lexicon.remember(proposed_entity(words, E.CONCEPT, close=self.lexicon.closest(words)))
        notes.append(f"object: the outcome in the sentence's words ({words}), a proposed concept")
        rule = PredicateRule(GENERAL_PREDICATES[category], frozenset({E.CONCEPT}))
        target = Target(sentence, first, last)
        sentence.subjects = sentence.subjects or subjects
        for subject in subjects[:1]:
            yield self._claim(sentence, category, subject, rule, entity, target, notes, start)

    def _by_entities(self, sentence: Reading, source: Reading, lead_in: Reading | None,
                     categories: Sequence[CategoryScore], context: list[str], start: int) -> Iterator[Proposal]:
        """Propose the claims of a sentence for each category, object by object."""
        for rank, score in enumerate(categories):
            category = score.category
            notes: list[str] = []
            subjects = self._subjects(category, sentence, lead_in, notes)
            if not subjects:
                continue
            sentence.subjects = sentence.subjects or subjects
            if category is Category.PREVALENCE:
                yield from self._prevalence(sentence, subjects[0], notes)
                continue
            if category is Category.REGULATORY_STATUS:
                yield from self._regulatory_quantities(sentence, subjects[0], notes)
            objects = self._objects(category, source, subjects, notes)
            for mentions in objects:
                inside = any(isinstance(o, Mention) and cue_inside(score, o, source) for o in mentions)
                if not inside and source is sentence and any(
                        isinstance(o, Mention) and cue_inside(other, o, source)
                        for o in mentions for other in categories if other is not score):
                    continue  # the object is itself worded as another category's ("off-label use", "access")
                others = [o for group in objects for o in group if o not in mentions and isinstance(o, Mention)]
                for obj, rule, trigger in fit_rules(category, mentions, source, context, others):
                    if rank and rule.pattern is None and not inside:
                        continue  # a second reading of a sentence needs a wording of its own
                    if isinstance(obj, Mention):
                        first, last = source.span(obj.start, obj.end)
                        target = Target(source, first, last, trigger)
                    else:
                        target = Target(source, 0, len(source.tokens) - 1, trigger)
                    for subject in subjects:
                        yield self._claim(sentence, category, subject, rule, obj, target, notes, start)

    def _subjects(self, category: Category, sentence: Reading, lead_in: Reading | None,
                  notes: list[str]) -> list[Entity]:
        if SUBJECT_TYPES[category] == CONDITIONS:
            diseases = _unique(m.entity for m in sentence.mentions if m.type is E.DISEASE)
            if diseases:
                return diseases[:1]
            if self.condition is not None and sentence.names_a_condition_before():
                notes.append(f"subject: the condition named before ({self.condition.label})")
                return [self.condition]
            # A phenotype is the subject only where no disease is meant: "headaches" are what migraine causes.
            return _unique(m.entity for m in sentence.mentions if m.type is E.PHENOTYPE)[:1]
        drugs = _unique(m.entity for m in sentence.mentions if m.type in DRUGS)
        if self.topic is not None and self.topic in drugs:
            return [self.topic]
        if drugs:
            if category in (Category.INDICATION, Category.EFFICACY) and any(
                    m.type is E.DISEASE for m in sentence.mentions):
                # Coordinated interventions ("medications and lifestyle changes") each treat the condition.
                return _unique(m.entity for m in sentence.mentions if m.type in SUBJECT_TYPES[category])
            return drugs
        if self.subject is not None and sentence.says(cues.ANAPHORS):
            notes.append(f"subject: the treatment named before ({self.subject.label})")
            return [self.subject]
        if lead_in is not None and lead_in.subjects:
            notes.append("subject: from the line introducing the list")
            return lead_in.subjects[:1]
        carried = [e for e in (self.previous.subjects if self.previous else []) if e.type in SUBJECT_TYPES[category]]
        if carried and sentence.refers_back():
            notes.append("subject: carried over from the sentence before")
            return carried[:1]
        if self.focus is not None and (self.focused or not (
                any(m.type in SUBJECT_TYPES[category] for m in sentence.mentions) or _OTHER_TREATMENTS.search(
                    sentence.text))):
            notes.append(f"subject: the treatment the {self.document.kind.value} is about ({self.focus.label})")
            return [self.focus]
        return []

    def _objects(self, category: Category, source: Reading, subjects: Sequence[Entity], notes: list[str]
                 ) -> list[list[Object]]:
        """Return the objects a category's claims can have: for each entity, every mention of it (or the entity
        itself when it is carried over from an earlier sentence)."""
        allowed = OBJECT_TYPES.get(category, frozenset())
        taken = {s.iri for s in subjects}
        candidates = [m for m in source.mentions if m.type in allowed and m.entity.iri not in taken]
        # An entity named inside a longer name of another ("general anesthetic" in "induction of anesthesia
        # before other general anesthetic agents") is part of that name, not an object of its own.
        candidates = [m for m in candidates if not any(
            o.entity.iri != m.entity.iri and set(m.words) < set(o.words) for o in candidates)]
        objects: dict[str, list[Object]] = {}
        for mention in candidates:
            objects.setdefault(mention.entity.iri, []).append(mention)
        if objects:
            source.objects = candidates
            return list(objects.values())
        previous = self.previous
        if previous is not None and previous is not source and previous.objects and refers_back(source.text):
            carried = [m.entity for m in previous.objects if m.type in allowed and m.entity.iri not in taken]
            if carried:
                notes.append("object: carried over from the sentence before")
            return [[e] for e in _unique(carried)]
        condition = self.condition
        if (condition is not None and condition.type in allowed and condition.iri not in taken
                and source.names_a_condition_before()):
            notes.append(f"object: the condition named before ({condition.label})")
            return [[condition]]
        return []

    def _claim(self, sentence: Reading, category: Category, subject: Entity, rule: PredicateRule, obj: Object,
               target: Target, notes: list[str], start: int) -> Proposal:
        entity = obj.entity if isinstance(obj, Mention) else obj
        text = self.document.text
        proposal = Proposal(id="", document=self.document.id, category=category, subject=subject.curie,
                            predicate=rule.predicate, object=entity.curie, quote=text[start:sentence.segment.end],
                            start=start, end=sentence.segment.end)
        return self._finish(sentence, proposal, replace(target, negative=rule.negative), notes,
                            exclude={subject.iri, entity.iri})

    def _finish(self, sentence: Reading, proposal: Proposal, target: Target, notes: list[str], *,
                exclude: set[str]) -> Proposal:
        """Add polarity, modality, attribution, citation, qualifiers and the id to a proposal."""
        read = target.reading
        negated = target.negative or read.negates(target.first, target.last)
        modal = read.modal_cues(target.first, target.last)
        last = target.last
        if target.trigger is not None:
            first, last = target.trigger
            negated = negated or read.negates(first, last) or read.negation_inside(first, last)
            modal = [c for c in read.cues if c in modal or c in read.modal_cues(first, last)]
            last = max(last, target.last)
        modality = (Modality.SPECULATIVE if any(c.kind is CueKind.SPECULATION for c in modal)
                    else Modality.HEDGED if modal else Modality.ASSERTED)
        attributed, attribution_note = self._attribution(read, target.first, last)
        references = find_references(sentence.text, self.document.links, offset=sentence.segment.start)
        traceable = tuple(sorted({r.reference for r in references if r.reference}))
        named = (attributed is not None and attributed.type in (E.ORGANIZATION, E.STUDY)) or any(
            r.reference is None for r in references) or names_source_document(sentence)
        citation = (CitationStatus.TRACEABLE if traceable else CitationStatus.NAMED_UNREFERENCED if named
                    else CitationStatus.NONE)
        notes = [*notes, *([attribution_note] if attribution_note else []),
                 *(f"cites {r.text}, with no findable reference" for r in references if r.reference is None)]
        excluded = exclude | ({attributed.iri} if attributed else set())
        condition, agency, jurisdiction = qualifiers(sentence, proposal.category, excluded)
        finished = replace(
            proposal, polarity=Polarity.NEGATED if negated else Polarity.AFFIRMED, modality=modality,
            cues=tuple(dict.fromkeys(c.text for c in modal)), attributed_to=attributed.curie if attributed else None,
            citation=citation, references=traceable, route=route_of(read.text) or route_of(sentence.text),
            note="; ".join(dict.fromkeys(notes)) or None, condition=condition, agency=agency,
            jurisdiction=jurisdiction,
        )
        digest = iris.content_hash(*finished.key, finished.category.value, length=6)
        return replace(finished, id=f"{self.document.id}-{finished.category.value}-{finished.start}-{digest}")

    def _attribution(self, read: Reading, first: int, last: int) -> tuple[Entity | None, str | None]:
        """Return the agent a sentence reports as the source of tokens ``first``..``last``, or a note naming one
        the vocabulary lacks.

        "According to X, ..." covers the whole sentence; "X believes ..." covers its own clause and what follows.
        """
        tokens = read.tokens
        windows = []
        for _, after in find_phrases(tokens, cues.ATTRIBUTION_AFTER):
            stop = after
            while stop + 1 < len(tokens) and tokens[stop + 1].text not in ",;:" and stop - after < 12:
                stop += 1
            windows.append((after + 1, stop, 0))
        for verb, _ in find_phrases(tokens, cues.ATTRIBUTION_BEFORE):
            low = read.clauses.start(verb)
            if low == verb and verb > 1 and tokens[verb - 1].text.lower() == "and":
                low = read.clauses.start(verb - 1)  # "a study looked at X and found that ...": the study
            windows.append((low, verb - 1, low))
        for low, high, reach in windows:
            if low > high or last < reach:
                continue
            start, end = tokens[low].start, tokens[high].end
            agents = [m.entity for m in read.mentions if m.type in AGENTS and m.start < end and m.end > start]
            if agents:
                organizations = [a for a in agents if a.type is E.ORGANIZATION]
                return (organizations or agents)[0], None
            words = {t.text.lower() for t in tokens[low:high + 1]}
            for noun in cues.AGENT_NOUNS:
                if noun in words:
                    agent = self.lexicon.unnamed_agent(noun)
                    if agent is None and self.lexicon.propose:
                        agent = self.lexicon.remember(proposed_entity(f"unnamed {noun}", E.AGENT))
                    return (agent, None) if agent else (None, f"attributed to unnamed {noun}, for whom the "
                                                              "vocabulary has no agent")
        if self.study is not None and read.says(cues.STUDY_ANAPHORS):
            return self.study, None
        return None, None

    def _regulatory_quantities(self, sentence: Reading, subject: Entity, notes: list[str]
                               ) -> Iterator[Proposal]:
        place = next((m.entity.curie for m in sentence.mentions if m.type is E.PLACE), None)
        for quantity in find_quantities(sentence.text):
            at = sentence.segment.start + quantity.start
            first, last = sentence.span(at, at + len(quantity.text))
            if quantity.kind is QuantityKind.STRENGTH and quantity.unit and STRENGTH_UNIT.search(quantity.unit):
                proposal = Proposal(
                    id="", document=self.document.id, category=Category.REGULATORY_STATUS, subject=subject.curie,
                    predicate="cekg:hasStrength", quote=quantity.text, start=at, end=at + len(quantity.text),
                    quantity=Quantity(digits(quantity), quantity.unit))
            elif quantity.kind is QuantityKind.YEAR:
                proposal = Proposal(
                    id="", document=self.document.id, category=Category.REGULATORY_STATUS, subject=subject.curie,
                    predicate="cekg:firstApprovedIn", quote=sentence.text, start=sentence.segment.start,
                    end=sentence.segment.end,
                    quantity=Quantity(digits(quantity), "year", place=place, year=int(quantity.value)))
            else:
                continue
            yield self._finish(sentence, proposal, Target(sentence, first, last), notes, exclude={subject.iri})

    def _prevalence(self, sentence: Reading, subject: Entity, notes: list[str]) -> Iterator[Proposal]:
        place = next((m.entity.curie for m in sentence.mentions if m.type is E.PLACE), None)
        year = re.search(r"\bin ((?:19|20)\d{2})\b", sentence.text)
        for quantity in find_quantities(sentence.text):
            if quantity.kind not in (QuantityKind.COUNT, QuantityKind.PERCENT):
                continue
            proposal = Proposal(
                id="", document=self.document.id, category=Category.PREVALENCE, subject=subject.curie,
                predicate="cekg:hasPrevalence", quote=sentence.text, start=sentence.segment.start,
                end=sentence.segment.end, quantity=Quantity(
                    digits(quantity), quantity.unit, quantity.bound, population=population_of(sentence.text,
                                                                                                   quantity),
                    place=place, year=int(year.group(1)) if year else None))
            at = sentence.segment.start + quantity.start
            first, last = sentence.span(at, at + len(quantity.text))
            yield self._finish(sentence, proposal, Target(sentence, first, last), notes, exclude={subject.iri})


def _unique(entities: Iterable[Entity]) -> list[Entity]:
    seen: dict[str, Entity] = {}
    for entity in entities:
        seen.setdefault(entity.iri, entity)
    return list(seen.values())
