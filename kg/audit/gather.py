"""Gathering the evidence on a question: the claims on it, how each stands to it, and the certainty of each.

A question names a subject, a predicate, an object and a category, each optional (at least one is given).
Entities count with everything narrower (``skos:broader`` followed to any depth), unless the question is exact:
a question about migraine includes chronic migraine.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pyoxigraph as ox

from ..certainty import Assessment, Facts, RuleSet, assess
from ..errors import UsageError
from ..extract.sentences import sentence_around
from ..iris import compress, expand
from ..sparql.claims import ClaimRecord, DocumentRecord, StatementView
from ..vocab import CEKG, PREFIXES, Category, DocumentKind, Polarity

__all__ = ["AuditedClaim", "Evidence", "Question", "Stance", "below", "gather", "narrower"]

RDF_TYPE = PREFIXES["rdf"] + "type"
SKOS_BROADER = PREFIXES["skos"] + "broader"
DCTERMS_IDENTIFIER = PREFIXES["dcterms"] + "identifier"


class Stance(StrEnum):
    """How a claim stands to the question."""

    SUPPORTING = "supporting"
    CHALLENGING = "challenging"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Question:
    """What is asked: claims with this subject, predicate, object and category (IRIs; None for any).

    ``exact`` asks for the entities themselves only, not for what is narrower than them.
    """

    subject: str | None = None
    predicate: str | None = None
    object: str | None = None
    category: Category | None = None
    exact: bool = False

    def words(self, labels: Mapping[str, str]) -> str:
        """Return the question in words, e.g. ``ketamine → chronic migraine (efficacy)``."""
        def name(iri: str) -> str:
            return labels.get(iri, compress(iri))

        core = (f"{name(self.subject)} → {name(self.object)}" if self.subject and self.object
                else name(self.subject) if self.subject else f"anything → {name(self.object)}" if self.object
                else "any claim")
        extra = [name(self.predicate) if self.predicate else "",
                 self.category.value.replace("-", " ") if self.category else "",
                 "exact entities only" if self.exact else ""]
        return core + (f" ({', '.join(e for e in extra if e)})" if any(extra) else "")


@dataclass(frozen=True)
class AuditedClaim:
    """One claim on the question, with the facets the audit shows.

    Attributes:
        record: the claim as stored.
        document: the document that makes it.
        stance: how it stands to the question.
        certainty: its level and the reasons for it.
        sentence: the text before the quote in its sentence, the quote, and the text after it.
        linked: it is on the question through a supports or challenges link, not by what it says.
        supported_by: the identifiers of the claims that support it.
        challenged_by: the identifiers of the claims that challenge it.
    """

    record: ClaimRecord
    document: DocumentRecord
    stance: Stance
    certainty: Assessment
    sentence: tuple[str, str, str]
    linked: bool = False
    supported_by: tuple[str, ...] = ()
    challenged_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """Everything the store holds on one question.

    Attributes:
        question: what was asked.
        claims: the claims on it, supporting first, then challenging, then neutral; within each, the firmest first.
        labels: the label of every entity, document and term shown, by IRI.
        nearest: when no claim is on the question, the nearest entities that have claims (IRIs).
    """

    question: Question
    claims: tuple[AuditedClaim, ...]
    labels: dict[str, str]
    nearest: tuple[str, ...] = ()

    def group(self, stance: Stance) -> list[AuditedClaim]:
        """Return the claims of one stance."""
        return [claim for claim in self.claims if claim.stance is stance]

    def _repr_markdown_(self) -> str:
        """Show the audit as Markdown in a notebook."""
        from .render import as_markdown

        return as_markdown(self)

    @property
    def documents(self) -> list[DocumentRecord]:
        """Return the documents the claims come from, in the order they first appear."""
        return list({claim.document.iri: claim.document for claim in self.claims}.values())


def below(store: ox.Store) -> dict[str, set[str]]:
    """Return the entities directly narrower than each entity (``skos:broader`` read backwards)."""
    found: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(SKOS_BROADER), None, ox.DefaultGraph()):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            found.setdefault(quad.object.value, set()).add(quad.subject.value)
    return found


def narrower(hierarchy: Mapping[str, set[str]], iri: str) -> set[str]:
    """Return ``iri`` and every entity narrower than it in :func:`below`'s map, to any depth."""
    found, todo = {iri}, [iri]
    while todo:
        for child in hierarchy.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def resolve(reference: str, view: StatementView, role: str, *, predicate: bool = False) -> str:
    """Return the IRI of an entity (or a claim predicate) named by a CURIE or IRI, checked against the store.

    Raises:
        UsageError: the store has no such entity or predicate; the message names the closest ones.
    """
    try:
        iri = expand(reference)
    except ValueError:
        iri = reference
    if view.has(iri, RDF_TYPE, CEKG + ("ClaimPredicate" if predicate else "Entity")):
        return iri
    known = view.predicate_labels() if predicate else {e.iri: e.label for e in view.entities()}
    names = {compress(k): v for k, v in known.items()}
    by_label = {v.lower(): compress(k) for k, v in known.items()}
    close = difflib.get_close_matches(reference, list(names), n=3, cutoff=0.5)
    close += [by_label[m] for m in difflib.get_close_matches(reference.lower(), list(by_label), n=3, cutoff=0.5)]
    what = "claim predicate" if predicate else "entity"
    hint = f": the closest are {', '.join(dict.fromkeys(close))}" if close else ""
    raise UsageError(f"the {role} {reference!r} is not {'a' if predicate else 'an'} {what} of the graph{hint}")


def gather(store: ox.Store, question: Question, rules: RuleSet) -> Evidence:
    """Return every claim on the question, with its stance and certainty.

    Raises:
        UsageError: the question asks for nothing (no subject, predicate, object or category).
    """
    if not (question.subject or question.predicate or question.object or question.category):
        raise UsageError("ask something: give a subject, a predicate, an object or a category")
    view = StatementView(store, by_node=True)
    hierarchy = below(store)
    subjects = _scope(hierarchy, question.subject, question.exact)
    objects = _scope(hierarchy, question.object, question.exact)
    candidates = _candidates(view, question, subjects, objects)
    records = {record.iri: record for record in view.claims(candidates)}
    if not (subjects is not None and objects is not None):
        records = {iri: r for iri, r in records.items() if _matches(r, question, subjects, objects)}

    stances: dict[str, tuple[Stance, bool]] = {}
    for record in records.values():
        if _matches(record, question, subjects, objects):
            stances[record.iri] = (Stance.CHALLENGING if record.polarity is Polarity.NEGATED
                                   else Stance.SUPPORTING, False)
    _add_linked(view, records, stances)
    if subjects is not None and objects is not None:  # the same pair of entities, another predicate or category
        for iri in records:
            stances.setdefault(iri, (Stance.NEUTRAL, False))
    context = _Context(view, view.promotional_links())
    audited = [_audited(context, records[iri], stance, linked, rules) for iri, (stance, linked) in stances.items()]
    order = {Stance.SUPPORTING: 0, Stance.CHALLENGING: 1, Stance.NEUTRAL: 2}
    audited.sort(key=lambda c: (order[c.stance], -c.certainty.level.rank, c.document.identifier,
                                c.record.identifier))
    nearest = () if audited else _nearest(view, hierarchy, question)
    return Evidence(question, tuple(audited), context.labels_of(audited, question, nearest), nearest)


def _about(record: ClaimRecord, objects: set[str]) -> bool:
    """Return whether a claim is about one of the objects: as its object, or as the condition it is restricted to."""
    return record.object in objects or any(key == "condition" and value in objects
                                           for key, value in record.qualifiers)


def _matches(record: ClaimRecord, question: Question, subjects: set[str] | None, objects: set[str] | None) -> bool:
    return ((subjects is None or record.subject in subjects) and (objects is None or _about(record, objects))
            and (question.predicate is None or record.predicate == question.predicate)
            and (question.category is None or record.category is question.category))


def _scope(hierarchy: Mapping[str, set[str]], iri: str | None, exact: bool) -> set[str] | None:
    if iri is None:
        return None
    return {iri} if exact else narrower(hierarchy, iri)


def _candidates(view: StatementView, question: Question, subjects: set[str] | None,
                objects: set[str] | None) -> list[str]:
    """Return the claims that share the question's subject or object (or, failing both, its predicate or category)."""
    if subjects is not None or objects is not None:
        found: set[str] = set()
        about_subject = {c for s in sorted(subjects or ()) for c in view.subjects_of(CEKG + "subject", s)}
        about_object = {c for o in sorted(objects or ()) for prop in ("object", "condition")
                        for c in view.subjects_of(CEKG + prop, o)}
        if subjects is not None and objects is not None:  # both given: a claim must be about both
            found = about_subject & about_object
        elif question.predicate is not None or question.category is not None:
            found = about_subject | about_object  # narrowed by one read of the predicate's or category's claims
            if question.predicate is not None:
                found &= set(view.subjects_of(CEKG + "predicate", question.predicate))
            if question.category is not None:
                found &= set(view.subjects_of(CEKG + "category", question.category.iri))
        else:
            found = about_subject | about_object
        return sorted(found)
    if question.predicate is not None:
        return view.subjects_of(CEKG + "predicate", question.predicate)
    assert question.category is not None
    return view.subjects_of(CEKG + "category", question.category.iri)


def _add_linked(view: StatementView, records: dict[str, ClaimRecord], stances: dict[str, tuple[Stance, bool]]
                ) -> None:
    """Add the claims that support or challenge a claim on the question, with the stance the link gives them."""
    for iri, (stance, _) in list(stances.items()):
        for relation in ("supports", "challenges"):
            for other in view.subjects_of(CEKG + relation, iri):
                if other in stances:
                    continue
                agrees = (relation == "supports") == (stance is Stance.SUPPORTING)
                stances[other] = (Stance.SUPPORTING if agrees else Stance.CHALLENGING, True)
                if other not in records:
                    records[other] = next(view.claims([other]))


@dataclass(frozen=True)
class _Context:
    """What the claims of an audit are read against, each looked up once: documents, texts, identifiers, labels."""

    view: StatementView
    promotional: Mapping[str, tuple[str, ...]]
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    asserted_by: dict[str, str] = field(default_factory=dict)

    def document(self, iri: str) -> DocumentRecord:
        """Return a document (without its text)."""
        if iri not in self.documents:
            self.documents[iri] = self.view.document(iri)
        return self.documents[iri]

    def text(self, document: str) -> str:
        """Return a document's text."""
        if document not in self.texts:
            self.texts[document] = self.view.document_text(document)
        return self.texts[document]

    def identifier(self, claim: str) -> str:
        """Return a claim's identifier (``dcterms:identifier``)."""
        if claim not in self.ids:
            found = self.view.values(claim, DCTERMS_IDENTIFIER)
            self.ids[claim] = found[0] if found else compress(claim)
        return self.ids[claim]

    def document_of(self, claim: str) -> str:
        """Return the document that makes a claim (``cekg:assertedBy``)."""
        if claim not in self.asserted_by:
            found = self.view.values(claim, CEKG + "assertedBy")
            self.asserted_by[claim] = found[0] if found else ""
        return self.asserted_by[claim]

    def labels_of(self, claims: Sequence[AuditedClaim], question: Question, nearest: Sequence[str]
                  ) -> dict[str, str]:
        """Return the label of every IRI the audit shows: entities, predicates, documents, agents, links."""
        shown = {iri for iri in (question.subject, question.predicate, question.object, *nearest) if iri}
        for claim in claims:
            record = claim.record
            shown.update(iri for iri in (record.subject, record.predicate, record.object, record.attributed_to,
                                         record.quantity.place if record.quantity else None) if iri)
            shown.update(value for _, value in record.qualifiers)
            shown.update(cause for reason in claim.certainty.reasons for cause in reason.causes)
        labels = {}
        for iri in sorted(shown):
            if iri in self.documents:
                labels[iri] = self.documents[iri].title
            elif (label := self.view.english_label(iri)) is not None:
                labels[iri] = label
            elif targets := self.view.values(iri, CEKG + "linkTarget"):
                labels[iri] = targets[0]
        return labels


def facts_of(context: _Context, record: ClaimRecord) -> Facts:
    """Return what a stored claim's certainty is derived from."""
    def links(relation: str) -> tuple[tuple[str, str], ...]:
        return tuple((other, context.document_of(other))
                     for other in context.view.subjects_of(CEKG + relation, record.iri))

    kind = context.document(record.document).kind
    return Facts(claim=record.iri, document=record.document, kind=kind or DocumentKind.WEB_ARTICLE,
                 modality=record.modality, citation=record.citation, agent=record.attributed_to,
                 promotional_links=context.promotional.get(record.document, ()), supported_by=links("supports"),
                 challenged_by=links("challenges"))


def _audited(context: _Context, record: ClaimRecord, stance: Stance, linked: bool, rules: RuleSet) -> AuditedClaim:
    facts = facts_of(context, record)
    sentence = ("", record.quote or "", "")
    if record.start is not None and record.end is not None:
        sentence = sentence_around(context.text(record.document), record.start, record.end, record.quote or "")
    return AuditedClaim(record, context.document(record.document), stance, assess(facts, rules), sentence, linked,
                        tuple(sorted(context.identifier(c) for c, _ in facts.supported_by)),
                        tuple(sorted(context.identifier(c) for c, _ in facts.challenged_by)))


def _nearest(view: StatementView, hierarchy: Mapping[str, set[str]], question: Question) -> tuple[str, ...]:
    """Return up to five entities that have claims, nearest the question's entities by hierarchy, then by label."""
    asked = [iri for iri in (question.subject, question.object) if iri]
    entities = view.entities()
    with_claims = {e.iri for e in entities
                   if view.subjects_of(CEKG + "subject", e.iri) or view.subjects_of(CEKG + "object", e.iri)}
    labels = {entity.iri: entity.label for entity in entities}
    above = {child: parent for parent, children in hierarchy.items() for child in children}
    found: list[str] = []
    for iri in asked:
        related = set(hierarchy.get(iri, ())) | ({above[iri]} if iri in above else set())
        found += sorted(related & with_claims)
        names = {labels[i].lower(): i for i in with_claims if i in labels}
        found += [names[m] for m in difflib.get_close_matches(labels.get(iri, compress(iri)).lower(), list(names),
                                                              n=5, cutoff=0.3)]
    return tuple(dict.fromkeys(i for i in found if i not in asked))[:5]
