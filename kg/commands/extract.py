"""``kg extract`` and ``kg extract-score``: proposed claims for curators, and how good they are."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import UsageError
from . import data_option, err

__all__ = ["extract", "extract_score"]

#: Documents longer than this many characters show a progress bar while they are read.
_PROGRESS_FROM = 200_000


@click.command()
@click.argument("document")
@click.option("--format", "fmt", type=click.Choice(["yaml", "jsonl"]), default="yaml", show_default=True,
              help="yaml: a claims file, ready to review; jsonl: one JSON object per proposed claim.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default, or '-': standard output). Written whole or not at all.")
@click.option("--merge", "merge_into", is_flag=True,
              help="Add the proposals that overlap no claim already there to data/claims/DOCUMENT.yaml, and the "
                   "entities they name that entities.yaml lacks to entities.yaml (status: proposed).")
@click.option("--vocabulary-only", is_flag=True,
              help="Read with entities.yaml alone: no public ontology, no entity proposed from its form.")
@data_option
def extract(document: str, fmt: str, out: Path | None, merge_into: bool, vocabulary_only: bool,
            data_dir: Path) -> None:
    """Propose claims from DOCUMENT (an id, or the path of a file added with `kg add`).

    Each proposal is a claim with status 'proposed' and the extractor's name and version, anchored to the exact
    words it was read from. A curator accepts (status: accepted), edits or rejects (status: rejected) each one
    in the document's claims file; `kg build` takes only accepted claims unless given --include-proposed.
    The same document and vocabulary always give the same output, byte for byte.

    \b
    Examples:
      kg extract ketamine-migraine-article --out proposed.yaml
      kg extract ketamine-migraine-article --format jsonl | jq .category
      kg extract clinic-page --merge
    """
    from ..documents import load_documents, resolve_document
    from ..entities import load_entities
    from ..extract import EXTRACTOR, OutputFormat, claims_yaml, json_lines, merge, open_lexicon
    from ..extract import extract as run
    from ..files import atomic_output

    output_format = OutputFormat(fmt)
    if merge_into and out is not None:
        raise UsageError("give --merge or --out, not both: --merge writes into the document's claims file")
    if merge_into and output_format is not OutputFormat.YAML:
        raise UsageError("--merge writes YAML into the claims file: leave out --format jsonl")
    if not data_dir.is_dir():
        raise UsageError(f"no data folder at {data_dir}: pass --data DIR (or set KG_DATA)")
    doc_id = resolve_document(data_dir, document)
    target = load_documents(data_dir)[doc_id]
    lexicon, warning = open_lexicon(load_entities(data_dir).values(), ontologies=not vocabulary_only)
    if warning:
        err(warning)
    extraction = run(target, lexicon, progress=_progress(len(target.text)))
    err(extraction.message)
    if merge_into:
        err(merge(data_dir, extraction, EXTRACTOR).message)
        return
    writer = claims_yaml if output_format is OutputFormat.YAML else json_lines
    text = writer(extraction, EXTRACTOR)
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with atomic_output(out) as handle:
        handle.write(text.encode("utf-8"))
    err(f"wrote {len(extraction.proposals)} proposed claims to {out}")


def _progress(total: int) -> Callable[[int], None] | None:
    """Return a callback that moves a progress bar over the document's characters (none for short texts)."""
    if total < _PROGRESS_FROM:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="reading", unit="char", unit_scale=True, disable=None, file=sys.stderr)
    state = {"done": 0}

    def advance(offset: int) -> None:
        bar.update(offset - state["done"])
        state["done"] = offset
        if offset >= total:
            bar.close()

    return advance


@click.command("extract-score")
@click.argument("documents", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table",
              show_default=True, help="How to print the scores.")
@click.option("--development", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Score a development set (a folder of NAME.txt and NAME.yaml) instead of the curated claims.")
@click.option("--write-doc", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Also write the Markdown table into this file's scores block (docs/extraction.md).")
@click.option("--vocabulary-only", is_flag=True, help="Read with entities.yaml alone, as `kg extract` does.")
@data_option
def extract_score(documents: tuple[str, ...], fmt: str, development: Path | None, write_doc: Path | None,
                  vocabulary_only: bool, data_dir: Path) -> None:
    """Score `kg extract` against the curated claims: recall and precision per document, category and measure.

    A curated claim is found when a proposal of the same category overlaps its quote; a proposal is correct
    when it overlaps a curated claim of the same category. The measures ask less (overlap alone) or more (the
    same polarity, modality, subject, object, content). With no DOCUMENTS, every document with claims.

    \b
    Examples:
      kg extract-score --format markdown
      kg extract-score --write-doc docs/extraction.md
      kg extract-score --development tests/fixtures/unseen --write-doc docs/extraction.md
    """
    from ..extract import ScoreFormat, render, score_corpus, score_development, write_scores

    if development is not None and documents:
        raise UsageError("give DOCUMENTS or --development, not both")
    scores = (score_development(development, data_dir, ontologies=not vocabulary_only) if development is not None
              else score_corpus(data_dir, documents or None, ontologies=not vocabulary_only))
    sys.stdout.write(render(scores, ScoreFormat(fmt)))
    if write_doc is not None:
        write_scores(write_doc, scores)
        err(f"wrote the scores into {write_doc}")
