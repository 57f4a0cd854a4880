"""Binding parameters: values checked and made terms, then joined to the query as a ``VALUES`` block.

On the embedded store and on a remote endpoint, parameters travel in a ``VALUES`` block written by the RDF
serialiser at the start of the group that binds them (:func:`with_values`): a value is only ever a term, whatever
characters it holds, and Oxigraph's planner sees the constant, so a query about one claim or one entity reads only
what concerns it. (Oxigraph's ``substitutions`` bind the variable after planning: a plan chosen for every claim
then runs for one, as slowly as for all.) rdflib takes them as ``initBindings``.

The query text is read here, and only here, as far as finding its form and its groups needs: IRIs, strings and
comments are blanked first (:func:`mask`), so a ``#`` in an IRI or a ``{`` in a string is not taken for syntax.

>>> query_form('PREFIX ex: <http://example.org/select#> ASK { ?s ex:p "SELECT" }  # CONSTRUCT')
<QueryForm.ASK: 'ASK'>
>>> mask('SELECT ?s # a comment')
'SELECT ?s            '
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import QueryError
from .result import QueryForm
from .terms import Term, parse_value

if TYPE_CHECKING:
    from .library import QueryInfo

__all__ = ["bind_params", "mask", "query_form", "with_values"]

_FORM = re.compile(r"(?<![:\w])(SELECT|CONSTRUCT|ASK|DESCRIBE)\b(?!:)", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_SUBQUERY = re.compile(r"\s*\{\s*SELECT\b", re.IGNORECASE)
_MASKED = re.compile(r'<[^<>\s"{}|^`]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                     r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def mask(text: str) -> str:
    """Return the query with its IRIs, string literals and comments blanked out, every offset kept."""
    return _MASKED.sub(lambda m: " " * len(m.group()), text)


def query_form(text: str) -> QueryForm | None:
    """Return the form of the query (its first SELECT, CONSTRUCT, ASK or DESCRIBE keyword), or None if it has none."""
    found = _FORM.search(mask(text))
    return QueryForm(found.group(1).upper()) if found else None


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """Return the query with a VALUES block binding the parameters, each written by the RDF serialiser as a term.

    The block opens the outer WHERE group, so the value joins the pattern before FILTER, OPTIONAL and GROUP BY
    see it, as a substitution would. When that group is only a subquery that selects the parameters as plain
    variables (a query ordered by an aggregate), the block opens the subquery's WHERE group instead: the answer is
    the same, and the subquery is not computed for every value first.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    terms = " ".join(str(bindings[n]) for n in names)
    variables = " ".join(f"?{n}" for n in names)
    at = _where_group(text, names)
    if at is None:
        return f"{text.rstrip()}\nVALUES ({variables}) {{ ({terms}) }}\n"
    return text[:at] + f" VALUES ({variables}) {{ ({terms}) }} " + text[at:]


def _where_group(text: str, names: Sequence[str] = ()) -> int | None:
    """Return the offset just inside the '{' of the WHERE group a VALUES block for ``names`` should open.

    IRIs, strings and comments are ignored. The outer WHERE group, or the WHERE group of a subquery that is all of
    it and selects every one of ``names`` as a plain variable.
    """
    masked = mask(text)
    form = _FORM.search(masked)
    if not form:
        return None
    start = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        where = _WHERE.search(masked, start)
        if where:
            start = where.end()
    brace = masked.find("{", start)
    if brace < 0:
        return None
    inner = _SUBQUERY.match(masked, brace + 1)
    if names and inner and _only_group(masked, inner.start()):
        clause_end = masked.find("{", inner.end())
        clause = masked[inner.end():clause_end]
        while (bare := re.sub(r"\([^()]*\)", " ", clause)) != clause:  # expressions, innermost first
            clause = bare
        plain = set(re.findall(r"[?$](\w+)", clause))
        if clause_end > 0 and set(names) <= plain:
            return clause_end + 1
    return brace + 1


def _only_group(masked: str, at: int) -> bool:
    """Whether the group opening at ``at`` (after blanks) is the only thing in the group around it."""
    opening = masked.index("{", at)
    depth = 0
    for index in range(opening, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[index], 0)
        if depth == 0:
            return masked[index + 1:].lstrip().startswith("}")
    return False


def bind_params(info: QueryInfo, raw: Mapping[str, str | Term]) -> dict[str, Term]:
    """Check and convert the parameters given for a query.

    Raises:
        QueryError: a required parameter is missing, one is not the query's, or a value is not a valid term.
    """
    bindings: dict[str, Term] = {}
    declared = {p.name for p in info.params}
    variables = set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", info.text))
    for key, value in raw.items():
        name = key.lstrip("?$")
        if declared and name not in declared:
            known = ", ".join(sorted(declared))
            raise QueryError(f"{info.name} has no parameter {name!r}; its parameters are: {known}")
        if not declared and name not in variables:
            raise QueryError(f"{info.name} has no variable ?{name} to bind")
        param = info.param(name)
        if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
            bindings[name] = value
        else:
            bindings[name] = parse_value(value, param.type if param else None, name=name)
    missing = [p.name for p in info.params if p.required and p.name not in bindings]
    if missing:
        raise QueryError(f"{info.name} needs the parameter {', '.join(missing)}: pass -p {missing[0]}=VALUE")
    return bindings
