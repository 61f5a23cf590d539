"""Render reports for people and programs. REPORTERS maps a format name to a renderer of a typed
`Report` (MATCH_REPORTERS: of a `MatchReport`); the CLI builds its --format choices from it.
A report stored as JSON (a batch's results store) is read back with `Report.from_dict` first:
`render` and `render_match` do that for a mapping. RECORD_REPORTERS render a batch's records
(csv, jsonl, html)."""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..models import Record
from ..results import MatchReport, Report
from . import markdown, text

Renderer = Callable[[Report], str]
MatchRenderer = Callable[[MatchReport], str]


def _json(report: Report | MatchReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


REPORTERS: dict[str, Renderer] = {"text": text.render_report, "json": _json, "markdown": markdown.render_report}
MATCH_REPORTERS: dict[str, MatchRenderer] = {"text": text.render_match, "json": _json, "markdown": markdown.render_match}


def render(report: Report | Mapping[str, Any], fmt: str, *, show_all: bool = False) -> str:
    """`show_all`: the text format lists every reason, gap and requirement (it shows the first few)."""
    typed = report if isinstance(report, Report) else Report.from_dict(report)
    if fmt == "text":
        return text.render_report(typed, show_all=show_all)
    return REPORTERS[fmt](typed)


def render_match(report: MatchReport | Mapping[str, Any], fmt: str) -> str:
    return MATCH_REPORTERS[fmt](report if isinstance(report, MatchReport) else MatchReport.from_dict(report))


RECORD_REPORTERS = ("csv", "jsonl", "html")


def render_records(records: Sequence[Record], fmt: str, *, with_fit: bool = False, title: str = "cv-matcher batch report",
                   advert: str | None = None) -> str:
    """A batch's records (in the order given) as csv, jsonl or a self-contained HTML page."""
    from . import csv_out, html, jsonl_out

    if fmt == "html":
        return html.render(records, with_fit=with_fit, title=title, advert=advert)
    return {"csv": csv_out.render, "jsonl": jsonl_out.render}[fmt](records, with_fit=with_fit)
