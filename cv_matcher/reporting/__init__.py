"""Render report objects for people and programs. REPORTERS maps a format name to a renderer;
the CLI builds its --format choices from it. RECORD_REPORTERS render a batch's records (csv,
jsonl, html)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Callable

from ..models import Record

from . import markdown, text

Renderer = Callable[[dict[str, Any]], str]


def _json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


REPORTERS: dict[str, Renderer] = {"text": text.render_report, "json": _json, "markdown": markdown.render_report}
MATCH_REPORTERS: dict[str, Renderer] = {"text": text.render_match, "json": _json, "markdown": markdown.render_match}


def render(report: dict[str, Any], fmt: str, *, show_all: bool = False) -> str:
    """`show_all`: the text format lists every reason, gap and requirement (it shows the first few)."""
    if fmt == "text":
        return text.render_report(report, show_all=show_all)
    return REPORTERS[fmt](report)


def render_match(report: dict[str, Any], fmt: str) -> str:
    return MATCH_REPORTERS[fmt](report)


RECORD_REPORTERS = ("csv", "jsonl", "html")


def render_records(records: Sequence[Record], fmt: str, *, with_fit: bool = False, title: str = "cv-matcher batch report",
                   advert: str | None = None) -> str:
    """A batch's records (in the order given) as csv, jsonl or a self-contained HTML page."""
    from . import csv_out, html, jsonl_out

    if fmt == "html":
        return html.render(records, with_fit=with_fit, title=title, advert=advert)
    return {"csv": csv_out.render, "jsonl": jsonl_out.render}[fmt](records, with_fit=with_fit)
