"""Write a synthetic data folder: ``python -m bench.synth --claims 10000 --seed 1 --out /tmp/synth``.

Then ``kg validate --data /tmp/synth`` and ``kg build --data /tmp/synth --store /tmp/synth-store`` work on it as
on ``data/``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kg.errors import KGError

from . import DEFAULT_ENTITIES, generate


def main(argv: list[str] | None = None) -> int:
    """Run the generator's command line and return its exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth", description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Example: python -m bench.synth --claims 1000 --seed 1 --out /tmp/synth-1k")
    parser.add_argument("--claims", type=int, required=True, help="number of claims to write (20-40 a document)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same bytes")
    parser.add_argument("--entities", type=int, default=DEFAULT_ENTITIES, help="size of the entity vocabulary")
    parser.add_argument("--out", type=Path, required=True, help="data folder to write (replaced if it exists)")
    parser.add_argument("--summary", action="store_true", help="print the summary as JSON on standard output")
    args = parser.parse_args(argv)
    if args.claims < 1 or args.entities < 1:
        parser.error("--claims and --entities must be positive")
    started = time.perf_counter()
    try:
        summary = generate(args.out, claims=args.claims, seed=args.seed, entities=args.entities)
    except KGError as err:
        print(f"Error: {err}", file=sys.stderr)
        return err.exit_code
    print(f"wrote {args.out}: {summary.documents:,} documents, {summary.entities:,} entities, "
          f"{summary.claims:,} claims in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.summary:
        print(json.dumps(summary.as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
