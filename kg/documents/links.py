"""Outbound links of a document, and whether each one promotes rather than references.

A link is promotional when its own words or sentence sell something ("book a consultation", "our recommended
supplement"), when its address carries tracking or affiliate parameters (``utm_source``, ``ref``, ``tag``), or
when the page marks it ``rel="sponsored"``. Links to government, academic and literature sites are references
whatever the words around them say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox

from ..model import Link

__all__ = ["LinkRecord", "clean_links", "find_links", "link_target", "promotion_reasons"]

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]|]+")
_URL_TRAILING = ".,;:!?"
#: Words that, around a link, mark it as promotional rather than a reference.
PROMOTIONAL_CUES = (
    "check out", "suggested external site", "visit our", "visit us", "please visit", "visit the", "sponsored",
    "affiliate", "partner", "book now",
    "book a", "buy", "discount", "offer", "sign up", "learn more", "schedule", "contact us",
    "free consultation", "our recommended", "we recommend", "promo code", "coupon", "use code", "order now",
    "shop now", "call now", "get started",
)
# Whole words only: "visit our site" sells, "your first visit" does not.
_CUES = tuple((cue, re.compile(rf"\b{re.escape(cue)}\b")) for cue in PROMOTIONAL_CUES)
#: Query parameters that affiliate programmes put in the links they pay for.
_AFFILIATE_PARAMETERS = frozenset({
    "ref", "ref_id", "referrer", "aff", "aff_id", "affid", "affiliate", "affiliate_id", "partner", "partner_id",
    "tag", "irclickid", "clickid", "cjevent", "subid", "sub_id", "coupon", "promo", "discount",
})
#: Path segments of the redirects affiliate links commonly go through.
_AFFILIATE_PATHS = ("/recommends/", "/aff/", "/affiliate/", "/refer/", "/go/")
#: Sites whose pages are references by nature: what is said around a link to them does not make it an advert.
_REFERENCE_SUFFIXES = (".gov", ".edu", ".mil", ".int", ".nih.gov", ".who.int", ".europa.eu", ".nhs.uk", ".gov.uk")
_REFERENCE_HOSTS = frozenset({"doi.org", "dx.doi.org", "pubmed.ncbi.nlm.nih.gov", "clinicaltrials.gov",
                              "www.cochranelibrary.com", "www.ncbi.nlm.nih.gov", "europepmc.org"})


@dataclass(frozen=True)
class LinkRecord:
    """A link as recorded in a document's metadata.

    Attributes:
        url: the address, made absolute when the page gave a base to do so.
        start: where the link's words (or its address, in plain text) start in the stored text; ``None`` when
            they are not in it (navigation, a PDF annotation over an image).
        end: where they end.
        promotional: whether the link promotes rather than references.
        reason: why it was judged promotional.
        text: the words the link is on, when they differ from the address.
        page: the 1-based page of a PDF link.
    """

    url: str
    start: int | None = None
    end: int | None = None
    promotional: bool = False
    reason: str | None = None
    text: str | None = None
    page: int | None = None

    def as_link(self) -> Link:
        """Return the link of the domain model; only links found in the text have one."""
        if self.start is None or self.end is None:
            raise ValueError(f"the link to {self.url} is not in the text")
        return Link(url=self.url, start=self.start, end=self.end, promotional=self.promotional, reason=self.reason)

    def as_record(self) -> dict[str, object]:
        """Return the mapping written to ``meta.yaml``, without the fields that do not apply."""
        record: dict[str, object] = {"url": self.url}
        if self.text is not None:
            record["text"] = self.text
        if self.page is not None:
            record["page"] = self.page
        if self.start is not None:
            record["start"] = self.start
            record["end"] = self.end
        record["promotional"] = self.promotional
        if self.reason:
            record["reason"] = self.reason
        return record


#: Characters an IRI may not hold: pages write them in addresses all the same (a space, a quote).
_NOT_IN_IRI = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')


def link_target(url: str) -> str | None:
    """Return the IRI a link's address becomes in the graph, or ``None`` when it cannot be one.

    An address starting ``www.`` is read as ``http://``; characters an IRI may not hold are percent-encoded.

    >>> link_target('https://example.com/a b"c')
    'https://example.com/a%20b%22c'
    >>> link_target("www.example.org/x"), link_target("/about"), link_target("https://[bad/")
    ('http://www.example.org/x', None, None)
    """
    encoded = _NOT_IN_IRI.sub(_percent, url)
    candidate = encoded if "://" in encoded else f"http://{encoded}" if encoded.startswith("www.") else None
    if candidate is None:
        return None
    try:
        ox.NamedNode(candidate)
    except ValueError:
        return None
    return candidate


def clean_links(records: tuple[LinkRecord, ...]) -> tuple[tuple[LinkRecord, ...], tuple[str, ...]]:
    """Make every address an IRI the graph can hold, and say what was changed.

    An address with characters an IRI may not hold (a space, a quote) is percent-encoded. A link in the text
    whose address still cannot be an IRI (relative, malformed) is kept among the links outside the text, which
    are not put in the graph, rather than recorded for a build to refuse.

    Returns:
        The links, and one warning for each link changed.

    >>> links, warnings = clean_links((LinkRecord("https://a.example/a b", start=0, end=4),))
    >>> links[0].url
    'https://a.example/a%20b'
    >>> print(*warnings)
    the link to "https://a.example/a b" holds characters an address may not hold: recorded as https://a.example/a%20b
    """
    cleaned: list[LinkRecord] = []
    warnings: list[str] = []
    for record in records:
        target = link_target(record.url)
        if target is not None and _NOT_IN_IRI.search(record.url):
            warnings.append(f'the link to "{record.url}" holds characters an address may not hold: recorded as '
                            f"{target}")
            record = replace(record, url=_NOT_IN_IRI.sub(_percent, record.url))
        elif target is None and record.start is not None:
            warnings.append(f'the link to "{record.url}" on "{record.text or record.url}" is not an absolute address '
                            "the graph can hold: kept among other_links, outside the graph")
            record = replace(record, start=None, end=None)
        cleaned.append(record)
    return tuple(cleaned), tuple(warnings)


def _percent(found: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in found.group().encode())


def promotion_reasons(url: str, *, context: str = "", rel: str = "") -> list[str]:
    """Say why a link is promotional, from its address, its ``rel`` attribute and the words around it.

    >>> for reason in promotion_reasons("https://shop.example/a?utm_source=blog&tag=xy-20", context="Our recommended"):
    ...     print(reason)
    the text around it says "our recommended"
    its address has the tracking parameter "utm_source"
    its address has the affiliate parameter "tag"
    >>> promotion_reasons("https://www.ninds.nih.gov/migraine", context="learn more at the NINDS")
    []
    """
    reasons = []
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower()
    reference = host in _REFERENCE_HOSTS or host.endswith(_REFERENCE_SUFFIXES)
    lowered = context.lower()
    cue = None if reference else next((cue for cue, words in _CUES if words.search(lowered)), None)
    if cue:
        reasons.append(f'the text around it says "{cue}"')
    if "sponsored" in rel.lower().split():
        reasons.append('the page marks it rel="sponsored"')
    names = [name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    tracking = next((name for name in names if name.startswith("utm_")), None)
    if tracking:
        reasons.append(f'its address has the tracking parameter "{tracking}"')
    affiliate = next((name for name in names if name in _AFFILIATE_PARAMETERS), None)
    if affiliate:
        reasons.append(f'its address has the affiliate parameter "{affiliate}"')
    path = parts.path.lower()
    redirect = next((segment for segment in _AFFILIATE_PATHS if segment in path), None)
    if redirect and not reference:
        reasons.append(f'its address goes through the affiliate redirect "{redirect}"')
    return reasons


def find_links(text: str, *, offset: int = 0) -> tuple[Link, ...]:
    """Find the addresses written in a text and flag the ones their own paragraph promotes.

    Args:
        text: the text, or a run of whole lines of a longer text.
        offset: where ``text`` starts in the whole text; added to every position returned.

    >>> [(link.url, link.promotional) for link in find_links("Check out https://example.com/shop! Thanks.")]
    [('https://example.com/shop', True)]
    """
    return tuple(record.as_link() for record in _find(text, offset))


def find_link_records(text: str, *, offset: int = 0) -> list[LinkRecord]:
    """Find the addresses written in a text, as :class:`LinkRecord` (see :func:`find_links`)."""
    return _find(text, offset)


def _find(text: str, offset: int) -> list[LinkRecord]:
    records = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        start, end = match.start(), match.start() + len(url)
        # What a link is for is said just before it, in the same paragraph ("check out this suggested site").
        paragraph_start = text.rfind("\n", 0, start) + 1
        paragraph_end = text.find("\n", end)
        context = text[max(paragraph_start, start - 300): paragraph_end if paragraph_end >= 0 else len(text)]
        reasons = promotion_reasons(url, context=context)
        records.append(LinkRecord(url=url, start=offset + start, end=offset + end, promotional=bool(reasons),
                                  reason="; ".join(reasons) or None))
    return records
