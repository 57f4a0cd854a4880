"""Plain-text documents: checked, hashed and copied in chunks, so a large file never sits in memory whole.

A UTF-8 file is kept byte for byte: its ``text.txt`` is the original. A UTF-16 or UTF-32 file that starts with a
byte-order mark is decoded and stored as UTF-8, and the original is kept beside it. Anything else that is not
UTF-8 is refused with the encoding it looks like and the command that converts it.
"""

from __future__ import annotations

import codecs
import hashlib
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .. import __version__
from ..errors import DocumentError, NotFoundError, Option, Problem
from .formats import Advance, Extraction, Progress, bom_encoding, no_progress
from .links import LinkRecord, find_link_records

__all__ = ["CHUNK", "DEFAULT_MAX_BYTES", "check_file", "not_utf8", "read_text_file", "refuse_binary",
           "sha256_text", "stream_text"]

#: Largest document accepted by default (10 MiB); ``kg add --max-bytes`` or ``KG_MAX_DOCUMENT_BYTES`` change it.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: How much of a file is read at a time.
CHUNK = 256 * 1024
_SNIFF = 65536
# Links are looked for line by line; a line longer than this is cut at a space, so memory stays bounded.
_LONGEST_LINE = 1024 * 1024
_OFFICE = ((b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .epub?)"),
           (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office file (.doc?)"))
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of the UTF-8 encoding of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_file(path: Path, *, max_bytes: int) -> int:
    """Return the size of a file that can be read as a document.

    Raises:
        NotFoundError: the path does not exist.
        DocumentError: the path is a folder, is larger than ``max_bytes``, or is empty.
    """
    if not path.exists():
        raise NotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise DocumentError([Problem("is a folder, not a document file: give the path of one file", file=str(path))])
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError([Problem(
            f"is {size:,} bytes, over the limit of {max_bytes:,}: raise it with {Option.MAX_BYTES} if the "
            "document really is this large", file=str(path))])
    if size == 0:
        raise _empty(path)
    return size


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a document's text, refusing what cannot be a text document.

    UTF-8 is read as it is; UTF-16 and UTF-32 with a byte-order mark are decoded.

    Raises:
        NotFoundError: the path does not exist.
        DocumentError: the path is a folder, is larger than ``max_bytes``, is empty, binary, or in an encoding
            that is neither UTF-8 nor announced by a byte-order mark.
    """
    size = check_file(path, max_bytes=max_bytes)
    with path.open("rb") as handle:
        return "".join(text for _raw, text in _decoded(handle, path, size, lambda done: None))


def stream_text(path: Path, out: BinaryIO, *, size: int, progress: Progress = no_progress) -> Extraction:
    """Check a text file and write its text as UTF-8 to ``out``, a chunk at a time.

    Args:
        path: the file.
        out: where the UTF-8 text goes.
        size: the file's size in bytes (see :func:`check_file`).
        progress: told how many bytes were read.

    Raises:
        DocumentError: as :func:`read_text_file`.
    """
    digest = hashlib.sha256()
    lines = _LineLinks()
    characters = 0
    with path.open("rb") as handle, progress(size, "B") as advance:
        head = handle.read(4)
        handle.seek(0)
        encoding = bom_encoding(head) or "utf-8"
        as_is = encoding == "utf-8"
        for raw, text in _decoded(handle, path, size, advance):
            data = raw if as_is else text.encode("utf-8")
            out.write(data)
            digest.update(data)
            lines.feed(text, characters)
            characters += len(text)
    lines.finish()
    extractor: dict[str, object] = {"name": "kg", "version": __version__}
    return Extraction(sha256=digest.hexdigest(), characters=characters, extractor=extractor, text_is_original=as_is,
                      encoding=encoding, links=tuple(lines.records))


@dataclass
class _LineLinks:
    """Find links in whole lines as the text streams by; a link never spans lines."""

    records: list[LinkRecord] = field(default_factory=list)
    carry: str = ""
    carry_start: int = 0

    def feed(self, text: str, start: int) -> None:
        if not self.carry:
            self.carry_start = start
        block = self.carry + text
        cut = block.rfind("\n") + 1
        if not cut and len(block) > _LONGEST_LINE:
            cut = block.rfind(" ") + 1 or len(block)
        if cut:
            self.records.extend(find_link_records(block[:cut], offset=self.carry_start))
            self.carry, self.carry_start = block[cut:], self.carry_start + cut
        else:
            self.carry = block

    def finish(self) -> None:
        if self.carry:
            self.records.extend(find_link_records(self.carry, offset=self.carry_start))
            self.carry = ""


def _decoded(handle: BinaryIO, path: Path, size: int, advance: Advance) -> Iterator[tuple[bytes, str]]:
    """Yield each chunk of the file with its text, having checked the file is a text document."""
    head = handle.read(CHUNK)
    encoding = bom_encoding(head)
    if encoding is None:
        refuse_binary(head, path, size)
    encoding = encoding or "utf-8"
    # Python's utf-16 and utf-32 codecs read the byte-order mark and drop it; utf-8 keeps it, byte for byte.
    codec = encoding.rsplit("-", 1)[0] if encoding.startswith("utf-16") or encoding.startswith("utf-32") else encoding
    decoder = codecs.getincrementaldecoder(codec)("strict")
    before = 0
    newlines = 0
    content = False
    sniffed = ""
    raw = head
    while True:
        final = not raw
        pending = decoder.getstate()[0]
        try:
            text = decoder.decode(raw, final=final)
        except UnicodeDecodeError as err:
            data = pending + raw
            offset = before - len(pending) + err.start
            line = newlines + data[: err.start].count(b"\n") + 1
            if final and err.reason == "unexpected end of data":
                raise DocumentError([Problem(
                    f"ends in the middle of a {encoding.upper()} character (offset {offset}), so it looks cut short "
                    "(an interrupted download or copy?): get the whole file again", file=str(path),
                    line=line)]) from err
            if codec != "utf-8":
                raise DocumentError([Problem(
                    f"is not valid {encoding.upper()} although it starts with its byte-order mark ({err.reason} "
                    f"at offset {offset}): the file is damaged; save it again", file=str(path))]) from err
            raise not_utf8(path, data, err.start, offset=offset, line=line) from err
        if len(sniffed) < _SNIFF:
            sniffed += text[: _SNIFF - len(sniffed)]
            if len(sniffed) >= _SNIFF or final:
                _refuse_controls(sniffed, path)
        content = content or (bool(text) and not text.isspace())
        if final:
            if text:
                yield b"", text
            break
        yield raw, text
        advance(len(raw))
        before += len(raw)
        newlines += raw.count(b"\n")
        raw = handle.read(CHUNK)
    if not content:
        raise _empty(path)


def _empty(path: Path) -> DocumentError:
    return DocumentError([Problem("is empty: there is no text to anchor claims to", file=str(path))])


def refuse_binary(head: bytes, path: Path, size: int) -> None:
    """Refuse a file whose first bytes show it is not text, saying what it looks like.

    Raises:
        DocumentError: the file is all zeros, an office file, UTF-16 without a byte-order mark, or has NUL bytes.
    """
    sample = head[:_SNIFF]
    if not head.strip(b"\x00"):
        what = (f"all of its {size:,} bytes are zero" if size <= len(head)
                else f"its first {len(head):,} bytes are all zero")
        raise DocumentError([Problem(f"is binary: {what} (a damaged or incomplete copy?), not a document",
                                     file=str(path))])
    for magic, what in _OFFICE:
        if head.startswith(magic):
            raise DocumentError([Problem(f"is {what}, not a text, HTML or PDF document: save it as PDF or plain "
                                         "text and add that", file=str(path))])
    if b"\x00" not in sample:
        return
    half = len(sample) // 2 or 1
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    utf16 = "utf-16le" if odd > 0.3 * half and even < 0.02 * half else (
        "utf-16be" if even > 0.3 * half and odd < 0.02 * half else None)
    if utf16:
        raise DocumentError([Problem(
            f"looks like {utf16.upper()} text without a byte-order mark: convert it to UTF-8, e.g. "
            f"{_iconv(path, utf16)}, and add the converted file", file=str(path))])
    raise DocumentError([Problem("is binary (it contains NUL bytes), not a text document", file=str(path))])


def _refuse_controls(text: str, path: Path) -> None:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise DocumentError([Problem(f"looks binary ({controls} control characters), not a text document",
                                     file=str(path))])


def not_utf8(path: Path, data: bytes, index: int, *, offset: int, line: int | None) -> DocumentError:
    """Return the error for a file that is not UTF-8, naming the encoding it looks like and how to convert it.

    Args:
        path: the file.
        data: bytes of the file around the first bad byte.
        index: where the first bad byte is in ``data``.
        offset: where it is in the file.
        line: its 1-based line in the file.
    """
    high = {byte for byte in set(data) if byte >= 0x80}
    if high and min(high) >= 0xA0:
        name, iconv = "Latin-1 (ISO-8859-1)", "latin1"
    elif high and not high & _CP1252_UNDEFINED:
        name, iconv = "Windows-1252", "windows-1252"
    else:
        name, iconv = "an 8-bit encoding other than UTF-8 (`file -i` may tell which)", "ENCODING"
    return DocumentError([Problem(
        f"is not UTF-8 (byte 0x{data[index]:02x} at offset {offset}); it looks like {name}: convert it, e.g. "
        f"{_iconv(path, iconv)}, and add the converted file", file=str(path), line=line)])


def _iconv(path: Path, encoding: str) -> str:
    converted = f"{path.stem}.utf8{path.suffix or '.txt'}"
    return f"`iconv -f {encoding} -t utf-8 {shlex.quote(path.name)} > {shlex.quote(converted)}`"
