"""Plain-text summaries: short enough to read in a terminal, with the reasons that matter."""
from __future__ import annotations

from typing import Any

MAX_REASONS = 6
MAX_GAPS = 8
MAX_ASKED = 10  # an advert's duties / skills listed before "... and N more"


def _more(hidden: int, what: str) -> list[str]:
    return [f"  ... and {hidden} more {what} (--all shows them)"] if hidden > 0 else []


def _listing(title: str, items: list[str], show_all: bool) -> list[str]:
    if not items:
        return []
    shown = items if show_all else items[:MAX_ASKED]
    return [f"{title} ({len(items)}):"] + [f"  - {x}" for x in shown] + _more(len(items) - len(shown), title.split()[0].lower())


def alternative_words(level: dict[str, Any]) -> str:
    """", possibly level 2 - Project Co-ordinator (0.25)" when the report names a close rival."""
    alt = level.get("alternative")
    if not alt:
        return ""
    name = "not PMO-family" if alt["rank"] == 0 else f"level {alt['rank']} - {alt['label']}"
    return f", possibly {name} ({alt['probability']:.2f})"


def _level_line(report: dict[str, Any]) -> str:
    lvl = report["level"]
    alt = alternative_words(lvl)
    if lvl["rank"] == 0:
        return f"Level: not a PMO-family document (confidence {lvl['confidence']:.2f}{alt})"
    return f"Level: {lvl['rank']} - {lvl['label']} (confidence {lvl['confidence']:.2f}{alt})"


def _pay_line(pay: dict[str, Any] | None) -> str | None:
    if not pay:
        return None
    amount = f"{pay['min']:,.2f}" if pay["min"] == pay["max"] else f"{pay['min']:,.2f}-{pay['max']:,.2f}"
    extra = ", ".join(x for x in (pay.get("employment"), pay.get("ir35") and f"{pay['ir35']} IR35", pay.get("grade")) if x)
    return f"Pay: {amount} {pay['currency']} per {pay['period']}" + (f" ({extra})" if extra else "") + f"  [\"{pay['text']}\"]"


def render_report(report: dict[str, Any], *, show_all: bool = False) -> str:
    lines = [f"{report['source']}  ({report['kind']})", _level_line(report)]
    scores = "  ".join(f"L{s['rank']}={s['score']:.2f}" for s in report["level_scores"] if s["rank"] > 0)
    lines.append(f"Scores: {scores}")
    if report.get("title"):
        lines.append(f"Title: {report['title']['text']}")
    if report.get("experience_years") is not None:
        lines.append(f"Experience: {report['experience_years']:g} years")
    if report.get("required_years") is not None:
        lines.append(f"Years asked: {report['required_years']:g}")
    pay = _pay_line(report.get("pay"))
    if pay:
        lines.append(pay)
    certs = [f"{c['label']} [{c['status']}]" for c in report["certifications"]]
    lines.append("Certifications: " + (", ".join(certs) if certs else "none found"))
    if report["kind"] == "advert":  # what the advert asks for, besides certifications
        asked = [s for s in report["skills"] if s["family"] == "pmo" and s["kind"] in ("duty", "skill", "tool", "experience")
                 and s.get("levels")]
        lines += _listing("Duties asked", [s["label"] for s in asked if s["kind"] == "duty"], show_all)
        lines += _listing("Skills, tools and experience asked", [s["label"] for s in asked if s["kind"] != "duty"], show_all)
    rank = report["level"]["rank"]
    reasons = report["reasons"]
    level_reasons = [r for r in reasons if r.startswith(f"level {rank}")]
    shown = list(reasons) if show_all else reasons[:1] + level_reasons[:MAX_REASONS]
    lines.append("Why:")
    lines += [f"  {r}" for r in shown]
    lines += _more(len(reasons) - len(shown), "reasons")
    for w in report.get("warnings", []):
        lines.append(f"Warning: {w}")
    gaps = report.get("gaps")
    if gaps:
        target = gaps["target"]
        if gaps.get("against") == "advert":
            lines.append(f"Gaps against the advert's requirements (the advert reads as level {target['rank']} - {target['label']}):")
        else:
            lines.append(f"Gaps for level {target['rank']} - {target['label']}:")
        exams = [g for g in gaps["missing"] if g["category"] == "certifications"]
        work = [g for g in gaps["missing"] if g["category"] != "certifications"]
        for item in work if show_all else work[:MAX_GAPS]:
            need = f" {item['requirement']}" if item.get("requirement") else ""
            lines.append(f"  [{item['status']}{need}] {item['category']}: {item['label']} - {item['suggestion']}")
        lines += _more(len(work) - (len(work) if show_all else min(len(work), MAX_GAPS)), "gaps")
        if exams:  # always shown: the exams are the quickest way to close a gap
            lines.append("  Exams that would close it:")
            lines += [f"    [{g['status']}] {g['label']} - {g['suggestion']}" for g in exams]
        if not gaps["missing"]:
            lines.append("  nothing missing")
    return "\n".join(lines) + "\n"


def render_match(report: dict[str, Any]) -> str:
    lf = report["level_fit"]
    lines = [f"CV: {report['cv']}", f"Advert: {report['advert']}",
             f"Fit: {report['fit']:.2f} (requirements {report['requirements_fit']:.2f}; level: {lf['note']})"]
    for req in report["requirements"]:
        cv_ev = req["cv_evidence"][0]["text"] if req["cv_evidence"] else ""
        lines.append(f"  [{req['status']:<10}] {req['requirement']:<9} {req['label']}" + (f"  <- \"{cv_ev}\"" if cv_ev else ""))
    if report["missing_essentials"]:
        lines.append("Missing essentials: " + "; ".join(report["missing_essentials"]))
    return "\n".join(lines) + "\n"
