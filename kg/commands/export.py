"""``kg export``: the graph as files for other tools."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TypeVar

import click

from ..errors import UsageError
from ..export import ExportFormat, ExportResult, View
from ..export.kgx import KGXResult
from ..settings import Env
from . import err, store_option
from .signals import terminated_as_interrupt

__all__ = ["export"]

T = TypeVar("T")

# Below these sizes an export is over before a bar would be worth drawing.
_BAR_FROM = {"quad": 200_000, "claim": 20_000}


def _bar(items: Iterable[T], *, total: int, unit: str) -> Iterable[T]:
    """Show a progress bar on stderr for long exports; tqdm hides it when stderr is not a terminal."""
    from tqdm import tqdm

    hidden = None if total >= _BAR_FROM.get(unit, 0) else True
    bar: Iterable[T] = tqdm(items, total=total, unit=unit, unit_scale=True, desc="exporting", file=sys.stderr,
                            disable=hidden, leave=False)
    return bar


def _summary(result: ExportResult, out: Path) -> str:
    if result.quads is not None:
        what = f"{result.quads:,} {'quads' if result.format.keeps_graphs else 'triples'}"
    elif result.nodes is not None:
        what = f"{result.nodes:,} nodes and {result.edges or 0:,} edges"
    else:
        what = "the dataset description"
    files = f" ({', '.join(result.files)})" if result.format.writes_folder else ""
    note = ""
    if result.left_out:
        note = f"; {result.left_out} claims whose object is a quantity have no edge in KGX (see docs/exporting.md)"
    if isinstance(result, KGXResult) and result.negated_left_out:
        note += f"; {result.negated_left_out} negated claims left out (--affirmed-only)"
    return f"wrote {what} to {out}{files}{note}"


#: The environment variable that holds the passphrase of an encrypted signing key (never an option: it would show
#: in the shell's history and the list of processes).
PASSPHRASE = Env.SIGN_PASSPHRASE.value
_NANOPUB_FORMATS = (ExportFormat.TRIG, ExportFormat.NQUADS)


def _nanopub_request(fmt: ExportFormat, view: str | None, out: Path | None, *, flag: str, split: Path | None,
                     void_options: bool) -> None:
    """Refuse --trusty, --sign and --split where they do not fit, before anything is read or written."""
    if fmt not in _NANOPUB_FORMATS:
        raise UsageError(f"{flag} applies to --format trig or nquads with --view nanopub, not to --format {fmt}: "
                         "only they keep the nanopublications' graphs")
    if view != View.NANOPUB:
        raise UsageError(f"{flag} applies to the nanopublications only: add --view nanopub")
    if void_options:
        raise UsageError(f"--licence, --base-url and --sparql-endpoint apply to --format void only, not to {flag}")
    if split is not None and out is not None:
        raise UsageError("--split DIR writes one file per nanopublication instead of --out: give one of them")
    if split is None and out is None:
        raise UsageError("give the file to write with --out, or a folder for one file per nanopublication with "
                         "--split")


def _export_nanopubs(store_dir: Path, fmt: ExportFormat, view: str | None, out: Path | None, *, trusty: bool,
                     sign: Path | None, split: Path | None, void_options: bool) -> None:
    from ..export.nanopub import export_nanopubs
    from ..export.sign import load_key
    from ..store import open_store

    flag = "--trusty" if trusty else "--sign" if sign is not None else "--split"
    _nanopub_request(fmt, view, out, flag=flag, split=split, void_options=void_options)
    passphrase = os.environ.get(PASSPHRASE)
    key = None if sign is None else load_key(sign, passphrase.encode() if passphrase else None,
                                             how=f"set {PASSPHRASE} to its passphrase")
    target: Path | IO[bytes] = split if split is not None else sys.stdout.buffer if str(out) == "-" else Path(str(out))
    with terminated_as_interrupt(), open_store(store_dir) as store:
        result = export_nanopubs(store, fmt, target, split=split is not None, trusty=trusty, key=key,
                                 progress=_bar)
    if target is sys.stdout.buffer:
        sys.stdout.flush()
        return
    kind = ", trusty and signed" if result.signed else ", trusty" if result.trusty else ""
    where = f"{split} (one file each)" if split is not None else str(out)
    err(f"wrote {result.nanopubs:,} nanopublications{kind} ({result.quads or 0:,} quads) to {where}")


@click.command()
@store_option
@click.option("--format", "fmt", type=click.Choice([f.value for f in ExportFormat]), required=True,
              help="What to write: trig, nquads (whole dataset); turtle, ntriples, rdfxml, jsonld (statement view); "
                   "kgx-tsv, kgx-jsonl (Biolink KGX folder); neo4j-csv (neo4j-admin import folder); graphml; "
                   "void (VoID/DCAT description).")
@click.option("--view", type=click.Choice([v.value for v in View]),
              help="RDF formats: 'statements' (the default graph) or 'nanopub' (the nanopublication graphs, trig "
                   "and nquads only). Default: the whole dataset for trig/nquads, the statement view otherwise.")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="File to write, or folder for kgx-tsv, kgx-jsonl and neo4j-csv ('-': standard output, for "
                   "single-file formats). Required, except with --split.")
@click.option("--licence", "--license", "licence", metavar="IRI",
              help="void: the dataset's licence. [default: the licence the ontology declares]")
@click.option("--base-url", metavar="URL", help="void: where the export files are published, for download URLs.")
@click.option("--sparql-endpoint", metavar="URL", help="void: a public SPARQL endpoint serving the dataset.")
@click.option("--affirmed-only", is_flag=True,
              help="kgx-tsv, kgx-jsonl: leave out the edges of negated claims, for tools that read every edge as "
                   "an assertion and ignore the 'negated' column.")
@click.option("--trusty", is_flag=True,
              help="--view nanopub: give each nanopublication a trusty URI (artifact code of module RA) and the "
                   "publication info publishing servers ask for (creation time, creator, licence).")
@click.option("--sign", "sign", type=click.Path(path_type=Path, dir_okay=False), metavar="KEY.pem",
              help="--view nanopub: sign each nanopublication with this RSA private key (PEM; implies --trusty). "
                   f"An encrypted key's passphrase is read from {PASSPHRASE}.")
@click.option("--split", "split", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="--view nanopub: write one file per nanopublication into DIR (KEY.trig or KEY.nq), as nanopub "
                   "tools read them, instead of --out.")
def export(store_dir: Path, fmt: str, view: str | None, out: Path | None, licence: str | None,
           base_url: str | None, sparql_endpoint: str | None, affirmed_only: bool, trusty: bool,
           sign: Path | None, split: Path | None) -> None:
    """Export the graph: RDF in every standard syntax, Biolink KGX, Neo4j CSV, GraphML or VoID.

    The output is written under a temporary name and put in place only when complete, so a failed, interrupted
    or terminated export leaves any previous file or folder as it was (what a killed export left is removed by
    the next export to the same place). RDF output is sorted: the same store gives the same bytes.

    \b
    Examples:
      kg export --format trig --out graph.trig                # the whole dataset, both views
      kg export --format nquads --view nanopub --out np.nq    # the nanopublications only
      kg export --format jsonld --out statements.jsonld       # the statement view, cekg context
      kg export --format kgx-tsv --out kgx/                   # kgx/nodes.tsv, kgx/edges.tsv, kgx/graph.json
      kg export --format kgx-jsonl --affirmed-only --out kgx/ # without the edges of negated claims
      kg export --format neo4j-csv --out neo4j/ && sh neo4j/import.sh
      kg export --format graphml --out claims.graphml         # Gephi, Cytoscape, networkx
      kg export --format void --base-url https://example.org/cekg/ --out void.ttl
      kg export --format trig --view nanopub --trusty --sign key.pem --split np/   # ready to publish
    """
    from ..export import export as run
    from ..store import open_store

    export_format = ExportFormat(fmt)
    kgx = export_format in (ExportFormat.KGX_TSV, ExportFormat.KGX_JSONL)
    if affirmed_only and not kgx:
        raise UsageError(f"--affirmed-only applies to --format kgx-tsv and kgx-jsonl only, not to {fmt}: the other "
                         "formats keep each claim's polarity on the claim itself")
    if trusty or sign is not None or split is not None:
        _export_nanopubs(store_dir, export_format, view, out, trusty=trusty, sign=sign, split=split,
                         void_options=any(o is not None for o in (licence, base_url, sparql_endpoint)))
        return
    if out is None:
        raise UsageError("give the file or folder to write with --out")
    target = sys.stdout.buffer if str(out) == "-" else out
    with terminated_as_interrupt(), open_store(store_dir) as store:
        if affirmed_only and isinstance(target, Path):
            from ..export.kgx import export_kgx

            result: ExportResult = export_kgx(store, target, jsonl=export_format is ExportFormat.KGX_JSONL,
                                              affirmed_only=True, progress=_bar)
        else:
            result = run(store, export_format, target, view=View(view) if view else None, progress=_bar,
                         licence=licence, base_url=base_url, sparql_endpoint=sparql_endpoint)
    if target is sys.stdout.buffer:
        sys.stdout.flush()
    else:
        err(_summary(result, out))
