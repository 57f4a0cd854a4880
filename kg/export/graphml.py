"""GraphML for Gephi, Cytoscape, yEd and networkx: the statement view as a directed property graph.

The graph is the one the Neo4j export holds (see :func:`kg.export.graph.property_graph`). Attributes are strings,
integers, doubles and booleans only: lists are joined with ``|`` and missing values are left out, so every tool
reads the file. Each edge has a unique id (``start|TYPE|end``) and its relationship type in ``type``. The file is
written as it is read: nodes first, edges kept in a temporary file until the nodes are out.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from typing import IO

import pyoxigraph as ox

from ..sparql.claims import StatementView
from . import Progress
from .graph import EDGE_FIELDS, NODE_FIELDS, FieldType, PGEdge, PGNode, Value, property_graph

__all__ = ["edge_id", "write_graphml"]

_TYPES: dict[FieldType, str] = {"string": "string", "string[]": "string", "int": "int", "double": "double",
                                "boolean": "boolean"}
#: Node attributes: what kind of node, its Neo4j-style labels, a display label, then every property.
_NODE_KEYS: dict[str, str] = {"kind": "string", "labels": "string", "label": "string"}
for _fields in NODE_FIELDS.values():
    for _name, _kind in _fields.items():
        _NODE_KEYS.setdefault(_name, _TYPES[_kind])
_EDGE_KEYS: dict[str, str] = {"type": "string", **{name: _TYPES[kind] for name, kind in EDGE_FIELDS.items()}}

# Characters XML 1.0 cannot hold at all; and those a parser would normalise away unless written as references.
_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
_SPECIAL = re.compile("[&<>\"\r\n\t]")


def _xml(text: str) -> str:
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], _INVALID.sub("\ufffd", text))


def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "|".join(value)
    return str(value)


def _data(prefix: str, attributes: dict[str, Value]) -> str:
    return "".join(f'<data key="{prefix}{_xml(name)}">{_xml(_value(value))}</data>'
                   for name, value in attributes.items())


def edge_id(edge: PGEdge) -> str:
    """Return the GraphML id (and networkx key) of an edge, unique in the file."""
    return f"{edge.start}|{edge.type}|{edge.end}"


def write_graphml(store: ox.Store, output: IO[bytes], *, progress: Progress) -> tuple[int, int]:
    """Write the statement view as GraphML.

    Returns:
        The numbers of nodes and edges written.
    """
    head = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
    head += [f'  <key id="n{name}" for="node" attr.name="{name}" attr.type="{kind}"/>'
             for name, kind in _NODE_KEYS.items()]
    head += [f'  <key id="e{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>'
             for name, kind in _EDGE_KEYS.items()]
    head.append('  <graph id="cekg" edgedefault="directed">\n')
    output.write("\n".join(head).encode())
    nodes = edges = 0
    with tempfile.TemporaryFile() as spool:
        for item in property_graph(StatementView(store), progress=progress):
            if isinstance(item, PGNode):
                attributes: dict[str, Value] = {"kind": item.kind, "labels": item.labels,
                                                "label": item.properties.get("name", item.id), **item.properties}
                output.write(f'    <node id="{_xml(item.id)}">{_data("n", attributes)}</node>\n'.encode())
                nodes += 1
            else:
                spool.write(f'    <edge id="{_xml(edge_id(item))}" source="{_xml(item.start)}" '
                            f'target="{_xml(item.end)}">{_data("e", {"type": item.type, **item.properties})}'
                            "</edge>\n".encode())
                edges += 1
        spool.seek(0)
        shutil.copyfileobj(spool, output)
    output.write(b"  </graph>\n</graphml>\n")
    return nodes, edges
