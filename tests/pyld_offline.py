"""Read a JSON-LD file with PyLD (a JSON-LD 1.1 processor that also runs in 1.0 mode) and print its triples as
N-Quads, with no network: any remote context or document asked for is refused.

Run it with the Python of ``.venv-kgx``, where ``make test`` installs PyLD:

    .venv-kgx/bin/python tests/pyld_offline.py json-ld-1.0 statements.jsonld

On a processing error it prints one line, ``error: <code>: <message>``, and exits with 1.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _refuse(url: str, options: Any = None) -> Any:
    raise RuntimeError(f"offline: refused to load {url}")


def main(argv: list[str]) -> int:
    from pyld import jsonld

    mode, path = argv
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    try:
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": mode,
                                          "documentLoader": _refuse})
    except jsonld.JsonLdError as error:
        cause = error
        while isinstance(getattr(cause, "cause", None), jsonld.JsonLdError):
            cause = cause.cause
        print(f"error: {cause.code}: {cause.args[0] if cause.args else cause}")
        return 1
    sys.stdout.write(nquads)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
