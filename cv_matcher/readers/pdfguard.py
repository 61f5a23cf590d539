"""pdfminer with bounds: the page count, stream decoding, interpretation and glyphs are limited.

pdfminer trusts its input. Small hostile PDFs make it take unbounded memory or time:

* a FlateDecode (or LZW, RunLength) stream that inflates a 1 MB file to gigabytes (zlib.decompress
  is called on the whole stream at once);
* a corrupt deflate stream, which pdfminer re-inflates byte by byte into `bytes +=` (quadratic);
* an LZW stream, whose decoder copies its table for a debug log line on every code;
* a page that draws millions of glyphs or shapes (each one becomes a Python object), or Form
  XObjects that draw each other ten times over, ten levels deep (a "billion laughs" of drawing);
* a page tree that claims thousands of pages, each of which would be laid out before we count;
* text lines drawn over each other: pdfminer's grouping of lines into boxes is cubic in them.

`pdfminer_layouts()` replaces pdfminer.high_level.extract_pages() and enforces, per document:
the declared page count (the page tree's /Count, read before any page is parsed) and the real
one (checked before each page is laid out) against `max_pages`; the decoded size of all streams
against `max_pdf_decoded_bytes` (every decoder stops as soon as its output passes what is left);
the content-stream bytes interpreted (each Form XObject counted every time it is drawn) against
`max_pdf_content_bytes`; glyphs, shapes and images drawn against `max_chars`; the cost of
grouping lines into boxes, simulated before pdfminer does it (_check_grouping_cost).
`check_before_pdfium()` applies the same bounds, without drawing, before pypdfium2 gets a file.

The decoders (and the line grouping) are swapped into pdfminer once, on first use; outside
pdfminer_layouts() and check_before_pdfium() they behave exactly as pdfminer's own (pdfminer stays usable by other code in the process).
"""
from __future__ import annotations

import functools
import io
import logging
import re
import threading
import zlib
from collections.abc import Iterator
from typing import Any

from .base import ReadLimits, check_limit

log = logging.getLogger(__name__)
_state = threading.local()  # .budget: the _Budget of the document being read in this thread
_installed = False
_install_lock = threading.Lock()
_CHUNK = 4096  # corrupt deflate data is re-fed in chunks of this size, not byte by byte
# Each content stream or form drawn costs at least this much of max_pdf_content_bytes: setting
# up a form costs pdfminer as much as interpreting about 1 KB of instructions.
MIN_STREAM_COST = 1024
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![^\s/\[\]()<>{}%])")


class _Budget:
    def __init__(self, source: str, limits: ReadLimits) -> None:
        self.source = source
        self.limits = limits
        self.decoded = 0
        self.content = 0
        self.items = 0
        self.candidates = 0  # text-line grouping work so far (see _check_grouping_cost)
        self.grouping = 0

    @property
    def room(self) -> int:
        """Decoded bytes still allowed."""
        return self.limits.max_pdf_decoded_bytes - self.decoded

    def over_decoded(self) -> None:
        check_limit(self.source, self.limits, "max_pdf_decoded_bytes", None, "decoded PDF stream data")

    def add_decoded(self, size: int) -> None:
        self.decoded += size
        if self.decoded > self.limits.max_pdf_decoded_bytes:
            self.over_decoded()

    def add_content(self, size: int) -> None:
        self.content += size
        check_limit(self.source, self.limits, "max_pdf_content_bytes", self.content, "PDF content to interpret")

    def add_items(self, count: int = 1) -> None:
        self.items += count
        if self.items > self.limits.max_chars:
            check_limit(self.source, self.limits, "max_chars", None, "glyphs and shapes drawn")


def _budget() -> _Budget | None:
    return getattr(_state, "budget", None)


# --- bounded decoders ----------------------------------------------------------------------------


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes (which calls zlib.decompress)."""

    error = zlib.error

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def decompress(data: bytes, *args: Any) -> bytes:
        budget = _budget()
        if budget is None or args:
            return zlib.decompress(data, *args)
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, budget.room + 1)
        if len(out) > budget.room:
            budget.over_decoded()
        if not inflater.eof:  # as zlib.decompress: pdfminer then tries decompress_corrupted()
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out


def _decompress_corrupted(original: Any) -> Any:
    def decompress_corrupted(data: bytes) -> bytes:
        """pdfminer's recovery (keep what inflates; fail unless the error is in the last 3 bytes,
        the checksum) in linear time and bounded: chunks, and byte by byte only in a bad chunk."""
        budget = _budget()
        if budget is None:
            return original(data)  # type: ignore[no-any-return]
        inflater = zlib.decompressobj()
        out = bytearray()
        for start in range(0, len(data), _CHUNK):
            chunk = data[start:start + _CHUNK]
            saved = inflater.copy()
            try:
                out += inflater.decompress(chunk)
            except zlib.error:
                inflater = saved
                for offset in range(len(chunk)):
                    try:
                        out += inflater.decompress(chunk[offset:offset + 1])
                    except zlib.error:
                        if start + offset < len(data) - 3:
                            raise
                        log.debug("data lost while inflating corrupt data")
                        return bytes(out)
            if len(out) > budget.room:
                budget.over_decoded()
        return bytes(out)

    return decompress_corrupted


def _lzwdecode(original: Any) -> Any:
    def lzwdecode(data: bytes) -> bytes:
        budget = _budget()
        if budget is None:
            return original(data)  # type: ignore[no-any-return]
        from pdfminer.lzw import CorruptDataError, LZWDecoder

        decoder = LZWDecoder(io.BytesIO(data))
        parts = []
        size = 0
        while True:  # LZWDecoder.run() without its per-code debug line (it copies the table)
            try:
                part = decoder.feed(decoder.readbits(decoder.nbits))
            except (EOFError, CorruptDataError):
                break
            size += len(part)
            if size > budget.room:
                budget.over_decoded()
            parts.append(part)
        return b"".join(parts)

    return lzwdecode


def _rldecode(original: Any) -> Any:
    def rldecode(data: bytes) -> bytes:
        """RunLengthDecode (a list of ints in pdfminer: 8 bytes of memory per byte), bounded;
        a truncated run ends the data instead of raising StopIteration."""
        budget = _budget()
        if budget is None:
            return original(data)  # type: ignore[no-any-return]
        out = bytearray()
        pos = 0
        while pos < len(data):
            length = data[pos]
            if length == 128:
                break
            if length < 128:
                out += data[pos + 1:pos + length + 2]
                pos += length + 2
            else:
                out += data[pos + 1:pos + 2] * (257 - length)
                pos += 2
            if len(out) > budget.room:
                budget.over_decoded()
        return bytes(out)

    return rldecode


def install() -> None:
    """Swap the bounded decoders into pdfminer (once) and count every stream pdfminer decodes."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from pdfminer import pdftypes

        # pdfminer's own module-level helpers, replaced (not re-exported names, hence the ignores)
        pdftypes.zlib = _BoundedZlib()  # type: ignore[attr-defined,assignment]
        pdftypes.decompress_corrupted = _decompress_corrupted(pdftypes.decompress_corrupted)
        pdftypes.lzwdecode = _lzwdecode(pdftypes.lzwdecode)  # type: ignore[attr-defined]
        pdftypes.rldecode = _rldecode(pdftypes.rldecode)  # type: ignore[attr-defined]
        original_decode = pdftypes.PDFStream.decode

        def decode(self: Any) -> None:
            original_decode(self)
            budget = _budget()
            if budget is not None:
                budget.add_decoded(len(self.data or b""))

        pdftypes.PDFStream.decode = decode  # type: ignore[method-assign]

        from pdfminer.layout import LTLayoutContainer

        original_group = LTLayoutContainer.group_textlines

        def group_textlines(self: Any, laparams: Any, lines: Any) -> Any:
            budget = _budget()
            if budget is not None:
                lines = list(lines)
                _check_grouping_cost(budget, self.bbox, laparams.line_margin, lines)
            return original_group(self, laparams, lines)

        LTLayoutContainer.group_textlines = group_textlines  # type: ignore[method-assign]
        _installed = True


# pdfminer groups text lines into boxes by merging each line's box with its neighbours' boxes,
# copying whole boxes each time: cubic in lines that neighbour each other. 1,000 lines drawn on
# the same spot (a 35 KB page, 1 KB deflated) take it 37 s, 2,000 take 7 minutes. Before it
# runs, the same merges are simulated with sizes only; a document over these bounds (summed
# over its pages and figures) is refused. Real CVs stay under 1% of them.
MAX_NEIGHBOUR_CANDIDATES = 2_000_000  # lines found near other lines
MAX_GROUPING_COST = 100_000_000  # lines pdfminer would copy while merging (about 4 s)
TOO_DENSE = "PDF too dense to lay out: hundreds of text lines drawn over each other"


def _check_grouping_cost(budget: _Budget, bbox: Any, ratio: float, lines: list[Any]) -> None:
    from pdfminer.layout import LTTextLineHorizontal
    from pdfminer.utils import Plane

    from ..errors import DocumentReadError

    if len(lines) < 20:
        return  # cannot get expensive
    plane: Any = Plane(bbox)
    plane.extend(lines)
    parent: dict[int, int] = {}
    size: dict[int, int] = {}

    def root(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    source = budget.source
    candidates, cost = budget.candidates, budget.grouping
    for line in lines:
        if isinstance(line, LTTextLineHorizontal):
            d = ratio * line.height
            area = (line.x0, line.y0 - d, line.x1, line.y1 + d)
        else:
            d = ratio * line.width
            area = (line.x0 - d, line.y0, line.x1 + d, line.y1)
        candidates += sum(1 for _ in plane.find(area))
        if candidates > MAX_NEIGHBOUR_CANDIDATES:
            raise DocumentReadError(source, TOO_DENSE)
        me = id(line)
        if me not in parent:
            parent[me], size[me] = me, 1
        for other in line.find_neighbors(plane, ratio):
            key = id(other)
            if key in parent:
                cost += size[root(key)]  # pdfminer copies that neighbour's whole box
            else:
                parent[key], size[key] = key, 1
            a, b = root(me), root(key)
            if a != b:
                parent[b] = a
                size[a] += size[b]
        cost += size[root(me)]
        if cost > MAX_GROUPING_COST:
            raise DocumentReadError(source, TOO_DENSE)
    budget.candidates, budget.grouping = candidates, cost


# --- bounded interpretation ----------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _classes() -> tuple[type, type]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import PDFStream, resolve1

    from .hidden import ClipTracking, HiddenFilter

    class BoundedInterpreter(ClipTracking, PDFPageInterpreter):
        """Counts the content-stream bytes of pages and forms, every time they are drawn (and
        tracks clipping for hidden.py)."""

        def execute(self, streams: Any) -> None:
            budget = _budget()
            if budget is not None:
                for obj in streams:
                    stream = resolve1(obj)
                    if isinstance(stream, PDFStream):
                        budget.add_content(_cost(stream.get_data()))
            super().execute(streams)

    class BoundedAggregator(HiddenFilter, PDFPageAggregator):
        """Counts glyphs, shapes and images as they are drawn, before they pile up; leaves out
        the glyphs nobody would see (hidden.py) and turns pages whose text runs sideways."""

        def render_char(self, *args: Any, **kwargs: Any) -> Any:
            _count()
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args: Any, **kwargs: Any) -> Any:
            _count()
            return super().paint_path(*args, **kwargs)

        def render_image(self, *args: Any, **kwargs: Any) -> Any:
            _count()
            return super().render_image(*args, **kwargs)

    return BoundedInterpreter, BoundedAggregator


def _count() -> None:
    budget = _budget()
    if budget is not None:
        budget.add_items()


def declared_page_count(document: Any) -> int:
    """The page tree root's /Count (0 when missing or not a number): read without parsing pages."""
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(document.catalog.get("Pages"))
        count = resolve1(pages.get("Count")) if isinstance(pages, dict) else None
    except Exception:  # a broken tree: the real count is checked page by page
        return 0
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


def pdfminer_layouts(data: bytes, source: str, limits: ReadLimits, laparams: Any) -> Iterator[Any]:
    """Each page's LTPage, as extract_pages() yields them, within the limits (module docstring).
    pdfminer's own exceptions (encryption, syntax) propagate for the caller to translate."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    install()
    interpreter_class, aggregator_class = _classes()
    budget = _state.budget = _Budget(source, limits)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        check_limit(source, limits, "max_pages", declared_page_count(document), "page count")
        resources = PDFResourceManager(caching=True)
        device = aggregator_class(resources, laparams=laparams)
        interpreter = interpreter_class(resources, device)
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            check_limit(source, limits, "max_pages", number, "page count")
            interpreter.process_page(page)
            yield device.get_result()
    finally:  # (runs when the caller closes or drops the generator, maybe after the next read began)
        if _budget() is budget:
            _state.budget = None


def _cost(data: bytes | None) -> int:
    return max(len(data or b""), MIN_STREAM_COST)


# --- a check before pypdfium2 --------------------------------------------------------------------


def check_before_pdfium(data: bytes, source: str, limits: ReadLimits) -> None:
    """pdfium decodes and draws natively, without our bounds (a 2 KB file of nested forms took
    24 GB and minutes). Before handing it a PDF, pdfminer reads the structure without drawing:
    the declared page count, every stream that is not an image decoded within the budget, and
    what drawing the pages would cost (content-stream bytes, each form times the times it is
    drawn, counted from its "Do" operators) against max_pdf_content_bytes. Raises
    LimitExceededError; any other problem is left for pdfium to judge."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream

    from ..errors import LimitExceededError

    install()
    budget = _state.budget = _Budget(source, limits)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        check_limit(source, limits, "max_pages", declared_page_count(document), "page count")
        for xref in document.xrefs:
            for objid in xref.get_objids():
                try:
                    obj = document.getobj(objid)
                    if isinstance(obj, PDFStream) and _name(obj.get("Subtype")) != "Image":
                        obj.get_data()
                except LimitExceededError:
                    raise
                except Exception:  # noqa: S112 - a broken object: pdfium may still read the rest
                    continue
        forms: dict[int, int] = {}
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            check_limit(source, limits, "max_pages", number, "page count")
            budget.add_content(_drawing_cost(page.contents, page.resources, forms, set(), budget))
    except LimitExceededError:
        raise
    except Exception:  # pdfminer cannot parse it (RecursionError included): pdfium's own judgement stands
        return
    finally:
        if _budget() is budget:
            _state.budget = None


def _name(value: Any) -> str:
    from pdfminer.psparser import PSLiteral

    if not isinstance(value, PSLiteral):
        return str(value)
    name = value.name  # str, or bytes for a name that is not text
    return name if isinstance(name, str) else name.decode("latin-1")


def _drawing_cost(streams: Any, resources: Any, forms: dict[int, int], active: set[int], budget: _Budget) -> int:
    """Content bytes interpreted to draw `streams`, each form counted as often as it is drawn."""
    from pdfminer.pdftypes import PDFStream, resolve1

    resources = resolve1(resources)
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    total = 0
    for obj in streams if isinstance(streams, list) else [streams]:
        stream = resolve1(obj)
        if not isinstance(stream, PDFStream):
            continue
        data = stream.get_data() or b""
        total += _cost(data)
        if not isinstance(xobjects, dict):
            continue
        for name in _DO.findall(data):
            form = resolve1(xobjects.get(name.decode("latin-1")))
            if isinstance(form, PDFStream) and _name(form.get("Subtype")) == "Form":
                total += _form_cost(form, resources, forms, active, budget)
            if total > budget.limits.max_pdf_content_bytes:
                return total
    return total


def _form_cost(form: Any, resources: Any, forms: dict[int, int], active: set[int], budget: _Budget) -> int:
    key = form.objid if form.objid is not None else id(form)
    if key in active:  # a form that draws itself: pdfium (like pdfminer) refuses the cycle
        return 0
    if key not in forms:
        active.add(key)
        try:
            forms[key] = _drawing_cost([form], form.get("Resources") or resources, forms, active, budget)
        finally:
            active.discard(key)
    return forms[key]


__all__ = ["check_before_pdfium", "declared_page_count", "install", "pdfminer_layouts"]
