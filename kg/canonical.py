"""Canonical Turtle for the RDF files committed to the repository, so their diffs stay readable.

``python -m kg.canonical FILE...`` rewrites each file in canonical form (``make canonical`` runs it on the
ontology and the shapes); ``--check`` only reports the files that are not canonical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import rdflib

__all__ = ["canonical_turtle", "main"]

HEADER = "# Canonical form: edit freely, then run `make canonical` to re-sort.\n"


def canonical_turtle(path: Path) -> str:
    """Return the canonical Turtle of a file: sorted, blank nodes in canonical order, prefixes as declared."""
    graph = rdflib.Graph(bind_namespaces="none")
    graph.parse(path, format="turtle")
    body = graph.serialize(format="longturtle")
    return HEADER + body.lstrip("\n")


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check``, only check) the given Turtle files; return 1 if any was not canonical."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    stale = []
    for name in (a for a in args if a != "--check"):
        path = Path(name)
        wanted = canonical_turtle(path)
        if path.read_text(encoding="utf-8") != wanted:
            stale.append(name)
            if not check:
                path.write_text(wanted, encoding="utf-8")
    if stale and check:
        print(f"not canonical: {', '.join(stale)}; run `make canonical`", file=sys.stderr)
    return 1 if stale and check else 0


if __name__ == "__main__":
    sys.exit(main())
