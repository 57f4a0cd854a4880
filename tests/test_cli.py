"""The command line: help on every command, the main job end to end, resources found from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.cli import COMMANDS as COMMAND_LIST
from kg.cli import cli, cli_hint, main
from kg.errors import Hint, Setting, python_hint

from .conftest import DATA, REPO

COMMANDS = sorted(cli.commands)


def test_the_foundation_commands_exist() -> None:
    assert {"add", "build", "validate", "stats", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: kg {command} [OPTIONS]")
    if command not in ("add", "dev"):
        assert "--data" in out or "--store" in out


def test_every_command_is_in_the_list_the_group_is_built_from() -> None:
    assert sorted(command.name or "" for command in COMMAND_LIST) == COMMANDS


def test_build_validate_stats_from_another_folder_through_the_environment(tmp_path: Path) -> None:
    """The installed command finds the ontology and shapes wherever it runs; data and store come from the env."""
    env = {**os.environ, "KG_DATA": str(DATA), "KG_STORE": str(tmp_path / "store")}
    kg = [sys.executable, "-m", "kg.cli"]
    for args in (["build"], ["validate"], ["stats"]):
        done = subprocess.run([*kg, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert "claims            69" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_errors_are_one_line_without_traceback_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "stats", "--store", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: no store at ")
    assert "run `kg build` first" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_store_is_named_as_the_flag_on_the_command_line_and_as_the_keyword_in_python(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.api import Graph
    from kg.errors import NotFoundError

    missing = tmp_path / "none"
    assert main(["stats", "--store", str(missing)]) == 2
    assert capsys.readouterr().err == (f"Error: no store at {missing}: run `kg build` first (or pass --store DIR / "
                                       "set KG_STORE)\n")
    with pytest.raises(NotFoundError) as raised:
        Graph.open(missing)
    assert str(raised.value) == f"no store at {missing}: run `kg build` first (or pass store=DIR)"
    assert "--store" not in str(raised.value)


@pytest.mark.parametrize("hint", [Hint(setting, another=another) for setting in Setting for another in (False, True)],
                         ids=str)
def test_every_hint_has_words_on_the_command_line_and_in_python(hint: Hint) -> None:
    assert f"--{hint.setting}" in cli_hint(hint)
    assert "=DIR" in python_hint(hint) and "--" not in python_hint(hint)


def test_export_to_stdout_is_sorted_nquads(built_store: Path, capsys: pytest.CaptureFixture[bytes]) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "export", "--store", str(built_store), "--format",
                           "nquads", "--out", "-"], capture_output=True, timeout=60)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines == sorted(lines) and len(lines) > 5000


def test_export_into_a_missing_folder_is_a_usage_error(built_store: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "no" / "such" / "graph.trig"
    assert main(["export", "--store", str(built_store), "--format", "trig", "--out", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not out.parent.exists()


def test_wheel_carries_the_ontology_shapes_and_context(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp_path), str(REPO)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for resource in ("cekg.ttl", "shapes.ttl", "context.jsonld"):
        assert f"kg/_resources/ontology/{resource}" in names
    assert "kg/py.typed" in names
