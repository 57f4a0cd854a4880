"""Entities no vocabulary has: names of drugs, conditions, studies and organisations read from their form.

A word with the ending of a drug name (``-gepant``, ``-mab``, ``-olol``) or of a disease name (``-itis``,
``-pathy``), a named study ("the PROMISE-2 trial", "the Nurses' Health Study") and a named organisation
("University of Michigan", "researchers at Stanford") become **proposed entities**: an ``ent:`` id derived from
the words, the words as label, and, where the ontologies have a label close to it, that term as a candidate
identifier (``close_matches``). Their claims are proposed like any other; ``kg extract --merge`` adds them to
``entities.yaml`` with ``status: proposed`` for a curator to check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import iris
from ..model import Entity
from ..vocab import EntityType
from .sentences import Token

__all__ = ["NewName", "entity_id", "find_new_names", "proposed_entity"]

E = EntityType
DRUG_ENDINGS = ("mab", "nib", "pril", "sartan", "olol", "azole", "statin", "vir", "mycin", "cillin", "oxacin",
                "dipine", "prazole", "tidine", "triptan", "gepant", "azepam", "barbital", "caine", "glutide",
                "gliflozin", "gliptin", "parin", "setron", "lukast", "afil", "tinib", "ximab", "zumab", "umab",
                "cept", "dronate", "oxetine", "pramine", "triptyline", "apine", "idone", "profen", "terol",
                "sone", "olone", "cycline", "floxacin", "conazole", "lamide", "semide", "thiazide", "ketamine")
DISEASE_ENDINGS = ("itis", "osis", "emia", "aemia", "pathy", "algia", "oma", "plegia", "trophy", "penia",
                   "rrhea", "rrhoea", "iasis", "ism")
_DRUG = re.compile(rf"^[a-z]{{3,}}(?:{'|'.join(DRUG_ENDINGS)})$", re.IGNORECASE)
_DISEASE = re.compile(rf"^[a-z]{{3,}}(?:{'|'.join(DISEASE_ENDINGS)})$", re.IGNORECASE)
#: Words of ordinary prose with those endings.
NOT_NAMES = frozenset({
    "diagnosis", "prognosis", "thrombosis", "mechanism", "organism", "criticism", "tourism", "optimism",
    "skepticism", "scepticism", "journalism", "metabolism", "symptoma", "aroma", "diploma", "coma", "stigma",
    "trauma", "sone", "ozone", "someone", "anyone", "everyone", "evidence", "percent", "phone", "stone",
    "alone", "none", "done", "gone", "zone", "tone", "bone", "lone", "cone", "drone", "clone", "throne",
    "concept", "accept", "except", "intercept", "inept", "idone", "deprecept", "incept", "precept",
    "cocaine", "novocaine",  # drugs the vocabularies have; kept here only when unmatched, as ordinary words
})
_ORG_WORDS = frozenset({
    "university", "institute", "institutes", "foundation", "association", "society", "college", "hospital",
    "clinic", "center", "centre", "agency", "administration", "organization", "organisation", "council",
    "academy", "department", "school", "ministry", "commission", "service", "network", "consortium", "group",
    "journal", "press", "times", "news",
})
_STUDY_WORDS = frozenset({"study", "trial", "trials", "registry", "cohort"})
_NAME = re.compile(r"^[A-Z][A-Za-z'\u2019]+$|^[A-Z][A-Z0-9-]+$")
_JOINERS = frozenset({"of", "for", "and", "the", "de", "on"})
#: Capitalised words that open a sentence rather than a name.
_OPENERS = frozenset({
    "in", "the", "a", "an", "at", "on", "for", "of", "and", "but", "this", "these", "that", "those", "after",
    "during", "before", "according", "researchers", "scientists", "doctors", "patients", "results", "background",
    "methods", "conclusions", "objective", "however", "although", "while", "when", "if", "as", "by", "with",
    "from", "to", "it", "its", "their", "our", "we", "they", "he", "she", "there", "here", "today", "last",
})


@dataclass(frozen=True)
class NewName:
    """Words that name an entity no vocabulary has: token indexes, entity type and why they were read so."""

    first: int
    last: int
    type: EntityType
    reason: str


def entity_id(words: str) -> str:
    """Return the project identifier derived from an entity's words.

    >>> entity_id("PROMISE-2 trial")
    'ent:promise-2-trial'
    """
    return "ent:" + (re.sub(r"[^a-z0-9]+", "-", words.lower().replace("\u2019", "'").replace("'", "")).strip("-")
                     or "unnamed")


def proposed_entity(words: str, kind: EntityType, *, close: Sequence[str] = (), broader: Sequence[str] = ()
                    ) -> Entity:
    """Return a proposed entity named by ``words``, with candidate identifiers (CURIEs) for a curator to check.

    >>> entity = proposed_entity("zavegepant", EntityType.DRUG)
    >>> entity.curie, entity.label, entity.type.value
    ('ent:zavegepant', 'zavegepant', 'drug')
    """
    curie = entity_id(words)
    label = words if _NAME.match(words.split()[0]) and not words.islower() and kind in (
        E.ORGANIZATION, E.STUDY) else words.lower()
    return Entity(iris.expand(curie), curie, label, kind, close_matches=tuple(iris.expand(c) for c in close),
                  broader=tuple(iris.expand(c) for c in broader))


def find_new_names(tokens: Sequence[Token], covered: set[int]) -> list[NewName]:
    """Return the words of a sentence, outside ``covered`` tokens, that name a drug, disease, study or agency.

    >>> from kg.extract.sentences import tokenize
    >>> tokens = tokenize("In the ATTAIN trial, researchers at Duke University gave zavegepant for gastritis.")
    >>> [(" ".join(t.text for t in tokens[n.first:n.last + 1]), n.type.value) for n in find_new_names(tokens, set())]
    [('ATTAIN trial', 'study'), ('Duke University', 'organization'), ('zavegepant', 'drug'), ('gastritis', 'disease')]
    """
    found: list[NewName] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if index in covered or not token.is_word:
            index += 1
            continue
        name = _name_run(tokens, index, covered)
        if name is not None:
            found.append(name)
            index = name.last + 1
            continue
        word = token.text
        if word.lower() not in NOT_NAMES and (index == 0 or not word[:1].isupper() or word[1:].islower()):
            if _DRUG.match(word):
                found.append(NewName(index, index, E.DRUG, "ending of a drug name"))
            elif _DISEASE.match(word):
                found.append(NewName(index, index, E.DISEASE, "ending of a disease name"))
        index += 1
    return found


def _name_run(tokens: Sequence[Token], index: int, covered: set[int]) -> NewName | None:
    """Return a capitalised name starting at ``index`` that ends in (or holds) an organisation or study word."""
    if not _NAME.match(tokens[index].text) or tokens[index].text.lower() in _OPENERS:
        return None
    stop = index
    while stop + 1 < len(tokens) and stop + 1 not in covered:
        following = tokens[stop + 1]
        if _NAME.match(following.text):
            stop += 1
        elif (following.text == "-" and stop + 2 < len(tokens) and tokens[stop + 2].is_word
              and following.start == tokens[stop].end and tokens[stop + 2].start == following.end):
            stop += 2  # "SUNRISE-3", "COVID-19"
        elif (following.text in _JOINERS and stop + 2 < len(tokens) and _NAME.match(tokens[stop + 2].text)
              and stop + 2 not in covered):
            stop += 2
        else:
            break
    words = [t.text.lower() for t in tokens[index:stop + 1] if t.is_word]
    if stop + 1 < len(tokens) and tokens[stop + 1].text.lower() in _STUDY_WORDS and (
            stop > index or tokens[index].text.isupper() or "-" in tokens[index].text):
        return NewName(index, stop + 1, E.STUDY, "a named study")
    if any(w in _ORG_WORDS for w in words) and stop > index:
        return NewName(index, stop, E.ORGANIZATION, "a named organisation")
    if words[-1] in _STUDY_WORDS and stop > index:
        return NewName(index, stop, E.STUDY, "a named study")
    return None
