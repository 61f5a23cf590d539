"""Readers: every format, every error path, and the real corpus. Fixture files are built here."""
from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import corpus_files

from cv_matcher.errors import (
    CvMatcherError,
    DocumentReadError,
    EmptyDocumentError,
    EncryptedDocumentError,
    LimitExceededError,
    NoTextLayerError,
    UnsupportedFormatError,
)
from cv_matcher.models import Document
from cv_matcher.readers import READERS, ReadLimits, read_bytes, read_document
from cv_matcher.readers.clean import clean_text, dehyphenate, drop_repeated_margins, repair_mojibake, strip_cid
from cv_matcher.readers.layout import Box, Line, find_gutter, order_lines

ENGINES = ["pdfminer", "pdfium"]


def assert_in_order(text: str, *fragments: str) -> None:
    """Every fragment occurs in `text`, each after the previous one."""
    positions = [text.find(f) for f in fragments]
    missing = [f for f, p in zip(fragments, positions, strict=True) if p < 0]
    assert not missing, f"missing {missing} in:\n{text}"
    assert positions == sorted(positions), f"out of order {list(zip(fragments, positions, strict=True))} in:\n{text}"


def assert_sections_consistent(doc: Document) -> None:
    for sec in doc.sections:
        assert doc.text[sec.start:sec.end] == sec.heading
        assert sec.end <= sec.body_end <= len(doc.text)


# --- builders ------------------------------------------------------------------------------------

Page = list[tuple[float, float, str]]  # (x, y, text) drawn with Helvetica 10


def make_pdf(pages: list[Page], *, encrypt: Callable[[], object] | None = None,
             draw: Callable[[object], None] | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt() if encrypt else None)
    for page in pages:
        c.setFont("Helvetica", 10)
        for x, y, text in page:
            c.drawString(x, y, text)
        if draw:
            draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


SIMPLE_PAGE: Page = [
    (72, 780, "Jane Smith"),
    (72, 760, "Profile"),
    (72, 745, "Project support officer with five years in a busy PMO."),
    (72, 720, "Work Experience"),
    (72, 705, "PMO Analyst, Acme Ltd, 2019 - 2024"),
    (72, 690, "Responsible for risk manage-"),
    (72, 678, "ment and reporting across the co-ordinator network."),
    (72, 650, "Skills: RAID logs, MS Project, Power BI"),
]

SIDEBAR = ["SKILLS", "Stakeholder management", "Risk registers", "MS Project", "Power BI", "RAID logs",
           "", "CERTIFICATIONS", "PRINCE2 Foundation", "APM PFQ", "MSP Foundation"]
MAIN = ["PROFILE", "Project support officer with five years of portfolio reporting",
        "across government and financial services programmes.", "", "EXPERIENCE",
        "PMO Analyst, Acme Ltd, 2019 to 2024", "Ran the weekly highlight report for twelve projects",
        "and kept the RAID log and change log up to date.", "Project Coordinator, Beta plc, 2016 to 2019",
        "Scheduled steering boards and tracked actions to closure."]
TWO_COLUMNS: Page = (
    [(240, 805, "JANE SMITH"), (40, 785, "jane.smith@example.com | 07700 900123 | Leeds, West Yorkshire, UK")]
    + [(40, 750 - 16 * i, t) for i, t in enumerate(SIDEBAR) if t]
    + [(230, 750 - 16 * i, t) for i, t in enumerate(MAIN) if t]
)

HEADER = "Jane Smith – CV – Page {} of 2"
TWO_PAGES: list[Page] = [
    [(72, 810, HEADER.format(1)), (72, 760, "Experience"), (72, 745, "PMO Analyst at Acme Ltd"),
     (72, 30, "jane.smith@example.com")],
    [(72, 810, HEADER.format(2)), (72, 760, "Education"), (72, 745, "BSc Business Management"),
     (72, 30, "jane.smith@example.com")],
]


def make_docx(build: Callable[[object], None]) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rewrite_zip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """Copy a zip, replacing members (None drops one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


# --- shared cleaning -----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("a\r\nb\rc", "a\nb\nc"),
    ("PMO\u00a0Analyst", "PMO Analyst"),
    ("PRI\u200bNCE2\ufeff", "PRINCE2"),
    ("two   spaces\tand tab", "two spaces and tab"),
    ("trailing   \nline", "trailing\nline"),
    ("a\n\n\n\n\n\nb", "a\n\n\nb"),
    ("ﬁnance ﬂow oﬀice eﬃcient baﬄe", "finance flow office efficient baffle"),
    ("\n\n  Jane  \n", "Jane"),
    ("keeps ½ ™ ² as written", "keeps ½ ™ ² as written"),
])
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("risk manage-\nment plan", "risk management plan"),
    ("the co-ordinator role", "the co-ordinator role"),
    ("cloud-\nnative and cloud-native", "cloud-native and cloud-native"),
    ("Smith-\nJones", "Smith-\nJones"),
    ("2019-\n2024", "2019-\n2024"),
])
def test_dehyphenate(raw: str, expected: str) -> None:
    assert dehyphenate(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("(cid:127) Managed budgets", "• Managed budgets"),
    ("  (cid:3)(cid:4)Risk log", "• Risk log"),
    ("Call(cid:240) me", "Call me"),
])
def test_strip_cid(raw: str, expected: str) -> None:
    assert strip_cid(raw) == expected


def test_drop_repeated_margins_keeps_first_occurrence() -> None:
    pages = [["Jane – Page 1 of 2", "body one", "jane@x.com"], ["Jane – Page 2 of 2", "body two", "jane@x.com"]]
    margins = [{0, 2}, {0, 2}]
    assert drop_repeated_margins(pages, margins) == [["Jane – Page 1 of 2", "body one", "jane@x.com"], ["body two"]]
    # A repeated line outside the margins is content, not a running header.
    assert drop_repeated_margins([["x", "same"], ["y", "same"]], [{0}, {0}]) == [["x", "same"], ["y", "same"]]


@pytest.mark.parametrize(("raw", "expected", "count"), [
    ("â€¢ Agile", "• Agile", 1),
    ("Â£45,000", "£45,000", 1),
    ("donâ€™t", "don’t", 1),
    ("Ã©cole", "école", 1),
    ("café Zürich naïve – ok", "café Zürich naïve – ok", 0),
    ("Ø\u00a0Wingdings bullet", "Ø\u00a0Wingdings bullet", 0),
])
def test_repair_mojibake(raw: str, expected: str, count: int) -> None:
    assert repair_mojibake(raw) == (expected, count)


# --- PDF layout (synthetic boxes: x0, y0, x1, y1 in points, origin bottom left) ----------------


def box(x0: float, top: float, *texts: str, width: float = 150, height: float = 10) -> Box:
    """A box of one line per text, 12 points apart, starting at `top`."""
    return Box([Line(x0, top - 12 * i - height, x0 + width, top - 12 * i, t) for i, t in enumerate(texts)])


def texts(boxes: list[Box]) -> list[str]:
    return [line.text for line in order_lines(boxes)]


def test_layout_sidebar_and_main_column_read_one_after_the_other() -> None:
    page = [
        box(200, 800, "JANE SMITH", width=120),  # banner inside the right half, above both columns
        box(40, 780, "jane@example.com | Leeds | 07700 900123 | linkedin.com/in/jane", width=500),
        box(40, 750, "SKILLS", "Risk logs", "MS Project", "Power BI", width=120),
        box(200, 750, "PROFILE", "PMO analyst with five years of reporting", "across two programmes", width=330),
        box(40, 690, "LANGUAGES", "French", width=120),
        box(200, 700, "EXPERIENCE", "PMO Analyst, Acme", "Ran the highlight report", width=330),
    ]
    assert find_gutter(page) is not None
    assert texts(page) == ["JANE SMITH", "jane@example.com | Leeds | 07700 900123 | linkedin.com/in/jane",
                           "SKILLS", "Risk logs", "MS Project", "Power BI", "LANGUAGES", "French",
                           "PROFILE", "PMO analyst with five years of reporting", "across two programmes",
                           "EXPERIENCE", "PMO Analyst, Acme", "Ran the highlight report"]


def test_layout_right_aligned_dates_are_not_a_column() -> None:
    page = [
        box(40, 750, "PMO Analyst, Acme Ltd", width=150), box(460, 750, "2019 - 2024", width=80),
        box(40, 730, "Ran the weekly highlight report for twelve projects across the portfolio", width=450),
        box(40, 700, "Project Coordinator, Beta plc", width=150), box(460, 700, "2016 - 2019", width=80),
        box(40, 680, "Scheduled steering boards and tracked actions to closure every week", width=450),
    ]
    assert find_gutter(page) is None
    assert texts(page) == ["PMO Analyst, Acme Ltd", "2019 - 2024",
                           "Ran the weekly highlight report for twelve projects across the portfolio",
                           "Project Coordinator, Beta plc", "2016 - 2019",
                           "Scheduled steering boards and tracked actions to closure every week"]


def test_layout_joins_line_fragments_but_not_side_by_side_paragraphs() -> None:
    page = [
        Box([Line(90, 700, 97, 710, "•")]),  # a bullet drawn apart from its text
        box(108, 710, "Installed a new workplace system", "for day-to-day operations", width=300),
        Box([Line(412, 686, 480, 696, "and reporting")]),  # justified line split by pdfminer
        box(40, 660, "2017 -", "Present", width=40),  # a date column beside a paragraph: left alone
        box(90, 660, "Product Manager, Google", "Led cross-functional teams", width=300),
    ]
    assert texts(page) == ["• Installed a new workplace system", "for day-to-day operations and reporting",
                           "2017 -", "Present", "Product Manager, Google", "Led cross-functional teams"]


# --- PDF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_single_column(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(make_pdf([SIMPLE_PAGE]))
    doc = read_document(path, pdf_engine=engine)
    assert doc.format == "pdf" and dict(doc.meta) == {"pages": "1", "engine": engine}
    assert_in_order(doc.text, "Jane Smith", "Profile", "Project support officer with five years in a busy PMO.",
                    "Work Experience", "Responsible for risk management and reporting across the co-ordinator network.",
                    "Skills: RAID logs")
    assert [(s.kind, s.heading) for s in doc.sections] == [
        ("summary", "Profile"), ("experience", "Work Experience"), ("skills", "Skills")]
    assert_sections_consistent(doc)


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_two_columns_read_column_by_column(engine: str) -> None:
    doc = read_bytes(make_pdf([TWO_COLUMNS]), "cv.pdf", pdf_engine=engine)
    sidebar = [t for t in SIDEBAR if t]
    main = [t for t in MAIN if t]
    assert_in_order(doc.text, "JANE SMITH", "jane.smith@example.com", *sidebar, *main)
    assert [s.kind for s in doc.sections] == ["skills", "certifications", "summary", "experience"]
    assert_sections_consistent(doc)


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_repeated_header_and_footer_kept_once(engine: str) -> None:
    doc = read_bytes(make_pdf(TWO_PAGES), "cv.pdf", pdf_engine=engine)
    assert doc.text.count("Jane Smith – CV – Page") == 1
    assert doc.text.count("jane.smith@example.com") == 1
    assert_in_order(doc.text, HEADER.format(1), "Experience", "PMO Analyst at Acme Ltd", "jane.smith@example.com",
                    "Education", "BSc Business Management")
    assert dict(doc.meta)["pages"] == "2"


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_encrypted_with_empty_user_password_is_read(engine: str) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = make_pdf([SIMPLE_PAGE], encrypt=lambda: StandardEncryption("", ownerPassword="owner", canCopy=0))
    assert "Project support officer" in read_bytes(data, "cv.pdf", pdf_engine=engine).text


def _draw_rectangle(c: object) -> None:
    c.rect(100, 100, 300, 400, fill=1)  # type: ignore[attr-defined]


def _draw_image(c: object) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(Image.new("RGB", (40, 40), "grey")), 100, 100, 300, 300)  # type: ignore[attr-defined]


def _encrypted() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return make_pdf([SIMPLE_PAGE], encrypt=lambda: StandardEncryption("secret", ownerPassword="owner"))


PDF_ERRORS = [
    ("truncated", lambda: make_pdf([SIMPLE_PAGE])[:-40], DocumentReadError, "not a valid PDF (truncated or corrupt)"),
    ("half", lambda: make_pdf([SIMPLE_PAGE])[:700], DocumentReadError, "not a valid PDF (truncated or corrupt)"),
    ("not a pdf", lambda: b"Jane Smith, PMO analyst", DocumentReadError, "not a PDF: the file has no %PDF header"),
    ("password", _encrypted, EncryptedDocumentError, "password-protected"),
    ("rectangle only", lambda: make_pdf([[]], draw=_draw_rectangle), NoTextLayerError,
     "no text layer: looks like a scanned image; "),
    ("image only", lambda: make_pdf([[]], draw=_draw_image), NoTextLayerError, "no text layer"),
    ("scan with page number", lambda: make_pdf([[(290, 30, "1")]], draw=_draw_image), NoTextLayerError,
     "no text layer"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("case", "build", "error", "message"), PDF_ERRORS, ids=[c[0] for c in PDF_ERRORS])
def test_pdf_errors(case: str, build: Callable[[], bytes], error: type[Exception], message: str, engine: str) -> None:
    with pytest.raises(error) as info:
        read_bytes(build(), "bad.pdf", pdf_engine=engine)
    assert type(info.value) is error
    assert message in str(info.value) and str(info.value).startswith("bad.pdf: ")
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_with_one_scanned_page_reads_the_rest(engine: str) -> None:
    doc = read_bytes(make_pdf([SIMPLE_PAGE, []], draw=_draw_image), "cv.pdf", pdf_engine=engine)
    assert "Work Experience" in doc.text
    assert dict(doc.meta)["pages_without_text"] == "1"


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_page_limit(engine: str) -> None:
    with pytest.raises(LimitExceededError, match="--max-pages"):
        read_bytes(make_pdf(TWO_PAGES), "cv.pdf", limits=ReadLimits(max_pages=1), pdf_engine=engine)


def test_unknown_pdf_engine() -> None:
    with pytest.raises(ValueError, match="pdfminer, pdfium"):
        read_bytes(b"%PDF-1.4", "cv.pdf", pdf_engine="poppler")


# --- DOCX ----------------------------------------------------------------------------------------

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TEXT_BOX_RUN = f"""<w:r {W_NS}
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>
  <mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
    <w:p><w:r><w:t>Text box: Agile coach</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
  <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
    <w:p><w:r><w:t>Text box: Agile coach</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r>"""


def build_cv_docx(document: object) -> None:
    from docx.oxml import parse_xml

    d = document  # python-docx Document
    section = d.sections[0]  # type: ignore[attr-defined]
    section.header.paragraphs[0].text = "Jane Smith | jane.smith@example.com | 07700 900123"
    section.footer.paragraphs[0].text = "Page footer: Leeds"
    d.add_paragraph("Profile")  # type: ignore[attr-defined]
    d.add_paragraph("PMO analyst with a focus on reporting.")  # type: ignore[attr-defined]
    d.add_heading("Experience", level=1)  # type: ignore[attr-defined]
    d.add_paragraph("Ran the weekly highlight report", style="List Bullet")  # type: ignore[attr-defined]
    d.add_paragraph("Maintained the RAID log", style="List Number")  # type: ignore[attr-defined]
    anchor = d.add_paragraph("Anchor paragraph")  # type: ignore[attr-defined]
    anchor._p.append(parse_xml(TEXT_BOX_RUN))
    table = d.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
    for (r, c), text in {(0, 0): "Skill", (0, 1): "Level", (1, 0): "MS Project", (1, 1): "Advanced"}.items():
        table.cell(r, c).text = text
    merged = d.add_table(rows=2, cols=3)  # type: ignore[attr-defined]
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Wide cell"
    merged.cell(0, 2).merge(merged.cell(1, 2)).text = "Tall cell"
    merged.cell(1, 0).text = "Below left"
    merged.cell(1, 1).text = "Below middle"
    outer = d.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    outer.cell(0, 0).text = "2019 - 2024"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Nested A"
    inner.cell(0, 1).text = "Nested B"
    d.add_paragraph("Education")  # type: ignore[attr-defined]
    d.add_paragraph("BSc Business Management")  # type: ignore[attr-defined]


def test_docx_reads_everything_in_order(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    path.write_bytes(make_docx(build_cv_docx))
    doc = read_document(path)
    text = doc.text
    assert doc.format == "docx"
    assert_in_order(
        text, "Jane Smith | jane.smith@example.com | 07700 900123", "Profile", "PMO analyst with a focus",
        "Experience", "• Ran the weekly highlight report", "• Maintained the RAID log", "Anchor paragraph",
        "Text box: Agile coach", "Skill | Level\nMS Project | Advanced",
        "Wide cell | Tall cell\nBelow left | Below middle",
        "2019 - 2024\nNested A | Nested B\nEducation", "Education", "BSc Business Management", "Page footer: Leeds",
    )
    for once in ("Text box: Agile coach", "Wide cell", "Tall cell", "Nested A", "Jane Smith", "Page footer"):
        assert text.count(once) == 1, once
    assert "• Experience" not in text  # a heading style is not a list item
    assert [(s.kind, s.heading) for s in doc.sections] == [
        ("summary", "Profile"), ("experience", "Experience"), ("education", "Education")]
    assert_sections_consistent(doc)


def test_docx_direct_numbering_gets_bullet() -> None:
    from docx.oxml import parse_xml

    def build(d: object) -> None:
        p = d.add_paragraph("Numbered by numPr")  # type: ignore[attr-defined]
        p._p.insert(0, parse_xml(f'<w:pPr {W_NS}><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'))
        q = d.add_paragraph("numId zero is no list")  # type: ignore[attr-defined]
        q._p.insert(0, parse_xml(f'<w:pPr {W_NS}><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr></w:pPr>'))

    text = read_bytes(make_docx(build), "cv.docx").text
    assert "• Numbered by numPr" in text
    assert "\nnumId zero is no list" in text


XXE_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>
<w:document {ns}><w:body><w:p><w:r><w:t>Leak: &xxe;</w:t></w:r></w:p></w:body></w:document>"""


def test_docx_with_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xml = XXE_DOCUMENT.format(secret=secret, ns=W_NS).encode()
    data = rewrite_zip(make_docx(lambda d: d.add_paragraph("Hello")), {"word/document.xml": xml})  # type: ignore[attr-defined]
    with pytest.raises(DocumentReadError, match=r"DOCX XML declares a DOCTYPE \(entities refused\)"):
        read_bytes(data, "xxe.docx")
    # Belt and braces: python-docx's own parser does not resolve entities either.
    from docx.oxml.parser import parse_xml

    assert "TOP-SECRET-VALUE" not in "".join(parse_xml(xml).itertext())


def test_docx_doctype_check_leaves_no_parse_tree_for_the_collector() -> None:
    """The DOCTYPE check stops each part's parser at the root's start tag; a parser left so is a
    reference cycle holding its partial tree (libxml2's memory), which only a full collection
    would free, and a batch worker's memory grew with the run until it was drained and closed."""
    import gc

    from lxml import etree

    from cv_matcher.readers import docx as docx_reader

    data = make_docx(build_cv_docx)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(3):
            assert docx_reader._check_package(data, "cv.docx", ReadLimits()) is False  # not Strict
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, etree._Element)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not left


def as_template(data: bytes) -> bytes:
    """The same package declared as a Word template (.dotx), which python-docx refuses."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").replace(b"document.main+xml", b"template.main+xml")
    return rewrite_zip(data, {"[Content_Types].xml": types})


DOCX_ERRORS = [
    ("not a zip", lambda: b"PK? not really a zip", DocumentReadError, "not a DOCX: not a zip archive"),
    ("no document.xml", lambda: rewrite_zip(make_docx(lambda d: None), {"word/document.xml": None}),
     DocumentReadError, "not a DOCX: the zip has no word/document.xml"),
    ("empty body", lambda: make_docx(lambda d: None), EmptyDocumentError, "no usable text"),
    ("template", lambda: as_template(make_docx(lambda d: None)),
     DocumentReadError, "not a DOCX: content type is 'application/vnd.openxmlformats-officedocument"),
    ("no content types", lambda: rewrite_zip(make_docx(lambda d: None), {"[Content_Types].xml": None}),
     DocumentReadError, "not a DOCX: missing part"),
    ("broken xml", lambda: rewrite_zip(make_docx(lambda d: None), {"word/document.xml": b"<w:document"}),
     DocumentReadError, "cannot read DOCX: XMLSyntaxError"),
]


@pytest.mark.parametrize(("case", "build", "error", "message"), DOCX_ERRORS, ids=[c[0] for c in DOCX_ERRORS])
def test_docx_errors(case: str, build: Callable[[], bytes], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        read_bytes(build(), "bad.docx")
    assert type(info.value) is error and message in str(info.value)
    assert "\n" not in str(info.value)


def test_docx_uncompressed_size_limit() -> None:
    data = make_docx(lambda d: d.add_paragraph("x" * 50_000))  # type: ignore[attr-defined]
    message = "max_docx_uncompressed_bytes; raise it with --max-docx-mb"
    with pytest.raises(LimitExceededError, match=message):
        read_bytes(data, "big.docx", limits=ReadLimits(max_docx_uncompressed_bytes=20_000))


# --- text ----------------------------------------------------------------------------------------

CV_TEXT = "Jane Smith – PMO Analyst\nSalary: £45,000\nSkills: “RAID” logs • café\n"


def mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows cp1252 (its undefined bytes become C1 controls, as Windows does)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


@pytest.mark.parametrize(("name", "data", "encoding"), [
    ("utf-8", CV_TEXT.encode("utf-8"), "utf-8"),
    ("utf-8 BOM", CV_TEXT.encode("utf-8-sig"), "utf-8 (BOM)"),
    ("utf-16 BOM LE", CV_TEXT.encode("utf-16"), "utf-16 (BOM)"),
    ("utf-16 BOM BE", b"\xfe\xff" + CV_TEXT.encode("utf-16-be"), "utf-16 (BOM)"),
    ("utf-32 BOM", CV_TEXT.encode("utf-32"), "utf-32 (BOM)"),
    ("utf-16 LE no BOM", CV_TEXT.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 BE no BOM", CV_TEXT.encode("utf-16-be"), "utf-16-be"),
    ("cp1252", CV_TEXT.encode("cp1252"), "cp1252"),
    ("mojibake", mojibake(CV_TEXT).encode("utf-8"), "utf-8"),
])
def test_text_encodings(tmp_path: Path, name: str, data: bytes, encoding: str) -> None:
    path = tmp_path / "cv.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text == CV_TEXT.strip()
    assert dict(doc.meta)["encoding"] == encoding
    assert [(s.kind, s.heading) for s in doc.sections] == [("pay", "Salary"), ("skills", "Skills")]
    assert_sections_consistent(doc)


def test_text_mojibake_repair_is_recorded() -> None:
    doc = read_bytes("Key skills â€¢ Agile\nBudget Â£30k".encode(), "cv.txt")
    assert doc.text == "Key skills • Agile\nBudget £30k"
    assert dict(doc.meta)["mojibake_repaired"] == "2"


@pytest.mark.parametrize("suffix", [".md", ".text", ".TXT"])
def test_text_suffixes(suffix: str) -> None:
    doc = read_bytes(b"# Experience\nPMO analyst", f"cv{suffix}")
    assert doc.format == "txt" and doc.sections[0].heading == "Experience"


@pytest.mark.parametrize(("case", "data", "error", "message"), [
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, DocumentReadError, "binary data, not text"),
    ("controls", bytes(range(1, 9)) * 50 + b"some text", DocumentReadError, "binary data, not text"),
    ("empty", b"", EmptyDocumentError, "no usable text"),
    ("blank", b" \r\n\t\n\xc2\xa0\n", EmptyDocumentError, "no usable text"),
])
def test_text_errors(case: str, data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        read_bytes(data, "cv.txt")


# --- registry, paths and limits ------------------------------------------------------------------


def test_registry_suffixes() -> None:
    assert sorted(READERS) == [".doc", ".docx", ".htm", ".html", ".jpeg", ".jpg", ".md", ".odt", ".pdf", ".png", ".rtf",
                               ".text", ".tif", ".tiff", ".txt"]


def test_path_errors(tmp_path: Path) -> None:
    cases = [
        (tmp_path / "missing.pdf", DocumentReadError, "file not found"),
        (tmp_path, DocumentReadError, "is a directory, not a file"),
    ]
    (tmp_path / "cv.xls").write_text("x")
    (tmp_path / "README").write_text("x")
    cases += [
        (tmp_path / "cv.xls", UnsupportedFormatError,
         "unsupported file type '.xls'; supported: .doc, .docx, .htm, .html, .jpeg, .jpg, .md, .odt, .pdf, .png, "
         ".rtf, .text, .tif, .tiff, .txt"),
        (tmp_path / "README", UnsupportedFormatError, "unsupported file type without a suffix"),
    ]
    for path, error, message in cases:
        with pytest.raises(error) as info:
            read_document(path)
        assert type(info.value) is error and message in str(info.value) and str(path) in str(info.value)


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Jane")
    path.chmod(0)
    try:
        if path.open("rb"):  # root can read anything: nothing to test
            pytest.skip("running as root")
    except PermissionError:
        with pytest.raises(DocumentReadError, match="cannot read file: Permission denied"):
            read_document(path)
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(("limits", "data", "name", "option"), [
    (ReadLimits(max_file_bytes=10), b"Jane Smith PMO analyst", "cv.txt", "--max-file-mb"),
    (ReadLimits(max_chars=10), b"Jane Smith PMO analyst", "cv.txt", "--max-chars"),
])
def test_limits(limits: ReadLimits, data: bytes, name: str, option: str) -> None:
    with pytest.raises(LimitExceededError, match=option):
        read_bytes(data, name, limits=limits)


def test_file_size_limit_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(LimitExceededError, match="file size is 2,048 bytes, over the 1,024 bytes limit"):
        read_document(path, limits=ReadLimits(max_file_bytes=1024))


def test_unexpected_library_error_becomes_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> object:
        raise KeyError("word/styles.xml\nsecond line")

    monkeypatch.setitem(READERS, ".txt", broken)
    with pytest.raises(DocumentReadError) as info:
        read_bytes(b"x", "cv.txt")
    assert str(info.value) == "cv.txt: cannot read TXT: KeyError: 'word/styles.xml\\nsecond line'"


def test_reading_text_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text("Experience\nPMO analyst")
    code = (
        "import sys; from cv_matcher.readers import read_document; read_document(sys.argv[1]);"
        "heavy = [m for m in ('pdfminer', 'docx', 'pypdfium2', 'charset_normalizer', 'lxml') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[1])
    assert out.stdout.strip() == "[]"


# --- the real corpus (documents by others in ../shared) ------------------------------------------


NO_HEADINGS = {"SoupBoss__Minnie01_docx.docx"}  # a LinkedIn profile pasted into Word: no headings at all


@pytest.mark.parametrize("path", corpus_files("files"), ids=lambda p: p.name)
def test_corpus_file_reads(path: Path) -> None:
    doc = read_document(path)
    assert len(doc.text) > 500
    assert doc.sections or path.name in NO_HEADINGS, "no section headings found"
    assert_sections_consistent(doc)


@pytest.mark.parametrize("path", corpus_files("files", "*.pdf"), ids=lambda p: p.name)
def test_corpus_pdf_reads_with_pdfium(path: Path) -> None:
    assert len(read_document(path, pdf_engine="pdfium").text) > 500


@pytest.mark.parametrize("folder", ["adverts", "resume-dataset"])
def test_corpus_texts_read(corpus: Path, folder: str) -> None:
    for path in corpus_files(folder):
        assert_sections_consistent(read_document(path))


@pytest.mark.parametrize(("name", "fragments"), [
    # Left (main) column to its end before the right sidebar starts; the header band first.
    ("Resume-Matcher__template-two-column.pdf",
     ["JOHN DOE", "john.doe@email.com", "SUMMARY", "Stripe", "Reduced API response latency", "PROJECTS",
      "SFHacks 2022 Winner", "EDUCATION", "UC Berkeley", "SKILLS", "Elasticsearch", "Cloud-native Development",
      "LINKS"]),
    ("Resume-Matcher__template-modern-two-column.pdf",
     ["John Doe", "SUMMARY", "EXPERIENCE", "Mentored 3 junior engineers", "Notion", "DevFlow", "EDUCATION",
      "Elasticsearch", "A/B Testing", "PagerDuty", "LINKS"]),
    # Left sidebar (contact, education, skills, certifications) before the main column.
    ("SoupBoss__aws-devops-engineer-resume-example.pdf",
     ["CATHERINE STARK", "AWS DevOps Engineer", "CONTACT", "catherinestark@email.com", "SKILLS", "Jenkins",
      "CERTIFICATIONS", "Certified Solutions Architect", "WORK EXPERIENCE", "S&P Global"]),
])
@pytest.mark.parametrize("engine", ENGINES)
def test_corpus_two_column_order(corpus: Path, name: str, fragments: list[str], engine: str) -> None:
    assert_in_order(read_document(corpus / "files" / name, pdf_engine=engine).text, *fragments)


def test_errors_are_cv_matcher_errors() -> None:
    for error in (DocumentReadError, EmptyDocumentError, EncryptedDocumentError, LimitExceededError,
                  NoTextLayerError, UnsupportedFormatError):
        assert issubclass(error, CvMatcherError)
