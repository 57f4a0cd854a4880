"""Documents in the data folder: adding a text, HTML or PDF file, and loading what was added.

A document lives in ``DATA/documents/ID/``: ``text.txt`` holds the exact text claims are anchored to and
``meta.yaml`` its metadata, including the SHA-256 of the text at the time it was added; the file it was taken
from is kept beside them when it is not the text itself.
"""

from __future__ import annotations

from .folder import (
    AddResult,
    add_document,
    document_dir,
    document_files,
    document_ids,
    documents_dir,
    load_document,
    load_documents,
    resolve_document,
)
from .formats import DocumentFormat, Extraction, Progress, detect_format
from .links import LinkRecord, find_links, promotion_reasons
from .text import DEFAULT_MAX_BYTES, read_text_file, sha256_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AddResult",
    "DocumentFormat",
    "Extraction",
    "LinkRecord",
    "Progress",
    "add_document",
    "detect_format",
    "document_dir",
    "document_files",
    "document_ids",
    "documents_dir",
    "find_links",
    "load_document",
    "load_documents",
    "promotion_reasons",
    "read_text_file",
    "resolve_document",
    "sha256_text",
]
