"""``kg add``: put documents in the data folder."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..documents.formats import DocumentFormat
from ..settings import Env
from ..vocab import DocumentKind
from . import data_option, err

__all__ = ["add"]

# Below these sizes reading is over before a bar would be worth drawing.
_BAR_FROM = {"B": 1024 * 1024, "page": 20}


@contextmanager
def _bar(total: int, unit: str) -> Iterator[Callable[[int], None]]:
    """Show a progress bar on stderr for long reads; tqdm hides it when stderr is not a terminal."""
    from tqdm import tqdm

    hidden = None if total >= _BAR_FROM.get(unit, 0) else True
    with tqdm(total=total, unit=unit, unit_scale=unit == "B", desc="reading", file=sys.stderr, disable=hidden,
              leave=False) as bar:
        yield bar.update


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--kind", required=True, type=click.Choice([k.value for k in DocumentKind]),
              help="The genre of the document. Always required: it weighs on how claims are read, and a page's "
                   "markup cannot tell an article from a clinic's advertisement.")
@click.option("--title", help="The document's title. Required for plain text; for HTML and PDF the default is "
                              "the page's <title> (or og:title) or the PDF's Title metadata.")
@click.option("--source", help="Where it came from: a URL or a description. For HTML the default is the page's "
                               "canonical address, when it gives one.")
@click.option("--date", help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD. For HTML the default is the date in "
                             "the page's metadata, when it gives one.")
@click.option("--retrieved", help="Date the text was captured: YYYY-MM-DD.")
@click.option("--licence", "--license", "licence", help="Licence or terms the text is used under.")
@click.option("--id", "doc_id", help="Document id (default: derived from the file name).")
@click.option("--format", "fmt", type=click.Choice([f.value for f in DocumentFormat]), default=None,
              help="Read the file as this format. [default: told from its content: %PDF- for PDF, a doctype or "
                   "<html> tag (or a .html/.htm name) for HTML, otherwise text]")
@click.option("--max-bytes", type=click.IntRange(min=1), envvar=Env.MAX_DOCUMENT_BYTES.value, default=None,
              help="Refuse files larger than this. [env KG_MAX_DOCUMENT_BYTES; default 10 MiB]")
@data_option
def add(path: Path, kind: str, title: str | None, source: str | None, date: str | None, retrieved: str | None,
        licence: str | None, doc_id: str | None, fmt: str | None, max_bytes: int | None, data_dir: Path) -> None:
    """Add a text, HTML or PDF document to the data folder and print its id.

    The text that claims will be anchored to is stored in data/documents/ID/text.txt, its SHA-256 in meta.yaml,
    and the file it came from beside them as original.html or original.pdf (a UTF-8 text file is its own
    original).

    \b
    - Text: UTF-8 is kept byte for byte; UTF-16 or UTF-32 with a byte-order mark is
      stored as UTF-8. Other encodings are refused with the iconv command that converts them.
    - HTML: the main text is taken out with trafilatura, after removing scripts, styles,
      comments, navigation and cookie banners; nothing is fetched. Links are recorded,
      promotional and affiliate ones flagged. A page that is nearly all boilerplate is
      still added, with a warning (also kept in meta.yaml) to check its text.txt.
    - PDF: the text layer, read with pypdf, pages separated by a form feed. A scan with
      no text layer, a password-protected or a truncated PDF is refused.

    Adding a file that is already there, or one that gives a text already there (same SHA-256), changes nothing.
    Commands that take a document accept its id or the path of the file that was added.

    \b
    Examples:
      kg add article.txt --title "What is Ketamine Treatment?" --kind web-article \\
         --licence "quoted for analysis"
      kg add saved-page.html --kind marketing-page --retrieved 2024-05-02
      kg add label.pdf --kind drug-label --source https://dailymed.nlm.nih.gov/...
    """
    from ..documents import DEFAULT_MAX_BYTES, add_document

    result = add_document(data_dir, path, title=title, kind=DocumentKind(kind), source=source, date=date,
                          retrieved=retrieved, licence=licence, doc_id=doc_id,
                          max_bytes=max_bytes or DEFAULT_MAX_BYTES, fmt=DocumentFormat(fmt) if fmt else None,
                          progress=_bar)
    err(result.message)
    for note in result.notes:
        err(f"  {note}")
    for warning in result.warnings:
        err(f"Warning: {warning}")
    click.echo(result.id)
