"""Helpers for notebooks: find the built graph from wherever the notebook runs, and fail with a message, not a trace.

>>> from kg.notebook import open_graph     # doctest: +SKIP
>>> graph = open_graph()                   # the store that `make run` built # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .api import Graph
from .errors import KGError, NotFoundError
from .settings import configured_store, oxigraph_data, oxigraph_port

if TYPE_CHECKING:
    from .localserver import OxigraphServer

__all__ = ["ClaimTrace", "GraphNotBuilt", "NotebookStop", "find_store", "open_graph", "start_local_server",
           "trace_claim"]

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
    configured = configured_store()
    if configured is not None:
        return configured
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


@dataclass(frozen=True)
class ClaimTrace:
    """One claim traced back to its words: the sentence of its document that holds the quote, and its record.

    Attributes:
        claim_id: the claim's id in its claims file.
        document_title: the title of the document that makes the claim.
        document: the document's IRI.
        before: the words of the sentence before the quote.
        quote: the quote, exactly as at ``start``..``end`` of the document's text.
        after: the words of the sentence after the quote.
        start: the quote's first character in the text.
        end: the character just past the quote.
        quote_found: the stored text holds the quote at these offsets.
        hash_matches: the anchor was made on the text now stored (same SHA-256).
        curated_by: who curated the claim, and how (``manual`` or ``text-mining``).
    """

    claim_id: str
    document_title: str
    document: str
    before: str
    quote: str
    after: str
    start: int
    end: int
    quote_found: bool
    hash_matches: bool
    curated_by: str

    @property
    def sentence(self) -> str:
        """The sentence that holds the quote."""
        return f"{self.before}{self.quote}{self.after}"

    def __str__(self) -> str:
        return (f"{self.claim_id} ({self.document_title}, characters {self.start}-{self.end}):\n"
                f"  {self.before}»{self.quote}«{self.after}")

    def _repr_html_(self) -> str:
        from html import escape

        checks = "quote at its offsets" if self.quote_found else "QUOTE NOT AT ITS OFFSETS"
        checks += ", same text as curated" if self.hash_matches else ", TEXT CHANGED SINCE CURATION"
        return (f"<p><b>{escape(self.claim_id)}</b> in <i>{escape(self.document_title)}</i>, characters "
                f"{self.start}-{self.end} ({escape(checks)}; {escape(self.curated_by)})</p>"
                f"<blockquote>{escape(self.before)}<mark>{escape(self.quote)}</mark>{escape(self.after)}</blockquote>")


_TEXT_QUERY = """PREFIX cekg: <https://w3id.org/cekg/vocab#>
SELECT ?document ?text WHERE { ?document cekg:text ?text }"""


def trace_claim(graph: Graph, claim_id: str) -> ClaimTrace:
    """Trace a claim back to the sentence of its document that holds its quote, checking the anchor on the way.

    Raises:
        NotFoundError: no claim has this id.
    """
    from .extract.sentences import sentence_around

    rows = graph.query("claim-provenance", claimId=claim_id).values()
    if not rows:
        raise NotFoundError(f"no claim has the id {claim_id!r}: see the claimId column of "
                            "graph.query('claim-provenance')")
    row = rows[0]
    document = str(row["document"])
    texts = graph.query(_TEXT_QUERY, document=document).values()
    text = str(texts[0]["text"]) if texts else ""
    start, end = int(str(row["start"])), int(str(row["end"]))
    before, quote, after = sentence_around(text, start, end, str(row["quote"]))
    return ClaimTrace(claim_id=claim_id, document_title=str(row["documentTitle"]), document=document,
                      before=before, quote=quote, after=after, start=start, end=end,
                      quote_found=row["quoteFound"] == "true", hash_matches=row["hashMatches"] == "true",
                      curated_by=f"{row['curatorLabel']}, {row['curationMethod']}")


def start_local_server(location: str | Path = "oxigraph-data", *, port: int | None = None) -> OxigraphServer:
    """Start a local ``oxigraph serve`` for a notebook, on loopback; stop it with ``server.stop()``.

    The port is *port*, else ``$KG_OXIGRAPH_PORT``, else a free one; the data folder *location*, else
    ``$KG_OXIGRAPH_DATA``. When the server cannot start, nothing is left running.

    Raises:
        NotebookStop: the port is taken, ``oxigraph`` is not installed, or the server failed to start; the message
            says what to do.
    """
    from .localserver import start_oxigraph

    chosen = port if port is not None else oxigraph_port()
    folder = oxigraph_data() or Path(location)
    try:
        return start_oxigraph(folder, port=chosen)
    except KGError as err:
        raise NotebookStop(f"the local Oxigraph server could not start: {err}. Nothing was left running; fix the "
                           "cause and run this cell again.") from err
