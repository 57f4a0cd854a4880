"""The documents of a data folder: adding a file, loading what was added, finding a document again.

A document lives in ``DATA/documents/ID/``: ``text.txt`` holds the exact text claims are anchored to,
``meta.yaml`` its metadata (with the SHA-256 of the text), and ``original.html`` or ``original.pdf`` the file it
was taken from. A UTF-8 text file is its own original, so no second copy is kept.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from .. import _yaml
from ..errors import DataError, DocumentError, NotFoundError, Option, Problem, StoreError, UsageError
from ..model import Document, Link, Location
from ..vocab import DocumentKind
from .formats import DocumentFormat, Extraction, Progress, detect_format, no_progress
from .links import clean_links
from .text import CHUNK, DEFAULT_MAX_BYTES, check_file, sha256_text, stream_text

__all__ = ["META_FILE", "TEXT_FILE", "AddResult", "add_document", "document_dir", "document_files", "document_ids",
           "documents_dir", "load_document", "load_documents", "resolve_document"]

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
META_FILE = "meta.yaml"
TEXT_FILE = "text.txt"


@dataclass(frozen=True)
class AddResult:
    """What :func:`add_document` did.

    Attributes:
        id: the document's id, new or already there.
        sha256: the SHA-256 of its text (of the file, when nothing was added).
        created: whether a document was added.
        message: one line saying what happened.
        warnings: what the curator should check before anchoring claims to the text.
        notes: metadata taken from the file itself (title, address, date).
    """

    id: str
    sha256: str
    created: bool
    message: str
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-.")
    return slug[:80] or "document"


def documents_dir(data_dir: Path) -> Path:
    """Return the folder that holds a data folder's documents, one folder each."""
    return data_dir / "documents"


def document_dir(data_dir: Path, doc_id: str) -> Path:
    """Return the folder of one document of a data folder."""
    return documents_dir(data_dir) / doc_id


def document_files(data_dir: Path, doc_id: str) -> tuple[Path, Path]:
    """Return the files a document is loaded from: its metadata (``meta.yaml``) and its text (``text.txt``)."""
    folder = document_dir(data_dir, doc_id)
    return folder / META_FILE, folder / TEXT_FILE


def document_ids(data_dir: Path) -> list[str]:
    """Return the ids of a data folder's documents (the names of their folders, hidden ones aside), sorted."""
    documents = documents_dir(data_dir)
    if not documents.is_dir():
        return []
    with os.scandir(documents) as entries:
        return sorted(e.name for e in entries if not e.name.startswith(".") and e.is_dir())


def _hash_file(path: Path) -> tuple[str, bytes]:
    """Return the hex SHA-256 of a file, read a chunk at a time, and its first bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        chunk = handle.read(CHUNK)
        head = chunk[:4096]
        while chunk:
            digest.update(chunk)
            chunk = handle.read(CHUNK)
    return digest.hexdigest(), head


def _find(documents: Path, digest: str) -> str | None:
    """Return the id of the document whose text or original file has this SHA-256."""
    for meta_path in sorted(documents.glob(f"*/{META_FILE}")):
        if meta_path.parent.name.startswith("."):
            continue
        meta = _yaml.load(meta_path)
        if isinstance(meta, dict) and digest in (meta.get("sha256"), meta.get("original_sha256")):
            return meta_path.parent.name
    return None


def add_document(
    data_dir: Path,
    path: Path,
    *,
    kind: DocumentKind,
    title: str | None = None,
    source: str | None = None,
    date: str | None = None,
    retrieved: str | None = None,
    licence: str | None = None,
    doc_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fmt: DocumentFormat | None = None,
    progress: Progress = no_progress,
) -> AddResult:
    """Add a text, HTML or PDF file to the data folder: its text, its metadata and the original beside them.

    Adding a file that is already there, or one whose text is already there (same SHA-256), changes nothing and
    says so. Nothing is left behind when adding fails.

    Args:
        data_dir: the data folder.
        path: the file.
        kind: the genre of the document.
        title: its title; HTML and PDF files may give their own.
        source: where it came from; an HTML page may give its own address.
        date: its publication date; an HTML page may give its own.
        retrieved: when it was captured.
        licence: the terms it is used under.
        doc_id: its id (default: from the file name).
        max_bytes: the largest file accepted.
        fmt: the file's format (default: told from its content).
        progress: told how far reading has got.

    Raises:
        NotFoundError: ``path`` does not exist.
        DocumentError: the file cannot be read as a document of its format.
        UsageError: no title was given and the file has none, or the id is malformed or taken.
        StoreError: the document could not be written.
    """
    size = check_file(path, max_bytes=max_bytes)
    if not os.access(path, os.R_OK):
        raise DocumentError([Problem("cannot be read (permission denied): check its permissions",
                                     file=str(path))])
    original_sha256, head = _hash_file(path)
    documents = documents_dir(data_dir)
    existing = _find(documents, original_sha256)
    if existing:
        return AddResult(existing, original_sha256, False,
                         f"{path} is already in the data folder as document {existing!r} (same SHA-256); "
                         "nothing changed")
    fmt = fmt or detect_format(path, head)
    if fmt is DocumentFormat.TEXT and not title:
        raise UsageError(f"{path} is plain text, which carries no title of its own: give one with {Option.TITLE}")
    target = _new_folder(documents, doc_id or _slug(path.stem))
    given = _Given(kind=kind, title=title, source=source, date=date, retrieved=retrieved, licence=licence)
    return _add(path, target, fmt, given, size=size, original_sha256=original_sha256, progress=progress)


def _new_folder(documents: Path, new_id: str) -> Path:
    """Return the folder of a new document, once its id is known to be well formed and free."""
    if not _ID.match(new_id):
        raise UsageError(f"document id {new_id!r} is not allowed: use lower-case letters, digits, '.', '_' "
                         "and '-', starting with a letter or digit")
    target = documents / new_id
    if target.exists():
        raise UsageError(f"a different document already has the id {new_id!r} ({target}): "
                         f"choose another with {Option.ID}")
    return target


@dataclass(frozen=True)
class _Given:
    """The metadata given for a document being added (HTML and PDF files may give some of their own)."""

    kind: DocumentKind
    title: str | None
    source: str | None
    date: str | None
    retrieved: str | None
    licence: str | None


def _add(path: Path, target: Path, fmt: DocumentFormat, given: _Given, *, size: int, original_sha256: str,
         progress: Progress) -> AddResult:
    """Write the document into a staging folder beside ``target``, then move it into place; or leave nothing."""
    documents, new_id = target.parent, target.name
    documents.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".adding-{new_id}-", dir=documents))
    try:
        with (staging / TEXT_FILE).open("wb") as out:
            extraction = _extract(fmt, path, out, size=size, source=given.source, progress=progress)
        links, changed = clean_links(extraction.links)
        if changed:
            extraction = replace(extraction, links=links, warnings=extraction.warnings + changed)
        same_text = _find(documents, extraction.sha256)
        if same_text:
            shutil.rmtree(staging, ignore_errors=True)
            return AddResult(same_text, extraction.sha256, False,
                             f"{path} gives the same text as document {same_text!r} (same SHA-256 of the text); "
                             "nothing changed")
        taken = {"title": None if given.title else extraction.title,
                 "source": None if given.source else extraction.source,
                 "date": None if given.date else extraction.date}
        final_title = given.title or extraction.title
        if not final_title:
            where = "no <title>" if fmt is DocumentFormat.HTML else "no Title in its metadata"
            raise UsageError(f"{path} has {where}: give the document's title with {Option.TITLE}")
        record = _record(new_id, path, fmt, extraction, size=size, original_sha256=original_sha256,
                         kind=given.kind, title=final_title, source=given.source or extraction.source,
                         date=given.date or extraction.date, retrieved=given.retrieved, licence=given.licence,
                         taken=[key for key, value in taken.items() if value])
        if not extraction.text_is_original:
            shutil.copyfile(path, staging / f"original{fmt.suffix}")
        (staging / META_FILE).write_text(_yaml.dump(record), encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; a document folder is as readable as its data folder
        os.replace(staging, target)
    except (DataError, UsageError):
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"cannot save document {new_id!r} into {documents}: {err.strerror or err}; nothing was "
                         "added") from err
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    notes = tuple(f"{key} taken from the file: {record[key]}" for key, value in taken.items() if value)
    return AddResult(new_id, extraction.sha256, True,
                     f"added document {new_id!r} ({extraction.characters:,} characters, "
                     f"sha256 {extraction.sha256[:12]}...{_how(fmt, extraction)})", warnings=extraction.warnings,
                     notes=notes)


def _how(fmt: DocumentFormat, extraction: Extraction) -> str:
    """Say how the text was obtained, when it is not the file itself."""
    if fmt is not DocumentFormat.TEXT:
        return (f"; text taken from the {fmt.value.upper()} by {extraction.extractor['name']} "
                f"{extraction.extractor['version']}")
    return "" if extraction.text_is_original else f"; decoded from {str(extraction.encoding).upper()}"


def _extract(fmt: DocumentFormat, path: Path, out: BinaryIO, *, size: int, source: str | None,
             progress: Progress) -> Extraction:
    if fmt is DocumentFormat.HTML:
        from .html import extract_html

        return extract_html(path, out, size=size, source=source, progress=progress)
    if fmt is DocumentFormat.PDF:
        from .pdf import extract_pdf

        return extract_pdf(path, out, size=size, progress=progress)
    return stream_text(path, out, size=size, progress=progress)


def _record(new_id: str, path: Path, fmt: DocumentFormat, extraction: Extraction, *, size: int,
            original_sha256: str, kind: DocumentKind, title: str, source: str | None, date: str | None,
            retrieved: str | None, licence: str | None, taken: list[str]) -> dict[str, object]:
    """Return the metadata written to ``meta.yaml``, in the order a curator reads it."""
    record: dict[str, object] = {"id": new_id, "title": title, "kind": kind.value, "sha256": extraction.sha256,
                                 "media_type": fmt.media_type}
    for key, value in (("source", source), ("date", date), ("retrieved", retrieved), ("licence", licence)):
        if value:
            record[key] = value
    record["original"] = path.name
    if not extraction.text_is_original:
        record["original_file"] = f"original{fmt.suffix}"
    record["original_sha256"] = original_sha256
    record["original_bytes"] = size
    if extraction.encoding:
        record["encoding"] = extraction.encoding
    record["extractor"] = extraction.extractor
    if taken:
        record["taken_from_file"] = taken
    if extraction.pages:
        record["pages"] = list(extraction.pages)
    if extraction.warnings:
        record["warnings"] = list(extraction.warnings)
    in_text = [link.as_record() for link in extraction.links if link.start is not None]
    elsewhere = [link.as_record() for link in extraction.links if link.start is None]
    if in_text:
        record["links"] = in_text
    if elsewhere:
        record["other_links"] = elsewhere
    return record


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
    for doc_id in document_ids(data_dir):
        try:
            documents[doc_id] = load_document(data_dir, doc_id)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    return documents


def load_document(data_dir: Path, doc_id: str) -> Document:
    """Load one document of the data folder, as :func:`load_documents` loads each.

    Raises:
        DataError: its meta.yaml is missing or wrong, or its text.txt is missing.
    """
    folder = document_dir(data_dir, doc_id)
    meta_path = folder / META_FILE
    name = _relative(meta_path, data_dir)
    try:
        meta = _yaml.load(meta_path, label=name)
    except FileNotFoundError:
        raise DataError([Problem("missing: re-add the document with `kg add`", file=name)]) from None
    return _document(folder, meta, name)


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
    text_path = folder / TEXT_FILE
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

    A file is recognised by its SHA-256, whatever its name or folder now: the SHA-256 of the original file
    (HTML, PDF, UTF-16 text) or of the text itself.

    Raises:
        NotFoundError: no document has that id, or was added from that file.
    """
    documents = documents_dir(data_dir)
    if _ID.match(ref) and document_files(data_dir, ref)[0].exists():
        return ref
    path = Path(ref)
    if path.is_file():
        found = _find(documents, _hash_file(path)[0])
        if found:
            return found
        raise NotFoundError(f"{ref}: no document of {data_dir} was added from this file (no SHA-256 matches): "
                            f"add it with `kg add {ref}`, or give a document id")
    raise NotFoundError(f"no document {ref!r} in {data_dir}: give an id listed by `kg stats` or the path of "
                        "a file added with `kg add`")
