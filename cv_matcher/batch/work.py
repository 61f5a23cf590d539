"""The unit of work of a batch: analyse one file into an outcome (never an exception).

`process_one` is the default worker function; executors take another (`worker=`), which is how
tests make a file hang to exercise the time limit.
"""
from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from .. import api
from ..contexts import evidence_contexts
from ..errors import CvMatcherError, printable
from ..models import Analysis
from .plan import Settings, read_for_analysis

Outcome = dict[str, Any]  # report, contexts, error, error_kind, read_ms, analyse_ms, processed_at (+ sha256)
Worker = Callable[..., Outcome]  # process_one's signature: (path, settings, advert, *, data=None, with_sha=False)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def one_line(text: str) -> str:
    # Our errors are already one printable line (a name's double space kept, so it still names the file).
    return text if text.isprintable() else " ".join(printable(text).split())


def failure(message: str, kind: str, read_ms: float = 0.0, analyse_ms: float = 0.0) -> Outcome:
    return {"report": None, "contexts": {}, "error": one_line(message), "error_kind": kind, "read_ms": round(read_ms, 2),
            "analyse_ms": round(analyse_ms, 2), "processed_at": _now()}


def process_one(path: str, settings: Settings, advert: Analysis | None = None, *, data: bytes | None = None,
                with_sha: bool = False) -> Outcome:
    """Analyse one file (or its bytes, named `path`); every failure becomes an error outcome, never an exception.
    With `with_sha` the outcome also holds "sha256", the hash of exactly the bytes analysed (None
    when none could be read): a file edited between planning and analysis is stored as analysed."""
    t0 = time.perf_counter()
    read_ms = 0.0
    sha: str | None = None
    try:
        if with_sha:
            if data is None:
                data = read_for_analysis(path, settings.limits)
            sha = hashlib.sha256(data).hexdigest()
        engine = api.engine(settings.lexicon, limits=settings.limits, pdf_engine=settings.pdf_engine)  # one per process
        doc = engine.read(path if data is None else data, name=path)
        read_ms = (time.perf_counter() - t0) * 1000
        analysis = engine.analysis(doc, kind=settings.kind)
        report = engine.report(analysis, target_level=settings.target_level).to_dict()
        if advert is not None and analysis.kind == "cv":
            report["match"] = engine.match(analysis, advert).to_dict()
        contexts = evidence_contexts(report, doc.text)  # the HTML report's snippets; the text stays here
    except CvMatcherError as exc:
        failed = failure(str(exc), "input", read_ms, (time.perf_counter() - t0) * 1000 - read_ms)
        return {**failed, "sha256": sha} if with_sha else failed
    except Exception as exc:  # noqa: BLE001  (a bug or a library failure on one file must not stop the run)
        failed = failure(f"internal error: {type(exc).__name__}: {exc}", "internal", read_ms)
        return {**failed, "sha256": sha} if with_sha else failed
    analyse_ms = (time.perf_counter() - t0) * 1000 - read_ms
    done = {"report": report, "contexts": contexts, "error": None, "error_kind": None, "read_ms": round(read_ms, 2),
            "analyse_ms": round(analyse_ms, 2), "processed_at": _now()}
    return {**done, "sha256": sha} if with_sha else done


def warm_up(settings: Settings) -> None:
    """Build the lexicon, the spaCy pipeline and the readers now, so the first file's time is fair."""
    import docx  # noqa: F401  (python-docx)
    import pdfminer.high_level  # noqa: F401

    engine = api.engine(settings.lexicon, limits=settings.limits, pdf_engine=settings.pdf_engine)
    engine.prepare()
    engine.analysis(b"PMO Analyst\nSkills: RAID log, Excel, PRINCE2 Practitioner\n", name="warm-up.txt")
    # What exists now (modules, spaCy, the matchers) lives as long as the process: keep the cyclic
    # collector from re-scanning it on every full collection of a long run, and, in workers forked
    # after this, from writing to the pages they share with the parent.
    gc.freeze()


def timed_out(settings: Settings) -> Outcome:
    return failure(f"timed out after {settings.timeout:g}s", "timeout", analyse_ms=settings.timeout * 1000)
