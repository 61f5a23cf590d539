"""A corpus of hostile and broken inputs, generated (no binaries are checked in).

    .venv/bin/python tests/bad_inputs.py OUTDIR     # write every entry into OUTDIR

`build(folder)` writes each entry and returns {name: path}; EXPECTED says what reading each one
must do (an error class, or "read" with a fragment of the text). tests/test_hostile.py checks
every entry through the reader and the CLI; the README's "Reliability" table lists them.

Everything is built from code in well under a few seconds: PDFs by hand (so the structure is
exactly the hostile one) or with reportlab, DOCX packages with zipfile (and a hand-written zip
for the bomb, whose member inflates to 2 GiB but is stored as 2 MB of deflate blocks).
"""
from __future__ import annotations

import io
import os
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from cv_matcher.errors import (
    DocumentReadError,
    EmptyDocumentError,
    EncryptedDocumentError,
    LimitExceededError,
    NoTextLayerError,
    UnsupportedFormatError,
)

CV_LINES = [
    "Jane Smith",
    "Profile",
    "PMO analyst with five years of consolidated reporting across a portfolio of projects.",
    "Experience",
    "PMO Analyst, Acme Ltd, 2019 - 2024: RAID log, change control, highlight reports.",
    "Skills: MS Project, Power BI, stakeholder management",
]
CV_TEXT = "\n".join(CV_LINES) + "\n"
READ_FRAGMENT = "consolidated reporting"  # what a correct read must contain

SECRET_FILE = "/etc/hostname"  # what the XXE entries point at; its content must never surface
HUGE_TEXT_BYTES = 200 * 1024 * 1024
MANY_PAGES = 5000
NESTING = 10_000
BOMB_GIB = 2
ODD_NAME = b"cv-\xff\xfe-odd\x1b[31m-name\n.txt"  # not UTF-8, an escape sequence and a newline


# --- PDF -----------------------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies (object n is objects[n-1]) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer_extra, xref)
    return bytes(out)


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), extra, content)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_content(lines: list[str]) -> bytes:
    ops = [b"BT /F1 10 Tf 14 TL 72 780 Td"]
    for line in lines:
        escaped = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(%s) Tj T*" % escaped)
    ops.append(b"ET")
    return b"\n".join(ops)


def simple_pdf(lines: list[str] | None = None) -> bytes:
    """One A4 page of Helvetica text: catalog 1, pages 2, page 3, contents 4, font 5."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        stream(text_content(lines or CV_LINES)),
        FONT,
    ])


def reportlab_pdf(encrypt: object | None = None, image_only: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    if image_only:
        from PIL import Image, ImageDraw
        from reportlab.lib.utils import ImageReader

        scan = Image.new("L", (600, 200), 255)
        ImageDraw.Draw(scan).text((10, 10), "\n".join(CV_LINES), fill=0)  # text as pixels only
        c.drawImage(ImageReader(scan), 40, 500, 500, 170)
    else:
        c.setFont("Helvetica", 10)
        for i, line in enumerate(CV_LINES):
            c.drawString(72, 780 - 14 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return reportlab_pdf(encrypt=StandardEncryption(user_password, ownerPassword="owner-secret", canCopy=0))


def truncated_pdf() -> bytes:
    data = reportlab_pdf()
    return data[: len(data) // 2]


def broken_xref_pdf() -> bytes:
    """Every xref offset points to the wrong place and startxref points into the middle of an
    object: a reader must rebuild the table by scanning (pdfminer and pdfium both do)."""
    data = simple_pdf()
    head, _, tail = data.partition(b"xref\n")
    table, _, trailer = tail.partition(b"trailer")
    broken = b"".join(b"%010d 00000 n \n" % (17 * i + 3) for i in range(len(table.splitlines()) - 2))
    trailer = trailer.replace(b"startxref\n%d" % len(head), b"startxref\n%d" % (len(head) // 2))
    return head + b"xref\n0 6\n0000000000 65535 f \n" + broken + b"trailer" + trailer


def many_pages_pdf(count: int = MANY_PAGES) -> bytes:
    """`count` pages of one line each (about 100 bytes a page), in a flat page tree."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d /Resources << /Font << /F1 3 0 R >> >> >>" % (kids, count),
        FONT,
    ]
    contents = first_page + count
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % contents] * count
    objects.append(stream(text_content(["Page after page of project support officer experience."])))
    return raw_pdf(objects)


def deep_arrays_pdf(depth: int = NESTING) -> bytes:
    """Arrays nested `depth` deep in the page dictionary and as a TJ operand in the contents."""
    nested = b"[" * depth + b"1" + b"]" * depth
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Deep %s"
        b" /Resources << /Font << /F1 5 0 R >> >> >>" % nested,
        stream(text_content(CV_LINES) + b"\nBT /F1 10 Tf " + nested + b" TJ ET"),
        FONT,
    ])


def reference_chain_pdf(depth: int = NESTING) -> bytes:
    """A page tree `depth` levels deep (each /Pages node's only kid is the next one), and a
    /Contents reached through `depth` indirect references each pointing at the next."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    first_node = 2
    page = first_node + depth
    for i in range(depth):
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (first_node + i + 1))
    chain_start = page + 1
    objects.append(b"<< /Type /Page /MediaBox [0 0 595 842] /Contents %d 0 R"
                   b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (chain_start, chain_start + depth + 1))
    objects += [b"%d 0 R" % (chain_start + i + 1) for i in range(depth)]
    objects.append(stream(text_content(CV_LINES)))
    objects.append(FONT)
    return raw_pdf(objects)


def flate_bomb_pdf(gib: int = 1) -> bytes:
    """A one-page PDF whose content stream is 1 MB of deflate inflating to `gib` GiB of spaces."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        stream(_deflate_of_spaces(gib << 30, zlib_header=True), b"/Filter /FlateDecode "),
        FONT,
    ])


def deflated_page_pdf(content: bytes) -> bytes:
    """A one-page PDF with font F1 whose content stream is `content`, deflated."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        stream(zlib.compress(content, 9), b"/Filter /FlateDecode "),
        FONT,
    ])


def glyph_flood_pdf(glyphs: int = 2_000_000) -> bytes:
    """A 10 KB PDF whose one page draws `glyphs` characters (its content stream is deflated)."""
    content = b"BT /F1 1 Tf 0 0 Td " + b"(PMO ) Tj " * (glyphs // 4) + b"ET"
    return deflated_page_pdf(content)


def stacked_lines_pdf(lines: int = 2000) -> bytes:
    """A 1 KB PDF drawing the same line of text `lines` times on the same spot: pdfminer's
    grouping of lines into boxes is cubic in lines that neighbour each other (7 minutes)."""
    content = b"BT /F1 10 Tf 72 700 Td " + b"(PMO analyst reporting) Tj 0 0 Td " * lines + b"ET"
    return deflated_page_pdf(content)


def scattered_glyphs_pdf(glyphs: int = 520) -> bytes:
    """A 1 KB PDF placing each glyph of "PMO analyst" on its own, down a diagonal: every glyph is
    a line of its own, and ordering lines into columns is quadratic in them (3,000 took 20 s).
    The glyphs are 2.5 pt, just big enough to be seen (smaller ones are hidden text, left out)."""
    word = b"PMOanalyst"
    content = b"BT /F1 2.5 Tf 1 815 Td " + b"".join(
        b"(%s) Tj 0.3 -1.55 Td " % word[i % len(word):i % len(word) + 1] for i in range(glyphs)) + b"ET"
    return deflated_page_pdf(content)


def recursive_form_pdf() -> bytes:
    """A Form XObject that draws itself: rendering it never ends unless something stops it."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> >>",
        stream(text_content(CV_LINES) + b"\n/X Do"),
        FONT,
        stream(b"BT /F1 10 Tf (loop) Tj ET /X Do",
               b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X 6 0 R >> >> "),
    ])


def form_laughs_pdf(levels: int = 9, fanout: int = 10) -> bytes:
    """Form XObjects each drawing the next one `fanout` times, `levels` deep: a 2 KB file whose
    page would interpret 10^9 forms (the "billion laughs" of drawing; none is circular)."""
    first_form = 6
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /X %d 0 R >> >> >>" % first_form,
        stream(text_content(CV_LINES) + b"\n/X Do"),
        FONT,
    ]
    for level in range(levels):
        last = level == levels - 1
        body = b"q 1 0 0 1 0 0 cm Q " if last else b"/X Do " * fanout
        resources = b"" if last else b"/Resources << /XObject << /X %d 0 R >> >> " % (first_form + level + 1)
        objects.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] " + resources))
    return raw_pdf(objects)


# --- DOCX ----------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)


def document_xml(body: str, prologue: str = "") -> bytes:
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in body.splitlines())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prologue}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{paragraphs}</w:body></w:document>').encode()


def docx_package(document: bytes | None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal valid DOCX (content types, relationships, document) with `document` as its
    word/document.xml (None leaves it out)."""
    members = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS}
    if document is not None:
        members["word/document.xml"] = document
    members.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def xxe_docx(secret: str = SECRET_FILE) -> bytes:
    prologue = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    return docx_package(document_xml(CV_TEXT + "Leak: &xxe;", prologue))


def xxe_late_doctype_docx(secret: str = SECRET_FILE) -> bytes:
    """The DOCTYPE after 64 KB of comments, and the whole part in UTF-16: a scan of the first
    few bytes for '<!DOCTYPE' misses it."""
    prologue = "<!-- padding -->\n" * 4000 + f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    xml = document_xml(CV_TEXT + "Leak: &xxe;", prologue).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return docx_package(xml.encode("utf-16"))


def billion_laughs_docx(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    prologue = f"<!DOCTYPE w:document [{''.join(entities)}]>\n"
    return docx_package(document_xml(CV_TEXT + f"&lol{levels - 1};", prologue))


def xml_flood_docx(megabytes: int = 20) -> bytes:
    """A 30 KB DOCX whose document.xml is `megabytes` MB of empty paragraphs: inside the zip-bomb
    limit, but python-docx's tree of it would take about 25 times that in memory."""
    flood = "<w:p/>" * (megabytes * 1024 * 1024 // 6)
    return docx_package(document_xml(CV_TEXT).replace(b"</w:body>", flood.encode() + b"</w:body>"))


def many_members_docx(count: int = 12_000) -> bytes:
    """A valid DOCX plus `count` tiny XML members: each costs zipfile and the checks time."""
    return docx_package(document_xml(CV_TEXT), {f"customXml/item{i}.xml": b"<a/>" for i in range(count)})


def _deflate_of_spaces(size: int, *, zlib_header: bool = False) -> bytes:
    """Deflate data for `size` spaces (size a multiple of 1 MiB), built from one repeated block:
    a full flush makes every 1 MiB block compress to the same bytes."""
    chunk = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, 15 if zlib_header else -15)
    first = compressor.compress(b" " * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b" " * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    if zlib_header:  # the adler32 trailer of the whole data
        adler = 1
        for _ in range(size // chunk):
            adler = zlib.adler32(b" " * chunk, adler)
        tail = tail[:-4] + struct.pack(">I", adler)
    return first + block * (size // chunk - 1) + tail


def zip_bomb_docx(gib: int = BOMB_GIB) -> bytes:
    """A DOCX whose word/document.xml inflates to `gib` GiB (2 MB on disk): a hand-written zip,
    since zipfile would have to deflate the gigabytes itself."""
    size = gib << 30
    data = _deflate_of_spaces(size)
    crc = 0
    space = b" " * (1 << 20)
    for _ in range(size >> 20):
        crc = zlib.crc32(space, crc)
    members = [("[Content_Types].xml", zlib.crc32(CONTENT_TYPES), len(CONTENT_TYPES), CONTENT_TYPES, 0),
               ("_rels/.rels", zlib.crc32(ROOT_RELS), len(ROOT_RELS), ROOT_RELS, 0),
               ("word/document.xml", crc, size, data, 8)]
    out = bytearray()
    central = bytearray()
    for name, crc32, raw_size, payload, method in members:
        offset = len(out)
        encoded = name.encode()
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc32, len(payload), raw_size,
                           len(encoded), 0) + encoded + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc32, len(payload),
                               raw_size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


# --- the corpus ----------------------------------------------------------------------------------

READ = "read"  # EXPECTED value for an input that must be read correctly

# name -> (what reading it must do, a fragment of the one-line message, or of the text when read)
EXPECTED: dict[str, tuple[type[Exception] | str, str]] = {
    "truncated.pdf": (DocumentReadError, "not a valid PDF (truncated or corrupt)"),
    "broken_xref.pdf": (READ, READ_FRAGMENT),
    "encrypted_password.pdf": (EncryptedDocumentError, "PDF is password-protected"),
    "encrypted_empty_password.pdf": (READ, READ_FRAGMENT),
    "image_only.pdf": (NoTextLayerError, "no text layer"),
    "many_pages.pdf": (LimitExceededError, "page count is 5,000, over the 50 limit"),
    "deep_arrays.pdf": (READ, READ_FRAGMENT),
    "reference_chain.pdf": (DocumentReadError, "cannot read PDF: structure nested too deeply"),
    "flate_bomb.pdf": (LimitExceededError, "decoded PDF stream data is over the 64.0 MB limit"),
    "glyph_flood.pdf": (LimitExceededError, "glyphs and shapes drawn is over the 500,000 limit"),
    "recursive_form.pdf": (READ, READ_FRAGMENT),
    "stacked_lines.pdf": (DocumentReadError, "PDF too dense to lay out"),
    "scattered_glyphs.pdf": (READ, "P\nM\nO\na\nn\n"),
    "form_laughs.pdf": (LimitExceededError, "over the 8.0 MB limit (max_pdf_content_bytes"),
    "not_a_zip.docx": (DocumentReadError, "not a DOCX: not a zip archive"),
    "no_document_xml.docx": (DocumentReadError, "not a DOCX: the zip has no word/document.xml"),
    "xxe.docx": (DocumentReadError, "DOCX XML declares a DOCTYPE (entities refused): word/document.xml"),
    "xxe_late_doctype.docx": (DocumentReadError, "DOCX XML declares a DOCTYPE (entities refused): word/document.xml"),
    "billion_laughs.docx": (DocumentReadError, "DOCX XML declares a DOCTYPE (entities refused): word/document.xml"),
    "zip_bomb.docx": (LimitExceededError, "uncompressed size is 2048.0 MB, over the 100.0 MB limit"),
    "xml_flood.docx": (LimitExceededError, "XML size is 20.0 MB, over the 16.0 MB limit"),
    "many_members.docx": (DocumentReadError, "not a DOCX: 12,003 zip members"),
    "binary.txt": (DocumentReadError, "binary data, not text"),
    "utf16_no_bom.txt": (READ, READ_FRAGMENT),
    "empty.txt": (EmptyDocumentError, "no usable text"),
    "huge.txt": (LimitExceededError, "file size is 200.0 MB, over the 20.0 MB limit"),
    "cv.pdf": (DocumentReadError, "is a directory, not a file"),
    "odd_name": (EmptyDocumentError, "no usable text"),
    "device.txt": (DocumentReadError, "not a regular file"),
    "letter_run.txt": (READ, READ_FRAGMENT),
    "pound_run.txt": (READ, READ_FRAGMENT),
    "=HYPERLINK(x)+cmd.txt": (READ, READ_FRAGMENT),
    "cv-\u202etxt.exe\u200b.txt": (READ, READ_FRAGMENT),
    "fifo.txt": (DocumentReadError, "not a regular file"),
    "sparse.txt": (LimitExceededError, "file size is 20480.0 MB, over the 20.0 MB limit"),
}

# Where pdfium (--pdf-engine pdfium) ends differently: it drops characters drawn exactly over
# identical ones, so the stacked lines leave one line of text, too little to count as a text layer.
PDFIUM_EXPECTED: dict[str, type[Exception] | str] = {"stacked_lines.pdf": NoTextLayerError}


def build(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """Write every corpus entry into `folder`; return {name: path}. The odd-name entry's path has
    non-UTF-8 bytes (surrogate-escaped in the str, as Python does for such names)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    contents: dict[str, bytes] = {
        "truncated.pdf": truncated_pdf(),
        "broken_xref.pdf": broken_xref_pdf(),
        "encrypted_password.pdf": encrypted_pdf("user-secret"),
        "encrypted_empty_password.pdf": encrypted_pdf(""),
        "image_only.pdf": reportlab_pdf(image_only=True),
        "many_pages.pdf": many_pages_pdf(),
        "deep_arrays.pdf": deep_arrays_pdf(),
        "reference_chain.pdf": reference_chain_pdf(),
        "flate_bomb.pdf": flate_bomb_pdf(),
        "glyph_flood.pdf": glyph_flood_pdf(),
        "recursive_form.pdf": recursive_form_pdf(),
        "stacked_lines.pdf": stacked_lines_pdf(),
        "scattered_glyphs.pdf": scattered_glyphs_pdf(),
        "form_laughs.pdf": form_laughs_pdf(),
        "not_a_zip.docx": b"PK\x03\x04 this is not a zip archive, just a name and four bytes",
        "no_document_xml.docx": docx_package(None, {"word/other.xml": document_xml(CV_TEXT)}),
        "xxe.docx": xxe_docx(),
        "xxe_late_doctype.docx": xxe_late_doctype_docx(),
        "billion_laughs.docx": billion_laughs_docx(),
        "zip_bomb.docx": zip_bomb_docx(),
        "xml_flood.docx": xml_flood_docx(),
        "many_members.docx": many_members_docx(),
        "binary.txt": bytes(range(256)) * 64,
        "utf16_no_bom.txt": CV_TEXT.encode("utf-16-le"),
        "empty.txt": b"",
        "letter_run.txt": letter_run_txt(),
        "pound_run.txt": pound_run_txt(),
        FORMULA_NAME: CV_TEXT.encode(),
        BIDI_NAME: CV_TEXT.encode(),
    }
    paths = {}
    for name, data in contents.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    huge = folder / "huge.txt"  # sparse: 200 MB long, one block of text on disk
    with huge.open("wb") as out:
        out.write(CV_TEXT.encode())
        out.truncate(HUGE_TEXT_BYTES)
    paths["huge.txt"] = huge
    directory = folder / "cv.pdf"
    directory.mkdir(exist_ok=True)
    paths["cv.pdf"] = directory
    odd = os.path.join(os.fsencode(folder), ODD_NAME)
    with open(odd, "wb"):
        pass
    paths["odd_name"] = Path(os.fsdecode(odd))
    device = folder / "device.txt"  # a name that promises text, pointing at an endless device
    if not device.is_symlink():
        device.symlink_to("/dev/zero")
    paths["device.txt"] = device
    paths["fifo.txt"] = make_fifo(folder / "fifo.txt")
    paths["sparse.txt"] = make_sparse(folder / "sparse.txt")
    for name, write in READER_INPUTS.items():  # round two, the reader side (defined below)
        paths[name] = folder / name
        write(paths[name])
    assert set(paths) == set(EXPECTED), set(paths) ^ set(EXPECTED)
    return paths


# --- round two (issue 11): the batch, the store, the command line and the lexicon ----------------
# Reader-level entries are in build() and EXPECTED like the rest; the situations below are
# folders, stores, lexicons and option values that tests/test_hostile2.py sets up with these.

LETTER_RUN = 120_000  # month-like letters ("janjan..."): the date-range regex was quadratic (hours)
POUND_RUN = 400_000  # '£' signs: spaCy's suffix search rescans the run for each one (minutes)
FORMULA_NAME = "=HYPERLINK(x)+cmd.txt"  # a spreadsheet would run it as a formula
BIDI_NAME = "cv-\u202etxt.exe\u200b.txt"  # right-to-left override and a zero-width space
SPARSE_BYTES = 20 * 1024 ** 3  # a sparse file: 20 GB long, nothing on disk; hashing it took a minute


def letter_run_txt(chars: int = LETTER_RUN) -> bytes:
    return (CV_TEXT + "jan" * (chars // 3) + "\n").encode()


def pound_run_txt(count: int = POUND_RUN) -> bytes:
    return (CV_TEXT + "£" * count + "\n").encode()


def make_fifo(path: str | os.PathLike[str]) -> Path:
    """A named pipe called like a CV: a plain open() blocks for ever."""
    if not os.path.exists(path):
        os.mkfifo(path)
    return Path(path)


def make_sparse(path: str | os.PathLike[str], size: int = SPARSE_BYTES) -> Path:
    with open(path, "wb") as out:
        out.write(CV_TEXT.encode())
        out.truncate(size)
    return Path(path)


def edited_mid_batch() -> tuple[bytes, bytes]:
    """A file's content when the batch plans it (and hashes it), and when it is analysed."""
    return CV_TEXT.encode(), b"Jane Smith\nProject Administrator: took minutes, kept the diary and the document control.\n"


# Option values that must be usage errors (exit 2), never a hang, a MemoryError or an overflow.
BAD_NUMBERS: dict[str, list[str]] = {
    "--timeout": ["nan", "inf", "-inf", "1e309", "0", "-5", "1e12"],
    "--max-file-mb": ["inf", "nan", "1e12", "0"],
    "--max-docx-mb": ["inf", "nan", "1e12"],
    "--max-pages": ["1e12", "99999999999999999999"],
    "--max-chars": ["99999999999999999999"],
}


def outside_links(folder: str | os.PathLike[str], secret: str | os.PathLike[str]) -> dict[str, Path]:
    """Links in `folder` that lead out of it: to `secret` (a file of the caller's outside the
    folder), to /etc/passwd, to a folder outside, and one dangling."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    links = {"secret_link.txt": Path(secret), "passwd.txt": Path("/etc/passwd"), "etc_dir": Path("/etc"),
             "dangling.txt": folder / "no-such-file.txt"}
    out = {}
    for name, target in links.items():
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(target)
        out[name] = link
    return out


UNSUPPORTED_FILES = {"grades.xlsx": b"PK\x03\x04 a spreadsheet", "slides.key": b"keynote", "notes": b"no suffix at all",
                     "archive.zip": b"PK\x05\x06" + bytes(18)}


def unsupported_folder(folder: str | os.PathLike[str]) -> list[Path]:
    """A folder holding only files of types no reader reads."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in UNSUPPORTED_FILES.items():
        (folder / name).write_bytes(data)
    return sorted(folder / name for name in UNSUPPORTED_FILES)


def unwritable_outputs(root: str | os.PathLike[str]) -> dict[str, Path]:
    """--out / --db paths that cannot be written: in a read-only folder (meaningless as root),
    below a file, and a name too long for the temporary file written beside it."""
    root = Path(root)
    (root / "read_only").mkdir(parents=True, exist_ok=True)
    os.chmod(root / "read_only", 0o555)
    (root / "a_file").write_text("not a folder\n")
    return {"read_only_folder": root / "read_only" / "results.csv", "parent_is_a_file": root / "a_file" / "results.csv",
            "name_too_long": root / ("r" * 245 + ".csv"), "a_directory": root / "read_only"}


def not_a_store(root: str | os.PathLike[str]) -> dict[str, Path]:
    """Files a careless --db could point at: a CSV, an HTML report, another program's SQLite
    database. Each must be left byte for byte as it was."""
    import sqlite3

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "results.csv").write_text("file,level\ncv.txt,3\n")
    (root / "report.html").write_text("<html><body>a report</body></html>\n")
    other = root / "other.sqlite"
    if not other.exists():
        with sqlite3.connect(other) as conn:
            conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
            conn.execute("INSERT INTO accounts (owner) VALUES ('someone else')")
        conn.close()
    return {"csv": root / "results.csv", "html": root / "report.html", "other_sqlite": other}


# How a stored row can be damaged: column -> the text put there.
CORRUPT_ROWS = {"report": "{not json", "options": "[1, 2", "contexts": "\x00\xff", "report_shape": '"just a string"'}


def corrupt_store_row(db: str | os.PathLike[str], source: str, how: str) -> None:
    """Damage the stored row of `source` in the results store `db` (see CORRUPT_ROWS)."""
    import sqlite3

    column = "report" if how == "report_shape" else how
    conn = sqlite3.connect(db)
    try:
        cur = conn.execute(f"UPDATE results SET {column} = ? WHERE source = ?", (CORRUPT_ROWS[how], source))
        conn.commit()
        assert cur.rowcount == 1, (source, how)
    finally:
        conn.close()


def _edit_ladder(pattern: str, replacement: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        import re

        path = folder / "ladder.toml"
        text = path.read_text(encoding="utf-8")
        new = re.sub(pattern, replacement, text, count=1, flags=re.M)
        assert new != text, pattern
        path.write_text(new, encoding="utf-8")

    return edit


def _extra_file(content: bytes | str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        (folder / "zz_broken.toml").write_bytes(content if isinstance(content, bytes) else content.encode())

    return edit


_TERM = '[[term]]\nid = "zz-broken"\nkind = "duty"\nlabel = "Broken"\n'
# name -> (how to break a copy of the shipped lexicon, a fragment of the problem `lexicon check` lists)
BROKEN_LEXICONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "term_is_a_string": (_extra_file('term = "minute taking"\n'), "'term' must be a list of [[term]] tables"),
    "term_is_numbers": (_extra_file("term = [1, 2]\n"), "a term must be a [[term]] table"),
    "aliases_are_numbers": (_extra_file(_TERM + "aliases = [1, 2]\n"), "'aliases' must be a list of non-empty strings"),
    "levels_is_a_number": (_extra_file(_TERM + 'aliases = ["x y"]\nlevels = 3\n'), "'levels' must be a table"),
    "weight_is_a_string": (_extra_file(_TERM + 'aliases = ["x y"]\nlevels = { 3 = "high" }\n'), "must be a number in [0, 3]"),
    "fuzzy_is_a_string": (_extra_file(_TERM + 'aliases = ["x y"]\nfuzzy = "no"\n'), "'fuzzy' must be true or false"),
    "rank_is_a_string": (_edit_ladder(r"^rank = 1\b", 'rank = "one"'), "'rank' must be a whole number"),
    "deep_nesting": (_extra_file("x = " + "[" * 5000 + "]" * 5000 + "\n"), "nested too deeply"),
    "not_utf8": (_extra_file(b"# caf\xe9\n" + _TERM.encode() + b'aliases = ["x y"]\n'), "not UTF-8"),
    "string_for_a_number": (_edit_ladder(r"^dominance = [0-9.]+", 'dominance = "high"'), "scoring.dominance: must be a number"),
    "table_is_a_string": (_edit_ladder(r"^kind_factor = \{[^\n]*\}", 'kind_factor = "duty"'), "scoring.kind_factor: must be a table"),
    "pair_of_one": (_edit_ladder(r"^daily = \[[^\n]*\]", "daily = [250.0]"), "must be a [low, high] pair of numbers"),
    "zero_threshold": (_edit_ladder(r"^family_min_points = [0-9.]+", "family_min_points = 0"), "scoring a sample CV with this lexicon fails"),
}


def broken_lexicons(root: str | os.PathLike[str], names: Iterable[str] | None = None) -> dict[str, Path]:
    """A copy of the shipped lexicon per BROKEN_LEXICONS entry, broken that way; also "many", broken
    in three ways at once (every problem must be listed)."""
    import shutil

    from cv_matcher.lexicon import default_lexicon_path

    root = Path(root)
    out = {}
    chosen = list(BROKEN_LEXICONS) if names is None else list(names)
    for name in chosen + ["many"]:
        folder = root / name
        if not folder.exists():
            shutil.copytree(default_lexicon_path(), folder, ignore=shutil.ignore_patterns("*.md"))
            edits = ([BROKEN_LEXICONS[n][0] for n in ("string_for_a_number", "pair_of_one", "rank_is_a_string")] if name == "many"
                     else [BROKEN_LEXICONS[name][0]])
            for edit in edits:
                edit(folder)
        out[name] = folder
    return out


def special_files(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """What batch planning must check before reading: a FIFO, a link to /dev/zero, a sparse 20 GB
    file, a folder named like a file, each named like a CV."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    zero = folder / "zero.txt"
    if not zero.is_symlink():
        zero.symlink_to("/dev/zero")
    (folder / "folder.docx").mkdir(exist_ok=True)
    return {"fifo.txt": make_fifo(folder / "fifo.txt"), "zero.txt": zero, "sparse.txt": make_sparse(folder / "sparse.txt"),
            "folder.docx": folder / "folder.docx"}



# --- round two, the reader side: hidden text, binary junk, DOCX structure, gibberish, messages ---
# Appended generators (tests/test_hidden.py, tests/test_hostile.py). Every hidden-text input is a
# level-1 CV (a project administrator) with ten senior-PMO duty lines a reader would not see.

PA_LINES = [
    "Sam Taylor",
    "Project Administrator",
    "Experience",
    "Project Administrator, Northgate Council, 2021 - 2024",
    "Took minutes at project meetings and kept the action log up to date.",
    "Managed diaries and booked meeting rooms for the project team.",
    "Document control: filed, versioned and distributed project documents.",
    "Skills: Microsoft Office, minute taking, filing",
]
SENIOR_LINES = [
    "Set up the PMO from scratch and defined the methodology and standards.",
    "Led portfolio governance across a portfolio of forty programmes.",
    "Line managed a team of six PMO analysts.",
    "Owned benefits realisation management for the portfolio.",
    "Reported to the executive board and chaired the portfolio board.",
    "Designed the P3M governance framework and stage gates.",
    "Head of PMO accountable for the portfolio office.",
    "Built the PMO capability and the resource management strategy.",
    "Advised executives on portfolio prioritisation and investment.",
    "Established the programme management office standards.",
]
HIDDEN_MARK = "portfolio governance"  # in a hidden line only: it must not be read


def _pdf_string(line: str) -> bytes:
    return line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _text_block(lines: list[str], x: float, y: float, size: float = 10, lead: float = 14) -> bytes:
    ops = [b"BT /F1 %g Tf %g TL %g %g Td" % (size, lead, x, y)]
    ops += [b"(%s) Tj T*" % _pdf_string(line) for line in lines]
    return b"\n".join(ops + [b"ET"])


def page_pdf(content: bytes, page_extra: bytes = b"", media: bytes = b"[0 0 595 842]") -> bytes:
    """One page with `content` as its content stream, Helvetica as /F1."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R %s"
        b" /Resources << /Font << /F1 5 0 R >> >> >>" % (media, page_extra),
        stream(content),
        FONT,
    ])


def _visible() -> bytes:
    return _text_block(PA_LINES, 72, 780)


def hidden_pdf(how: str) -> bytes:
    """The level-1 CV, visible, with SENIOR_LINES hidden by `how`: render mode 3, white on white,
    1 pt, off the page, outside the crop box, clipped away. The white case also has a dark banner
    with white text on it, which is visible and must be read."""
    senior = _text_block(SENIOR_LINES, 72, 500)
    if how == "render_mode":
        hidden = senior.replace(b"BT ", b"BT 3 Tr ", 1)
    elif how == "white":
        banner = b"0.1 0.2 0.4 rg 0 300 595 40 re f BT 1 1 1 rg /F1 12 Tf 72 315 Td (Available immediately) Tj ET"
        hidden = b"1 1 1 rg\n" + senior + b"\n0 g\n" + banner
    elif how == "tiny":
        hidden = _text_block(SENIOR_LINES, 72, 500, size=1, lead=1.4)
    elif how == "off_page":
        hidden = _text_block(SENIOR_LINES, 1200, 500)
    elif how == "crop_box":
        return page_pdf(_visible() + b"\n" + _text_block(SENIOR_LINES, 72, 100), b"/CropBox [0 300 595 842]")
    elif how == "clipped":
        hidden = b"q 0 0 1 1 re W n\n" + senior + b"\nQ"
    else:
        raise ValueError(how)
    return page_pdf(_visible() + b"\n" + hidden)


def rotated_pdf() -> bytes:
    """A page with /Rotate 90 whose text is drawn the usual way (pdfminer made each glyph a line)."""
    return page_pdf(text_content(CV_LINES), b"/Rotate 90")


def _docx_run(text: str, rpr: str = "") -> str:
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}<w:t xml:space=\"preserve\">{text}</w:t></w:r>"


def _docx_body(paragraphs: list[str]) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'
            + "".join(paragraphs) + "</w:body></w:document>").encode()


def hidden_docx(how: str) -> bytes:
    """The level-1 CV with SENIOR_LINES in runs marked w:vanish, white, 1 pt (w:sz 2) or only in
    a tracked move's source (w:moveFrom). The white case also has white text on a dark shaded
    paragraph, which is visible and must be read."""
    visible = [f"<w:p>{_docx_run(line)}</w:p>" for line in PA_LINES]
    rpr = {"vanish": "<w:vanish/>", "white": '<w:color w:val="FFFFFF"/>', "tiny": '<w:sz w:val="2"/>'}.get(how)
    if rpr is not None:
        hidden = [f"<w:p>{_docx_run(line, rpr)}</w:p>" for line in SENIOR_LINES]
    elif how == "move_from":
        hidden = [f'<w:p><w:moveFrom w:id="{i}" w:author="x" w:date="2024-01-01T00:00:00Z">{_docx_run(line)}'
                  f"</w:moveFrom></w:p>" for i, line in enumerate(SENIOR_LINES)]
    else:
        raise ValueError(how)
    if how == "white":
        hidden.append('<w:p><w:pPr><w:shd w:val="clear" w:color="auto" w:fill="1F3864"/></w:pPr>'
                      + _docx_run("Available immediately", '<w:color w:val="FFFFFF"/>') + "</w:p>")
    return docx_package(_docx_body(visible + hidden))


def cid_font_pdf() -> bytes:
    """Text in a Type0 (CID) font with Identity-H encoding and no ToUnicode map: the glyph codes
    cannot be turned into characters (pdfminer: "(cid:NN)", formerly read as "empty")."""
    codes = b"".join(b"<%s> Tj " % "".join(f"{40 + (ord(c) % 60):04X}" for c in line).encode() + b"T* "
                     for line in CV_LINES * 3)
    content = b"BT /F1 10 Tf 14 TL 72 780 Td " + codes + b"ET"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
         b" /Supplement 0 >> /FontDescriptor 7 0 R /DW 500 >>"),
        (b"<< /Type /FontDescriptor /FontName /NoMap /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800"
         b" /Descent -200 /CapHeight 700 /StemV 80 >>"),
    ])


def garbled_pdf() -> bytes:
    """A font whose ToUnicode map is off by one: every letter decodes as the next one ("Kbof")."""
    lines = ["".join(chr(ord(c) + 1) if c.isalpha() and c not in "zZ" else c for c in line) for line in CV_LINES * 4]
    return simple_pdf(lines)


def random_bytes(size: int = 8192, *, high_bit: bool = False, seed: int = 11) -> bytes:
    """Seeded random bytes (or only bytes 0x80-0xFF): latin-1 decodes any of them."""
    import random

    rng = random.Random(seed)
    low = 0x80 if high_bit else 0
    return bytes(rng.randrange(low, 256) for _ in range(size))


R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _content_types(defaults: dict[str, str], overrides: dict[str, str]) -> bytes:
    items = "".join(f'<Default Extension="{ext}" ContentType="{ct}"/>' for ext, ct in defaults.items())
    items += "".join(f'<Override PartName="{name}" ContentType="{ct}"/>' for name, ct in overrides.items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{items}</Types>').encode()


_MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_BASE_DEFAULTS = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}


def _document_rels(rels: list[tuple[str, str, str]]) -> bytes:
    items = "".join(f'<Relationship Id="{rid}" Type="{R_NS}/{kind}" Target="{target}"/>' for rid, kind, target in rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PACKAGE_RELS}">'
            f"{items}</Relationships>").encode()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name, and writes it
        for name, data in members:
            archive.writestr(name, data)
    return buf.getvalue()


def two_documents_docx() -> bytes:
    """Two members named word/document.xml: zipfile reads the last, other tools the first."""
    return _zip([("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                 ("word/document.xml", document_xml(CV_TEXT)),
                 ("word/document.xml", document_xml("\n".join(SENIOR_LINES)))])


def altchunk_docx(kind: str = "html") -> bytes:
    """A body that is only an altChunk: an imported HTML part (read), or an RTF one (refused)."""
    if kind == "html":
        chunk, ext, ct = ("<html><head><style>p{}</style></head><body>" + "".join(f"<p>{line}</p>" for line in CV_LINES)
                          + "</body></html>").encode(), "html", "text/html"
    else:
        chunk, ext, ct = b"{\\rtf1\\ansi " + CV_TEXT.encode().replace(b"\n", b"\\par ") + b"}", "rtf", "application/rtf"
    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
            '<w:body><w:altChunk r:id="rIdChunk"/></w:body></w:document>').encode()
    return _zip([("[Content_Types].xml", _content_types({**_BASE_DEFAULTS, ext: ct}, {"/word/document.xml": _MAIN_CT})),
                 ("_rels/.rels", ROOT_RELS), ("word/document.xml", body),
                 ("word/_rels/document.xml.rels", _document_rels([("rIdChunk", "aFChunk", f"chunk.{ext}")])),
                 (f"word/chunk.{ext}", chunk)])


FOOTNOTE_CERT = "PRINCE2 Practitioner certified, 2022"


def footnote_docx() -> bytes:
    """A CV whose certification is in a footnote (and an endnote): notes are read."""
    notes_ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"

    def notes(tag: str, text: str) -> bytes:
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{tag}s xmlns:w="{W_NS}">'
                f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
                f'<w:{tag} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{tag}></w:{tag}s>').encode()

    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'
            + "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in CV_LINES)
            + '<w:p><w:r><w:t>Certifications</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
            "</w:body></w:document>").encode()
    return _zip([("[Content_Types].xml", _content_types(_BASE_DEFAULTS, {
                    "/word/document.xml": _MAIN_CT, "/word/footnotes.xml": notes_ct.format("footnotes"),
                    "/word/endnotes.xml": notes_ct.format("endnotes")})),
                 ("_rels/.rels", ROOT_RELS), ("word/document.xml", body),
                 ("word/_rels/document.xml.rels", _document_rels([("rId1", "footnotes", "footnotes.xml"),
                                                                   ("rId2", "endnotes", "endnotes.xml")])),
                 ("word/footnotes.xml", notes("footnote", FOOTNOTE_CERT)),
                 ("word/endnotes.xml", notes("endnote", "APM Project Fundamentals Qualification"))])


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected .docx: a Compound File (CFB) holding the streams
    EncryptionInfo and EncryptedPackage (a skeleton: header, directory names, random payload)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 480
    names = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
                     for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return header + names + random_bytes(4096, seed=5)


STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def strict_docx() -> bytes:
    """A Strict Open XML document (ISO 29500 strict namespaces): read like any other."""
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PACKAGE_RELS}">'
            '<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>').encode()
    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{STRICT_W}" '
            'w:conformance="strict"><w:body>' + "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in CV_LINES)
            + "</w:body></w:document>").encode()
    return _zip([("[Content_Types].xml", _content_types(_BASE_DEFAULTS, {"/word/document.xml": _MAIN_CT})),
                 ("_rels/.rels", rels), ("word/document.xml", body)])


BIDI_TEXT = "Jane Smith\u202e\nProfile\u200b\nPMO analyst with consolidated report\u200bing\u2066 across projects.\u2069\n"


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _writer(make: Callable[..., bytes], *args: object) -> Callable[[Path], None]:
    """Writes make(*args) at the path it is given (built only when build() runs)."""
    return lambda path: path.write_bytes(make(*args))


def _symlink_loop(path: Path) -> None:
    if not path.is_symlink():
        path.symlink_to(path.name)  # a link to itself


# name -> writer of that input at the given path (build() calls each); EXPECTED entries below.
READER_INPUTS: dict[str, Callable[[Path], None]] = {
    **{f"hidden_{how}.pdf": _writer(hidden_pdf, how)
       for how in ("render_mode", "white", "tiny", "off_page", "crop_box", "clipped")},
    **{f"hidden_{how}.docx": _writer(hidden_docx, how) for how in ("vanish", "white", "tiny", "move_from")},
    "random_bytes.txt": _writer(random_bytes),
    "high_bit.txt": lambda path: path.write_bytes(random_bytes(high_bit=True)),
    "repeated_letter.txt": lambda path: path.write_bytes(b"D" * 20_000),
    "two_documents.docx": lambda path: path.write_bytes(two_documents_docx()),
    "altchunk_html.docx": lambda path: path.write_bytes(altchunk_docx("html")),
    "altchunk_rtf.docx": lambda path: path.write_bytes(altchunk_docx("rtf")),
    "footnote_cert.docx": lambda path: path.write_bytes(footnote_docx()),
    "garbled.pdf": lambda path: path.write_bytes(garbled_pdf()),
    "rotated.pdf": lambda path: path.write_bytes(rotated_pdf()),
    "encrypted.docx": lambda path: path.write_bytes(encrypted_docx()),
    "strict.docx": lambda path: path.write_bytes(strict_docx()),
    "cid_font.pdf": lambda path: path.write_bytes(cid_font_pdf()),
    "symlink_loop.txt": _symlink_loop,
    "bidi.txt": lambda path: path.write_bytes((BIDI_TEXT + CV_TEXT).encode()),
}
VISIBLE_FRAGMENT = "Took minutes"  # in the visible part of every hidden-text input
EXPECTED.update({name: (READ, VISIBLE_FRAGMENT) for name in READER_INPUTS if name.startswith("hidden_")})
EXPECTED.update({
    "random_bytes.txt": (DocumentReadError, "binary data, not text"),
    "high_bit.txt": (DocumentReadError, "binary data, not text"),
    "repeated_letter.txt": (DocumentReadError, "binary data, not text"),
    "two_documents.docx": (DocumentReadError, "not a DOCX: ambiguous, 2 zip members are named word/document.xml"),
    "altchunk_html.docx": (READ, READ_FRAGMENT),
    "altchunk_rtf.docx": (UnsupportedFormatError, "DOCX imports a part (altChunk) of type application/rtf"),
    "footnote_cert.docx": (READ, FOOTNOTE_CERT),
    "garbled.pdf": (DocumentReadError, "text cannot be decoded"),
    "rotated.pdf": (READ, READ_FRAGMENT),
    "encrypted.docx": (EncryptedDocumentError, "DOCX is password-protected"),
    "strict.docx": (READ, READ_FRAGMENT),
    "cid_font.pdf": (DocumentReadError, "text cannot be decoded"),
    "symlink_loop.txt": (DocumentReadError, "symbolic link loop"),
    "bidi.txt": (READ, "consolidated reporting across projects."),
})



# --- issue 13: the new formats (Word 97 .doc, RTF, ODT, HTML, images) ----------------------------
# Reader-level entries like the rest; the .doc ones start from tests/data/ (our own sample, made
# once by LibreOffice). Where OCR is installed the image-only PDF is read (its text is pixels).

DOC_FIXTURE = Path(__file__).resolve().parent / "data" / "cv03_pa_project_admin.doc"
RTF_NESTING = 100_000
HTML_NESTING = 100_000


def doc_with_flags(bits: int) -> bytes:
    """The fixture with FIB flags set (0x0100 fEncrypted, 0x8000 fObfuscated)."""
    data = bytearray(DOC_FIXTURE.read_bytes())
    at = next(i for i in range(0, len(data), 512) if data[i:i + 2] == b"\xec\xa5")  # the FIB opens WordDocument
    data[at + 10:at + 12] = (int.from_bytes(data[at + 10:at + 12], "little") | bits).to_bytes(2, "little")
    return bytes(data)


def ole_not_word_doc() -> bytes:
    """An OLE2 file without a WordDocument stream (as an Excel or PowerPoint file renamed .doc)."""
    name = "WordDocument".encode("utf-16-le")
    return DOC_FIXTURE.read_bytes().replace(name, "WordDocumenX".encode("utf-16-le"))


def _rtf(lines: list[str], hidden: list[str]) -> bytes:
    visible = "".join(f"\\pard {line}\\par\n" for line in lines)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}" + visible
            + "".join(f"{{\\v {line}\\par}}\n" for line in hidden) + "}").encode()


def _html(lines: list[str], hidden: list[str]) -> bytes:
    return ("<!DOCTYPE html><html><head><style>.x{display:none}</style></head><body>"
            + "".join(f"<p>{line}</p>" for line in lines)
            + "".join(f'<p class="x">{line}</p><p style="display:none">{line}</p><p hidden>{line}</p>' for line in hidden)
            + "</body></html>").encode()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A 100 KB-header PNG claiming 10 billion pixels (decoding it would take 10 GB)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b"")


def truncated_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (800, 600), 255).save(buf, format="PNG")
    return buf.getvalue()[:200]


def blank_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (1200, 1600), 255).save(buf, format="PNG")
    return buf.getvalue()


def xxe_odt(secret: str = SECRET_FILE) -> bytes:
    content = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               f'<text:p>{CV_LINES[0]} &s;</text:p></office:text></office:body></office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
    return buf.getvalue()


READER_INPUTS.update({
    "not_ole.doc": _write(b"Jane Smith, PMO analyst: this is not a Word file"),
    "truncated.doc": lambda path: path.write_bytes(DOC_FIXTURE.read_bytes()[:3000]),
    "encrypted.doc": lambda path: path.write_bytes(doc_with_flags(0x0100)),
    "ole_not_word.doc": lambda path: path.write_bytes(ole_not_word_doc()),
    "nested.rtf": _write(b"{\\rtf1 " + b"{" * RTF_NESTING + b"PMO" + b"}" * RTF_NESTING + b"}"),
    "par_flood.rtf": _write(b"{\\rtf1 " + b"\\par " * 1_000_000 + b"}"),  # 5 MB, a million line breaks
    "hidden_v.rtf": lambda path: path.write_bytes(_rtf(PA_LINES, SENIOR_LINES)),
    "hidden_rtf_as.txt": lambda path: path.write_bytes(_rtf(PA_LINES, SENIOR_LINES)),
    "hidden_css.html": lambda path: path.write_bytes(_html(PA_LINES, SENIOR_LINES)),
    "hidden_html_as.txt": lambda path: path.write_bytes(_html(PA_LINES, SENIOR_LINES)),
    "deep_nesting.html": _write(b"<html><body>" + b"<div>" * HTML_NESTING + CV_TEXT.encode() + b"</div>" * HTML_NESTING
                                + b"</body></html>"),
    "tag_flood.html": _write(b"<html>" + b"<b>" * 400_000 + b"</html>"),
    "xxe.odt": lambda path: path.write_bytes(xxe_odt()),
    "not_a_zip.odt": _write(b"PK\x03\x04 not a zip"),
    "bomb.png": lambda path: path.write_bytes(png_bomb()),
    "truncated.png": lambda path: path.write_bytes(truncated_png()),
    "blank.png": lambda path: path.write_bytes(blank_png()),
})
EXPECTED.update({
    "not_ole.doc": (DocumentReadError, "not a Word 97-2003 .doc: not an OLE2 compound file"),
    "truncated.doc": (DocumentReadError, "not a valid .doc (truncated or corrupt)"),
    "encrypted.doc": (EncryptedDocumentError, ".doc is password-protected; remove the password first"),
    "ole_not_word.doc": (DocumentReadError, "not a Word document: the file has no WordDocument stream"),
    "nested.rtf": (DocumentReadError, "RTF groups nested over 200 deep"),
    "par_flood.rtf": (LimitExceededError, "extracted text length is 500,001, over the 500,000 limit"),
    "hidden_v.rtf": (READ, VISIBLE_FRAGMENT),
    "hidden_rtf_as.txt": (READ, VISIBLE_FRAGMENT),
    "hidden_css.html": (READ, VISIBLE_FRAGMENT),
    "hidden_html_as.txt": (READ, VISIBLE_FRAGMENT),
    "deep_nesting.html": (READ, READ_FRAGMENT),
    "tag_flood.html": (DocumentReadError, "HTML has 400,002 tags"),
    "xxe.odt": (DocumentReadError, "ODT XML declares a DOCTYPE (entities refused): content.xml"),
    "not_a_zip.odt": (DocumentReadError, "not an ODT: not a zip archive"),
    "bomb.png": (LimitExceededError, "image size in pixels is 10,000,000,000, over the 40,000,000 limit"),
    "truncated.png": (DocumentReadError, "cannot read image"),
    "blank.png": (NoTextLayerError, "no text"),  # OCR finds none, or is not installed: both say so
})
# What pdfium's reading says where pdfminer's message differs (`cv-matcher score` uses pdfium).
PDFIUM_FRAGMENTS: dict[str, str] = {
    "glyph_flood.pdf": "extracted text length is 2,000,000, over the 500,000 limit",
    "stacked_lines.pdf": "no text layer",
}
if __import__("shutil").which("tesseract"):
    EXPECTED["image_only.pdf"] = (READ, READ_FRAGMENT)  # OCR reads the pixels

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/bad_inputs.py OUTDIR")
    for name in build(sys.argv[1]):
        print(f"{name:<30} {EXPECTED[name][0] if isinstance(EXPECTED[name][0], str) else EXPECTED[name][0].__name__}")
