"""Batch results as one self-contained HTML page: summary, level chart, a sortable and filterable
table, and a detail panel per document with its evidence highlighted in context.

The page loads nothing from anywhere (inline CSS and JS, a CSP that forbids network access) and
every value taken from a document is escaped by jinja2's autoescape: a CV may contain <script>.
The template builds markup only; this module turns records into plain values for it.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from ..errors import printable
from ..models import Record
from .csv_out import format_pay

EVIDENCE_PER_TERM = 3  # a term seen twenty times needs three examples, not twenty
CHART = {"width": 560, "height": 150, "bar": 64, "gap": 24, "top": 20}


def _seen(text: str) -> str:
    """Bidi controls (U+202E makes "cv", U+202E, "fdp.exe" display as "cvexe.pdf"), zero-width and other
    invisible characters shown as <U+XXXX>, never passed raw into the page (autoescape keeps them)."""
    from ..readers.hidden import shown_safely

    return shown_safely(text)


def _snippets(evidence: list[dict[str, Any]], contexts: dict[str, list[str]]) -> list[dict[str, str]]:
    out = []
    for ev in evidence[:EVIDENCE_PER_TERM]:
        before, span, after = contexts.get(f"{ev['start']}:{ev['end']}", ["", ev["text"], ""])
        out.append({"before": _seen(before), "span": _seen(span), "after": _seen(after), "section": ev.get("section") or "",
                    "reason": _seen(ev.get("reason", ""))})
    return out


def _doc(i: int, rec: Record) -> dict[str, Any]:
    error = rec.error or ""
    shown = printable(rec.source)  # names: a newline, an escape, non-UTF-8 bytes shown escaped (\n, \x1b, \xff)
    reason = error[len(shown) + 2:] if error.startswith(shown + ": ") else error  # the name is shown beside it
    base = {"idx": i, "source": _seen(shown), "name": _seen(printable(os.path.basename(rec.source))), "kind": rec.kind,
            "error": None if rec.error is None else _seen(rec.error), "reason": _seen(reason)}
    rep = rec.report
    if rep is None:
        return {**base, "ok": False, "level_key": "failed"}
    ctx = rec.contexts
    gaps = rep.get("gaps")
    years = rep["experience_years"] if rep["kind"] == "cv" else rep.get("required_years")
    return {
        **base, "ok": True, "level_key": str(rep["level"]["rank"]), "rank": rep["level"]["rank"], "label": rep["level"]["label"],
        "confidence": rep["level"]["confidence"], "alternative": rep["level"].get("alternative"), "scores": [s for s in rep["level_scores"] if s["rank"] > 0],
        "reasons": [_seen(r) for r in rep["reasons"]], "warnings": [_seen(w) for w in rep["warnings"]], "pay": format_pay(rep.get("pay")), "years": years,
        "title": _seen(rep["title"]["text"]) if rep.get("title") else "",
        "certs": [{"id": c["id"], "label": c["label"], "status": c["status"], "snippets": _snippets(c["evidence"], ctx)}
                  for c in rep["certifications"]],
        "skills": [{"label": s["label"], "kind": s["kind"], "family": s["family"], "snippets": _snippets(s["evidence"], ctx)}
                   for s in rep["skills"]],
        "gaps": gaps, "match": rep.get("match"),
        "fit": rep["match"]["fit"] if "match" in rep else None,
    }


def _chart(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bars for levels 0-4 and failures, heights scaled to the largest count."""
    labels = {d["rank"]: d["label"] for d in docs if d["ok"]}
    counts = {str(r): 0 for r in range(5)} | {"failed": 0}
    for d in docs:
        counts[d["level_key"]] = counts.get(d["level_key"], 0) + 1
    top = max(counts.values()) or 1
    bars, c = [], CHART
    for n, (key, count) in enumerate(counts.items()):
        h = round((c["height"] - c["top"]) * count / top)
        name = "could not be read" if key == "failed" else labels.get(int(key), f"Level {key}")
        bars.append({"key": key, "count": count, "name": name, "short": "failed" if key == "failed" else f"L{key}",
                     "x": c["gap"] + n * (c["bar"] + c["gap"]), "y": c["height"] - h, "h": h, "w": c["bar"]})
    return bars


def render(records: Iterable[Record], *, with_fit: bool = False, title: str = "cv-matcher batch report",
           advert: str | None = None, generated: str | None = None) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("cv_matcher", "data/templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    docs = [_doc(i, r) for i, r in enumerate(records)]
    levels = [b for b in _chart(docs) if b["count"]]
    generated = generated or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return env.get_template("report.html.j2").render(
        title=title, docs=docs, bars=_chart(docs), levels=levels, chart=CHART, with_fit=with_fit, advert=advert,
        generated=generated, failed=[d for d in docs if not d["ok"]])
