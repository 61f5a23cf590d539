"""Evidence in context: the few words either side of each finding, computed where the document's
text is (a batch worker), so the HTML report can show them without carrying whole documents."""
from __future__ import annotations

import re
from typing import Any

CONTEXT_CHARS = 60  # characters shown either side of an evidence span


def evidence_contexts(report: dict[str, Any], text: str, width: int = CONTEXT_CHARS) -> dict[str, list[str]]:
    """{"start:end": [before, span, after]} for every offset pair in the report (not in "match",
    whose advert offsets point into another text). Computed where the text is, so the HTML can
    show evidence in context without carrying whole documents."""
    out: dict[str, list[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            start, end = node.get("start"), node.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text):
                before = ("…" if start > width else "") + re.sub(r"\s+", " ", text[max(0, start - width):start])
                after = re.sub(r"\s+", " ", text[end:end + width]) + ("…" if end + width < len(text) else "")
                out[f"{start}:{end}"] = [before, re.sub(r"\s+", " ", text[start:end]), after]  # a phrase may wrap over a line
            for key, value in node.items():
                if key != "match":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(report)
    return out
