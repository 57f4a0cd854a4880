"""A small Python API for notebooks and scripts: open the graph, run queries, get rows or DataFrames.

>>> from kg.api import Graph                                   # doctest: +SKIP
>>> graph = Graph.open()                                       # the store built by `kg build` # doctest: +SKIP
>>> graph.query("adverse-effects", drug="CHEBI:6121").to_dataframe()  # doctest: +SKIP
>>> graph.viz("claims", categories=["efficacy"])                # an interactive graph, inline # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import StoreError
from .settings import store_dir
from .sparql import HttpAuth, OxigraphBackend, QueryInfo, QueryResult, RdflibBackend, RemoteBackend, run
from .sparql.library import find_query, load_library, parse_query
from .store import read_only

if TYPE_CHECKING:
    from .audit import Evidence
    from .viz import InlinePage

__all__ = ["Graph"]


class Graph:
    """The built graph (or a remote endpoint), ready for questions."""

    def __init__(self, backend: OxigraphBackend | RdflibBackend | RemoteBackend, store: ox.Store | None = None
                 ) -> None:
        self.backend = backend
        self._store = store

    @classmethod
    def open(cls, store: str | Path | None = None, *, engine: str = "oxigraph") -> Graph:
        """Open the store built by ``kg build``: ``store``, else ``$KG_STORE``, else ``./.kg/store``.

        Args:
            store: the store folder.
            engine: ``oxigraph`` (default) or ``rdflib`` (an in-memory copy, for comparison).

        Raises:
            NotFoundError: there is no store there: run ``kg build`` first.
            StoreError: the folder is not a store.
        """
        opened = read_only(store_dir(store))
        backend = OxigraphBackend(opened) if engine == "oxigraph" else RdflibBackend.from_store(opened)
        return cls(backend, opened)

    @classmethod
    def remote(cls, endpoint: str, *, user: str | None = None, password: str | None = None, auth: str = "basic",
               timeout: float = 30.0, default_graph: str | None = None) -> Graph:
        """Use a remote SPARQL 1.1 endpoint instead of the local store.

        ``default_graph`` names the graph queries read without ``GRAPH`` (sent as ``default-graph-uri``), e.g. the
        statement graph ``kg push`` fills on Virtuoso.
        """
        return cls(RemoteBackend(endpoint, user=user, password=password, auth=HttpAuth(auth), timeout=timeout,
                                 default_graph=default_graph))

    @property
    def store(self) -> ox.Store:
        """The underlying pyoxigraph store (local graphs only)."""
        if self._store is None:
            raise StoreError("a remote graph has no local store")
        return self._store

    def queries(self) -> dict[str, QueryInfo]:
        """Return the query library, by name."""
        return load_library()

    def query(self, query: str, *, limit: int | None = None, timeout: float | None = None, **params: Any
              ) -> QueryResult:
        """Run a library query by name, a ``.rq`` file, or SPARQL text, with parameters as keyword arguments.

        Raises:
            QueryError: bad syntax, unknown name, missing or extra parameter, or a bad value.
            QueryTimeout: the query ran past ``timeout`` seconds.
        """
        info = parse_query(query, name="the query") if _looks_like_sparql(query) else find_query(query)
        return run(info, self.backend, {k: v for k, v in params.items() if v is not None}, limit=limit,
                   timeout=timeout)

    def viz(self, view: str = "entities", *, doc: str | None = None, query: str | None = None,
            params: dict[str, str] | None = None, categories: list[str] | None = None,
            modalities: list[str] | None = None, title: str | None = None, layout: str = "auto",
            height: int = 720, out: str | Path | None = None) -> InlinePage:
        """Draw a view of the graph as the interactive page of ``kg viz``, shown inline in a notebook cell.

        The whole page travels inside the cell (an ``<iframe srcdoc>``), so it shows in Jupyter, VS Code, Colab
        and remote servers alike; ``out`` also writes it to a file. The arguments are those of
        :func:`kg.viz.build_view` and :func:`kg.viz.render_html`.

        Raises:
            UsageError: unknown view, category, modality or document; nothing to draw; a result too large.
            NotFoundError: no such query.
            QueryError: the query or its parameters are malformed.
        """
        from .viz import build_view, default_title, render_html, show

        graph = build_view(self.store, view=view, doc=doc, query=query, params=params, categories=categories,
                           modalities=modalities)
        page = show(render_html(graph, title=title or default_title(view, doc=doc, query=query), layout=layout),
                    height=height)
        if out is not None:
            page.save(out)
        return page

    def audit(self, *, subject: str | None = None, predicate: str | None = None, obj: str | None = None,
              category: str | None = None, exact: bool = False, rules: str | Path | None = None) -> Evidence:
        """Return the evidence on a question: its claims by stance, with certainty and reasons (see :mod:`kg.audit`).

        ``kg.audit.write(evidence, "markdown")`` writes it out; in a notebook the result shows as Markdown.

        Raises:
            StoreError: the graph is a remote endpoint; the audit reads a local store.
        """
        from .audit import audit

        return audit(self.store, subject=subject, predicate=predicate, obj=obj, category=category, exact=exact,
                     rules=rules)

    def close(self) -> None:
        """Release the store."""
        self._store = None
        self.backend = None  # type: ignore[assignment]

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
                 ) -> None:
        self.close()


def _looks_like_sparql(text: str) -> bool:
    return any(word in text.upper() for word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")) and (
        "{" in text or "\n" in text)
