"""Batch results as CSV: one row per file, the columns a spreadsheet user sorts and filters on."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
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

# The columns before and after one score_l<rank> column per level of the ladder (its size comes
# from the reports' level_scores, so another ladder gets its own columns).
HEAD_COLUMNS = ["file", "kind", "level_rank", "level_label", "confidence"]
TAIL_COLUMNS = ["certifications_held", "experience_years", "pay", "top_gaps", "fit", "error"]


def ladder_ranks(records: Sequence[Record]) -> tuple[int, ...]:
    """The ladder's ranks above 0, from the reports; with no report at all, the shipped ladder's."""
    ranks = {s["rank"] for rec in records if rec.report is not None for s in rec.report["level_scores"] if s["rank"] > 0}
    if ranks:
        return tuple(sorted(ranks))
    from ..lexicon import cached_lexicon

    return cached_lexicon().ranks


def columns(ranks: Sequence[int], *, with_fit: bool = False) -> list[str]:
    return [c for c in HEAD_COLUMNS + [f"score_l{r}" for r in ranks] + TAIL_COLUMNS if with_fit or c != "fit"]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_pay(pay: dict[str, Any] | None) -> str:
    """"325-375 GBP/day", or "38 GBP/hour" for a single figure."""
    if not pay:
        return ""
    amount = _num(pay["min"]) if pay["min"] == pay["max"] else f"{_num(pay['min'])}-{_num(pay['max'])}"
    return f"{amount} {pay['currency']}/{pay['period']}"


def row(rec: Record, ranks: Sequence[int]) -> dict[str, Any]:
    rep = rec.report
    if rep is None:
        return {"file": rec.source, "kind": rec.kind, "error": rec.error}
    scores = {s["rank"]: s["score"] for s in rep["level_scores"]}
    # Adverts state years required, CVs years held: one column, read with the kind.
    years = rep["experience_years"] if rep["kind"] == "cv" else rep.get("required_years")
    gaps = rep.get("gaps") or {}
    return {
        "file": rep["source"], "kind": rep["kind"], "level_rank": rep["level"]["rank"], "level_label": rep["level"]["label"],
        "confidence": rep["level"]["confidence"], **{f"score_l{r}": scores.get(r, "") for r in ranks},
        "certifications_held": ";".join(c["id"] for c in rep["certifications"] if c["status"] in POSITIVE.get(rep["kind"], ())),
        "experience_years": "" if years is None else years, "pay": format_pay(rep.get("pay")),
        "top_gaps": ";".join(i["label"] for i in gaps.get("missing", [])[:3]),
        "fit": rep["match"]["fit"] if "match" in rep else "", "error": "",
    }


def render(records: Iterable[Record], *, with_fit: bool = False) -> str:
    records = list(records)
    ranks = ladder_ranks(records)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns(ranks, with_fit=with_fit), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({key: safe_cell(value) for key, value in row(rec, ranks).items()})
    return buf.getvalue()
