"""The analysis side of the web app: one pipeline per server process, used by one request at a time.

spaCy's vocabulary is not shared safely between threads, so every analysis holds `Engine.lock`;
requests run in Starlette's thread pool and wait their turn. Uploaded bytes never touch the disk:
they are read from memory (`Analyzer.analysis(data, name=...)`) with the server's reader limits,
and a batch keeps its files in memory only until each one is analysed. The pages read the
reports as dicts (`to_dict()`, the JSON contract), the same the JSON API returns.
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..batch.store import ResultStore
from ..engine import Analyzer
from ..errors import CvMatcherError, DocumentReadError, LimitExceededError
from ..models import Analysis, Record
from ..readers import READERS, ReadLimits

MAX_BATCH_FILES = 200  # files in one batch upload (a zip's members included)
MAX_JOBS = 20  # finished batches kept in memory (the oldest is dropped first)
MAX_NAME = 120  # characters of an uploaded file's name kept


def safe_name(filename: str | None, default: str = "upload.txt") -> str:
    """An uploaded file's name without folders or control characters (it is only ever shown, escaped)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if not name:
        return default
    if len(name) > MAX_NAME:
        stem, suffix = os.path.splitext(name)
        name = stem[:MAX_NAME - len(suffix)] + suffix
    return name


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class Job:
    """A batch analysed in a background thread; `records` fill in as files are done."""

    id: str
    names: list[str]
    kind: str
    target_level: int | None
    created: float = field(default_factory=time.time)
    records: list[Record] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    done: bool = False
    stored: bool = False

    @property
    def total(self) -> int:
        return len(self.names)

    def progress(self) -> dict[str, Any]:
        failed = sum(1 for r in self.records if r.error)
        return {"id": self.id, "total": self.total, "done": len(self.records), "failed": failed, "finished": self.done,
                "current": None if self.done or len(self.records) >= self.total else self.names[len(self.records)],
                "skipped": self.skipped}


class Engine:
    """The lexicon, reader limits and PDF engine of this server, and the batches it has run."""

    def __init__(self, *, lexicon: str | None = None, limits: ReadLimits | None = None, pdf_engine: str = "pdfminer",
                 db: Path | None = None) -> None:
        self.lexicon_path = lexicon
        self.analyzer = Analyzer(lexicon, limits=limits, pdf_engine=pdf_engine, prepare=False)
        self.lexicon = self.analyzer.lexicon
        self.limits = self.analyzer.limits
        self.pdf_engine = pdf_engine
        self.db = db
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}
        self._jobs_lock = threading.Lock()

    def warm_up(self) -> None:
        """Build spaCy and the matchers now, so the first visitor does not wait for them."""
        self.analyse(Upload("warm-up.txt", b"PMO Analyst\nSkills: RAID log, Excel, PRINCE2 Practitioner\n"), "cv")

    # -- one document ------------------------------------------------------------------------
    def analyse(self, upload: Upload, kind: str) -> Analysis:
        with self.lock:
            return self.analyzer.analysis(upload.data, kind=kind, name=upload.name)

    def report(self, analysis: Analysis, *, target_level: int | None = None) -> dict[str, Any]:
        with self.lock:
            return self.analyzer.report(analysis, target_level=target_level).to_dict()

    def gap_reports(self, analysis: Analysis) -> dict[int, dict[str, Any]]:
        """The gap report against every level, so a page can switch between them without a new upload."""
        from ..gaps import gap_report

        with self.lock:
            return {rank: gap_report(analysis.evidence, self.lexicon, rank, years=analysis.years, against="chosen-level").to_dict()
                    for rank in sorted(self.lexicon.ranks) if rank > 0}

    def match(self, cv: Analysis, advert: Analysis) -> dict[str, Any]:
        with self.lock:
            return self.analyzer.match(cv, advert).to_dict()

    def requirements(self, advert: Analysis) -> list[dict[str, Any]]:
        """An advert's PMO duties, skills, tools and experience, each essential or desirable."""
        from ..fit import _requirement

        out: dict[str, dict[str, Any]] = {}
        for ev in advert.evidence:
            term = self.lexicon.terms[ev.term_id]
            if term.family != "pmo" or term.kind in ("title", "certification") or not term.levels:
                continue
            need = _requirement(ev, advert, self.lexicon) or "desirable"
            entry = out.setdefault(ev.term_id, {"id": ev.term_id, "label": term.label, "kind": term.kind, "requirement": need,
                                                "evidence": ev.to_dict()})
            if need == "essential":
                entry["requirement"] = "essential"
        return sorted(out.values(), key=lambda e: (e["requirement"] != "essential", e["kind"], e["label"]))

    # -- batches -----------------------------------------------------------------------------
    def unpack(self, uploads: list[Upload]) -> tuple[list[Upload], list[str]]:
        """The documents of a batch upload, zips opened in memory; (documents, skipped-with-why)."""
        docs: list[Upload] = []
        skipped: list[str] = []
        for up in uploads:
            if up.name.lower().endswith(".zip"):
                docs += self._unzip(up, skipped)
            else:
                docs.append(up)
        if len(docs) > MAX_BATCH_FILES:
            skipped.append(f"{len(docs) - MAX_BATCH_FILES} files over the {MAX_BATCH_FILES}-file limit of one batch")
            docs = docs[:MAX_BATCH_FILES]
        seen: dict[str, int] = {}
        for up in docs:  # two CVs called cv.pdf in different folders of a zip stay two rows
            n = seen.get(up.name, 0)
            seen[up.name] = n + 1
            if n:
                stem, suffix = os.path.splitext(up.name)
                up.name = f"{stem} ({n + 1}){suffix}"
        return docs, skipped

    def _unzip(self, up: Upload, skipped: list[str]) -> list[Upload]:
        limit = self.limits.max_file_bytes
        try:
            archive = zipfile.ZipFile(io.BytesIO(up.data))
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise DocumentReadError(up.name, f"not a readable zip archive ({exc})") from None
        if len(members) > MAX_BATCH_FILES * 5:
            raise LimitExceededError(up.name, f"{len(members)} zip members, over the limit of {MAX_BATCH_FILES * 5}")
        out: list[Upload] = []
        total = 0
        for info in members:
            name = info.filename.replace("\\", "/")
            base = name.rsplit("/", 1)[-1]
            if info.is_dir() or not base or base.startswith(".") or "__MACOSX/" in name:
                continue
            if os.path.splitext(base)[1].lower() not in READERS:
                skipped.append(f"{safe_name(base)}: not a supported document type")
                continue
            if info.file_size > limit:
                skipped.append(f"{safe_name(base)}: {info.file_size / 1048576:.1f} MB, over the {limit / 1048576:.1f} MB file limit")
                continue
            total += info.file_size
            if total > limit * 10:
                skipped.append(f"{safe_name(base)} and the rest: the zip unpacks to more than {limit * 10 / 1048576:.0f} MB")
                break
            try:
                with archive.open(info) as fh:
                    data = fh.read(limit + 1)  # a member whose header lies about its size is still cut at the limit
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError) as exc:
                skipped.append(f"{safe_name(base)}: cannot unzip ({type(exc).__name__})")
                continue
            out.append(Upload(safe_name(base), data))
        return out

    def start_batch(self, uploads: list[Upload], *, kind: str = "cv", target_level: int | None = None) -> Job:
        docs, skipped = self.unpack(uploads)
        job = Job(secrets.token_urlsafe(12), [d.name for d in docs], kind, target_level, skipped=skipped)
        with self._jobs_lock:
            while len(self.jobs) >= MAX_JOBS:
                oldest = min(self.jobs.values(), key=lambda j: (not j.done, j.created))
                if not oldest.done:
                    break
                del self.jobs[oldest.id]
            self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, docs), name=f"batch-{job.id}", daemon=True).start()
        return job

    def _run(self, job: Job, docs: list[Upload]) -> None:
        from ..batch.plan import Settings, fingerprint
        from ..batch.work import process_one

        settings = Settings(kind=job.kind, target_level=job.target_level, lexicon=self.lexicon_path, limits=self.limits,
                            pdf_engine=self.pdf_engine)
        options = {"kind": job.kind, "target_level": job.target_level, "advert": None, "advert_sha256": None,
                   "pdf_engine": self.pdf_engine, "limits": asdict(self.limits), "via": "web upload"}
        store = None
        try:
            if self.db is not None:
                try:
                    store = ResultStore(self.db)
                except CvMatcherError:
                    store = None
            while docs:
                up = docs.pop(0)  # dropped once analysed: the bytes live no longer than needed
                sha = hashlib.sha256(up.data).hexdigest()
                with self.lock:
                    outcome = process_one(up.name, settings, data=up.data)
                rec = Record(path=f"upload:{sha[:16]}/{up.name}", source=up.name, sha256=sha, lexicon_version=self.lexicon.version,
                             kind_requested=job.kind, fingerprint=fingerprint(options), options=options, **outcome)
                if store is not None:
                    try:
                        store.save(rec)
                        job.stored = True
                    except CvMatcherError:
                        pass
                job.records.append(rec)
        finally:
            job.done = True
            if store is not None:
                store.close()

    def job(self, job_id: str) -> Job | None:
        with self._jobs_lock:
            return self.jobs.get(job_id)
