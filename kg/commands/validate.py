"""``kg validate``: anchoring, SHACL shapes and vocabulary of the data."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import DataError
from . import data_option, err

__all__ = ["validate"]


@click.command()
@data_option
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
    from ..files import atomic_output
    from ..validate import ShaclEngine
    from ..validate import validate as run

    report = run(data_dir, include_proposed=include_proposed, engine=ShaclEngine(engine))
    if report_path is not None and report.shacl is not None:
        with atomic_output(report_path) as handle:
            report.shacl.serialize(handle, format="turtle")
    if report.problems:
        raise DataError(report.problems)
    err(f"valid: {report.claims} claims anchored, shapes conform, every term defined")
