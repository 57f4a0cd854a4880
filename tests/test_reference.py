"""The generated references must equal what the CLI and the ontology give today."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import cli, main
from kg.reference import commands_markdown, targets, vocabulary_markdown

from .conftest import REPO


def test_generated_references_are_up_to_date() -> None:
    for path, expected in targets(REPO, cli).items():
        assert path.is_file(), f"{path.relative_to(REPO)} is missing: run `make reference` (kg dev reference)"
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path.relative_to(REPO)} is out of date: run `make reference` (kg dev reference) and commit "
            "the result")


def test_command_reference_holds_every_command_and_its_options() -> None:
    text = commands_markdown(cli)
    for name in ("add", "build", "validate", "stats", "export", "queries", "query", "serve"):
        assert f"\n## kg {name}\n" in text
        assert f"Usage: kg {name} [OPTIONS]" in text
    assert "--include-proposed" in text
    assert "--endpoint URL" in text


def test_vocabulary_reference_holds_every_claim_predicate_and_value() -> None:
    text = vocabulary_markdown()
    assert "| `cekg:blocks` | is claimed to block |" in text
    assert "| `cekg:hasAdverseEffect` | is claimed to have the adverse effect |" in text
    assert "| `cekg:Hedged` | hedged | hedged |" in text and "`cekg:Speculative`" in text
    assert "16 classes, 30 claim predicates" in text


def test_command_reference_holds_the_maintainer_commands() -> None:
    text = commands_markdown(cli)
    for path in ("kg dev", "kg dev canonical", "kg dev reference"):
        assert f"\n## {path}\n" in text and f"- [`{path}`](#{path.replace(' ', '-')})" in text


def test_dev_canonical_checks_then_rewrites_a_file_and_names_the_command_that_fixes_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.canonical import canonical_turtle

    path = tmp_path / "small.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:b ex:p ex:c .\nex:a ex:p ex:c .\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")

    assert main(["dev", "canonical", "--check", str(path)]) == 1
    assert capsys.readouterr().err == f"not canonical: {path}; run `make canonical`\n"
    assert path.read_text(encoding="utf-8") == before

    assert main(["dev", "canonical", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == canonical_turtle(path)
    assert main(["dev", "canonical", "--check", str(path)]) == 0


def test_dev_reference_writes_the_references_under_a_root_and_says_which(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dev", "reference", str(tmp_path)]) == 0
    written = [tmp_path / "docs" / "reference" / name for name in ("commands.md", "vocabulary.md")]
    assert capsys.readouterr().out == "".join(f"wrote {path}\n" for path in written)
    assert [path.read_text(encoding="utf-8") for path in written] == list(targets(tmp_path, cli).values())
    assert main(["dev", "reference", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""
