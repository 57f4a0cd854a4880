"""The generated references must equal what the CLI and the ontology give today."""

from __future__ import annotations

from kg.reference import commands_markdown, targets, vocabulary_markdown

from .conftest import REPO


def test_generated_references_are_up_to_date() -> None:
    for path, expected in targets(REPO).items():
        assert path.is_file(), f"{path.relative_to(REPO)} is missing: run `make reference`"
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path.relative_to(REPO)} is out of date: run `make reference` and commit the result")


def test_command_reference_holds_every_command_and_its_options() -> None:
    text = commands_markdown()
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
    assert "13 classes, 30 claim predicates" in text
