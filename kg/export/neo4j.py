"""CSV files for ``neo4j-admin database import``: the statement view as a property graph, with typed headers.

One file per kind of node (``entities.csv``, ``documents.csv``, ``claims.csv``, ``resources.csv`` for IRIs that
edges point to but the graph does not describe) and one ``relationships.csv``, with headers in the admin-import
format (``id:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``, ``start:int``, ``cues:string[]``), and an
``import.sh`` that runs the import. Arrays are joined with ``;``, the import's array delimiter; a ``;`` inside an
item becomes ``,``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..sparql.claims import StatementView
from . import ExportFormat, ExportResult, Progress
from .graph import EDGE_FIELDS, NODE_FIELDS, FieldType, NodeKind, PGNode, Value, property_graph

__all__ = ["FILE_NAMES", "IMPORT_SCRIPT", "header", "write_neo4j"]

_NODE_FILES: dict[NodeKind, str] = {"entity": "entities.csv", "document": "documents.csv", "claim": "claims.csv",
                                    "resource": "resources.csv"}
_RELATIONSHIPS = "relationships.csv"
_SCRIPT = "import.sh"
FILE_NAMES = (*_NODE_FILES.values(), _RELATIONSHIPS, _SCRIPT)

IMPORT_SCRIPT = f"""#!/bin/sh
# Load these files into a Neo4j 5 database with neo4j-admin; the import replaces the database's content, so
# stop the database first. Usage: sh import.sh [DATABASE] (default: neo4j). Set NEO4J_HOME when neo4j-admin is
# not on the PATH.
set -e
cd "$(dirname "$0")"
"${{NEO4J_HOME:+$NEO4J_HOME/bin/}}neo4j-admin" database import full --overwrite-destination \\
    --multiline-fields=true --array-delimiter=';' \\
    {" ".join(f"--nodes={name}" for name in _NODE_FILES.values())} \\
    --relationships={_RELATIONSHIPS} "${{1:-neo4j}}"
"""


def header(fields: dict[str, FieldType]) -> list[str]:
    """Return the admin-import header names of typed properties (a string property keeps its plain name)."""
    return [name if kind == "string" else f"{name}:{kind}" for name, kind in fields.items()]


def _cell(value: Value | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ";".join(item.replace(";", ",") for item in value)
    return str(value)


class _Table:
    def __init__(self, handle: IO[str], head: Sequence[str]) -> None:
        self.rows = csv.writer(handle, lineterminator="\n")
        self.rows.writerow(head)
        self.count = 0

    def write(self, row: Sequence[str]) -> None:
        self.rows.writerow(row)
        self.count += 1


def write_neo4j(store: ox.Store, folder: Path, *, progress: Progress) -> ExportResult:
    """Write the node, relationship and import files into a folder.

    Args:
        store: the store.
        folder: an existing, empty folder.
        progress: wraps the stream of claims.
    """
    handles = {kind: (folder / name).open("w", encoding="utf-8", newline="") for kind, name in _NODE_FILES.items()}
    try:
        with (folder / _RELATIONSHIPS).open("w", encoding="utf-8", newline="") as relationships_file:
            tables = {kind: _Table(handle, ["id:ID", *header(NODE_FIELDS[kind]), ":LABEL"])
                      for kind, handle in handles.items()}
            relationships = _Table(relationships_file, [":START_ID", ":END_ID", ":TYPE", *header(EDGE_FIELDS)])
            for item in property_graph(StatementView(store), progress=progress):
                if isinstance(item, PGNode):
                    fields = NODE_FIELDS[item.kind]
                    tables[item.kind].write([item.id, *(_cell(item.properties.get(f)) for f in fields),
                                             ";".join(item.labels)])
                else:
                    relationships.write([item.start, item.end, item.type,
                                         *(_cell(item.properties.get(f)) for f in EDGE_FIELDS)])
    finally:
        for handle in handles.values():
            handle.close()
    script = folder / _SCRIPT
    script.write_text(IMPORT_SCRIPT, encoding="utf-8")
    script.chmod(0o755)
    return ExportResult(ExportFormat.NEO4J_CSV, FILE_NAMES, nodes=sum(t.count for t in tables.values()),
                        edges=relationships.count)
