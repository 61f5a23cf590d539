"""Plain-text summaries: short enough to read in a terminal, with the reasons that matter."""
from __future__ import annotations

from ..matching.wrap import on_one_line
from ..models import GapReport, Pay
from ..results import Level, MatchReport, Report

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


def alternative_words(level: Level) -> str:
    """", possibly level 2 - Project Co-ordinator (0.25)" when the report names a close rival."""
    alt = level.alternative
    if alt is None:
        return ""
    name = "not PMO-family" if alt.rank == 0 else f"level {alt.rank} - {alt.label}"
    return f", possibly {name} ({alt.probability:.2f})"


def _level_line(report: Report) -> str:
    lvl = report.level
    alt = alternative_words(lvl)
    if lvl.rank == 0:
        return f"Level: not a PMO-family document (confidence {lvl.confidence:.2f}{alt})"
    return f"Level: {lvl.rank} - {lvl.label} (confidence {lvl.confidence:.2f}{alt})"


def _pay_line(pay: Pay | None) -> str | None:
    if pay is None:
        return None
    amount = f"{pay.min:,.2f}" if pay.min == pay.max else f"{pay.min:,.2f}-{pay.max:,.2f}"
    extra = ", ".join(x for x in (pay.employment, pay.ir35 and f"{pay.ir35} IR35", pay.grade) if x)
    return f"Pay: {amount} {pay.currency} per {pay.period}" + (f" ({extra})" if extra else "") + f"  [\"{pay.text}\"]"


def _asked(report: Report, show_all: bool) -> list[str]:
    """What an advert asks for besides certifications: its PMO duties, then the rest."""
    asked = [s for s in report.skills if s.family == "pmo" and s.kind in ("duty", "skill", "tool", "experience") and s.levels]
    return (_listing("Duties asked", [s.label for s in asked if s.kind == "duty"], show_all)
            + _listing("Skills, tools and experience asked", [s.label for s in asked if s.kind != "duty"], show_all))


def _gap_lines(gaps: GapReport, show_all: bool) -> list[str]:
    if gaps.against == "advert":
        lines = [f"Gaps against the advert's requirements (the advert reads as level {gaps.target_rank} - {gaps.target_label}):"]
    else:
        lines = [f"Gaps for level {gaps.target_rank} - {gaps.target_label}:"]
    missing = [g for g in gaps.items if g.status != "met"]
    exams = [g for g in missing if g.category == "certifications"]
    work = [g for g in missing if g.category != "certifications"]
    for item in work if show_all else work[:MAX_GAPS]:
        need = f" {item.requirement}" if item.requirement else ""
        lines.append(f"  [{item.status}{need}] {item.category}: {item.label} - {item.suggestion}")
    lines += _more(len(work) - (len(work) if show_all else min(len(work), MAX_GAPS)), "gaps")
    if exams:  # always shown: the exams are the quickest way to close a gap
        lines.append("  Exams that would close it:")
        lines += [f"    [{g.status}] {g.label} - {g.suggestion}" for g in exams]
    if not missing:
        lines.append("  nothing missing")
    return lines


def render_report(report: Report, *, show_all: bool = False) -> str:
    lines = [f"{report.source}  ({report.kind})", _level_line(report)]
    scores = "  ".join(f"L{s.rank}={s.score:.2f}" for s in report.level_scores if s.rank > 0)
    lines.append(f"Scores: {scores}")
    if report.title is not None:
        lines.append(f"Title: {on_one_line(report.title.text)}")
    if report.years is not None:
        lines.append(f"Experience: {report.years:g} years" if report.kind == "cv" else f"Years asked: {report.years:g}")
    pay = _pay_line(report.pay)
    if pay:
        lines.append(pay)
    certs = [f"{c.label} [{c.status.value}]" for c in report.certifications]
    lines.append("Certifications: " + (", ".join(certs) if certs else "none found"))
    if report.kind == "advert":
        lines += _asked(report, show_all)
    rank = report.level.rank
    reasons = list(report.reasons)
    level_reasons = [r for r in reasons if r.startswith(f"level {rank}")]
    shown = reasons if show_all else reasons[:1] + level_reasons[:MAX_REASONS]
    lines.append("Why:")
    lines += [f"  {r}" for r in shown]
    lines += _more(len(reasons) - len(shown), "reasons")
    lines += [f"Warning: {w}" for w in report.warnings]
    if report.gaps is not None:
        lines += _gap_lines(report.gaps, show_all)
    return "\n".join(lines) + "\n"


def render_match(report: MatchReport) -> str:
    lines = [f"CV: {report.cv}", f"Advert: {report.advert}",
             f"Fit: {report.fit:.2f} (requirements {report.requirements_fit:.2f}; level: {report.level_fit.note})"]
    for req in report.requirements:
        cv_ev = on_one_line(req.cv_evidence[0].text) if req.cv_evidence else ""
        lines.append(f"  [{req.status:<10}] {req.requirement:<9} {req.label}" + (f"  <- \"{cv_ev}\"" if cv_ev else ""))
    if report.missing_essentials:
        lines.append("Missing essentials: " + "; ".join(report.missing_essentials))
    return "\n".join(lines) + "\n"
