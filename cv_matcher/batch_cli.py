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

from .cli import SECONDS, _ctx, guarded, reading_options
from .errors import printable
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


def check_writable(path: Path, what: str) -> None:
    """Before any work: refuse (usage error) an output that could not be written at the end, a
    directory, a parent that is a file, a read-only folder, a name too long for the temporary file."""
    shown = f"{what} {printable(str(path))}"
    if path.is_dir():
        raise click.UsageError(f"{shown}: is a directory")
    tmp_name = f".{path.name}.{os.getpid()}.tmp"  # write_atomic's temporary file
    folder = path.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise click.UsageError(f"{shown}: {printable(str(folder))} is not a folder")
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        name_max = 255
    if len(os.fsencode(tmp_name)) > name_max:
        raise click.UsageError(f"{shown}: the file name is too long to write safely (over {name_max - 16} bytes)")
    if folder != path.parent:  # created at the end: the nearest existing folder must take new entries
        if not os.access(folder, os.W_OK | os.X_OK):
            raise click.UsageError(f"{shown}: cannot create a folder in {printable(str(folder))}: permission denied")
        return
    probe = folder / tmp_name
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise click.UsageError(f"{shown}: cannot write here: {exc.strerror or exc}") from None
    if path.exists() and not os.access(path, os.W_OK) and not os.access(folder, os.W_OK):
        raise click.UsageError(f"{shown}: cannot be replaced: permission denied")


def check_store_path(db: Path, outs: Iterable[Path] = ()) -> None:
    """Refuse (usage error, nothing touched) a store that is also an output, or an existing file
    that is not a results store; then check it can be written like any output."""
    from .store import StoreError, check_store_file

    for out in outs:
        if os.path.abspath(out) == os.path.abspath(db) or (out.exists() and db.exists() and os.path.samefile(out, db)):
            raise click.UsageError(f"--db {printable(str(db))} is also an --out: the output would overwrite the results store")
    try:
        check_store_file(db)
    except StoreError as exc:
        raise click.UsageError(f"--db {exc}") from None
    if db.exists():
        if not os.access(db, os.R_OK | os.W_OK) or not os.access(db.parent, os.W_OK | os.X_OK):
            raise click.UsageError(f"--db {printable(str(db))}: cannot write the results store here: permission denied")
    else:
        check_writable(db, "--db")


def default_db(out: Path | None) -> Path:
    """The store beside the first output (so outputs and their store travel together), else here."""
    return (out.parent if out is not None else Path(".")) / DEFAULT_DB


def results_db(out: Path | None) -> Path:
    """`results` without --db: the store here (where `batch` puts it when its outputs are here too),
    else the one beside --out; `results --out elsewhere/x.html` must not look only there."""
    here = default_db(None)
    if here.is_file() or out is None:
        return here
    return default_db(out)


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
    shown = printable(rec.source)
    return error[len(shown) + 2:] if error.startswith(shown + ": ") else error


def skipped_lines(skipped: list[tuple[str, str]]) -> list[str]:
    """The files left out of a run (links not followed, types no reader reads), grouped by why."""
    groups: dict[str, list[str]] = {}
    for path, why in skipped:
        groups.setdefault(why, []).append(printable(os.path.basename(path)))
    lines = [f"  {len(skipped)} skipped:"] if skipped else []
    for why, names in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        lines.append(f"    {why} ({len(names)}): {shown}")
    return lines


def usable_workers(asked: int | None) -> tuple[int, str | None]:
    """Worker processes for a local run: the CPUs this process may use, at most; a note when capped
    (each worker holds spaCy and the matchers, about 140 MB, and more than one per CPU only competes)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if asked is None:
        return cpus, None
    if asked > cpus:
        return cpus, f"cv-matcher: note: --workers {asked} capped at {cpus}, the CPUs available (more would only compete for them)"
    return asked, None


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
            groups.setdefault(failure_reason(rec), []).append(printable(os.path.basename(rec.source)))
        for reason, names in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            lines.append(f"    {reason} ({len(names)}): {shown}")
    return lines


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--recursive", "-r", is_flag=True, help="Also read the folder's subfolders.")
@click.option("--follow-links", is_flag=True,
              help="Read symbolic links to files and folders too (by default they are skipped: a link can lead outside FOLDER).")
@click.option("--include", multiple=True, metavar="GLOB", help="Read only files matching GLOB (repeatable; default *.pdf *.docx *.txt *.md).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB (repeatable).")
@click.option("--kind", type=click.Choice(["cv", "advert", "auto"]), default="cv", show_default=True,
              help="What the documents are; auto decides per file.")
@click.option("--target-level", type=click.IntRange(1, 4), default=None, help="CV gap reports against this level (default: the next one up).")
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
    for out in outs:  # before any work: a run must not fail at the end for want of a writable output
        check_writable(out, "--out")
    check_store_path(db, outs)
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
        bar = tqdm(total=len(plan.todo), unit="file", file=sys.stderr, disable=quiet or not sys.stderr.isatty(), leave=False)
        failures = 0

        def tick(rec: Record) -> None:
            nonlocal failures
            failures += rec.error is not None
            bar.set_postfix(failed=failures, refresh=False)
            bar.update(1)

        try:
            records = execute(plan, store, workers=n_workers, on_result=tick, scheduler=scheduler)
        except KeyboardInterrupt:
            bar.close()
            click.echo(f"cv-matcher: interrupted: {bar.n} new result(s) are saved in {printable(str(db))}; run the same command "
                       "again to resume where it stopped (finished files are not analysed again)", err=True)
            raise click.exceptions.Exit(130) from None
        finally:
            bar.close()
        warnings = list(store.warnings)
    for warning in warnings:
        click.echo(f"cv-matcher: warning: {warning}", err=True)
    elapsed = time.perf_counter() - started
    ranked = rank_records(records, rank_by or ("fit" if advert is not None else "level"))
    meta = {"with_fit": advert is not None, "advert": None if advert is None else printable(str(advert)), "title": f"cv-matcher: {printable(str(folder))}"}
    for path, fmt in zip(outs, formats):
        write_atomic(path, render(ranked, fmt, **meta))
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
    from .store import ResultStore

    from .store import NotAStoreError

    fmt = fmt or (_format_of(out) if out is not None else "csv")
    store_path = db if db is not None else results_db(out)
    if out is not None:
        check_writable(out, "--out")
        if os.path.abspath(out) == os.path.abspath(store_path) or (out.exists() and os.path.samefile(out, store_path)):
            raise click.UsageError(f"--out {printable(str(out))} is the results store: the export would overwrite it")
    try:
        store = ResultStore(store_path, create=False)
    except NotAStoreError as exc:
        raise click.UsageError(f"--db {exc}") from None
    with store:
        records = store.records(level=level, kind=kind)
        gone = [r for r in records if not r.path.startswith("upload:") and not os.path.exists(r.path)]  # web uploads have no file
        if gone and prune:
            store.delete([r.path for r in gone])
            pruned = {r.path for r in gone}
            records = [r for r in records if r.path not in pruned]
    if gone and not quiet:
        names = ", ".join(printable(os.path.basename(r.source)) for r in gone[:5]) + (f" and {len(gone) - 5} more" if len(gone) > 5 else "")
        click.echo(f"cv-matcher: note: {len(gone)} stored file(s) no longer exist: {names}; "
                   + ("removed from the store" if prune else "still exported (--prune removes them)"), err=True)
    for warning in store.warnings:
        click.echo(f"cv-matcher: warning: {warning}", err=True)
    with_fit = any(r.options.get("advert_sha256") for r in records)
    adverts = sorted({str(r.options["advert"]) for r in records if r.options.get("advert")})
    ranked = rank_records(records, rank_by or ("fit" if with_fit else "level"))
    text = render(ranked, fmt, with_fit=with_fit, advert=", ".join(adverts) or None, title="cv-matcher: stored results")
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)


COMMANDS: list[click.Command] = [batch, results]  # typed here: cli.py registers them across an import cycle
