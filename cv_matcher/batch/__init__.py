"""Batch: analyse a folder of documents in parallel, with a time limit per file, resuming from the store.

Steps: `discover` the files and `plan_batch` (plan.py: hash each file; reuse stored results whose
content, lexicon and options are unchanged), then `execute` the rest (executor.py) with an
executor: in this process or local worker processes (local.py), or a Dask cluster
(dask_executor.py). Each file is analysed by a worker function (work.py: `process_one`). Every
result is saved to the store (store.py) as it arrives, so an interrupted run loses nothing.
Ordering and summaries are in rank.py, output checks and atomic writes in outputs.py; the
renderers are in reporting, the command in cli/batch.py.

Names are imported on first use, so the CLI's option lists (rank.RANKINGS, outputs.FORMATS) cost nothing.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Executor": "executor", "execute": "executor", "executor_for": "executor",
    "Inline": "local", "LocalPool": "local", "usable_workers": "local",
    "DEFAULT_INCLUDE": "plan", "Plan": "plan", "Settings": "plan", "default_include": "plan", "discover": "plan",
    "file_sha256": "plan", "fingerprint": "plan", "plan_batch": "plan",
    "Outcome": "work", "Worker": "work", "process_one": "work", "warm_up": "work",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'cv_matcher.batch' has no attribute {name!r}")
