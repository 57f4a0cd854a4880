"""``kg dev``: maintainer tasks that keep the committed files in step with the code."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from . import err

__all__ = ["dev"]


@click.group()
def dev() -> None:
    """Maintainer tasks: the generated references, the canonical RDF.

    They keep the committed files in step with the code; the Makefile runs them as `make reference` and
    `make canonical`.
    """


@dev.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing: list the files that are not canonical and exit 1.")
def canonical(files: tuple[Path, ...], check: bool) -> None:
    """Rewrite Turtle files in canonical form.

    Canonical Turtle is sorted, with blank nodes in canonical order and the prefixes as declared, so that the diffs
    of the committed ontology and shapes stay readable.

    \b
    Example:
      kg dev canonical ontology/cekg.ttl ontology/shapes.ttl
    """
    from ..canonical import canonicalize

    stale = canonicalize(files, check=check)
    if stale and check:
        err(f"not canonical: {', '.join(str(path) for path in stale)}; run `make canonical`")
        raise click.exceptions.Exit(1)


@dev.command()
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def reference(ctx: click.Context, root: Path | None) -> None:
    """Regenerate the command and vocabulary references, and the corpus figures of docs/audit.md.

    Writes ROOT/docs/reference/commands.md (every command's --help) and ROOT/docs/reference/vocabulary.md (every
    term of the ontology), and rewrites the generated blocks of ROOT/docs/audit.md from the corpus in ROOT/data;
    ROOT is the repository, by default the current folder. Prints each file it changed.
    """
    from ..audit.doc import blocks, refresh
    from ..build import corpus_nquads
    from ..corpus import load_corpus
    from ..reference import write_references
    from ..store import memory_store

    root = root or Path.cwd()
    group = cast(click.Group, ctx.find_root().command)  # dev always runs under the kg group
    for path in write_references(root, group):
        click.echo(f"wrote {path}")
    page = root / "docs" / "audit.md"
    if not page.is_file() or not (root / "data").is_dir():  # a root without the guide or the corpus
        return
    text = page.read_text(encoding="utf-8")
    fresh = refresh(text, blocks(memory_store(corpus_nquads(load_corpus(root / "data")))))
    if fresh != text:
        page.write_text(fresh, encoding="utf-8")
        click.echo(f"wrote {page}")
