"""Years of experience (date ranges and "5+ years" phrases) and the most recent job title."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from bisect import bisect_right
from typing import Iterable, Protocol, Sequence

from .lowercase import LowerCasePattern
from .models import Document, Evidence

MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
# At most six letters after the three ("sep" + "tember"): an unbounded [a-z]* made a long run of
# letters ("janjanjan...", 120 KB) cost hours, every start scanning to the run's end.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?"
_POINT = r"(?:(?P<{p}m>MONTH)\s*,?\s*|(?P<{p}n>\d{{1,2}})\s*[/.-]\s*)?(?P<{p}y>(?:19|20)\d{{2}})"
_OPEN = r"(?P<now>present|current|now|date|today|ongoing)"
# The lookahead: every range starts with a month's first letter or a digit; testing that first
# lets the scan pass over the other positions without trying each month name there (half the time).
# Both are matched on the lower-cased text where that finds the same (lowercase.py): twice as fast.
RANGE_RE = LowerCasePattern(
    r"(?=[jfmasond0-9])" + _POINT.format(p="a").replace("MONTH", _MONTH)
    + r"\s*(?:-|–|—|to|until|till)\s*(?:" + _POINT.format(p="b").replace("MONTH", _MONTH) + "|" + _OPEN + r")",
)
YEARS_PHRASE_RE = LowerCasePattern(  # (the lookahead as RANGE_RE's: a digit or the first letter of an alternative)
    r"(?=[\deom])(?:(?P<n>\d{1,2})\s*(?:\+|plus)?\s*(?:years?|yrs?)['’]?\s+(?:of\s+)?(?:[\w/&-]+\s+){0,4}?(?:experience|exp\b)"
    r"|(?:experience|exp)\s+of\s+(?:over\s+)?(?P<m>\d{1,2})\s*\+?\s*(?:years?|yrs?)"
    r"|(?:over|more than)\s+(?P<o>\d{1,2})\s+years)",
)


def _month_index(month: str | None, num: str | None, year: str, end: bool) -> int:
    if month:
        m = MONTHS.get(month[:3].lower(), 1)
    elif num and 1 <= int(num) <= 12:
        m = int(num)
    else:
        m = 12 if end else 1
    return int(year) * 12 + m - 1


_DIGITS = re.compile(r"\d+")


def _years_named(text: str) -> list[int]:
    """The years a text names: runs of exactly four digits that start 19 or 20 (what
    (?<!\\d)(?:19|20)\\d{2}(?!\\d) finds, found as digit runs: re skips to the digits in C)."""
    return [int(run) for run in _DIGITS.findall(text) if len(run) == 4 and run[:2] in ("19", "20")]


def written_month(text: str, today: date | None = None, *, after_latest: int = 24) -> int:
    """When the document was written, as a month index: what "Present" and "Current" mean in it.

    A CV says "2014 to Current" and is read years later; taking today for "Current" would give
    every old CV's current job years it never had. A document is written after the latest date it
    names, so "Current" is read as `after_latest` months past the latest year named (a typical
    time in the current job), never past today."""
    today = today or date.today()
    now = today.year * 12 + today.month - 1
    years = [y for y in _years_named(text) if y <= today.year]
    if not years:
        return now
    return min(now, max(years) * 12 + after_latest)


def date_ranges(text: str, today: date | None = None, *, present: int | None = None) -> list[tuple[int, int, int, int]]:
    """(start_month_index, end_month_index, char_start, char_end) for each range in `text`;
    an open end ("to Present") is the month `present` (default: `written_month(text, today)`)."""
    today = today or date.today()
    now = present if present is not None else written_month(text, today)
    out = []
    for m in RANGE_RE.finditer(text):
        start = _month_index(m.group("am"), m.group("an"), m.group("ay"), end=False)
        end = now if m.group("now") else _month_index(m.group("bm"), m.group("bn"), m.group("by"), end=True)
        if start <= end <= now + 1 and end - start < 50 * 12:
            out.append((start, end, m.start(), m.end()))
    return out


def _merged_months(ranges: Iterable[tuple[int, int]]) -> int:
    total, cur = 0, None
    for s, e in sorted(ranges):
        if cur is None or s > cur[1] + 1:
            if cur:
                total += cur[1] - cur[0] + 1
            cur = [s, e]
        else:
            cur[1] = max(cur[1], e)
    if cur:
        total += cur[1] - cur[0] + 1
    return total


def _work_text_spans(doc: Document) -> list[tuple[int, int]]:
    """Where jobs are listed: the experience sections, or everything but education if none."""
    exp = [(s.start, s.body_end) for s in doc.sections if s.kind == "experience"]
    if exp:
        return exp
    edu = [(s.start, s.body_end) for s in doc.sections if s.kind in ("education", "certifications")]
    spans, pos = [], 0
    for s, e in sorted(edu):
        spans.append((pos, s))
        pos = e
    spans.append((pos, len(doc.text)))
    return spans


def work_ranges(doc: Document, today: date | None = None) -> list[tuple[int, int, int]]:
    """(start month, end month, offset in the document) of each date range in the work sections.
    Years, the latest title and recency all need them; they are found once per document."""
    return _work_ranges(doc, today or date.today())


@lru_cache(maxsize=32)
def _work_ranges(doc: Document, today: date) -> list[tuple[int, int, int]]:
    present = written_month(doc.text, today)
    return [(a, b, s + cs) for s, e in _work_text_spans(doc) for a, b, cs, _ in date_ranges(doc.text[s:e], today, present=present)]


def experience_years(doc: Document, today: date | None = None) -> float | None:
    """Years of work: merged date ranges of the experience section, or a stated "N+ years"."""
    ranges = [(a, b) for a, b, _ in work_ranges(doc, today)]
    from_dates = _merged_months(ranges) / 12 if ranges else 0.0
    stated = 0.0
    for m in YEARS_PHRASE_RE.finditer(doc.text):
        n = int(m.group("n") or m.group("m") or m.group("o"))
        if n <= 45:
            stated = max(stated, float(n))
    best = max(from_dates, stated)
    return round(best, 1) if best > 0 else None


def is_plural_title(text: str) -> bool:
    """Whether a title names several people: its head noun (the first word of "X of Y", else the
    last word) is a plural."""
    words = text.split()
    if not words:
        return False
    lowered = [w.lower() for w in words]
    head = words[0] if "of" in lowered[1:] else words[-1]
    head = head.lower().strip(".,;:()")
    return len(head) > 3 and head.endswith("s") and not head.endswith(("ss", "us", "is"))


def recent_title(doc: Document, evidence: Iterable[Evidence], today: date | None = None) -> Evidence | None:
    """The title nearest to the experience entry that ends latest; else the first title seen.
    A plural ("Project Managers") names the people around the role, never its own title."""
    titles = [e for e in evidence if e.kind == "title" and not is_plural_title(e.text)]
    if not titles:
        return None
    best: tuple[int, Evidence] | None = None
    for _, b, pos in work_ranges(doc, today):
        near = [t for t in titles if abs(t.start - pos) < 160]
        if near:
            nearest = min(near, key=lambda t: abs(t.start - pos))
            if best is None or b > best[0]:
                best = (b, nearest)
    if best is not None:
        return best[1]
    in_exp = [t for t in titles if t.section == "experience"]
    return (in_exp or titles)[0]


class Recency(Protocol):
    """A finding's weight by its offset (`either_side`: between two jobs, the nearer one's)."""

    def __call__(self, pos: int, *, either_side: bool = False) -> float: ...


def _flat(pos: int, *, either_side: bool = False) -> float:
    return 1.0


def recency(doc: Document, weights: Sequence[float], today: date | None = None) -> Recency:
    """Weight of a finding by how recent the job it sits under is: a recruiter reads the latest
    role first. Jobs are the date ranges of the work sections, ranked by their end (ties share a
    rank); a finding belongs to the nearest range before it (or, for a job title, the nearest
    range either side). Text outside the work sections (summary, skills) describes the present: 1.0."""
    spans = _work_text_spans(doc)
    blocks = sorted((pos, end) for _, end, pos in work_ranges(doc, today))
    if len({end for _, end in blocks}) < 2 or not weights:
        return _flat
    ends = sorted({end for _, end in blocks}, reverse=True)
    weight_of_end = {end: weights[min(i, len(weights) - 1)] for i, end in enumerate(ends)}
    starts = [pos for pos, _ in blocks]

    def weight(pos: int, *, either_side: bool = False) -> float:
        if not any(s <= pos < e for s, e in spans):
            return 1.0
        i = bisect_right(starts, pos) - 1
        if either_side and i + 1 < len(blocks) and (i < 0 or blocks[i + 1][0] - pos < pos - blocks[i][0]):
            i += 1
        return weight_of_end[blocks[max(i, 0)][1]]

    return weight
