"""Faults injected into real processes: builds and exports killed, interrupted, terminated or run twice at once,
and queries while a build swaps the store in. Each test shows that nothing stored is lost or half written.

The builds run on a synthetic corpus (``bench.synth``) large enough that a build is caught at the point a test
aims at; that point is seen from outside, as the files the build makes appear (its lock, its staging folder, the
manifest written last), never guessed by a sleep.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.store import canonical_nquads, open_store
from tests.servers import KG, run_kg

#: A build of this many claims runs for some seconds here: long enough to be caught at each point.
CLAIMS = 3000
CLAIM_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/cekg/vocab#Claim> }"
#: The command line with the bulk loader handed small batches, so that a small build goes through many of them.
SMALL_BATCHES = [sys.executable, "-c", "import sys, kg.store; kg.store.LOAD_BATCH_BYTES = 1 << 16; "
                 "from kg.cli import main; sys.exit(main(sys.argv[1:]))"]


def _synth(out: Path, claims: int, seed: int = 1) -> Path:
    done = subprocess.run([sys.executable, "-m", "bench.synth", "--claims", str(claims), "--seed", str(seed),
                           "--out", str(out)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two data folders: the second holds the documents of the first and a few more."""
    root = tmp_path_factory.mktemp("corpora")
    bigger = _synth(root / "bigger", CLAIMS)
    smaller = root / "smaller"
    shutil.copytree(bigger, smaller)
    for document in sorted((smaller / "documents").iterdir())[-10:]:
        shutil.rmtree(document)
        (smaller / "claims" / f"{document.name}.yaml").unlink()
    return smaller, bigger


@pytest.fixture(scope="module")
def snapshots(corpora: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[Path, bytes]:
    """The canonical N-Quads a full build of each data folder gives."""
    root = tmp_path_factory.mktemp("snapshots")
    found = {}
    for data in corpora:
        done = run_kg("build", "--data", str(data), "--store", str(root / data.name), timeout=300)
        assert done.returncode == 0, done.stderr
        found[data] = _content(root / data.name)
    return found


def _content(store_dir: Path) -> bytes:
    with open_store(store_dir) as store:
        return canonical_nquads(store)


@pytest.fixture()
def old_store(tmp_path: Path, corpora: tuple[Path, Path], snapshots: dict[Path, bytes]) -> Path:
    """A store built from the smaller data folder, in a folder of its own."""
    store_dir = tmp_path / "kg" / "store"
    done = run_kg("build", "--data", str(corpora[0]), "--store", str(store_dir), timeout=300)
    assert done.returncode == 0, done.stderr
    return store_dir


def _start(*args: str, command: list[str] = KG) -> subprocess.Popen[str]:
    return subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, cwd=Path(__file__).resolve().parents[1])


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], what: str, *,
              timeout: float = 120.0) -> None:
    """Poll until ``condition`` holds; fail if the process ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            _out, err = process.communicate()
            pytest.fail(f"the process ended (exit {process.returncode}) before {what}:\n{err[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within {timeout} s")
        time.sleep(0.002)


def _staging(store_dir: Path) -> list[Path]:
    return sorted(store_dir.parent.glob(f"{store_dir.name}.building-*"))


def _beside(store_dir: Path) -> list[str]:
    return sorted(path.name for path in store_dir.parent.iterdir())


def _lock(store_dir: Path) -> Path:
    return store_dir.with_name(store_dir.name + ".lock")


def _staging_manifest(store_dir: Path) -> bool:
    return any((folder / "kg-build.json").exists() for folder in _staging(store_dir))


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


# kill -9 during builds -------------------------------------------------------------------------------------------

POINTS = {
    "reading the data": lambda store_dir: _lock(store_dir).exists(),
    "loading the store": lambda store_dir: bool(_staging(store_dir)),
    "after the manifest": _staging_manifest,
}


@pytest.mark.parametrize("point", list(POINTS))
def test_kill_9_during_a_full_build_leaves_the_old_store_and_the_next_build_tidies_up(
    point: str, old_store: Path, corpora: tuple[Path, Path], snapshots: dict[Path, bytes]
) -> None:
    smaller, bigger = corpora
    build = _start("build", "--full", "--data", str(bigger), "--store", str(old_store))
    _wait_for(lambda: POINTS[point](old_store), build, point)
    _kill(build)

    # The store opens and holds the old data; at the last point the swap may have been made just before the kill.
    held = _content(old_store)
    if point == "after the manifest":
        assert held in (snapshots[smaller], snapshots[bigger])
    else:
        assert held == snapshots[smaller]

    again = run_kg("build", "--data", str(bigger), "--store", str(old_store), timeout=300)
    assert again.returncode == 0, again.stderr
    assert _content(old_store) == snapshots[bigger]
    assert _beside(old_store) == ["store"]


def test_kill_9_during_an_incremental_build_leaves_the_old_store(
    old_store: Path, corpora: tuple[Path, Path], snapshots: dict[Path, bytes]
) -> None:
    smaller, bigger = corpora
    build = _start("build", "--data", str(bigger), "--store", str(old_store))
    _wait_for(lambda: bool(_staging(old_store)), build, "the copy of the store")
    _kill(build)

    assert _content(old_store) == snapshots[smaller]
    assert _staging(old_store)  # what the killed build left, until the next build
    again = run_kg("build", "--data", str(bigger), "--store", str(old_store), timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stderr.startswith("incremental build: 10 documents added"), again.stderr
    assert _content(old_store) == snapshots[bigger]
    assert _beside(old_store) == ["store"]


def test_an_interrupted_swap_is_put_back_by_the_next_reader(old_store: Path, corpora: tuple[Path, Path],
                                                             snapshots: dict[Path, bytes]) -> None:
    # Where folders cannot be exchanged in one step, a swap is two renames; a kill between them leaves the old
    # store under its previous name.
    os.replace(old_store, old_store.with_name("store.previous"))

    assert _content(old_store) == snapshots[corpora[0]]
    assert _beside(old_store) == ["store"]


# Interrupts and termination ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interrupted_or_terminated_build_removes_its_staging_folder(
    stop: signal.Signals, old_store: Path, corpora: tuple[Path, Path], snapshots: dict[Path, bytes]
) -> None:
    smaller, bigger = corpora
    build = _start("build", "--full", "--data", str(bigger), "--store", str(old_store), command=SMALL_BATCHES)
    _wait_for(lambda: bool(_staging(old_store)), build, "loading")
    build.send_signal(stop)
    _out, err = build.communicate(timeout=120)

    assert (build.returncode, err.splitlines()[-1]) == (130, "Aborted.")
    assert _content(old_store) == snapshots[smaller]
    assert _beside(old_store) == ["store"]


def test_ctrl_c_twice_during_a_full_build_ends_it_and_leaves_the_old_store(
    old_store: Path, corpora: tuple[Path, Path], snapshots: dict[Path, bytes]
) -> None:
    # A second interrupt while the first unwinds the build used to leave the loading thread waiting for ever on
    # its queue. Now the build ends, one way or the other (the second interrupt may end it before it tidies up).
    smaller, bigger = corpora
    build = _start("build", "--full", "--data", str(bigger), "--store", str(old_store), command=SMALL_BATCHES)
    _wait_for(lambda: bool(_staging(old_store)), build, "loading")
    for _ in range(50):
        if build.poll() is not None:
            break
        build.send_signal(signal.SIGINT)
        time.sleep(0.002)
    build.communicate(timeout=120)

    assert build.returncode in (130, -signal.SIGINT)
    assert _content(old_store) == snapshots[smaller]
    again = run_kg("build", "--data", str(bigger), "--store", str(old_store), timeout=300)
    assert again.returncode == 0, again.stderr
    assert _content(old_store) == snapshots[bigger]
    assert _beside(old_store) == ["store"]


# Two builds at once ------------------------------------------------------------------------------------------------


def test_a_second_build_while_one_runs_is_refused_and_harms_nothing(
    old_store: Path, corpora: tuple[Path, Path], snapshots: dict[Path, bytes]
) -> None:
    smaller, bigger = corpora
    first = _start("build", "--full", "--data", str(bigger), "--store", str(old_store))
    _wait_for(lambda: _lock(old_store).exists() and bool(_lock(old_store).read_text()), first, "the lock")
    second = run_kg("build", "--full", "--data", str(smaller), "--store", str(old_store), timeout=300)
    _out, err = first.communicate(timeout=300)

    assert first.returncode == 0, err
    assert second.returncode == 2
    assert re.fullmatch(rf"Error: another build \(process {first.pid}, since \d\d:\d\d:\d\d UTC\) is writing the "
                        rf"store at {re.escape(str(old_store.resolve()))}: wait for it to finish, then build again\n",
                        second.stderr), second.stderr
    assert _content(old_store) == snapshots[bigger]
    assert _beside(old_store) == ["store"]


# Queries while a build swaps the store in -------------------------------------------------------------------------

_READER = """
import sys, time
import pyoxigraph as ox
from kg.store import open_store
store_dir, stop = sys.argv[1], sys.argv[2]
from pathlib import Path
answers = set()
while not Path(stop).exists():
    with open_store(Path(store_dir)) as store:
        [row] = list(store.query(sys.argv[3]))
        answers.add(int(row["n"].value))
print(" ".join(map(str, sorted(answers))))
"""


def _claims(data: Path) -> int:
    return sum(path.read_text(encoding="utf-8").count("\n- id: ") for path in (data / "claims").glob("*.yaml"))


def test_queries_while_builds_swap_the_store_in_answer_from_one_store_or_the_other(
    tmp_path: Path, old_store: Path, corpora: tuple[Path, Path]
) -> None:
    smaller, bigger = corpora
    stop = tmp_path / "stop"
    readers = [_start(str(old_store), str(stop), CLAIM_COUNT, command=[sys.executable, "-c", _READER])
               for _ in range(2)]
    answers: set[str] = set()
    try:
        for data in (bigger, smaller, bigger, smaller):
            done = run_kg("build", "--full", "--data", str(data), "--store", str(old_store), timeout=300)
            assert done.returncode == 0, done.stderr
            query = run_kg("query", "-e", CLAIM_COUNT, "--format", "csv", "--store", str(old_store))
            assert query.returncode == 0, query.stderr
            answers.add(query.stdout.splitlines()[1])
    finally:
        stop.touch()
    seen = set()
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err
        seen |= set(out.split())
    expected = {str(_claims(smaller)), str(_claims(bigger))}
    assert answers == expected
    assert seen <= expected and seen, seen


# Exports -----------------------------------------------------------------------------------------------------------


@pytest.fixture()
def exported(tmp_path: Path, old_store: Path) -> Iterator[tuple[Path, bytes]]:
    """A previous export of the store to a file, with its content."""
    out = tmp_path / "out" / "graph.nq"
    out.parent.mkdir()
    done = run_kg("export", "--format", "nquads", "--out", str(out), "--store", str(old_store), timeout=300)
    assert done.returncode == 0, done.stderr
    yield out, out.read_bytes()


def _partials(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*.partial"))


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_an_export_stopped_midway_leaves_the_previous_file_whole(
    how: str, exported: tuple[Path, bytes], old_store: Path
) -> None:
    out, before = exported
    export = _start("export", "--format", "trig", "--out", str(out), "--store", str(old_store))
    _wait_for(lambda: any(path.stat().st_size > 0 for path in _partials(out)), export, "a partial file")
    if how == "kill -9":
        _kill(export)
        assert len(_partials(out)) == 1  # left behind, until the next export to the same place
    else:
        export.terminate()
        _out, err = export.communicate(timeout=60)
        assert (export.returncode, err.splitlines()[-1]) == (130, "Aborted.")
        assert _partials(out) == []

    assert out.read_bytes() == before
    again = run_kg("export", "--format", "nquads", "--out", str(out), "--store", str(old_store), timeout=300)
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() == before
    assert sorted(path.name for path in out.parent.iterdir()) == ["graph.nq"]
