"""The local Oxigraph server of the notebooks: started on loopback, stopped whatever happens, clear when it fails."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from kg.errors import EndpointError, UsageError
from kg.localserver import OxigraphServer, start_oxigraph


def test_a_server_starts_answers_and_stops(tmp_path: Path) -> None:
    with start_oxigraph(tmp_path / "data") as server:
        assert server.running and server.host == "127.0.0.1"
        with urllib.request.urlopen(server.query_url + "?query=ASK%7B%7D", timeout=5) as answer:
            assert b"\"boolean\":true" in answer.read()
    assert not server.running
    server.stop()  # twice is harmless


def test_a_taken_port_is_refused_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=rf"port {port} on 127.0.0.1 is already in use: .*choose another port"):
            start_oxigraph(tmp_path / "data", port=port)
    assert not (tmp_path / "data").exists()


def test_a_server_that_fails_to_start_is_reported_and_not_left_running(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[OxigraphServer] = []
    original = OxigraphServer.__init__

    def remember(self: OxigraphServer, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        started.append(self)

    monkeypatch.setattr(OxigraphServer, "__init__", remember)
    # A data folder that is a file cannot be opened: the server exits at once.
    location = tmp_path / "data"
    location.mkdir()
    (location / "CURRENT").write_text("not a database\n")
    (location / "IDENTITY").mkdir()
    with pytest.raises(EndpointError, match=r"oxigraph serve stopped before answering \(exit \d+\): .+log: "):
        start_oxigraph(location, timeout=20)
    assert len(started) == 1 and not started[0].running
