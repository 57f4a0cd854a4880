"""The ``kg`` command: a thin click layer over the library.

Exit codes: 0 ok, 1 invalid data, 2 usage or runtime error. Errors print as ``Error: ...`` on stderr, with a
traceback only under ``--debug``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .commands import data_option as _data_option
from .commands import err as _err
from .commands import progress as _progress
from .commands import store_option as _store_option
from .errors import DataError, KGError, QueryTimeout, UsageError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
@click.option("--debug", is_flag=True, envvar="KG_DEBUG", help="Show tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """A knowledge graph of what health documents claim, how strongly, and on what evidence.

    \b
    Typical session:
      kg add article.txt --title "..." --kind web-article   # put a document in data/
      (curate data/claims/ID.yaml)                           # its claims, each with quote and offsets
      kg build                                               # data/ -> .kg/store
      kg validate                                            # SHACL + anchoring + vocabulary
      kg stats                                               # what the store holds
      kg export --format trig --out graph.trig
    """
    ctx.obj = {"debug": debug}


@cli.command()
@_data_option
@_store_option
@click.option("--include-proposed", is_flag=True, help="Also build claims still marked 'status: proposed'.")
@click.option("--full", is_flag=True, help="Rebuild the whole store, even if only some documents changed.")
def build(data_dir: Path, store_dir: Path, include_proposed: bool, full: bool) -> None:
    """Build the store from the data folder: both views of every claim.

    Only what changed since the last build is rebuilt: the documents whose text, metadata or claims changed,
    were added or were removed. A change to the entities, the ontology or --include-proposed, or to a claim
    that another document links to, rebuilds everything; the first line printed says which kind of build ran
    and why. Either way the store is the same as a full build makes, and a failed build leaves the previous
    store as it was.

    \b
    Examples:
      kg build                      # data/ -> .kg/store, only what changed
      kg build --full               # everything, from scratch
      kg build --data DIR --store STORE
    """
    from .incremental import BuildKind
    from .incremental import build as run

    started = time.perf_counter()
    result = run(data_dir, store_dir, include_proposed=include_proposed, full=full,
                 progress=_progress("building"))
    _err(result.what())
    done = "unchanged" if result.kind is BuildKind.UP_TO_DATE else "built"
    _err(f"{done} {store_dir}: {result.documents} documents, {result.entities} entities, {result.claims} claims, "
         f"{result.quads:,} quads in {time.perf_counter() - started:.2f} s")


@cli.command()
@_data_option
@click.option("--include-proposed", is_flag=True, help="Also check claims still marked 'status: proposed'.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the SHACL validation report (Turtle) to this file.")
@click.option("--shacl", "engine", type=click.Choice(["native", "pyshacl"]), default="native", show_default=True,
              help="SHACL engine: the built-in one on Oxigraph's indexes, or pySHACL (same report, far slower).")
def validate(data_dir: Path, include_proposed: bool, report_path: Path | None, engine: str) -> None:
    """Check the data: anchoring of every quote, SHACL shapes, and the vocabulary.

    Prints each problem with its file:line and claim id. Exit 0 when clean, 1 when not.

    \b
    Examples:
      kg validate
      kg validate --report shacl-report.ttl
      kg validate --shacl pyshacl     # the reference engine, to compare
    """
    from .files import atomic_output
    from .validate import ShaclEngine
    from .validate import validate as run

    report = run(data_dir, include_proposed=include_proposed, engine=ShaclEngine(engine))
    if report_path is not None and report.shacl is not None:
        with atomic_output(report_path) as handle:
            report.shacl.serialize(handle, format="turtle")
    if report.problems:
        raise DataError(report.problems)
    _err(f"valid: {report.claims} claims anchored, shapes conform, every term defined")


@cli.command()
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(store_dir: Path, as_json: bool) -> None:
    """Count documents, claims by category, modality, polarity and citation status, and quads."""
    from .stats import store_stats
    from .store import open_store

    with open_store(store_dir) as store:
        result = store_stats(store)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    click.echo(f"documents         {result.documents}")
    click.echo(f"claims            {result.claims}")
    click.echo(f"nanopublications  {result.nanopublications}")
    click.echo(f"named graphs      {result.named_graphs}")
    click.echo(f"quads             {result.quads:,}")
    for facet, counts in result.by_facet.items():
        click.echo(f"{facet}:")
        for value, count in counts.items():
            click.echo(f"  {value:<22}{count}")


@cli.command("queries")
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
@click.option("--names", is_flag=True, help="Print only the names, one a line.")
@click.option("--run", "run_all", is_flag=True,
              help="Also run every query that needs no parameter on the local store and show its answer.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Rows shown per query with --run.")
@_store_option
def list_queries(as_json: bool, names: bool, run_all: bool, limit: int, store_dir: Path) -> None:
    """List the query library: each query's name, summary and parameters.

    With --run, run each query that has no required parameter and print its answer under its title.
    """
    from .sparql import OxigraphBackend, load_library, run
    from .sparql.formats import render
    from .store import open_store

    library = load_library()
    if names:
        click.echo("\n".join(library))
        return
    if run_all:
        with open_store(store_dir) as store:
            backend = OxigraphBackend(store)
            for info in library.values():
                if any(p.required for p in info.params):
                    continue
                result = run(info, backend, limit=limit, timeout=60)
                click.echo(click.style(f"== {info.name}: {info.title}", bold=True))
                sys.stdout.flush()
                sys.stdout.buffer.write(render(result, "table" if result.form == "SELECT" else "turtle"))
                if result.truncated:
                    click.echo(f"(first {limit} shown; `kg query {info.name}` for all)")
                click.echo()
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


@cli.command()
@click.argument("query", required=False)
@click.option("-e", "--expression", help="A SPARQL query given on the command line instead of a name or file.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter: an IRI (<...> or CURIE such as CHEBI:6121) or a literal. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle", "ntriples", "jsonld"]),
              help="table|csv|tsv|json (SPARQL JSON) for SELECT; turtle|ntriples|jsonld for CONSTRUCT/DESCRIBE.")
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
@_store_option
def query(query: str | None, expression: str | None, params: tuple[str, ...], fmt: str | None, limit: int,
          timeout: float, backend: str, endpoint: str | None, auth: str, default_graph: str | None,
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
    from .sparql import OxigraphBackend, RdflibBackend, RemoteBackend, find_query, parse_query, run
    from .sparql.formats import render
    from .store import open_store

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
        user, password = os.environ.get("KG_ENDPOINT_USER"), os.environ.get("KG_ENDPOINT_PASSWORD")
        remote = RemoteBackend(endpoint, user=user, password=password, auth=auth, timeout=timeout,
                               default_graph=default_graph)
        result = run(info, remote, values, limit=limit, timeout=timeout + 5)
    elif default_graph:
        raise UsageError("--default-graph applies to a remote --endpoint only")
    else:
        with open_store(store_dir) as store:
            engine = OxigraphBackend(store) if backend == "oxigraph" else RdflibBackend.from_store(store)
            result = run(info, engine, values, limit=limit, timeout=timeout)
    sys.stdout.buffer.write(render(result, fmt or ("table" if result.form == "SELECT" else "turtle")))
    sys.stdout.flush()
    if result.notice:
        _err(f"Warning: {result.notice}")
    if result.truncated and not result.notice:
        what = "rows" if result.form == "SELECT" else "triples"
        _err(f"Warning: the result was cut at {limit:,} {what}; there are more: raise --limit to see them")


@cli.command()
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default accepts connections from this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=60.0, show_default=True,
              help="Seconds a query may run before the server answers 503.")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def serve(store_dir: Path, host: str, port: int, timeout: float, quiet: bool) -> None:
    """Serve the built store as a read-only SPARQL 1.1 endpoint, with a query page.

    The endpoint is /sparql (GET or POST, results negotiated from the Accept header); the page is /. Updates are
    refused. Stop with Ctrl-C or SIGTERM.
    """
    from .serve import serve as run_server
    from .store import open_store

    with open_store(store_dir):
        pass  # fails early, with the usual message, when there is no store
    run_server(store_dir.resolve(), host=host, port=port, timeout=timeout,
               ready=lambda url: _err(f"serving {store_dir} at {url} (SPARQL endpoint {url}sparql); Ctrl-C stops"),
               log=None if quiet else _err)


def _register() -> None:
    """Put every command of the modules in :mod:`kg.commands` (named in their ``__all__``) in the group."""
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for name in getattr(module, "__all__", ()):
            command = getattr(module, name)
            if isinstance(command, click.Command):
                cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(os.environ.get("KG_DEBUG"))
    try:
        cli.main(args=argv, prog_name="kg", standalone_mode=False)
    except click.exceptions.Abort:
        _err("Aborted.")
        return 130
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except KGError as err:
        if debug:
            raise
        if isinstance(err, QueryTimeout):
            # The query may still run in a native thread that cannot be stopped: leave at once.
            _err(f"Error: {err}")
            sys.stderr.flush()
            os._exit(err.exit_code)
        problems = getattr(err, "problems", None)
        if problems and len(problems) > 1:
            _err(f"Error: {len(problems)} problems:")
            for problem in problems:
                _err(f"  {problem}")
        else:
            _err(f"Error: {err}")
        return err.exit_code
    except click.exceptions.Exit as err:
        return err.exit_code
    except OSError as err:
        if debug:
            raise
        _err(f"Error: {err}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
