"""A string parameter reaches the query as written: non-ASCII characters and escapes together (issue 17, item 12:
``"café\\n"`` once arrived as ``cafÃ©`` followed by a newline, read through Latin-1).

The parameters of ``kg query`` are those a query page or a notebook passes too, through the same binding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.sparql.terms import parse_value

from .servers import run_kg

ECHO = "SELECT ?value (STRLEN(?value) AS ?length) WHERE { }"


@pytest.mark.parametrize(("written", "expected"), [
    ('"café\\n"', "café\n"),
    ('"naïve \\"quoted\\" \\u00e0 \\U0001F600"', 'naïve "quoted" à \U0001F600'),
    ('"東京\\t大阪"', "東京\t大阪"),
    ("café", "café"),
])
def test_kg_query_binds_a_string_as_written(built_store: Path, written: str, expected: str) -> None:
    done = run_kg("query", "--store", str(built_store), "-e", ECHO, "-p", f"value={written}", "--format", "json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["results"]["bindings"]
    assert row["value"] == {"type": "literal", "value": expected}
    assert row["length"]["value"] == str(len(expected))  # the query saw these characters, not their bytes


@pytest.mark.parametrize("kind", ["string", None])
def test_a_declared_string_and_an_untyped_value_read_escapes_alike(kind: str | None) -> None:
    assert parse_value('"café\\n \\u00e0"', kind).value == "café\n à"
