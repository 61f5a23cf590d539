"""Hidden text: what a document holds but a person reading it does not see.

A CV can carry text nobody sees, to game a keyword matcher: PDF text drawn in render mode 3
(invisible) or 7 (clip only), in the colour of what lies beneath it (white on white), under
about 2 pt, outside the page (MediaBox / CropBox) or clipped away; DOCX runs marked hidden
(w:vanish), white, 2 pt or less, or only in a tracked move's source (w:moveFrom). The readers
leave such text out of the document's text and keep it, with the reason, in `Document.hidden`;
the report's warnings say how many characters were ignored and `cv-matcher text --show-hidden`
shows them.

This module holds the judgement shared by the readers (sizes, colours) and, for pdfminer, the
interpreter and device mixins that track clipping, render mode and what each glyph is drawn on.
pdfium's side is in pdf.py (it asks pdfium for the same facts per character).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

MIN_VISIBLE_SIZE = 2.0  # points: text smaller than this is not meant to be read
COLOUR_TOLERANCE = 0.08  # per RGB channel (0..1): closer to the background than this is unseen
PAGE_TOLERANCE = 1.0  # points: a glyph wholly outside the page (or clip) by this much is off it
MAX_SHAPES_LOOKED_AT = 400  # shapes searched (latest first) for what a glyph is drawn on
WHITE = (1.0, 1.0, 1.0)

# Reasons, as shown by `cv-matcher text --show-hidden`.
INVISIBLE = "invisible (render mode 3)"
SAME_COLOUR = "same colour as the background"
TINY = "smaller than 2 pt"
OFF_PAGE = "outside the page"
CLIPPED = "clipped away"
VANISH = "marked hidden"
MOVED_FROM = "moved-away tracked text"

RGB = tuple[float, float, float]
Rect = tuple[float, float, float, float]


def hidden_chars(hidden: Iterable[tuple[str, str]]) -> int:
    """Characters of hidden text (spaces not counted) in a Document.hidden."""
    return sum(sum(1 for ch in text if not ch.isspace()) for _reason, text in hidden)


def hidden_warning(hidden: Sequence[tuple[str, str]]) -> str | None:
    """The report warning for a document's hidden text, or None when it has none."""
    count = hidden_chars(hidden)
    if not count:
        return None
    reasons = ", ".join(dict.fromkeys(reason for reason, _text in hidden))
    return f"{count:,} characters of hidden text ignored ({reasons}); `cv-matcher text --show-hidden` shows them"


def all_hidden(hidden: Sequence[tuple[str, str]]) -> str:
    """The problem when a document's only text is hidden."""
    reasons = ", ".join(dict.fromkeys(reason for reason, _text in hidden))
    return f"all of its text is hidden ({hidden_chars(hidden):,} characters: {reasons})"


# Characters that change how text is displayed without being seen: bidirectional controls
# (U+202E turns "cv.fdp" into what looks like "cv.pdf"), zero-width characters, other format
# characters (Unicode category Cf) and controls. `clean_text` removes them from a document's text;
# `shown_safely` makes any that remain in something printed (a name, a message) visible.
def shown_safely(text: str) -> str:
    """`text` with every invisible format or control character shown as <U+XXXX> (newlines and
    tabs kept)."""
    import unicodedata

    if text.isascii() and text.isprintable():
        return text
    return "".join(f"<U+{ord(ch):04X}>" if (unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs") and ch not in "\n\t")
                   else ch for ch in text)


def close_colours(a: RGB | None, b: RGB | None) -> bool:
    return a is not None and b is not None and all(abs(x - y) <= COLOUR_TOLERANCE for x, y in zip(a, b))


def to_rgb(colour: Any, components: int | None = None) -> RGB | None:
    """A PDF colour (gray, RGB or CMYK by its number of components) as RGB 0..1; None when it
    cannot be told (a pattern, a separation, a malformed value)."""
    if isinstance(colour, (int, float)) and not isinstance(colour, bool):
        values: list[float] = [float(colour)]
    elif isinstance(colour, (list, tuple)) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in colour):
        values = [float(v) for v in colour]
    else:
        return None
    if components is not None and components != len(values):
        return None
    if not all(math.isfinite(v) for v in values):
        return None
    values = [min(1.0, max(0.0, v)) for v in values]
    if len(values) == 1:
        return values[0], values[0], values[0]
    if len(values) == 3:
        return values[0], values[1], values[2]
    if len(values) == 4:
        c, m, y, k = values
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    return None


def _components(colour_space: Any) -> int | None:
    """Components of a pdfminer colour space when it is a device or ICC space, else None."""
    name = getattr(colour_space, "name", "")
    if name in ("DeviceGray", "CalGray", "G"):
        return 1
    if name in ("DeviceRGB", "CalRGB", "RGB"):
        return 3
    if name in ("DeviceCMYK", "CMYK"):
        return 4
    if name == "ICCBased":
        n = getattr(colour_space, "ncomponents", None)
        return n if n in (1, 3, 4) else None
    return None


def _norm_rect(x0: float, y0: float, x1: float, y1: float) -> Rect:
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _intersect(a: Rect | None, b: Rect) -> Rect:
    if a is None:
        return b
    return max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])


def _inside(rect: Rect, x: float, y: float, tolerance: float = 0.0) -> bool:
    return rect[0] - tolerance <= x <= rect[2] + tolerance and rect[1] - tolerance <= y <= rect[3] + tolerance


def _overlaps(rect: Rect, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether any part of a glyph's box lies in `rect` (a glyph cut in half is still read)."""
    return x0 < rect[2] + PAGE_TOLERANCE and rect[0] - PAGE_TOLERANCE < x1 \
        and y0 < rect[3] + PAGE_TOLERANCE and rect[1] - PAGE_TOLERANCE < y1


def lines_of(chars: list[tuple[str, float, float, float, str]]) -> list[tuple[str, str]]:
    """Hidden glyphs (reason, x, y, size, text) in drawing order as (reason, text) lines: a new
    line where the reason changes or the baseline moves by half a glyph."""
    out: list[tuple[str, str]] = []
    prev: tuple[str, float, float, float, str] | None = None
    parts: list[str] = []
    for char in chars:
        reason, x, y, size, text = char
        if prev is not None and (reason != prev[0] or abs(y - prev[2]) > 0.5 * max(size, prev[3], 0.1)):
            out.append((prev[0], "".join(parts).strip()))
            parts = []
        elif prev is not None and x - prev[1] > 1.5 * max(size, prev[3], 0.1) and not text.isspace():
            parts.append(" ")  # the next word (pdfminer draws no space glyph between them)
        parts.append(text)
        prev = (reason, x + 0.5 * max(size, 0.1) * max(len(text), 1), y, size, text)
    if prev is not None:
        out.append((prev[0], "".join(parts).strip()))
    return [line for line in out if line[1]]


# --- pdfminer ------------------------------------------------------------------------------------


class ClipTracking:
    """PDFPageInterpreter mixin: tracks the clipping region as a rectangle in device space (the
    bounding box of each clip path, intersected; q/Q save and restore it; a form inherits its
    caller's) and hands it to the device, which also learns the text render mode."""

    _clip: Rect | None = None
    _pending_clip: Rect | None = None
    _parent_clip: Rect | None = None

    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)  # type: ignore[misc]
        self._clip = self._parent_clip
        self._clips: list[Rect | None] = []
        self._pending_clip = None
        self._tell_device()

    def _tell_device(self) -> None:
        self.device.hidden_clip = self._clip  # type: ignore[attr-defined]

    def dup(self) -> Any:
        interp = super().dup()  # type: ignore[misc]
        interp._parent_clip = self._clip
        return interp

    def do_q(self) -> None:
        self._clips.append(self._clip)
        super().do_q()  # type: ignore[misc]

    def do_Q(self) -> None:
        if self.gstack:  # type: ignore[attr-defined]
            self._clip = self._clips.pop() if self._clips else self._parent_clip
            self._tell_device()
        super().do_Q()  # type: ignore[misc]

    def _mark_clip(self) -> None:
        from pdfminer.utils import apply_matrix_pt

        points = [apply_matrix_pt(self.ctm, seg[-2:]) for seg in self.curpath if len(seg) >= 3]  # type: ignore[attr-defined]
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            self._pending_clip = (min(xs), min(ys), max(xs), max(ys))

    def do_W(self) -> None:
        self._mark_clip()
        super().do_W()  # type: ignore[misc]

    def do_W_a(self) -> None:
        self._mark_clip()
        super().do_W_a()  # type: ignore[misc]

    def _apply_clip(self) -> None:
        # The clip set by W takes effect when the path is ended (n, or a painting operator).
        if self._pending_clip is not None:
            self._clip = _intersect(self._clip, self._pending_clip)
            self._pending_clip = None
            self._tell_device()

    def do_Do(self, xobjid: Any) -> None:
        super().do_Do(xobjid)  # type: ignore[misc]
        self._tell_device()  # the form's own clips end with it


def _ends_path(name: str) -> Any:
    def method(self: Any, *args: Any) -> Any:
        result = getattr(super(ClipTracking, self), name)(*args)
        self._apply_clip()
        return result

    method.__name__ = name
    return method


for _op in ("do_n", "do_f", "do_F", "do_f_a", "do_S", "do_s", "do_B", "do_B_a", "do_b", "do_b_a"):
    setattr(ClipTracking, _op, _ends_path(_op))


def mult_matrix(m1: Any, m0: Any) -> tuple[float, ...]:
    from pdfminer.utils import mult_matrix as multiply

    return multiply(m1, m0)


class HiddenFilter:
    """PDFLayoutAnalyzer mixin: glyphs a reader would not see are taken out of the page before
    layout and kept on it as `page.hidden` [(reason, text)]. A glyph is hidden when drawn in
    render mode 3 or 7, smaller than MIN_VISIBLE_SIZE, with its centre outside the crop box or
    the clipping rectangle, or in the colour of the latest filled shape beneath it (the white
    page when there is none; an image beneath it is never judged)."""

    hidden_clip: Rect | None = None
    _string_reason: str | None = None
    _string_colour: RGB | None = None

    def begin_page(self, page: Any, ctm: Any) -> None:
        super().begin_page(page, ctm)  # type: ignore[misc]
        from pdfminer.utils import apply_matrix_rect

        self._hidden: list[tuple[str, float, float, float, str]] = []
        self._shapes: list[tuple[Rect, RGB | None]] = []
        self._page_box: Rect | None = None
        try:
            media = _norm_rect(*apply_matrix_rect(ctm, page.mediabox))
            crop = _norm_rect(*apply_matrix_rect(ctm, page.cropbox)) if page.cropbox else media
            box = _intersect(media, crop)
            if box[2] - box[0] >= 72 and box[3] - box[1] >= 72:  # a broken box (zero, tiny): not judged
                self._page_box = box
        except Exception:  # noqa: BLE001, S110 - a malformed box: the page is not judged by it
            pass

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> Any:
        # Render mode, size and colour are the same for every glyph of a string: judged once.
        mode = textstate.render
        self._string_reason: str | None = None
        self._string_colour: RGB | None = None
        if mode in (3, 7):
            self._string_reason = INVISIBLE
        else:
            try:
                _a, _b, c, d, _e, _f = mult_matrix(textstate.matrix, self.ctm)  # type: ignore[attr-defined]
                size = abs(float(textstate.fontsize)) * math.hypot(c, d)
            except (TypeError, ValueError):
                size = MIN_VISIBLE_SIZE
            if size < MIN_VISIBLE_SIZE:
                self._string_reason = TINY
            elif mode in (1, 5):
                self._string_colour = to_rgb(graphicstate.scolor, _components(graphicstate.scs))
            else:
                self._string_colour = to_rgb(graphicstate.ncolor, _components(graphicstate.ncs))
        return super().render_string(textstate, seq, ncs, graphicstate)  # type: ignore[misc]

    def render_char(self, matrix: Any, font: Any, fontsize: Any, scaling: Any, rise: Any, cid: Any, ncs: Any,
                    graphicstate: Any) -> Any:
        adv = super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)  # type: ignore[misc]
        container = self.cur_item  # type: ignore[attr-defined]
        item = container._objs[-1]
        reason = self._string_reason or self._position_reason(item)
        if reason is not None:
            container._objs.pop()
            self._hidden.append((reason, item.x0, (item.y0 + item.y1) / 2, item.size, item.get_text()))
        return adv

    def _position_reason(self, item: Any) -> str | None:
        x0, y0, x1, y1 = item.x0, item.y0, item.x1, item.y1
        if self._page_box is not None and not _overlaps(self._page_box, x0, y0, x1, y1):
            return OFF_PAGE
        clip = self.hidden_clip
        if clip is not None and not _overlaps(clip, x0, y0, x1, y1):
            return CLIPPED
        colour = self._string_colour
        if colour is not None and close_colours(colour, self._background((x0 + x1) / 2, (y0 + y1) / 2)):
            return SAME_COLOUR
        return None

    def _background(self, x: float, y: float) -> RGB | None:
        for rect, colour in reversed(self._shapes[-MAX_SHAPES_LOOKED_AT:]):
            if _inside(rect, x, y):
                return colour
        return WHITE

    def paint_path(self, gstate: Any, stroke: Any, fill: Any, evenodd: Any, path: Any) -> Any:
        result = super().paint_path(gstate, stroke, fill, evenodd, path)  # type: ignore[misc]
        if fill and sum(1 for seg in path if seg[0] == "m") == 1:  # (pdfminer recurses on each subpath)
            from pdfminer.utils import apply_matrix_pt

            points = [apply_matrix_pt(self.ctm, seg[-2:]) for seg in path if len(seg) >= 3]  # type: ignore[attr-defined]
            if len(points) >= 3:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                rect = (min(xs), min(ys), max(xs), max(ys))
                clip = self.hidden_clip
                if clip is not None:
                    rect = _intersect(clip, rect)
                self._shapes.append((rect, to_rgb(gstate.ncolor, _components(gstate.ncs))))
        return result

    def render_image(self, name: Any, stream: Any) -> Any:
        result = super().render_image(name, stream)  # type: ignore[misc]
        item = self.cur_item  # type: ignore[attr-defined]
        self._shapes.append(((item.x0, item.y0, item.x1, item.y1), None))  # what lies under text on it: unknown
        return result

    def end_page(self, page: Any) -> Any:
        self.cur_item.hidden = lines_of(self._hidden)  # type: ignore[attr-defined]
        self._hidden, self._shapes = [], []
        turn_upright(self.cur_item)  # type: ignore[attr-defined]
        return super().end_page(page)  # type: ignore[misc]


# --- rotated pages (pdfminer) --------------------------------------------------------------------


def _glyphs(container: Any) -> Iterable[Any]:
    from pdfminer.layout import LTChar, LTFigure

    for item in container:
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTFigure):
            yield from _glyphs(item)


def text_turn(page: Any) -> int:
    """How far (0, 90, 180 or 270 degrees, anticlockwise) most of a page's glyphs are turned
    from upright, counting glyphs by the direction of their baseline."""
    votes = [0, 0, 0, 0]
    for char in _glyphs(page):
        a, b = char.matrix[0], char.matrix[1]
        if a or b:
            votes[round(math.degrees(math.atan2(b, a)) / 90) % 4] += 1
    best = max(range(4), key=lambda i: votes[i])
    return 90 * best if votes[best] > votes[0] else 0


def turn_upright(page: Any) -> None:
    """Turn a page whose text mostly runs up, down or upside down (a /Rotate that does not match
    how the text was drawn, a landscape page) so that it reads left to right: every item's box is
    turned, then the page's, before layout. Otherwise pdfminer makes each glyph a line."""
    turn = text_turn(page)
    if not turn:
        return
    width, height = page.width, page.height
    x_origin, y_origin = page.x0, page.y0

    def turned(x: float, y: float) -> tuple[float, float]:
        x, y = x - x_origin, y - y_origin
        if turn == 90:  # text runs up: turn the page clockwise
            return y, width - x
        if turn == 270:  # text runs down: anticlockwise
            return height - y, x
        return width - x, height - y

    def turn_box(item: Any) -> None:
        (ax, ay), (bx, by) = turned(item.x0, item.y0), turned(item.x1, item.y1)
        item.set_bbox(_norm_rect(ax, ay, bx, by))
        if hasattr(item, "size") and hasattr(item, "matrix"):  # LTChar: its size is its new height
            item.size = item.height
        if hasattr(item, "_objs") and item is not page:
            for child in item:
                turn_box(child)

    for item in page:
        turn_box(item)
    page.set_bbox((0, 0, height, width) if turn in (90, 270) else (0, 0, width, height))


# --- pdfium --------------------------------------------------------------------------------------


def _pdfium_rect(getter: Any, obj: Any) -> Rect | None:
    import ctypes

    values = [ctypes.c_float() for _ in range(4)]
    if not getter(obj, *values):
        return None
    rect = tuple(v.value for v in values)
    return rect if all(math.isfinite(v) for v in rect) else None  # type: ignore[return-value]


def _pdfium_colour(getter: Any, obj: Any) -> tuple[RGB | None, int]:
    import ctypes

    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return None, 255
    return (r.value / 255, g.value / 255, b.value / 255), a.value


def _pdfium_shapes(page: Any) -> tuple[dict[bytes, int], list[tuple[int, Rect, RGB | None]], bool]:
    """The page's top-level objects: {text object address: drawing order}, the filled paths
    and images (what text can be drawn on) with their order, box and colour (None: unknown),
    and whether it has form objects (which hold objects of their own)."""
    import ctypes

    from pypdfium2 import raw

    order: dict[bytes, int] = {}
    shapes: list[tuple[int, Rect, RGB | None]] = []
    forms = False
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            forms = True
        elif kind == raw.FPDF_PAGEOBJ_TEXT:
            order[bytes(obj)] = k  # the pointer's bytes: its address, and much cheaper than a cast
        elif kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING):
            colour: RGB | None = None
            if kind == raw.FPDF_PAGEOBJ_PATH:
                fill, stroke = ctypes.c_int(), ctypes.c_int()
                if not raw.FPDFPath_GetDrawMode(obj, fill, ctypes.byref(stroke)) or not fill.value:
                    continue  # stroked only: a line, not a background
                colour, alpha = _pdfium_colour(raw.FPDFPageObj_GetFillColor, obj)
                if alpha < 128:
                    continue  # see-through
            rect = _pdfium_rect(raw.FPDFPageObj_GetBounds, obj)
            if rect is not None:
                shapes.append((k, rect, colour))
    return order, shapes, forms


def _pdfium_clip(obj: Any) -> Rect | None:
    """The bounding box of an object's clip paths, intersected (page space), or None."""
    import ctypes

    from pypdfium2 import raw

    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    region: Rect | None = None
    for k in range(raw.FPDFClipPath_CountPaths(clip)):
        xs: list[float] = []
        ys: list[float] = []
        for j in range(raw.FPDFClipPath_CountPathSegments(clip, k)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, k, j)
            x, y = ctypes.c_float(), ctypes.c_float()
            if segment and raw.FPDFPathSegment_GetPoint(segment, x, y):
                xs.append(x.value)
                ys.append(y.value)
        if xs:
            region = _intersect(region, (min(xs), min(ys), max(xs), max(ys)))
    return region


def pdfium_hidden(page: Any, textpage: Any) -> tuple[set[int], list[tuple[str, str]]]:
    """pdfium's side of HiddenFilter: the indices of a page's characters a reader would not see
    (by their text object: render mode, alpha, size, colour against the latest filled shape or
    image drawn before it beneath it; by each character's box: off the page or clipped away), and
    those characters as (reason, text) lines."""
    from pypdfium2 import raw

    try:
        media = _norm_rect(*page.get_mediabox())
        crop = _norm_rect(*page.get_cropbox())
        box: Rect | None = _intersect(media, crop)
        if box is None or box[2] - box[0] < 72 or box[3] - box[1] < 72:
            box = None
    except Exception:  # noqa: BLE001 - a malformed box: the page is not judged by it
        box = None
    order, shapes, forms = _pdfium_shapes(page)
    tp = textpage.raw
    cache: dict[bytes, tuple[str | None, bool, Rect | None, float]] = {}
    if not forms and _all_plainly_visible(page, order, shapes, box, cache):
        return set(), []  # every character's text object is on the page: none can be hidden
    hidden: set[int] = set()
    chars: list[tuple[str, float, float, float, str]] = []
    for i in range(textpage.count_chars()):
        obj = raw.FPDFText_GetTextObject(tp, i)
        if not obj:
            continue  # a generated space or line break
        key = bytes(obj)
        info = cache.get(key)
        if info is None:
            info = cache[key] = _pdfium_object(obj, order.get(key), shapes, box)
        reason, check_position, clip, size = info
        if reason is None and not check_position:
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        if reason is None:
            if box is not None and not _overlaps(box, left, bottom, right, top):
                reason = OFF_PAGE
            elif clip is not None and not _overlaps(clip, left, bottom, right, top):
                reason = CLIPPED
            else:
                continue
        code = raw.FPDFText_GetUnicode(tp, i)
        hidden.add(i)
        chars.append((reason, left, (bottom + top) / 2, size, chr(code) if 0 < code < 0xD800 or 0xDFFF < code <= 0x10FFFF else ""))
    return hidden, lines_of(chars)


def _all_plainly_visible(page: Any, order: dict[bytes, int], shapes: list[tuple[int, Rect, RGB | None]], box: Rect | None,
                         cache: dict[bytes, tuple[str | None, bool, Rect | None, float]]) -> bool:
    """Whether every text object of a page without forms is seen whole (no reason, and its
    bounds inside the page and its clip): then no character needs looking at one by one (a
    page's characters belong to its text objects, which are all top-level when it has no form).
    The objects judged are left in `cache` for the character loop otherwise."""
    from pypdfium2 import raw

    for key, index in order.items():
        obj = raw.FPDFPage_GetObject(page.raw, index)
        info = cache[key] = _pdfium_object(obj, index, shapes, box)
        if info[0] is not None or info[1]:
            return False
    return True


def _pdfium_object(obj: Any, index: int | None, shapes: list[tuple[int, Rect, RGB | None]],
                   box: Rect | None) -> tuple[str | None, bool, Rect | None, float]:
    """(reason or None, whether each character's position must be checked, clip, size) for one
    text object."""
    import ctypes

    from pypdfium2 import raw

    size_value = ctypes.c_float()
    size = abs(size_value.value) if raw.FPDFTextObj_GetFontSize(obj, size_value) else 10.0
    matrix = raw.FS_MATRIX()
    if raw.FPDFPageObj_GetMatrix(obj, matrix):
        size *= math.hypot(matrix.c, matrix.d)
    mode = raw.FPDFTextObj_GetTextRenderMode(obj)
    if mode in (3, 7):
        return INVISIBLE, False, None, size
    stroked = mode in (1, 5)
    colour, alpha = _pdfium_colour(raw.FPDFPageObj_GetStrokeColor if stroked else raw.FPDFPageObj_GetFillColor, obj)
    if alpha == 0:
        return INVISIBLE, False, None, size
    if size < MIN_VISIBLE_SIZE:
        return TINY, False, None, size
    bounds = _pdfium_rect(raw.FPDFPageObj_GetBounds, obj)
    clip = _pdfium_clip(obj)
    if bounds is None:
        return None, True, clip, size
    inside = (box is None or _contains(box, bounds)) and (clip is None or _contains(clip, bounds))
    x, y = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    background: RGB | None = WHITE
    looked = 0
    for k, rect, shape_colour in reversed(shapes):
        if index is not None and k > index:
            continue
        looked += 1
        if looked > MAX_SHAPES_LOOKED_AT:
            break
        if _inside(rect, x, y):
            background = shape_colour
            break
    if close_colours(colour, background):
        return SAME_COLOUR, False, None, size
    return None, not inside, clip, size


def _contains(outer: Rect, inner: Rect) -> bool:
    return (outer[0] - PAGE_TOLERANCE <= inner[0] and inner[2] <= outer[2] + PAGE_TOLERANCE
            and outer[1] - PAGE_TOLERANCE <= inner[1] and inner[3] <= outer[3] + PAGE_TOLERANCE)
