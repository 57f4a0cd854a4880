"""``kg serve``: the built store as a read-only SPARQL endpoint."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli_hint, err, store_option

__all__ = ["serve"]


@click.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default accepts connections from this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=60.0, show_default=True,
              help="Seconds a query may run before it is stopped and the server answers 503.")
@click.option("--allow-service", "allow_services", multiple=True, metavar="URL",
              help="An endpoint a query's SERVICE clause may name (repeatable). Without it SERVICE is refused.")
@click.option("--host-name", "host_names", multiple=True, metavar="NAME",
              help="A name the Host header may give besides the bound address and, on loopback, localhost "
                   "(repeatable): the name clients reach this server by.")
@click.option("--cors", multiple=True, metavar="ORIGIN",
              help="An origin (https://example.org) whose web pages may read the answers; * for any (repeatable).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes for queries that answer quickly.")
@click.option("--heavy-workers", type=click.IntRange(0, 64), default=1, show_default=True,
              help="Worker processes kept for queries that run past 0.5 s (0: no separate lane).")
@click.option("--memory", "memory_mb", type=click.IntRange(64), default=1024, show_default=True, metavar="MB",
              help="Memory a query's worker may use before the query is stopped.")
@click.option("--max-answer", "max_answer_mb", type=click.IntRange(1), default=64, show_default=True, metavar="MB",
              help="Largest answer sent; a larger one is refused with 503.")
@click.option("--max-connections", type=click.IntRange(1), default=64, show_default=True,
              help="Connections open at once; past that, 503 with Retry-After.")
@click.option("--queue", type=click.IntRange(0), default=32, show_default=True,
              help="Queries that may wait for a worker at once; past that, 503 with Retry-After.")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def serve(store_dir: Path, host: str, port: int, timeout: float, allow_services: tuple[str, ...],
          host_names: tuple[str, ...], cors: tuple[str, ...], workers: int, heavy_workers: int, memory_mb: int,
          max_answer_mb: int, max_connections: int, queue: int, quiet: bool) -> None:
    """Serve the built store as a read-only SPARQL 1.1 endpoint, with a query page.

    The endpoint is /sparql (GET or POST, results negotiated from the Accept header); the page is /. Updates are
    refused, and so are federated queries (SERVICE) except to the endpoints given with --allow-service. Only
    requests whose Host header names this server are answered (421 otherwise), and web pages of other origins may
    not read the answers unless --cors names them. Each query runs in a worker process that is killed at the time
    or memory limit. Stop with Ctrl-C or SIGTERM. It is not an authenticated public endpoint: see
    docs/serving.md.

    \b
    Examples:
      kg serve                                   # http://127.0.0.1:7878/
      kg serve --port 0 --timeout 10             # a free port, queries stopped after 10 s
      kg serve --allow-service https://query.wikidata.org/sparql
      kg serve --host 0.0.0.0 --host-name kg.lab.example --cors https://notebooks.lab.example
    """
    from ..serve import serve as run_server
    from ..store import open_store

    with open_store(store_dir):
        pass  # fails early, with the usual message, when there is no store
    run_server(store_dir.resolve(), host=host, port=port, timeout=timeout, allow_services=allow_services,
               host_names=host_names, cors=cors, workers=workers, heavy_workers=heavy_workers, memory_mb=memory_mb,
               max_answer_mb=max_answer_mb, max_connections=max_connections, queue=queue,
               ready=lambda url: err(f"serving {store_dir} at {url} (SPARQL endpoint {url}sparql); Ctrl-C stops"),
               log=None if quiet else err, word=cli_hint)
