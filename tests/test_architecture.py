"""The shape of the package: layers that import only downwards, modules and functions of a readable size.

docs/architecture.md draws the same layers; when a module moves, both change together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"

#: Each top-level module or subpackage of ``kg`` and its layer: a module imports only from lower layers.
LAYERS: dict[str, int] = {
    # foundations: the errors, then what every layer may use (settings, files, packaged resources, HTML text)
    "kg.errors": 0,
    "kg._yaml": 1, "kg.files": 1, "kg.resources": 1, "kg.settings": 1, "kg.html": 1, "kg.lock": 1, "kg.swap": 1,
    # the package's version, the vocabulary, store compaction, the one place IRIs are minted, the store on disk
    "kg": 2, "kg.vocab": 2, "kg.compact": 2, "kg.iris": 3, "kg.store": 3,
    # the domain model and the data folder read into it
    "kg.model": 4, "kg.certainty": 4, "kg.documents": 5, "kg.entities": 5, "kg.claims": 5, "kg.corpus": 6,
    # from the data folder to the store
    "kg.build": 7, "kg.extract": 7, "kg.incremental": 8,
    # reading the store
    "kg.sparql": 9, "kg.shacl": 9, "kg.validate": 10,
    # views over the store
    "kg.viz": 11, "kg.export": 11, "kg.push": 11, "kg.serve": 11, "kg.stats": 11, "kg.localserver": 11,
    "kg.canonical": 11, "kg.reference": 11,
    # the evidence audit, over the store reader and the exports' claim names
    "kg.audit": 12,
    "kg.api": 13, "kg.notebook": 14,
    # the command line
    "kg.commands": 15, "kg.cli": 16,
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _imports(path: Path) -> list[tuple[int, str]]:
    """Return the ``kg`` modules *path* imports, with the line of each import."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, target) for line, target in found if target == "kg" or target.startswith("kg.")]


def test_every_module_has_a_layer() -> None:
    unplaced = sorted({_top(_name(path)) for path in _modules()} - set(LAYERS))
    assert unplaced == [], f"give these a layer in LAYERS and in docs/architecture.md: {unplaced}"


def test_modules_import_only_from_lower_layers() -> None:
    upward = []
    for path in _modules():
        here = _top(_name(path))
        for line, target in _imports(path):
            there = _top(target)
            if there != here and LAYERS.get(there, -1) >= LAYERS.get(here, -1):
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} (layer "
                              f"{LAYERS.get(there)}) from layer {LAYERS.get(here)}")
    assert upward == []


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_module_and_functions_are_of_a_readable_size(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= 500, f"{path.name} has {text.count(chr(10))} lines: make it a subpackage"
    long = [f"{node.name} ({node.lineno}-{node.end_lineno})" for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (node.end_lineno or node.lineno) - node.lineno + 1 > 80]
    assert long == [], f"functions over 80 lines in {path.name}: split them"


def test_the_cli_module_only_assembles_the_group() -> None:
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    commands = [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                and any("command" in ast.unparse(decorator) for decorator in node.decorator_list)]
    assert commands == [], f"commands defined in kg/cli.py, move them to kg/commands/: {commands}"
