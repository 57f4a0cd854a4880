"""``kg audit``: the evidence on a question, or the contradictions nobody has linked yet."""

from __future__ import annotations

from pathlib import Path

import click

from . import store_option

__all__ = ["audit"]

_FORMATS = ("table", "markdown", "json", "html")


@click.command()
@click.option("--subject", metavar="ID", help="The subject entity: a CURIE (CHEBI:6121, ent:ketamine) or an IRI.")
@click.option("--predicate", metavar="P", help="The claim predicate, e.g. cekg:treats (default: any).")
@click.option("--object", "obj", metavar="ID", help="The object entity (default: any).")
@click.option("--category", metavar="C", help="The claim category: efficacy, adverse-effect, regulatory-status, ...")
@click.option("--exact", is_flag=True,
              help="The entities themselves only; by default narrower entities count too (skos:broader).")
@click.option("--conflicts", is_flag=True,
              help="List pairs of claims of different documents that contradict each other and are not yet "
                   "linked by supports/challenges, for a curator to confirm.")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
              help="How to write the audit (html: a self-contained page, offline).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output). Written whole or not at all.")
@click.option("--rules", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A certainty rule file (default: the shipped ontology/certainty.yaml).")
@store_option
def audit(subject: str | None, predicate: str | None, obj: str | None, category: str | None, exact: bool,
          conflicts: bool, fmt: str, out: Path | None, rules: Path | None, store_dir: Path) -> None:
    """Lay out the evidence on a question: every claim on it, grouped as supporting, challenging and related,
    with its document, who asserts it, its hedging and citation, what supports and challenges it, and a
    certainty level with the reasons that set it (docs/certainty.md).

    \b
    Examples:
      kg audit --subject CHEBI:6121 --object ent:chronic-migraine --category efficacy
      kg audit --subject CHEBI:6121 --category adverse-effect --format markdown
      kg audit --subject CHEBI:6121 --category regulatory-status --format html --out audit.html
      kg audit --conflicts
    """
    from ..audit import audit as run_audit
    from ..audit import write
    from ..audit.conflicts import find_conflicts, write_conflicts
    from ..files import atomic_output

    if conflicts:
        if subject or predicate or obj or category:
            raise click.UsageError("--conflicts looks at the whole graph: leave out --subject, --predicate, "
                                   "--object and --category")
        if fmt == "html":
            raise click.UsageError("--conflicts is written as table, markdown or json, not html")
        text = write_conflicts(find_conflicts(store_dir), fmt)
    else:
        if not (subject or predicate or obj or category):
            raise click.UsageError("ask something: give --subject, --predicate, --object or --category "
                                   "(or --conflicts)")
        evidence = run_audit(store_dir, subject=subject, predicate=predicate, obj=obj, category=category,
                             exact=exact, rules=rules)
        text = write(evidence, fmt)
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    with atomic_output(out) as handle:
        handle.write(text.encode("utf-8"))
    click.echo(f"wrote {out}", err=True)
