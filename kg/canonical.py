"""Canonical Turtle for the RDF files committed to the repository, so their diffs stay readable.

``kg dev canonical FILE...`` rewrites each file in canonical form (``make canonical`` runs it on the ontology and
the shapes); with ``--check`` it only reports the files that are not canonical.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import rdflib

__all__ = ["HEADER", "canonical_turtle", "canonicalize"]

#: The first line of every canonical file, telling an editor how to restore the order after a change.
HEADER = "# Canonical form: edit freely, then run `make canonical` to re-sort.\n"


def canonical_turtle(path: Path) -> str:
    """Return the canonical Turtle of a file: sorted, blank nodes in canonical order, prefixes as declared."""
    graph = rdflib.Graph(bind_namespaces="none")
    graph.parse(path, format="turtle")
    body = graph.serialize(format="longturtle")
    return HEADER + body.lstrip("\n")


def canonicalize(paths: Iterable[Path], *, check: bool = False) -> list[Path]:
    """Rewrite each Turtle file in canonical form (only compare, with *check*); return those that were not.

    Raises:
        OSError: a file cannot be read or written.
    """
    stale = []
    for path in paths:
        wanted = canonical_turtle(path)
        if path.read_text(encoding="utf-8") != wanted:
            stale.append(path)
            if not check:
                path.write_text(wanted, encoding="utf-8")
    return stale
