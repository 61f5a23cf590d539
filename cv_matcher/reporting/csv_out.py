"""Batch results as CSV: one row per file, the columns a spreadsheet user sorts and filters on."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from ..errors import printable
from ..models import Record
from ..status import POSITIVE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may take for a formula (OWASP CSV injection)


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: names printable (\\xff for a non-UTF-8 byte, \\n,
    \\x1b), and a leading ' before anything a spreadsheet would run as a formula ("=HYPERLINK(...)")."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_START) else value

COLUMNS = ["file", "kind", "level_rank", "level_label", "confidence", "score_l1", "score_l2", "score_l3", "score_l4",
           "certifications_held", "experience_years", "pay", "top_gaps", "fit", "error"]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_pay(pay: dict[str, Any] | None) -> str:
    """"325-375 GBP/day", or "38 GBP/hour" for a single figure."""
    if not pay:
        return ""
    amount = _num(pay["min"]) if pay["min"] == pay["max"] else f"{_num(pay['min'])}-{_num(pay['max'])}"
    return f"{amount} {pay['currency']}/{pay['period']}"


def row(rec: Record) -> dict[str, Any]:
    rep = rec.report
    if rep is None:
        return {"file": rec.source, "kind": rec.kind, "error": rec.error}
    scores = {s["rank"]: s["score"] for s in rep["level_scores"]}
    # Adverts state years required, CVs years held: one column, read with the kind.
    years = rep["experience_years"] if rep["kind"] == "cv" else rep.get("required_years")
    gaps = rep.get("gaps") or {}
    return {
        "file": rep["source"], "kind": rep["kind"], "level_rank": rep["level"]["rank"], "level_label": rep["level"]["label"],
        "confidence": rep["level"]["confidence"], **{f"score_l{r}": scores.get(r, "") for r in range(1, 5)},
        "certifications_held": ";".join(c["id"] for c in rep["certifications"] if c["status"] in POSITIVE.get(rep["kind"], ())),
        "experience_years": "" if years is None else years, "pay": format_pay(rep.get("pay")),
        "top_gaps": ";".join(i["label"] for i in gaps.get("missing", [])[:3]),
        "fit": rep["match"]["fit"] if "match" in rep else "", "error": "",
    }


def render(records: Iterable[Record], *, with_fit: bool = False) -> str:
    columns = [c for c in COLUMNS if with_fit or c != "fit"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({key: safe_cell(value) for key, value in row(rec).items()})
    return buf.getvalue()
