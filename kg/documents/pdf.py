"""PDF documents: the text layer read with pypdf, page by page.

The text of each page is kept as pypdf gives it, pages separated by a form feed, and where each page starts is
recorded so a quote can be cited with its page. A PDF that is cut short, encrypted with a password, or has no
text layer at all (a scan) is refused with what to do about it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import DocumentError, Problem
from .formats import Extraction, Progress, captured_warnings, no_progress
from .links import LinkRecord, find_link_records, promotion_reasons
from .text import sha256_text

__all__ = ["PAGE_BREAK", "extract_pdf"]

#: Put between the text of two pages.
PAGE_BREAK = "\f"
# Titles that PDF writers fill in by themselves and that say nothing about the document.
_NO_TITLE = re.compile(r"^(?:untitled|title|document\d*|microsoft (?:word|powerpoint) - .*|.*\.(?:docx?|pdf|indd|tex|"
                       r"rtf|odt|pages))$", re.IGNORECASE)


def extract_pdf(path: Path, out: BinaryIO, *, size: int, progress: Progress = no_progress) -> Extraction:
    """Write the text layer of a PDF to ``out`` and describe it.

    Raises:
        DocumentError: the PDF is cut short or damaged, needs a password, has no text layer, or its text layer
            is not text.
    """
    import pypdf
    from pypdf.errors import DependencyError

    data = path.read_bytes()
    cut_short = b"%%EOF" not in data[-4096:]
    notes: list[str] = []
    with captured_warnings("pypdf") as logged:
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                notes.append(_decrypt(reader, path))
            count = len(reader.pages)
        except DocumentError:
            raise
        except DependencyError as err:
            raise DocumentError([Problem(
                f"is encrypted with AES, which needs the Python package `cryptography` to read ({err}): install "
                "it, or remove the encryption first, e.g. `qpdf --decrypt IN.pdf OUT.pdf`", file=str(path))]) from err
        except Exception as err:  # pypdf raises many kinds of error on a damaged file
            raise _unreadable(path, err, cut_short) from err
        if cut_short:
            raise _unreadable(path, None, cut_short)
        pages: list[str] = []
        with progress(count, "page") as advance:
            for number, page in enumerate(reader.pages, start=1):
                try:
                    pages.append((page.extract_text() or "").rstrip())
                except Exception as err:  # as above, for one page's content stream
                    raise DocumentError([Problem(f"page {number}: its text cannot be read: {err}",
                                                 file=str(path))]) from err
                advance(1)
        title = _title(reader)
        annotations = _annotation_links(reader)
    if not any(page.strip() for page in pages):
        raise DocumentError([Problem(
            f"has no text layer on any of its {count} page(s) (a scan?): run OCR first, e.g. "
            "`ocrmypdf IN.pdf OUT.pdf`, and add the result", file=str(path))])
    starts, parts, position = [], [], 0
    for text in pages:
        starts.append(position)
        parts.append(text + "\n")
        position += len(text) + 1 + len(PAGE_BREAK)
    text = PAGE_BREAK.join(parts)
    _refuse_garbled(text, path)
    out.write(text.encode("utf-8"))
    blank = [str(number) for number, page in enumerate(pages, start=1) if not page.strip()]
    if blank:
        notes.append(f"page(s) {', '.join(blank)} of {count} have no text layer (scanned images?): claims cannot "
                     "be anchored there unless the PDF is run through OCR")
    notes.extend(f"pypdf: {message}" for message in dict.fromkeys(logged))
    links = find_link_records(text)
    written = {record.url for record in links}
    links.extend(record for record in annotations if record.url not in written)
    return Extraction(
        sha256=sha256_text(text), characters=len(text),
        extractor={"name": "pypdf", "version": pypdf.__version__, "settings": {"extraction_mode": "plain"}},
        links=tuple(links), title=title, pages=tuple(starts), warnings=tuple(note for note in notes if note),
    )


def _decrypt(reader: Any, path: Path) -> str:
    """Open an encrypted PDF with the empty password most such files have, or refuse it."""
    from pypdf import PasswordType

    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise DocumentError([Problem(
            "is encrypted and needs a password to open: remove the protection with the password, e.g. "
            "`qpdf --decrypt --password=PASSWORD IN.pdf OUT.pdf`, and add the decrypted file", file=str(path))])
    return "the PDF is encrypted (with an empty user password); its text was read without one"


def _unreadable(path: Path, err: Exception | None, cut_short: bool) -> DocumentError:
    what = f"cannot be read as a PDF ({type(err).__name__}: {err})" if err else "is not a complete PDF"
    fix = ("it does not end with %%EOF, so it looks cut short (an interrupted download or copy?): get the "
           "whole file again" if cut_short else "it is damaged: get the file again, or open it in a PDF viewer "
           "and save or print it to a new PDF")
    return DocumentError([Problem(f"{what}; {fix}", file=str(path))])


def _refuse_garbled(text: str, path: Path) -> None:
    """Refuse a text layer made of control characters, as fonts without a Unicode map give."""
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(sample) // 20):
        raise DocumentError([Problem(
            f"has a text layer that is not text ({controls} control characters; fonts without a Unicode map?): "
            "run OCR on it, e.g. `ocrmypdf --force-ocr IN.pdf OUT.pdf`, and add the result", file=str(path))])


def _title(reader: Any) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a damaged information dictionary only loses the title
        return None
    cleaned = " ".join(str(title or "").split())
    return cleaned if cleaned and not _NO_TITLE.match(cleaned) else None


def _annotation_links(reader: Any) -> list[LinkRecord]:
    """Return the web links of the pages' link annotations, with their page."""
    records = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            annotations = page.get("/Annots") or []
            for annotation in annotations:
                entry = annotation.get_object()
                action = entry.get("/A")
                uri = action.get_object().get("/URI") if action is not None else None
                if uri and str(uri).startswith(("http://", "https://")):
                    reasons = promotion_reasons(str(uri))
                    records.append(LinkRecord(url=str(uri), page=number, promotional=bool(reasons),
                                              reason="; ".join(reasons) or None))
        except Exception:  # a broken annotation only loses that link
            continue
    return records
