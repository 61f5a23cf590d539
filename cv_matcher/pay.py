"""Pay in adverts (and CVs that state a rate): figures, ranges, currency, period, contract type.

Handles "£325–£375 per day", "£29,970 - £36,483", "$78k-$92k", "£12.80/hr", "up to £750 p/d",
"From 25,000 to 30,000 per year", and public-sector grades ("Band 5", "Grade 7", "SEO") whose
money comes from the lexicon (ladder.toml [pay.grades]). Masked figures ("****") are skipped.
"""
from __future__ import annotations

import re
import sys
from typing import Mapping

from .lowercase import LowerCasePattern
from .models import Pay
from .settings import Pair, PaySettings

# The patterns of words (LowerCasePattern) are matched on the lower-cased text where that finds the
# same (lowercase.py): several times faster than IGNORECASE. Their groups may come lower-cased.
CURRENCY_SIGNS = {"£": "GBP", "$": "USD", "€": "EUR"}
CURRENCY_WORDS = {"gbp": "GBP", "usd": "USD", "eur": "EUR", "pounds": "GBP", "dollars": "USD", "euros": "EUR"}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT = r"(?P<{n}c>[£$€])?\s?(?P<{n}>NUM)(?![.,]?\d)(?!\s?(?:bn|m|mn|million|billion|%)\b)\s?(?P<{n}k>[kK](?![a-z]))?"
# one figure or a range: "£325", "£325-£375", "25,000 to 30,000", "$78k-$92k"
PAY_RE = re.compile(
    r"(?P<upto>up to\s+|upto\s+|to\s+)?"
    + _AMOUNT.format(n="lo").replace("NUM", _NUM)
    + r"(?:\s*(?:-|–|—|to)\s*" + _AMOUNT.format(n="hi").replace("NUM", _NUM) + r")?"
    + r"(?P<tail>\s*(?:GBP|USD|EUR|pounds)?\s*(?:\+\s*\w+\s*)?"
    + r"(?:per\s+(?:hour|hr|day|annum|year|month|week)|p\.?\s?a\.?(?![a-z])|p/?h(?![a-z])|p/?d(?![a-z])|/\s?(?:hr|hour|h|day|d|annum|year|yr|pa)(?![a-z])"
    + r"|an?\s+(?:hour|day|year)|hourly|daily|annually|pro[ -]rata|day rate)?)",
    re.IGNORECASE,
)
GRADE_RE = LowerCasePattern(r"\b(band\s?[2-9][abcd]?|grade\s?[67]|g[67]|heo|seo|eo|ao|aa)\b")
PERIOD_WORDS = [("hour", "hour"), ("hr", "hour"), ("p/h", "hour"), ("ph", "hour"), ("/h", "hour"), ("day", "day"), ("p/d", "day"), ("pd", "day"),
                ("/d", "day"), ("daily", "day"), ("annum", "year"), ("year", "year"), ("yr", "year"), ("p.a", "year"), ("pa", "year"),
                ("annually", "year"), ("month", "month"), ("week", "week")]
CONTRACT_RE = LowerCasePattern(r"\b(permanent|perm|contract|contractor|fixed[- ]term|temporary|temp|interim|freelance)\b")
IR35_RE = LowerCasePattern(r"\b(inside|outside)\s+(?:of\s+)?ir35\b", needs="ir35")
PAY_WORDS = re.compile(r"salary|rate|pay|package|compensation|remuneration|wage|benefits|bonus|pension|per\s+(?:annum|day|hour)|"
                       r"\bp\.?a\.?\b|ir35|contract|permanent|\bperm\b|\bote\b|earning|paid", re.IGNORECASE)
YEAR_RE = re.compile(r"(?:19[5-9]|20[0-4])\d")
SALARY_CUE = LowerCasePattern(r"salary|rate|pay|£|\$|€|per\s+(?:day|annum|hour)|p\.?a\.?\b|ir35|band|grade")


def _value(num: str, k: str | None) -> float:
    v = float(num.replace(",", ""))
    return v * 1000 if k else v


def _period(tail: str, low: float) -> str:
    t = tail.lower().replace(" ", "")
    for word, period in PERIOD_WORDS:
        if word.replace(" ", "") in t:
            return period
    # No period written: the size of the figure tells it (UK pay conventions).
    if low < 100:
        return "hour"
    if low < 2000:
        return "day"
    return "year"


def _kind_of(text: str, endpos: int = sys.maxsize) -> str | None:
    kinds = {m.group(1).lower().replace(" ", "-") for m in CONTRACT_RE.finditer(text, 0, endpos)}
    if kinds & {"permanent", "perm"}:
        return "permanent"
    if kinds & {"contract", "contractor", "interim", "freelance"}:
        return "contract"
    if kinds & {"temporary", "temp", "fixed-term"}:
        return "temporary"
    return None


JOB_TYPE_LINE = LowerCasePattern(r"^\s*(?:contract|job type|employment(?: type)?|type|contract type|duration)\s*:.*$", re.MULTILINE)


def _employment(text: str, pay_line: str = "") -> tuple[str | None, str | None]:
    """Permanent / contract / temporary, from the pay line, a "Contract:" line, or the opening
    of the document, in that order: a mention deep in the duties ("permanent and contract staff")
    says nothing about this job."""
    emp = _kind_of(pay_line)
    if emp is None:
        emp = next((k for m in JOB_TYPE_LINE.finditer(text) if (k := _kind_of(m.group(0)))), None)
    if emp is None:
        emp = _kind_of(text, 400)  # (as text[:400]: the pattern ends in a word boundary)
    m = IR35_RE.search(text)
    return emp, (m.group(1).lower() if m else None)


def _figure(m: re.Match[str], text: str) -> Pay | None:
    lo = _value(m.group("lo"), m.group("lok"))
    hi = _value(m.group("hi"), m.group("hik")) if m.group("hi") else lo
    if m.group("lok") is None and m.group("hik") and lo < 1000:
        lo *= 1000  # "78-92k"
    sign = m.group("loc") or m.group("hic")
    tail = m.group("tail") or ""
    around = text[max(0, m.start() - 40):m.end() + 10].lower()
    currency = CURRENCY_SIGNS.get(sign or "", None)
    if currency is None:
        currency = next((c for w, c in CURRENCY_WORDS.items() if w in around), None)
    has_period = bool(tail.strip())
    if currency is None and not has_period and not re.search(r"salary|rate|pay", around):
        return None
    if lo <= 0 or hi < lo or hi > 1_000_000:
        return None
    if not has_period and lo < 5 and not sign:
        return None
    period = _period(tail, lo)
    if m.group("upto") and m.group("upto").strip().lower().startswith("up") and not m.group("hi"):
        lo = hi = lo  # "up to £750": the max is stated; keep min = max, the level bands read the figure
    raw = m.group(0)
    start = m.start() + len(raw) - len(raw.lstrip())
    text_ = raw.strip()
    extra = re.search(r"\s*\+\s*\w+$", text_)  # "+ 10" of "+ 10% bonus", no period after it: not part of the figure
    if extra:
        text_ = text_[:extra.start()]
    return Pay(lo, hi, currency or "GBP", period, text_, start, start + len(text_))


def _line_candidates(line: str) -> list[Pay]:
    found = []
    for m in PAY_RE.finditer(line):
        signed = bool(m.group("loc") or m.group("hic"))
        # A cue word at most 25 non-digits before the figure; searching only the last 40 characters
        # finds the same matches and keeps a 100 KB line with thousands of numbers linear (it took 60 s).
        cued = re.search(r"(?:salary|rate|pay|wage)\b[^0-9]{0,25}$", line[max(0, m.start() - 40):m.start()], re.I)
        has_period = bool(m.group("tail").strip())
        if not (signed or has_period or cued):
            continue
        near = line[max(0, m.start() - 40):m.end() + 40]
        if signed and not (has_period or cued or m.group("hi") or PAY_WORDS.search(near)):
            continue  # "£180k of running cost" is money, not pay
        if not signed and not m.group("lok") and not m.group("tail").strip() and YEAR_RE.fullmatch(m.group(0).strip()):
            continue  # "in 2023" is a year, not a salary
        pay = _figure(m, line)
        if pay is not None:
            found.append(pay)
    # A figure with a currency sign or a period beats a bare number on the same line.
    found.sort(key=lambda p: not (p.text[:1] in CURRENCY_SIGNS or _has_period(p.text)))
    return found


def _has_period(text: str) -> bool:
    return bool(re.search(r"per |/|p\.?a|p/?[dh]|hour|day|annum|year", text, re.I))


def _money_not_pay(pay: Pay, line: str, settings: PaySettings) -> bool:
    """A budget, a contract's value or a scheme's cost, not what the job pays: a money word just
    before the figure ("budgets of £250k-£900k") with no pay word, or a yearly figure above any
    salary the ladder knows (ladder.toml [pay] max_annual)."""
    before = line[max(0, pay.start - 60):pay.start].lower()
    cues = settings.not_pay_cues
    if cues and not re.search(r"salary|rate|pay|wage", before) and any(re.search(rf"\b{re.escape(c)}\b", before) for c in cues):
        return True
    ceiling = settings.max_annual
    return bool(ceiling) and pay.period == "year" and pay.max > ceiling


def find_pay(text: str, grades: Mapping[str, Pair] | None = None, settings: PaySettings | None = None) -> Pay | None:
    """The document's pay: the first plausible figure on a line that talks about pay. `settings`
    (ladder.toml [pay]) tell budgets from pay."""
    for line_m in re.finditer(r"[^\n]+", text):
        if not SALARY_CUE.search(text, line_m.start(), line_m.end()):  # (as in the line alone: no \b at its start)
            continue
        line = line_m.group(0)
        candidates = [p for p in _line_candidates(line) if not (settings and _money_not_pay(p, line, settings))]
        if candidates:
            pay = candidates[0]
            emp, ir35 = _employment(text, line)
            return Pay(pay.min, pay.max, pay.currency, pay.period, pay.text, line_m.start() + pay.start, line_m.start() + pay.end, emp, ir35)
    emp, ir35 = _employment(text)
    if grades:
        for m in GRADE_RE.finditer(text):
            key = re.sub(r"\s+", " ", m.group(1).lower()).replace("band", "band ").replace("grade", "grade ").replace("  ", " ").strip()
            if key in grades:
                lo, hi = grades[key]
                return Pay(float(lo), float(hi), "GBP", "year", text[m.start():m.end()], m.start(), m.end(), emp, ir35, grade=key)
    return None


def level_fit(pay: Pay, settings: PaySettings) -> dict[int, float]:
    """How well the pay fits each level's band (0..1 each), after converting currency; monthly and
    weekly pay are compared as yearly, hourly and daily pay with their own bands."""
    to_gbp = settings.to_gbp[pay.currency]
    factor = to_gbp * (settings.usd_level_factor / to_gbp if pay.currency == "USD" else 1.0)
    lo, hi = pay.min * factor, pay.max * factor
    period = pay.period
    if period == "month":
        lo, hi, period = lo * 12, hi * 12, "year"
    elif period == "week":
        lo, hi, period = lo * 52, hi * 52, "year"
    fits = {}
    for rank, band in settings.bands.items():
        b_lo, b_hi = band.for_period(period)
        mid = (lo + hi) / 2
        if b_lo <= mid <= b_hi:
            fits[rank] = 1.0
        else:
            gap = (b_lo - mid) / b_lo if mid < b_lo else (mid - b_hi) / b_hi
            fits[rank] = max(0.0, 1.0 - settings.band_fit_slope * gap)
    return fits
