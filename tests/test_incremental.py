"""Incremental builds: only what changed is rebuilt, and the store is byte for byte what a full build makes.

Each test builds a private copy of the bundled data, changes it in one precise way, builds again, and compares
the store (canonical N-Quads) with a full build of the changed data into another folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli import main
from kg.incremental import MANIFEST
from kg.store import canonical_nquads, open_store

LABEL = "fda-label-ketamine-injection"
ARTICLE = "ketamine-migraine-article"
APPEAL = "ny-dfs-appeal-202308-166215"


def _build(capsys: pytest.CaptureFixture[str], data: Path, store: Path, *flags: str) -> tuple[int, list[str]]:
    code = main(["build", "--data", str(data), "--store", str(store), *flags])
    return code, capsys.readouterr().err.splitlines()


def _nquads(store: Path) -> bytes:
    with open_store(store) as opened:
        return canonical_nquads(opened)


def _quad_count(store: Path) -> int:
    with open_store(store) as opened:
        return len(opened)


def _claims(data: Path, document: str) -> Path:
    return data / "claims" / f"{document}.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert content.count(old) == 1, f"{old!r} occurs {content.count(old)} times in {path}"
    path.write_text(content.replace(old, new), encoding="utf-8")


def _claim_block(path: Path, claim_id: str) -> str:
    """Return the lines of one claim in a claims file, from its ``- id:`` line to the next claim or comment."""
    content = path.read_text(encoding="utf-8")
    start = content.index(f"- id: {claim_id}\n")
    end = min((i for i in (content.find("\n- id: ", start + 1), content.find("\n#", start + 1)) if i > 0),
              default=len(content))
    return content[start: end + 1]


@pytest.fixture()
def built(tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store built from the intact copy of the data folder."""
    store = tmp_path / "store"
    code, err = _build(capsys, data_copy, store)
    assert code == 0, err
    assert err[0] == "full build: first build"
    return store


def _assert_rebuilt_incrementally(capsys: pytest.CaptureFixture[str], data: Path, store: Path, changed: str) -> None:
    """Build again: only *changed* is rebuilt, and the store is then what a full build makes."""
    code, err = _build(capsys, data, store)

    assert code == 0, err
    assert err[0] == f"incremental build: 1 document changed ({changed})"
    _assert_same_as_full_build(capsys, data, store)


def _assert_same_as_full_build(capsys: pytest.CaptureFixture[str], data: Path, store: Path) -> None:
    reference = store.with_name("reference")
    code, err = _build(capsys, data, reference, "--full")
    assert code == 0, err
    assert _nquads(store) == _nquads(reference)
    manifest = json.loads((store / MANIFEST).read_bytes())
    assert manifest["quads"] == _quad_count(store) == _quad_count(reference)
    shutil.rmtree(reference)


def test_a_second_build_with_no_change_leaves_the_store_alone(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in built.iterdir()}

    code, err = _build(capsys, data_copy, built)

    assert code == 0
    assert err[0] == "up to date: no document, claim, entity or ontology changed since the last build"
    assert err[1].startswith(f"unchanged {built}: 3 documents, 58 entities, 69 claims, 7,076 quads in ")
    assert {p.name: p.stat().st_mtime_ns for p in built.iterdir()} == before


def test_modality_edit_rebuilds_one_document(data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A claim of the article that claims of the two other documents link to: its IRI does not change.
    path = _claims(data_copy, ARTICLE)
    block = _claim_block(path, "article-efficacy-frequency")
    assert "  modality: hedged\n" in block
    _edit(path, block, block.replace("  modality: hedged\n", "  modality: asserted\n"))
    before = _nquads(built)

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == f"incremental build: 1 document changed ({ARTICLE})"
    assert err[1].startswith(f"built {built}: 3 documents, 58 entities, 69 claims, 7,076 quads in ")
    after = _nquads(built)
    changed = set(before.splitlines()) ^ set(after.splitlines())
    assert {line.split(b" ")[2] for line in changed} == {b"<https://w3id.org/cekg/vocab#Hedged>",
                                                         b"<https://w3id.org/cekg/vocab#Asserted>"}
    assert len(changed) == 4  # statement view and assertion graph, old and new
    _assert_same_as_full_build(capsys, data_copy, built)


def test_claim_removed(data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _claims(data_copy, LABEL)
    _edit(path, _claim_block(path, "label-role-general-anesthetic"), "")

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == f"incremental build: 1 document changed ({LABEL})"
    assert " 68 claims, " in err[1]
    _assert_same_as_full_build(capsys, data_copy, built)


def test_claim_added(data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _claims(data_copy, APPEAL)
    block = _claim_block(path, "appeal-access-insurer-denied")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(block.replace("- id: appeal-access-insurer-denied", "- id: appeal-access-insurer-denied-again")
                     .replace("  polarity: negated\n", "  polarity: affirmed\n")
                     .replace("  polarity: affirmed\n", "  polarity: affirmed\n  note: added later\n", 1))

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == f"incremental build: 1 document changed ({APPEAL})"
    assert " 70 claims, " in err[1]
    _assert_same_as_full_build(capsys, data_copy, built)


def _copy_document(data: Path, source: str, new: str) -> None:
    """Add a copy of a document under a new id: its text gets one more line at the end, its claims new ids."""
    folder = data / "documents" / new
    shutil.copytree(data / "documents" / source, folder)
    text = (folder / "text.txt").read_bytes() + b"\n(a second capture)\n"
    (folder / "text.txt").write_bytes(text)
    sha = hashlib.sha256(text).hexdigest()
    meta = (folder / "meta.yaml").read_text(encoding="utf-8")
    meta = re.sub(r"^id: .*$", f"id: {new}", meta, flags=re.M)
    (folder / "meta.yaml").write_text(re.sub(r"^sha256: .*$", f"sha256: {sha}", meta, flags=re.M), encoding="utf-8")
    claims = _claims(data, source).read_text(encoding="utf-8")
    claims = re.sub(r"^document: .*$", f"document: {new}", claims, flags=re.M)
    claims = re.sub(r"^document_sha256: .*$", f"document_sha256: {sha}", claims, flags=re.M)
    claims = re.sub(r"^- id: (\S+)$", r"- id: \1-copy", claims, flags=re.M)
    _claims(data, new).write_text(claims, encoding="utf-8")


def test_document_added(data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _copy_document(data_copy, LABEL, "label-second-capture")

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == "incremental build: 1 document added (label-second-capture)"
    assert err[1].startswith(f"built {built}: 4 documents, 58 entities, 87 claims, ")
    _assert_same_as_full_build(capsys, data_copy, built)


def test_document_removed(data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # No claim of another document links to a claim of the label.
    shutil.rmtree(data_copy / "documents" / LABEL)
    _claims(data_copy, LABEL).unlink()

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == f"incremental build: 1 document removed ({LABEL})"
    assert err[1].startswith(f"built {built}: 2 documents, 58 entities, 51 claims, ")
    _assert_same_as_full_build(capsys, data_copy, built)


def test_document_text_and_claims_changed_together(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document re-captured with a line more: new hash, new IRI, and its claims re-anchored to it."""
    folder = data_copy / "documents" / LABEL
    text = (folder / "text.txt").read_bytes() + b"\nRevised.\n"
    (folder / "text.txt").write_bytes(text)
    sha = hashlib.sha256(text).hexdigest()
    meta = folder / "meta.yaml"
    meta.write_text(re.sub(r"^sha256: .*$", f"sha256: {sha}", meta.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    claims = _claims(data_copy, LABEL)
    claims.write_text(re.sub(r"^document_sha256: .*$", f"document_sha256: {sha}",
                             claims.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")

    _assert_rebuilt_incrementally(capsys, data_copy, built, LABEL)


def test_entities_changed_rebuilds_everything(data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(data_copy / "entities.yaml", "label: Migraine Research Foundation",
          "label: Migraine Research Foundation (MRF)")

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == "full build: entities changed"
    _assert_same_as_full_build(capsys, data_copy, built)


def test_a_changed_claim_that_another_document_links_to_rebuilds_everything(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Claims of the appeal support this article claim; its polarity is part of its IRI.
    path = _claims(data_copy, ARTICLE)
    block = _claim_block(path, "article-access-not-covered")
    _edit(path, block, block.replace("  polarity: negated\n", "  polarity: affirmed\n"))

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0].startswith("full build: claim 'article-access-not-covered' changed its IRI or left the build, "
                             "and 'appeal-")
    _assert_same_as_full_build(capsys, data_copy, built)


def test_full_flag_and_include_proposed_rebuild_everything(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _build(capsys, data_copy, built, "--full")[1][0] == "full build: asked with --full"
    assert _build(capsys, data_copy, built, "--include-proposed")[1][0] == "full build: --include-proposed changed"
    assert _build(capsys, data_copy, built)[1][0] == "full build: --include-proposed changed"


def test_an_edit_right_after_a_build_is_seen_even_with_the_same_size_and_time(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file saved just before a build and saved again in the same clock tick, same size, is not missed."""
    path = _claims(data_copy, LABEL)
    os.utime(path)
    stat = path.stat()
    store = tmp_path / "store"
    assert _build(capsys, data_copy, store)[0] == 0
    block = _claim_block(path, "label-role-general-anesthetic")
    _edit(path, block, block.replace("  category: indication\n", "  category: prevalence\n"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)

    _assert_rebuilt_incrementally(capsys, data_copy, store, LABEL)


def test_a_bad_file_beside_a_good_change_changes_nothing(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The problems are those a full build reports, and the store stays exactly as it was."""
    before = _nquads(built)
    path = _claims(data_copy, ARTICLE)
    block = _claim_block(path, "article-efficacy-frequency")
    _edit(path, block, block.replace("  modality: hedged\n", "  modality: asserted\n"))
    _edit(_claims(data_copy, LABEL), "  start: 517\n  end: 573\n", "  start: 518\n  end: 574\n")
    full_store = built.with_name("full")
    code_full, err_full = _build(capsys, data_copy, full_store, "--full")

    code, err = _build(capsys, data_copy, built)

    assert (code, code_full) == (1, 1)
    assert err == err_full
    assert "the quote is not at 518-574" in err[0]
    assert _nquads(built) == before
    assert sorted(p.name for p in built.parent.iterdir()) == ["data", "store"]


@pytest.mark.parametrize(("edit", "problem"), [
    ("duplicate", "duplicate claim id 'label-role-general-anesthetic', first defined at data/claims/"),
    ("dangling", "supports names claim 'article-no-such-claim', which no claims file defines"),
    ("same-place", "says the same as claim 'label-regulatory-schedule-iii'"),
], ids=["duplicate-id-across-files", "relation-to-missing-claim", "same-claim-twice"])
def test_problems_across_files_are_reported_as_by_a_full_build(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str], edit: str, problem: str
) -> None:
    before = _nquads(built)
    if edit == "duplicate":
        _edit(_claims(data_copy, APPEAL), "- id: appeal-access-insurer-denied", "- id: label-role-general-anesthetic")
    elif edit == "dangling":
        _edit(_claims(data_copy, LABEL), "  supports: [article-history-dissociative-anesthetic]\n",
              "  supports: [article-no-such-claim]\n")
    else:
        path = _claims(data_copy, LABEL)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(_claim_block(path, "label-regulatory-schedule-iii").replace(
                "- id: label-regulatory-schedule-iii", "- id: label-regulatory-schedule-iii-again"))
    code_full, err_full = _build(capsys, data_copy, built.with_name("full"), "--full")

    code, err = _build(capsys, data_copy, built)

    assert (code, code_full) == (1, 1)
    assert err == err_full
    assert problem in "\n".join(err)
    assert _nquads(built) == before
    assert sorted(p.name for p in built.parent.iterdir()) == ["data", "store"]


def test_removing_a_claim_another_document_links_to_is_refused(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _nquads(built)
    path = _claims(data_copy, ARTICLE)
    _edit(path, _claim_block(path, "article-regulatory-off-label"), "")

    code, err = _build(capsys, data_copy, built)

    assert code == 1
    assert any("supports names claim 'article-regulatory-off-label', which no claims file defines" in line
               for line in err)
    assert _nquads(built) == before


def test_a_failure_while_changing_the_store_leaves_it_as_it_was(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.incremental

    before = _nquads(built)
    manifest = (built / MANIFEST).read_bytes()
    path = _claims(data_copy, LABEL)
    _edit(path, _claim_block(path, "label-role-general-anesthetic"), "")
    taken_out = kg.incremental._take_out

    def fail_halfway(store: object, units: object) -> int:
        taken_out(store, units)  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.incremental, "_take_out", fail_halfway)

    code, err = _build(capsys, data_copy, built)

    assert code == 2
    assert err[-1].startswith(f"Error: cannot write the store at {built}: ")
    assert err[-1].endswith("No space left on device; the previous store is unchanged")
    assert _nquads(built) == before
    assert (built / MANIFEST).read_bytes() == manifest
    assert sorted(p.name for p in built.parent.iterdir()) == ["data", "store"]

    monkeypatch.undo()
    _assert_rebuilt_incrementally(capsys, data_copy, built, LABEL)


def test_a_store_without_manifest_gets_a_full_build(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (built / MANIFEST).unlink()

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == "full build: no manifest of a previous build in the store"
    assert (built / MANIFEST).exists()


def test_several_changes_in_a_row_stay_equal_to_full_builds(
    data_copy: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy_document(data_copy, APPEAL, "appeal-second-capture")
    assert _build(capsys, data_copy, built)[1][0] == "incremental build: 1 document added (appeal-second-capture)"
    path = _claims(data_copy, "appeal-second-capture")
    _edit(path, _claim_block(path, "appeal-access-insurer-denied-copy"), "")
    shutil.rmtree(data_copy / "documents" / LABEL)
    _claims(data_copy, LABEL).unlink()

    code, err = _build(capsys, data_copy, built)

    assert code == 0, err
    assert err[0] == ("incremental build: 1 document changed (appeal-second-capture), "
                      f"1 document removed ({LABEL})")
    _assert_same_as_full_build(capsys, data_copy, built)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic data folder of 4,000 claims (about 1.6 MB of claims files)."""
    out = tmp_path_factory.mktemp("synthetic") / "data"
    done = subprocess.run([sys.executable, "-m", "bench.synth", "--claims", "4000", "--seed", "3", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    return out


def _first_documents(data: Path, target: Path, count: int) -> list[str]:
    """Copy *data* to *target* with only its first *count* documents; return the names of the others."""
    shutil.copytree(data, target)
    documents = sorted(path.name for path in (target / "documents").iterdir())
    for name in documents[count:]:
        shutil.rmtree(target / "documents" / name)
        (target / "claims" / f"{name}.yaml").unlink()
    return documents[count:]


def _claims_bytes(data: Path, names: list[str]) -> int:
    return sum((data / "claims" / f"{name}.yaml").stat().st_size for name in names)


@pytest.mark.parametrize(("kept", "large"), [(30, True), (120, False)], ids=["most added", "a few added"])
def test_a_large_change_is_built_in_full(tmp_path: Path, synthetic: Path, kept: int, large: bool,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    added = _first_documents(synthetic, data, kept)
    store = tmp_path / "store"
    code, err = _build(capsys, data, store)
    assert code == 0, err
    before = _claims_bytes(data, sorted(path.stem for path in (data / "claims").glob("*.yaml")))
    for name in added:
        shutil.copytree(synthetic / "documents" / name, data / "documents" / name)
        shutil.copy(synthetic / "claims" / f"{name}.yaml", data / "claims" / f"{name}.yaml")

    code, err = _build(capsys, data, store)

    assert code == 0, err
    touched = _claims_bytes(data, added)
    assert (touched >= 1_000_000 and touched > 0.5 * before) is large
    if large:
        assert err[0] == (f"full build: a large change (the claims files to take out and put in weigh "
                          f"{touched / before:.0%} of the previous build's, over 50%), which a full build makes "
                          "faster")
    else:
        assert err[0].startswith(f"incremental build: {len(added)} documents added ("), err
    _assert_same_as_full_build(capsys, data, store)
