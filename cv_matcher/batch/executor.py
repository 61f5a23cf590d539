"""One interface for where a batch's files are analysed: an `Executor` takes the paths and yields
(path, outcome) as each finishes. `Inline` and `LocalPool` (local.py) run on this computer,
`DaskCluster` (dask_executor.py) on a cluster; `execute` saves each outcome to the store as it
arrives, whichever ran it, so an interrupted run loses nothing."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Protocol

from ..models import Analysis, Record
from .local import LocalPool
from .plan import Plan, Settings
from .store import ResultStore
from .work import Outcome, Worker, process_one


class Executor(Protocol):
    def run(self, paths: list[str], settings: Settings, advert: Analysis | None) -> Iterator[tuple[str, Outcome]]:
        """Analyse `paths` (each within settings.timeout); yield each path with its outcome, in any order."""
        ...


def executor_for(*, workers: int = 1, scheduler: str | None = None, worker: Worker = process_one) -> Executor:
    """The Dask cluster at `scheduler` when given, else `workers` local processes (1: this process)."""
    if scheduler is not None:
        from .dask_executor import DaskCluster

        return DaskCluster(scheduler, worker)
    return LocalPool(workers, worker)


def execute(plan: Plan, store: ResultStore, *, workers: int = 1, on_result: Callable[[Record], None] | None = None,
            scheduler: str | None = None, executor: Executor | None = None, worker: Worker = process_one) -> list[Record]:
    """Analyse the plan's files, saving each result as it arrives; all records sorted by path.
    The files go to `executor`, else to executor_for(workers, scheduler, worker)."""
    paths = [p for p, _ in plan.todo]
    runner = executor if executor is not None else executor_for(workers=workers, scheduler=scheduler, worker=worker)
    records = {r.source: r for r in plan.reused}
    for path, outcome in runner.run(paths, plan.settings, plan.advert):
        sha = outcome.pop("sha256", None)  # of the bytes analysed; None when none were (or the worker was killed)
        rec = Record(path=os.path.abspath(path), source=path, sha256=sha, lexicon_version=plan.lexicon_version,
                     kind_requested=plan.settings.kind, fingerprint=plan.fingerprint, options=plan.options, **outcome)
        store.save(rec)
        records[path] = rec
        if on_result is not None:
            on_result(rec)
    return [records[p] for p in sorted(records)]
