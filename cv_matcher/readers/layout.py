"""Reading order for one PDF page, from text boxes with positions (pure geometry, no pdfminer).

pdfminer's own box ordering interleaves a sidebar with the main column line by line. We order its
boxes ourselves: find a vertical gutter that splits the page into a left and a right group with
substantial content each, then read each column top to bottom; boxes that cross the gutter (a
name banner, a full-width contact line) split the page into bands read in order. Within a column,
pieces of one visual line that pdfminer put in separate boxes are joined again.

Coordinates are PDF points with the origin at the bottom left: a larger y is higher on the page.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

MIN_SIDE_SHARE = 0.12  # each column holds at least this share of the page's characters
MAX_SPAN_SHARE = 0.30  # boxes crossing the gutter hold at most this share
MIN_GUTTER = 6.0  # points of empty space between the columns
ROW_TOLERANCE = 2.0  # boxes whose tops differ by less are on the same row (read left to right)
# Column detection and fragment merging are quadratic in a page's lines (2,000 took 8 s). A page
# with more (glyphs scattered one by one, as a hostile or broken PDF draws them; a CV page has
# under 200) is read top to bottom, left to right, without them.
MAX_ORDERED_LINES = 500


class Line(NamedTuple):
    """One line of text and its bounding box."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(slots=True, eq=False)
class Box:
    """A text box: lines that belong together (a paragraph, a heading, a date). Mutable, compared
    by identity: merge_fragments() moves lines between boxes."""

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
    if sum(len(box.lines) for box in boxes) > MAX_ORDERED_LINES:
        return [line for box in _rows(boxes) for line in box.lines]
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
