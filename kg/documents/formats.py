"""The formats a document can be added from, how each is recognised, and what reading one gives."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .links import LinkRecord

__all__ = ["Advance", "DocumentFormat", "Extraction", "Progress", "bom_encoding", "captured_warnings",
           "detect_format", "no_progress"]

#: Called with the amount of work just done (bytes or pages).
Advance = Callable[[int], None]
#: Called with the total amount of work and its unit ("B" or "page"); gives an :data:`Advance` while it runs.
Progress = Callable[[int, str], AbstractContextManager[Advance]]

_HTML_START = re.compile(rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)[\s>]",
                         re.IGNORECASE | re.DOTALL)
# The PDF header may follow up to 1 KiB of junk, but always starts a line.
_PDF_START = re.compile(rb"(?:\A|[\r\n])%PDF-\d")
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class DocumentFormat(StrEnum):
    """What a file added with ``kg add`` holds."""

    TEXT = "text"
    HTML = "html"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        """Return the media type of files of this format."""
        return {"text": "text/plain", "html": "text/html", "pdf": "application/pdf"}[self.value]

    @property
    def suffix(self) -> str:
        """Return the suffix the original file is kept under."""
        return {"text": ".txt", "html": ".html", "pdf": ".pdf"}[self.value]


@dataclass(frozen=True)
class Extraction:
    """What reading one file gave: the text written to ``text.txt`` and what was learnt on the way.

    Attributes:
        sha256: hex SHA-256 of the UTF-8 text written.
        characters: length of the text in characters (claim offsets count characters).
        extractor: name, version and settings of what took the text out of the file.
        text_is_original: whether the text file is the original byte for byte (no copy is then kept).
        encoding: the character encoding the original was decoded from, when it has one.
        links: the links found, in the text or elsewhere in the file.
        title: the title the file gives itself, if any.
        source: the address the file says it was published at, if any.
        date: the publication date the file gives, if any (YYYY-MM-DD).
        pages: where each page starts in the text (PDF).
        warnings: what the curator should look at before anchoring claims to the text.
    """

    sha256: str
    characters: int
    extractor: dict[str, object]
    text_is_original: bool = False
    encoding: str | None = None
    links: tuple[LinkRecord, ...] = ()
    title: str | None = None
    source: str | None = None
    date: str | None = None
    pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()


def no_progress(total: int, unit: str) -> AbstractContextManager[Advance]:
    """Report progress nowhere."""
    return nullcontext(lambda done: None)


def bom_encoding(head: bytes) -> str | None:
    """Return the encoding a byte-order mark at the start of ``head`` announces, if any."""
    return next((encoding for bom, encoding in _BOMS if head.startswith(bom)), None)


def detect_format(path: Path, head: bytes) -> DocumentFormat:
    """Tell a file's format from its first bytes, and from its suffix for HTML that does not say it is HTML.

    >>> detect_format(Path("page.txt"), b"\\n<!DOCTYPE html><html><body>Hi</body></html>")
    <DocumentFormat.HTML: 'html'>
    >>> detect_format(Path("label"), b"%PDF-1.7\\n...")
    <DocumentFormat.PDF: 'pdf'>
    """
    if _PDF_START.search(head[:1024]):
        return DocumentFormat.PDF
    encoding = bom_encoding(head)
    sample = head[:4096]
    if encoding and encoding != "utf-8":
        sample = sample.decode(encoding, errors="ignore").encode("utf-8")
    sample = sample.removeprefix(b"\xef\xbb\xbf")
    if _HTML_START.match(sample) or path.suffix.lower() in _HTML_SUFFIXES:
        return DocumentFormat.HTML
    return DocumentFormat.TEXT


@contextmanager
def captured_warnings(*loggers: str) -> Iterator[list[str]]:
    """Collect what the named libraries log at WARNING and above, instead of letting it reach stderr."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = _Collect(logging.WARNING)
    saved = []
    for name in loggers:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield messages
    finally:
        for logger, propagate in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate
