"""PDF reader: pdfminer.six with our own column-aware ordering (default) or pypdfium2 (faster).

pdfminer's own box ordering interleaves a sidebar with the main column line by line. We take its
text boxes and order them ourselves: find a vertical gutter that splits the page into a left and a
right group with substantial content each, then read each column top to bottom; boxes that cross
the gutter (a name banner, a full-width contact line) split the page into bands read in order.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from ..errors import DocumentReadError, EncryptedDocumentError, NoTextLayerError
from .base import Extracted, ReadLimits, check_limit
from .clean import drop_repeated_margins, join_pdf_pages

# pdfminer logs font-descriptor noise at WARNING for many real PDFs ("Could not get FontBBox"),
# which would reach the user's console. Its errors still get through; lower the level to debug it.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

ENGINES = ("pdfminer", "pdfium")
NOT_A_PDF = "not a valid PDF (truncated or corrupt)"
ENCRYPTED = "PDF is password-protected; remove the password first"
NO_TEXT = "no text layer: looks like a scanned image; OCR it first"

MIN_SIDE_SHARE = 0.12  # each column holds at least this share of the page's characters
MAX_SPAN_SHARE = 0.30  # boxes crossing the gutter hold at most this share
MIN_GUTTER = 6.0  # points of empty space between the columns
MARGIN = 0.12  # top/bottom share of the page height where running headers/footers live
ROW_TOLERANCE = 2.0  # boxes whose tops differ by less are on the same row (read left to right)


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """Read a PDF's text; raise Encrypted/NoTextLayer/DocumentReadError with a one-line problem."""
    if b"%PDF-" not in data[:1024]:
        raise DocumentReadError(source, "not a PDF: the file has no %PDF header")
    engine = engine or "pdfminer"
    if engine == "pdfium":
        pages, margins = _pdfium_pages(data, source, limits)
    elif engine == "pdfminer":
        pages, margins = _pdfminer_pages(data, source, limits)
    else:
        raise ValueError(f"unknown PDF engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if pages and not any(line.strip() for page in pages for line in page):
        raise NoTextLayerError(source, NO_TEXT)
    pages = drop_repeated_margins(pages, margins)
    return Extracted(join_pdf_pages(pages), "pdf", {"pages": str(len(pages)), "engine": engine})


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


class Line(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


class Box(NamedTuple):
    """A pdfminer text box: lines that belong together (a paragraph, a heading, a date)."""

    lines: list[Line]

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def y0(self) -> float:
        return min(line.y0 for line in self.lines)

    @property
    def y1(self) -> float:
        return max(line.y1 for line in self.lines)

    @property
    def chars(self) -> int:
        return sum(len(line.text) for line in self.lines)


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


def _edges(count: int) -> set[int]:
    return {i for i in (0, 1, count - 2, count - 1) if 0 <= i < count}


def _rows(boxes: Iterable[Box]) -> list[Box]:
    """Top to bottom; boxes whose tops align are read left to right."""
    ordered: list[Box] = []
    row: list[Box] = []
    for box in sorted(boxes, key=lambda b: -b.y1):
        if row and row[0].y1 - box.y1 > ROW_TOLERANCE:
            ordered.extend(sorted(row, key=lambda b: b.x0))
            row = []
        row.append(box)
    ordered.extend(sorted(row, key=lambda b: b.x0))
    return ordered


def _is_bullet(text: str) -> bool:
    return len(text.strip()) == 1 and not text.strip().isalnum()


def _same_row(a: Line, b: Line) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap >= 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)


def merge_fragments(boxes: list[Box]) -> list[Box]:
    """Re-attach pieces of a line that pdfminer put in boxes of their own.

    Justified text or a bullet drawn apart can make pdfminer split one visual line into a short
    box beside a paragraph box. A single-line box (or a lone bullet) on the same row as a line of
    another box, within about a character height of it, is the same line: join them. Two
    multi-line boxes side by side (a date column beside a job description) are left alone.
    """
    for box in sorted(boxes, key=lambda b: b.x0):
        for frag in [ln for ln in box.lines if len(box.lines) == 1 or _is_bullet(ln.text)]:
            reach = (2.0 if _is_bullet(frag.text) else 1.0) * (frag.y1 - frag.y0)
            best: tuple[float, Box, int] | None = None
            for other in boxes:
                for i, line in enumerate(other.lines if other is not box else ()):
                    gap = max(frag.x0 - line.x1, line.x0 - frag.x1)
                    if -1.0 <= gap <= reach and _same_row(frag, line) and (best is None or gap < best[0]):
                        best = (gap, other, i)
            if best is None:
                continue
            _, other, i = best
            left, right = sorted((frag, other.lines[i]), key=lambda ln: ln.x0)
            other.lines[i] = Line(left.x0, min(left.y0, right.y0), right.x1, max(left.y1, right.y1),
                                  f"{left.text.rstrip()} {right.text.lstrip()}")
            box.lines.remove(frag)
    return [box for box in boxes if box.lines]


def find_gutter(boxes: list[Box]) -> float | None:
    """The x of a vertical gutter splitting the page into two real columns, or None.

    A cut at x puts boxes ending left of x on the left, boxes starting right of it on the right and
    the rest (crossing it) in a spanning group. A real gutter leaves both sides a good share of the
    text and few characters spanning; right-aligned dates or a centred name do not qualify.
    """
    total = sum(b.chars for b in boxes)
    best: tuple[int, float] | None = None
    for x in sorted({b.x1 for b in boxes}):
        left = [b for b in boxes if b.x1 <= x]
        right = [b for b in boxes if b.x0 >= x + MIN_GUTTER]
        left_chars = sum(b.chars for b in left)
        right_chars = sum(b.chars for b in right)
        span_chars = total - left_chars - right_chars
        if min(left_chars, right_chars) < MIN_SIDE_SHARE * total or span_chars > MAX_SPAN_SHARE * total:
            continue
        if _side_by_side(left, right) and (best is None or span_chars < best[0]):
            best = (span_chars, x + MIN_GUTTER / 2)
    return None if best is None else best[1]


def _side_by_side(left: list[Box], right: list[Box]) -> bool:
    # Columns overlap vertically for most of the shorter one; otherwise it is one column whose
    # upper and lower parts happen to be indented differently.
    top = min(max(b.y1 for b in left), max(b.y1 for b in right))
    bottom = max(min(b.y0 for b in left), min(b.y0 for b in right))
    shorter = min(max(b.y1 for b in s) - min(b.y0 for b in s) for s in (left, right))
    return top - bottom >= 0.5 * shorter


def _columns(band: list[Box], gutter: float) -> list[list[Box]]:
    """Left column, then right; boxes above where the other column starts (a name or job title
    under a banner) lead, as they read before both columns."""
    left = [b for b in band if b.x1 <= gutter]
    right = [b for b in band if b.x0 >= gutter]
    if not left or not right:
        return [left + right]
    left_top, right_top = max(b.y1 for b in left), max(b.y1 for b in right)
    lead = [b for b in left if b.y0 > right_top] + [b for b in right if b.y0 > left_top]
    return [lead, [b for b in left if b not in lead], [b for b in right if b not in lead]]


def order_lines(boxes: list[Box]) -> list[Line]:
    """Reading order for one page: column by column between full-width bands."""
    gutter = find_gutter(boxes) if len(boxes) >= 4 else None
    if gutter is None:
        groups = [boxes]
    else:
        spanning = sorted((b for b in boxes if b.x0 < gutter < b.x1), key=lambda b: -b.y1)
        bands: list[list[Box]] = [[] for _ in range(len(spanning) + 1)]
        for box in boxes:
            if not box.x0 < gutter < box.x1:
                middle = (box.y0 + box.y1) / 2
                bands[sum(1 for s in spanning if (s.y0 + s.y1) / 2 > middle)].append(box)
        groups = []
        for i, band in enumerate(bands):
            groups += _columns(band, gutter)
            groups.append(spanning[i : i + 1])
    return [line for group in groups for box in _rows(merge_fragments(group)) for line in box.lines]


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
