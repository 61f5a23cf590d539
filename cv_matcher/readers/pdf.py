"""PDF reader: pdfminer.six (default) or pypdfium2, each with our own column-aware ordering.

Both engines supply lines with positions (pdfium its lines and character boxes, grouped into text
boxes as pdfminer groups them; pdfminer its text boxes); layout.py puts them in reading order
(two-column CVs column by column). Both then share the cleaning in clean.py: running headers and
footers dropped, "(cid:NN)" glyphs and line-end hyphenation repaired.

pdfium gives the same levels and the same column order as pdfminer on the sample and shared-corpus
PDFs (the same text, word for word, on 23 of 33) in about a third of the time (`python -m
benchmarks --pdf-compare`), so it is the better default; DEFAULT_ENGINE (and the CLI option's
default) switch it.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import (
    DocumentReadError,
    EmptyDocumentError,
    EncryptedDocumentError,
    LimitExceededError,
    NoTextLayerError,
)
from . import ocr
from .base import Extracted, ReadLimits, check_limit
from .clean import drop_repeated_margins, join_pdf_pages
from .contain import run_contained
from .hidden import all_hidden, hidden_chars, pdfium_hidden
from .language import undecodable_glyphs
from .layout import Box, Line, order_lines
from .pdfguard import check_before_pdfium, pdfminer_layouts
from .pdfquick import decoding_within, drawing_within

# pdfminer logs font-descriptor noise at WARNING for many real PDFs ("Could not get FontBBox"),
# which would reach the user's console. Its errors still get through; lower the level to debug it.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

NOT_A_PDF = "not a valid PDF (truncated or corrupt)"
ENCRYPTED = "PDF is password-protected; remove the password first"
NO_TEXT = "no text layer: looks like a scanned image; OCR it first"
NO_TEXT_LAYER = "no text layer: looks like a scanned image"  # ocr.no_text_layer() says what to do

MARGIN = 0.12  # top/bottom share of the page height where running headers/footers live
MIN_ALNUM_PER_PAGE = 20  # fewer letters/digits than this per page on average: no text layer


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """Read a PDF's text; raise Encrypted/NoTextLayer/DocumentReadError with a one-line problem."""
    if b"%PDF-" not in data[:1024]:
        raise DocumentReadError(source, "not a PDF: the file has no %PDF header")
    engine = engine or DEFAULT_ENGINE  # read_bytes() has checked the name against ENGINES
    pages, margins, hidden, fallback = _with_fallback(engine, data, source, limits)
    ocr_meta = ocr.ocr_scanned_pages(data, source, limits, pages, margins, MIN_ALNUM_PER_PAGE)
    undecodable = undecodable_glyphs(pages, MIN_ALNUM_PER_PAGE)  # fonts without a ToUnicode map (language.py)
    if undecodable is not None:
        raise DocumentReadError(source, undecodable)
    # Judge by letters and digits: a scan often still carries a text page number or a stray mark.
    alnum = [sum(ch.isalnum() for line in page for ch in line) for page in pages]
    if sum(alnum) < MIN_ALNUM_PER_PAGE * len(pages):
        if hidden_chars(hidden) >= MIN_ALNUM_PER_PAGE * len(pages):
            raise EmptyDocumentError(source, f"no usable text: {all_hidden(hidden)}")
        raise ocr.no_text_layer(source, limits, NO_TEXT_LAYER)
    meta = {"pages": str(len(pages)), "engine": engine, **fallback, **ocr_meta}
    if any(n == 0 for n in alnum):
        meta["pages_without_text"] = str(sum(1 for n in alnum if n == 0))
    pages = drop_repeated_margins(pages, margins)
    return Extracted(join_pdf_pages(pages), "pdf", meta, tuple(hidden))


# --- pdfminer ------------------------------------------------------------------------------------


Hidden = list[tuple[str, str]]  # (reason, text) of text a person would not see (hidden.py)


def _pdfminer_pages(data: bytes, source: str, limits: ReadLimits) -> tuple[list[list[str]], list[set[int]], Hidden]:
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
    hidden: Hidden = []
    try:
        # extract_pages() with bounds: page count before layout, stream sizes, glyphs (pdfguard.py);
        # glyphs nobody would see are left out of the layout and listed in layout.hidden (hidden.py)
        for n, layout in enumerate(pdfminer_layouts(data, source, limits, laparams)):
            check_limit(source, limits, "max_pages", n + 1, "page count")
            lines, margin = _layout_lines(layout)
            pages.append(lines)
            margins.append(margin)
            hidden += getattr(layout, "hidden", [])
    except PDFPasswordIncorrect as exc:
        raise EncryptedDocumentError(source, ENCRYPTED) from exc
    except PDFEncryptionError as exc:
        raise EncryptedDocumentError(source, f"PDF encryption not supported: {exc}") from exc
    except (PSException, EOFError) as exc:
        raise DocumentReadError(source, NOT_A_PDF) from exc
    if not pages:
        raise DocumentReadError(source, f"{NOT_A_PDF}: no pages found")
    return pages, margins, hidden


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


def _pdfium_pages(data: bytes, source: str, limits: ReadLimits) -> tuple[list[list[str]], list[set[int]], Hidden]:
    import pypdfium2 as pdfium

    # pdfium has no bounds of its own: a cheap proof from the bytes (pdfquick.py), or else
    # pdfminer's exact check of the whole structure (pdfguard.py), before pdfium decodes or draws.
    facts = decoding_within(data, limits)
    if facts is None:
        check_before_pdfium(data, source, limits)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedDocumentError(source, ENCRYPTED) from exc
        raise DocumentReadError(source, NOT_A_PDF) from exc
    try:
        check_limit(source, limits, "max_pages", len(pdf), "page count")
        if facts is not None and not drawing_within(facts, len(pdf), limits):
            check_before_pdfium(data, source, limits)
        pages: list[list[str]] = []
        margins: list[set[int]] = []
        hidden: Hidden = []
        drawn = 0
        for page in pdf:
            textpage = page.get_textpage()
            drawn += textpage.count_chars()  # hidden ones included: the limit bounds the work on them too
            check_limit(source, limits, "max_chars", drawn, "extracted text length")
            hidden_at, found = pdfium_hidden(page, textpage)  # characters nobody would see (hidden.py)
            lines, margin = _pdfium_layout_lines(textpage, page.get_height(), hidden_at)
            pages.append(lines)
            margins.append(margin)
            hidden += found
    finally:
        pdf.close()
    return pages, margins, hidden


# pdfminer's LAParams defaults, which the pdfminer engine uses: a line ends where the gap to the
# next character exceeds CHAR_MARGIN character widths; lines whose vertical gap is under
# LINE_MARGIN line heights, of about the same height and aligned (left, right or centre), form a box.
CHAR_MARGIN = 2.0
LINE_MARGIN = 0.5


def _pdfium_layout_lines(textpage: Any, height: float, hidden_at: set[int] | frozenset[int] = frozenset()
                         ) -> tuple[list[str], set[int]]:
    """A page's lines in reading order and its margin lines, like _layout_lines() for pdfminer:
    pdfium's lines (split where they jump across a gap, as between two columns) with their
    boxes, grouped into text boxes as pdfminer groups them, then put in order by layout.py.
    Characters at `hidden_at` (hidden text) read as spaces."""
    text = textpage.get_text_range()
    if hidden_at and len(text) == textpage.count_chars():
        text = "".join(" " if i in hidden_at else ch for i, ch in enumerate(text))
    elif hidden_at:  # no per-character map: rebuild the text character by character
        text = _pdfium_chars(textpage, hidden_at)
    if len(text) != textpage.count_chars():  # characters outside the BMP: no per-character map
        lines = [ln for ln in text.replace("\ufffe", "-\n").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        return lines, _edges(len(lines))
    found: list[Line] = []
    start = 0
    for end in [i for i in range(len(text)) if text.startswith("\r\n", i)] + [len(text)]:
        if text[start:end].strip():
            found += _pdfium_segments(textpage, text, start, end)
        start = end + 2
    return _layout_from_lines(found, height)


def _pdfium_chars(textpage: Any, hidden_at: set[int] | frozenset[int]) -> str:
    """The page's text from pdfium's characters one by one, those at `hidden_at` as spaces."""
    from pypdfium2 import raw

    out = []
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        out.append(" " if i in hidden_at else chr(code) if 0 < code < 0xD800 or 0xDFFF < code <= 0x10FFFF else "")
    return "".join(out)


def _pdfium_segments(textpage: Any, text: str, start: int, end: int) -> list[Line]:
    """One pdfium line as Lines: itself when one rectangle covers it, else split where the text
    jumps (a gap wider than CHAR_MARGIN characters, or another baseline). Boxes are pdfium's
    "loose" character boxes (the font's ascent to descent), as pdfminer's are; a line's height is
    its last character's, as a bullet in another font ("·") would make it too tall."""
    if textpage.count_rects(start, end - start) == 1:
        chars = [i for i in range(start, end) if not text[i].isspace()]
        first, last = textpage.get_charbox(chars[0], loose=True), textpage.get_charbox(chars[-1], loose=True)
        return [Line(first[0], last[1], last[2], last[3], _pdfium_text(text[start:end]))]
    out: list[Line] = []
    seg_start = start
    box: list[float] | None = None  # the current segment's left, bottom, right, top
    for i in range(start, end):
        if text[i].isspace():
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        if box is not None:
            size = max(top - bottom, box[3] - box[1], 1.0)
            jump = left - box[2] > CHAR_MARGIN * 0.5 * size or left < box[0] - 0.5 * size \
                or abs((bottom + top) - (box[1] + box[3])) / 2 > 0.5 * size
            if jump:
                out.append(Line(box[0], box[1], box[2], box[3], _pdfium_text(text[seg_start:i])))
                seg_start, box = i, None
        box = [left, bottom, right, top] if box is None else [min(box[0], left), bottom, max(box[2], right), top]
    if box is not None:
        out.append(Line(box[0], box[1], box[2], box[3], _pdfium_text(text[seg_start:end])))
    return [line for line in out if line.text.strip()]


def _pdfium_text(text: str) -> str:
    # pdfium marks a line-end hyphen as U+FFFE: a hyphen, so dehyphenate() decides for both engines.
    return text.replace("\ufffe", "-").replace("\r", " ").replace("\n", " ").strip()


def _layout_from_lines(lines: list[Line], height: float) -> tuple[list[str], set[int]]:
    """Group lines into boxes the way pdfminer does (see CHAR_MARGIN), order them, find margins."""
    lines.sort(key=lambda ln: -ln.y1)
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(lines):
        d = LINE_MARGIN * (a.y1 - a.y0)
        for j in range(i + 1, len(lines)):
            b = lines[j]
            if b.y1 < a.y0 - d:
                break  # sorted by top: every later line is lower still
            if b.x0 <= a.x1 and a.x0 <= b.x1 and b.y0 <= a.y1 + d and abs((a.y1 - a.y0) - (b.y1 - b.y0)) <= d \
                    and (abs(a.x0 - b.x0) <= d or abs(a.x1 - b.x1) <= d or abs((a.x0 + a.x1) - (b.x0 + b.x1)) / 2 <= d):
                parent[root(j)] = root(i)
    groups: dict[int, list[Line]] = {}
    for i, line in enumerate(lines):
        groups.setdefault(root(i), []).append(line)
    boxes = [Box(sorted(group, key=lambda ln: -ln.y1)) for group in groups.values()]
    ordered: list[str] = []
    margin: set[int] = set()
    for line in order_lines(boxes):
        if line.y0 >= height * (1 - MARGIN) or line.y1 <= height * MARGIN:
            margin.add(len(ordered))
        ordered.append(line.text)
    return ordered, margin | _edges(len(ordered))


def _pdfium_contained(data: bytes, source: str, limits: ReadLimits) -> tuple[list[list[str]], list[set[int]], Hidden]:
    """_pdfium_pages in a forked child (contain.py): a crash in PDFium is a one-line error."""
    _warm_for_children()
    return run_contained(_pdfium_pages, source, "PDF", data, source, limits)


@functools.lru_cache(maxsize=1)
def _warm_for_children() -> None:
    """Import and set up once, in this process, what each forked child would otherwise redo
    (pypdfium2, pdfminer's parser modules, the guard's decoders)."""
    import numpy  # noqa: F401  (pdfquick's ASCII85)
    import pdfminer.pdfdocument
    import pdfminer.pdfinterp
    import pdfminer.pdfpage
    import pdfminer.pdfparser  # noqa: F401
    import pypdfium2
    import pypdfium2.raw  # noqa: F401

    from . import hidden, pdfguard, pdfquick

    pdfguard.install()
    del hidden, pdfquick


def _with_fallback(engine: str, data: bytes, source: str, limits: ReadLimits
                   ) -> tuple[list[list[str]], list[set[int]], Hidden, dict[str, str]]:
    """The engine's pages; when pdfium cannot read a file pdfminer can (it refuses or crashes,
    not a password, a limit or a missing text layer), pdfminer's, with the reason in meta."""
    try:
        return (*ENGINES[engine](data, source, limits), {})
    except (EncryptedDocumentError, NoTextLayerError, LimitExceededError):
        raise
    except DocumentReadError as exc:
        if engine != "pdfium":
            raise
        pages, margins, hidden = _pdfminer_pages(data, source, limits)
        return pages, margins, hidden, {"engine_fallback": f"pdfminer, as pdfium could not read it: {exc.problem}"}


DEFAULT_ENGINE = "pdfium"  # also the CLI's --pdf-engine default (cli/options.py) and batch.plan.Settings

# Engine name -> page extractor; read() and read_document(pdf_engine=...) accept these names.
ENGINES: dict[str, Callable[[bytes, str, ReadLimits], tuple[list[list[str]], list[set[int]], Hidden]]] = {
    "pdfminer": _pdfminer_pages,
    "pdfium": _pdfium_contained,
}
