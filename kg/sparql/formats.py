"""Writing query results: table, CSV, TSV, SPARQL JSON and XML for SELECT; RDF syntaxes for graphs; ASK as a word.

The formats themselves, and which of them fit which query form, are in :mod:`~kg.sparql.result`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..vocab import PREFIXES
from .result import GraphFormat, QueryForm, QueryResult, SelectFormat
from .terms import short, to_json

__all__ = ["TABLE_WIDTH", "GraphFormat", "SelectFormat", "cut_values", "render"]


#: The widest a table cell is written; longer values are cut with "…" (see :func:`cut_values`).
TABLE_WIDTH = 60


def cut_values(result: QueryResult) -> int:
    """Return how many values of a SELECT answer are longer than a table cell shows (:data:`TABLE_WIDTH`)."""
    return sum(len(short(t).replace("\n", " ")) > TABLE_WIDTH for row in result.rows for t in row)


def render(result: QueryResult, fmt: str | SelectFormat | GraphFormat | None = None, *, wide: bool = False
           ) -> bytes:
    """Serialise a result in the named format (``table``, ``csv``, ``tsv``, ``json``, ``turtle``, ...).

    Args:
        result: what the query returned.
        fmt: the output format; ``None`` is the default of the result's form (a table, or Turtle for a graph).
            The answer of an ASK is written as the word ``true`` or ``false``, whatever the format.
        wide: a table keeps whole values instead of cutting them at :data:`TABLE_WIDTH` characters.

    Raises:
        FormatError: the format does not fit the result's form (a graph as a table, rows as Turtle).
    """
    form = QueryForm(result.form)
    chosen = form.default_format if fmt is None else form.check_format(str(fmt), name=result.name)
    if form is QueryForm.ASK:
        return b"true\n" if result.boolean else b"false\n"
    if isinstance(chosen, SelectFormat):
        return _select(result, chosen, wide=wide).encode("utf-8")
    triples = sorted(result.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if chosen is not GraphFormat.NTRIPLES else None
    return ox.serialize(triples, format=chosen.rdf_format, prefixes=prefixes) or b""


def _select(result: QueryResult, fmt: SelectFormat, *, wide: bool = False) -> str:
    variables = result.variables
    if fmt is SelectFormat.JSON:
        document = {"head": {"vars": variables},
                    "results": {"bindings": [{v: to_json(t) for v, t in zip(variables, row, strict=True)
                                              if t is not None} for row in result.rows]}}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt is SelectFormat.XML:
        return _xml(variables, result.rows)
    if fmt is SelectFormat.TSV:
        # SPARQL 1.1 TSV: header of ?variables, terms in their Turtle/N-Triples form.
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt is SelectFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows(["" if t is None else t.value for t in row] for row in result.rows)
        return out.getvalue()
    return _table(variables, [[short(t) for t in row] for row in result.rows], width=None if wide else TABLE_WIDTH)


def _xml(variables: list[str], rows: Iterable[Iterable[ox.NamedNode | ox.BlankNode | ox.Literal | None]]) -> str:
    """Return rows as SPARQL Query Results XML (https://www.w3.org/TR/rdf-sparql-XMLres/).

    >>> print(_xml(["x"], [[ox.Literal("a < b", language="en")]]), end="")
    <?xml version="1.0" encoding="UTF-8"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#">
      <head>
        <variable name="x"/>
      </head>
      <results>
        <result><binding name="x"><literal xml:lang="en">a &lt; b</literal></binding></result>
      </results>
    </sparql>
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
             "  <head>", *(f"    <variable name={quoteattr(v)}/>" for v in variables), "  </head>", "  <results>"]
    for row in rows:
        bindings = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                           for v, t in zip(variables, row, strict=True) if t is not None)
        lines.append(f"    <result>{bindings}</result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value == PREFIXES["xsd"] + "string":
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"


def _tsv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term).replace("\t", "\\t").replace("\n", "\\n")


def _table(variables: list[str], rows: list[list[str]], *, width: int | None = TABLE_WIDTH) -> str:
    cells = [[value if width is None or len(value) <= width else value[: width - 1] + "…" for value in row]
             for row in rows]
    cells = [[value.replace("\n", " ") for value in row] for row in cells]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(variables)]
    line = "+".join("-" * (w + 2) for w in widths)
    # Laid out like psql: a leading space so that cells sit over their part of the rule.
    out = [" " + " | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(), line]
    out += [" " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(out) + "\n"
