#!/usr/bin/env python3
"""Regenerate the project's sample CVs and job adverts, and their labels.

    python scripts/make_samples.py            # write sample_cvs/ and sample_ads/
    python scripts/make_samples.py --verify   # write, then re-read every file and check it

Source text lives in scripts/sample_content/{cvs,ads}/.  ``*.txt`` sources are
the final plain text (clean UTF-8; the encoding is applied here).  ``*.md``
sources use a small markup, rendered to DOCX (python-docx) or PDF (reportlab):

    = Name / title          ~ subtitle line        ## section heading
    ### job line            - bullet               plain line = paragraph
    | a | b | c   table row (first row = header; "<br>" = line break in a cell)
    || a | b      nested-table row, placed in the last cell of the row above
    [[sidebar]] [[main]]    the two frames of the two-column PDF
    [[header]] [[body]]     DOCX page-header block and body

Output is deterministic: PDFs use reportlab ``invariant=1`` with fixed
metadata; DOCX files get fixed core properties and fixed zip timestamps.

Special cases a test can rely on
--------------------------------
Two-column PDF: sample_cvs/cv09_pmo_analyst_two_column.pdf
    (two frames on one page: a narrow left sidebar beside a wide main column)
    left-column phrases (top to bottom):  "Redland, Bristol BS6",
        "Power Query and DAX", "P3O Foundation (2021)", "French (conversational)"
    right-column phrases (top to bottom): "Eleanor Marsh",
        "Consolidate eleven workstream highlight reports",
        "forecast variance commentary", "BSc (Hons) Geography"
    A column-aware reader keeps every left phrase together and every right
    phrase together (and each group in the order above); a naive
    line-by-line reader interleaves them.
Repeated page header/footer: sample_cvs/cv10_pmo_officer_two_page.pdf
    (exactly two pages) header on both pages:
        "Priya Raman – PMO Officer – Curriculum Vitae"
    footer: "priya.raman@example.com · Page 1 of 2" / "... · Page 2 of 2"
Header-only contact DOCX: sample_cvs/cv12_pmo_analyst_tables.docx
    name, email and phone only in section.header ("Olumide Adebayo",
    "olumide.adebayo@example.com", "+44 7700 900902"); body has a skills table
    and an employment table whose first row holds a nested table.
Encodings: cv02 UTF-16 (LE, with BOM); cv06 cp1252 with CRLF, £ and curly
    quotes; cv13 UTF-8 carrying mojibake ("â€¢" bullets, "Â£", "â€™").
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
CONTENT = Path(__file__).resolve().parent / "sample_content"
OUT_DIRS = {"cv": ROOT / "sample_cvs", "advert": ROOT / "sample_ads"}
SRC_DIRS = {"cv": CONTENT / "cvs", "advert": CONTENT / "ads"}

FIXED_TIME = dt.datetime(2025, 1, 6, 9, 0, 0)
ZIP_TIME = (2025, 1, 6, 9, 0, 0)

# Phrases for tests (see module docstring).
TWO_COLUMN_FILE = "cv09_pmo_analyst_two_column.pdf"
TWO_COLUMN_LEFT_PHRASES = ("Redland, Bristol BS6", "Power Query and DAX",
                           "P3O Foundation (2021)", "French (conversational)")
TWO_COLUMN_RIGHT_PHRASES = ("Eleanor Marsh", "Consolidate eleven workstream highlight reports",
                            "forecast variance commentary", "BSc (Hons) Geography")
REPEATED_HEADER_FILE = "cv10_pmo_officer_two_page.pdf"
REPEATED_HEADER_TEXT = "Priya Raman – PMO Officer – Curriculum Vitae"
REPEATED_FOOTER_TEXT = "priya.raman@example.com · Page {page} of {total}"
HEADER_CONTACT_FILE = "cv12_pmo_analyst_tables.docx"
HEADER_CONTACT_TEXT = ("Olumide Adebayo", "olumide.adebayo@example.com", "+44 7700 900902")


@dataclass(frozen=True)
class Sample:
    stem: str
    kind: str                      # "cv" | "advert"
    fmt: str                       # "txt" | "docx" | "pdf"
    rank: int                      # 0 none, 1..4 ladder
    certs: tuple[str, ...]
    note: str
    encoding: str = "utf-8"        # txt only: utf-8 | utf-16 | cp1252 | mojibake
    newline: str = "\n"            # txt only
    layout: str = "plain"          # pdf: plain | two_column | two_page
    font: str = "Vera"             # pdf: Vera (TTF bundled with reportlab) | Times-Roman; docx: font name
    heading: str = "rule"          # heading look: rule | caps | styled | colour
    us: bool = False               # US letter paper and spelling
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def file(self) -> str:
        return f"{self.stem}.{self.fmt}"


S = Sample
SAMPLES: tuple[Sample, ...] = (
    # ------------------------------------------------------------------ CVs
    S("cv01_project_administrator", "cv", "txt", 1, ("apm-pfq",),
      "Project Administrator: minutes, diaries, document control, RAID upkeep under direction; "
      "APM PFQ held, PRINCE2 Foundation only booked for June"),
    S("cv02_pmo_administrator_utf16", "cv", "txt", 1, ("prince2-foundation", "bcs-ppso"),
      "UTF-16 with BOM. PMO Administrator (AO/EO): board papers, minutes, diary, SharePoint "
      "document control, distribution lists, travel; Essentials for PMO Administrators",
      encoding="utf-16"),
    S("cv03_pa_project_admin", "cv", "docx", 1, ("prince2-foundation",),
      "hard: title Personal Assistant, but the work is project admin for a programme (board "
      "minutes, RAID/change register upkeep, document control, distribution lists); PRINCE2 "
      "Foundation does not lift the level", font="Calibri", heading="styled"),
    S("cv04_pmo_manager_title_admin", "cv", "pdf", 1, (),
      "hard: job title PMO Manager, but duties are only minutes, diaries, filing, room "
      "booking and supplies; manages no one; £24,000", font="Vera", heading="rule"),
    S("cv05_us_project_coordinator", "cv", "pdf", 2, ("capm",),
      "US Project Coordinator: central point of contact, 6-8 parallel implementations, "
      "timelines/milestones, technician scheduling, deliverable tracking; CAPM held",
      font="Times-Roman", heading="caps", us=True),
    S("cv06_project_coordinator_cp1252", "cv", "txt", 2, ("prince2-foundation",),
      "cp1252 with CRLF, £ and curly quotes. Project Co-ordinator: single point of contact, "
      "MS-Project timelines, resource scheduling, deliverables; APM PMQ only working towards",
      encoding="cp1252", newline="\r\n"),
    S("cv07_charity_pm_coordinator", "cv", "docx", 2, (),
      "hard: title Project Manager at an 18-person charity, but coordinates office move and "
      "small parallel projects, keeps timeline, chases suppliers, reports to Ops Director, "
      "£27,000", font="Georgia", heading="caps"),
    S("cv08_business_support_coordinator", "cv", "docx", 2, (),
      "hard: generic title Business Support Officer; duties are point of contact, 5-7 small "
      "projects in parallel, milestones in MS Project, scheduling contractors, deliverables "
      "tracker; £29,500", font="Arial", heading="styled"),
    S("cv09_pmo_analyst_two_column", "cv", "pdf", 3, ("prince2-practitioner", "p3o-foundation"),
      "two-column PDF (sidebar frame + main frame). PMO Analyst: consolidated highlight "
      "reports, Power BI, RAID escalation, dependencies, change control, accruals, Planview admin",
      layout="two_column", font="Vera", heading="colour"),
    S("cv10_pmo_officer_two_page", "cv", "pdf", 3, ("apm-pmq", "msp-foundation"),
      "two-page PDF with repeated header/footer. PMO Officer (NHS Band 6): consolidated "
      "reporting, RAID escalation, dependencies, change control, budget vs actuals, stage gates, PPM admin",
      layout="two_page", font="Vera", heading="rule"),
    S("cv11_senior_project_admin_rank3", "cv", "txt", 3, ("prince2-foundation",),
      "hard: title Senior Project Administrator, but duties are consolidated reporting for 9 "
      "workstreams, RAID escalation, budget vs actuals/accruals, change control; £41,000; "
      "typo 'Programe'"),
    S("cv12_pmo_analyst_tables", "cv", "docx", 3, ("prince2-practitioner", "itil"),
      "DOCX with skills table, employment table with a nested table, contact only in the page "
      "header; typos 'Prince 2 Practioner', 'MS-Project', 'Sharepoint'. PMO Analyst: MI pack, "
      "RAID, financials, change board, deliverable tracker",
      font="Calibri", heading="styled"),
    S("cv13_analyst_generic_mojibake", "cv", "txt", 3, ("prince2-foundation",),
      "hard: generic title 'Analyst'; duties are consolidated programme reporting, RAID, change "
      "control, budget vs actuals, dependencies, stage-gate QA. UTF-8 mojibake (â€¢, Â£); "
      "PRINCE2 Practitioner only currently studying",
      encoding="mojibake"),
    S("cv14_head_of_pmo", "cv", "docx", 4,
      ("apm-chpp", "msp-practitioner", "p3o-practitioner", "prince2-practitioner"),
      "Head of PMO: set up enterprise PMO, P3M3, portfolio prioritisation, benefits, line "
      "manages 6, chairs Portfolio Board, PMO budget; plain 'MSP' = msp-practitioner",
      font="Calibri", heading="styled"),
    S("cv15_pmo_officer_rank4", "cv", "pdf", 4, ("p3o-practitioner", "msp-foundation"),
      "hard: title PMO Officer, but set up a programme office from scratch, designed governance, "
      "leads 3 PMO analysts, benefits framework, advises SRO; £450/day",
      font="Times-Roman", heading="rule"),
    S("cv16_portfolio_lead_no_certs", "cv", "txt", 4, (),
      "hard: no job titles and no certifications; created a portfolio office, governance and "
      "investment process, prioritisation, benefits, line manages 9, chairs board; £650/day"),
    S("cv17_us_pmo_director", "cv", "docx", 4, ("pmp", "pgmp"),
      "US Director, Enterprise PMO: stood up EPMO, intake/prioritization, methodology, team of "
      "9, benefits, PMO budget; PMP and PgMP held", font="Arial", heading="caps", us=True),
    S("cv18_developer_prince2", "cv", "pdf", 0, ("prince2-practitioner",),
      "hard: senior software developer who holds PRINCE2 Practitioner; no PMO duties",
      font="Vera", heading="colour"),
    S("cv19_delivery_pm_prince2", "cv", "docx", 0, ("prince2-practitioner", "itil"),
      "hard: delivery Project Manager (owns scope, budget, team, own project boards) with "
      "PRINCE2 Practitioner and no PMO duties", font="Calibri", heading="caps"),
    S("cv20_dba_raid", "cv", "txt", 0, ("itil",),
      "false friend: database administrator; RAID means disk arrays (RAID 10/RAID 5); change "
      "requests are CAB changes"),
    S("cv21_investment_portfolio", "cv", "pdf", 0, (),
      "false friend: investment portfolio manager (AUM, asset allocation, fund selection)",
      font="Times-Roman", heading="caps"),
    S("cv22_msp_it_support", "cv", "docx", 0, ("itil",),
      "false friend: MSP = managed service provider (IT service desk team leader), not "
      "Managing Successful Programmes", font="Arial", heading="styled"),
    S("cv23_retail_interests", "cv", "pdf", 0, (),
      "false friend: store manager; minute taking, diary keeping, Power BI and PRINCE2 appear "
      "only under Interests", font="Vera", heading="rule"),
    S("cv24_scrum_master", "cv", "txt", 0, ("scrum-master",),
      "Scrum Master (agile track), PSM I and CSM; not PMO"),
    # -------------------------------------------------------------- adverts
    S("ad01_project_administrator_temp", "advert", "txt", 1, (),
      "temp Project Administrator at £12.80/hr: minutes, diaries, document control, RAID log "
      "upkeep, travel; 'PRINCE2 not required'"),
    S("ad02_nhs_project_coordinator_band5", "advert", "docx", 2,
      ("prince2-foundation", "apm-pfq"),
      "NHS Band 5, £29,970 - £36,483, permanent. Project Co-ordinator: central point of contact, "
      "plans/milestones, co-ordinate resources, deliverables; Essential/Desirable person spec as "
      "a DOCX table", font="Arial", heading="styled"),
    S("ad03_pmo_analyst_contract", "advert", "txt", 3,
      ("prince2-foundation", "p3o-foundation", "apm-pmq"),
      "contract £325–£375 per day, Outside IR35. PMO Analyst: consolidate workstream reports, "
      "Power BI, RAID, dependencies, change control, financials; Essential/Desirable criteria lists"),
    S("ad04_us_pmo_analyst", "advert", "pdf", 3, ("pmp", "capm"),
      "US PMO Analyst, $78k-$92k: consolidated dashboards, risk register escalation, budget vs "
      "actuals, Clarity admin, stage gates; PMP or CAPM a plus",
      font="Vera", heading="colour", us=True),
    S("ad05_head_of_pmo_contract", "advert", "pdf", 4, ("msp", "p3o-practitioner"),
      "contract up to £750 p/d, Inside IR35. Interim Head of PMO: PMO operating model, "
      "portfolio governance, prioritisation, benefits, P3M3, line manage 6; MSP essential",
      font="Times-Roman", heading="rule"),
    S("ad06_grade7_head_portfolio_office", "advert", "docx", 4,
      ("apm-chpp", "msp-practitioner"),
      "civil service Grade 7, permanent. Head of Portfolio Office: framework design, chairs "
      "Portfolio Board, prioritisation, benefits, P3M3, line manages SEO/HEO team; "
      "Essential/Desirable table", font="Arial", heading="styled"),
    S("ad07_care_coordinator", "advert", "txt", 0, (),
      "false friend: home-care Care Coordinator ('co-ordinate patient care', rostering carers)"),
    S("ad08_executive_pa", "advert", "docx", 0, (),
      "hard: Executive Assistant to a CEO: diary, board minutes, travel, 'first point of "
      "contact' but no project context; property 'portfolio'", font="Georgia", heading="caps"),
    S("ad09_pmo_administrator_perm", "advert", "pdf", 1, ("bcs-ppso", "prince2-foundation"),
      "permanent PMO Administrator £24,000 - £27,000: meetings, minutes, SharePoint, "
      "distribution lists, RAID/change log updates; entry-level, under guidance",
      font="Vera", heading="rule"),
    S("ad10_business_support_officer_seo", "advert", "docx", 3,
      ("p3o-foundation", "msp-foundation"),
      "hard: generic title Business Support Officer (SEO, £41,250 – £46,800); duties are "
      "consolidated portfolio reporting, RAID escalation, financial tracking, change control, "
      "stage-gate assurance; no line management", font="Calibri", heading="styled"),
    S("ad11_pmo_analyst_title_rank4", "advert", "pdf", 4,
      ("msp-practitioner", "p3o-practitioner"),
      "hard: title PMO Analyst, but role is to set up the PMO from scratch, define methodology "
      "and portfolio governance, line manage 2, advise executives; £68,000 - £75,000",
      font="Vera", heading="colour"),
    S("ad12_coordinator_title_admin", "advert", "docx", 1, (),
      "hard: title Project Coordinator, but duties are calls, diaries, minutes, filing, "
      "supplies under supervision; no experience necessary; £23,500",
      font="Calibri", heading="caps"),
    S("ad13_fitout_coordinator_pmp", "advert", "pdf", 2, (),
      "hard: generic title 'Coordinator'; single point of contact, several small fit-out "
      "projects, milestones, scheduling trades; 'PMP' = project management plan, not the PMI cert",
      font="Times-Roman", heading="caps"),
    S("ad14_delivery_pm", "advert", "txt", 0, ("prince2-practitioner",),
      "hard: delivery Project Manager advert (owns budget, team, own project boards) with "
      "PRINCE2 Practitioner essential; the PMO is only mentioned as a supporting team"),
    S("ad15_us_project_coordinator", "advert", "txt", 2, ("capm",),
      "US Project Coordinator, $58,000–$66,000: single point of contact, 6-10 parallel "
      "installs, schedules, crew scheduling, deliverables; CAPM preferred"),
)


# --------------------------------------------------------------------------- markup

@dataclass
class Block:
    kind: str                      # title subtitle h2 h3 bullet para table
    text: str = ""
    rows: list = field(default_factory=list)   # table: [(cells, nested_rows)]


def split_cells(line: str, prefix: str) -> list[str]:
    body = line[len(prefix):].strip()
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split(" | ")]


def parse_markup(text: str) -> dict[str, list[Block]]:
    """Parse the .md markup into named sections of blocks."""
    sections: dict[str, list[Block]] = {}
    current = sections.setdefault("body", [])
    for raw in text.splitlines():
        line = raw.rstrip()
        m = re.fullmatch(r"\[\[(\w+)\]\]", line.strip())
        if m:
            current = sections.setdefault(m.group(1), [])
            continue
        if not line.strip():
            continue
        if line.startswith("|| "):
            current[-1].rows[-1][1].append(split_cells(line, "||"))
        elif line.startswith("| "):
            if not current or current[-1].kind != "table":
                current.append(Block("table"))
            current[-1].rows.append((split_cells(line, "|"), []))
        elif line.startswith("= "):
            current.append(Block("title", line[2:].strip()))
        elif line.startswith("~ "):
            current.append(Block("subtitle", line[2:].strip()))
        elif line.startswith("### "):
            current.append(Block("h3", line[4:].strip()))
        elif line.startswith("## "):
            current.append(Block("h2", line[3:].strip()))
        elif line.startswith("- "):
            current.append(Block("bullet", line[2:].strip()))
        else:
            current.append(Block("para", line.strip()))
    return sections


# --------------------------------------------------------------------------- txt

def render_txt(sample: Sample, source: str) -> bytes:
    text = source.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    text = text.replace("\n", sample.newline)
    if sample.encoding == "utf-8":
        return text.encode("utf-8")
    if sample.encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")       # BOM + little-endian
    if sample.encoding == "cp1252":
        return text.encode("cp1252")
    if sample.encoding == "mojibake":
        # UTF-8 bytes misread as Windows-1252, then saved again as UTF-8.
        return text.encode("utf-8").decode("cp1252").encode("utf-8")
    raise ValueError(sample.encoding)


def decode_txt(sample: Sample, data: bytes) -> str:
    if sample.encoding == "utf-16":
        return data.decode("utf-16")
    if sample.encoding == "cp1252":
        return data.decode("cp1252")
    return data.decode("utf-8")


# --------------------------------------------------------------------------- docx

def render_docx(sample: Sample, source: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    sections = parse_markup(source)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = sample.font
    normal.font.size = Pt(10.5)
    sec = doc.sections[0]
    if sample.us:
        sec.page_width, sec.page_height = Cm(21.59), Cm(27.94)
    else:
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin = sec.bottom_margin = Cm(1.8)

    accent = RGBColor(0x1F, 0x4E, 0x79)

    def heading(text: str, level: int) -> None:
        if sample.heading == "styled":
            h = doc.add_heading(text, level=level)
            for run in h.runs:
                run.font.name = sample.font
            return
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(10 if level == 1 else 6)
        p.paragraph_format.space_after = Pt(2)
        run = p.add_run(text.upper() if (sample.heading == "caps" and level == 1) else text)
        run.bold = True
        run.font.size = Pt(12 if level == 1 else 10.5)
        if level == 1:
            run.font.color.rgb = accent

    def fill_cell(cell, text: str, bold: bool = False) -> None:
        parts = [p.strip() for p in text.split("<br>")]
        first = cell.paragraphs[0]
        for i, part in enumerate(parts):
            para = first if i == 0 else cell.add_paragraph()
            run = para.add_run(part)
            run.bold = bold

    def add_table(block: Block) -> None:
        ncols = max(len(cells) for cells, _ in block.rows)
        table = doc.add_table(rows=len(block.rows), cols=ncols)
        table.style = "Table Grid"
        for r, (cells, nested) in enumerate(block.rows):
            for c, text in enumerate(cells):
                fill_cell(table.cell(r, c), text, bold=(r == 0))
            if nested:
                host = table.cell(r, len(cells) - 1)
                ncol_n = max(len(n) for n in nested)
                inner = host.add_table(rows=len(nested), cols=ncol_n)
                inner.style = "Table Grid"
                for nr, ncells in enumerate(nested):
                    for nc, ntext in enumerate(ncells):
                        fill_cell(inner.cell(nr, nc), ntext, bold=(nr == 0))
                host.add_paragraph()          # Word needs a paragraph after a nested table
        doc.add_paragraph()

    for block in sections.get("body", []):
        if block.kind == "title":
            p = doc.add_paragraph()
            run = p.add_run(block.text)
            run.bold = True
            run.font.size = Pt(20)
            run.font.color.rgb = accent
        elif block.kind == "subtitle":
            p = doc.add_paragraph(block.text)
            p.paragraph_format.space_after = Pt(2)
        elif block.kind == "h2":
            heading(block.text, 1)
        elif block.kind == "h3":
            heading(block.text, 2)
        elif block.kind == "bullet":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "para":
            doc.add_paragraph(block.text)
        elif block.kind == "table":
            add_table(block)

    header_blocks = sections.get("header", [])
    if header_blocks:
        header = sec.header
        header.is_linked_to_previous = False
        for i, block in enumerate(header_blocks):
            para = header.paragraphs[0] if i == 0 else header.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = para.add_run(block.text)
            if i == 0:
                run.bold = True
                run.font.size = Pt(14)

    title = next((b.text for b in sections.get("body", []) if b.kind == "title"),
                 header_blocks[0].text if header_blocks else sample.stem)[:200]
    cp = doc.core_properties
    cp.author = "cv-matcher samples"
    cp.last_modified_by = "cv-matcher samples"
    cp.title = title
    cp.subject = sample.kind
    cp.comments = ""
    cp.keywords = ""
    cp.revision = 1
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME

    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- pdf

def register_fonts() -> None:
    """Bitstream Vera ships inside reportlab, so output does not depend on system fonts."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))


def pdf_styles(sample: Sample, size: float = 10.0):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = sample.font
    bold = {"Vera": "VeraBd", "Times-Roman": "Times-Bold"}[base]
    accent = colors.HexColor("#1F4E79") if sample.heading == "colour" else colors.black
    lead = size * 1.3
    st = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=size + 10, leading=size + 14,
                                textColor=accent, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", fontName=base, fontSize=size, leading=lead,
                                   spaceAfter=2),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=size + 2, leading=size + 5,
                             textColor=accent, spaceBefore=9, spaceAfter=3),
        "h3": ParagraphStyle("h3", fontName=bold, fontSize=size, leading=lead,
                             spaceBefore=5, spaceAfter=1),
        "para": ParagraphStyle("para", fontName=base, fontSize=size, leading=lead,
                               spaceAfter=2),
        "bullet": ParagraphStyle("bullet", fontName=base, fontSize=size, leading=lead,
                                 leftIndent=12, bulletIndent=2, spaceAfter=1,
                                 bulletFontName=base),
        "cell": ParagraphStyle("cell", fontName=base, fontSize=size - 1, leading=(size - 1) * 1.25),
        "cellb": ParagraphStyle("cellb", fontName=bold, fontSize=size - 1,
                                leading=(size - 1) * 1.25),
    }
    return st, accent


def pdf_flowables(sample: Sample, blocks: list[Block], st, accent, width: float) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable, Paragraph, Table, TableStyle

    def esc(text: str) -> str:
        return escape(text).replace("&lt;br&gt;", "<br/>")

    out: list = []
    for block in blocks:
        if block.kind == "title":
            out.append(Paragraph(esc(block.text), st["title"]))
        elif block.kind == "subtitle":
            out.append(Paragraph(esc(block.text), st["subtitle"]))
        elif block.kind == "h2":
            text = block.text.upper() if sample.heading == "caps" else block.text
            out.append(Paragraph(esc(text), st["h2"]))
            if sample.heading in ("rule", "colour"):
                out.append(HRFlowable(width="100%", thickness=0.6, color=accent,
                                      spaceBefore=0, spaceAfter=3))
        elif block.kind == "h3":
            out.append(Paragraph(esc(block.text), st["h3"]))
        elif block.kind == "bullet":
            # The base-14 Times font has no ToUnicode map for U+2022, so pdfminer would
            # give "(cid:127)"; the embedded Vera TTF maps it properly.
            mark = "•" if sample.font == "Vera" else "–"
            out.append(Paragraph(esc(block.text), st["bullet"], bulletText=mark))
        elif block.kind == "para":
            out.append(Paragraph(esc(block.text), st["para"]))
        elif block.kind == "table":
            data = []
            for r, (cells, _nested) in enumerate(block.rows):
                data.append([Paragraph(esc(c), st["cellb" if r == 0 else "cell"]) for c in cells])
            ncols = max(len(r) for r in data)
            t = Table(data, colWidths=[width / ncols] * ncols)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out.append(t)
    return out


def render_pdf(sample: Sample, source: str) -> bytes:
    from reportlab.lib.pagesizes import A4, letter
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak, PageTemplate,
                                    SimpleDocTemplate)

    sections = parse_markup(source)
    pagesize = letter if sample.us else A4
    pw, ph = pagesize
    margin = 18 * mm
    buf = io.BytesIO()
    body = sections.get("body", []) + sections.get("main", [])
    title_block = next((b for b in body if b.kind == "title"), None)
    meta = dict(title=title_block.text if title_block else sample.stem,
                author="cv-matcher samples", subject=sample.kind, creator="cv-matcher samples",
                invariant=1)

    if sample.layout == "two_column":
        st, accent = pdf_styles(sample, size=9.0)
        side_w = 55 * mm
        gap = 8 * mm
        frame_h = ph - 2 * margin
        left = Frame(margin, margin, side_w, frame_h, id="sidebar",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        right_x = margin + side_w + gap
        right_w = pw - margin - right_x
        right = Frame(right_x, margin, right_w, frame_h, id="main",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

        def shade(canv, _doc):
            canv.saveState()
            canv.setFillColorRGB(0.93, 0.95, 0.98)
            canv.rect(margin - 4 * mm, 0, side_w + 8 * mm, ph, stroke=0, fill=1)
            canv.restoreState()

        doc = BaseDocTemplate(buf, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                              topMargin=margin, bottomMargin=margin, **meta)
        doc.addPageTemplates([PageTemplate(id="twocol", frames=[left, right], onPage=shade)])
        story = pdf_flowables(sample, sections["sidebar"], st, accent, side_w)
        story.append(FrameBreak())
        story += pdf_flowables(sample, sections["main"], st, accent, right_w)
        doc.build(story)
        return buf.getvalue()

    if sample.layout == "two_page":
        st, accent = pdf_styles(sample, size=10.5)

        class NumberedCanvas(rl_canvas.Canvas):
            """Defers page output so the footer can say 'Page n of N'."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._saved_pages: list[dict] = []

            def showPage(self):
                self._saved_pages.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._saved_pages)
                for state in self._saved_pages:
                    self.__dict__.update(state)
                    self._draw_header_footer(total)
                    super().showPage()
                super().save()

            def _draw_header_footer(self, total: int) -> None:
                self.saveState()
                self.setFont(sample.font, 8.5)
                self.drawRightString(pw - margin, ph - 12 * mm, REPEATED_HEADER_TEXT)
                self.setLineWidth(0.4)
                self.line(margin, ph - 13.5 * mm, pw - margin, ph - 13.5 * mm)
                self.drawCentredString(pw / 2, 10 * mm, REPEATED_FOOTER_TEXT.format(
                    page=self._pageNumber, total=total))
                self.restoreState()

        doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                                topMargin=margin + 4 * mm, bottomMargin=margin, **meta)
        doc.build(pdf_flowables(sample, body, st, accent, pw - 2 * margin),
                  canvasmaker=NumberedCanvas)
        return buf.getvalue()

    st, accent = pdf_styles(sample, size=9.5)
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, **meta)
    doc.build(pdf_flowables(sample, body, st, accent, pw - 2 * margin))
    return buf.getvalue()


# --------------------------------------------------------------------------- driver

def source_path(sample: Sample) -> Path:
    ext = "txt" if sample.fmt == "txt" else "md"
    return SRC_DIRS[sample.kind] / f"{sample.stem}.{ext}"


def render(sample: Sample) -> bytes:
    source = source_path(sample).read_text(encoding="utf-8")
    if sample.fmt == "txt":
        return render_txt(sample, source)
    if sample.fmt == "docx":
        return render_docx(sample, source)
    return render_pdf(sample, source)


def write_labels(kind: str, samples: list[Sample]) -> None:
    path = OUT_DIRS[kind] / "labels.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "kind", "rank", "certifications", "note"])
        for s in sorted(samples, key=lambda s: s.file):
            w.writerow([s.file, s.kind, s.rank, ";".join(s.certs), s.note])


def generate() -> None:
    for kind, out_dir in OUT_DIRS.items():
        out_dir.mkdir(parents=True, exist_ok=True)
        wanted = {s.file for s in SAMPLES if s.kind == kind} | {"labels.csv"}
        for old in out_dir.iterdir():      # drop stale samples from earlier runs
            if old.is_file() and old.suffix in {".txt", ".docx", ".pdf", ".csv"} \
                    and old.name not in wanted:
                old.unlink()
    for s in SAMPLES:
        (OUT_DIRS[s.kind] / s.file).write_bytes(render(s))
    for kind in OUT_DIRS:
        write_labels(kind, [s for s in SAMPLES if s.kind == kind])


# --------------------------------------------------------------------------- verify

def docx_text(path: Path) -> tuple[str, str]:
    """(header text, body text incl. tables and nested tables)."""
    from docx import Document

    doc = Document(str(path))

    def table_lines(table) -> list[str]:
        lines = []
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
                for inner in cell.tables:
                    lines += table_lines(inner)
        return lines

    body = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        body += table_lines(t)
    header = []
    for sec in doc.sections:
        header += [p.text for p in sec.header.paragraphs]
    return "\n".join(header), "\n".join(body)


def verify() -> int:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfpage import PDFPage

    problems: list[str] = []
    known = set(CERT_IDS)
    for s in SAMPLES:
        path = OUT_DIRS[s.kind] / s.file
        data = path.read_bytes()
        if s.fmt == "txt":
            text = decode_txt(s, data)
        elif s.fmt == "pdf":
            text = extract_text(str(path))
        else:
            header, body = docx_text(path)
            text = header + "\n" + body
        words = len(text.split())
        lo, hi = (300, 900) if s.kind == "cv" else (150, 500)
        if not lo <= words <= hi:
            problems.append(f"{s.file}: {words} words, outside {lo}-{hi}")
        bad = [c for c in s.certs if c not in known]
        if bad:
            problems.append(f"{s.file}: unknown certification ids {bad}")
        extra = ""
        if s.fmt == "pdf":
            with path.open("rb") as fh:
                pages = sum(1 for _ in PDFPage.get_pages(fh))
            extra = f"{pages}p"
            if s.layout == "two_page":
                if pages != 2:
                    problems.append(f"{s.file}: expected 2 pages, got {pages}")
                per_page = [extract_text(str(path), page_numbers=[i]) for i in range(pages)]
                for i, ptxt in enumerate(per_page, 1):
                    if REPEATED_HEADER_TEXT not in ptxt or \
                            REPEATED_FOOTER_TEXT.format(page=i, total=pages) not in ptxt:
                        problems.append(f"{s.file}: header/footer missing on page {i}")
            elif pages != 1 and s.layout == "two_column":
                problems.append(f"{s.file}: two-column CV must fit on one page ({pages})")
            if s.layout == "two_column":
                flat = " ".join(text.split())
                pos_l = [flat.find(p) for p in TWO_COLUMN_LEFT_PHRASES]
                pos_r = [flat.find(p) for p in TWO_COLUMN_RIGHT_PHRASES]
                if -1 in pos_l + pos_r:
                    problems.append(f"{s.file}: column phrase missing {pos_l} {pos_r}")
                else:
                    ordered = pos_l == sorted(pos_l) and pos_r == sorted(pos_r)
                    apart = max(pos_l) < min(pos_r) or max(pos_r) < min(pos_l)
                    extra += f" columns {'separate' if apart and ordered else 'INTERLEAVED'}"
        if s.fmt == "docx" and s.file == HEADER_CONTACT_FILE:
            header, body = docx_text(path)
            for item in HEADER_CONTACT_TEXT:
                if item not in header:
                    problems.append(f"{s.file}: '{item}' not in header")
                if item in body:
                    problems.append(f"{s.file}: '{item}' leaked into body")
            extra = "header ok"
        if s.encoding == "utf-16" and not data.startswith(b"\xff\xfe"):
            problems.append(f"{s.file}: no UTF-16 BOM")
        if s.encoding == "cp1252":
            try:
                data.decode("utf-8")
                problems.append(f"{s.file}: cp1252 file is also valid UTF-8")
            except UnicodeDecodeError:
                pass
        if s.encoding == "mojibake" and ("â€¢" not in text or "Â£" not in text):
            problems.append(f"{s.file}: mojibake markers missing")
        print(f"{s.file:45s} {s.kind:6s} rank {s.rank} {s.fmt:4s} {words:4d} words {extra}")
    n_hard = sum(s.note.startswith("hard:") for s in SAMPLES)
    print(f"{len(SAMPLES)} samples, {n_hard} hard cases")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


CERT_IDS = (
    "apm-pfq", "apm-pmq", "apm-ppq", "apm-chpp", "prince2-foundation", "prince2-practitioner",
    "prince2-agile", "msp-foundation", "msp-practitioner", "msp", "p3o-foundation",
    "p3o-practitioner", "bcs-ppso", "ppso-advanced", "pmp", "capm", "pgmp", "pfmp",
    "pmi-pmocp", "pmi-acp", "mop", "mor", "agilepm", "scrum-master", "itil", "lean-six-sigma",
    "ipma-d", "ipma-c", "ipma-b", "ipma-a", "bcs-pm-foundation", "comptia-project-plus",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", action="store_true", help="re-read every file and check it")
    args = ap.parse_args(argv)
    generate()
    print(f"wrote {len(SAMPLES)} samples to {OUT_DIRS['cv'].name}/ and {OUT_DIRS['advert'].name}/")
    return verify() if args.verify else 0


if __name__ == "__main__":
    sys.exit(main())
