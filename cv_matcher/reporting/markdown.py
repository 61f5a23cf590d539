"""Markdown reports, for pasting into tickets, wikis and emails."""
from __future__ import annotations

from typing import Any

from .text import alternative_words


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_report(report: dict[str, Any]) -> str:
    lvl = report["level"]
    head = "Not a PMO-family document" if lvl["rank"] == 0 else f"Level {lvl['rank']}: {lvl['label']}"
    out = [f"# {_cell(report['source'])}", "", f"**{head}** (confidence {lvl['confidence']:.2f}{_cell(alternative_words(lvl))}, {report['kind']})", "",
           "| Level | Score | Points |", "|---|---|---|"]
    out += [f"| {s['rank']} {s['id']} | {s['score']:.2f} | {s['points']:.2f} |" for s in report["level_scores"]]
    out += ["", "## Why", ""] + [f"- {_cell(r)}" for r in report["reasons"]]
    if report.get("warnings"):
        out += ["", "## Warnings", ""] + [f"- {_cell(w)}" for w in report["warnings"]]
    out += ["", "## Certifications", ""]
    out += [f"- {_cell(c['label'])}: {c['status']} (\"{_cell(c['evidence'][0]['text'])}\")" for c in report["certifications"]] or ["- none found"]
    if report.get("pay"):
        p = report["pay"]
        out += ["", f"**Pay:** {p['min']:,.2f}-{p['max']:,.2f} {p['currency']} per {p['period']} (\"{_cell(p['text'])}\")"]
    gaps = report.get("gaps")
    if gaps:
        out += ["", f"## Gaps for level {gaps['target']['rank']}: {gaps['target']['label']}", "",
                "| Status | Category | Item | Suggestion |", "|---|---|---|---|"]
        out += [f"| {i['status']} | {i['category']} | {_cell(i['label'])} | {_cell(i['suggestion'])} |" for i in gaps["missing"]]
        out += [f"| met | {i['category']} | {_cell(i['label'])} | |" for i in gaps["present"]]
    return "\n".join(out) + "\n"


def render_match(report: dict[str, Any]) -> str:
    lf = report["level_fit"]
    out = [f"# Match: {_cell(report['cv'])} vs {_cell(report['advert'])}", "",
           f"**Fit {report['fit']:.2f}** (requirements {report['requirements_fit']:.2f}; {lf['note']})", "",
           "| Requirement | Need | Status | CV evidence |", "|---|---|---|---|"]
    for r in report["requirements"]:
        ev = r["cv_evidence"][0]["text"] if r["cv_evidence"] else ""
        out.append(f"| {_cell(r['label'])} | {r['requirement']} | {r['status']} | {_cell(ev)} |")
    return "\n".join(out) + "\n"
