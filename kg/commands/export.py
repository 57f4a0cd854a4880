"""``kg export``: the graph as files for other tools."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..files import atomic_output
from . import err, store_option

__all__ = ["export"]


@click.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads"]), required=True,
              help="trig or nquads: the whole dataset, both views.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write ('-' for standard output).")
def export(store_dir: Path, fmt: str, out: Path) -> None:
    """Export the whole dataset (default graph and every nanopublication graph).

    Output is sorted, so the same store always gives the same bytes. The file is written under a temporary
    name and renamed only when complete.
    """
    from ..store import ExportFormat, open_store, sorted_quads, write_quads

    export_format = ExportFormat(fmt)
    with open_store(store_dir) as store:
        quads = sorted_quads(store)
    if str(out) == "-":
        write_quads(quads, sys.stdout.buffer, export_format)
        return
    with atomic_output(out) as handle:
        write_quads(quads, handle, export_format)
    err(f"wrote {len(quads):,} quads to {out}")
