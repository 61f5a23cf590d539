"""Builders for the formats cv-matcher reads besides PDF, DOCX and text: RTF, ODT, HTML, images
and image-only PDFs (scans). Everything is made here at test time from our own text; only the
Word 97 .doc files in tests/data/ were made once (by LibreOffice, from sample_cvs/*.docx).

A document is given as lines: a line starting with '• ' is a list item, consecutive lines holding
' | ' are the rows of a table, any other line is a paragraph.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from html import escape as html_escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

DATA = Path(__file__).resolve().parent / "data"
BULLET = "• "


def blocks(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """('p', [line]) | ('li', [line]) | ('table', rows) in order."""
    table: list[str] = []
    for line in lines:
        if " | " in line:
            table.append(line)
            continue
        if table:
            yield "table", table
            table = []
        if line.startswith(BULLET):
            yield "li", [line[len(BULLET):]]
        elif line.strip():
            yield "p", [line]
    if table:
        yield "table", table


# --- RTF -------------------------------------------------------------------------------------------


def rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\u{code if code < 32768 else code - 65536}?")
    return "".join(out)


def rtf_of(lines: list[str], *, hidden: str = "", header: str = "") -> bytes:
    """An RTF document (as Word writes it: font table, \\pard paragraphs, \\trowd tables); `hidden`
    is a paragraph of hidden text (\\v) after the first line."""
    out = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}}"
           r"{\colortbl;\red0\green0\blue0;}{\*\generator cv-matcher tests;}{\info{\title CV}}\f0\fs22 "]
    if header:
        out.append(r"{\header\pard " + rtf_escape(header) + r"\par}")
    for i, (kind, content) in enumerate(blocks(lines)):
        if kind == "p":
            out.append(r"\pard " + rtf_escape(content[0]) + r"\par" + "\n")
        elif kind == "li":
            out.append(r"\pard{\pntext\bullet\tab}\fi-360\li720 " + rtf_escape(content[0]) + r"\par" + "\n")
        else:
            for row in content:
                cells = row.split(" | ")
                out.append(r"\trowd" + "".join(rf"\cellx{2400 * (n + 1)}" for n in range(len(cells))) + " ")
                out.append("".join(r"\pard\intbl " + rtf_escape(c) + r"\cell " for c in cells) + r"\row" + "\n")
            out.append(r"\pard" + "\n")
        if i == 0 and hidden:
            out.append(r"\pard{\v " + rtf_escape(hidden) + r"\par}" + "\n")
    out.append("}")
    return "".join(out).encode("ascii")


# --- ODT -------------------------------------------------------------------------------------------

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"')
MIMETYPE = "application/vnd.oasis.opendocument.text"
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')
HIDDEN_STYLE = ('<style:style style:name="Hidden" style:family="text"><style:text-properties text:display="none"/>'
                '</style:style><style:style style:name="P9" style:family="paragraph" style:parent-style-name="HiddenPara"/>'
                '<style:style style:name="HiddenPara" style:family="paragraph"><style:text-properties text:display="none"/>'
                '</style:style>')


def odt_body(lines: list[str]) -> str:
    out = []
    for kind, content in blocks(lines):
        if kind == "p":
            out.append(f"<text:p>{xml_escape(content[0])}</text:p>")
        elif kind == "li":
            out.append(f"<text:list><text:list-item><text:p>{xml_escape(content[0])}</text:p></text:list-item></text:list>")
        else:
            rows = "".join("<table:table-row>" + "".join(f"<table:table-cell><text:p>{xml_escape(c)}</text:p></table:table-cell>"
                                                        for c in row.split(" | ")) + "</table:table-row>" for row in content)
            out.append(f'<table:table table:name="T"><table:table-column/>{rows}</table:table>')
    return "".join(out)


def odt_package(body: str, *, header: str = "", footer: str = "", extra_styles: str = HIDDEN_STYLE,
                content_prologue: str = "", manifest: str = MANIFEST, members: dict[str, bytes] | None = None) -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{content_prologue}<office:document-content {ODT_NS}>'
               f"<office:automatic-styles>{extra_styles}</office:automatic-styles>"
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    page = ""
    if header or footer:
        page = ('<office:master-styles><style:master-page style:name="Standard">'
                + (f"<style:header><text:p>{xml_escape(header)}</text:p></style:header>" if header else "")
                + (f"<style:footer><text:p>{xml_escape(footer)}</text:p></style:footer>" if footer else "")
                + "</style:master-page></office:master-styles>")
    styles = f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODT_NS}>{page}</office:document-styles>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)  # first and stored, as the standard asks
        z.writestr("content.xml", content)
        z.writestr("styles.xml", styles)
        z.writestr("META-INF/manifest.xml", manifest)
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def odt_of(lines: list[str], *, hidden: str = "") -> bytes:
    body = odt_body(lines)
    if hidden:
        body += f'<text:p><text:span text:style-name="Hidden">{xml_escape(hidden)}</text:span></text:p>'
    return odt_package(body)


# --- HTML ------------------------------------------------------------------------------------------


def html_of(lines: list[str], *, hidden: str = "") -> bytes:
    """A page as a CV builder exports it: the name a heading, a style sheet, a script, tables."""
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>CV</title>'
           "<style>body{font-family:sans-serif}.gone{display:none}</style><script>var cv = 'PRINCE2';</script></head><body>"]
    for i, (kind, content) in enumerate(blocks(lines)):
        if kind == "p":
            tag = "h1" if i == 0 else "p"
            out.append(f"<{tag}>{html_escape(content[0])}</{tag}>")
        elif kind == "li":
            out.append(f"<ul><li>{html_escape(content[0])}</li></ul>")
        else:
            out.append("<table>" + "".join("<tr>" + "".join(f"<td>{html_escape(c)}</td>" for c in row.split(" | "))
                                           + "</tr>" for row in content) + "</table>")
        if i == 0 and hidden:
            out.append(f'<div class="gone">{html_escape(hidden)}</div>')
    out.append("</body></html>")
    return "\n".join(out).encode("utf-8")


# --- scans ----------------------------------------------------------------------------------------


def scan_images(pdf: Path | bytes, dpi: int = 200, *, speckle: float = 0.0, angle: float = 0.0) -> list[object]:
    """The pages of a PDF as a scanner gives them: grey, at `dpi`, turned by `angle` degrees,
    with a share `speckle` of the pixels set black at random."""
    import random

    import pypdfium2 as pdfium
    from PIL import Image

    document = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    out = []
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            if angle:
                image = image.rotate(angle, fillcolor=255, resample=Image.BICUBIC)
            if speckle:
                rnd = random.Random(1)
                pixels = image.load()
                width, height = image.size
                for _ in range(int(width * height * speckle)):
                    pixels[rnd.randrange(width), rnd.randrange(height)] = 0
            out.append(image)
    finally:
        document.close()
    return out


def image_bytes(image: object, fmt: str) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt)  # type: ignore[attr-defined]
    return buf.getvalue()


def image_pdf(images: list[object], dpi: int = 200) -> bytes:
    """A PDF whose pages are only images (what a scanner writes)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for image in images:
        width, height = image.size[0] * 72 / dpi, image.size[1] * 72 / dpi  # type: ignore[attr-defined]
        c.setPageSize((width, height))
        c.drawImage(ImageReader(image), 0, 0, width, height)
        c.showPage()
    c.save()
    return buf.getvalue()
