"""What narrows a proposal: its route, condition, agency and jurisdiction, a quantity's population and digits."""

from __future__ import annotations

import re
from decimal import Decimal

from ..vocab import Category, EntityType
from . import cues
from .quantities import FoundQuantity
from .reading import Reading

__all__ = ["digits", "names_source_document", "population_of", "qualifiers", "route_of"]

E = EntityType
_ROUTES = "intravenous|intramuscular|oral|subcutaneous|intranasal|sublingual|topical"
_ROUTE = re.compile(rf"\b(?P<route>(?:{_ROUTES})(?: or (?:{_ROUTES}))?)(?:\s+(?:\w+\s+)?(?P<form>infusions?|"
                    r"injections?))?", re.IGNORECASE)


def route_of(text: str) -> str | None:
    """Return the route of administration a sentence names, with the form when it names one.

    >>> route_of("Ketamine given as an intravenous infusion over 40 minutes.")
    'intravenous infusion'
    """
    match = _ROUTE.search(text)
    if match is None:
        return None
    form = match.group("form")
    route = match.group("route").lower()
    return f"{route} {form.lower().rstrip('s')}" if form else route


def names_source_document(sentence: Reading) -> bool:
    """Whether the sentence names a document of an agent as its source ("under current FDA guidelines")."""
    for mention in sentence.mentions:
        if mention.type is E.ORGANIZATION:
            following = sentence.text[mention.end - sentence.segment.start:].split()
            if following and following[0].lower().strip(".,;") in cues.SOURCE_DOCUMENTS:
                return True
    return False


_QUALIFIED = frozenset({Category.MECHANISM, Category.ACCESS_AND_COST, Category.REGULATORY_STATUS})


def qualifiers(sentence: Reading, category: Category, exclude: set[str]
                ) -> tuple[str | None, str | None, str | None]:
    """Return the condition, agency and jurisdiction a claim is qualified by, from the entities left over."""
    left = [m for m in sentence.mentions if m.entity.iri not in exclude]

    def first(kind: EntityType, wanted: bool) -> str | None:
        return next((m.entity.curie for m in left if m.type is kind), None) if wanted else None

    regulatory = category is Category.REGULATORY_STATUS
    return (first(E.DISEASE, category in _QUALIFIED), first(E.ORGANIZATION, regulatory),
            first(E.PLACE, regulatory))


def population_of(text: str, quantity: FoundQuantity) -> str | None:
    """Return who was counted, in the document's words: the counted noun and what follows it in the clause.

    >>> from kg.extract.quantities import find_quantities
    >>> text = "Migraine affects 39 million people in the United States, and more."
    >>> [population_of(text, q) for q in find_quantities(text)]
    ['people in the United States']
    """
    if quantity.noun is None:
        return None
    words = re.split(r"[,;:.]", text[quantity.end - len(quantity.noun):], maxsplit=1)[0].split()
    return " ".join(words[:12]) or None


def digits(quantity: FoundQuantity) -> Decimal:
    """Return a quantity's value in plain digits, without an exponent or trailing zeros.

    >>> from kg.extract.quantities import find_quantities
    >>> [digits(q) for q in find_quantities("It affects 12.50% of adults.")]
    [Decimal('12.5')]
    """
    return Decimal(format(quantity.value.normalize(), "f"))
