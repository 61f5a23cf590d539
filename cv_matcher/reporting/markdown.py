"""Markdown reports, for pasting into tickets, wikis and emails."""
from __future__ import annotations

from typing import Any

from ..results import MatchReport, Report
from .text import alternative_words


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_report(report: Report) -> str:
    lvl = report.level
    head = "Not a PMO-family document" if lvl.rank == 0 else f"Level {lvl.rank}: {lvl.label}"
    out = [f"# {_cell(report.source)}", "", f"**{head}** (confidence {lvl.confidence:.2f}{_cell(alternative_words(lvl))}, {report.kind})", "",
           "| Level | Score | Points |", "|---|---|---|"]
    out += [f"| {s.rank} {s.id} | {s.score:.2f} | {s.points:.2f} |" for s in report.level_scores]
    out += ["", "## Why", ""] + [f"- {_cell(r)}" for r in report.reasons]
    if report.warnings:
        out += ["", "## Warnings", ""] + [f"- {_cell(w)}" for w in report.warnings]
    out += ["", "## Certifications", ""]
    out += [f"- {_cell(c.label)}: {c.status.value} (\"{_cell(c.evidence[0].text)}\")" for c in report.certifications] or ["- none found"]
    if report.pay is not None:
        p = report.pay
        out += ["", f"**Pay:** {p.min:,.2f}-{p.max:,.2f} {p.currency} per {p.period} (\"{_cell(p.text)}\")"]
    gaps = report.gaps
    if gaps is not None:
        out += ["", f"## Gaps for level {gaps.target_rank}: {gaps.target_label}", "",
                "| Status | Category | Item | Suggestion |", "|---|---|---|---|"]
        out += [f"| {i.status} | {i.category} | {_cell(i.label)} | {_cell(i.suggestion)} |" for i in gaps.items if i.status != "met"]
        out += [f"| met | {i.category} | {_cell(i.label)} | |" for i in gaps.items if i.status == "met"]
    return "\n".join(out) + "\n"


def render_match(report: MatchReport) -> str:
    out = [f"# Match: {_cell(report.cv)} vs {_cell(report.advert)}", "",
           f"**Fit {report.fit:.2f}** (requirements {report.requirements_fit:.2f}; {report.level_fit.note})", "",
           "| Requirement | Need | Status | CV evidence |", "|---|---|---|---|"]
    for r in report.requirements:
        ev = r.cv_evidence[0].text if r.cv_evidence else ""
        out.append(f"| {_cell(r.label)} | {r.requirement} | {r.status} | {_cell(ev)} |")
    return "\n".join(out) + "\n"
