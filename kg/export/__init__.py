"""Export the graph to files for other tools: RDF in every standard syntax, Biolink KGX, Neo4j, GraphML, VoID.

>>> ExportFormat("kgx-tsv").writes_folder
True
>>> ExportFormat("turtle").default_view
<View.STATEMENTS: 'statements'>

Every export reads the store in a stable order, streams what it writes, and writes through a temporary file (or
folder) that replaces the output only once complete: a failed export leaves any previous output as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Protocol, TypeVar

import pyoxigraph as ox

from ..errors import KGError, Option, UsageError

__all__ = ["ExportFormat", "ExportResult", "Progress", "View", "export"]

T = TypeVar("T")


class View(StrEnum):
    """Which part of the dataset an RDF export holds."""

    #: The default graph: ontology, documents, entities, claim statement nodes, anchors and direct edges.
    STATEMENTS = "statements"
    #: The nanopublication named graphs (head, assertion, provenance and publication info of each claim).
    NANOPUB = "nanopub"


class ExportFormat(StrEnum):
    """The formats ``kg export`` writes."""

    TRIG = "trig"
    NQUADS = "nquads"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    RDFXML = "rdfxml"
    JSONLD = "jsonld"
    KGX_TSV = "kgx-tsv"
    KGX_JSONL = "kgx-jsonl"
    NEO4J_CSV = "neo4j-csv"
    GRAPHML = "graphml"
    VOID = "void"

    @property
    def rdf_format(self) -> ox.RdfFormat | None:
        """Return the Oxigraph format of an RDF export, ``None`` for the others."""
        return _RDF_FORMATS.get(self)

    @property
    def keeps_graphs(self) -> bool:
        """Whether the format holds named graphs (TriG, N-Quads) and so can carry the whole dataset."""
        return self in (ExportFormat.TRIG, ExportFormat.NQUADS)

    @property
    def default_view(self) -> View | None:
        """Return the view exported when none is asked for; ``None`` means the whole dataset."""
        return None if self.keeps_graphs or self is ExportFormat.VOID else View.STATEMENTS

    @property
    def writes_folder(self) -> bool:
        """Whether the export is a folder of files rather than one file."""
        return self in (ExportFormat.KGX_TSV, ExportFormat.KGX_JSONL, ExportFormat.NEO4J_CSV)

    @property
    def media_type(self) -> str:
        """Return the media type of the file (of each file, for a folder)."""
        return _MEDIA_TYPES[self]

    @property
    def file_name(self) -> str:
        """Return the usual name of the output, as used in VoID distributions."""
        return _FILE_NAMES[self]

    @property
    def description(self) -> str:
        """Return what the format holds, in a few words."""
        return _DESCRIPTIONS[self]


_RDF_FORMATS = {
    ExportFormat.TRIG: ox.RdfFormat.TRIG,
    ExportFormat.NQUADS: ox.RdfFormat.N_QUADS,
    ExportFormat.TURTLE: ox.RdfFormat.TURTLE,
    ExportFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    ExportFormat.RDFXML: ox.RdfFormat.RDF_XML,
    ExportFormat.JSONLD: ox.RdfFormat.JSON_LD,
}
_MEDIA_TYPES = {
    ExportFormat.TRIG: "application/trig",
    ExportFormat.NQUADS: "application/n-quads",
    ExportFormat.TURTLE: "text/turtle",
    ExportFormat.NTRIPLES: "application/n-triples",
    ExportFormat.RDFXML: "application/rdf+xml",
    ExportFormat.JSONLD: "application/ld+json",
    ExportFormat.KGX_TSV: "text/tab-separated-values",
    ExportFormat.KGX_JSONL: "application/jsonl",
    ExportFormat.NEO4J_CSV: "text/csv",
    ExportFormat.GRAPHML: "application/graphml+xml",
    ExportFormat.VOID: "text/turtle",
}
_FILE_NAMES = {
    ExportFormat.TRIG: "graph.trig",
    ExportFormat.NQUADS: "graph.nq",
    ExportFormat.TURTLE: "statements.ttl",
    ExportFormat.NTRIPLES: "statements.nt",
    ExportFormat.RDFXML: "statements.rdf",
    ExportFormat.JSONLD: "statements.jsonld",
    ExportFormat.KGX_TSV: "kgx-tsv",
    ExportFormat.KGX_JSONL: "kgx-jsonl",
    ExportFormat.NEO4J_CSV: "neo4j-csv",
    ExportFormat.GRAPHML: "claims.graphml",
    ExportFormat.VOID: "void.ttl",
}
_DESCRIPTIONS = {
    ExportFormat.TRIG: "the whole dataset as TriG",
    ExportFormat.NQUADS: "the whole dataset as N-Quads",
    ExportFormat.TURTLE: "the statement view as Turtle",
    ExportFormat.NTRIPLES: "the statement view as N-Triples",
    ExportFormat.RDFXML: "the statement view as RDF/XML",
    ExportFormat.JSONLD: "the statement view as JSON-LD, compacted with the cekg context",
    ExportFormat.KGX_TSV: "Biolink KGX nodes and edges as TSV",
    ExportFormat.KGX_JSONL: "Biolink KGX nodes and edges as JSON Lines",
    ExportFormat.NEO4J_CSV: "CSV files for neo4j-admin database import",
    ExportFormat.GRAPHML: "the statement view as a property graph in GraphML",
    ExportFormat.VOID: "a VoID and DCAT description of the dataset",
}


class Progress(Protocol):
    """Wraps the stream of items an export writes, e.g. in a progress bar; must yield every item unchanged."""

    def __call__(self, items: Iterable[T], *, total: int, unit: str) -> Iterable[T]: ...


def no_progress(items: Iterable[T], *, total: int, unit: str) -> Iterable[T]:
    """Return the items as they are."""
    return items


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes:
        format: the format written.
        files: the names of the files written (one for a single-file format).
        quads: the number of quads (or triples) written, for RDF exports.
        nodes: the number of nodes written, for property-graph exports.
        edges: the number of edges (relationships) written, for property-graph exports.
        left_out: claims that have no place in the format (KGX: claims whose object is a quantity).
    """

    format: ExportFormat
    files: tuple[str, ...]
    quads: int | None = None
    nodes: int | None = None
    edges: int | None = None
    left_out: int = 0


def check_request(fmt: ExportFormat, view: View | None, *, void_options: bool = False) -> View | None:
    """Return the view to export for a format, or raise :class:`UsageError` for a combination that cannot work.

    Raises:
        UsageError: ``--view nanopub`` with a format that has no named graphs; a view with VoID; VoID options
            with another format.
    """
    if fmt is ExportFormat.VOID:
        if view is not None:
            raise UsageError(f"{Option.VIEW} does not apply to {Option.FORMAT:void}: the description covers the "
                             f"whole dataset and each view as a subset; leave {Option.VIEW} out")
        return None
    if void_options:
        raise UsageError(f"{Option.LICENCE}, {Option.BASE_URL} and {Option.SPARQL_ENDPOINT} apply to "
                         f"{Option.FORMAT:void} only, not to {fmt}")
    if view is View.NANOPUB and not fmt.keeps_graphs:
        what = "it has no named graphs" if fmt.rdf_format is not None else "it holds the statement view only"
        raise UsageError(f"{Option.VIEW:nanopub} cannot be written as {fmt}: {what}, so the nanopublications' "
                         f"graph names would be lost; use {Option.FORMAT:trig} or {Option.FORMAT:nquads}")
    return view if view is not None else fmt.default_view


def check_target(out: Path, *, folder: bool, names: Iterable[str] = ()) -> Path:
    """Return the output path resolved, or raise :class:`UsageError` saying why it cannot be written.

    A folder output may replace an existing folder only when that folder holds nothing but files this export
    writes (a previous export): never a folder of other files.

    Raises:
        UsageError: the parent is missing, is a file or is not writable; the output is a folder where a file is
            expected, or the other way round; an existing folder holds other files.
    """
    out = out.expanduser().resolve()
    parent = out.parent
    if parent.exists() and not parent.is_dir():
        raise UsageError(f"cannot write {out}: {parent} is a file, not a folder; choose another {Option.OUT}")
    if not parent.is_dir():
        raise UsageError(f"cannot write {out}: the folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write {out}: the folder {parent} is not writable; choose another {Option.OUT}")
    if folder:
        if out.exists() and not out.is_dir():
            raise UsageError(f"cannot write {out}: a file of that name exists and this format writes a folder; "
                             "give a folder name")
        if out.is_dir():
            expected = set(names)
            others = sorted(p.name for p in out.iterdir() if p.name not in expected)
            if others:
                raise UsageError(f"cannot write {out}: the folder exists and holds other files ({', '.join(others[:3])}"
                                 f"{', ...' if len(others) > 3 else ''}); give a new or empty folder")
    elif out.is_dir():
        raise UsageError(f"cannot write {out}: it is a folder; give a file name")
    return out


def export(store: ox.Store, fmt: ExportFormat, out: Path | IO[bytes], *, view: View | None = None,
           progress: Progress | None = None, licence: str | None = None, base_url: str | None = None,
           sparql_endpoint: str | None = None) -> ExportResult:
    """Export the store in a format to a file, a folder, or an open binary stream.

    Args:
        store: the store to read.
        fmt: the format.
        out: the file or folder to write (written whole or not at all), or a binary stream for single-file
            formats.
        view: the part of the dataset for RDF formats; by default the whole dataset for TriG and N-Quads and
            the statement view for the other formats.
        progress: wraps the stream of written items, e.g. in a progress bar.
        licence: VoID only: the dataset's licence IRI (default: the licence the ontology declares).
        base_url: VoID only: where the export files are published; gives each distribution a download URL.
        sparql_endpoint: VoID only: a public SPARQL endpoint serving the dataset.

    Returns:
        What was written.

    Raises:
        UsageError: the format and options do not go together, or the output cannot be written; nothing was
            written and any previous output is unchanged.
    """
    from ..files import atomic_folder, atomic_output

    void_options = any(option is not None for option in (licence, base_url, sparql_endpoint))
    chosen = check_request(fmt, view, void_options=void_options)
    wrap = progress or no_progress
    if fmt.writes_folder:
        if not isinstance(out, Path):
            raise UsageError(f"{Option.FORMAT:{fmt}} writes a folder of files, not a stream: give a folder with "
                             f"{Option.OUT}")
        target = check_target(out, folder=True, names=_folder_names(fmt))
        try:
            with atomic_folder(target) as staging:
                return _write_folder(store, fmt, staging, wrap)
        except OSError as err:
            _raise_write_error(target, err)
            raise
    if not isinstance(out, Path):
        return _write_file(store, fmt, chosen, out, wrap, licence, base_url, sparql_endpoint, name="-")
    target = check_target(out, folder=False)
    try:
        with atomic_output(target) as handle:
            return _write_file(store, fmt, chosen, handle, wrap, licence, base_url, sparql_endpoint,
                               name=target.name)
    except OSError as err:
        _raise_write_error(target, err)
        raise


def _raise_write_error(target: Path, err: OSError) -> None:
    """Raise a clear :class:`UsageError` when the file system refused a write; return for any other error."""
    if not isinstance(err, KGError) and err.errno is not None:
        raise UsageError(f"cannot write {target}: the file system refused it ({err.strerror or err}); nothing "
                         f"was written, choose another {Option.OUT}") from err


def _folder_names(fmt: ExportFormat) -> tuple[str, ...]:
    if fmt is ExportFormat.NEO4J_CSV:
        from .neo4j import FILE_NAMES

        return FILE_NAMES
    from .kgx import file_names

    return file_names(jsonl=fmt is ExportFormat.KGX_JSONL)


def _write_folder(store: ox.Store, fmt: ExportFormat, folder: Path, wrap: Progress) -> ExportResult:
    if fmt is ExportFormat.NEO4J_CSV:
        from .neo4j import write_neo4j

        return write_neo4j(store, folder, progress=wrap)
    from .kgx import write_kgx

    return write_kgx(store, folder, jsonl=fmt is ExportFormat.KGX_JSONL, progress=wrap)


def _write_file(store: ox.Store, fmt: ExportFormat, view: View | None, output: IO[bytes], wrap: Progress,
                licence: str | None, base_url: str | None, sparql_endpoint: str | None, *, name: str
                ) -> ExportResult:
    if fmt is ExportFormat.VOID:
        from .void import write_void

        write_void(store, output, licence=licence, base_url=base_url, sparql_endpoint=sparql_endpoint)
        return ExportResult(fmt, (name,))
    if fmt is ExportFormat.GRAPHML:
        from .graphml import write_graphml

        nodes, edges = write_graphml(store, output, progress=wrap)
        return ExportResult(fmt, (name,), nodes=nodes, edges=edges)
    from .rdf import write_rdf

    quads = write_rdf(store, fmt, view, output, progress=wrap)
    return ExportResult(fmt, (name,), quads=quads)
