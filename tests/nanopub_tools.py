"""Check nanopublication files with the real nanopub tools, offline, in a process of their own.

    python tests/nanopub_tools.py FILE_OR_FOLDER...

For each TriG file, one JSON line: what the nanopub Rust toolkit (``nanopub-sign``) says of it, and what
nanopub-py says of its trusty URI and its signature, with nanopub-py's normal form of its quads (what its hash
and signature are computed over). Run apart from the tests' process because importing nanopub-py changes a global
of rdflib (``rdflib.NORMALIZE_LITERALS = False``), and the Rust toolkit prints its verdict on the process's
standard output, which is read here through a pipe.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any


def _plain(text: str) -> str:
    """Return a line of the tools' output without its terminal colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text).strip()


def _rust(text: str) -> dict[str, Any]:
    import nanopub_sign

    # The toolkit prints its verdict from Rust, on file descriptor 1: catch it there.
    with tempfile.TemporaryFile() as caught:
        saved = os.dup(1)
        os.dup2(caught.fileno(), 1)
        try:
            checked = nanopub_sign.Nanopub(text).check()
            info, error = checked.info(), None
        except Exception as err:  # the toolkit raises a bare Exception with its message
            info, error = {}, str(err)
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        caught.seek(0)
        printed = [_plain(line) for line in caught.read().decode().splitlines() if line.strip()]
    return {"printed": printed, "error": error, "trusty_hash": info.get("trusty_hash"),
            "uri": (info.get("uri") or {}).get("value"), "signature": bool(info.get("signature"))}


def _python(text: str) -> dict[str, Any]:
    from nanopub import Nanopub, NanopubConf
    from nanopub.sign_utils import verify_signature, verify_trusty
    from nanopub.trustyuri.rdf import RdfHasher, RdfUtils
    from rdflib import ConjunctiveGraph

    graph = ConjunctiveGraph()
    graph.parse(data=text, format="trig")
    try:
        publication = Nanopub(rdf=graph, conf=NanopubConf())
    except Exception as err:
        return {"error": f"{type(err).__name__}: {_plain(str(err).splitlines()[0])[:200]}"}
    result: dict[str, Any] = {"source_uri": publication.source_uri, "error": None}
    for name, check in (("trusty", lambda: verify_trusty(graph, publication.source_uri, publication.namespace)),
                        ("signature", lambda: verify_signature(graph, publication.namespace))):
        try:
            result[name] = check()
        except Exception as err:
            result[name] = f"{type(err).__name__}: {_plain(str(err))}"
    result["normal_form"] = RdfHasher.normalize_quads(RdfUtils.get_quads(graph), baseuri=str(publication.namespace),
                                                      hashstr=" ")
    result["signature_strict"] = _strict_signature(graph, str(publication.namespace))
    return result


def _strict_signature(graph: Any, namespace: str) -> str | bool:
    """Check the signature as nanopub-py signs (``sign_utils.add_signature``), but with a verifier that can fail.

    nanopub-py 2.0's ``verify_signature`` cannot reject a signature: it calls pycryptodome's legacy
    ``PKCS1_v1_5`` verifier, which returns ``False`` instead of raising, and ignores what it returns (and it
    normalises the statements with the signature itself among them, which is not what was signed). Here the
    signature is checked over nanopub-py's normal form of every statement but ``npx:hasSignature``, with
    pycryptodome's ``pkcs1_15``, which raises on a bad signature.
    """
    from base64 import b64decode

    from Crypto.Hash import SHA256
    from Crypto.PublicKey import RSA
    from Crypto.Signature import pkcs1_15
    from nanopub.trustyuri.rdf import RdfHasher, RdfUtils

    has_signature = "http://purl.org/nanopub/x/hasSignature"
    quads = RdfUtils.get_quads(graph)
    signatures = [q[3] for q in quads if str(q[2]) == has_signature]
    keys = [q[3] for q in quads if str(q[2]) == "http://purl.org/nanopub/x/hasPublicKey"]
    if len(signatures) != 1 or len(keys) != 1:
        return "no signature"
    signed = [q for q in quads if str(q[2]) != has_signature]
    text = RdfHasher.normalize_quads(signed, baseuri=namespace, hashstr=" ")
    try:
        pkcs1_15.new(RSA.import_key(b64decode(str(keys[0])))).verify(SHA256.new(text.encode()),
                                                                     b64decode(str(signatures[0])))
    except ValueError as err:
        return f"{type(err).__name__}: {err}"
    return True


def main(paths: list[str]) -> None:
    warnings.filterwarnings("ignore")
    files = sorted(f for p in map(Path, paths) for f in (sorted(p.iterdir()) if p.is_dir() else [p]))
    for file in files:
        text = file.read_text(encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()):
            python = _python(text)
        print(json.dumps({"file": file.name, "rust": _rust(text), "python": python}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
