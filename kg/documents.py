"""Documents in the data folder: adding a file, and loading what was added.

A document lives in ``DATA/documents/ID/``: ``text.txt`` holds the exact text claims are anchored to and
``meta.yaml`` its metadata, including the SHA-256 of the text at the time it was added.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import _yaml
from .errors import DataError, DocumentError, NotFoundError, Problem, StoreError, UsageError
from .model import Document, Link, Location
from .vocab import DocumentKind

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AddResult",
    "add_document",
    "find_links",
    "load_documents",
    "read_text_file",
    "resolve_document",
    "sha256_text",
]

#: Largest document accepted by default (10 MiB); ``kg add --max-bytes`` or ``KG_MAX_DOCUMENT_BYTES`` change it.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]|]+")
_URL_TRAILING = ".,;:!?"
#: Words that, in the sentence around a link, mark it as promotional rather than a reference.
_PROMOTIONAL_CUES = (
    "check out", "suggested external site", "visit", "sponsored", "affiliate", "partner", "book now",
    "book a", "buy", "discount", "offer", "sign up", "learn more", "schedule", "contact us",
)


@dataclass(frozen=True)
class AddResult:
    """What :func:`add_document` did."""

    id: str
    sha256: str
    created: bool
    message: str


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of the UTF-8 encoding of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a document's text, refusing what cannot be a text document.

    Raises:
        NotFoundError: the path does not exist.
        DocumentError: the path is a folder, is larger than ``max_bytes``, is empty, binary, or not UTF-8.
    """
    if not path.exists():
        raise NotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise DocumentError([Problem("is a folder, not a document file: give the path of one file", file=str(path))])
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError([Problem(
            f"is {size:,} bytes, over the limit of {max_bytes:,}: raise it with --max-bytes "
            "(or KG_MAX_DOCUMENT_BYTES) if the document really is this large", file=str(path))])
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise DocumentError([Problem("is binary (it contains NUL bytes), not a text document", file=str(path))])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DocumentError([Problem(
            f"is not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}): convert it, e.g. "
            f"`iconv -f latin1 -t utf-8`", file=str(path), line=line)]) from err
    if not text.strip():
        raise DocumentError([Problem("is empty: there is no text to anchor claims to", file=str(path))])
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:65536]) // 100):
        raise DocumentError([Problem(f"looks binary ({controls} control characters), not a text document",
                                     file=str(path))])
    return text


def find_links(text: str) -> tuple[Link, ...]:
    """Find the outbound links in a text and flag the ones its own sentence promotes.

    >>> [(link.url, link.promotional) for link in find_links("Check out https://example.com/shop! Thanks.")]
    [('https://example.com/shop', True)]
    """
    links = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        start, end = match.start(), match.start() + len(url)
        # What a link is for is said just before it, in the same paragraph ("check out this suggested site").
        paragraph_start = text.rfind("\n", 0, start) + 1
        paragraph_end = text.find("\n", end)
        context = text[max(paragraph_start, start - 300): paragraph_end if paragraph_end >= 0 else len(text)]
        context = context.lower()
        cue = next((c for c in _PROMOTIONAL_CUES if c in context), None)
        links.append(Link(url=url, start=start, end=end, promotional=cue is not None,
                          reason=f'the text around it says "{cue}"' if cue else None))
    return tuple(links)


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-.")
    return slug[:80] or "document"


def _documents_dir(data_dir: Path) -> Path:
    return data_dir / "documents"


def add_document(
    data_dir: Path,
    path: Path,
    *,
    title: str,
    kind: DocumentKind,
    source: str | None = None,
    date: str | None = None,
    retrieved: str | None = None,
    licence: str | None = None,
    doc_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AddResult:
    """Add a text file to the data folder, keeping its text byte for byte.

    Adding a text that is already there (same SHA-256) changes nothing and says so.

    Raises:
        NotFoundError: ``path`` does not exist.
        DocumentError: the file is not an acceptable text document.
        UsageError: the id is malformed or taken by a different document.
    """
    text = read_text_file(path, max_bytes=max_bytes)
    digest = sha256_text(text)
    documents = _documents_dir(data_dir)
    for meta_path in sorted(documents.glob("*/meta.yaml")):
        meta = _yaml.load(meta_path)
        if isinstance(meta, dict) and meta.get("sha256") == digest:
            existing = meta_path.parent.name
            return AddResult(existing, digest, False,
                             f"{path} is already in the data folder as document {existing!r} "
                             "(same SHA-256); nothing changed")
    new_id = doc_id or _slug(path.stem)
    if not _ID.match(new_id):
        raise UsageError(f"document id {new_id!r} is not allowed: use lower-case letters, digits, '.', '_' "
                         "and '-', starting with a letter or digit")
    target = documents / new_id
    if target.exists():
        raise UsageError(f"a different document already has the id {new_id!r} ({target}): "
                         "choose another with --id")
    record: dict[str, object] = {"id": new_id, "title": title, "kind": kind.value, "sha256": digest,
                               "media_type": "text/plain"}
    for key, value in (("source", source), ("date", date), ("retrieved", retrieved), ("licence", licence)):
        if value:
            record[key] = value
    record["original"] = path.name
    links = find_links(text)
    if links:
        record["links"] = [
            {"url": link.url, "start": link.start, "end": link.end, "promotional": link.promotional}
            | ({"reason": link.reason} if link.reason else {})
            for link in links
        ]
    documents.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".adding-{new_id}-", dir=documents))
    try:
        (staging / "text.txt").write_bytes(text.encode("utf-8"))
        (staging / "meta.yaml").write_text(_yaml.dump(record), encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; a document folder is as readable as its data folder
        os.replace(staging, target)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"cannot save document {new_id!r} into {documents}: {err.strerror or err}; nothing was "
                         "added") from err
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return AddResult(new_id, digest, True, f"added document {new_id!r} ({len(text):,} characters, "
                                           f"sha256 {digest[:12]}...)")


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)


def load_documents(data_dir: Path) -> dict[str, Document]:
    """Load every document of the data folder, sorted by id.

    Raises:
        DataError: with every problem found in the documents' metadata.
    """
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    for folder in sorted(p for p in _documents_dir(data_dir).glob("*") if p.is_dir()):
        if folder.name.startswith("."):
            continue
        meta_path = folder / "meta.yaml"
        name = _relative(meta_path, data_dir)
        try:
            meta = _yaml.load(meta_path, label=name)
        except FileNotFoundError:
            problems.append(Problem("missing: re-add the document with `kg add`", file=name))
            continue
        except DataError as err:
            problems.extend(err.problems)
            continue
        try:
            documents[folder.name] = _document(folder, meta, name)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    return documents


def _document(folder: Path, meta: _yaml.LocatedDict, name: str) -> Document:
    if not isinstance(meta, _yaml.LocatedDict):
        raise DataError([Problem("must be a mapping of metadata fields", file=name)])
    problems = [Problem(f"required field {key!r} is missing", file=name, line=meta.line)
                for key in ("title", "kind", "sha256") if not meta.get(key)]
    if meta.get("id", folder.name) != folder.name:
        problems.append(Problem(f"id {meta['id']!r} differs from the folder name {folder.name!r}: make them equal",
                                file=name, line=meta.line_of("id")))
    kind = meta.get("kind")
    if kind and kind not in {k.value for k in DocumentKind}:
        problems.append(Problem(f"unknown kind {kind!r}; allowed: {DocumentKind.allowed()}", file=name,
                                line=meta.line_of("kind")))
    text_path = folder / "text.txt"
    if not text_path.exists():
        problems.append(Problem("text.txt is missing beside it: re-add the document with `kg add`", file=name))
    if problems:
        raise DataError(problems)
    text = text_path.read_bytes().decode("utf-8", errors="replace")
    links = []
    for entry in meta.get("links") or []:
        try:
            links.append(Link(url=str(entry["url"]), start=int(entry["start"]), end=int(entry["end"]),
                              promotional=bool(entry.get("promotional", False)), reason=entry.get("reason")))
        except (KeyError, TypeError, ValueError):
            line = entry.line if isinstance(entry, _yaml.LocatedDict) else meta.line_of("links")
            raise DataError([Problem("a link needs url, start and end", file=name, line=line)]) from None
    return Document(
        id=folder.name, title=str(meta["title"]), kind=DocumentKind(str(kind)), sha256=str(meta["sha256"]),
        text=text, text_sha256=sha256_text(text), media_type=str(meta.get("media_type", "text/plain")),
        source=meta.get("source"), date=_text(meta.get("date")), retrieved=_text(meta.get("retrieved")),
        licence=meta.get("licence"), original=meta.get("original"), links=tuple(links),
        location=Location(name, meta.line),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def resolve_document(data_dir: Path, ref: str) -> str:
    """Return the id of a document given its id or the path of the file that was added.

    Raises:
        NotFoundError: no document has that id or that file's text.
    """
    if (_documents_dir(data_dir) / ref / "meta.yaml").exists():
        return ref
    path = Path(ref)
    if path.is_file():
        digest = sha256_text(read_text_file(path))
        for meta_path in sorted(_documents_dir(data_dir).glob("*/meta.yaml")):
            meta = _yaml.load(meta_path)
            if isinstance(meta, dict) and meta.get("sha256") == digest:
                return meta_path.parent.name
    raise NotFoundError(f"no document {ref!r} in {data_dir}: give an id listed by `kg stats` or the path of "
                        "a file added with `kg add`")
