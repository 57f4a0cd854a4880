"""``kg viz``: the claims as an interactive graph, one self-contained HTML page."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from . import err, store_option

__all__ = ["viz"]


def _layout_progress(steps: Iterable[int]) -> Iterable[int]:
    from tqdm import tqdm

    bar: Iterable[int] = tqdm(steps, desc="layout", unit="step", disable=None, file=sys.stderr, leave=False)
    return bar


@click.command()
@click.option("--view", "view_name", required=True, metavar="VIEW",
              help="entities (claims as edges), claims (claim nodes), document (one document's claims, with --doc) "
                   "or query (the graph of a CONSTRUCT query, with --query).")
@click.option("--doc", metavar="ID", help="Document id: the document of the document view; restricts other views.")
@click.option("--query", metavar="NAME|FILE", help="Library query name (see `kg queries`) or .rq file; query view.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (IRI, "
              "CURIE or literal). Repeatable.")
@click.option("--category", "categories", multiple=True, metavar="CATEGORY",
              help="Keep only claims of this category (e.g. efficacy). Repeatable.")
@click.option("--modality", "modalities", multiple=True, metavar="MODALITY",
              help="Keep only claims of this modality: asserted, hedged, speculative. Repeatable.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="HTML file to write (replaced only once the new page is complete).")
@click.option("--title", help="Page title (default: names the view).")
@click.option("--layout", type=click.Choice(["auto", "physics", "precomputed"]), default="auto", show_default=True,
              help="auto: the browser's physics up to --threshold nodes, positions computed ahead above it.")
@click.option("--threshold", type=click.IntRange(min=1), default=None,
              help="Node count above which auto lays the graph out ahead with physics off. [default: 1500]")
@click.option("--max-triples", type=click.IntRange(min=1), default=None,
              help="Refuse a query result larger than this many triples. [default: 50000]")
@click.option("--edge-labels", is_flag=True, help="Write every edge's label along it from the start.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser once written.")
@store_option
def viz(view_name: str, doc: str | None, query: str | None, params: tuple[str, ...], categories: tuple[str, ...],
        modalities: tuple[str, ...], out: Path, title: str | None, layout: str, threshold: int | None,
        max_triples: int | None, edge_labels: bool, open_page: bool, store_dir: Path) -> None:
    """Draw the claims as an interactive graph in one self-contained HTML file.

    The page needs no network: vis-network and the styles are inside it. Colour is the claim's category, the line
    style its modality (solid asserted, dashes hedged, dots speculative), a red band with NOT and a bar end marks
    a negated claim, width counts the documents making the same claim, and the node shape is the entity's type.
    Click a claim for its quote in its sentence; filter by category, modality and document; search nodes.

    \b
    Examples:
      kg viz --view entities --out entities.html --open
      kg viz --view claims --category efficacy --category adverse-effect --out claims.html
      kg viz --view document --doc ketamine-migraine-article --out article.html
      kg viz --view query --query entity-graph --out query.html
      kg viz --view query --query my-construct.rq -p drug=CHEBI:6121 --out mine.html
    """
    from ..files import atomic_output, check_output_path
    from ..store import open_store
    from ..viz import DEFAULT_MAX_TRIPLES, DEFAULT_THRESHOLD, View, build_view, default_title, render_html

    chosen = View.parse(view_name)
    out = check_output_path(out)  # before any work, so a bad --out fails at once
    values: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"parameter {item!r} is not NAME=VALUE")
        values[name.strip()] = value
    if values and chosen is not View.QUERY:
        raise UsageError("-p/--param applies to the query view only")
    options: dict[str, Any] = {"view": chosen, "doc": doc, "query": query, "params": values,
                               "categories": categories or None, "modalities": modalities or None,
                               "max_triples": max_triples or DEFAULT_MAX_TRIPLES}
    with open_store(store_dir) as store:
        graph = build_view(store, **options)
    page = render_html(graph, title=title or default_title(chosen, doc=doc, query=query), layout=layout,
                       threshold=threshold or DEFAULT_THRESHOLD, edge_labels=edge_labels, progress=_layout_progress)
    with atomic_output(out) as handle:
        handle.write(page.encode("utf-8"))
    err(f"wrote {out}: {len(graph.nodes):,} nodes, {len(graph.edges):,} edges, {len(graph.claims):,} claims "
        f"({len(page) / 1e6:.1f} MB)")
    if open_page:
        import webbrowser

        webbrowser.open(out.as_uri())
