"""Render report objects for people and programs. REPORTERS maps a format name to a renderer;
the CLI builds its --format choices from it."""
from __future__ import annotations

import json
from typing import Any, Callable

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
