"""References a sentence gives: DOIs, PubMed ids, links, and author-year citations.

A DOI, PMID, PMCID or non-promotional link makes a claim's citation traceable; an author-year citation names a
source without a findable reference.

>>> [r.reference for r in find_references("See doi:10.1056/NEJMoa2034577 and PMID: 31234567.")]
['https://doi.org/10.1056/NEJMoa2034577', 'https://pubmed.ncbi.nlm.nih.gov/31234567/']
>>> [r.text for r in find_references("as reported (Smith et al., 2019).")]
['Smith et al., 2019']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Link

__all__ = ["Reference", "find_references"]


@dataclass(frozen=True)
class Reference:
    """A reference found in a sentence (offsets relative to the sentence).

    ``reference`` is the resolvable form (a URL) of a traceable reference, ``None`` for an author-year
    citation, which names a source without a way to find it.
    """

    text: str
    start: int
    end: int
    reference: str | None


_DOI = re.compile(r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;:)\]])",
                  re.IGNORECASE)
_PMID = re.compile(r"\bPMID:?\s*(?P<id>\d{1,9})\b")
_PMCID = re.compile(r"\b(?P<id>PMC\d{4,9})\b")
_NAME = r"[A-Z][A-Za-z'\u2019-]+"
_AUTHOR_YEAR = re.compile(
    rf"\((?P<inner>{_NAME}(?: et al\.?| and {_NAME}| & {_NAME})?,? (?:19|20)\d{{2}}[a-z]?)\)"
    rf"|(?P<narrative>{_NAME} et al\.? \((?:19|20)\d{{2}}[a-z]?\))")


def find_references(text: str, links: Iterable[Link] = (), *, offset: int = 0) -> list[Reference]:
    """Return the references of a sentence.

    Args:
        text: the sentence.
        links: the document's outbound links; those inside the sentence and not promotional are references.
        offset: where the sentence starts in the document, to place the links.
    """
    found: list[Reference] = []

    def add(reference: Reference) -> None:
        if all(reference.end <= r.start or reference.start >= r.end for r in found):
            found.append(reference)

    for match in _DOI.finditer(text):
        add(Reference(match.group(), match.start(), match.end(), f"https://doi.org/{match.group('doi')}"))
    for match in _PMID.finditer(text):
        add(Reference(match.group(), match.start(), match.end(),
                      f"https://pubmed.ncbi.nlm.nih.gov/{match.group('id')}/"))
    for match in _PMCID.finditer(text):
        add(Reference(match.group(), match.start(), match.end(),
                      f"https://www.ncbi.nlm.nih.gov/pmc/articles/{match.group('id')}/"))
    for link in links:
        start, end = link.start - offset, link.end - offset
        if start >= 0 and end <= len(text) and not link.promotional:
            url = link.url if "://" in link.url else f"https://{link.url}"
            add(Reference(text[start:end], start, end, url))
    for match in _AUTHOR_YEAR.finditer(text):
        group = "inner" if match.group("inner") else "narrative"
        add(Reference(match.group(group), match.start(group), match.end(group), None))
    return sorted(found, key=lambda r: r.start)
