"""The settings that come from the environment, and the default locations, in one place.

Only the entry points read the environment: the command line (its options take their variable names and
defaults from here) and the openers of the Python API (:meth:`kg.api.Graph.open`, :mod:`kg.notebook`). Everything
below them takes each setting as an argument.

>>> store_dir("elsewhere/store").as_posix()
'elsewhere/store'
>>> Env.STORE.value
'KG_STORE'
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

__all__ = [
    "DEFAULT_DATA",
    "DEFAULT_STORE",
    "Env",
    "configured_store",
    "debug",
    "endpoint_credentials",
    "oxigraph_data",
    "oxigraph_port",
    "store_dir",
]

#: The data folder (documents, claims, entities.yaml) when none is given.
DEFAULT_DATA = Path("data")

#: The store folder that ``kg build`` fills when none is given.
DEFAULT_STORE = Path(".kg/store")


class Env(StrEnum):
    """Every environment variable the package reads."""

    STORE = "KG_STORE"
    DATA = "KG_DATA"
    DEBUG = "KG_DEBUG"
    MAX_DOCUMENT_BYTES = "KG_MAX_DOCUMENT_BYTES"
    ENDPOINT_USER = "KG_ENDPOINT_USER"
    ENDPOINT_PASSWORD = "KG_ENDPOINT_PASSWORD"
    OXIGRAPH_PORT = "KG_OXIGRAPH_PORT"
    OXIGRAPH_DATA = "KG_OXIGRAPH_DATA"
    SIGN_PASSPHRASE = "KG_SIGN_PASSPHRASE"


def _get(variable: Env) -> str | None:
    # An empty variable counts as unset, as it does for the command line's options.
    return os.environ.get(variable.value) or None


def configured_store() -> Path | None:
    """Return the store folder ``$KG_STORE`` names, or None when it is not set."""
    value = _get(Env.STORE)
    return Path(value) if value else None


def store_dir(store: str | Path | None = None) -> Path:
    """Return the store folder: *store*, else ``$KG_STORE``, else ``./.kg/store``."""
    if store:
        return Path(store)
    return configured_store() or DEFAULT_STORE


def debug() -> bool:
    """Return whether ``$KG_DEBUG`` asks for tracebacks (any non-empty value does)."""
    return _get(Env.DEBUG) is not None


def endpoint_credentials() -> tuple[str | None, str | None]:
    """Return the user and password for a remote endpoint: ``$KG_ENDPOINT_USER``, ``$KG_ENDPOINT_PASSWORD``.

    Credentials come only from the environment, never from the command line, where other users could read them.
    """
    return os.environ.get(Env.ENDPOINT_USER.value), os.environ.get(Env.ENDPOINT_PASSWORD.value)


def oxigraph_port() -> int | None:
    """Return the port ``$KG_OXIGRAPH_PORT`` asks the local Oxigraph server to use, or None when it is not set."""
    value = _get(Env.OXIGRAPH_PORT)
    return int(value) if value else None


def oxigraph_data() -> Path | None:
    """Return the data folder ``$KG_OXIGRAPH_DATA`` gives the local Oxigraph server, or None when it is not set."""
    value = _get(Env.OXIGRAPH_DATA)
    return Path(value) if value else None
