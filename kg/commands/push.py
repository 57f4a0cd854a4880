"""``kg push``: the dataset to a SPARQL 1.1 server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..settings import endpoint_credentials
from . import err, store_option

__all__ = ["push"]


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL 1.1 query endpoint (also used for updates unless --update-endpoint).")
@click.option("--update-endpoint", metavar="URL", help="The server's SPARQL 1.1 Update endpoint, if another one.")
@click.option("--graph-store", metavar="URL",
              help="Send the graphs as N-Triples to this SPARQL 1.1 Graph Store endpoint, one PUT per graph, "
                   "instead of inside update requests.")
@click.option("--auth", type=click.Choice(["basic", "digest"]), default="basic", show_default=True,
              help="HTTP authentication, when KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD are set.")
@click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True,
              help="Nanopublications (claims) per request.")
@click.option("--default-graph", "statements_graph", metavar="IRI",
              help="The named graph that receives the store's default graph (the statement view) on the server, or "
                   "'default' for the server's own default graph, replaced as a whole (Oxigraph). "
                   "[default: https://w3id.org/cekg/graph/statements]")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="New attempts of a request after a connection error, a timeout or an HTTP 5xx, with a pause "
                   "that doubles from 0.5 s.")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=60.0, show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--dry-run", is_flag=True, help="Print the requests a push would send, and send nothing.")
@click.option("--check-only", is_flag=True,
              help="Send nothing: only compare the number of triples of each graph on the server with the store.")
@store_option
def push(endpoint: str, update_endpoint: str | None, graph_store: str | None, auth: str, batch_size: int,
         statements_graph: str | None, retries: int, timeout: float, dry_run: bool, check_only: bool,
         store_dir: Path) -> None:
    """Send the dataset to a SPARQL 1.1 server, each claim's nanopublication replaced as a unit.

    Nanopublications that an earlier push left on the server and that the store no longer has are removed; the
    statement view is replaced as a whole at the end; then the number of triples of every graph is compared with
    the store. Pushing twice leaves the same content on the server, and a push that was interrupted is completed
    by running it again. Credentials come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, never from the command
    line.

    \b
    Examples:
      kg push --endpoint http://127.0.0.1:7879/query --update-endpoint http://127.0.0.1:7879/update \\
         --default-graph default
      KG_ENDPOINT_USER=dba KG_ENDPOINT_PASSWORD=... kg push --auth digest \\
         --endpoint http://127.0.0.1:8890/sparql --update-endpoint http://127.0.0.1:8890/sparql-auth
    """
    from ..errors import EndpointError
    from ..push import STATEMENTS_GRAPH, CountCheck, HttpAuth, Progress, Remote, check
    from ..push import dry_run as plan
    from ..push import push as send
    from ..store import open_store

    user, password = endpoint_credentials()
    remote = Remote(endpoint, update_endpoint=update_endpoint, graph_store=graph_store, user=user,
                    password=password, auth=HttpAuth(auth), timeout=timeout, retries=retries)
    graph = statements_graph or STATEMENTS_GRAPH
    outcome: CountCheck | None
    with open_store(store_dir) as store:
        if dry_run:
            for text in plan(store, remote, statements_graph=graph, batch_size=batch_size):
                click.echo(text)
            return
        if check_only:
            outcome = check(store, remote, statements_graph=graph)
        else:
            from tqdm import tqdm

            bar: Any = tqdm(desc="pushing", unit="request", disable=None, file=sys.stderr)

            def advance(step: Progress) -> None:
                bar.total = step.total
                bar.update(1)

            try:
                report = send(store, remote, statements_graph=graph, batch_size=batch_size, progress=advance)
            finally:
                bar.close()
            outcome = report.check
            removed = f"; removed {report.removed:,} nanopublications no longer in the store" if report.removed else ""
            err(f"pushed {report.nanopublications:,} nanopublications ({report.graphs:,} graphs) and the statement "
                f"view ({report.statements:,} triples in {_where(graph)}) to {remote.update_endpoint or endpoint} in "
                f"{report.requests:,} requests, {report.seconds:.1f} s{removed}")
    if outcome is None:
        return
    if outcome.cut_at is not None:
        how = "said so in X-SPARQL-MaxRows" if outcome.cut_announced else "did not say so"
        err(f"Warning: {endpoint} cut an answer at {outcome.cut_at:,} rows and {how}: the count check counted in "
            "smaller pieces, but any query with more rows is incomplete there (Virtuoso: raise ResultSetMaxRows in "
            "the [SPARQL] section of virtuoso.ini)")
    if outcome.default_is_statements is False:
        seen = f"{outcome.default_seen:,}" if (outcome.default_seen or 0) <= outcome.statements else "more"
        err(f"Warning: a query without GRAPH on {endpoint} reads {seen} triples, not the {outcome.statements:,} of the "
            f"statement view in <{graph}>, which the query library expects: query with the protocol's "
            f"default-graph-uri=<{graph}> (Virtuoso), or push with --default-graph default (Oxigraph)")
    if not outcome.ok:
        raise EndpointError(f"count check failed: {outcome.summary()}; run kg push again, and if it persists, "
                            "check the server's log")
    err(f"count check: {outcome.summary()}")


def _where(graph: str) -> str:
    return "the server's default graph" if graph.strip().lower() == "default" else f"<{graph}>"
