"""`cv-matcher batch` and `cv-matcher results`: analyse a folder, and re-export the results store.

Orchestration lives in batch.py and the store in store.py; this module parses options, shows
progress, ranks the records, writes the outputs atomically and prints the summary.
"""
from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from .cli import _ctx, guarded, reading_options
from .store import DEFAULT_DB, Record

FORMATS = ("csv", "jsonl", "html")
RANKINGS = ("level", "confidence", "fit", "name")


def _format_of(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.UsageError(f"{path}: unknown output format '{path.suffix}' (use .csv, .jsonl or .html)")
    return fmt


def render(records: list[Record], fmt: str, **meta: Any) -> str:
    from .reporting import csv_out, html, jsonl_out

    if fmt == "html":
        return html.render(records, **meta)
    return {"csv": csv_out.render, "jsonl": jsonl_out.render}[fmt](records, with_fit=meta.get("with_fit", False))


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, then rename over it: a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def default_db(out: Path | None) -> Path:
    """The store beside the first output (so outputs and their store travel together), else here."""
    return (out.parent if out is not None else Path(".")) / DEFAULT_DB


def _rank_key(by: str) -> Callable[[Record], tuple[Any, ...]]:
    def key(r: Record) -> tuple[Any, ...]:
        rep = r.report or {}
        level = rep.get("level", {})
        fit = rep["match"]["fit"] if "match" in rep else -1.0
        values = {"level": (-level.get("rank", 0), -level.get("confidence", 0.0)), "confidence": (-level.get("confidence", 0.0),),
                  "fit": (-fit, -level.get("confidence", 0.0))}[by]
        return (*values, r.source)

    return key


def rank_records(records: Iterable[Record], by: str) -> list[Record]:
    """Order for output: best first by `by`, ties by path; failed files last (except by name)."""
    records = list(records)
    if by == "name":
        return sorted(records, key=lambda r: r.source)
    ok = sorted((r for r in records if r.report is not None), key=_rank_key(by))
    return ok + sorted((r for r in records if r.report is None), key=lambda r: r.source)


def failure_reason(rec: Record) -> str:
    """The error without the file name, so failures group by cause."""
    error = rec.error or ""
    return error[len(rec.source) + 2:] if error.startswith(rec.source + ": ") else error


def summary_lines(records: list[Record], *, analysed: int, elapsed: float, quiet: bool = False) -> list[str]:
    failed = [r for r in records if r.report is None]
    lines = []
    if not quiet:
        rate = f", {analysed / elapsed:.1f} files/s" if analysed and elapsed > 0 else ""
        lines.append(f"cv-matcher: {len(records)} files processed: {analysed} analysed, {len(records) - analysed} reused "
                     f"from the store, {len(failed)} failed ({elapsed:.1f}s{rate})")
        levels = Counter((r.report["level"]["rank"], r.report["level"]["label"]) for r in records if r.report)
        if levels:
            lines.append("  by level: " + "; ".join(f"L{rank} {label}: {n}" for (rank, label), n in sorted(levels.items())))
    if failed:
        lines.append(f"  {len(failed)} failed:")
        groups: dict[str, list[str]] = {}
        for rec in failed:
            groups.setdefault(failure_reason(rec), []).append(os.path.basename(rec.source))
        for reason, names in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            lines.append(f"    {reason} ({len(names)}): {shown}")
    return lines


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--recursive", "-r", is_flag=True, help="Also read the folder's subfolders (symlinked folders are not followed).")
@click.option("--include", multiple=True, metavar="GLOB", help="Read only files matching GLOB (repeatable; default *.pdf *.docx *.txt *.md).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB (repeatable).")
@click.option("--kind", type=click.Choice(["cv", "advert", "auto"]), default="cv", show_default=True,
              help="What the documents are; auto decides per file.")
@click.option("--target-level", type=click.IntRange(1, 4), default=None, help="CV gap reports against this level (default: the next one up).")
@click.option("--advert", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Match every CV against this advert (adds a fit score).")
@click.option("--rank-by", type=click.Choice(RANKINGS), default=None, help="Output order (default: level then confidence; fit with --advert).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU; 1 = in this process).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True, help="Seconds allowed per file.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where files are analysed: local worker processes, or a Dask cluster (needs --scheduler and the 'dask' extra).")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler address for --executor dask, e.g. tcp://10.0.0.5:8786.")
@click.option("--out", "outs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write results here; .csv, .jsonl or .html by suffix (repeatable).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store (default: .cv-matcher/results.sqlite beside the first --out, else here).")
@click.option("--force", is_flag=True, help="Analyse every file again, even when the store has its result.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary, except failures.")
@reading_options
@guarded
def batch(folder: Path, recursive: bool, include: tuple[str, ...], exclude: tuple[str, ...], kind: str, target_level: int | None,
          advert: Path | None, rank_by: str | None, workers: int | None, timeout: float, executor: str, scheduler: str | None,
          outs: tuple[Path, ...], db: Path | None, force: bool, quiet: bool, **opts: Any) -> None:
    """Analyse every document in FOLDER, in parallel, and write CSV / JSONL / HTML reports.

    Results are kept in a SQLite store, so a re-run only analyses new or changed files, and an
    interrupted run resumes where it stopped. Exit status: 0 all files read, 1 some failed.

    Example: cv-matcher batch sample_cvs --out results.csv --out report.html
    """
    from tqdm import tqdm

    from .batch import Settings, discover, execute, plan_batch
    from .store import ResultStore

    formats = [_format_of(p) for p in outs]  # before any work: a typo must not cost a whole run
    if (executor == "dask") != (scheduler is not None):
        raise click.UsageError("--executor dask and --scheduler ADDRESS go together")
    if advert is not None and kind == "advert":
        raise click.UsageError("--advert matches CVs against an advert; it cannot be used with --kind advert")
    ctx = _ctx(**opts)
    settings = Settings(kind=kind, target_level=target_level, lexicon=ctx["lexicon"], limits=ctx["limits"],
                        pdf_engine=ctx["pdf_engine"], timeout=timeout)
    db = db if db is not None else default_db(outs[0] if outs else None)
    files = discover(folder, recursive=recursive, include=include, exclude=exclude, skip=[*outs, db, *([advert] if advert else [])])
    started = time.perf_counter()
    with ResultStore(db) as store:
        plan = plan_batch(files, settings, store, advert_path=None if advert is None else str(advert), force=force)
        bar = tqdm(total=len(plan.todo), unit="file", file=sys.stderr, disable=quiet or not sys.stderr.isatty(), leave=False)
        failures = 0

        def tick(rec: Record) -> None:
            nonlocal failures
            failures += rec.error is not None
            bar.set_postfix(failed=failures, refresh=False)
            bar.update(1)

        try:
            records = execute(plan, store, workers=workers or os.cpu_count() or 1, on_result=tick, scheduler=scheduler)
        finally:
            bar.close()
    elapsed = time.perf_counter() - started
    ranked = rank_records(records, rank_by or ("fit" if advert is not None else "level"))
    meta = {"with_fit": advert is not None, "advert": None if advert is None else str(advert), "title": f"cv-matcher: {folder}"}
    for path, fmt in zip(outs, formats):
        write_atomic(path, render(ranked, fmt, **meta))
    for line in summary_lines(records, analysed=len(plan.todo), elapsed=elapsed, quiet=quiet):
        click.echo(line, err=True)
    if any(r.error for r in records):
        raise click.exceptions.Exit(1)


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store (default: .cv-matcher/results.sqlite beside --out, else here).")
@click.option("--level", type=click.IntRange(0, 4), default=None, help="Only documents placed at this level.")
@click.option("--kind", type=click.Choice(["cv", "advert"]), default=None, help="Only CVs or only adverts.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default: from --out's suffix, else csv).")
@click.option("--rank-by", type=click.Choice(RANKINGS), default=None, help="Output order (default as in batch).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here instead of standard output.")
@guarded
def results(db: Path | None, level: int | None, kind: str | None, fmt: str | None, rank_by: str | None, out: Path | None) -> None:
    """Export stored batch results again, without reading any document.

    Example: cv-matcher results --level 3 --format csv
    """
    from .store import ResultStore

    fmt = fmt or (_format_of(out) if out is not None else "csv")
    with ResultStore(db if db is not None else default_db(out), create=False) as store:
        records = store.records(level=level, kind=kind)
    with_fit = any(r.options.get("advert_sha256") for r in records)
    adverts = sorted({str(r.options["advert"]) for r in records if r.options.get("advert")})
    ranked = rank_records(records, rank_by or ("fit" if with_fit else "level"))
    text = render(ranked, fmt, with_fit=with_fit, advert=", ".join(adverts) or None, title="cv-matcher: stored results")
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)


COMMANDS: list[click.Command] = [batch, results]  # typed here: cli.py registers them across an import cycle
