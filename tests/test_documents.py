"""`kg add`: a document's text is kept byte for byte, and what cannot be a text document is refused cleanly."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml

from kg.cli import main
from kg.documents import add_document
from kg.errors import DataError, DocumentError
from kg.vocab import DocumentKind

from .conftest import DATA

CORPUS = ("fda-label-ketamine-injection", "ketamine-migraine-article", "ny-dfs-appeal-202308-166215")
KINDS = {"fda-label-ketamine-injection": "drug-label", "ketamine-migraine-article": "web-article",
         "ny-dfs-appeal-202308-166215": "regulatory-decision"}
# The smallest valid PNG: signature, IHDR of a 1x1 image, IDAT, IEND.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _add(capsys: pytest.CaptureFixture[str], path: Path, data: Path, *options: str,
         kind: str = "web-article") -> tuple[int, str, str]:
    """Run `kg add`; return its exit code, standard output and standard error."""
    code = main(["add", str(path), "--title", "A title", "--kind", kind, "--data", str(data), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _incoming(tmp_path: Path, document: str, name: str) -> Path:
    """Copy a corpus text to a file of another name outside the data folder, as a curator would have it."""
    folder = tmp_path / "incoming"
    folder.mkdir(exist_ok=True)
    target = folder / name
    shutil.copyfile(DATA / "documents" / document / "text.txt", target)
    return target


def _listing(data: Path) -> list[str]:
    """Every entry of the documents folder, hidden ones (temporary folders) included."""
    return sorted(p.name for p in (data / "documents").iterdir())


def _meta(data: Path, document: str) -> dict[str, object]:
    loaded = yaml.safe_load((data / "documents" / document / "meta.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("document", CORPUS)
def test_add_keeps_corpus_text_byte_for_byte_and_records_its_sha256(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    source = _incoming(tmp_path, document, f"{document}-capture.txt")
    original = source.read_bytes()

    code, out, err = _add(capsys, source, data, kind=KINDS[document])

    assert code == 0
    new_id = f"{document}-capture"
    assert out == f"{new_id}\n"
    digest = hashlib.sha256(original).hexdigest()
    assert err.startswith(f"added document {new_id!r} (")
    assert f"sha256 {digest[:12]}..." in err
    assert _listing(data) == [new_id]
    assert sorted(p.name for p in (data / "documents" / new_id).iterdir()) == ["meta.yaml", "text.txt"]
    assert (data / "documents" / new_id / "text.txt").read_bytes() == original
    meta = _meta(data, new_id)
    assert meta["sha256"] == digest == _meta(DATA, document)["sha256"]
    assert {key: meta[key] for key in ("id", "title", "kind", "media_type", "original")} == {
        "id": new_id, "title": "A title", "kind": KINDS[document], "media_type": "text/plain",
        "original": f"{document}-capture.txt",
    }
    assert source.read_bytes() == original


@pytest.mark.parametrize(("name", "content", "message"), [
    ("latin1.txt", "Caf\u00e9 au lait: ketamine may reduce migraines.\n".encode("latin-1"),
     ":1: is not UTF-8 (byte 0xe9 at offset 3); it looks like Latin-1 (ISO-8859-1): convert it, e.g. "
     "`iconv -f latin1 -t utf-8 latin1.txt > latin1.utf8.txt`, and add the converted file"),
    ("empty.txt", b"", ": is empty: there is no text to anchor claims to"),
    ("whitespace.txt", b" \n\t\r\n   \n", ": is empty: there is no text to anchor claims to"),
    ("nul.txt", b"Ketamine is a dissociative anesthetic.\x00\x00\x00\n",
     ": is binary (it contains NUL bytes), not a text document"),
    ("figure.png", PNG, ": is binary (it contains NUL bytes), not a text document"),
], ids=["latin-1", "empty", "whitespace-only", "nul-bytes", "png"])
def test_add_refuses_what_is_not_a_text_document_and_adds_nothing(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _listing(data_copy)

    code, out, err = _add(capsys, path, data_copy)

    assert code == 1
    assert out == ""
    assert err == f"Error: {path}{message}\n"
    assert _listing(data_copy) == before == list(CORPUS)


def test_add_refuses_a_file_over_max_bytes_and_adds_nothing(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _incoming(tmp_path, "fda-label-ketamine-injection", "label.txt")
    size = path.stat().st_size
    assert size == 1980

    code, out, err = _add(capsys, path, data_copy, "--max-bytes", "1000", kind="drug-label")

    assert code == 1
    assert out == ""
    assert err == (f"Error: {path}: is 1,980 bytes, over the limit of 1,000: raise it with --max-bytes "
                   "(or KG_MAX_DOCUMENT_BYTES) if the document really is this large\n")
    assert _listing(data_copy) == list(CORPUS)
    with pytest.raises(DocumentError) as raised:
        add_document(data_copy, path, title="A title", kind=DocumentKind.DRUG_LABEL, max_bytes=1000)
    assert isinstance(raised.value, DataError)
    assert _listing(data_copy) == list(CORPUS)


def test_add_a_path_that_does_not_exist_exits_2_naming_it(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "incoming" / "missing.txt"

    code, out, err = _add(capsys, missing, data_copy)

    assert code == 2
    assert out == ""
    assert err == f"Error: {missing}: no such file; check the path\n"
    assert _listing(data_copy) == list(CORPUS)


def test_adding_the_same_text_twice_is_a_no_op_even_under_another_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    first = _incoming(tmp_path, "ketamine-migraine-article", "article.txt")
    assert _add(capsys, first, data)[:2] == (0, "article\n")
    meta_before = (data / "documents" / "article" / "meta.yaml").read_bytes()

    for again in (first, _incoming(tmp_path, "ketamine-migraine-article", "the-same-article-saved-again.txt")):
        code, out, err = _add(capsys, again, data, "--id", "another-id")

        assert code == 0
        assert out == "article\n"
        assert err == (f"{again} is already in the data folder as document 'article' (same SHA-256); "
                       "nothing changed\n")
        assert _listing(data) == ["article"]
        assert (data / "documents" / "article" / "meta.yaml").read_bytes() == meta_before


def test_article_promotional_link_is_recorded_as_promotional(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    path = _incoming(tmp_path, "ketamine-migraine-article", "article.txt")

    assert _add(capsys, path, data)[0] == 0

    url = "https://www.nepenthewellness.com/ketamine-therapy/"
    assert _meta(data, "article")["links"] == [
        {"url": url, "start": 2561, "end": 2611, "promotional": True,
         "reason": 'the text around it says "check out"'},
    ]
    assert path.read_text(encoding="utf-8")[2561:2611] == url


def test_label_medwatch_link_is_recorded_as_not_promotional(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    path = _incoming(tmp_path, "fda-label-ketamine-injection", "label.txt")

    assert _add(capsys, path, data, kind="drug-label")[0] == 0

    assert _meta(data, "label")["links"] == [
        {"url": "www.fda.gov/medwatch", "start": 1022, "end": 1042, "promotional": False},
    ]
    assert path.read_text(encoding="utf-8")[1022:1042] == "www.fda.gov/medwatch"


@pytest.mark.parametrize("bad_id", ["Ketamine Label", "-label", "label/../../escape", "x" * 81],
                         ids=["spaces-and-capitals", "leading-dash", "path", "too-long"])
def test_add_with_an_invalid_id_exits_2_and_adds_nothing(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], bad_id: str
) -> None:
    path = tmp_path / "label.txt"
    path.write_text("Ketamine hydrochloride injection is a general anesthetic.\n", encoding="utf-8")

    code, out, err = _add(capsys, path, data_copy, "--id", bad_id, kind="drug-label")

    assert code == 2
    assert out == ""
    assert err == (f"Error: document id {bad_id!r} is not allowed: use lower-case letters, digits, '.', '_' "
                   "and '-', starting with a letter or digit\n")
    assert _listing(data_copy) == list(CORPUS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "label.txt"]


def test_add_with_an_id_taken_by_a_different_document_exits_2_and_changes_nothing(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = "ketamine-migraine-article"
    path = tmp_path / "other.txt"
    path.write_text("Ketamine hydrochloride injection is a general anesthetic.\n", encoding="utf-8")
    text_before = (data_copy / "documents" / taken / "text.txt").read_bytes()
    meta_before = (data_copy / "documents" / taken / "meta.yaml").read_bytes()

    code, out, err = _add(capsys, path, data_copy, "--id", taken)

    assert code == 2
    assert out == ""
    assert err == (f"Error: a different document already has the id {taken!r} ({data_copy / 'documents' / taken})"
                   ": choose another with --id\n")
    assert _listing(data_copy) == list(CORPUS)
    assert (data_copy / "documents" / taken / "text.txt").read_bytes() == text_before
    assert (data_copy / "documents" / taken / "meta.yaml").read_bytes() == meta_before


def test_add_interrupted_while_moving_into_place_leaves_no_temporary_folder(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "appeal.txt"
    path.write_text("The health plan's determination is upheld.\n", encoding="utf-8")

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    # Adding renames the finished folder into place with os.replace: make that last step fail.
    monkeypatch.setattr(os, "replace", fail)
    code, out, err = _add(capsys, path, data_copy, kind="regulatory-decision")
    monkeypatch.undo()

    assert code == 2
    assert out == ""
    assert err.startswith("Error: ")
    assert "No space left on device" in err
    assert _listing(data_copy) == list(CORPUS)
