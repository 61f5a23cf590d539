"""Plain values for the web templates: the findings of a report and the document text cut into
plain and highlighted pieces. Nothing here builds markup; the templates escape every piece."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from ..reporting.csv_out import format_pay

KIND_ORDER = {"certification": 0, "title": 1, "duty": 2, "skill": 3, "tool": 4, "experience": 5, "pay": 6}
CATEGORY_ORDER = ("duties", "skills", "tools", "experience", "certifications")


def findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per term found (certifications, titles, duties, skills, tools, experience, pay),
    each with its occurrences as {text, start, end, section, reason}. PMO work first."""
    out: list[dict[str, Any]] = []
    for c in report.get("certifications", []):
        out.append({"label": c["label"], "kind": "certification", "family": "pmo", "status": c["status"], "evidence": c["evidence"]})
    for s in report.get("skills", []):
        out.append({"label": s["label"], "kind": s["kind"], "family": s["family"], "status": "", "evidence": s["evidence"]})
    pay = report.get("pay")
    if pay and isinstance(pay.get("start"), int):
        out.append({"label": f"Pay {format_pay(pay)}", "kind": "pay", "family": "pmo", "status": pay.get("employment") or "",
                    "evidence": [{"text": pay["text"], "start": pay["start"], "end": pay["end"], "section": None,
                                  "reason": "pay figure"}]})
    out.sort(key=lambda f: (f["family"] != "pmo", KIND_ORDER.get(f["kind"], 9), f["label"].lower()))
    for i, f in enumerate(out):
        f["idx"] = i
        f["evidence"] = sorted(f["evidence"], key=lambda e: e["start"])
    return out


def _plain(text: str, start: int, end: int, headings: Sequence[tuple[int, int]]) -> list[dict[str, Any]]:
    """text[start:end] as plain pieces, section headings marked so the page can set them bold."""
    out, pos = [], start
    for h_start, h_end in headings:
        if h_end <= pos or h_start >= end:
            continue
        h_start, h_end = max(h_start, pos), min(h_end, end)
        if h_start > pos:
            out.append({"text": text[pos:h_start], "mark": None, "heading": False})
        out.append({"text": text[h_start:h_end], "mark": None, "heading": True})
        pos = h_end
    if pos < end:
        out.append({"text": text[pos:end], "mark": None, "heading": False})
    return out


def highlight(text: str, found: list[dict[str, Any]], headings: Sequence[tuple[int, int]] = ()) -> list[dict[str, Any]]:
    """`text` as pieces {"text"} and {"text", "mark": anchor id, "finding", "kind", "family", "reason"}.
    Overlapping spans keep the earlier (then the longer) one; every occurrence gets `anchor`, the id
    of the mark that shows it, so a click on any finding lands on highlighted text."""
    spans = []
    for f in found:
        for ev in f["evidence"]:
            start, end = ev.get("start"), ev.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                spans.append((start, end, f, ev))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]["idx"]))
    kept: list[tuple[int, int, dict[str, Any], dict[str, Any], str]] = []
    for start, end, f, ev in spans:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, f, ev, f"m{len(kept)}"))
    starts = [k[0] for k in kept]
    for f in found:
        for ev in f["evidence"]:
            i = bisect_right(starts, ev.get("start", -1)) - 1
            ev["anchor"] = kept[i][4] if i >= 0 and ev.get("start", -1) < kept[i][1] else None
    heads = sorted(headings)
    pieces: list[dict[str, Any]] = []
    pos = 0
    for start, end, f, ev, anchor in kept:
        if start > pos:
            pieces += _plain(text, pos, start, heads)
        pieces.append({"text": text[start:end], "mark": anchor, "finding": f["idx"], "kind": f["kind"], "family": f["family"],
                       "reason": ev.get("reason") or f["label"], "heading": False})
        pos = end
    if pos < len(text):
        pieces += _plain(text, pos, len(text), heads)
    return pieces


def gap_view(gaps: dict[str, Any] | None) -> dict[str, Any] | None:
    """A gap report grouped for reading: exams apart from the work to show, in category order."""
    if not gaps:
        return None
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in gaps["missing"]:
        groups.setdefault(item["category"], []).append(item)
    exams = groups.pop("certifications", [])
    ordered = [(c, groups.pop(c)) for c in CATEGORY_ORDER if c in groups] + sorted(groups.items())
    return {"target": gaps["target"], "against": gaps["against"], "groups": ordered, "exams": exams,
            "present": gaps.get("present", []), "missing_count": len(gaps["missing"])}


def level_view(report: dict[str, Any]) -> dict[str, Any]:
    lvl = report["level"]
    scores = [s for s in report.get("level_scores", []) if s["rank"] > 0]
    return {"rank": lvl["rank"], "label": lvl["label"], "confidence": lvl["confidence"], "alternative": lvl.get("alternative"),
            "scores": scores, "pay": format_pay(report.get("pay")), "pay_text": (report.get("pay") or {}).get("text", ""),
            "title": (report.get("title") or {}).get("text", ""),
            "years": report.get("experience_years") if report.get("kind") == "cv" else report.get("required_years")}
