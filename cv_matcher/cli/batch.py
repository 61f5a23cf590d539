"""`cv-matcher batch` and `cv-matcher results`: analyse a folder, and re-export the results store.

The work is the batch package's (planning, executors, the store, ranking, output checks); this
module parses options, shows progress and prints what the batch package says.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from ..errors import printable
from ..models import KINDS
from .options import SECONDS, guarded, reading_context, reading_options, target_rank

FORMATS = ("csv", "jsonl", "html")  # batch.outputs.FORMATS (tested)
RANKINGS = ("level", "confidence", "fit", "name")  # batch.rank.RANKINGS (tested)


def _usage(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a check of the batch package; its OutputError is a usage error (nothing was done yet)."""
    from ..batch.outputs import OutputError

    try:
        return func(*args, **kwargs)
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None


def _injected() -> dict[str, Any]:
    """A worker function given by the caller: `cli.main(obj={"worker": f})` analyses each file
    with `f` instead of batch.work.process_one (tests inject one that hangs on a file)."""
    obj = click.get_current_context().obj
    return {"worker": obj["worker"]} if isinstance(obj, dict) and "worker" in obj else {}


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--recursive", "-r", is_flag=True, help="Also read the folder's subfolders.")
@click.option("--follow-links", is_flag=True,
              help="Read symbolic links to files and folders too (by default they are skipped: a link can lead outside FOLDER).")
@click.option("--include", multiple=True, metavar="GLOB", help="Read only files matching GLOB (repeatable; default *.pdf *.docx *.txt *.md).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB (repeatable).")
@click.option("--kind", type=click.Choice(KINDS), default="cv", show_default=True,
              help="What the documents are; auto decides per file.")
@click.option("--target-level", type=click.IntRange(min=1), default=None,
              help="CV gap reports against this level of the ladder (default: the next one up).")
@click.option("--advert", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Match every CV against this advert (adds a fit score).")
@click.option("--rank-by", type=click.Choice(RANKINGS), default=None, help="Output order (default: level then confidence; fit with --advert).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default and most: one per CPU; 1 = in this process).")
@click.option("--timeout", type=SECONDS, default=60.0, show_default=True, help="Seconds allowed per file.")
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
def batch(folder: Path, recursive: bool, follow_links: bool, include: tuple[str, ...], exclude: tuple[str, ...], kind: str, target_level: int | None,
          advert: Path | None, rank_by: str | None, workers: int | None, timeout: float, executor: str, scheduler: str | None,
          outs: tuple[Path, ...], db: Path | None, force: bool, quiet: bool, **opts: Any) -> None:
    """Analyse every document in FOLDER, in parallel, and write CSV / JSONL / HTML reports.

    Results are kept in a SQLite store, so a re-run only analyses new or changed files, and an
    interrupted run resumes where it stopped. Exit status: 0 all files read, 1 some failed.

    Example: cv-matcher batch sample_cvs --out results.csv --out report.html
    """
    from tqdm import tqdm

    from ..batch import execute
    from ..batch.local import usable_workers
    from ..batch.outputs import check_store_path, check_writable, default_db, format_of, write_atomic
    from ..batch.plan import Settings, discover, plan_batch
    from ..batch.rank import rank_records, skipped_lines, summary_lines
    from ..batch.store import ResultStore
    from ..models import Record
    from ..reporting import render_records

    formats = [_usage(format_of, p) for p in outs]  # before any work: a typo must not cost a whole run
    if (executor == "dask") != (scheduler is not None):
        raise click.UsageError("--executor dask and --scheduler ADDRESS go together")
    if advert is not None and kind == "advert":
        raise click.UsageError("--advert matches CVs against an advert; it cannot be used with --kind advert")
    ctx = reading_context(**opts)
    from ..engine import get_lexicon

    target_level = target_rank(get_lexicon(ctx["lexicon"]), target_level)
    settings = Settings(kind=kind, target_level=target_level, lexicon=ctx["lexicon"], limits=ctx["limits"],
                        pdf_engine=ctx["pdf_engine"], timeout=timeout)
    db = db if db is not None else default_db(outs[0] if outs else None)
    for out in outs:  # before any work: a run must not fail at the end for want of a writable output
        _usage(check_writable, out, "--out")
    _usage(check_store_path, db, outs)
    skipped: list[tuple[str, str]] = []
    files = discover(folder, recursive=recursive, include=include, exclude=exclude, skip=[*outs, db, *([advert] if advert else [])],
                     follow_links=follow_links, skipped=skipped)
    if not files:  # nothing could be read: say why, touch nothing
        click.echo(f"cv-matcher: error: {printable(str(folder))}: no documents to read"
                   + ("" if skipped else " (no files match)"), err=True)
        for line in skipped_lines(skipped):
            click.echo(line, err=True)
        raise click.exceptions.Exit(1)
    n_workers = workers or 1
    if executor == "local":
        n_workers, note = usable_workers(workers)
        if note:
            click.echo(note, err=True)
    started = time.perf_counter()
    with ResultStore(db) as store:
        plan = plan_batch(files, settings, store, advert_path=None if advert is None else str(advert), force=force)
        tqdm.monitor_interval = 0  # no monitor thread: a batch's workers are forked from this process (batch/local.py)
        bar = tqdm(total=len(plan.todo), unit="file", file=sys.stderr, disable=quiet or not sys.stderr.isatty(), leave=False)
        failures = saved = 0  # counted here: a disabled bar (--quiet, no terminal) counts nothing

        def tick(rec: Record) -> None:
            nonlocal failures, saved
            saved += 1
            failures += rec.error is not None
            bar.set_postfix(failed=failures, refresh=False)
            bar.update(1)

        try:
            records = execute(plan, store, workers=n_workers, on_result=tick, scheduler=scheduler, **_injected())
        except KeyboardInterrupt:
            bar.close()
            click.echo(f"cv-matcher: interrupted: {saved} new result(s) are saved in {printable(str(db))}; run the same command "
                       "again to resume where it stopped (finished files are not analysed again)", err=True)
            raise click.exceptions.Exit(130) from None
        finally:
            bar.close()
        warnings = list(store.warnings)
    for warning in warnings:
        click.echo(f"cv-matcher: warning: {warning}", err=True)
    elapsed = time.perf_counter() - started
    ranked = rank_records(records, rank_by or ("fit" if advert is not None else "level"))
    shown_advert = None if advert is None else printable(str(advert))
    for path, fmt in zip(outs, formats):
        write_atomic(path, render_records(ranked, fmt, with_fit=advert is not None, advert=shown_advert,
                                          title=f"cv-matcher: {printable(str(folder))}"))
    for line in summary_lines(records, analysed=len(plan.todo), elapsed=elapsed, quiet=quiet) + ([] if quiet else skipped_lines(skipped)):
        click.echo(line, err=True)
    if not outs and not quiet:  # nothing written but the store: say where the results are
        shown = printable(str(db))
        click.echo(f"cv-matcher: no --out given: the results are in the store {shown}; export them with "
                   f"`cv-matcher results --db {shown} --out results.csv` (or .jsonl, .html)", err=True)
    if any(r.error for r in records):
        raise click.exceptions.Exit(1)


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store (default: .cv-matcher/results.sqlite here, else beside --out).")
@click.option("--level", type=click.IntRange(0, 4), default=None, help="Only documents placed at this level.")
@click.option("--kind", type=click.Choice(["cv", "advert"]), default=None, help="Only CVs or only adverts.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default: from --out's suffix, else csv).")
@click.option("--rank-by", type=click.Choice(RANKINGS), default=None, help="Output order (default as in batch).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here instead of standard output.")
@click.option("--prune", is_flag=True, help="Remove from the store (and the export) the files that no longer exist.")
@click.option("--quiet", "-q", is_flag=True, help="No notes or warnings on stderr.")
@guarded
def results(db: Path | None, level: int | None, kind: str | None, fmt: str | None, rank_by: str | None, out: Path | None,
            prune: bool = False, quiet: bool = False) -> None:
    """Export stored batch results again, without reading any document.

    Example: cv-matcher results --level 3 --format csv
    """
    from ..batch.outputs import check_export_path, format_of, results_db, write_atomic
    from ..batch.rank import gone_note, rank_records
    from ..batch.store import NotAStoreError, ResultStore
    from ..reporting import render_records

    fmt = fmt or (_usage(format_of, out) if out is not None else "csv")
    store_path = db if db is not None else results_db(out)
    if out is not None:
        _usage(check_export_path, out, store_path)
    try:
        store = ResultStore(store_path, create=False)
    except NotAStoreError as exc:
        raise click.UsageError(f"--db {exc}") from None
    with store:
        records, gone = store.records_on_disk(level=level, kind=kind, prune=prune)
    if gone and not quiet:
        click.echo(gone_note(gone, prune), err=True)
    for warning in store.warnings:
        click.echo(f"cv-matcher: warning: {warning}", err=True)
    with_fit = any(r.options.get("advert_sha256") for r in records)
    adverts = sorted({str(r.options["advert"]) for r in records if r.options.get("advert")})
    ranked = rank_records(records, rank_by or ("fit" if with_fit else "level"))
    text = render_records(ranked, fmt, with_fit=with_fit, advert=", ".join(adverts) or None, title="cv-matcher: stored results")
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)


COMMANDS: list[click.Command] = [batch, results]
