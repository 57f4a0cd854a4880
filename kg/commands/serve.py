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
              help="Seconds a query may run before the server answers 503.")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def serve(store_dir: Path, host: str, port: int, timeout: float, quiet: bool) -> None:
    """Serve the built store as a read-only SPARQL 1.1 endpoint, with a query page.

    The endpoint is /sparql (GET or POST, results negotiated from the Accept header); the page is /. Updates are
    refused. Stop with Ctrl-C or SIGTERM.
    """
    from ..serve import serve as run_server
    from ..store import open_store

    with open_store(store_dir):
        pass  # fails early, with the usual message, when there is no store
    run_server(store_dir.resolve(), host=host, port=port, timeout=timeout,
               ready=lambda url: err(f"serving {store_dir} at {url} (SPARQL endpoint {url}sparql); Ctrl-C stops"),
               log=None if quiet else err, word=cli_hint)
