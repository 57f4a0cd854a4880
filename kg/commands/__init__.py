"""The ``kg`` subcommands, and the pieces they share: common options, messages, progress bars, and the words
the command line puts in library messages (its flags, where the library names a setting or an option).

Each module here holds one command or one family of related commands; :mod:`kg.cli` puts them in the ``kg``
group from an explicit list. The options take their environment variables and defaults from :mod:`kg.settings`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import Hint, Mention, Option, Setting
from ..settings import DEFAULT_DATA, DEFAULT_STORE, Env

__all__ = ["cli_hint", "data_option", "err", "progress", "store_option"]

F = TypeVar("F", bound=Callable[..., Any])

_DATA_HELP = f"Data folder: documents, claims, entities.yaml. [env {Env.DATA}; default ./{DEFAULT_DATA.as_posix()}]"
_STORE_HELP = f"Store folder. [env {Env.STORE}; default ./{DEFAULT_STORE.as_posix()}]"


def data_option(func: F) -> F:
    """Add ``--data DIR`` (the data folder, ``$KG_DATA``, default ``./data``) to a command, as ``data_dir``."""
    return click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
                        envvar=Env.DATA.value, default=DEFAULT_DATA, show_envvar=False, help=_DATA_HELP)(func)


def store_option(func: F) -> F:
    """Add ``--store DIR`` (the store folder, ``$KG_STORE``, default ``./.kg/store``) to a command, as ``store_dir``."""
    return click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                        envvar=Env.STORE.value, default=DEFAULT_STORE, help=_STORE_HELP)(func)


#: Each hint of a library error in the words of the command line: its flag and environment variable.
_PHRASES = {
    Hint(Setting.STORE): f"pass --store DIR / set {Env.STORE}",
    Hint(Setting.DATA): f"pass --data DIR (or set {Env.DATA})",
    Hint(Setting.STORE, another=True): "choose another --store",
    Hint(Setting.DATA, another=True): "choose another --data",
}

#: How the command line sets each option a library message may name: the flag of the command's click option (with
#: the environment variable it also reads), or the environment variable where there is no flag.
_FLAGS = {
    Option.OUT: "--out",
    Option.VIEW: "--view",
    Option.FORMAT: "--format",
    Option.LICENCE: "--licence",
    Option.BASE_URL: "--base-url",
    Option.SPARQL_ENDPOINT: "--sparql-endpoint",
    Option.QUERY: "--query",
    Option.DOC: "--doc",
    Option.CATEGORY: "--category",
    Option.MODALITY: "--modality",
    Option.MAX_TRIPLES: "--max-triples",
    Option.DEFAULT_GRAPH: "--default-graph",
    Option.BATCH_SIZE: "--batch-size",
    Option.GRAPH_STORE: "--graph-store",
    Option.PORT: "--port",
    Option.MAX_BYTES: f"--max-bytes (or {Env.MAX_DOCUMENT_BYTES})",
    Option.TITLE: "--title",
    Option.ID: "--id",
    Option.AUTH: "--auth",
    Option.TIMEOUT: "--timeout",
    Option.USER: Env.ENDPOINT_USER.value,
    Option.PASSWORD: Env.ENDPOINT_PASSWORD.value,
    Option.INCLUDE_PROPOSED: "--include-proposed",
    Option.FULL: "--full",
    Option.ALLOW_SERVICE: "--allow-service",
    Option.HOST_NAME: "--host-name",
    Option.CORS: "--cors",
    Option.MEMORY: "--memory",
    Option.MAX_ANSWER: "--max-answer",
    Option.HEAVY_WORKERS: "--heavy-workers",
}


def cli_hint(said: Hint | Mention) -> str:
    """Word a library error's hint or option as the command line's flag, e.g. ``pass --store DIR / set KG_STORE``."""
    if isinstance(said, Hint):
        return _PHRASES[said]
    flag = _FLAGS[said.option]
    return flag if said.value is None else f"{flag} {said.value}"


def err(message: str) -> None:
    """Print a message on standard error."""
    click.echo(message, err=True)


def progress(label: str) -> Callable[[Iterable[Any]], Iterable[Any]]:
    """Return a wrapper that shows a progress bar labelled *label* on stderr over long runs of claims."""
    def wrap(items: Iterable[Any]) -> Iterable[Any]:
        from tqdm import tqdm

        sized = list(items)
        # Only long builds get a bar; tqdm hides it by itself when stderr is not a terminal.
        bar: Iterable[Any] = tqdm(sized, desc=label, unit="claim", disable=None if len(sized) > 500 else True,
                                  file=sys.stderr)
        return bar

    return wrap
