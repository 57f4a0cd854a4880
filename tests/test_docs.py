"""The guides' examples are true: each query shown runs and gives the output printed under it."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.sparql import OxigraphBackend, parse_query, run
from kg.sparql.formats import render

DOCS = Path(__file__).resolve().parent.parent / "docs"
_EXAMPLE = re.compile(r"```sparql\n(?P<query>.*?)```\n\n```text\n(?P<output>.*?)```", re.DOTALL)


def _examples() -> list[tuple[str, str]]:
    return [(m.group("query"), m.group("output")) for m in _EXAMPLE.finditer((DOCS / "querying.md").read_text())]


def test_the_querying_guide_has_ten_worked_questions() -> None:
    assert len(_examples()) == 10


@pytest.mark.parametrize("number", range(10))
def test_each_worked_question_gives_the_printed_output(number: int, store: ox.Store) -> None:
    query, output = _examples()[number]
    result = run(parse_query(query), OxigraphBackend(store))
    assert render(result, "table").decode() == output, "rerun the query and paste its output into docs/querying.md"


def test_the_readme_query_gives_the_printed_answer(store: ox.Store) -> None:
    readme = (DOCS.parent / "README.md").read_text()
    query, output = _EXAMPLE.search(readme).group("query", "output")  # type: ignore[union-attr]
    assert render(run(parse_query(query), OxigraphBackend(store)), "table").decode() == output


def test_the_vocabulary_guide_counts_its_example_answers_right(store: ox.Store) -> None:
    text = (DOCS / "vocabulary.md").read_text()
    found = re.findall(r"```sparql\n(.*?)```\n\nOn the bundled corpus this returns (\d+) claims", text, re.DOTALL)
    assert found, "docs/vocabulary.md shows a query with the number of claims it returns"
    for query, count in found:
        assert len(run(parse_query(query), OxigraphBackend(store)).rows) == int(count)
