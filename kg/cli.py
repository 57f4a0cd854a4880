"""The ``kg`` command: the group, the list of its commands, and how errors are shown.

Every command lives in :mod:`kg.commands`. Exit codes: 0 ok, 1 invalid data, 2 usage or runtime error. Errors print
as ``Error: ...`` on stderr, with a traceback only under ``--debug``.
"""

from __future__ import annotations

import os
import sys

import click

from . import __version__
from .commands import cli_hint, err
from .commands.audit import audit
from .commands.build import build
from .commands.dev import dev
from .commands.documents import add
from .commands.export import export
from .commands.extract import extract, extract_score
from .commands.push import push
from .commands.queries import queries, query
from .commands.serve import serve
from .commands.stats import stats
from .commands.validate import validate
from .commands.viz import viz
from .errors import KGError, QueryTimeout, fill
from .settings import Env
from .settings import debug as debug_from_env

__all__ = ["COMMANDS", "cli", "cli_hint", "main"]

#: Every command of ``kg``; ``kg --help`` lists them in alphabetical order.
COMMANDS: tuple[click.Command, ...] = (add, build, validate, stats, queries, query, audit, serve, export, push,
                                       viz, extract, extract_score, dev)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
@click.option("--debug", is_flag=True, envvar=Env.DEBUG.value, help="Show tracebacks on errors.")
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


for _command in COMMANDS:
    cli.add_command(_command)

def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or debug_from_env()
    try:
        # Without standalone mode click returns the code of an explicit exit (such as `kg dev canonical --check`).
        code = cli.main(args=argv, prog_name="kg", standalone_mode=False)
    except click.exceptions.Abort:
        err("Aborted.")
        return 130
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except KGError as error:
        if debug:
            raise
        _show(error)
        return error.exit_code
    except click.exceptions.Exit as error:
        return error.exit_code
    except OSError as error:
        if debug:
            raise
        err(f"Error: {error}")
        return 2
    return code if isinstance(code, int) else 0


def _show(error: KGError) -> None:
    """Print a library error as ``Error: ...``, each of several problems on its own line."""
    if isinstance(error, QueryTimeout):
        # The query may still run in a native thread that cannot be stopped: leave at once.
        err(f"Error: {error.render(cli_hint)}")
        sys.stderr.flush()
        os._exit(error.exit_code)
    problems = getattr(error, "problems", None)
    if problems and len(problems) > 1:
        err(f"Error: {len(problems)} problems:")
        for problem in problems:
            err(f"  {fill(str(problem), cli_hint)}")
    else:
        err(f"Error: {error.render(cli_hint)}")


if __name__ == "__main__":
    sys.exit(main())
