"""Library messages name what the caller chose without naming a command-line flag: the command line words each
option as its flag, the Python API as its keyword."""

from __future__ import annotations

import ast
import inspect
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox
import pytest

from kg.cli import cli, main
from kg.commands import cli_hint
from kg.documents import add_document
from kg.errors import KGError, Mention, Message, Option, QueryTimeout, UsageError, fill, python_hint
from kg.incremental import BuildKind, BuildResult
from kg.incremental import build as build_incrementally
from kg.push import Remote, push
from kg.serve import serve
from kg.sparql.remote import RemoteBackend
from kg.sparql.timeout import with_timeout
from kg.vocab import DocumentKind

from .conftest import REPO

PACKAGE = REPO / "kg"
# A server that is never reached: each of these calls fails on its arguments first.
NOWHERE = "http://127.0.0.1:9/sparql"


def _raised(call: Callable[[], object]) -> KGError:
    with pytest.raises(KGError) as raised:
        call()
    return raised.value


def _no_flag(message: str) -> bool:
    return re.search(r"--[a-z]", message) is None


def test_a_message_names_each_option_as_a_keyword_in_python_and_as_a_flag_on_the_command_line() -> None:
    error = UsageError(f"{Option.VIEW:nanopub} cannot be written as nt: use {Option.FORMAT:trig} or "
                       f"{Option.FORMAT:nquads}; or leave {Option.VIEW} out")
    assert error.options == (Option.VIEW, Option.FORMAT)
    assert str(error) == "view=nanopub cannot be written as nt: use fmt=trig or fmt=nquads; or leave view out"
    assert error.render(cli_hint) == ("--view nanopub cannot be written as nt: use --format trig or --format "
                                      "nquads; or leave --view out")


def test_text_that_only_looks_like_a_placeholder_is_left_as_it_is() -> None:
    text = "SELECT * { ?s ?p ?o } and {unknown} and {out=a{b}"
    assert fill(text, cli_hint) == text


@pytest.mark.parametrize("option", list(Option), ids=lambda option: option.value)
def test_every_option_has_words_in_python_and_on_the_command_line(option: Option) -> None:
    keyword, flag = python_hint(Mention(option)), cli_hint(Mention(option))
    assert keyword and _no_flag(keyword)
    assert flag.startswith(("--", "KG_"))


def _flags(command: click.Command) -> set[str]:
    found = {name for param in command.params for name in getattr(param, "opts", ()) if name.startswith("--")}
    found |= {param.envvar for param in command.params if isinstance(param.envvar, str)}
    for sub in getattr(command, "commands", {}).values():
        found |= _flags(sub)
    return found


def test_every_flag_the_command_line_names_is_an_option_of_one_of_its_commands() -> None:
    from kg.settings import Env

    known = _flags(cli) | {env.value for env in Env}
    named = {part for option in Option for part in re.findall(r"--[a-z-]+|KG_[A-Z_]+", cli_hint(Mention(option)))}
    assert named - known == set()


def _keywords(*calls: Callable[..., Any]) -> set[str]:
    return {name for call in calls for name in inspect.signature(call).parameters}


def test_every_python_keyword_is_a_parameter_of_a_library_function() -> None:
    from kg.export import export
    from kg.viz import build_view

    known = _keywords(export, build_view, add_document, push, serve, RemoteBackend, Remote, with_timeout,
                      build_incrementally)
    named = {python_hint(Mention(option)).split("=")[0] for option in Option}
    assert named - known == set()


def test_a_document_without_a_title_asks_for_the_keyword_in_python_and_the_flag_on_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Ketamine may help some people with migraine.\n", encoding="utf-8")
    error = _raised(lambda: add_document(tmp_path / "data", notes, kind=DocumentKind.NEWS))
    assert str(error) == f"{notes} is plain text, which carries no title of its own: give one with title"
    assert main(["add", str(notes), "--kind", "news", "--data", str(tmp_path / "data")]) == 2
    assert capsys.readouterr().err == (f"Error: {notes} is plain text, which carries no title of its own: give one "
                                       "with --title\n")


def test_a_bad_default_graph_is_named_as_the_keyword_in_python(store: ox.Store) -> None:
    error = _raised(lambda: push(store, Remote(NOWHERE), statements_graph="statements"))
    assert str(error).startswith("statements_graph 'statements' is not an IRI (")
    assert _no_flag(str(error))
    assert error.render(cli_hint).startswith("--default-graph 'statements' is not an IRI (")


def test_a_batch_size_below_one_is_named_as_the_keyword_in_python(store: ox.Store) -> None:
    error = _raised(lambda: push(store, Remote(NOWHERE), batch_size=0))
    assert str(error) == "batch_size=0 is too small: send at least 1 claim per request"
    assert error.render(cli_hint) == "--batch-size 0 is too small: send at least 1 claim per request"


def test_a_timeout_asks_to_raise_the_keyword_in_python_and_the_flag_on_the_command_line() -> None:
    error = _raised(lambda: with_timeout(lambda: time.sleep(0.5), 0.01, "the query"))
    assert isinstance(error, QueryTimeout)
    assert str(error) == ("the query ran past the time limit of 0.01 s: raise timeout, add a LIMIT, or narrow it "
                          "with parameters")
    assert error.render(cli_hint).startswith("the query ran past the time limit of 0.01 s: raise --timeout, ")


def test_the_reason_for_a_full_build_names_the_keyword_in_python_and_the_flag_on_the_command_line() -> None:
    result = BuildResult(BuildKind.FULL, reason=Message(f"asked with {Option.FULL}"))
    assert result.what() == "full build: asked with full=True"
    assert result.what(cli_hint) == "full build: asked with --full"
    assert str(BuildResult(BuildKind.FULL, reason=Message(f"{Option.INCLUDE_PROPOSED} changed")).reason) == (
        "include_proposed changed")


def test_a_view_that_does_not_fit_the_format_names_both_keywords_in_python(store: ox.Store, tmp_path: Path) -> None:
    from kg.export import ExportFormat, View, export

    error = _raised(lambda: export(store, ExportFormat.NTRIPLES, tmp_path / "out.nt", view=View.NANOPUB))
    assert error.options == (Option.VIEW, Option.FORMAT)
    assert str(error).startswith("view=nanopub cannot be written as ntriples: ")
    assert str(error).endswith("; use fmt=trig or fmt=nquads")
    assert error.render(cli_hint).endswith("; use --format trig or --format nquads")


def test_the_query_view_without_a_query_asks_for_the_keyword_in_python_and_the_flag_on_the_command_line(
        store: ox.Store, built_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.viz import build_view

    error = _raised(lambda: build_view(store, view="query"))
    assert str(error) == "the query view needs a query: give query=NAME (see `kg queries`) or query=FILE.rq"
    assert main(["viz", "--view", "query", "--store", str(built_store), "--out", str(tmp_path / "page.html")]) == 2
    assert capsys.readouterr().err == ("Error: the query view needs a query: give --query NAME (see `kg queries`) "
                                       "or --query FILE.rq\n")


# Files whose strings name flags or environment variables for a reason other than telling the caller what to change.
_NAMES_FLAGS_ON_PURPOSE = {
    "settings.py": "it is where the environment variables are named",
    "reference.py": "it writes the command line's reference",
    "localserver.py": "it passes flags to the oxigraph server it starts",
    "export/neo4j.py": "it writes the neo4j-admin command that imports the export",
    "notebook.py": "notebooks find their store through KG_STORE, and its messages say so",
}
# A command of another program quoted in a message (`qpdf --decrypt IN.pdf OUT.pdf`) may name that program's flags.
_OTHER_PROGRAM = re.compile(r"`(?!kg )[a-z][\w.-]* [^`]*`")
_FLAG_OR_VARIABLE = re.compile(r"--[a-z]|\bKG_[A-Z]")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _library_strings() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name == "cli.py" or name.startswith("commands/") or name in _NAMES_FLAGS_ON_PURPOSE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        found += [(name, node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]
    return found


def test_no_library_message_names_a_command_line_flag_or_environment_variable() -> None:
    """Name the option instead (``f"choose another {Option.OUT}"``): the command line words it as its flag."""
    named = [f"kg/{name}:{line}: {text!r}" for name, line, text in _library_strings()
             if _FLAG_OR_VARIABLE.search(_OTHER_PROGRAM.sub("", text))]
    assert named == []
