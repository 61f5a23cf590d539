"""The unit of work of a batch: analyse one file into an outcome (never an exception).

`process_one` is the default worker function; executors take another (`worker=`), which is how
tests make a file hang to exercise the time limit.
"""
from __future__ import annotations

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
        doc = api.load(path, limits=settings.limits, pdf_engine=settings.pdf_engine, data=data)
        read_ms = (time.perf_counter() - t0) * 1000
        lex = api.get_lexicon(settings.lexicon)
        analysis = api.analyse(doc, kind=settings.kind, lexicon=lex)
        report = api.report(analysis, lexicon=lex, target_level=settings.target_level)
        if advert is not None and analysis.kind == "cv":
            from ..fit import match_report

            report["match"] = match_report(analysis, advert, lex)
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

    lex = api.get_lexicon(settings.lexicon)
    api.analyse(api.load("warm-up.txt", data=b"PMO Analyst\nSkills: RAID log, Excel, PRINCE2 Practitioner\n"), lexicon=lex)


def timed_out(settings: Settings) -> Outcome:
    return failure(f"timed out after {settings.timeout:g}s", "timeout", analyse_ms=settings.timeout * 1000)
