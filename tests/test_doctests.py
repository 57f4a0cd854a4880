"""The ``>>>`` examples in every module of the package run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import kg

REPO = Path(__file__).resolve().parents[1]
MODULES = sorted(info.name for info in pkgutil.walk_packages(kg.__path__, prefix="kg."))

#: Modules whose docstrings hold examples; a module that loses them all fails here rather than passing quietly.
WITH_EXAMPLES = ("kg.iris", "kg.sparql.terms", "kg.documents.links", "kg.documents.formats", "kg.shacl.sparql",
                 "kg.export", "kg.export.jsonld", "kg.export.kgx", "kg.viz.model", "kg.viz.graph", "kg.viz.page",
                 "kg.extract", "kg.extract.sentences", "kg.extract.lexicon", "kg.extract.quantities",
                 "kg.extract.citations", "kg.extract.score", "kg.extract.proposal", "kg.certainty", "kg.audit.render")


def test_every_module_of_the_package_is_collected() -> None:
    assert {"kg.cli", "kg.iris", "kg.build", "kg.shacl.engine", "kg.sparql.library"} <= set(MODULES)
    assert set(WITH_EXAMPLES) <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {module} fail"
    if module in WITH_EXAMPLES:
        assert result.attempted > 0, f"{module} no longer shows any example"
