"""Helpers for notebooks: find the built graph from wherever the notebook runs, and fail with a message, not a trace.

>>> from kg.notebook import open_graph     # doctest: +SKIP
>>> graph = open_graph()                   # the store that `make run` built # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

from .api import Graph
from .errors import KGError, NotFoundError

__all__ = ["GraphNotBuilt", "NotebookStop", "find_store", "open_graph"]

_HOW_TO_BUILD = ("Build it first: run `make run` at the top of the repository (or `kg build`), then run this "
                 "notebook again. To use another store, set KG_STORE to its folder.")


class NotebookStop(KGError):
    """An error a notebook shows as its message alone: IPython prints ``_render_traceback_`` instead of a trace."""

    exit_code = 2

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class GraphNotBuilt(NotebookStop, NotFoundError):
    """The graph has not been built yet."""


def find_store(start: Path | None = None) -> Path | None:
    """Return ``$KG_STORE``, else the first ``.kg/store`` found from *start* (default: here) upwards, else None."""
    configured = os.environ.get("KG_STORE")
    if configured:
        return Path(configured)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / ".kg" / "store"
        if candidate.is_dir():
            return candidate
    return None


def open_graph(store: str | Path | None = None) -> Graph:
    """Open the built graph for a notebook: *store*, else ``$KG_STORE``, else ``.kg/store`` here or above.

    Raises:
        GraphNotBuilt: no store was found, or the folder is not a built store; the message says how to build it.
    """
    path = Path(store) if store is not None else find_store()
    if path is None:
        raise GraphNotBuilt(f"the graph has not been built: no .kg/store folder here ({Path.cwd()}) or above. "
                            + _HOW_TO_BUILD)
    try:
        return Graph.open(path)
    except KGError as err:
        raise GraphNotBuilt(f"cannot open the graph at {path}: {err}. {_HOW_TO_BUILD}") from err
