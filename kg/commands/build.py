"""``kg build``: the store from the data folder."""

from __future__ import annotations

import time
from pathlib import Path

import click

from . import cli_hint, data_option, err, progress, store_option
from .signals import terminated_as_interrupt

__all__ = ["build"]


@click.command()
@data_option
@store_option
@click.option("--include-proposed", is_flag=True, help="Also build claims still marked 'status: proposed'.")
@click.option("--full", is_flag=True, help="Rebuild the whole store, even if only some documents changed.")
def build(data_dir: Path, store_dir: Path, include_proposed: bool, full: bool) -> None:
    """Build the store from the data folder: both views of every claim.

    Only what changed since the last build is rebuilt: the documents whose text, metadata or claims changed,
    were added or were removed. A change to the entities, the ontology or --include-proposed, to a claim that
    another document links to, or to a large share of the claims, rebuilds everything; the first line printed
    says which kind of build ran and why. Either way the store is the same as a full build makes, and a
    failed, interrupted or killed build leaves the previous store as it was (what a killed build left beside it
    is removed by the next build). One build at a time writes a store: another one started meanwhile stops at
    once, saying so.

    \b
    Examples:
      kg build                      # data/ -> .kg/store, only what changed
      kg build --full               # everything, from scratch
      kg build --data DIR --store STORE
    """
    from ..incremental import BuildKind
    from ..incremental import build as run

    started = time.perf_counter()
    with terminated_as_interrupt():
        result = run(data_dir, store_dir, include_proposed=include_proposed, full=full,
                     progress=progress("building"))
    err(result.what(cli_hint))
    done = "unchanged" if result.kind is BuildKind.UP_TO_DATE else "built"
    err(f"{done} {store_dir}: {result.documents} documents, {result.entities} entities, {result.claims} claims, "
        f"{result.quads:,} quads in {time.perf_counter() - started:.2f} s")
