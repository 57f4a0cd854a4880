"""`kg export --view nanopub --trusty / --sign / --split`: every nanopublication of the corpus passes the real
nanopub tools' checks (the Rust toolkit through `nanopub-sign`, and nanopub-py), offline; a changed statement fails
them; the publication info holds what publishing servers ask for; bad requests are refused with one line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from kg.cli import main
from kg.export.trusty import Literal, NamedNode, Quad, artifact_code, normal_form

from .conftest import REPO

TOOLS = REPO / "tests" / "nanopub_tools.py"
NP = "https://w3id.org/cekg/id/np/"
TRUSTY = re.compile(rf"{re.escape(NP)}([0-9a-f]{{16}})/(RA[A-Za-z0-9_-]{{43}})")
DCT = "http://purl.org/dc/terms/"
CLAIMS = 69


def _run(store_dir: Path, *args: str) -> int:
    return main(["export", "--store", str(store_dir), *args])


def _check(*paths: Path) -> dict[str, dict[str, Any]]:
    """Run the nanopub tools on files or folders; return their verdicts by file name."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(TOOLS), *map(str, paths)], capture_output=True, text=True,
                          timeout=600, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {(line := json.loads(text))["file"]: line for text in done.stdout.splitlines()}


def _write_key(path: Path, key: Any, password: bytes | None = None) -> Path:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "not-a-key.pem").write_text("hello\n")
    return {"rsa": _write_key(folder / "key.pem", rsa_key),
            "encrypted": _write_key(folder / "encrypted.pem", rsa_key, b"s3cret"),
            "ec": _write_key(folder / "ec.pem", ec.generate_private_key(ec.SECP256R1())),
            "junk": folder / "not-a-key.pem"}


@pytest.fixture(scope="module")
def signed(built_store: Path, keys: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("signed") / "np"
    assert _run(built_store, "--format", "trig", "--view", "nanopub", "--sign", str(keys["rsa"]),
                "--split", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def verdicts(signed: Path) -> dict[str, dict[str, Any]]:
    return _check(signed)


def test_every_signed_nanopublication_passes_the_rust_toolkit_and_nanopub_py(signed: Path,
                                                                           verdicts: dict[str, dict[str, Any]]) -> None:
    assert len(verdicts) == CLAIMS
    for name, verdict in verdicts.items():
        rust, python = verdict["rust"], verdict["python"]
        key = name.removesuffix(".trig")
        match = TRUSTY.fullmatch(rust["uri"])
        assert match is not None and match.group(1) == key
        assert rust["error"] is None
        assert rust["printed"] == [f"✅ Nanopub {rust['uri']} is valid: 1 trusty with signature"]
        assert rust["trusty_hash"] == match.group(2) and rust["signature"] is True
        assert python == {"source_uri": rust["uri"], "error": None, "trusty": True, "signature": True,
                          "signature_strict": True, "normal_form": python["normal_form"]}


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TRIG))


def _normal(quads: list[ox.Quad], code: str) -> list[Quad]:
    def node(term: Any) -> NamedNode:
        return NamedNode(term.value.replace(code, " "))

    return [Quad(node(q.graph_name), node(q.subject), node(q.predicate),
                 node(q.object) if isinstance(q.object, ox.NamedNode) else
                 Literal(q.object.value, q.object.datatype.value, q.object.language)) for q in quads]


def test_the_normal_form_is_nanopub_py_s_byte_for_byte_and_hashes_to_the_code(signed: Path,
                                                                            verdicts: dict[str, Any]) -> None:
    for name, verdict in verdicts.items():
        code = verdict["rust"]["trusty_hash"]
        normal = _normal(_quads(signed / name), code)
        assert normal_form(normal) == verdict["python"]["normal_form"]
        assert artifact_code(normal) == code


def test_a_changed_statement_fails_both_tools(signed: Path, tmp_path: Path) -> None:
    name = sorted(p.name for p in signed.iterdir())[0]
    text = (signed / name).read_text()
    # One quote's words changed: the hash no longer matches the code in the IRIs.
    changed = tmp_path / "changed"
    changed.mkdir()
    exact = re.search(r'oa:exact "([^"]+)"', text)
    assert exact is not None
    (changed / name).write_text(text.replace(exact.group(0), 'oa:exact "no such words"'))
    # The same change, with the trusty code recomputed for the changed content: now the signature is wrong.
    rehashed = tmp_path / "rehashed"
    rehashed.mkdir()
    code = TRUSTY.search(text).group(2)  # type: ignore[union-attr]
    quads = _quads(changed / name)
    new_code = artifact_code(_normal(quads, code))
    (rehashed / name).write_text((changed / name).read_text().replace(code, new_code))

    verdict = _check(changed / name)[name]
    assert verdict["rust"]["error"] == ("Error checking: Invalid Nanopub: the hash of the nanopublication is "
                                        f"different than the expected hash \n{code}\n{new_code}")
    assert verdict["rust"]["printed"] == []
    assert verdict["python"]["trusty"] == (f"MalformedNanopubError: The Trusty artefact of the nanopub {code} is not "
                                           f"valid. It should be {new_code}")
    verdict = _check(rehashed / name)[name]
    assert verdict["rust"]["error"] == "Error checking: RSA signing error: verification error"
    assert verdict["python"]["trusty"] is True
    # nanopub-py's own check passes any signature (see tests/nanopub_tools.py); checked strictly, this one fails.
    assert verdict["python"]["signature"] is True
    assert verdict["python"]["signature_strict"] == "ValueError: Invalid signature"


def test_trusty_without_a_key_is_trusty_and_unsigned(built_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "np"
    assert _run(built_store, "--format", "trig", "--view", "nanopub", "--trusty", "--split", str(out)) == 0
    verdicts = _check(out)
    assert len(verdicts) == CLAIMS
    assert {v["rust"]["printed"][0].rsplit(": ", 1)[1] for v in verdicts.values()} == {"1 trusty without signature"}
    assert {v["python"]["trusty"] for v in verdicts.values()} == {True}
    assert {v["python"]["signature"] for v in verdicts.values()} == {
        "MalformedNanopubError: No Signature found in the nanopublication RDF"}


def test_the_store_s_nanopublications_split_are_valid_but_not_trusty(built_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "np"
    assert _run(built_store, "--format", "trig", "--view", "nanopub", "--split", str(out)) == 0
    verdicts = _check(out)
    assert {v["rust"]["printed"][0].split(" is valid: ")[1] for v in verdicts.values()} == {
        "1 valid (not trusty) without signature"}
    assert len(verdicts) == CLAIMS


def test_one_file_of_all_nanopublications_is_rejected_by_both_tools(built_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.trig"
    assert _run(built_store, "--format", "trig", "--view", "nanopub", "--trusty", "--out", str(out)) == 0
    verdict = _check(out)["all.trig"]
    assert verdict["rust"]["error"] == ("The provided RDF contains multiple Nanopublications. Only one can be "
                                        "provided at a time.")
    assert verdict["python"]["error"].startswith("MalformedNanopubError: Multiple nanopublications are defined")
    graphs = {q.graph_name.value for q in _quads(out)}
    assert len(graphs) == 4 * CLAIMS
    assert all(re.fullmatch(rf"{TRUSTY.pattern}#(head|assertion|provenance|pubinfo)", g) for g in graphs)


def test_the_publication_info_has_what_servers_ask_for(signed: Path) -> None:
    path = sorted(signed.iterdir())[0]
    quads = _quads(path)
    np = next(q.subject for q in quads if q.object == ox.NamedNode("http://www.nanopub.org/nschema#Nanopublication"))
    pubinfo = ox.NamedNode(np.value + "#pubinfo")
    about = {(q.predicate.value, str(q.object)) for q in quads if q.graph_name == pubinfo and q.subject == np}
    curators = "<https://w3id.org/cekg/id/agent/cekg-curators>"
    assert about == {
        (f"{DCT}created", '"2026-11-24T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'),
        (f"{DCT}creator", curators), ("http://purl.org/pav/createdBy", curators),
        ("http://www.w3.org/ns/prov#wasAttributedTo", curators),
        (f"{DCT}license", "<https://creativecommons.org/licenses/by/4.0/>"),
        (f"{DCT}subject", f"<https://w3id.org/cekg/id/claim/{path.stem}>"),
        ("https://w3id.org/cekg/vocab#curationMethod", "<https://w3id.org/cekg/vocab#ManualCuration>")}
    sig = ox.NamedNode(np.value + "#sig")
    assert {q.predicate.value.rsplit("/", 1)[1] for q in quads if q.subject == sig} == {
        "hasAlgorithm", "hasPublicKey", "hasSignatureTarget", "hasSignature"}


def test_an_orcid_given_as_curator_is_the_creator_and_signer(data_copy: Path, tmp_path: Path,
                                                            keys: dict[str, Path]) -> None:
    claims = data_copy / "claims" / "fda-label-ketamine-injection.yaml"
    text = claims.read_text()
    assert "  curator: cekg curators\n" in text
    claims.write_text(text.replace("  curator: cekg curators\n",
                                   "  curator: Jane Doe <https://orcid.org/0000-0002-1825-0097>\n", 1))
    store = tmp_path / "store"
    assert main(["build", "--data", str(data_copy), "--store", str(store)]) == 0
    out = tmp_path / "np"
    assert _run(store, "--format", "trig", "--view", "nanopub", "--sign", str(keys["rsa"]), "--split", str(out)) == 0
    orcid = ox.NamedNode("https://orcid.org/0000-0002-1825-0097")
    by_orcid = [p for p in out.iterdir() if any(q.object == orcid and q.predicate.value == f"{DCT}creator"
                                                for q in _quads(p))]
    signed_by = [p for p in by_orcid if any(q.object == orcid and q.predicate.value.endswith("/signedBy")
                                            for q in _quads(p))]
    assert len(by_orcid) == len(signed_by) > 0
    verdicts = _check(*by_orcid)
    assert {v["rust"]["printed"][0].split(" is valid: ")[1] for v in verdicts.values()} == {"1 trusty with signature"}
    assert {(v["python"]["trusty"], v["python"]["signature_strict"]) for v in verdicts.values()} == {(True, True)}


def test_the_export_is_deterministic_and_replaces_its_own_folder(built_store: Path, signed: Path,
                                                                 keys: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "np"
    for _ in range(2):  # the second run replaces the folder the first one wrote
        assert _run(built_store, "--format", "trig", "--view", "nanopub", "--sign", str(keys["rsa"]),
                    "--split", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in signed.iterdir())
    assert all((out / p.name).read_bytes() == p.read_bytes() for p in signed.iterdir())


def test_an_encrypted_key_signs_with_its_passphrase(built_store: Path, keys: dict[str, Path], tmp_path: Path,
                                                    signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_SIGN_PASSPHRASE", "s3cret")
    out = tmp_path / "np.nq"
    assert _run(built_store, "--format", "nquads", "--view", "nanopub", "--sign", str(keys["encrypted"]),
                "--out", str(out)) == 0
    # The same key, so the same signatures and trusty URIs as the TriG files.
    expected = {q for p in signed.iterdir() for q in _quads(p)}
    assert set(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS)) == expected


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "turtle", "--trusty", "--out", "x"],
     "--trusty applies to --format trig or nquads with --view nanopub, not to --format turtle: only they keep the "
     "nanopublications' graphs"),
    (["--format", "kgx-tsv", "--view", "nanopub", "--split", "x"],
     "--split applies to --format trig or nquads with --view nanopub, not to --format kgx-tsv: only they keep the "
     "nanopublications' graphs"),
    (["--format", "nquads", "--sign", "KEY", "--out", "x"],
     "--sign applies to the nanopublications only: add --view nanopub"),
    (["--format", "trig", "--view", "statements", "--split", "x"],
     "--split applies to the nanopublications only: add --view nanopub"),
    (["--format", "trig", "--view", "nanopub", "--trusty", "--split", "x", "--out", "y"],
     "--split DIR writes one file per nanopublication instead of --out: give one of them"),
    (["--format", "trig", "--view", "nanopub", "--trusty"],
     "give the file to write with --out, or a folder for one file per nanopublication with --split"),
    (["--format", "trig", "--view", "nanopub", "--trusty", "--licence", "https://example.org/l", "--out", "x"],
     "--licence, --base-url and --sparql-endpoint apply to --format void only, not to --trusty"),
    (["--format", "trig", "--view", "nanopub", "--sign", "{missing}", "--out", "x"],
     "signing key {missing} does not exist: give the path of an RSA private key in PEM (e.g. made with: openssl "
     "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem)"),
    (["--format", "trig", "--view", "nanopub", "--sign", "{encrypted}", "--out", "x"],
     "signing key {encrypted} is encrypted and no passphrase was given: set KG_SIGN_PASSPHRASE to its passphrase, "
     "or decrypt it (openssl pkey -in KEY -out PLAIN)"),
    (["--format", "trig", "--view", "nanopub", "--sign", "{ec}", "--out", "x"],
     "signing key {ec} is not an RSA key (it is an EC key): nanopublications are signed with RSA; give an RSA "
     "private key"),
    (["--format", "trig", "--view", "nanopub", "--sign", "{junk}", "--split", "x"],
     "signing key {junk} is not a PEM private key"),
])
def test_requests_that_cannot_work_are_refused_with_one_line(built_store: Path, keys: dict[str, Path],
                                                             tmp_path: Path, args: list[str], message: str,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_SIGN_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)
    paths = {**{name: str(path) for name, path in keys.items()}, "missing": str(tmp_path / "missing.pem")}
    assert _run(built_store, *[arg.format(**paths) for arg in args]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith(f"Error: {message.format(**paths)}")
    assert list(tmp_path.iterdir()) == []


def test_a_split_folder_holding_other_files_is_refused(built_store: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "np"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    assert _run(built_store, "--format", "trig", "--view", "nanopub", "--trusty", "--split", str(out)) == 2
    assert capsys.readouterr().err == (f"Error: cannot write {out}: the folder exists and holds other files "
                                       "(notes.txt); give a new or empty folder\n")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_nanopublication_without_a_curation_date_cannot_be_made_trusty(data_copy: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    claims = data_copy / "claims" / "fda-label-ketamine-injection.yaml"
    text = claims.read_text()
    assert "  date: 2026-11-24\n" in text
    claims.write_text(text.replace("  date: 2026-11-24\n", "", 1))
    store = tmp_path / "store"
    assert main(["build", "--data", str(data_copy), "--store", str(store)]) == 0
    capsys.readouterr()
    out = tmp_path / "np"
    assert _run(store, "--format", "trig", "--view", "nanopub", "--trusty", "--split", str(out)) == 2
    error = capsys.readouterr().err
    assert re.fullmatch(rf"Error: nanopublication {re.escape(NP)}[0-9a-f]{{16}} has no creation date, which "
                        r"publishing needs: give the curation of its claims file a date \(curation: date: "
                        r"YYYY-MM-DD\) and rebuild\n", error), error
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "store"]
