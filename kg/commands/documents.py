"""``kg add``: put documents in the data folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..vocab import DocumentKind
from . import data_option, err

__all__ = ["add"]


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="The document's title.")
@click.option("--kind", required=True, type=click.Choice([k.value for k in DocumentKind]),
              help="The genre of the document.")
@click.option("--source", help="Where it came from: a URL or a description.")
@click.option("--date", help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--retrieved", help="Date the text was captured: YYYY-MM-DD.")
@click.option("--licence", "--license", "licence", help="Licence or terms the text is used under.")
@click.option("--id", "doc_id", help="Document id (default: derived from the file name).")
@click.option("--max-bytes", type=click.IntRange(min=1), envvar="KG_MAX_DOCUMENT_BYTES", default=None,
              help="Refuse files larger than this. [env KG_MAX_DOCUMENT_BYTES; default 10 MiB]")
@data_option
def add(path: Path, title: str, kind: str, source: str | None, date: str | None, retrieved: str | None,
        licence: str | None, doc_id: str | None, max_bytes: int | None, data_dir: Path) -> None:
    """Add a UTF-8 text document to the data folder, keeping its text byte for byte.

    Prints the new document's id. Adding a text that is already there (same SHA-256) changes nothing.

    \b
    Example:
      kg add article.txt --title "What is Ketamine Treatment?" --kind web-article \\
         --licence "quoted for analysis"
    """
    from ..documents import DEFAULT_MAX_BYTES, add_document

    result = add_document(data_dir, path, title=title, kind=DocumentKind(kind), source=source, date=date,
                          retrieved=retrieved, licence=licence, doc_id=doc_id,
                          max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    err(result.message)
    click.echo(result.id)
