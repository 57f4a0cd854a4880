"""Cut a document's text into headings, sentences and list items, and sentences into word tokens.

Every piece keeps its character offsets into the document's text, so that anything proposed from it can be
anchored exactly. The cutter knows the shapes text takes when it is copied from web pages and drug labels:
abbreviations and decimals that are not sentence ends, bullet lines introduced by a line ending in a colon,
section headings on lines of their own, and upper-case section headings run into the next sentence
("INDICATIONS AND USAGEKetamine ..."), as a label's highlights come out when copied. A run of text with no
sentence end for over :data:`MAX_SENTENCE` characters is cut at clause marks or spaces.

:func:`sentence_around` is the plain reading the pages use to show a quote in its sentence: it looks only for a
sentence end or a line break on either side of the quote.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CONTEXT_LIMIT", "Segment", "SegmentKind", "Token", "joined", "segments", "sentence_around", "stem",
           "tokenize"]


class SegmentKind(StrEnum):
    """What a piece of text is."""

    SENTENCE = "sentence"
    ITEM = "item"  # a line of a bulleted or numbered list
    HEADING = "heading"


@dataclass(frozen=True)
class Segment:
    """A heading, sentence or list item, with its offsets in the document's text.

    Attributes:
        start: offset of the first character.
        end: offset just past the last character.
        text: the text itself, ``document_text[start:end]``.
        kind: what it is.
        line: the 1-based line it starts on.
        lead_in: for a list item, the sentence ending in a colon that introduces the list.
    """

    start: int
    end: int
    text: str
    kind: SegmentKind
    line: int
    lead_in: Segment | None = None

    @property
    def is_question(self) -> bool:
        """Whether the segment asks rather than states."""
        return self.text.rstrip(CLOSERS + " ").endswith("?")


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark, with its offsets in the document's text.

    ``norm`` is the lower-cased word without a possessive or plural ending, used to match vocabulary terms;
    punctuation marks have an empty ``norm``.
    """

    text: str
    start: int
    end: int
    norm: str

    @property
    def is_word(self) -> bool:
        """Whether the token is a word (or number) rather than punctuation."""
        return bool(self.norm)


#: Closing quotes and brackets, straight and typographic.
CLOSERS = "\"')]\u201d\u2019"
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*|[^\sA-Za-z0-9]")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
#: Words a full stop follows without ending the sentence (compared lower-case, without their dots).
ABBREVIATIONS = frozenset({
    "al", "approx", "ca", "cf", "co", "corp", "dept", "dr", "e.g", "eg", "etc", "fig", "figs", "i.e", "ie",
    "inc", "jr", "ltd", "max", "mg", "min", "mr", "mrs", "ms", "no", "nos", "prof", "ref", "sr", "st", "vol",
    "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
_BULLET = re.compile(r"^\s*(?:[\u2022\u25e6\u25aa\u25ab\u25cf\u25cb\u00b7\u2023\u2043*\u2013\u2014-]|\(?\d{1,2}[.)]|"
                     r"\(?[a-z][.)])\s+")
#: The label of a section of a structured abstract, run into its first sentence ("RESULTS: At week 16 ...").
_SECTION_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z ]{2,30}[A-Z]):[ \t]+(?=\S)")
_TERMINAL = re.compile(r"[.!?:;][\"')\]\u201d\u2019]*$")
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]\u201d\u2019]*(?=\s+[\"'(\[\u201c\u2018]?[A-Z\u2022])")
#: A drug label's section reference ("... blood pressure and pulse (6) To report ..."), which ends a statement.
_SECTION_REFERENCE_END = re.compile(r"\s\(\d+(?:\.\d+)*\)(?=\s+[A-Z])")
#: An upper-case heading glued to the next word: the cut goes before the capital that starts the sentence.
_GLUED = re.compile(r"(?<=[A-Z]{2})(?=[A-Z][a-z])")
#: An upper-case heading at the end of a line, after the end of a sentence or a colon.
_TRAILING_HEADING = re.compile(r"(?<=[.:;!?)]\s)[A-Z][A-Z0-9&/, -]*[A-Z]\s*$")
_CAPS_WORD = re.compile(r"^[A-Z][A-Z&/-]*[A-Z]$|^(?:AND|OF|IN|FOR|THE|TO|&)$")
_HEADING_WORDS = 12
#: A document's first line without final punctuation is its title up to this many words.
_TITLE_WORDS = 30
#: Longest piece of text read as one sentence: longer runs (tables, text without punctuation) are cut at the
#: last clause mark, or else the last space, before this many characters.
MAX_SENTENCE = 2000


def _plain(word: str) -> str:
    """Return a word lower-cased, without possessive or plural ending: the form vocabulary terms are matched on."""
    word = _POSSESSIVE.sub("", word.replace("\u2019", "'")).lower().replace(".", "")
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        if word.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        return word[:-1]
    return word


_SUFFIXES = ("ations", "ation", "ingly", "ings", "ing", "edly", "ed", "ly", "ions", "ion", "ments", "ment",
             "ness", "ities", "ity", "ies", "es", "s", "e")


def stem(word: str) -> str:
    """Return a crude stem of a word, so that "monitoring", "monitored" and "monitor" compare equal.

    >>> [stem(w) for w in ("Continuously", "continuous", "requiring", "require", "lowered", "lower", "used", "use")]
    ['continuous', 'continuous', 'requir', 'requir', 'lower', 'lower', 'use', 'use']
    """
    word = _POSSESSIVE.sub("", word.replace("\u2019", "'")).lower().replace(".", "")
    for suffix in _SUFFIXES:
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            break
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    else:
        if word.endswith("ed") and len(word) >= 4:
            word = word[:-1]  # "used" -> "use"
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Return the words and punctuation marks of ``text``, offsets shifted by ``offset``.

    >>> [t.norm for t in tokenize("The drug's NMDA receptors (U.S.)")]
    ['the', 'drug', 'nmda', 'receptor', '', 'us', '']
    """
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        norm = _plain(word) if word[0].isalnum() else ""
        tokens.append(Token(word, offset + match.start(), offset + match.end(), norm))
    return tokens


def _is_title_line(line: str) -> bool:
    """Whether a document's first line is its title: no final punctuation, and not a paragraph."""
    return not _TERMINAL.search(line) and len(line.split()) <= _TITLE_WORDS


def _is_heading_line(line: str) -> bool:
    if not any(ch.isalpha() for ch in line):
        return True
    words = len(line.split())
    if line.endswith("?"):
        return words <= 15
    return not _TERMINAL.search(line) and words <= _HEADING_WORDS


def _abbreviation_before(text: str, end: int) -> bool:
    """Whether the full stop at ``end`` closes an abbreviation, an initial or a dotted acronym."""
    match = re.search(r"([A-Za-z][A-Za-z.]*)\.$", text[max(0, end - 40):end + 1])
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # U.S., e.g., i.e.
    return word.lower() in ABBREVIATIONS


def _heading_run_start(text: str, end: int, floor: int) -> int:
    """Return where the run of upper-case words that ends at ``end`` begins (not before ``floor``)."""
    start = end
    for match in reversed(list(re.finditer(r"\S+", text[floor:end]))):
        word = match.group()
        if not _CAPS_WORD.match(word):
            break
        start = floor + match.start()
    return start


def _cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the pieces (start, end) a line of running text is cut into."""
    line = text[start:end]
    cuts = {start, end}
    for match in _SENTENCE_END.finditer(line):
        stop = match.end()
        full_stop = start + match.start()
        if text[full_stop] == "." and match.group().startswith(".") and _abbreviation_before(text, full_stop):
            continue
        cuts.add(start + stop)
    for match in _SECTION_REFERENCE_END.finditer(line):
        cuts.add(start + match.end())
    for match in _GLUED.finditer(line):
        glue = start + match.start()
        run = _heading_run_start(text, glue, start)
        # Only a run of two or more capitals at a word start is a heading ("CHANGESWarnings", not "HCl").
        if run < glue - 1 and (run == start or not text[run - 1].isalnum()):
            cuts.update((run, glue))
    trailing = _TRAILING_HEADING.search(line)
    if trailing and (len(trailing.group().split()) >= 2 or len(trailing.group().strip()) >= 8):
        cuts.add(start + trailing.start())
    pieces = []
    for low, high in itertools.pairwise(sorted(cuts)):
        while high - low > MAX_SENTENCE:
            window = text[low:low + MAX_SENTENCE]
            cut = max(window.rfind("; "), window.rfind(", "))
            cut = cut + 1 if cut > 0 else window.rfind(" ")
            cut = cut if cut > 0 else MAX_SENTENCE
            pieces.append((low, low + cut))
            low += cut
        pieces.append((low, high))
    return pieces


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def segments(text: str) -> Iterator[Segment]:
    """Yield the headings, sentences and list items of a text, in order.

    >>> for segment in segments("Uses\\nIt is indicated:\\n- as an anesthetic.\\nDr. Li agrees, e.g. here."):
    ...     print(segment.kind.value, repr(segment.text))
    heading 'Uses'
    sentence 'It is indicated:'
    item 'as an anesthetic.'
    sentence 'Dr. Li agrees, e.g. here.'
    >>> [(s.kind.value, s.text) for s in segments("RESULTS: It worked.")]
    [('heading', 'RESULTS'), ('sentence', 'It worked.')]
    """
    offset = 0
    lead_in: Segment | None = None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        line_start, offset = offset, offset + len(line)
        content = line.rstrip("\r\n")
        start, end = _trimmed(text, line_start, line_start + len(content))
        if start == end:
            lead_in = None
            continue
        label = _SECTION_LABEL.match(text[start:end])
        if label:
            # A structured abstract's "RESULTS: ..." labels its section; the sentence starts after it.
            yield Segment(start, start + len(label.group("label")), label.group("label"), SegmentKind.HEADING, number)
            start += label.end()
        bullet = _BULLET.match(text[start:end])
        if bullet and bullet.end() < end - start:
            start += bullet.end()
        else:
            bullet = None
            lead_in = None
            if _is_heading_line(text[start:end]) or (number == 1 and _is_title_line(text[start:end])):
                yield Segment(start, end, text[start:end], SegmentKind.HEADING, number)
                continue
        for piece_start, piece_end in _cuts(text, start, end):
            piece_start, piece_end = _trimmed(text, piece_start, piece_end)
            if piece_start == piece_end:
                continue
            piece = text[piece_start:piece_end]
            if not any(ch.islower() for ch in piece) and sum(ch.isalpha() for ch in piece) >= 4:
                yield Segment(piece_start, piece_end, piece, SegmentKind.HEADING, number)
                continue
            kind = SegmentKind.ITEM if bullet else SegmentKind.SENTENCE
            segment = Segment(piece_start, piece_end, piece, kind, number, lead_in if bullet else None)
            yield segment
            if not bullet:
                lead_in = segment if piece.endswith(":") else None


#: The most characters :func:`sentence_around` shows on either side of a quote.
CONTEXT_LIMIT = 400


def sentence_around(text: str, start: int, end: int, quote: str = "") -> tuple[str, str, str]:
    """Return the sentence holding ``text[start:end]`` as (words before, the quote, words after).

    The sentence ends at ``.``, ``!`` or ``?`` followed by a space, or at a line break; each side is cut to a few
    hundred characters.

    >>> sentence_around("One. Two is here. Three.", 9, 16)
    ('Two ', 'is here', '.')
    """
    if not (0 <= start <= end <= len(text)) or (quote and text[start:end] != quote):
        return "", quote, ""
    begin = start
    while begin > 0 and start - begin < CONTEXT_LIMIT:
        if text[begin - 1] == "\n" or (text[begin - 1].isspace() and begin >= 2 and text[begin - 2] in ".!?"):
            break
        begin -= 1
    finish = end
    ends_sentence = end > start and text[end - 1] in ".!?" and (end == len(text) or text[end].isspace())
    while not ends_sentence and finish < len(text) and finish - end < CONTEXT_LIMIT:
        if text[finish] == "\n":
            break
        finish += 1
        if text[finish - 1] in ".!?" and (finish == len(text) or text[finish].isspace()):
            break
    before, after = text[begin:start].lstrip(), text[end:finish].rstrip()
    if begin > 0 and start - begin >= CONTEXT_LIMIT:
        before = "…" + before
    if finish < len(text) and finish - end >= CONTEXT_LIMIT:
        after += "…"
    return before, text[start:end], after


def joined(tokens: Sequence[Token], before: int, after: int) -> bool:
    """Whether two words are separated only by spaces, or by one hyphen or slash touching both."""
    if after - before == 1:
        return True
    if after - before > 2:
        return False
    mark = tokens[before + 1]
    return mark.text in "-/\u2010" and tokens[before].end == mark.start and mark.end == tokens[after].start
