"""Run the KGX command line (``kgx``) and the Biolink Model Toolkit (``bmt``) offline, on the Biolink model shipped
in the ``biolink-model`` wheel.

Run it with the Python of the venv where ``kgx`` is installed (``.venv-kgx``, made by ``make test``):

    .venv-kgx/bin/python tests/kgx_offline.py validate -i tsv kgx/nodes.tsv kgx/edges.tsv
    .venv-kgx/bin/python tests/kgx_offline.py validate --graph-metadata kgx/graph.json -i tsv kgx/nodes.tsv ...
    .venv-kgx/bin/python tests/kgx_offline.py bmt kgx/nodes.jsonl kgx/edges.jsonl

At import, ``kgx`` builds a ``bmt.Toolkit()`` whose default schema is biolink-model.yaml on GitHub, and its
validator reads the Biolink JSON-LD context from a URL in ``kgx/config.yml``: both fail with no network. Before
``kgx`` is imported, this script (1) makes the toolkit's defaults the wheel's ``schema/biolink_model.yaml`` and an
empty predicate map (the wheel ships none; kgx's validator does not use it), and (2) gives kgx the wheel's
``prefixmaps/biolink-model-prefix-map.json`` as its Biolink context (the same prefixes as the ``context.jsonld``
that linkml generates from the wheel's schema). Nothing else of kgx changes: the checks are kgx's own, and the
prefixes they accept are the Biolink model's.

``--graph-metadata FILE`` (ours, not kgx's) adds to that context the prefixes that the graph declares in its
metadata (``non_biolink_prefixes`` of the export's ``graph.json``): kgx's validator reads prefixes from the
Biolink context only, so without it every CURIE in a prefix of the project's own is an error.

``bmt NODES.jsonl EDGES.jsonl`` prints one JSON object: for each category and predicate of the files, what the
toolkit says of it, and for each edge whether Biolink's domain and range admit its subject's and object's
categories.
"""

from __future__ import annotations

import json
import sys
from importlib.resources import files
from typing import Any

BIOLINK_MODEL = files("biolink_model")
SCHEMA = str(BIOLINK_MODEL.joinpath("schema/biolink_model.yaml"))
PREFIX_MAP = BIOLINK_MODEL.joinpath("prefixmaps/biolink-model-prefix-map.json")
#: The toolkit wants a predicate map (mappings of other vocabularies' predicates); the wheel has none.
NO_PREDICATE_MAP: dict[str, Any] = {"predicate mappings": []}


def offline(declared: dict[str, str] | None = None) -> None:
    """Point bmt and kgx at the wheel's files; call before importing anything of kgx.

    Args:
        declared: prefixes the graph declares, added to the Biolink context kgx validates against.
    """
    import bmt.toolkit

    init: Any = bmt.toolkit.Toolkit.__init__
    init.__defaults__ = (SCHEMA, NO_PREDICATE_MAP)
    import kgx.config

    kgx.config.get_config()
    context = json.loads(PREFIX_MAP.read_text(encoding="utf-8"))
    clash = sorted(set(declared or {}) & set(context))
    if clash:
        raise SystemExit(f"the graph declares prefixes that Biolink already has: {', '.join(clash)}")
    kgx.config.jsonld_context_map["biolink"] = {**context, **(declared or {})}


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def describe(nodes_file: str, edges_file: str) -> dict[str, Any]:
    """Return what the toolkit says of the categories and predicates of a KGX graph, and of each edge."""
    from bmt import Toolkit

    toolkit = Toolkit()
    nodes = {node["id"]: node for node in _read_jsonl(nodes_file)}
    edges = _read_jsonl(edges_file)

    def element(name: str) -> dict[str, Any]:
        found = toolkit.get_element(name)
        return {"known": found is not None, "category": toolkit.is_category(name), "mixin": toolkit.is_mixin(name),
                "predicate": toolkit.is_predicate(name), "deprecated": bool(found is not None and found.deprecated),
                "ancestors": toolkit.get_ancestors(name, formatted=True, mixin=True) if found is not None else []}

    def admits(limit: str | None, categories: list[str]) -> bool:
        if limit is None:
            return True
        wanted = toolkit.get_element(limit).class_uri
        return any(wanted in toolkit.get_ancestors(c, formatted=True, mixin=True) for c in categories)

    report: dict[str, Any] = {"version": toolkit.get_model_version(), "categories": {}, "predicates": {},
                              "edges": []}
    for node in nodes.values():
        for category in node["category"]:
            report["categories"].setdefault(category, element(category))
    for edge in edges:
        predicate = edge["predicate"]
        report["predicates"].setdefault(predicate, element(predicate))
        slot = toolkit.get_element(predicate)
        subject, obj = nodes[edge["subject"]]["category"], nodes[edge["object"]]["category"]
        report["edges"].append({
            "id": edge["id"], "predicate": predicate, "subject": subject, "object": obj,
            "domain": admits(slot.domain if slot is not None else None, subject),
            "range": admits(slot.range if slot is not None else None, obj)})
    return report


def main(argv: list[str]) -> int:
    declared = None
    if "--graph-metadata" in argv:
        at = argv.index("--graph-metadata")
        with open(argv[at + 1], encoding="utf-8") as handle:
            declared = json.load(handle)["non_biolink_prefixes"]
        argv = argv[:at] + argv[at + 2:]
    offline(declared)
    if argv[:1] == ["bmt"]:
        print(json.dumps(describe(argv[1], argv[2]), indent=1))
        return 0
    from kgx.cli import cli

    cli.main(argv, prog_name="kgx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
