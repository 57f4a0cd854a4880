"""Numbers a sentence reports, as structured values: counts of people, percentages, strengths, years.

>>> [(q.kind.value, q.value, q.unit, q.bound.value) for q in find_quantities("over 39 million individuals")]
[('count', Decimal('39000000'), 'people', 'over')]
>>> [(q.value, q.unit, q.text) for q in find_quantities("Injection: 200 mg/20 mL (10 mg/mL)")]
[(Decimal('10'), 'mg/mL', '200 mg/20 mL (10 mg/mL)')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ..vocab import Bound

__all__ = ["FoundQuantity", "QuantityKind", "find_quantities"]


class QuantityKind(StrEnum):
    """What a number measures."""

    COUNT = "count"  # of people or cases
    PERCENT = "percent"
    STRENGTH = "strength"  # amount of drug, or per volume
    YEAR = "year"  # of an approval or a first use


@dataclass(frozen=True)
class FoundQuantity:
    """A number found in a sentence, with offsets relative to the sentence's text."""

    kind: QuantityKind
    value: Decimal
    unit: str | None
    bound: Bound
    start: int
    end: int
    text: str
    noun: str | None = None


_BOUNDS = {
    "more than": Bound.OVER, "greater than": Bound.OVER, "over": Bound.OVER, "above": Bound.OVER,
    "exceeding": Bound.OVER, "in excess of": Bound.OVER, "upwards of": Bound.OVER,
    "less than": Bound.UNDER, "fewer than": Bound.UNDER, "under": Bound.UNDER, "below": Bound.UNDER,
    "about": Bound.ABOUT, "approximately": Bound.ABOUT, "around": Bound.ABOUT, "roughly": Bound.ABOUT,
    "nearly": Bound.ABOUT, "almost": Bound.ABOUT, "an estimated": Bound.ABOUT, "estimated": Bound.ABOUT,
    "some": Bound.ABOUT, "~": Bound.ABOUT, "at least": Bound.AT_LEAST, "no fewer than": Bound.AT_LEAST,
    "a minimum of": Bound.AT_LEAST, "at most": Bound.AT_MOST, "up to": Bound.AT_MOST,
    "no more than": Bound.AT_MOST, "a maximum of": Bound.AT_MOST,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
#: Nouns that make a number a count of people; the first three are counted in the unit "people".
_PEOPLE = ("individuals", "people", "persons", "adults", "children", "patients", "men", "women", "americans",
           "cases", "deaths", "users", "residents", "sufferers", "veterans", "teens", "adolescents")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_BOUND = "|".join(sorted((re.escape(b) for b in _BOUNDS), key=len, reverse=True))
_SCALE = "|".join(_SCALES)
_MASS = r"mg|mcg|µg|μg|g|kg|mEq|mmol|IU|units?"
_VOLUME = r"mL|ml|L|kg|dose|doses|h|hr|hours?|day|tablet|capsule|vial|m2"

_COUNT = re.compile(rf"(?:(?P<bound>{_BOUND})\s+)?(?P<number>{_NUMBER})(?:\s+(?P<scale>{_SCALE}))?"
                    rf"\s+(?:(?:[a-z]+-)?[a-z]+\s+)?(?P<noun>{'|'.join(_PEOPLE)})\b", re.IGNORECASE)
_PERCENT = re.compile(rf"(?:(?P<bound>{_BOUND})\s+)?(?P<number>{_NUMBER})\s*(?:%|percent\b|per cent\b)",
                      re.IGNORECASE)
_STRENGTH = re.compile(
    rf"(?P<number>{_NUMBER})\s*(?P<mass>{_MASS})(?:\s*/\s*(?P<per>{_NUMBER})?\s*(?P<volume>{_VOLUME}))?\b"
    rf"(?:\s*\((?P<c_number>{_NUMBER})\s*(?P<c_mass>{_MASS})\s*/\s*(?P<c_volume>{_VOLUME})\))?")
_YEAR = re.compile(r"\b(?:approv(?:al|ed)|introduced|first (?:approved|marketed|synthesi[sz]ed|used)|"
                   r"since|developed)\b[^.;]{0,40}?\b(?P<year>1[89]\d{2}|20\d{2})\b", re.IGNORECASE)


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def find_quantities(text: str) -> list[FoundQuantity]:
    """Return the numbers of a sentence that a claim can report, in text order, none overlapping another."""
    found: list[FoundQuantity] = []

    def add(quantity: FoundQuantity) -> None:
        if all(quantity.end <= q.start or quantity.start >= q.end for q in found):
            found.append(quantity)

    for match in _STRENGTH.finditer(text):
        if match.group("c_number"):
            value, unit = _number(match.group("c_number")), f"{match.group('c_mass')}/{match.group('c_volume')}"
        elif match.group("volume"):
            per = match.group("per")
            value = _number(match.group("number"))
            unit = f"{match.group('mass')}/{per + ' ' if per else ''}{match.group('volume')}"
        else:
            value, unit = _number(match.group("number")), match.group("mass")
        add(FoundQuantity(QuantityKind.STRENGTH, value, unit, Bound.EXACTLY, match.start(), match.end(), match.group()))
    for match in _PERCENT.finditer(text):
        add(FoundQuantity(QuantityKind.PERCENT, _number(match.group("number")), "percent", _bound(match.group("bound")),
                     match.start(), match.end(), match.group()))
    for match in _COUNT.finditer(text):
        scale = _SCALES[match.group("scale").lower()] if match.group("scale") else 1
        value = (_number(match.group("number")) * scale).normalize()
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        noun = match.group("noun").lower()
        unit = "people" if noun in _PEOPLE[:3] else noun
        add(FoundQuantity(QuantityKind.COUNT, value, unit, _bound(match.group("bound")), match.start(), match.end(),
                     match.group(), noun=noun))
    for match in _YEAR.finditer(text):
        year = match.group("year")
        add(FoundQuantity(QuantityKind.YEAR, Decimal(year), "year", Bound.EXACTLY, match.start("year"),
                     match.end("year"), year))
    return sorted(found, key=lambda q: q.start)


def _bound(word: str | None) -> Bound:
    return _BOUNDS[word.lower()] if word else Bound.EXACTLY
