"""`kg add` for HTML pages, PDF files and text in other encodings, and the bad input each of them brings."""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import shutil
import socket
import struct
import subprocess
import sys
import termios
import tracemalloc
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pypdf
import pytest
import trafilatura
import yaml

from kg.cli import main
from kg.corpus import load_corpus
from kg.documents import add_document, resolve_document
from kg.errors import NotFoundError
from kg.validate import validate
from kg.vocab import DocumentKind

from .conftest import REPO

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "documents"
CORPUS = ["fda-label-ketamine-injection", "ketamine-migraine-article", "ny-dfs-appeal-202308-166215"]
#: Words hidden in the parts of the fixture pages that must never become text (see fixtures/documents/README.md).
MARKERS = ("scriptmarkerzebra", "stylemarkerquokka", "jsonldmarkerpangolin", "commentmarkernarwhal",
           "cookiemarkerlemur", "navmarkerokapi", "footernavmarkeribex", "footermarkeribex",
           "readercommentmarkerbison", "sidebarmarkertapir", "noscriptmarkerwombat")
TRAFILATURA = {"name": "trafilatura", "version": trafilatura.__version__,
               "settings": {"favor_recall": True, "include_comments": False, "include_tables": True,
                            "include_images": False, "deduplicate": False},
               "cleaning": "kg 0.1.0: scripts, styles, comments, navigation, cookie banners and form controls "
                           "removed before extraction"}
PYPDF = {"name": "pypdf", "version": pypdf.__version__, "settings": {"extraction_mode": "plain"}}
LABEL_PAGES = [
    ["KETAMINE HYDROCHLORIDE injection, for intravenous use", "Ketamine may cause respiratory depression."],
    ["To report SUSPECTED ADVERSE REACTIONS, contact the FDA at", "https://www.fda.gov/medwatch or order now at",
     "https://pharmacy.example/ketamine?utm_source=label"],
]
LABEL_TEXT = ("KETAMINE HYDROCHLORIDE injection, for intravenous use\nKetamine may cause respiratory depression.\n"
              "\fTo report SUSPECTED ADVERSE REACTIONS, contact the FDA at\n"
              "https://www.fda.gov/medwatch or order now at\nhttps://pharmacy.example/ketamine?utm_source=label\n")


def _add(capsys: pytest.CaptureFixture[str], path: Path, data: Path, *options: str) -> tuple[int, str, str]:
    """Run `kg add`; return its exit code, standard output and standard error."""
    code = main(["add", str(path), "--data", str(data), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _listing(data: Path) -> list[str]:
    """Every entry of the documents folder, hidden ones (temporary folders) included."""
    folder = data / "documents"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _meta(data: Path, document: str) -> dict[str, object]:
    loaded = yaml.safe_load((data / "documents" / document / "meta.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _files(data: Path, document: str) -> list[str]:
    return sorted(p.name for p in (data / "documents" / document).iterdir())


def _escape(line: str) -> bytes:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def _pdf(pages: Sequence[Sequence[str] | str | None], *, title: str | None = None,
         annotations: Sequence[str] = ()) -> bytes:
    """Write a PDF by hand: each page is lines of Helvetica text, "image" (a picture and no text) or None (empty).

    ``annotations`` are web links put on the first page as link annotations.
    """
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
           b"/Length 1 >>\nstream\n\x80\nendstream",
    }
    kids = []
    number = 5
    for page in pages:
        page_number, number = number, number + 1
        kids.append(page_number)
        entries = (b"/Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                   b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >>")
        if page is not None:
            stream = (b"q 200 0 0 200 72 500 cm /Im1 Do Q" if page == "image" else
                      b"BT /F1 11 Tf 72 720 Td 14 TL " + b" ".join(b"(" + _escape(line) + b") Tj T*" for line in page)
                      + b" ET")
            objects[number] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
            entries += b" /Contents %d 0 R" % number
            number += 1
        if annotations and page_number == 5:
            refs = []
            for uri in annotations:
                objects[number] = (b"<< /Type /Annot /Subtype /Link /Rect [72 600 300 620] /A << /S /URI /URI ("
                                   + _escape(uri) + b") >> >>")
                refs.append(b"%d 0 R" % number)
                number += 1
            entries += b" /Annots [" + b" ".join(refs) + b"]"
        objects[page_number] = b"<< " + entries + b" >>"
    objects[2] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % kid for kid in kids) + b"] /Count %d >>"
                  % len(kids))
    info = b""
    if title is not None:
        objects[number] = b"<< /Title (" + _escape(title) + b") /Producer (hand-written for the kg tests) >>"
        info = b" /Info %d 0 R" % number
        number += 1
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for key in sorted(objects):
        offsets[key] = len(out)
        out += b"%d 0 obj\n" % key + objects[key] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % number
    out += b"".join(b"%010d 00000 n \n" % offsets[key] for key in range(1, number))
    out += b"trailer\n<< /Size %d /Root 1 0 R" % number + info + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _encrypted(data: bytes, *, user: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _write(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


# HTML ------------------------------------------------------------------------------------------------------------


def test_html_page_keeps_its_main_text_exactly_with_the_original_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    page = FIXTURES / "clinic-page.html"

    code, out, err = _add(capsys, page, data, "--kind", "marketing-page", "--retrieved", "2024-05-02")

    assert code == 0
    assert out == "clinic-page\n"
    assert _files(data, "clinic-page") == ["meta.yaml", "original.html", "text.txt"]
    text = (data / "documents" / "clinic-page" / "text.txt").read_bytes()
    assert text == (FIXTURES / "clinic-page.expected.txt").read_bytes()
    assert (data / "documents" / "clinic-page" / "original.html").read_bytes() == page.read_bytes()
    digest = hashlib.sha256(text).hexdigest()
    meta = _meta(data, "clinic-page")
    assert {key: value for key, value in meta.items() if key not in ("links", "other_links")} == {
        "id": "clinic-page", "title": "Ketamine Infusions for Chronic Migraine", "kind": "marketing-page",
        "sha256": digest, "media_type": "text/html",
        "source": "https://harborlight.example/blog/ketamine-for-chronic-migraine/", "date": "2024-03-18",
        "retrieved": "2024-05-02", "original": "clinic-page.html", "original_file": "original.html",
        "original_sha256": hashlib.sha256(page.read_bytes()).hexdigest(), "original_bytes": page.stat().st_size,
        "encoding": "utf-8", "extractor": TRAFILATURA, "taken_from_file": ["title", "source", "date"],
    }
    assert err == (
        f"added document 'clinic-page' (1,726 characters, sha256 {digest[:12]}...; text taken from the HTML by "
        f"trafilatura {trafilatura.__version__})\n"
        "  title taken from the file: Ketamine Infusions for Chronic Migraine\n"
        "  source taken from the file: https://harborlight.example/blog/ketamine-for-chronic-migraine/\n"
        "  date taken from the file: 2024-03-18\n")


@pytest.mark.parametrize("name", ["clinic-page", "clinic-landing", "boilerplate-page"])
def test_scripts_styles_comments_and_navigation_never_become_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    page = FIXTURES / f"{name}.html"
    hidden = [marker for marker in MARKERS if marker in page.read_text(encoding="utf-8")]
    assert len(hidden) >= 5

    assert _add(capsys, page, tmp_path / "data", "--kind", "marketing-page")[0] == 0

    text = (tmp_path / "data" / "documents" / name / "text.txt").read_text(encoding="utf-8").lower()
    assert [marker for marker in hidden if marker in text] == []
    for leftover in ("gtag(", "datalayer", "{", "<", "accept all cookies", "privacy policy"):
        assert leftover not in text


def test_html_links_are_placed_in_the_text_and_promotional_ones_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"

    assert _add(capsys, FIXTURES / "clinic-page.html", data, "--kind", "marketing-page")[0] == 0

    meta = _meta(data, "clinic-page")
    assert meta["links"] == [
        {"url": "https://pubmed.ncbi.nlm.nih.gov/00000001/", "text": "retrospective study of 77 inpatients",
         "start": 547, "end": 583, "promotional": False},
        {"url": "https://www.ninds.nih.gov/health-information/disorders/migraine",
         "text": "National Institute of Neurological Disorders and Stroke", "start": 1152, "end": 1207,
         "promotional": False},
        {"url": "https://shop.example.net/magnesium-glycinate?ref=harborlight&tag=hlk-20",
         "text": "our recommended magnesium supplement", "start": 1493, "end": 1529, "promotional": True,
         "reason": 'the text around it says "our recommended"; its address has the affiliate parameter "ref"'},
        {"url": "https://harborlight.example/book/?utm_source=blog&utm_medium=cta&utm_campaign=migraine",
         "text": "Book a consultation", "start": 1605, "end": 1624, "promotional": True,
         "reason": 'the text around it says "book a"; its address has the tracking parameter "utm_source"'},
        {"url": "https://partner.example.org/migraine-tracker", "text": "a migraine tracking app from our partner",
         "start": 1685, "end": 1725, "promotional": True,
         "reason": 'the text around it says "partner"; the page marks it rel="sponsored"'},
    ]
    text = (data / "documents" / "clinic-page" / "text.txt").read_text(encoding="utf-8")
    links = meta["links"]
    assert isinstance(links, list)
    assert [text[link["start"]:link["end"]] for link in links] == [link["text"] for link in links]
    # Links outside the main text are kept, without offsets; the page's navigation menus are not links out.
    assert meta["other_links"] == [
        {"url": "https://harborlight.example/", "text": "Harbor Light Ketamine Clinic", "promotional": False},
        {"url": "https://harborlight.example/", "text": "Home", "promotional": False},
        {"url": "https://harborlight.example/blog/", "text": "Blog", "promotional": False},
        {"url": "https://harborlight.example/blog/ketamine-for-depression/",
         "text": "Ketamine for depression sidebarmarkertapir", "promotional": False},
        {"url": "https://harborlight.example/blog/what-to-expect/", "text": "What to expect at your first visit",
         "promotional": False},
    ]
    document = load_corpus(data).documents["clinic-page"]
    assert [(link.url, link.start, link.end, link.promotional) for link in document.links] == [
        (link["url"], link["start"], link["end"], link["promotional"]) for link in links]


def test_page_builder_layout_keeps_conditions_questions_and_call_to_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"

    assert _add(capsys, FIXTURES / "clinic-landing.html", data, "--kind", "marketing-page")[0] == 0

    text = (data / "documents" / "clinic-landing" / "text.txt").read_text(encoding="utf-8")
    assert text == (FIXTURES / "clinic-landing.expected.txt").read_text(encoding="utf-8")
    for kept in ("- Chronic migraine and cluster headache\n", "Is ketamine therapy safe?\n",
                 "Ready to start? Schedule your free consultation today"):
        assert kept in text
    meta = _meta(data, "clinic-landing")
    assert meta["title"] == "IV Ketamine Therapy"
    links = meta["links"]
    assert isinstance(links, list)
    assert [(link["text"], link["promotional"]) for link in links] == [
        ("Schedule your free consultation", True), ("this overview from the NIMH", False)]


def test_favor_recall_is_what_keeps_the_page_builder_text() -> None:
    """The measurement behind the extraction settings: precision drops what a curator needs on such pages."""
    page = (FIXTURES / "clinic-landing.html").read_text(encoding="utf-8")
    settings: dict[str, dict[str, Any]] = {"precision": {"favor_precision": True}, "default": {},
                                           "recall": {"favor_recall": True}}
    lengths = {name: len(trafilatura.extract(page, include_comments=False, **options) or "")
               for name, options in settings.items()}
    assert lengths == {"precision": 888, "default": 1008, "recall": 1292}
    precise = trafilatura.extract(page, include_comments=False, favor_precision=True) or ""
    assert "Chronic migraine and cluster headache" not in precise
    assert "Schedule your free consultation" not in precise


def test_a_page_that_is_nearly_all_boilerplate_is_added_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"

    code, out, err = _add(capsys, FIXTURES / "boilerplate-page.html", data, "--kind", "marketing-page")

    assert code == 0
    assert out == "boilerplate-page\n"
    warning = ("the page is nearly all boilerplate: its main text is 34 characters out of 961 visible on the page "
               "(4%); check that text.txt holds the text claims will quote before curating")
    assert err.splitlines()[-1] == f"Warning: {warning}"
    assert (data / "documents" / "boilerplate-page" / "text.txt").read_text() == "Locations\nVisit us in Springfield."
    assert _meta(data, "boilerplate-page")["warnings"] == [warning]


def test_html_without_a_title_asks_for_one_and_adds_nothing(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "<p>Ketamine infusions are offered for chronic migraine at several clinics in the city. " * 4
    path = _write(tmp_path / "incoming", "untitled.html",
                  f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><article>{body}</article>"
                  "</body></html>".encode())

    code, out, err = _add(capsys, path, data_copy, "--kind", "news")

    assert (code, out) == (2, "")
    assert err == f"Error: {path} has no <title>: give the document's title with --title\n"
    assert _listing(data_copy) == CORPUS

    code, out, err = _add(capsys, path, data_copy, "--kind", "news", "--title", "Clinics in the city")

    assert (code, out) == (0, "untitled\n")
    assert _meta(data_copy, "untitled")["title"] == "Clinics in the city"
    assert "taken_from_file" not in _meta(data_copy, "untitled")


def test_html_in_its_declared_latin_1_is_read_as_browsers_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            "<title>Caf\u00e9 talk</title></head><body><article><p>The clinic\u2019s caf\u00e9 offers "
            "\u201cketamine lattes\u201d, which are not a treatment for migraine, whatever its flyers say. "
            "Ask a neurologist about preventive treatments that have been tested in trials.</p></article></body>"
            "</html>").encode("cp1252")
    path = _write(tmp_path / "incoming", "cafe.html", page)
    data = tmp_path / "data"

    assert _add(capsys, path, data, "--kind", "news")[0] == 0

    text = (data / "documents" / "cafe" / "text.txt").read_text(encoding="utf-8")
    assert text.startswith("The clinic\u2019s caf\u00e9 offers \u201cketamine lattes\u201d, which")
    assert _meta(data, "cafe")["encoding"] == "cp1252"
    assert _meta(data, "cafe")["title"] == "Caf\u00e9 talk"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("latin1.html", "<html><head><title>Caf\u00e9</title></head><body><p>Caf\u00e9.</p></body></html>"
     .encode("latin-1"),
     ":1: is not UTF-8 (byte 0xe9 at offset 22); it looks like Latin-1 (ISO-8859-1): convert it, e.g. "
     "`iconv -f latin1 -t utf-8 latin1.html > latin1.utf8.html`, and add the converted file"),
    ("app.html", b"<!DOCTYPE html><html><head><title>Clinic app</title><script>render('scriptmarkerzebra')"
     b"</script></head><body><nav><a href='/'>Home</a> <a href='/book'>Book now</a></nav><div id='root'></div>"
     b"</body></html>",
     ": has no main text that can be told apart from menus and boilerplate (or its text is drawn by JavaScript): "
     "open it in a browser, save the article's text as a .txt file and add that"),
    ("unknown.html", b"<html><head><meta charset='klingon-8'><title>x</title></head><body>x</body></html>",
     ": declares the character set 'klingon-8', which is unknown: convert the page to UTF-8 and fix its "
     "<meta charset>"),
], ids=["undeclared-latin-1", "no-main-text", "unknown-charset"])
def test_bad_html_is_refused_and_nothing_is_added(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    _assert_refused(tmp_path, data_copy, capsys, name, content, message, kind="news")


def test_relative_links_are_made_absolute_against_the_page_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = ("<p>Ketamine infusions are offered for chronic migraine at our clinic in the city centre. Results vary "
            "from patient to patient, and ketamine is not approved for migraine by the FDA. Read "
            "<a href='/research/ketamine'>our summary of the research</a> or "
            "<a href='book.html?utm_source=page'>book a visit</a>.</p>")
    page = f"<!DOCTYPE html><html><head><title>Ketamine</title></head><body><article>{body}</article></body></html>"
    path = _write(tmp_path / "incoming", "page.html", page.encode())
    data = tmp_path / "data"

    assert _add(capsys, path, data, "--kind", "marketing-page", "--source",
                "https://clinic.example/treatments/migraine.html")[0] == 0

    links = _meta(data, "page")["links"]
    assert isinstance(links, list)
    assert [(link["url"], link["text"], link["start"], link["promotional"]) for link in links] == [
        ("https://clinic.example/research/ketamine", "our summary of the research", 183, False),
        ("https://clinic.example/treatments/book.html?utm_source=page", "book a visit", 214, True),
    ]
    assert "other_links" not in _meta(data, "page")


def test_html_extraction_opens_no_network_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("the network is off for this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)

    code, _out, _err = _add(capsys, FIXTURES / "clinic-page.html", tmp_path / "data", "--kind", "marketing-page")

    assert code == 0
    assert attempts == []


def test_format_is_told_by_content_and_can_be_overridden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = (FIXTURES / "clinic-page.html").read_bytes()
    saved = _write(tmp_path / "incoming", "saved-as.txt", page)
    data = tmp_path / "data"

    assert _add(capsys, saved, data, "--kind", "marketing-page")[:2] == (0, "saved-as\n")
    assert _meta(data, "saved-as")["media_type"] == "text/html"

    shutil.rmtree(data)
    assert _add(capsys, saved, data, "--kind", "marketing-page", "--format", "text", "--title", "Raw")[0] == 0
    assert _meta(data, "saved-as")["media_type"] == "text/plain"
    assert _files(data, "saved-as") == ["meta.yaml", "text.txt"]
    assert (data / "documents" / "saved-as" / "text.txt").read_bytes() == page


# PDF -------------------------------------------------------------------------------------------------------------


def test_pdf_text_layer_is_stored_page_by_page_with_the_original_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _pdf(LABEL_PAGES, title="Ketamine hydrochloride injection label")
    path = _write(tmp_path / "incoming", "Label 2023.pdf", pdf)
    data = tmp_path / "data"

    code, out, err = _add(capsys, path, data, "--kind", "drug-label")

    assert (code, out) == (0, "label-2023\n")
    assert _files(data, "label-2023") == ["meta.yaml", "original.pdf", "text.txt"]
    assert (data / "documents" / "label-2023" / "text.txt").read_bytes() == LABEL_TEXT.encode()
    assert (data / "documents" / "label-2023" / "original.pdf").read_bytes() == pdf
    digest = hashlib.sha256(LABEL_TEXT.encode()).hexdigest()
    assert _meta(data, "label-2023") == {
        "id": "label-2023", "title": "Ketamine hydrochloride injection label", "kind": "drug-label",
        "sha256": digest, "media_type": "application/pdf", "original": "Label 2023.pdf",
        "original_file": "original.pdf", "original_sha256": hashlib.sha256(pdf).hexdigest(),
        "original_bytes": len(pdf), "extractor": PYPDF, "taken_from_file": ["title"], "pages": [0, 98],
        "links": [
            {"url": "https://www.fda.gov/medwatch", "start": 156, "end": 184, "promotional": False},
            {"url": "https://pharmacy.example/ketamine?utm_source=label", "start": 201, "end": 251,
             "promotional": True, "reason": 'its address has the tracking parameter "utm_source"'},
        ],
    }
    assert LABEL_TEXT[98:].startswith("To report SUSPECTED")
    assert err == (f"added document 'label-2023' ({len(LABEL_TEXT)} characters, sha256 {digest[:12]}...; text taken "
                   f"from the PDF by pypdf {pypdf.__version__})\n"
                   "  title taken from the file: Ketamine hydrochloride injection label\n")


def test_pdf_link_annotations_are_recorded_with_their_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _pdf(LABEL_PAGES, annotations=["https://clinic.example/book?ref=label", "https://www.fda.gov/medwatch"])
    path = _write(tmp_path / "incoming", "label.pdf", pdf)
    data = tmp_path / "data"

    assert _add(capsys, path, data, "--kind", "drug-label", "--title", "Label")[0] == 0

    meta = _meta(data, "label")
    # The FDA address is written in the text, so it is recorded there, with its offsets, once.
    assert [link["url"] for link in meta["links"]] == [  # type: ignore[attr-defined]
        "https://www.fda.gov/medwatch", "https://pharmacy.example/ketamine?utm_source=label"]
    assert meta["other_links"] == [{"url": "https://clinic.example/book?ref=label", "page": 1, "promotional": True,
                                    "reason": 'its address has the affiliate parameter "ref"'}]


def test_pdf_with_some_pages_scanned_is_added_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "incoming", "mixed.pdf", _pdf([["Page one has text."], "image", None]))
    data = tmp_path / "data"

    code, _out, err = _add(capsys, path, data, "--kind", "abstract", "--title", "Mixed")

    assert code == 0
    warning = ("page(s) 2, 3 of 3 have no text layer (scanned images?): claims cannot be anchored there unless the "
               "PDF is run through OCR")
    assert err.splitlines()[-1] == f"Warning: {warning}"
    assert (data / "documents" / "mixed" / "text.txt").read_text() == "Page one has text.\n\f\n\f\n"
    assert _meta(data, "mixed")["pages"] == [0, 20, 22]
    assert _meta(data, "mixed")["warnings"] == [warning]


def test_pdf_encrypted_with_an_empty_user_password_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "incoming", "restricted.pdf", _encrypted(_pdf(LABEL_PAGES), user=""))
    data = tmp_path / "data"

    code, _out, err = _add(capsys, path, data, "--kind", "drug-label", "--title", "Label")

    assert code == 0
    assert (data / "documents" / "restricted" / "text.txt").read_text() == LABEL_TEXT
    warning = "the PDF is encrypted (with an empty user password); its text was read without one"
    assert err.splitlines()[-1] == f"Warning: {warning}"
    assert _meta(data, "restricted")["warnings"] == [warning]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("scan.pdf", _pdf(["image", None]),
     ": has no text layer on any of its 2 page(s) (a scan?): run OCR first, e.g. `ocrmypdf IN.pdf OUT.pdf`, and add "
     "the result"),
    ("locked.pdf", _encrypted(_pdf(LABEL_PAGES), user="patient-secret"),
     ": is encrypted and needs a password to open: remove the protection with the password, e.g. "
     "`qpdf --decrypt --password=PASSWORD IN.pdf OUT.pdf`, and add the decrypted file"),
    ("cut.pdf", _pdf(LABEL_PAGES)[:600],
     ": cannot be read as a PDF (PdfStreamError: Stream has ended unexpectedly); it does not end with %%EOF, so it "
     "looks cut short (an interrupted download or copy?): get the whole file again"),
    ("tail-cut.pdf", _pdf(LABEL_PAGES)[:-7],
     ": cannot be read as a PDF (PdfStreamError: Stream has ended unexpectedly); it does not end with %%EOF, so it "
     "looks cut short (an interrupted download or copy?): get the whole file again"),
], ids=["no-text-layer", "password", "truncated-in-the-middle", "truncated-at-the-end"])
def test_bad_pdf_is_refused_with_what_to_do_and_nothing_is_added(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    _assert_refused(tmp_path, data_copy, capsys, name, content, message, kind="drug-label")


def test_pdf_whose_title_is_a_word_file_name_asks_for_a_title(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "incoming", "label.pdf", _pdf(LABEL_PAGES, title="Microsoft Word - label_v3.docx"))

    code, out, err = _add(capsys, path, data_copy, "--kind", "drug-label")

    assert (code, out) == (2, "")
    assert err == f"Error: {path} has no Title in its metadata: give the document's title with --title\n"
    assert _listing(data_copy) == CORPUS


# Text in other encodings, and files that are not documents ---------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_with_a_byte_order_mark_is_stored_as_utf8_with_the_original_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    text = "Ketamine \u2013 a caf\u00e9 of side effects.\nCheck out https://clinic.example/offer today.\n"
    original = codecs_bom(encoding) + text.encode(encoding)
    path = _write(tmp_path / "incoming", "notes.txt", original)
    data = tmp_path / "data"

    code, out, err = _add(capsys, path, data, "--kind", "news", "--title", "Notes")

    assert (code, out) == (0, "notes\n")
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert err == (f"added document 'notes' ({len(text)} characters, sha256 {digest[:12]}...; decoded from "
                   f"{encoding.upper()})\n")
    assert _files(data, "notes") == ["meta.yaml", "original.txt", "text.txt"]
    assert (data / "documents" / "notes" / "text.txt").read_text(encoding="utf-8") == text
    assert (data / "documents" / "notes" / "original.txt").read_bytes() == original
    meta = _meta(data, "notes")
    assert (meta["sha256"], meta["encoding"], meta["original_sha256"]) == (
        digest, encoding, hashlib.sha256(original).hexdigest())
    assert meta["links"] == [{"url": "https://clinic.example/offer", "start": 45, "end": 73, "promotional": True,
                              "reason": 'the text around it says "check out"'}]
    assert text[45:73] == "https://clinic.example/offer"


def codecs_bom(encoding: str) -> bytes:
    return b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("quotes.txt", "\u201cKetamine\u201d may help.\n".encode("cp1252"),
     ":1: is not UTF-8 (byte 0x93 at offset 0); it looks like Windows-1252: convert it, e.g. "
     "`iconv -f windows-1252 -t utf-8 quotes.txt > quotes.utf8.txt`, and add the converted file"),
    ("no-bom.txt", "Ketamine may help with migraine.\n".encode("utf-16-le"),
     ": looks like UTF-16LE text without a byte-order mark: convert it to UTF-8, e.g. "
     "`iconv -f utf-16le -t utf-8 no-bom.txt > no-bom.utf8.txt`, and add the converted file"),
    ("zeros.txt", bytes(4096),
     ": is binary: all of its 4,096 bytes are zero (a damaged or incomplete copy?), not a document"),
    ("cut.txt", "Ketamine, caf\u00e9".encode()[:-1],
     ":1: ends in the middle of a UTF-8 character (offset 13), so it looks cut short (an interrupted download or "
     "copy?): get the whole file again"),
    ("report.docx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml",
     ": is a ZIP archive (a .docx, .odt or .epub?), not a text, HTML or PDF document: save it as PDF or plain text "
     "and add that"),
], ids=["windows-1252", "utf-16-without-bom", "zeros", "truncated-utf-8", "docx"])
def test_text_that_cannot_be_read_is_refused_saying_why_and_nothing_is_added(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    _assert_refused(tmp_path, data_copy, capsys, name, content, message, kind="news")


def _assert_refused(tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes,
                    message: str, *, kind: str) -> None:
    """Add *content* as file *name*: it is refused (exit 1) with *message* after its path, and nothing is added."""
    path = _write(tmp_path / "incoming", name, content)

    code, out, err = _add(capsys, path, data, "--kind", kind, "--title", "A title")

    assert (code, out) == (1, "")
    assert err == f"Error: {path}{message}\n"
    assert _listing(data) == CORPUS


def test_plain_text_without_a_title_asks_for_one(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "incoming", "notes.txt", b"Ketamine may help.\n")

    code, out, err = _add(capsys, path, data_copy, "--kind", "news")

    assert (code, out) == (2, "")
    assert err == f"Error: {path} is plain text, which carries no title of its own: give one with --title\n"
    assert _listing(data_copy) == CORPUS


# Large files -------------------------------------------------------------------------------------------------------


def _large_text(path: Path, size: int) -> int:
    """Write about ``size`` bytes of prose with accented letters and a link every 1,000 lines; return the links."""
    line = "Ketamine infusions were given for chronic migraine; caf\u00e9 au lait, na\u00efve reports vary.\n"
    written = links = number = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < size:
            if number % 1000:
                chunk = line
            else:
                chunk = f"See https://example.org/study/{number}?utm_source=feed for the details.\n"
                links += 1
            handle.write(chunk)
            written += len(chunk.encode())
            number += 1
    return links


def test_a_5_mb_text_is_added_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.txt"
    links = _large_text(path, 5_000_000)
    size = path.stat().st_size
    done: list[int] = []

    def progress(total: int, unit: str) -> AbstractContextManager[Callable[[int], None]]:
        done.append(total)
        return nullcontext(done.append)

    tracemalloc.start()
    try:
        result = add_document(tmp_path / "data", path, title="Large", kind=DocumentKind.NEWS,
                              progress=progress)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert result.created
    # Reading the whole file at once would hold at least its bytes and its text: the streaming reader holds chunks.
    assert peak < size, f"peak {peak:,} bytes for a {size:,}-byte file"
    stored = tmp_path / "data" / "documents" / "large" / "text.txt"
    assert stored.read_bytes() == path.read_bytes()
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert done[0] == size and sum(done[1:]) == size
    meta = _meta(tmp_path / "data", "large")
    assert links == 57
    text = stored.read_text(encoding="utf-8")
    recorded = meta["links"]
    assert isinstance(recorded, list) and len(recorded) == links
    assert all(text[link["start"]:link["end"]] == link["url"] for link in recorded)
    assert recorded[-1]["url"] == "https://example.org/study/56000?utm_source=feed"


def test_html_and_pdf_report_their_progress(tmp_path: Path) -> None:
    reports: list[tuple[str, int, str]] = []

    def progress(total: int, unit: str) -> AbstractContextManager[Callable[[int], None]]:
        reports.append(("total", total, unit))
        return nullcontext(lambda done: reports.append(("done", done, unit)))

    page = FIXTURES / "clinic-page.html"
    pdf = _write(tmp_path / "incoming", "label.pdf", _pdf(LABEL_PAGES))
    add_document(tmp_path / "data", page, kind=DocumentKind.MARKETING_PAGE, progress=progress)
    add_document(tmp_path / "data", pdf, kind=DocumentKind.DRUG_LABEL, title="Label", progress=progress)

    size = page.stat().st_size
    third = size // 3
    assert reports == [("total", size, "B"), ("done", third, "B"), ("done", third, "B"),
                       ("done", size - 2 * third, "B"),
                       ("total", 2, "page"), ("done", 1, "page"), ("done", 1, "page")]


def test_a_large_file_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "large.txt"
    _large_text(path, 5_000_000)
    terminal, end = os.openpty()
    fcntl.ioctl(end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        done = subprocess.run([sys.executable, "-m", "kg.cli", "add", str(path), "--title", "Large", "--kind",
                               "news", "--data", str(tmp_path / "data")],
                              stdout=subprocess.PIPE, stderr=end, timeout=120, cwd=REPO)
    finally:
        os.close(end)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the terminal's other end is closed: everything was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)

    assert done.returncode == 0
    assert done.stdout == b"large\n"
    assert b"reading:" in shown
    assert b"/5.00M" in shown
    characters = len(path.read_text(encoding="utf-8"))
    assert characters == 4_886_484
    assert shown.endswith(f"added document 'large' ({characters:,} characters, sha256 "
                          f"{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}...)\r\n".encode())


# The same document again, and finding a document by its file ------------------------------------------------------


def test_the_same_page_twice_is_a_no_op_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    page = FIXTURES / "clinic-page.html"
    assert _add(capsys, page, data, "--kind", "marketing-page")[0] == 0
    meta_before = (data / "documents" / "clinic-page" / "meta.yaml").read_bytes()
    renamed = _write(tmp_path / "incoming", "saved-again.html", page.read_bytes())
    commented = _write(tmp_path / "incoming", "with-a-comment.html",
                       page.read_bytes().replace(b"<body", b"<!-- saved 2024-05-03 --><body"))

    for again, message in (
        (page, f"{page} is already in the data folder as document 'clinic-page' (same SHA-256); nothing changed"),
        (renamed, f"{renamed} is already in the data folder as document 'clinic-page' (same SHA-256); nothing "
                  "changed"),
        (commented, f"{commented} gives the same text as document 'clinic-page' (same SHA-256 of the text); "
                    "nothing changed"),
    ):
        code, out, err = _add(capsys, again, data, "--kind", "news", "--id", "another-id")

        assert (code, out, err) == (0, "clinic-page\n", message + "\n")
        assert _listing(data) == ["clinic-page"]
        assert (data / "documents" / "clinic-page" / "meta.yaml").read_bytes() == meta_before


def test_a_document_is_found_by_its_id_or_the_file_it_was_added_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    incoming = tmp_path / "incoming"
    page = FIXTURES / "clinic-page.html"
    pdf = _write(incoming, "label.pdf", _pdf(LABEL_PAGES, title="Label"))
    notes = _write(incoming, "notes.txt", b"\xff\xfe" + "Ketamine notes.\n".encode("utf-16-le"))
    plain = _write(incoming, "plain.txt", b"Ketamine is an anesthetic.\n")
    for path in (page, pdf, notes, plain):
        assert _add(capsys, path, data, "--kind", "news", "--title", "T")[0] == 0
    moved = _write(tmp_path / "elsewhere", "renamed.pdf", pdf.read_bytes())
    documents = data / "documents"

    assert [resolve_document(data, ref) for ref in (
        "clinic-page", str(page), str(pdf), str(moved), str(notes), str(plain),
        str(documents / "label" / "original.pdf"), str(documents / "label" / "text.txt"),
        str(documents / "notes" / "text.txt"),
    )] == ["clinic-page", "clinic-page", "label", "label", "notes", "plain", "label", "label", "notes"]

    stranger = _write(incoming, "stranger.txt", b"Never added.\n")
    with pytest.raises(NotFoundError) as raised:
        resolve_document(data, str(stranger))
    assert str(raised.value) == (f"{stranger}: no document of {data} was added from this file (no SHA-256 "
                                 f"matches): add it with `kg add {stranger}`, or give a document id")
    with pytest.raises(NotFoundError) as raised:
        resolve_document(data, "../label")
    assert str(raised.value) == (f"no document '../label' in {data}: give an id listed by `kg stats` or the path of "
                                 "a file added with `kg add`")


def test_documents_added_from_html_and_pdf_build_and_validate(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _write(tmp_path / "incoming", "label.pdf", _pdf(LABEL_PAGES, title="Label"))
    assert _add(capsys, FIXTURES / "clinic-page.html", data_copy, "--kind", "marketing-page")[0] == 0
    assert _add(capsys, pdf, data_copy, "--kind", "drug-label")[0] == 0

    report = validate(data_copy)

    assert list(report.problems) == []
    documents = load_corpus(data_copy).documents
    assert sorted(documents) == sorted([*CORPUS, "clinic-page", "label"])
    assert (documents["clinic-page"].media_type, len(documents["clinic-page"].links)) == ("text/html", 5)
    assert (documents["label"].media_type, len(documents["label"].links)) == ("application/pdf", 2)
