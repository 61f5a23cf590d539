"""Batch results as JSON Lines: each line the exact report `score`/`classify --format json` gives
(it carries its "source"), or {"source", "error"} for a file that failed."""
from __future__ import annotations

import json
from collections.abc import Iterable

from ..errors import printable
from ..models import Record


def render(records: Iterable[Record], *, with_fit: bool = False) -> str:
    lines = []
    for rec in records:
        obj = rec.report if rec.report is not None else {"source": printable(rec.source), "error": rec.error}
        lines.append(json.dumps(obj, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)
