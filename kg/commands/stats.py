"""``kg stats``: what the store holds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import store_option

__all__ = ["stats"]


@click.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(store_dir: Path, as_json: bool) -> None:
    """Count documents, claims by category, modality, polarity and citation status, and quads."""
    from ..stats import store_stats
    from ..store import open_store

    with open_store(store_dir) as store:
        result = store_stats(store)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    click.echo(f"documents         {result.documents}")
    click.echo(f"claims            {result.claims}")
    click.echo(f"nanopublications  {result.nanopublications}")
    click.echo(f"named graphs      {result.named_graphs}")
    click.echo(f"quads             {result.quads:,}")
    for facet, counts in result.by_facet.items():
        click.echo(f"{facet}:")
        for value, count in counts.items():
            click.echo(f"  {value:<22}{count}")
