"""Pieces shared by the ``kg`` subcommands: common options, messages, progress bars.

Each module here holds one family of commands; :mod:`kg.cli` puts them in the ``kg`` group.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

_DATA_HELP = "Data folder: documents, claims, entities.yaml. [env KG_DATA; default ./data]"
_STORE_HELP = "Store folder. [env KG_STORE; default ./.kg/store]"


def data_option(func: F) -> F:
    return click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
                        envvar="KG_DATA", default=Path("data"), show_envvar=False, help=_DATA_HELP)(func)


def store_option(func: F) -> F:
    return click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                        envvar="KG_STORE", default=Path(".kg/store"), help=_STORE_HELP)(func)


def err(message: str) -> None:
    click.echo(message, err=True)


def progress(label: str) -> Callable[[Iterable[Any]], Iterable[Any]]:
    def wrap(items: Iterable[Any]) -> Iterable[Any]:
        from tqdm import tqdm

        sized = list(items)
        # Only long builds get a bar; tqdm hides it by itself when stderr is not a terminal.
        bar: Iterable[Any] = tqdm(sized, desc=label, unit="claim", disable=None if len(sized) > 500 else True,
                                  file=sys.stderr)
        return bar

    return wrap
