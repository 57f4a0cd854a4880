"""Shared fixtures: the repository's data folder, the corpus loaded from it, and a store built from it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import corpus_quads
from kg.corpus import Corpus, load_corpus
from kg.store import open_store, write_store

from .servers import KG, Spawned, free_port, spawn, stop, wait_until_up

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The bundled corpus, loaded and checked."""
    return load_corpus(DATA)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, corpus: Corpus) -> Path:
    """A store built once from the bundled corpus; tests must not write to it."""
    store_dir = tmp_path_factory.mktemp("built") / "store"
    write_store(store_dir, corpus_quads(corpus))
    return store_dir


@pytest.fixture()
def store(built_store: Path) -> Iterator[ox.Store]:
    """The built store, opened read-only."""
    with open_store(built_store) as opened:
        yield opened


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled data folder, free to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture()
def start(built_store: Path, tmp_path: Path) -> Iterator[Callable[..., Spawned]]:
    """Start a `kg serve` (over the built store, or ``store=``) with extra options; every one is stopped at the end."""
    started: list[Spawned] = []

    def run(*options: str, store: Path = built_store) -> Spawned:
        port = free_port()
        command = [*KG, "serve", "--store", str(store), "--port", str(port), "--quiet", *options]
        server = spawn(command, port=port, log=tmp_path / f"serve-{len(started)}.log")
        started.append(server)
        wait_until_up(server)
        return server

    yield run
    for server in started:
        stop(server)
