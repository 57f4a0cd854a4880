"""`kg export`: every RDF format parses back to the store's view; KGX checked against the Biolink model shipped in
the `biolink-model` wheel; GraphML read back by networkx; Neo4j admin-import headers; VoID counts recomputed
from the quads; and bad requests refused with nothing half-written."""

from __future__ import annotations

import csv
import importlib.resources
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
import yaml

from kg.cli import main
from kg.errors import UsageError
from kg.export import ExportFormat, View, export
from kg.export.graph import PGEdge, PGNode, property_graph, relationship_type
from kg.export.graphml import edge_id
from kg.export.jsonld import context_1_0, load_context, write_statements_1_0
from kg.export.kgx import BIOLINK_PREFIXES, EDGE_COLUMNS, GENERALISATIONS, NODE_COLUMNS, NON_BIOLINK_PREFIXES
from kg.export.neo4j import FILE_NAMES
from kg.sparql.claims import StatementView
from kg.vocab import CEKG, PREFIXES

from .rdfcompare import Key, assert_same_quads, oxigraph_keys, rdflib_keys
from .toolvenv import run_tool

T = TypeVar("T")
DEFAULT = ox.DefaultGraph()
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFLIB_FORMATS = {"trig": "trig", "nquads": "nquads", "turtle": "turtle", "ntriples": "nt", "rdfxml": "xml",
                  "jsonld": "json-ld"}


def _run(store_dir: Path, *args: str) -> int:
    return main(["export", "--store", str(store_dir), *args])


def _expected(store: ox.Store, view: View | None) -> set[Key]:
    quads = store.quads_for_pattern(None, None, None, None)
    if view is View.STATEMENTS:
        quads = store.quads_for_pattern(None, None, None, DEFAULT)
    elif view is View.NANOPUB:
        quads = (q for q in store.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name,
                                                                                               ox.DefaultGraph))
    return oxigraph_keys(quads)


def _no_progress(items: Iterable[T], *, total: int, unit: str) -> Iterable[T]:
    return items


# RDF ------------------------------------------------------------------------------------------------------------------

RDF_CASES = [(fmt, view) for fmt in ("trig", "nquads") for view in (None, "statements", "nanopub")] + \
    [(fmt, None) for fmt in ("turtle", "ntriples", "rdfxml", "jsonld")] + [("turtle", "statements")]


@pytest.mark.parametrize(("fmt", "view"), RDF_CASES)
def test_rdf_export_parses_back_in_pyoxigraph_and_rdflib_to_the_view(
        tmp_path: Path, built_store: Path, store: ox.Store, fmt: str, view: str | None) -> None:
    out = tmp_path / f"export.{fmt}"
    assert _run(built_store, "--format", fmt, *(["--view", view] if view else []), "--out", str(out)) == 0
    export_format = ExportFormat(fmt)
    chosen = View(view) if view else export_format.default_view
    expected = _expected(store, chosen)
    assert len(expected) == {None: 7076, View.STATEMENTS: 4492, View.NANOPUB: 2584}[chosen]

    rdf_format = export_format.rdf_format
    assert rdf_format is not None
    with out.open("rb") as handle:
        parsed = [q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, DEFAULT)
                  for q in ox.parse(handle, format=rdf_format)]
    assert_same_quads(expected, oxigraph_keys(parsed))

    dataset = rdflib.Dataset()
    dataset.parse(out, format=RDFLIB_FORMATS[fmt])
    assert_same_quads(expected, rdflib_keys(dataset))


@pytest.mark.parametrize("fmt", ["nquads", "ntriples", "trig", "turtle", "jsonld"])
def test_rdf_exports_are_byte_stable_and_line_formats_sorted(tmp_path: Path, built_store: Path, fmt: str) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert _run(built_store, "--format", fmt, "--out", str(first)) == 0
    assert _run(built_store, "--format", fmt, "--out", str(second)) == 0
    assert first.read_bytes() == second.read_bytes()
    if fmt in ("nquads", "ntriples"):
        lines = first.read_bytes().splitlines()
        assert lines == sorted(lines)
        assert len(lines) == (7076 if fmt == "nquads" else 4492)


def test_sorted_lines_are_merged_from_runs_when_the_export_is_large(
        tmp_path: Path, store: ox.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = tmp_path / "whole.nq"
    export(store, ExportFormat.NQUADS, whole)
    monkeypatch.setattr("kg.export.rdf._RUN", 500)  # 12 runs merged from disk instead of one sorted in memory
    merged = tmp_path / "merged.nq"
    export(store, ExportFormat.NQUADS, merged)
    assert merged.read_bytes() == whole.read_bytes()


def test_nquads_to_standard_output_equals_the_file(tmp_path: Path, built_store: Path,
                                                   capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    out = tmp_path / "graph.nq"
    assert _run(built_store, "--format", "nquads", "--out", str(out)) == 0
    capsysbinary.readouterr()
    assert _run(built_store, "--format", "nquads", "--out", "-") == 0
    assert capsysbinary.readouterr().out == out.read_bytes()


def test_jsonld_is_compacted_with_the_shipped_context_embedded(tmp_path: Path, built_store: Path) -> None:
    out = tmp_path / "statements.jsonld"
    assert _run(built_store, "--format", "jsonld", "--out", str(out)) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@context"] == load_context()
    nodes = {node["id"]: node for node in document["@graph"]}
    ketamine = nodes["CHEBI:6121"]
    assert ketamine["type"] == ["Entity", "biolink:Drug"]
    assert ketamine["label"] == "ketamine"
    assert ketamine["exactMatch"] == ["DRUGBANK:DB01221", "MESH:D007649", "pubchem.compound:3821",
                                      "wikidata:Q243547"]
    claim = next(n for n in document["@graph"] if n.get("identifier") == "article-efficacy-frequency")
    assert {key: claim[key] for key in ("type", "category", "polarity", "modality", "predicate", "subject",
                                        "object", "cue", "attributedTo", "evidence")} == {
        "type": ["Claim", "biolink:Association", "prov:Entity", "rdf:Statement"], "category": "Efficacy",
        "polarity": "Affirmed", "modality": "Hedged",
        "predicate": "reducesFrequencyOf", "subject": "CHEBI:6121", "object": "ent:chronic-migraine",
        "cue": ["may", "suggests"], "attributedTo": "ror:04xeg9z08", "evidence": "ECO:0000034"}
    position = nodes[claim["anchor"] + "/position"]
    assert (position["start"], position["end"]) == ("772", "946")


def _pyld_triples(mode: str, path: Path) -> set[Key]:
    """Read a JSON-LD file with PyLD, offline, in a processing mode; return its triples."""
    run = run_tool("pyld_offline.py", mode, str(path))
    assert run.returncode == 0, run.stdout + run.stderr
    return oxigraph_keys(ox.parse(run.stdout.encode(), format=ox.RdfFormat.N_QUADS))


def test_jsonld_needs_a_1_1_processor_and_its_1_0_form_reads_the_same_in_both_modes(
        tmp_path: Path, built_store: Path, store: ox.Store) -> None:
    expected = _expected(store, View.STATEMENTS)
    out = tmp_path / "statements.jsonld"
    assert _run(built_store, "--format", "jsonld", "--out", str(out)) == 0
    refused = run_tool("pyld_offline.py", "json-ld-1.0", str(out))
    assert (refused.returncode, refused.stdout) == (
        1, "error: processing mode conflict: @version: 1.1 not compatible with json-ld-1.0\n")
    assert_same_quads(expected, _pyld_triples("json-ld-1.1", out))

    old = tmp_path / "statements-1.0.jsonld"
    with old.open("wb") as handle:
        assert write_statements_1_0(store, handle) == len(json.loads(out.read_text(encoding="utf-8"))["@graph"])
    document = json.loads(old.read_text(encoding="utf-8"))
    assert document["@context"] == context_1_0(load_context())
    assert "@version" not in document["@context"] and "CHEBI" not in document["@context"]
    ketamine = next(node for node in document["@graph"] if node["id"] == "http://purl.obolibrary.org/obo/CHEBI_6121")
    assert ketamine["label"] == "ketamine"
    for mode in ("json-ld-1.0", "json-ld-1.1"):
        assert_same_quads(expected, _pyld_triples(mode, old))


def test_the_1_0_form_of_the_context_drops_only_what_1_0_cannot_read() -> None:
    context = load_context()
    converted = context_1_0(context)
    dropped = sorted(set(context) - set(converted))
    assert dropped == ["@version", "CHEBI", "ECO", "GO", "HP", "MONDO", "RO"]
    assert all(converted[name] == context[name] for name in converted)
    with pytest.raises(ValueError, match=r"the term 'x' uses JSON-LD 1.1 only \(@nest\): no 1.0 form"):
        context_1_0({"x": {"@id": "https://example.org/x", "@nest": "n"}})


# KGX ------------------------------------------------------------------------------------------------------------------


def _biolink() -> dict[str, Any]:
    schema = importlib.resources.files("biolink_model").joinpath("schema/biolink_model.yaml")
    with schema.open(encoding="utf-8") as handle:
        model: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return model


def _camel(name: str) -> str:
    return "".join(word[0].upper() + word[1:] for word in name.split())


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def kgx(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("kgx")
    assert _run(built_store, "--format", "kgx-jsonl", "--out", str(folder / "jsonl")) == 0
    assert _run(built_store, "--format", "kgx-tsv", "--out", str(folder / "tsv")) == 0
    assert sorted(p.name for p in (folder / "jsonl").iterdir()) == ["edges.jsonl", "graph.json", "nodes.jsonl"]
    assert sorted(p.name for p in (folder / "tsv").iterdir()) == ["edges.tsv", "graph.json", "nodes.tsv"]
    assert (folder / "jsonl" / "graph.json").read_bytes() == (folder / "tsv" / "graph.json").read_bytes()
    result: dict[str, list[dict[str, Any]]] = {
        "nodes": _read_jsonl(folder / "jsonl" / "nodes.jsonl"), "edges": _read_jsonl(folder / "jsonl" / "edges.jsonl")}
    for name, columns in (("nodes", NODE_COLUMNS), ("edges", EDGE_COLUMNS)):
        with (folder / "tsv" / f"{name}.tsv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        result[f"{name}_tsv"] = rows
        assert list(rows[0]) == list(columns)
    result["metadata"] = [json.loads((folder / "tsv" / "graph.json").read_text(encoding="utf-8"))]
    return result


def test_kgx_is_valid_against_the_biolink_model(kgx: dict[str, list[dict[str, Any]]]) -> None:
    model = _biolink()
    classes = {_camel(name) for name in model["classes"]}
    slots = model["slots"]
    slot_names = {name.replace(" ", "_"): name for name in slots}

    def is_predicate(name: str) -> bool:
        while name:
            if name == "related to":
                return True
            name = slots.get(name, {}).get("is_a")
        return False

    prefixes = set(model["prefixes"])
    prefix_maps = importlib.resources.files("biolink_model").joinpath("prefixmaps")
    for mapping in ("biolink-model-prefix-map.json", "biolink_model_prefix_map.json"):
        prefixes |= set(json.loads(prefix_maps.joinpath(mapping).read_text(encoding="utf-8")))
    for spec in model["classes"].values():
        prefixes |= set(spec.get("id_prefixes") or ())
    assert not set(NON_BIOLINK_PREFIXES) & prefixes, "a prefix the model knows must be spelled as the model does"
    # The prefixes named as Biolink's are in the prefix map that kgx validates against (tests/kgx_offline.py).
    context = set(json.loads(prefix_maps.joinpath("biolink-model-prefix-map.json").read_text(encoding="utf-8")))
    assert context >= BIOLINK_PREFIXES, sorted(BIOLINK_PREFIXES - context)
    # Each generalisation the export makes to fit Biolink's domain and range goes to a Biolink ancestor.
    for child, parent in GENERALISATIONS.items():
        name, ancestors = slot_names[child.removeprefix("biolink:")], set()
        while name:
            ancestors |= {name, *(slots[name].get("mixins") or ())}
            name = slots[name].get("is_a")
        assert slot_names[parent.removeprefix("biolink:")] in ancestors, (child, parent)
    metadata = kgx["metadata"][0]
    assert metadata["non_biolink_prefixes"] == NON_BIOLINK_PREFIXES
    assert set(metadata["prefixes"]) <= prefixes and metadata["affirmed_only"] is False
    allowed = prefixes | set(NON_BIOLINK_PREFIXES)
    knowledge_levels = set(model["enums"]["KnowledgeLevelEnum"]["permissible_values"])
    agent_types = set(model["enums"]["AgentTypeEnum"]["permissible_values"])

    def check_curie(value: str, where: str) -> None:
        if "://" in value:  # a full IRI, allowed where no prefix fits
            return
        prefix = value.partition(":")[0]
        assert prefix in allowed, f"{where}: prefix {prefix!r} of {value!r} is neither Biolink's nor documented"

    nodes, edges = kgx["nodes"], kgx["edges"]
    ids = {node["id"] for node in nodes}
    assert len(ids) == len(nodes)
    for node in nodes:
        assert node["id"] and node["category"], node
        check_curie(node["id"], "node id")
        for category in node["category"]:
            assert category.startswith("biolink:") and category.removeprefix("biolink:") in classes, category
        for xref in node.get("xref", []):
            check_curie(xref, f"xref of {node['id']}")
    for edge in edges:
        for field in ("id", "subject", "predicate", "object", "knowledge_level", "agent_type",
                      "primary_knowledge_source"):
            assert edge.get(field) not in (None, ""), (field, edge)
        assert edge["subject"] in ids and edge["object"] in ids, edge
        predicate = edge["predicate"].removeprefix("biolink:")
        assert predicate in slot_names and is_predicate(slot_names[predicate]), edge["predicate"]
        assert all(c.removeprefix("biolink:") in classes for c in edge["category"])
        assert edge["knowledge_level"] in knowledge_levels and edge["agent_type"] in agent_types
        assert edge["primary_knowledge_source"] == "infores:cekg"
        for field in ("subject", "object", "original_predicate", "primary_knowledge_source"):
            check_curie(edge[field], f"{field} of {edge['id']}")
        for publication in edge["publications"]:
            check_curie(publication, f"publication of {edge['id']}")
    # Columns named like Biolink slots hold one value or a list, as the model says.
    for record in (*nodes, *edges):
        for field, value in record.items():
            if field in slot_names:
                multivalued = bool(slots[slot_names[field]].get("multivalued"))
                assert isinstance(value, list) == multivalued, (field, value)


def test_kgx_edges_keep_modality_polarity_and_never_make_a_negated_claim_positive(
        kgx: dict[str, list[dict[str, Any]]], store: ox.Store) -> None:
    edges = {edge["claim_id"]: edge for edge in kgx["edges"]}
    assert len(edges) == 64  # 69 claims, less the 5 whose object is a quantity
    negated = {row["id"].value for row in store.query(
        "SELECT ?id WHERE { ?c <https://w3id.org/cekg/vocab#polarity> <https://w3id.org/cekg/vocab#Negated> ; "
        "<http://purl.org/dc/terms/identifier> ?id }")}  # type: ignore[union-attr]
    assert len(negated) == 14
    assert {claim for claim, edge in edges.items() if edge["negated"]} == negated
    assert all(edges[claim]["polarity"] == "negated" for claim in negated)
    assert Counter(edge["modality"] for edge in edges.values()) == {"asserted": 48, "hedged": 12, "speculative": 4}
    assert {edge["knowledge_level"] for edge in edges.values() if edge["modality"] == "speculative"} == {"prediction"}
    assert edges["article-efficacy-frequency"] == {
        "id": edges["article-efficacy-frequency"]["id"],
        "subject": "CHEBI:6121", "predicate": "biolink:ameliorates_condition",
        "object": "CEKG.ENTITY:chronic-migraine",
        "category": ["biolink:Association"], "negated": False, "knowledge_level": "knowledge_assertion",
        "agent_type": "manual_agent", "primary_knowledge_source": "infores:cekg",
        "publications": ["CEKG.DOC:f46061e3a725747d"],
        "supporting_text": ["A study conducted by the National Institute of Mental Health suggests that ketamine "
                            "infusion therapy may significantly reduce the frequency and severity of chronic "
                            "migraines."],
        "original_predicate": "CEKG:reducesFrequencyOf", "claim_id": "article-efficacy-frequency",
        "claim_category": "efficacy", "polarity": "affirmed", "modality": "hedged", "cues": ["may", "suggests"],
        "citation_status": "named-unreferenced", "evidence": ["ECO:0000034"], "attributed_to": "WIKIDATA:Q1967405",
        "route": "intravenous infusion", "status": "accepted"}
    assert edges["article-efficacy-frequency"]["id"].startswith("https://w3id.org/cekg/id/claim/")
    ketamine = next(node for node in kgx["nodes"] if node["id"] == "CHEBI:6121")
    assert ketamine["category"] == ["biolink:Drug"] and ketamine["name"] == "ketamine"
    assert "WIKIDATA:Q243547" in ketamine["xref"] and "PUBCHEM.COMPOUND:3821" in ketamine["xref"]
    documents = [node for node in kgx["nodes"] if node["id"].startswith("CEKG.DOC:")]
    assert sorted(d["category"][0] for d in documents) == ["biolink:DrugLabel", "biolink:Publication",
                                                           "biolink:WebPage"]


def test_affirmed_only_leaves_the_negated_claims_out_and_says_so(
        tmp_path: Path, built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "affirmed"
    assert _run(built_store, "--format", "kgx-jsonl", "--affirmed-only", "--out", str(out)) == 0
    assert capsys.readouterr().err == (
        f"wrote 64 nodes and 50 edges to {out.resolve()} (nodes.jsonl, edges.jsonl, graph.json); 5 claims whose "
        "object is a quantity have no edge in KGX (see docs/exporting.md); 14 negated claims left out "
        "(--affirmed-only)\n")
    edges = _read_jsonl(out / "edges.jsonl")
    assert len(edges) == 50 and not any(edge["negated"] for edge in edges)
    assert {edge["polarity"] for edge in edges} == {"affirmed"}
    metadata = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert (metadata["affirmed_only"], metadata["nodes"], metadata["edges"]) == (True, 64, 50)
    assert _run(built_store, "--format", "turtle", "--affirmed-only", "--out", str(tmp_path / "x.ttl")) == 2
    assert capsys.readouterr().err == (
        "Error: --affirmed-only applies to --format kgx-tsv and kgx-jsonl only, not to turtle: the other formats "
        "keep each claim's polarity on the claim itself\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["affirmed"]


def test_kgx_node_ids_are_public_identifiers_never_shared() -> None:
    from kg.export.kgx import _public_ids
    from kg.sparql.claims import EntityRecord

    ent, obo = PREFIXES["ent"], PREFIXES["CHEBI"].removesuffix("CHEBI_")
    entities = [EntityRecord(ent + "salt", "salt", (), exact_matches=(obo + "CHEBI_1", obo + "HP_0000001")),
                EntityRecord(obo + "CHEBI_1", "base", ()),
                EntityRecord(ent + "twin", "twin", (), exact_matches=(obo + "HP_0000001",)),
                EntityRecord(ent + "local", "local", (), exact_matches=(PREFIXES["ICD10CM"] + "G43.7",))]
    assert _public_ids(entities) == {ent + "salt": "HP:0000001", obo + "CHEBI_1": "CHEBI:1",
                                     ent + "twin": "CEKG.ENTITY:twin", ent + "local": "CEKG.ENTITY:local"}


def test_kgx_tsv_holds_the_same_records_as_json_lines(kgx: dict[str, list[dict[str, Any]]]) -> None:
    for name in ("nodes", "edges"):
        lists = {key for record in kgx[name] for key, value in record.items() if isinstance(value, list)}
        for record, row in zip(kgx[name], kgx[f"{name}_tsv"], strict=True):
            parsed: dict[str, Any] = {}
            for key, cell in row.items():
                if cell == "":
                    continue
                parsed[key] = cell.split("|") if key in lists else {"True": True, "False": False}.get(cell, cell)
            assert parsed == record


# GraphML and Neo4j ----------------------------------------------------------------------------------------------------


def _direct_edges(store: ox.Store) -> set[tuple[str, str, str]]:
    """The direct edges of the statement view: triples of the default graph whose predicate is a claim predicate."""
    predicates = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                                             ox.NamedNode(CEKG + "ClaimPredicate"), DEFAULT)}
    return {(str(q.subject)[1:-1], q.predicate.value, str(q.object)[1:-1])
            for q in store.quads_for_pattern(None, None, None, DEFAULT) if q.predicate in predicates}


def test_graphml_reads_back_in_networkx_with_the_same_nodes_edges_and_attributes(
        tmp_path: Path, built_store: Path, store: ox.Store) -> None:
    out = tmp_path / "claims.graphml"
    assert _run(built_store, "--format", "graphml", "--out", str(out)) == 0
    graph = nx.read_graphml(out, edge_key_type=str)
    assert isinstance(graph, nx.MultiDiGraph)

    items = list(property_graph(StatementView(store), progress=_no_progress))
    nodes = [i for i in items if isinstance(i, PGNode)]
    edges = [i for i in items if isinstance(i, PGEdge)]

    def flat(properties: dict[str, Any]) -> dict[str, Any]:
        return {k: "|".join(v) if isinstance(v, tuple) else v for k, v in properties.items()}

    assert set(graph.nodes) == {n.id for n in nodes}
    for node in nodes:
        assert graph.nodes[node.id] == {"kind": node.kind, "labels": "|".join(node.labels),
                                        "label": node.properties["name"], **flat(node.properties)}
    assert set(graph.edges(keys=True)) == {(e.start, e.end, edge_id(e)) for e in edges}
    for edge in edges:
        assert graph.edges[edge.start, edge.end, edge_id(edge)] == {"type": edge.type, **flat(edge.properties)}
    for _, data in graph.nodes(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in data.values())

    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    assert kinds == {"entity": 58, "document": 3, "claim": 69}
    direct = {(graph.nodes[u]["iri"], data["type"], graph.nodes[v]["iri"])
              for u, v, data in graph.edges(data=True) if "claims" in data}
    expected = {(s, relationship_type(p), o) for s, p, o in _direct_edges(store)}
    assert direct == expected
    assert len(direct) == 46
    # "Ketamine is not covered by insurance" is negated everywhere: no COVERED_BY edge may exist.
    assert not any(data["type"] == "COVERED_BY" for _, _, data in graph.edges(data=True))
    assert sum(1 for _, _, t in graph.edges(data="type") if t == "SUBJECT") == 69
    ketamine = graph.nodes["CHEBI:6121"]
    assert (ketamine["label"], ketamine["category"], ketamine["labels"]) == ("ketamine", "biolink:Drug",
                                                                             "Entity|Drug")
    claim = next(data for _, data in graph.nodes(data=True) if data.get("claim_id") == "appeal-efficacy-cm-ndph-ndph")
    assert claim["modality"] == "hedged" and claim["negated"] is False and isinstance(claim["start"], int)


def test_neo4j_csv_has_admin_import_headers_and_every_referenced_id_exists(tmp_path: Path, built_store: Path) -> None:
    folder = tmp_path / "neo4j"
    assert _run(built_store, "--format", "neo4j-csv", "--out", str(folder)) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILE_NAMES)
    types = {"int", "long", "float", "double", "boolean", "string", "date", "string[]", "int[]"}
    ids: dict[str, str] = {}
    labels: Counter[str] = Counter()
    for name in ("entities.csv", "documents.csv", "claims.csv", "resources.csv"):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        head = rows[0]
        assert head[0] == "id:ID" and head[-1] == ":LABEL" and "name" in head
        for column in head[1:-1]:
            _, _, kind = column.partition(":")
            assert kind == "" or kind in types, column
        for row in rows[1:]:
            assert row[0] not in ids, f"duplicate id {row[0]}"
            ids[row[0]] = name
            labels.update(row[-1].split(";"))
            for column, cell in zip(head, row, strict=True):
                if column.endswith(":int") and cell:
                    int(cell)
                if column.endswith(":boolean"):
                    assert cell in ("true", "false", "")
    assert (labels["Entity"], labels["Document"], labels["Claim"], labels["Drug"]) == (58, 3, 69, 8)
    with (folder / "relationships.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert "claims:int" in rows[0] and "claim_ids:string[]" in rows[0]
    for row in rows[1:]:
        assert row[0] in ids and row[1] in ids, row
    relationship_types = Counter(row[2] for row in rows[1:])
    assert (relationship_types["SUBJECT"], relationship_types["ASSERTED_BY"], relationship_types["OBJECT"]) == \
        (69, 69, 64)
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin" in script and "database import full" in script
    assert all(f"--nodes={name}" in script for name in ("entities.csv", "documents.csv", "claims.csv"))
    assert os.access(folder / "import.sh", os.X_OK)


# VoID -----------------------------------------------------------------------------------------------------------------

VOID = PREFIXES["void"]
DATASET = "https://w3id.org/cekg/id/dataset"


def _scope_counts(quads: list[ox.Quad]) -> dict[str, Any]:
    """Count a scope the slow, obvious way, without SPARQL."""
    properties: Counter[str] = Counter(q.predicate.value for q in quads)
    instances: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            instances[q.object.value].add(str(q.subject))
    return {"triples": len(quads), "distinctSubjects": len({str(q.subject) for q in quads}),
            "distinctObjects": len({str(q.object) for q in quads}),
            "entities": len({q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}),
            "properties": len(properties), "classes": len(instances),
            "propertyPartition": dict(properties), "classPartition": {c: len(s) for c, s in instances.items()}}


def _described_counts(void: ox.Store, scope: str) -> dict[str, Any]:
    node = ox.NamedNode(scope)

    def value(subject: Any, prop: str) -> Any:
        found = [q.object for q in void.quads_for_pattern(subject, ox.NamedNode(VOID + prop), None)]
        assert len(found) == 1, (subject, prop, found)
        return found[0]

    counts: dict[str, Any] = {name: int(value(node, name).value) for name in (
        "triples", "distinctSubjects", "distinctObjects", "entities", "properties", "classes")}
    for partition, key, measure in (("propertyPartition", "property", "triples"),
                                    ("classPartition", "class", "entities")):
        parts = [q.object for q in void.quads_for_pattern(node, ox.NamedNode(VOID + partition), None)]
        counts[partition] = {value(p, key).value: int(value(p, measure).value) for p in parts}
    return counts


def test_void_counts_equal_counts_recomputed_from_the_quads(tmp_path: Path, built_store: Path,
                                                             store: ox.Store) -> None:
    out = tmp_path / "void.ttl"
    assert _run(built_store, "--format", "void", "--out", str(out)) == 0
    void = ox.Store()
    void.load(path=str(out), format=ox.RdfFormat.TURTLE)
    everything = list(store.quads_for_pattern(None, None, None, None))
    scopes = {DATASET: everything,
              DATASET + "/statements": [q for q in everything if isinstance(q.graph_name, ox.DefaultGraph)],
              DATASET + "/nanopublications": [q for q in everything if not isinstance(q.graph_name,
                                                                                      ox.DefaultGraph)]}
    for scope, quads in scopes.items():
        assert _described_counts(void, scope) == _scope_counts(quads), scope
    described = _described_counts(void, DATASET)
    assert described["triples"] == 7076
    assert described["classPartition"][CEKG + "Claim"] == 69
    assert described["classPartition"][CEKG + "Document"] == 3

    dataset = ox.NamedNode(DATASET)
    licence = [q.object for q in void.quads_for_pattern(dataset, ox.NamedNode(PREFIXES["dcterms"] + "license"),
                                                        None)]
    assert licence == [ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")]
    distributions = [q.object for q in void.quads_for_pattern(dataset, ox.NamedNode(PREFIXES["dcat"] +
                                                                                    "distribution"), None)]
    assert len(distributions) == len(ExportFormat) - 1
    subsets = {str(q.object) for q in void.quads_for_pattern(dataset, ox.NamedNode(VOID + "subset"), None)}
    assert subsets == {f"<{DATASET}/statements>", f"<{DATASET}/nanopublications>"}


def test_void_options_give_licence_download_urls_and_endpoint(tmp_path: Path, built_store: Path) -> None:
    out = tmp_path / "void.ttl"
    assert _run(built_store, "--format", "void", "--licence", "https://creativecommons.org/publicdomain/zero/1.0/",
                "--base-url", "https://example.org/cekg", "--sparql-endpoint", "https://example.org/sparql",
                "--out", str(out)) == 0
    graph = rdflib.Graph().parse(out, format="turtle")
    dataset = rdflib.URIRef(DATASET)
    dcat, void_ns = rdflib.Namespace(PREFIXES["dcat"]), rdflib.Namespace(VOID)
    assert set(graph.objects(dataset, rdflib.DCTERMS.license)) == {
        rdflib.URIRef("https://creativecommons.org/publicdomain/zero/1.0/")}
    assert set(graph.objects(dataset, void_ns.sparqlEndpoint)) == {rdflib.URIRef("https://example.org/sparql")}
    assert set(graph.objects(dataset, void_ns.dataDump)) == {rdflib.URIRef("https://example.org/cekg/graph.trig"),
                                                             rdflib.URIRef("https://example.org/cekg/graph.nq")}
    downloads = {str(url) for url in graph.objects(None, dcat.downloadURL)}
    assert "https://example.org/cekg/statements.jsonld" in downloads and len(downloads) == 7


# Bad requests ---------------------------------------------------------------------------------------------------------


def test_unknown_format_lists_the_formats(built_store: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(built_store, "--format", "xml", "--out", str(tmp_path / "x")) == 2
    message = capsys.readouterr().err
    assert "Invalid value for '--format'" in message
    assert all(f"'{fmt.value}'" in message for fmt in ExportFormat)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", "jsonld", "kgx-tsv", "graphml"])
def test_nanopub_view_needs_a_format_with_named_graphs(built_store: Path, tmp_path: Path, fmt: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(built_store, "--format", fmt, "--view", "nanopub", "--out", str(tmp_path / "x")) == 2
    assert "use --format trig or --format nquads" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "void", "--view", "statements"], "--view does not apply to --format void"),
    (["--format", "turtle", "--licence", "https://example.org/l"], "apply to --format void only"),
    (["--format", "void", "--base-url", "not a url"], "--base-url 'not a url' is not an absolute IRI"),
])
def test_options_that_do_not_fit_the_format_are_refused(built_store: Path, tmp_path: Path, args: list[str],
                                                         message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(built_store, *args, "--out", str(tmp_path / "x")) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["turtle", "kgx-tsv"])
def test_output_in_a_missing_folder_is_refused(built_store: Path, tmp_path: Path, fmt: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing" / "export"
    assert _run(built_store, "--format", fmt, "--out", str(out)) == 2
    assert f"the folder {out.parent} does not exist; create it first" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_output_under_a_file_is_refused(built_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me\n", encoding="utf-8")
    assert _run(built_store, "--format", "trig", "--out", str(blocker / "graph.trig")) == 2
    assert f"{blocker} is a file, not a folder" in capsys.readouterr().err
    assert blocker.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize("fmt", ["nquads", "neo4j-csv"])
def test_output_where_nothing_may_be_written_is_refused(built_store: Path, fmt: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # /proc takes no new files, whoever asks (root included, whom file modes do not stop).
    out = Path("/proc") / f"kg-export-{os.getpid()}"
    assert _run(built_store, "--format", fmt, "--out", str(out)) == 2
    message = capsys.readouterr().err
    assert message.startswith(f"Error: cannot write {out}: ") and "choose another --out" in message
    assert not out.exists()


def test_folder_formats_never_replace_a_folder_of_other_files(built_store: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.tex").write_text("precious\n", encoding="utf-8")
    assert _run(built_store, "--format", "kgx-tsv", "--out", str(folder)) == 2
    assert "holds other files (thesis.tex)" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["thesis.tex"]
    assert _run(built_store, "--format", "kgx-tsv", "--out", "-") == 2
    assert "writes a folder" in capsys.readouterr().err


class _Interrupted(Exception):
    pass


def _failing_after(count: int) -> Any:
    def wrap(items: Iterable[T], *, total: int, unit: str) -> Iterator[T]:
        for number, item in enumerate(items):
            if number == count:
                raise _Interrupted(f"stopped after {count} {unit}s of {total}")
            yield item
    return wrap


@pytest.mark.parametrize("fmt", ["nquads", "trig", "jsonld", "graphml", "kgx-jsonl", "neo4j-csv"])
def test_a_failed_export_leaves_the_previous_output_untouched(store: ox.Store, tmp_path: Path, fmt: str) -> None:
    export_format = ExportFormat(fmt)
    out = tmp_path / "export"
    export(store, export_format, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()} if out.is_dir() else out.read_bytes()
    with pytest.raises(_Interrupted):
        export(store, export_format, out, progress=_failing_after(10))
    after = {p.name: p.read_bytes() for p in out.iterdir()} if out.is_dir() else out.read_bytes()
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_the_library_refuses_a_stream_for_a_folder_format(store: ox.Store) -> None:
    import io

    with pytest.raises(UsageError, match="writes a folder of files"):
        export(store, ExportFormat.NEO4J_CSV, io.BytesIO())


def test_help_shows_every_format_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--help"]) == 0
    text = capsys.readouterr().out
    assert "Examples:" in text and "kg export --format kgx-tsv --out kgx/" in text
    assert all(fmt.value in text for fmt in ExportFormat)


def test_a_dump_that_does_not_start_with_the_default_graph_is_refused() -> None:
    from kg.export.rdf import _split

    statement = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    in_graph = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g> .\n"
    default, named = _split(iter([statement, in_graph]), 1)
    assert (list(default), list(named)) == ([statement], [in_graph])
    # Without reading the default graph first, the named graphs' lines still skip it.
    assert list(_split(iter([statement, in_graph]), 1)[1]) == [in_graph]
    for lines in ([in_graph, statement], [in_graph, in_graph]):
        default, named = _split(iter(lines), 1)
        with pytest.raises(RuntimeError, match="no longer dumps the default graph before the named graphs"):
            list(default) + list(named)
