"""The query library: ``queries/*.rq`` files with a header that documents them.

Header grammar (comment lines before the first ``PREFIX``)::

    # title: Adverse effects claimed for a drug
    # summary: Every adverse effect a document claims for the drug, ...
    #   continuation lines start with "#" and spaces
    # param: drug iri optional -- the drug, e.g. CHEBI:6121; unbound means every drug
    # column: effect -- the adverse effect

A parameter is a variable of the query that is bound to an RDF term before it runs; an optional parameter left
unbound means "all".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NotFoundError, QueryError
from ..resources import queries_dir
from .binding import query_form
from .result import QueryForm

__all__ = ["PARAM_TYPES", "Param", "QueryInfo", "find_query", "load_library", "parse_query"]

PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)(?:\s+(?P<need>required|optional))?"
                    r"\s*(?:--\s*(?P<doc>.*))?$")


@dataclass(frozen=True)
class Param:
    """A parameter of a query: a variable bound to a term of the given type."""

    name: str
    type: str
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class QueryInfo:
    """A query with its documentation."""

    name: str
    text: str
    form: QueryForm
    title: str = ""
    summary: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    path: Path | None = field(default=None, compare=False)

    def param(self, name: str) -> Param | None:
        """Return the declared parameter ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)


def parse_query(text: str, *, name: str = "query", path: Path | None = None) -> QueryInfo:
    """Read a query and its header.

    Raises:
        QueryError: the header is malformed or the text has no query form.
    """
    fields: dict[str, list[str]] = {"title": [], "summary": [], "param": [], "column": []}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            current = None
            continue
        body = stripped[1:]
        match = re.match(r"^\s?(title|summary|param|column):\s*(.*)$", body)
        if match:
            current = match.group(1)
            fields[current].append(match.group(2).strip())
        elif current and body.startswith("  ") and body.strip():
            fields[current][-1] += " " + body.strip()
        else:
            current = None
    params = []
    for spec in fields["param"]:
        found = _PARAM.match(spec)
        if not found or found.group("type") not in PARAM_TYPES:
            raise QueryError(f"{path or name}: malformed header line 'param: {spec}': write 'param: NAME TYPE "
                             f"[required|optional] -- description' with TYPE one of {', '.join(PARAM_TYPES)}")
        params.append(Param(found.group("name"), found.group("type"), found.group("need") == "required",
                            found.group("doc") or ""))
    columns = []
    for spec in fields["column"]:
        column, _, doc = spec.partition("--")
        columns.append((column.strip().lstrip("?"), doc.strip()))
    form = query_form(text)
    if form is None:
        raise QueryError(f"{path or name}: no SELECT, CONSTRUCT, ASK or DESCRIBE found: is this a SPARQL query?")
    return QueryInfo(name=name, text=text, form=form, title=" ".join(fields["title"]),
                     summary=" ".join(fields["summary"]), params=tuple(params), columns=tuple(columns), path=path)


def load_library(folder: Path | None = None) -> dict[str, QueryInfo]:
    """Return every query of the library, by name, sorted by name."""
    folder = folder or queries_dir()
    return {path.stem: parse_query(path.read_text(encoding="utf-8"), name=path.stem, path=path)
            for path in sorted(folder.glob("*.rq"))}


def find_query(reference: str, library: dict[str, QueryInfo] | None = None) -> QueryInfo:
    """Return a query of the library by name, or a query file by path.

    Raises:
        NotFoundError: no such query; the message suggests close names.
    """
    path = Path(reference)
    if reference.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise NotFoundError(f"no query file {reference}: check the path")
        return parse_query(path.read_text(encoding="utf-8"), name=path.stem, path=path)
    library = load_library() if library is None else library
    if reference in library:
        return library[reference]
    close = difflib.get_close_matches(reference, list(library), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "list them with `kg queries`"
    raise NotFoundError(f"no query named {reference!r} in the library: {hint}")
