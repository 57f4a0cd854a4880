"""The KGX exports judged by the real tools: ``kgx validate`` (KGX 2.6) and the Biolink Model Toolkit (bmt 1.5), run
offline on the Biolink model of the ``biolink-model`` wheel through tests/kgx_offline.py, in the venv
``.venv-kgx`` that ``make test`` sets up (kgx needs numpy<2, which the project's venv cannot have)."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kg.cli import main
from kg.export.kgx import NON_BIOLINK_PREFIXES

from .toolvenv import run_tool, tool_python

BIOLINK_VERSION = "4.4.6"
#: What kgx logs besides the report: it cannot type-check Biolink's ``date`` slot, whose type it does not map,
#: and says so once for each node with a date (the two documents that have one).
DATE_WARNING = ("[KGX][validator.py][validate_node_property_types] WARNING: Skipping validation for Node property "
                "'date'. Expected type 'None' v/s Actual type '<class 'str'>'")


@pytest.fixture(scope="module")
def tools() -> Path:
    return tool_python()


@pytest.fixture(scope="module")
def exports(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kgx-judged")
    for fmt in ("kgx-tsv", "kgx-jsonl"):
        assert main(["export", "--store", str(built_store), "--format", fmt, "--out", str(folder / fmt)]) == 0
    return folder


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_tool("kgx_offline.py", *args)


def _validate(folder: Path, suffix: str, *, declared: bool) -> tuple[int, dict[str, Any], list[str]]:
    """Run ``kgx validate`` on a KGX folder; return its exit code, its report and the lines it logged."""
    metadata = ["--graph-metadata", str(folder / "graph.json")] if declared else []
    run = _run("validate", *metadata, "-i", suffix, str(folder / f"nodes.{suffix}"),
               str(folder / f"edges.{suffix}"))
    report: dict[str, Any] = json.loads(run.stderr)  # kgx writes its report to stderr, and nothing else
    return run.returncode, report, run.stdout.splitlines()


def _local_ids(folder: Path) -> set[str]:
    with (folder / "nodes.jsonl").open(encoding="utf-8") as handle:
        ids = {json.loads(line)["id"] for line in handle}
    return {node for node in ids if node.partition(":")[0] in NON_BIOLINK_PREFIXES}


@pytest.mark.parametrize("suffix", ["tsv", "jsonl"])
def test_kgx_validate_reports_no_error_with_the_prefixes_the_graph_declares(
        tools: Path, exports: Path, suffix: str) -> None:
    code, report, logged = _validate(exports / f"kgx-{suffix}", suffix, declared=True)
    assert (code, report) == (0, {})
    assert logged == [DATE_WARNING, DATE_WARNING]


@pytest.mark.parametrize("suffix", ["tsv", "jsonl"])
def test_kgx_validate_on_biolink_prefixes_alone_flags_only_the_project_prefixes(
        tools: Path, exports: Path, suffix: str) -> None:
    code, report, logged = _validate(exports / f"kgx-{suffix}", suffix, declared=False)
    assert code == 1
    assert list(report) == ["ERROR"]
    assert sorted(report["ERROR"]) == ["INVALID_EDGE_PROPERTY_VALUE", "INVALID_NODE_PROPERTY_VALUE"]
    flagged_nodes = set()
    for message, where in report["ERROR"]["INVALID_NODE_PROPERTY_VALUE"].items():
        match = re.fullmatch(r"Node property 'id' has a value '([^']+)' with a CURIE prefix '([^']+)' is not "
                             r"represented in Biolink Model JSON-LD context", message)
        assert match is not None, message
        assert match.group(2) in ("CEKG", "CEKG.ENTITY", "CEKG.DOC") and set(where) == {match.group(1)}
        flagged_nodes.add(match.group(1))
    local = _local_ids(exports / "kgx-jsonl")
    assert flagged_nodes == local
    assert Counter(node.partition(":")[0] for node in local) == {"CEKG.ENTITY": 40, "CEKG.DOC": 3, "CEKG": 3}
    flagged_ends = set()
    for message in report["ERROR"]["INVALID_EDGE_PROPERTY_VALUE"]:
        match = re.fullmatch(r"Edge property '(subject|object)' has a value '(CEKG\.ENTITY:[a-z0-9-]+)' with a CURIE "
                             r"prefix 'CEKG\.ENTITY' that is not represented in Biolink Model JSON-LD context", message)
        assert match is not None, message
        flagged_ends.add(match.group(2))
    with (exports / "kgx-jsonl" / "edges.jsonl").open(encoding="utf-8") as handle:
        edges = [json.loads(line) for line in handle]
    assert flagged_ends == {end for edge in edges for end in (edge["subject"], edge["object"])} & local
    assert sum(1 for edge in edges if {edge["subject"], edge["object"]} & local) == 46
    assert logged[-1].endswith("ERROR: kgx.validate() errors encountered... check the error log")


def test_bmt_finds_every_category_and_predicate_in_the_model_and_every_edge_within_domain_and_range(
        tools: Path, exports: Path) -> None:
    folder = exports / "kgx-jsonl"
    run = _run("bmt", str(folder / "nodes.jsonl"), str(folder / "edges.jsonl"))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["version"] == BIOLINK_VERSION
    categories, predicates = report["categories"], report["predicates"]
    assert sorted(categories) == [f"biolink:{name}" for name in (
        "Agent", "ChemicalEntity", "Disease", "Drug", "DrugLabel", "GeographicLocation", "MacromolecularComplex",
        "NamedThing", "PhenotypicFeature", "PopulationOfIndividualOrganisms", "Procedure", "Publication", "Study",
        "WebPage")]
    for name, found in categories.items():
        assert found["known"] and found["category"] and not found["mixin"] and not found["deprecated"], name
    for name, found in predicates.items():
        assert found["known"] and found["predicate"] and not found["deprecated"], name
    # Biolink 4.4 declares three of the predicates used as mixins; kgx accepts them on edges (see docs/exporting.md).
    assert sorted(name for name, found in predicates.items() if found["mixin"]) == [
        "biolink:interacts_with", "biolink:treats", "biolink:treats_or_applied_or_studied_to_treat"]
    outside = [edge for edge in report["edges"] if not (edge["domain"] and edge["range"])]
    assert outside == []
    assert Counter(edge["predicate"] for edge in report["edges"]) == {
        "biolink:related_to_at_instance_level": 24, "biolink:has_adverse_event": 7, "biolink:treats": 6,
        "biolink:studied_to_treat": 5, "biolink:preventative_for_condition": 4, "biolink:affects": 4,
        "biolink:treats_or_applied_or_studied_to_treat": 3, "biolink:ameliorates_condition": 3,
        "biolink:applied_to_treat": 3, "biolink:related_to_at_concept_level": 2, "biolink:interacts_with": 2,
        "biolink:causes": 1}
