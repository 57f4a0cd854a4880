"""``kg queries`` and ``kg query``: the query library, and running a query on the store or an endpoint."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..settings import endpoint_credentials
from . import err, store_option

if TYPE_CHECKING:
    from ..sparql import QueryInfo

__all__ = ["queries", "query"]


@click.command("queries")
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
@click.option("--names", is_flag=True, help="Print only the names, one a line.")
@click.option("--run", "run_all", is_flag=True,
              help="Also run every query that needs no parameter on the local store and show its answer.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Rows shown per query with --run.")
@store_option
def queries(as_json: bool, names: bool, run_all: bool, limit: int, store_dir: Path) -> None:
    """List the query library: each query's name, summary and parameters.

    With --run, run each query that has no required parameter and print its answer under its title.
    """
    from ..sparql import load_library

    library = load_library()
    if names:
        click.echo("\n".join(library))
        return
    if run_all:
        _run_library(library.values(), limit, store_dir)
        return
    if as_json:
        click.echo(json.dumps([{"name": q.name, "title": q.title, "summary": q.summary, "form": q.form,
                                "params": [{"name": p.name, "type": p.type, "required": p.required,
                                            "description": p.description} for p in q.params],
                                "columns": [c for c, _ in q.columns]} for q in library.values()], indent=2))
        return
    for info in library.values():
        click.echo(click.style(info.name, bold=True) + f"  ({info.form})  {info.title}")
        if info.summary:
            click.echo(f"    {info.summary}")
        for param in info.params:
            need = "required" if param.required else "optional"
            click.echo(f"    -p {param.name}=<{param.type}>  {need}  {param.description}")
        click.echo()


def _run_library(library: Iterable[QueryInfo], limit: int, store_dir: Path) -> None:
    """Run each query of *library* that has no required parameter on the store, and print its answer."""
    from ..sparql import OxigraphBackend, run
    from ..sparql.formats import TABLE_WIDTH, cut_values, render
    from ..store import open_store

    with open_store(store_dir) as store:
        backend = OxigraphBackend(store)
        for info in library:
            if any(p.required for p in info.params):
                continue
            result = run(info, backend, limit=limit, timeout=60)
            click.echo(click.style(f"== {info.name}: {info.title}", bold=True))
            sys.stdout.flush()
            sys.stdout.buffer.write(render(result, "table" if result.form == "SELECT" else "turtle"))
            if result.truncated:
                click.echo(f"(first {limit} shown; `kg query {info.name}` for all)")
            if result.form == "SELECT" and cut_values(result):
                click.echo(f"(values over {TABLE_WIDTH} characters cut with …; `kg query {info.name} --wide` "
                           "shows them whole)")
            click.echo()


@click.command()
@click.argument("query", required=False)
@click.option("-e", "--expression", help="A SPARQL query given on the command line instead of a name or file.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter: an IRI (<...> or CURIE such as CHEBI:6121) or a literal. Repeatable.")
@click.option("--format", "fmt",
              type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld"]),
              help="table|csv|tsv|json|xml (SPARQL JSON or XML results) for SELECT; turtle|ntriples|jsonld for "
                   "CONSTRUCT/DESCRIBE.")
@click.option("--wide", is_flag=True,
              help="In a table, show whole values; by default a value over 60 characters is cut with … (a note "
                   "on stderr says how many).")
@click.option("--limit", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Keep at most this many rows (or triples); a cut result says so on stderr.")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=60.0, show_default=True,
              help="Seconds before the query is stopped.")
@click.option("--backend", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Engine for the local store.")
@click.option("--endpoint", metavar="URL", help="Run against a remote SPARQL 1.1 endpoint instead of the local "
              "store. Credentials come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD.")
@click.option("--auth", type=click.Choice(["basic", "digest"]), default="basic", show_default=True,
              help="HTTP authentication for --endpoint, when credentials are set.")
@click.option("--default-graph", metavar="IRI",
              help="Graph a remote query reads without GRAPH (default-graph-uri), e.g. the graph `kg push` filled "
              "on Virtuoso.")
@store_option
def query(query: str | None, expression: str | None, params: tuple[str, ...], fmt: str | None, wide: bool,
          limit: int, timeout: float, backend: str, endpoint: str | None, auth: str, default_graph: str | None,
          store_dir: Path) -> None:
    """Run a query of the library (by name), a .rq file, or -e 'SPARQL'.

    Parameters are bound as RDF terms, never pasted into the query text.

    \b
    Examples:
      kg query adverse-effects -p drug=CHEBI:6121
      kg query prevalence --format json
      kg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query entity-graph --format turtle
      kg query efficacy --endpoint http://localhost:7878/sparql
      kg query efficacy --endpoint http://localhost:8890/sparql \\
               --default-graph https://w3id.org/cekg/graph/statements
    """
    from ..sparql import HttpAuth, OxigraphBackend, RdflibBackend, RemoteBackend, find_query, parse_query, run
    from ..sparql.formats import TABLE_WIDTH, cut_values, render
    from ..store import open_store

    if (query is None) == (expression is None):
        raise UsageError("give a query name, a .rq file, or -e 'SPARQL' (one of them)")
    info = parse_query(expression, name="the -e query") if expression is not None else find_query(str(query))
    values: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"parameter {item!r} is not NAME=VALUE")
        values[name.strip()] = value
    if endpoint:
        user, password = endpoint_credentials()
        remote = RemoteBackend(endpoint, user=user, password=password, auth=HttpAuth(auth), timeout=timeout,
                               default_graph=default_graph)
        result = run(info, remote, values, limit=limit, timeout=timeout + 5)
    elif default_graph:
        raise UsageError("--default-graph applies to a remote --endpoint only")
    else:
        with open_store(store_dir) as store:
            engine = OxigraphBackend(store) if backend == "oxigraph" else RdflibBackend.from_store(store)
            result = run(info, engine, values, limit=limit, timeout=timeout)
    chosen = fmt or ("table" if result.form == "SELECT" else "turtle")
    sys.stdout.buffer.write(render(result, chosen, wide=wide))
    sys.stdout.flush()
    cut = cut_values(result) if chosen == "table" and not wide else 0
    if cut:
        err(f"Note: {cut:,} value{'s' if cut > 1 else ''} longer than {TABLE_WIDTH} characters "
            f"{'were' if cut > 1 else 'was'} cut with …: add --wide, or use --format csv or json for whole values")
    if result.notice:
        err(f"Warning: {result.notice}")
    if result.truncated and not result.notice:
        what = "rows" if result.form == "SELECT" else "triples"
        err(f"Warning: the result was cut at {limit:,} {what}; there are more: raise --limit to see them")
