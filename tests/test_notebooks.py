"""Every notebook runs top to bottom with a real kernel, and its cells' own checks hold."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _execute(notebook: Path, workdir: Path, *, store: Path | None, env: dict[str, str] | None = None
             ) -> nbformat.NotebookNode:
    """Run a copy of *notebook* in *workdir* (outputs never land in the source tree), with KG_STORE set."""
    copy = workdir / notebook.name
    shutil.copy(notebook, copy)
    nb = nbformat.read(copy, as_version=4)
    env_store = "" if store is None else str(store)
    # The kernel inherits the environment: KG_STORE tells kg.notebook.open_graph which store to open.
    settings = {"KG_STORE": env_store, **(env or {})}
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"import os\nos.environ.update({settings!r})"))
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb


def test_there_are_the_four_users_notebooks() -> None:
    assert [path.name for path in NOTEBOOKS] == [
        "01-explore-claims.ipynb", "02-evidence-questions.ipynb", "03-export-and-push.ipynb",
        "04-evidence-audit.ipynb"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_and_its_checks_hold(notebook: Path, built_store: Path, tmp_path: Path) -> None:
    nb = _execute(notebook, tmp_path, store=built_store)
    errors = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert errors == []
    shown = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert len(shown) >= 5, "the notebook should show its answers"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_before_the_build_says_how_to_build(notebook: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-store-here"
    with pytest.raises(CellExecutionError) as failure:
        _execute(notebook, tmp_path, store=missing)
    message = str(failure.value)
    assert "GraphNotBuilt" in message
    assert "make run" in message and str(missing) in message
    assert "Traceback" not in message and "File \"" not in message


PUSH = REPO / "notebooks" / "03-export-and-push.ipynb"


def _servers_on(location: Path) -> list[str]:
    found = subprocess.run(["pgrep", "-af", f"oxigraph serve --location {location}"], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line]


def test_push_notebook_with_a_taken_port_stops_clearly_and_leaves_no_server(built_store: Path, tmp_path: Path
                                                                             ) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CellExecutionError) as failure:
            _execute(PUSH, tmp_path, store=built_store, env={"KG_OXIGRAPH_PORT": str(port)})
    message = str(failure.value)
    assert f"NotebookStop: the local Oxigraph server could not start: port {port} on 127.0.0.1 is already in use" \
        in message
    assert "Traceback" not in message
    assert _servers_on(tmp_path / "oxigraph-data") == []


def test_push_notebook_whose_server_fails_to_start_stops_clearly_and_leaves_no_server(built_store: Path,
                                                                                       tmp_path: Path) -> None:
    broken = tmp_path / "broken-data"
    broken.mkdir()
    (broken / "CURRENT").write_text("not a database\n")
    (broken / "IDENTITY").mkdir()
    with pytest.raises(CellExecutionError) as failure:
        _execute(PUSH, tmp_path, store=built_store, env={"KG_OXIGRAPH_DATA": str(broken)})
    message = str(failure.value)
    assert "NotebookStop: the local Oxigraph server could not start: oxigraph serve stopped before answering" in message
    assert "Nothing was left running" in message and "Traceback" not in message
    assert _servers_on(broken) == []
