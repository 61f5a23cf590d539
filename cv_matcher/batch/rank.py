"""A batch's records in order for output, and the summary lines a run ends with."""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import printable
from ..models import Record

RANKINGS = ("level", "confidence", "fit", "name")


def _rank_key(by: str) -> Callable[[Record], tuple[Any, ...]]:
    def key(r: Record) -> tuple[Any, ...]:
        rep = r.report or {}
        level = rep.get("level", {})
        fit = rep["match"]["fit"] if "match" in rep else -1.0
        values = {"level": (-level.get("rank", 0), -level.get("confidence", 0.0)), "confidence": (-level.get("confidence", 0.0),),
                  "fit": (-fit, -level.get("confidence", 0.0))}[by]
        return (*values, r.source)

    return key


def rank_records(records: Iterable[Record], by: str) -> list[Record]:
    """Order for output: best first by `by`, ties by path; failed files last (except by name)."""
    records = list(records)
    if by == "name":
        return sorted(records, key=lambda r: r.source)
    ok = sorted((r for r in records if r.report is not None), key=_rank_key(by))
    return ok + sorted((r for r in records if r.report is None), key=lambda r: r.source)


def failure_reason(rec: Record) -> str:
    """The error without the file name, so failures group by cause."""
    error = rec.error or ""
    shown = printable(rec.source)
    return error[len(shown) + 2:] if error.startswith(shown + ": ") else error


def skipped_lines(skipped: list[tuple[str, str]]) -> list[str]:
    """The files left out of a run (links not followed, types no reader reads), grouped by why."""
    groups: dict[str, list[str]] = {}
    for path, why in skipped:
        groups.setdefault(why, []).append(printable(os.path.basename(path)))
    lines = [f"  {len(skipped)} skipped:"] if skipped else []
    for why, names in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        lines.append(f"    {why} ({len(names)}): {shown}")
    return lines


def summary_lines(records: list[Record], *, analysed: int, elapsed: float, quiet: bool = False) -> list[str]:
    failed = [r for r in records if r.report is None]
    lines = []
    if not quiet:
        rate = f", {analysed / elapsed:.1f} files/s" if analysed and elapsed > 0 else ""
        lines.append(f"cv-matcher: {len(records)} files processed: {analysed} analysed, {len(records) - analysed} reused "
                     f"from the store, {len(failed)} failed ({elapsed:.1f}s{rate})")
        levels = Counter((r.report["level"]["rank"], r.report["level"]["label"]) for r in records if r.report)
        if levels:
            lines.append("  by level: " + "; ".join(f"L{rank} {label}: {n}" for (rank, label), n in sorted(levels.items())))
    if failed:
        lines.append(f"  {len(failed)} failed:")
        groups: dict[str, list[str]] = {}
        for rec in failed:
            groups.setdefault(failure_reason(rec), []).append(printable(os.path.basename(rec.source)))
        for reason, names in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            lines.append(f"    {reason} ({len(names)}): {shown}")
    return lines
