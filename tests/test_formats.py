"""The formats beyond PDF, DOCX and text: Word 97 .doc, RTF, ODT, HTML, scans and photos (OCR).

Table tests with exact text and offsets for each reader; every format made from the sample CVs
gets the same level and certifications as the original and keeps at least 95% of its words (85%
for OCR of a 200 dpi scan); the error paths; the PDF engine default, its fallback and the crash
containment. Inputs are built at test time (format_builders.py) except the Word 97 files in
tests/data/ (made once by LibreOffice from sample_cvs/*.docx). Tests needing antiword or
Tesseract skip without them.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from format_builders import (
    DATA,
    HIDDEN_STYLE,
    html_of,
    image_bytes,
    image_pdf,
    odt_body,
    odt_of,
    odt_package,
    rtf_of,
    scan_images,
)

from cv_matcher import api
from cv_matcher.errors import (
    CvMatcherError,
    DocumentReadError,
    EncryptedDocumentError,
    LimitExceededError,
    NoTextLayerError,
)
from cv_matcher.readers import ReadLimits, contain, doc, ocr, pdf, read_bytes, read_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "sample_cvs").iterdir() if p.suffix in (".pdf", ".docx", ".txt"))
needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None, reason="Debian's antiword is not installed")
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Debian's tesseract-ocr is not installed")

LINES = ["Jane Smith", "Profile", "PMO analyst & co-ordinator, five years in a busy PMO.", "Experience",
         "• Ran the RAID log and the change log", "• Took minutes for the steering board", "Skills",
         "Skill | Level", "MS Project | Advanced", "Certifications", "PRINCE2 Foundation, 2021"]
HIDDEN = "Set up a PMO and led a team of analysts"
TEXT = ("Jane Smith\nProfile\nPMO analyst & co-ordinator, five years in a busy PMO.\nExperience\n"
        "• Ran the RAID log and the change log\n• Took minutes for the steering board\nSkills\nSkill | Level\n"
        "MS Project | Advanced\nCertifications\nPRINCE2 Foundation, 2021")
# (kind, start, end, body_end) of every section: text[start:end] is the heading
SECTIONS = [("summary", 11, 18, 73), ("experience", 73, 83, 160), ("skills", 160, 166, 203),
            ("certifications", 203, 217, 242)]
PRINCE2 = (218, 236)  # "PRINCE2 Foundation"


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in re.findall(r"[A-Za-z0-9]+", text))


def kept(original: str, converted: str) -> float:
    """Share of the original's words (with their counts) found in the converted text."""
    a, b = words(original), words(converted)
    return sum((a & b).values()) / sum(a.values())


def certifications(report: dict) -> list[tuple[str, str]]:
    return sorted((c["id"], c["status"]) for c in report["certifications"])


# --- one CV in every format: exact text, sections and evidence offsets -----------------------------

BUILT: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("rtf", "cv.rtf", lambda: rtf_of(LINES, hidden=HIDDEN), "marked hidden"),
    ("odt", "cv.odt", lambda: odt_of(LINES, hidden=HIDDEN), "marked hidden"),
    ("html", "cv.html", lambda: html_of(LINES, hidden=HIDDEN), "hidden in the page"),
    ("htm", "cv.htm", lambda: html_of(LINES, hidden=HIDDEN), "hidden in the page"),
    ("html saved as .txt", "cv.txt", lambda: html_of(LINES, hidden=HIDDEN), "hidden in the page"),
    ("rtf saved as .txt", "cv.txt", lambda: rtf_of(LINES, hidden=HIDDEN), "marked hidden"),
    ("rtf saved as .doc", "cv.doc", lambda: rtf_of(LINES, hidden=HIDDEN), "marked hidden"),
    ("html saved as .md", "cv.md", lambda: html_of(LINES, hidden=HIDDEN), "hidden in the page"),
]


@pytest.mark.parametrize(("case", "name", "build", "reason"), BUILT, ids=[b[0] for b in BUILT])
def test_format_text_sections_and_offsets(case: str, name: str, build: Callable[[], bytes], reason: str) -> None:
    document = read_bytes(build(), name)
    assert document.text == TEXT
    assert [(s.kind, s.start, s.end, s.body_end) for s in document.sections] == SECTIONS
    for sec in document.sections:
        assert document.text[sec.start:sec.end] == sec.heading
    assert [(r[:len(reason)], t) for r, t in document.hidden] == [(reason, HIDDEN)]
    analysis = api.analyse(document)
    prince2 = [e for e in analysis.evidence if e.term_id == "prince2-foundation"]
    assert [(e.start, e.end, e.text) for e in prince2] == [(*PRINCE2, "PRINCE2 Foundation")]
    assert any("hidden text ignored" in w for w in analysis.warnings)
    assert "team of analysts" not in document.text
    if name.endswith((".txt", ".md", ".doc")):
        assert dict(document.meta)["read_as"].endswith("(by content)")


# --- every sample CV as RTF, ODT and HTML: same level, certifications, words ---------------------------

CONVERTERS = {"rtf": rtf_of, "odt": odt_of, "html": html_of}


@pytest.fixture(scope="module")
def originals() -> dict[Path, tuple[str, dict]]:
    return {path: (read_document(path).text, api.score_cv(str(path))) for path in SAMPLES}


@pytest.mark.parametrize("fmt", sorted(CONVERTERS))
def test_samples_in_each_format_read_the_same(fmt: str, originals: dict[Path, tuple[str, dict]]) -> None:
    shares = []
    for path, (text, report) in originals.items():
        data = CONVERTERS[fmt](text.split("\n"))
        converted = read_bytes(data, f"{path.stem}.{fmt}")
        share = kept(text, converted.text)
        shares.append(share)
        other = api.report(api.analyse(converted))
        assert share >= 0.95, (path.name, share)
        assert other["level"]["rank"] == report["level"]["rank"], path.name
        assert certifications(other) == certifications(report), path.name
    assert min(shares) >= 0.99  # nothing is lost in practice: the rare difference is a bullet glyph


# --- Word 97 .doc (antiword) -----------------------------------------------------------------------

DOC_FIXTURES = sorted(DATA.glob("*.doc"))


@needs_antiword
@pytest.mark.parametrize("path", DOC_FIXTURES, ids=lambda p: p.name)
def test_doc_reads_like_its_docx(path: Path) -> None:
    original = ROOT / "sample_cvs" / f"{path.stem}.docx"
    document = read_document(path)
    assert document.format == "doc" and dict(document.meta) == {"converter": "antiword"}
    assert kept(read_document(original).text, document.text) >= 0.95
    a, b = api.score_cv(str(original)), api.score_cv(str(path))
    assert a["level"]["rank"] == b["level"]["rank"]
    assert certifications(a) == certifications(b)


@needs_antiword
def test_doc_text_and_sections() -> None:
    document = read_document(DATA / "cv03_pa_project_admin.doc")
    assert document.text.startswith("Hannah Whitcombe\n\nPersonal Assistant\nDerby | hannah.whitcombe@example.co.uk | "
                                    "07700 900561\n\nProfile\n\nExperienced Personal Assistant")
    assert [(s.kind, s.heading, s.start, s.end) for s in document.sections] == [
        ("summary", "Profile", 92, 99), ("experience", "Employment History", 529, 547),
        ("education", "Education", 1855, 1864), ("education", "Qualifications", 1986, 2000),
        ("skills", "Skills", 2128, 2134), ("interests", "Interests", 2283, 2292)]
    tables = read_document(DATA / "cv12_pmo_analyst_tables.doc").text
    assert "Skill area | Level | Tools\nPortfolio reporting and dashboards | Advanced | Power BI, Excel" in tables


def _doc_with_flags(set_bits: int) -> bytes:
    data = bytearray((DATA / "cv03_pa_project_admin.doc").read_bytes())
    at = next(i for i in range(0, len(data), 512) if data[i:i + 2] == b"\xec\xa5")  # the FIB opens WordDocument
    flags = int.from_bytes(data[at + 10:at + 12], "little") | set_bits
    data[at + 10:at + 12] = flags.to_bytes(2, "little")
    return bytes(data)


DOC_ERRORS = [
    ("not OLE", lambda: b"Jane Smith, PMO analyst", DocumentReadError, "not a Word 97-2003 .doc: not an OLE2 compound file"),
    ("truncated", lambda: (DATA / "cv03_pa_project_admin.doc").read_bytes()[:3000], DocumentReadError,
     "not a valid .doc (truncated or corrupt)"),
    ("encrypted", lambda: _doc_with_flags(0x0100), EncryptedDocumentError, ".doc is password-protected"),
    ("obfuscated", lambda: _doc_with_flags(0x8000), EncryptedDocumentError, ".doc is password-protected"),
]


@pytest.mark.parametrize(("case", "build", "error", "message"), DOC_ERRORS, ids=[c[0] for c in DOC_ERRORS])
def test_doc_errors(case: str, build: Callable[[], bytes], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        read_bytes(build(), "bad.doc")
    assert type(info.value) is error and message in str(info.value) and str(info.value).startswith("bad.doc: ")


def test_doc_without_antiword_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc.shutil, "which", lambda name: None)
    with pytest.raises(DocumentReadError, match=r"cv.doc: cannot read .doc: antiword is not installed "
                                                r"\(Debian/Ubuntu: apt-get install antiword\)"):
        read_bytes((DATA / "cv03_pa_project_admin.doc").read_bytes(), "cv.doc")


@needs_antiword
def test_doc_with_macros_is_read_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import olefile

    exists = olefile.OleFileIO.exists
    monkeypatch.setattr(olefile.OleFileIO, "exists", lambda self, name: name == "Macros" or exists(self, name))
    document = read_bytes((DATA / "cv03_pa_project_admin.doc").read_bytes(), "cv.doc")
    assert dict(document.meta)["macros"] == "present (not run)"
    assert any("macros" in w for w in api.analyse(document).warnings)


def test_docx_renamed_doc_is_read_as_docx() -> None:
    data = (ROOT / "sample_cvs" / "cv03_pa_project_admin.docx").read_bytes()
    document = read_bytes(data, "cv.doc")
    assert document.format == "docx" and document.text == read_bytes(data, "cv.docx").text


@needs_antiword
def test_antiword_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    def slow(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("antiword", doc.TIMEOUT_SECONDS)

    monkeypatch.setattr(doc.subprocess, "run", slow)
    with pytest.raises(DocumentReadError, match="antiword took over 30 s"):
        read_bytes((DATA / "cv03_pa_project_admin.doc").read_bytes(), "cv.doc")


# --- RTF -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rtf", "text", "hidden"), [
    (r"{\rtf1\ansi Caf\'e9 \u8211? done\par}", "Café – done", []),
    (r"{\rtf1 one {\v two} three\par}", "one three", ["two"]),
    (r"{\rtf1 one \v two\v0  three\par}", "one three", ["two"]),
    (r"{\rtf1 one \v two\plain  three\par}", "one three", ["two"]),
    (r"{\rtf1 a{\pict\pngblip 89504e47}b\par}", "ab", []),
    (r"{\rtf1 a{\*\shpinst secret}b\par}", "ab", []),
    (r"{\rtf1 a\bin5 {}{}\b\par}", "ab", []),  # the 5 raw bytes (unbalanced braces) are skipped
    (r"{\rtf1 \trowd\cellx100\cellx200 \intbl A\cell B\cell\row}", "A | B", []),
    (r"{\rtf1 {\listtext 1.\tab}First\par}", "• First", []),
    (r"{\rtf1 {\header Jane Smith\par}{\headerf Jane Smith\par}{\footer Page {\v x}1\par}Body\par more\par}",
     "Jane Smith\nBody\nmore\nPage 1", ["x"]),
])
def test_rtf_table(rtf: str, text: str, hidden: list[str]) -> None:
    document = read_bytes(rtf.encode("latin-1"), "cv.rtf")
    assert document.text == text
    assert [t for _r, t in document.hidden] == hidden


def test_rtf_errors() -> None:
    with pytest.raises(DocumentReadError, match=r"bad.rtf: not an RTF"):
        read_bytes(b"plain words", "bad.rtf")
    with pytest.raises(DocumentReadError, match=r"bad.rtf: RTF groups nested over 200 deep"):
        read_bytes(b"{\\rtf1 " + b"{" * 100_000 + b"x" + b"}" * 100_000 + b"}", "bad.rtf")
    with pytest.raises(LimitExceededError, match="max_chars"):
        read_bytes(b"{\\rtf1 " + b"\\par " * 200_000 + b"}", "bad.rtf", limits=ReadLimits(max_chars=100_000))


# --- ODT -------------------------------------------------------------------------------------------


def test_odt_reads_everything_in_order() -> None:
    body = (
        "<text:h>Profile</text:h><text:p>Anchor paragraph<draw:frame><draw:text-box><text:p>Text box: Agile coach"
        "</text:p></draw:text-box></draw:frame> and more<text:note><text:note-citation>1</text:note-citation>"
        "<text:note-body><text:p>Footnote: APM PFQ</text:p></text:note-body></text:note></text:p>"
        "<text:p>Tracked<text:change-start text:change-id='c1'/> text</text:p>"
        "<text:tracked-changes><text:changed-region text:id='c1'><text:deletion><text:p>Deleted: MSP Practitioner"
        "</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        "<table:table><table:table-row><table:table-cell table:number-columns-spanned='2'><text:p>Wide cell</text:p>"
        "</table:table-cell><table:covered-table-cell/></table:table-row><table:table-row><table:table-cell>"
        "<text:p>Left</text:p></table:table-cell><table:table-cell><text:p>Right</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "<text:section text:name='S' text:display='none'><text:p>Hidden section: set up a PMO</text:p></text:section>"
        "<text:p text:style-name='P9'>Hidden by a parent style</text:p>"
        "<text:p>Spaces<text:s text:c='3'/>and<text:tab/>tab<text:line-break/>break"
        "<office:annotation><text:p>A comment</text:p></office:annotation></text:p>"
    )
    document = read_bytes(odt_package(body, header="Jane Smith | Leeds", footer="Page footer"), "cv.odt")
    assert document.text == ("Jane Smith | Leeds\nProfile\nAnchor paragraph and more\nText box: Agile coach\n"
                             "Footnote: APM PFQ\nTracked text\nWide cell\nLeft | Right\nSpaces and tab\nbreak\n"
                             "Page footer")
    assert [(s.kind, s.start, s.end) for s in document.sections] == [("summary", 19, 26)]
    assert [t for _r, t in document.hidden] == ["Hidden section: set up a PMO", "Hidden by a parent style"]


ODT_ERRORS = [
    ("not a zip", lambda: b"PK\x03\x04 not a zip", DocumentReadError, "not an ODT: not a zip archive"),
    ("no content", lambda: odt_package("")[:0] or _zip({"styles.xml": b"<x/>"}), DocumentReadError,
     "not an ODT: the zip has no content.xml"),
    ("doctype", lambda: odt_package("<text:p>x</text:p>", content_prologue='<!DOCTYPE x [<!ENTITY e SYSTEM '
                                    '"file:///etc/hostname">]>'), DocumentReadError,
     "ODT XML declares a DOCTYPE (entities refused): content.xml"),
    ("encrypted", lambda: odt_package("<text:p>x</text:p>", manifest="<manifest><manifest:encryption-data/></manifest>"),
     EncryptedDocumentError, "ODT is password-protected"),
    ("spreadsheet", lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
     DocumentReadError, "not an ODT text document: application/vnd.oasis.opendocument.spreadsheet"),
    ("bad xml", lambda: _zip({"content.xml": b"<office:document-content"}), DocumentReadError,
     "not an ODT: content.xml is not well-formed XML"),
]


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("case", "build", "error", "message"), ODT_ERRORS, ids=[c[0] for c in ODT_ERRORS])
def test_odt_errors(case: str, build: Callable[[], bytes], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        read_bytes(build(), "bad.odt")
    assert type(info.value) is error and message in str(info.value) and str(info.value).startswith("bad.odt: ")


def test_odt_sizes_are_checked_before_parsing() -> None:
    data = odt_package(odt_body(LINES) + "<text:p>" + "x" * 300_000 + "</text:p>", extra_styles=HIDDEN_STYLE)
    with pytest.raises(LimitExceededError, match="XML size"):
        read_bytes(data, "cv.odt", limits=ReadLimits(max_docx_xml_bytes=100_000))


# --- HTML ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("html", "text"), [
    ("<p>PMO&nbsp;Analyst &amp; <b>co</b>ordinator &#8211; &pound;45k</p>", "PMO Analyst & coordinator – £45k"),
    ("<h2>Skills</h2>Excel<br>Power BI", "Skills\nExcel\nPower BI"),
    ("<p style='color:red; DISPLAY : none'>gone</p><p>kept</p>", "kept"),
    ("<p style='visibility:hidden'>gone</p><p hidden>gone</p><p>kept</p>", "kept"),
    ("<style>#x, .y p {display:none}</style><div id=x>gone</div><div class=y><p>gone</p></div><p>kept</p>", "kept"),
    ("<script>document.write('PRINCE2')</script><noscript>n</noscript><template>t</template><p>kept</p>", "kept"),
    ("<table><tr><th>Skill</th><th>Level</th></tr><tr><td>Excel</td><td><p>Advanced</p><p>daily</p></td></tr></table>",
     "Skill | Level\nExcel\nAdvanced\ndaily"),
    ("<ol><li>First</li><li>Second<ul><li>Inner</li></ul></li></ol>", "• First\n• Second\n• Inner"),
    ("<pre>line one\n  line two</pre>", "line one\nline two"),
    ("<!-- a comment --><p>kept</p>", "kept"),
])
def test_html_table(html: str, text: str) -> None:
    assert read_bytes(f"<html><body>{html}</body></html>".encode(), "cv.html").text == text


def test_html_deep_nesting_and_tag_limit() -> None:
    deep = b"<html><body>" + b"<div>" * 100_000 + b"PMO Analyst" + b"</div>" * 100_000 + b"</body></html>"
    assert read_bytes(deep, "cv.html").text == "PMO Analyst"
    with pytest.raises(DocumentReadError, match=r"bad.html: HTML has 400,002 tags"):
        read_bytes(b"<html>" + b"<b>" * 400_000 + b"</html>", "bad.html")


def test_text_that_only_mentions_html_is_text() -> None:
    data = b"Jane Smith\nI build <html> pages and <body> layouts.\n"
    document = read_bytes(data, "cv.txt")
    assert document.format == "txt" and "<html>" in document.text


# --- OCR: images and scanned PDFs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def cv15_scan() -> list[object]:
    """cv15 (a one-page PDF) as a scanner gives it: 200 dpi, a little speckle, turned 1 degree."""
    return scan_images(ROOT / "sample_cvs" / "cv15_pmo_officer_rank4.pdf", 200, speckle=0.001, angle=1.0)


def _same_reading(original: Path, data: bytes, name: str, least: float = 0.85) -> dict[str, str]:
    converted = read_bytes(data, name)
    share = kept(read_document(original).text, converted.text)
    assert share >= least, share
    a, b = api.score_cv(str(original)), api.report(api.analyse(converted))
    assert a["level"]["rank"] == b["level"]["rank"]
    assert certifications(a) == certifications(b)
    return dict(converted.meta)


@needs_tesseract
@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_ocr_of_a_scanned_image(cv15_scan: list[object], fmt: str) -> None:
    meta = _same_reading(ROOT / "sample_cvs" / "cv15_pmo_officer_rank4.pdf", image_bytes(cv15_scan[0], fmt.upper()),
                         f"cv.{fmt}")
    assert meta["ocr_engine"].startswith("tesseract") and meta["ocr_pages"] == "1"
    assert float(meta["ocr_confidence"]) > ocr.LOW_CONFIDENCE


@needs_tesseract
def test_ocr_of_an_image_only_pdf_and_a_multipage_tiff() -> None:
    two_pages = ROOT / "sample_cvs" / "cv10_pmo_officer_two_page.pdf"
    scans = scan_images(two_pages, 200)
    meta = _same_reading(two_pages, image_pdf(scans), "scan.pdf")
    assert meta["ocr_pages"] == "2" and meta["engine"] == "pdfium"
    import io

    buf = io.BytesIO()
    scans[0].save(buf, format="TIFF", save_all=True, append_images=scans[1:])  # type: ignore[attr-defined]
    assert _same_reading(two_pages, buf.getvalue(), "scan.tiff")["ocr_pages"] == "2"


@needs_tesseract
def test_ocr_reads_the_scanned_page_of_a_typed_pdf() -> None:
    typed = (ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf").read_bytes()
    scanned = image_pdf(scan_images(ROOT / "sample_cvs" / "cv15_pmo_officer_rank4.pdf", 200))
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument(typed)
    merged.import_pages(pdfium.PdfDocument(scanned))
    import io

    buf = io.BytesIO()
    merged.save(buf)
    document = read_bytes(buf.getvalue(), "cv.pdf")
    meta = dict(document.meta)
    assert meta["pages"] == "2" and meta["ocr_pages"] == "1" and "pages_without_text" not in meta
    assert "P3O Practitioner" in document.text  # from the scanned page


def test_ocr_turned_off_or_missing_names_what_to_do(cv15_scan: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    png = image_bytes(cv15_scan[0], "PNG")
    scan = image_pdf(cv15_scan)
    off = ReadLimits(ocr=False)
    with pytest.raises(NoTextLayerError, match=r"cv.png: an image has no text layer; OCR is turned off \(--no-ocr\)"):
        read_bytes(png, "cv.png", limits=off)
    with pytest.raises(NoTextLayerError, match=r"scan.pdf: no text layer: looks like a scanned image; OCR is turned off"):
        read_bytes(scan, "scan.pdf", limits=off)
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    install = r"install Tesseract to read it \(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng\)"
    with pytest.raises(NoTextLayerError, match=r"cv.png: an image has no text layer; " + install):
        read_bytes(png, "cv.png")
    with pytest.raises(NoTextLayerError, match=r"scan.pdf: no text layer: looks like a scanned image; " + install):
        read_bytes(scan, "scan.pdf")


def test_no_ocr_option(cv15_scan: list[object], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cv_matcher.cli import cli

    path = tmp_path / "scan.png"
    path.write_bytes(image_bytes(cv15_scan[0], "PNG"))
    result = CliRunner().invoke(cli, ["score", "--no-ocr", str(path)])
    assert result.exit_code == 1 and "OCR is turned off (--no-ocr)" in result.output


@needs_tesseract
def test_low_confidence_warns(cv15_scan: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    real = ocr._tesseract
    monkeypatch.setattr(ocr, "_tesseract", lambda *a: (real(*a)[0], 42.0, 100))
    monkeypatch.setattr(ocr, "_orientation", lambda *a: 0)
    analysis = api.analyse(read_bytes(image_bytes(cv15_scan[0], "PNG"), "cv.png"))
    assert dict(analysis.document.meta)["ocr_confidence"] == "42.0"
    assert any("low confidence (mean word confidence 42%)" in w for w in analysis.warnings)
    report = api.report(analysis)
    assert report["meta"]["ocr_confidence"] == "42.0"


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("data", "error", "message"), [
    (_png_header(100_000, 100_000), LimitExceededError, "image size in pixels is 10,000,000,000, over the 40,000,000 limit"),
    (b"\x89PNG\r\n\x1a\n broken", DocumentReadError, "not an image Pillow can read"),
    (b"GIF89a not a png at all", DocumentReadError, "not an image Pillow can read"),
])
def test_image_errors(data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        read_bytes(data, "bad.png")
    assert type(info.value) is error and message in str(info.value)


@needs_tesseract
def test_ocr_page_limit_and_time_limit(cv15_scan: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    scan = image_pdf(cv15_scan * 3)
    with pytest.raises(LimitExceededError, match=r"pages to OCR is 3, over the 2 limit \(max_ocr_pages"):
        read_bytes(scan, "scan.pdf", limits=ReadLimits(max_ocr_pages=2))
    import subprocess

    def slow(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("tesseract", 1)

    monkeypatch.setattr(ocr.subprocess, "run", slow)
    with pytest.raises(LimitExceededError, match=r"OCR of a page took over 1 s"):
        read_bytes(image_bytes(cv15_scan[0], "PNG"), "cv.png", limits=ReadLimits(ocr_page_seconds=1))


# --- PDF: the default engine, its fallback, crashes contained ------------------------------------------


def test_pdfium_is_the_default_engine() -> None:
    from click.testing import CliRunner

    from cv_matcher.batch import Settings
    from cv_matcher.cli import cli

    assert pdf.DEFAULT_ENGINE == "pdfium" and Settings().pdf_engine == "pdfium"
    assert "[default: pdfium]" in CliRunner().invoke(cli, ["score", "--help"]).output
    document = read_document(ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf")
    assert dict(document.meta)["engine"] == "pdfium"


def _crash(*args: object) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def test_crash_in_the_child_is_one_line() -> None:
    with pytest.raises(DocumentReadError) as info:
        contain.run_contained(_crash, "cv.pdf", "PDF")
    assert str(info.value) == "cv.pdf: cannot read PDF: the PDF library crashed (signal 11, SIGSEGV)"


def test_errors_come_back_from_the_child() -> None:
    def refuse(*args: object) -> None:
        raise EncryptedDocumentError("cv.pdf", "PDF is password-protected")

    def fail(*args: object) -> None:
        raise ValueError("bad\nthing")

    with pytest.raises(EncryptedDocumentError, match="cv.pdf: PDF is password-protected"):
        contain.run_contained(refuse, "cv.pdf", "PDF")
    with pytest.raises(DocumentReadError, match="cv.pdf: cannot read PDF: ValueError: bad thing"):
        contain.run_contained(fail, "cv.pdf", "PDF")
    assert contain.run_contained(lambda a, b: a + b, "cv.pdf", "PDF", 2, 3) == 5


def test_pdfium_crash_falls_back_to_pdfminer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "_pdfium_pages", _crash)
    path = ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf"
    document = read_document(path)
    meta = dict(document.meta)
    assert meta["engine"] == "pdfium"
    assert meta["engine_fallback"] == ("pdfminer, as pdfium could not read it: cannot read PDF: the PDF library "
                                       "crashed (signal 11, SIGSEGV)")
    assert document.text == read_document(path, pdf_engine="pdfminer").text


def test_single_file_command_survives_a_pdfium_crash(tmp_path: Path) -> None:
    """`cv-matcher score` in a real process whose pdfium crashes on every file."""
    import subprocess
    import sys

    script = ("import os, signal, sys\nfrom cv_matcher.readers import pdf\n"
              "pdf._pdfium_pages = lambda *a: os.kill(os.getpid(), signal.SIGSEGV)\n"
              "from cv_matcher.cli import main\nsys.argv = ['cv-matcher', 'score', '--format', 'json', sys.argv[1]]\nmain()\n")
    done = subprocess.run([sys.executable, "-c", script, str(ROOT / "sample_cvs" / "cv15_pmo_officer_rank4.pdf")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"rank": 4' in done.stdout


def test_every_new_error_is_a_cv_matcher_error() -> None:
    for data, name in [(b"x", "a.doc"), (b"x", "a.rtf"), (b"x", "a.odt"), (b"x", "a.png"), (b"", "a.html")]:
        with pytest.raises(CvMatcherError) as info:
            read_bytes(data, name)
        assert "\n" not in str(info.value) and str(info.value).startswith(name)


def test_helper_serves_calls_and_is_replaced_after_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf"
    first = read_document(path)
    helper = contain._HELPER
    assert helper is not None and helper.owner == os.getpid()
    assert read_document(path).text == first.text and contain._HELPER is helper  # one helper, many calls
    monkeypatch.setattr(contain, "_served_name", lambda func: "os:abort")  # the helper runs os.abort()
    with pytest.raises(DocumentReadError, match=r"x.pdf: cannot read PDF: the PDF library crashed \(signal 6, SIGABRT\)"):
        contain.run_contained(os.abort, "x.pdf", "PDF")
    monkeypatch.undo()
    assert read_document(path).text == first.text and contain._HELPER is not helper  # a new one


def test_helper_knows_a_replaced_function(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf"
    read_document(path)  # the helper exists, forked with the real function
    original = pdf._pdfium_pages
    monkeypatch.setattr(pdf, "_pdfium_pages", lambda *a: original(*a))  # not servable: one fork for it
    assert dict(read_document(path).meta)["engine"] == "pdfium"


@pytest.mark.parametrize(("data", "encoding"), [
    (b"<html><body><p>caf\xe9 \x96 PMO</p></body></html>", "cp1252"),  # no declaration: as the text reader decodes
    ("<html><body><p>café – PMO</p></body></html>".encode("utf-16"), "utf-16le"),  # bs4 reads the BOM
    (b'<html><head><meta charset="windows-1252"></head><body><p>caf\xe9 \x96 PMO</p></body></html>', "windows-1252"),
    ("<html><body><p>café – PMO</p></body></html>".encode(), "utf-8"),
])
def test_html_encodings(data: bytes, encoding: str) -> None:
    document = read_bytes(data, "cv.html")
    assert document.text == "café – PMO" and dict(document.meta)["encoding"] == encoding


@needs_tesseract
def test_ocr_turns_a_sideways_photo(cv15_scan: list[object]) -> None:
    sideways = cv15_scan[0].rotate(90, expand=True)  # type: ignore[attr-defined]
    meta = _same_reading(ROOT / "sample_cvs" / "cv15_pmo_officer_rank4.pdf", image_bytes(sideways, "PNG"), "photo.png")
    assert float(meta["ocr_confidence"]) > ocr.LOW_CONFIDENCE
