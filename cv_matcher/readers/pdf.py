"""PDF reader: pdfminer.six with our own column-aware ordering (default) or pypdfium2 (faster).

pdfminer supplies text boxes with positions; layout.py puts them in reading order (two-column
CVs column by column). Both engines then share the cleaning in clean.py: running headers and
footers dropped, "(cid:NN)" glyphs and line-end hyphenation repaired.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import DocumentReadError, EncryptedDocumentError, NoTextLayerError
from .base import Extracted, ReadLimits, check_limit
from .clean import drop_repeated_margins, join_pdf_pages
from .layout import Box, Line, order_lines

# pdfminer logs font-descriptor noise at WARNING for many real PDFs ("Could not get FontBBox"),
# which would reach the user's console. Its errors still get through; lower the level to debug it.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

NOT_A_PDF = "not a valid PDF (truncated or corrupt)"
ENCRYPTED = "PDF is password-protected; remove the password first"
NO_TEXT = "no text layer: looks like a scanned image; OCR it first"

MARGIN = 0.12  # top/bottom share of the page height where running headers/footers live
MIN_ALNUM_PER_PAGE = 20  # fewer letters/digits than this per page on average: no text layer


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """Read a PDF's text; raise Encrypted/NoTextLayer/DocumentReadError with a one-line problem."""
    if b"%PDF-" not in data[:1024]:
        raise DocumentReadError(source, "not a PDF: the file has no %PDF header")
    engine = engine or "pdfminer"  # read_bytes() has checked the name against ENGINES
    pages, margins = ENGINES[engine](data, source, limits)
    # Judge by letters and digits: a scan often still carries a text page number or a stray mark.
    alnum = [sum(ch.isalnum() for line in page for ch in line) for page in pages]
    if sum(alnum) < MIN_ALNUM_PER_PAGE * len(pages):
        raise NoTextLayerError(source, NO_TEXT)
    meta = {"pages": str(len(pages)), "engine": engine}
    if any(n == 0 for n in alnum):
        meta["pages_without_text"] = str(sum(1 for n in alnum if n == 0))
    pages = drop_repeated_margins(pages, margins)
    return Extracted(join_pdf_pages(pages), "pdf", meta)


# --- pdfminer ------------------------------------------------------------------------------------


def _pdfminer_pages(data: bytes, source: str, limits: ReadLimits) -> tuple[list[list[str]], list[set[int]]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException

    # boxes_flow=None: skip pdfminer's (slow) reading-order heuristics, we order boxes ourselves.
    # all_texts: also group text drawn inside Form XObjects (figures) into boxes.
    # word_margin stays at its default 0.1: on the corpus it glues no words together, 0.2 only
    # fixes letter-spaced banners ("J A R E D") and 0.3 already glues whole sentences.
    laparams = LAParams(boxes_flow=None, all_texts=True)
    pages: list[list[str]] = []
    margins: list[set[int]] = []
    try:
        for n, layout in enumerate(extract_pages(io.BytesIO(data), laparams=laparams, maxpages=limits.max_pages + 1)):
            check_limit(source, limits, "max_pages", n + 1, "page count")
            lines, margin = _layout_lines(layout)
            pages.append(lines)
            margins.append(margin)
    except PDFPasswordIncorrect as exc:
        raise EncryptedDocumentError(source, ENCRYPTED) from exc
    except PDFEncryptionError as exc:
        raise EncryptedDocumentError(source, f"PDF encryption not supported: {exc}") from exc
    except (PSException, EOFError) as exc:
        raise DocumentReadError(source, NOT_A_PDF) from exc
    if not pages:
        raise DocumentReadError(source, f"{NOT_A_PDF}: no pages found")
    return pages, margins


def _edges(count: int) -> set[int]:
    return {i for i in (0, 1, count - 2, count - 1) if 0 <= i < count}


def _text_boxes(items: Iterable[Any]) -> Iterator[Box]:
    from pdfminer.layout import LTFigure, LTTextBox, LTTextLine

    for item in items:
        if isinstance(item, LTTextBox):
            lines = [_line(child) for child in item if isinstance(child, LTTextLine)]
            lines = [line for line in lines if line.text.strip()]
            if lines:
                yield Box(lines)
        elif isinstance(item, LTTextLine) and item.get_text().strip():
            yield Box([_line(item)])
        elif isinstance(item, LTFigure):
            yield from _text_boxes(item)


def _line(item: Any) -> Line:
    # Some generators map the space glyph to "\t\r\xa0": a "\r" inside a line is not a line break.
    text = item.get_text().strip("\n").replace("\r", " ").replace("\n", " ")
    return Line(item.x0, item.y0, item.x1, item.y1, text)


def _layout_lines(layout: Any) -> tuple[list[str], set[int]]:
    """A page's lines in reading order, and which of them sit in the top/bottom margin."""
    height = layout.height or 1.0
    lines: list[str] = []
    margin: set[int] = set()
    for line in order_lines(list(_text_boxes(layout))):
        if line.y0 >= height * (1 - MARGIN) or line.y1 <= height * MARGIN:
            margin.add(len(lines))
        lines.append(line.text)
    # The first and last two lines in reading order are candidates too (a footer set high).
    return lines, margin | _edges(len(lines))


# --- pypdfium2 -----------------------------------------------------------------------------------


def _pdfium_pages(data: bytes, source: str, limits: ReadLimits) -> tuple[list[list[str]], list[set[int]]]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedDocumentError(source, ENCRYPTED) from exc
        raise DocumentReadError(source, NOT_A_PDF) from exc
    try:
        check_limit(source, limits, "max_pages", len(pdf), "page count")
        pages = []
        for page in pdf:
            # pdfium marks a line-end hyphen as U+FFFE and joins the lines itself; restore the
            # break so dehyphenate() decides for both engines alike.
            text = page.get_textpage().get_text_range().replace("\ufffe", "-\n")
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    finally:
        pdf.close()
    # No positions here: the first and last two lines of a page stand in for its margins.
    return pages, [_edges(len(lines)) for lines in pages]


# Engine name -> page extractor; read() and read_document(pdf_engine=...) accept these names.
ENGINES: dict[str, Callable[[bytes, str, ReadLimits], tuple[list[list[str]], list[set[int]]]]] = {
    "pdfminer": _pdfminer_pages,
    "pdfium": _pdfium_pages,
}
