"""The `cv-matcher` command: a thin shell over cv_matcher.api.

Heavy modules (spaCy, pdfminer) are imported only inside commands that need them, so
`cv-matcher --help` is instant. Every CvMatcherError becomes a one-line message and exit 1;
usage errors exit 2 (click's convention).
"""
from __future__ import annotations

import functools
import math
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import click

from .errors import CvMatcherError, printable

FORMATS = ("text", "json", "markdown")  # kept in step with reporting.REPORTERS (tested)
DEFAULT_TIMEOUT = 60.0  # seconds for a single-file command (the slowest hostile inputs take 5-10 s)
HANG_ENV = "CV_MATCHER_TEST_HANG"  # tests only: reading a file whose name holds its value sleeps an hour


class FiniteFloat(click.FloatRange):
    """A FloatRange that also refuses nan (which passes every comparison) and inf."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


SECONDS = FiniteFloat(min=0, min_open=True, max=7 * 24 * 3600)  # a week is the most a limit per file makes sense


def _fail(exc: CvMatcherError) -> "click.exceptions.Exit":
    click.echo(f"cv-matcher: error: {exc}", err=True)
    return click.exceptions.Exit(1)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Translate our errors (and a broken pipe) at the boundary: one line, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CvMatcherError as exc:
            raise _fail(exc) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise click.exceptions.Exit(0) from None
        except KeyboardInterrupt:  # Ctrl-C: the shell's convention (128 + SIGINT), not click's "Aborted!" and 1
            click.echo("cv-matcher: interrupted", err=True)
            raise click.exceptions.Exit(130) from None
        except OSError as exc:  # writing an output failed (disk full, permissions): one line, never a traceback
            where = f"{printable(str(exc.filename))}: " if exc.filename else ""
            click.echo(f"cv-matcher: error: {where}{exc.strerror or exc}", err=True)
            raise click.exceptions.Exit(1) from None

    return wrapper


class _TimedOut(BaseException):
    """SIGALRM in a single-file command (a BaseException: nothing on the way may swallow it)."""


def _real_stdio() -> bool:
    try:
        sys.stdout.fileno(), sys.stderr.fileno()
        return True
    except (AttributeError, OSError, ValueError):  # e.g. click's CliRunner: output lives in this process
        return False


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Bound a single-file command to `seconds`. Where it can, the command forks: the child does
    the work (inheriting stdin, stdout and stderr) and the parent only waits, so even a long call
    inside a C library (a regular expression, spaCy's tokenizer, PDFium) is stopped: the parent
    kills the child, prints one line naming the file and exits 1; a crash of the child (a signal)
    is reported the same way. Elsewhere (no fork, or output captured in this process) a timer
    signal interrupts the Python code."""
    if hasattr(os, "fork") and _real_stdio() and os.environ.get("CV_MATCHER_NO_FORK") is None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            yield  # the child: the command runs here and exits as usual
            return
        _watch(pid, seconds, what)  # the parent: never returns
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _TimedOut()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimedOut:
        raise CvMatcherError(what, f"timed out after {seconds:g}s (raise the limit with --timeout)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _watch(pid: int, seconds: float, what: str) -> None:
    def ring(signum: int, frame: object) -> None:
        raise _TimedOut()

    def stop(signum: int, frame: object) -> None:  # pass a kill on to the child, then go
        os.kill(pid, signal.SIGKILL)
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the child too: it says so and exits 130
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        _, status = os.waitpid(pid, 0)
    except _TimedOut:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.write(2, f"cv-matcher: error: {printable(what)}: timed out after {seconds:g}s (raise the limit with --timeout)\n"
                 .encode("utf-8", "backslashreplace"))
        os._exit(1)
    signal.setitimer(signal.ITIMER_REAL, 0)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        if -code == signal.SIGINT:
            os._exit(130)
        os.write(2, f"cv-matcher: error: {printable(what)}: the analysis crashed ({signal.Signals(-code).name})\n"
                 .encode("utf-8", "backslashreplace"))
        os._exit(1)
    os._exit(code)


def reading_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads documents."""
    options = [
        click.option("--lexicon", "lexicon_path", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Use the lexicon in this folder instead of the shipped one."),
        click.option("--pdf-engine", type=click.Choice(["pdfminer", "pdfium"]), default="pdfium", show_default=True,  # readers.pdf.DEFAULT_ENGINE
                     help="Library that reads PDFs (pdfminer also reads what pdfium cannot)."),
        click.option("--max-file-mb", type=FiniteFloat(min=0.001, max=4096), default=None, help="Refuse files larger than this (default 20)."),
        click.option("--max-pages", type=click.IntRange(min=1, max=100_000), default=None, help="Refuse PDFs with more pages (default 50)."),
        click.option("--max-chars", type=click.IntRange(min=100, max=100_000_000), default=None,
                     help="Refuse documents with more text (default 500000)."),
        click.option("--max-docx-mb", type=FiniteFloat(min=0.001, max=16384), default=None,
                     help="Refuse DOCX files that unzip to more than this (default 100)."),
        click.option("--no-ocr", is_flag=True, default=False,
                     help="Do not OCR scans and photos (images, PDF pages without text) even when Tesseract is installed."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_limits(max_file_mb: float | None, max_pages: int | None, max_chars: int | None,
                max_docx_mb: float | None = None, ocr: bool = True) -> Any:
    from .readers import ReadLimits

    changes: dict[str, Any] = {} if ocr else {"ocr": False}
    if max_file_mb is not None:
        changes["max_file_bytes"] = int(max_file_mb * 1024 * 1024)
    if max_pages is not None:
        changes["max_pages"] = max_pages
    if max_chars is not None:
        changes["max_chars"] = max_chars
    if max_docx_mb is not None:
        changes["max_docx_uncompressed_bytes"] = int(max_docx_mb * 1024 * 1024)
    return ReadLimits(**changes)


def _source(path: str, input_format: str | None, max_bytes: int) -> tuple[str, bytes | None]:
    """A path, or standard input for '-' (its format sniffed, or given by --input-format).
    Standard input is read up to the file-size limit plus one byte, so the reader reports it."""
    if path != "-":
        return path, None
    from .readers import read_capped

    data = read_capped(sys.stdin.buffer, max_bytes + 1)
    fmt = input_format or ("pdf" if data.startswith(b"%PDF") else "docx" if data.startswith(b"PK") else "txt")
    return f"<stdin>.{fmt}", data


def _load(path: str, input_format: str | None, ctx: dict[str, Any]) -> Any:
    from .api import load

    name, data = _source(path, input_format, ctx["limits"].max_file_bytes)
    hang = os.environ.get(HANG_ENV)
    if hang and hang in os.path.basename(name):
        import time

        time.sleep(3600)
    return load(name, data=data, limits=ctx["limits"], pdf_engine=ctx["pdf_engine"])


def _ctx(lexicon_path: Path | None, pdf_engine: str, max_file_mb: float | None, max_pages: int | None,
         max_chars: int | None, max_docx_mb: float | None = None, no_ocr: bool = False) -> dict[str, Any]:
    return {"lexicon": None if lexicon_path is None else str(lexicon_path), "pdf_engine": pdf_engine,
            "limits": make_limits(max_file_mb, max_pages, max_chars, max_docx_mb, ocr=not no_ocr)}


input_format_option = click.option("--input-format", type=click.Choice(["txt", "pdf", "docx", "doc", "rtf", "odt", "html",
                                                                      "png", "jpg", "tiff"]), default=None,
                                   help="Format of standard input when FILE is '-' (sniffed if omitted).")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No warnings or notes on stderr (errors are still printed).")
all_option = click.option("--all", "show_all", is_flag=True, help="Text format: every reason, gap and requirement, not the first few.")


def warn_kind(doc: Any, expected: str, quiet: bool, hint: str) -> None:
    """Say on stderr when a document does not look like what the command expects (an advert given
    to `score`, a CV to `classify`): the report is still made, read as asked."""
    from .errors import printable
    from .kind import detect_kind

    seen = detect_kind(doc)
    if seen != expected and not quiet:
        what = {"cv": "a CV", "advert": "a job advert"}
        click.echo(f"cv-matcher: warning: {printable(doc.source)} looks like {what[seen]}, not {what[expected]}; {hint}", err=True)


def timed(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --timeout to a single-file command and bound the whole command by it (time_limit)."""

    @functools.wraps(func)
    def wrapper(*args: Any, timeout: float, **kwargs: Any) -> Any:
        what = next((kwargs[k] for k in ("file", "cv", "advert") if isinstance(kwargs.get(k), str)), "input")
        with time_limit(timeout, "<stdin>" if what == "-" else what):
            return func(*args, **kwargs)

    return click.option("--timeout", type=SECONDS, default=DEFAULT_TIMEOUT, show_default=True,
                        help="Give up after this many seconds, reading and analysis (one line, exit status 1).")(wrapper)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pmo-cv-matcher", prog_name="cv-matcher")
def cli() -> None:
    """Place CVs and job adverts on the PMO career ladder, with evidence.

    \b
    Levels: 1 Project Management Assistant, 2 Project Co-ordinator,
            3 PMO / Project Support Analyst, 4 Senior PMO / PMO Manager / ProgMO;
            0 means not a PMO-family document.
    Example: cv-matcher score sample_cvs/cv09_pmo_analyst_two_column.pdf
    """


@cli.command()
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show-hidden", is_flag=True,
              help="Also show the text a reader would not see (white on white, invisible, tiny...), which is not read.")
@quiet_option
@input_format_option
@reading_options
@guarded
@timed
def text(file: str, fmt: str, show_hidden: bool, quiet: bool, input_format: str | None, **opts: Any) -> None:
    """Show what cv-matcher reads from FILE: the cleaned text with its sections marked.

    Example: cv-matcher text sample_cvs/cv12_pmo_analyst_tables.docx
    """
    import json

    from .readers.hidden import hidden_chars, shown_safely

    ctx = _ctx(**opts)
    doc = _load(file, input_format, ctx)
    if ctx["lexicon"] is not None:  # sections as that lexicon's headings find them
        from .api import get_lexicon
        from .sections import with_headings

        doc = with_headings(doc, get_lexicon(ctx["lexicon"]).headings)
    hidden = getattr(doc, "hidden", ())
    if fmt == "json":
        out = doc.to_dict()
        if show_hidden:
            out["hidden"] = [{"reason": reason, "text": line} for reason, line in hidden]
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    pos = 0
    for sec in doc.sections:
        click.echo(shown_safely(doc.text[pos:sec.start]), nl=False)
        click.echo(click.style(f"[[{sec.kind}]] ", fg="cyan"), nl=False)
        pos = sec.start
    click.echo(shown_safely(doc.text[pos:]))
    if hidden and show_hidden:
        click.echo(click.style(f"\n[[hidden text: {hidden_chars(hidden):,} characters, not read]]", fg="yellow"))
        for reason, line in hidden:
            click.echo(click.style(f"[{reason}] ", fg="yellow") + shown_safely(line))
    elif hidden and not quiet:
        click.echo(f"cv-matcher: note: {hidden_chars(hidden):,} characters of hidden text ignored "
                   "(--show-hidden shows them)", err=True)


def _one_document_process() -> None:
    """Pause Python's cyclic garbage collector for a command that reads one or two documents and
    exits. Such a run builds spaCy, the lexicon and the matchers (a few hundred thousand objects
    that live until exit) and makes little garbage, so the collector would only re-scan that heap,
    several times (about 0.1 s of a one-second run). Not for commands that read many documents."""
    import gc

    gc.disable()


def _report_command(kind: str) -> Callable[..., None]:
    def command(file: str, fmt: str, input_format: str | None, target_level: int | None = None, advert: str | None = None,
                quiet: bool = False, show_all: bool = False, **opts: Any) -> None:
        _one_document_process()
        from .api import analyse, report
        from .reporting import render

        ctx = _ctx(**opts)
        doc = _load(file, input_format, ctx)
        warn_kind(doc, kind, quiet, "use `cv-matcher classify` for adverts" if kind == "cv" else "use `cv-matcher score` for CVs")
        ad_doc = None if advert is None else _load(advert, None, ctx)
        if ad_doc is not None:
            warn_kind(ad_doc, "advert", quiet, "--advert takes a job advert")
        ad = None if ad_doc is None else analyse(ad_doc, kind="advert", lexicon=ctx["lexicon"])
        result = report(analyse(doc, kind=kind, lexicon=ctx["lexicon"]), lexicon=ctx["lexicon"], target_level=target_level, advert=ad)
        click.echo(render(result, fmt, show_all=show_all), nl=False)

    return command


@cli.command()
@click.argument("cv")
@format_option
@quiet_option
@all_option
@click.option("--target-level", type=click.IntRange(1, 4), default=None, help="Gap report against this level (default: the next one up).")
@click.option("--advert", default=None, help="Gap report against this job advert instead of a level.")
@input_format_option
@reading_options
@guarded
@timed
def score(cv: str, fmt: str, quiet: bool, show_all: bool, target_level: int | None, advert: str | None, input_format: str | None,
          **opts: Any) -> None:
    """Score one CV: its level, confidence, reasons and gap report. CV may be '-' for stdin.

    Example: cv-matcher score sample_cvs/cv11_senior_project_admin_rank3.txt --format json
    """
    if target_level is not None and advert is not None:
        raise click.UsageError("use --target-level or --advert, not both")
    _report_command("cv")(cv, fmt, input_format, target_level, advert, quiet=quiet, show_all=show_all, **opts)


@cli.command()
@click.argument("advert")
@format_option
@quiet_option
@all_option
@input_format_option
@reading_options
@guarded
@timed
def classify(advert: str, fmt: str, quiet: bool, show_all: bool, input_format: str | None, **opts: Any) -> None:
    """Classify one job advert: its level, pay and requirements. ADVERT may be '-' for stdin.

    Example: cv-matcher classify sample_ads/ad03_pmo_analyst_contract.txt
    """
    _report_command("advert")(advert, fmt, input_format, quiet=quiet, show_all=show_all, **opts)


@cli.command()
@click.argument("cv")
@click.argument("advert")
@format_option
@quiet_option
@reading_options
@guarded
@timed
def match(cv: str, advert: str, fmt: str, quiet: bool, **opts: Any) -> None:
    """Match a CV against an advert: fit score, each requirement met / partly met / missing.

    Example: cv-matcher match sample_cvs/cv09_pmo_analyst_two_column.pdf sample_ads/ad03_pmo_analyst_contract.txt
    """
    _one_document_process()
    from .api import match_cv_to_advert
    from .reporting import render_match

    ctx = _ctx(**opts)
    cv_doc, ad_doc = _load(cv, None, ctx), _load(advert, None, ctx)
    warn_kind(cv_doc, "cv", quiet, "the CV comes first, then the advert")
    warn_kind(ad_doc, "advert", quiet, "the CV comes first, then the advert")
    click.echo(render_match(match_cv_to_advert(cv_doc, ad_doc, lexicon=ctx["lexicon"]), fmt), nl=False)


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary lines, not each miss.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format (json: the figures, the labelled confusion matrix and the misses).")
@reading_options
@guarded
def evaluate(folder: Path, quiet: bool, fmt: str, **opts: Any) -> None:
    """Compare levels and certifications with FOLDER/labels.csv (file,kind,rank,certifications,note).

    Prints level accuracy, within-one accuracy, a confusion matrix, certification
    precision / recall / F1, and the same for the hard cases (notes starting "hard:").

    Example: cv-matcher evaluate sample_cvs
    """
    from .api import analyse_file
    from .evaluation import evaluate_folder

    if not (folder / "labels.csv").is_file():
        raise click.UsageError(f"{folder}: no labels.csv in this folder")
    ctx = _ctx(**opts)
    result = evaluate_folder(folder, lambda p, k: analyse_file(p, kind=k, lexicon=ctx["lexicon"], limits=ctx["limits"],
                                                                pdf_engine=ctx["pdf_engine"]))
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(result.lines(verbose=not quiet)))


@cli.group()
def lexicon() -> None:
    """Check or list the lexicon (the vocabulary and the ladder's weights)."""


@lexicon.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@quiet_option
@guarded
def lexicon_check(path: Path | None, quiet: bool) -> None:
    """Validate a lexicon folder and list every problem at once (default: the shipped lexicon).

    Example: cv-matcher lexicon check my_lexicon/
    """
    from .errors import LexiconError
    from .api import load_lexicon

    try:
        lex = load_lexicon(path)
    except LexiconError as exc:
        click.echo(f"cv-matcher: lexicon {exc.path}: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        raise click.exceptions.Exit(1) from None
    kinds: dict[str, int] = {}
    for term in lex.terms.values():
        kinds[term.kind] = kinds.get(term.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    if not quiet:  # the exit status says it
        click.echo(f"{lex.path}: OK - {lex.name} {lex.version}: {len(lex.terms)} terms ({summary}), {len(lex.ranks)} levels")


@lexicon.command("show")
@click.option("--kind", type=click.Choice(["duty", "skill", "tool", "title", "certification", "experience"]), default=None)
@click.option("--lexicon", "lexicon_path", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def lexicon_show(kind: str | None, lexicon_path: Path | None, fmt: str) -> None:
    """List the lexicon's terms: id, kind, level weights and label.

    Example: cv-matcher lexicon show --kind certification
    """
    from .api import load_lexicon

    lex = load_lexicon(lexicon_path)
    terms = [t for t in sorted(lex.terms.values(), key=lambda t: (t.kind, t.id)) if kind is None or t.kind == kind]
    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": t.id, "kind": t.kind, "label": t.label, "family": t.family,
                                "levels": {str(r): w for r, w in t.levels}, "aliases": list(t.aliases)} for t in terms],
                              indent=2, ensure_ascii=False))
        return
    for term in terms:
        weights = " ".join(f"L{r}:{w:g}" for r, w in term.levels) or f"({term.family})"
        click.echo(f"{term.id:<32} {term.kind:<13} {weights:<28} {term.label}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (anything but loopback is reachable by others).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store: web batches are saved there, and its stored results can be browsed.")
@click.option("--max-upload-mb", type=click.FloatRange(min=0.001), default=20.0, show_default=True,
              help="Refuse uploads larger than this (a batch upload: ten times this).")
@reading_options
@guarded
def serve(host: str, port: int, db: Path | None, max_upload_mb: float, **opts: Any) -> None:
    """Run the web app on this computer: score, classify, match and batch in a browser, plus a JSON API.

    Needs the 'web' extra (pip install '.[web]'). Open the address it prints.

    Example: cv-matcher serve --db .cv-matcher/results.sqlite
    """
    try:
        from .web.app import ServeError, WebConfig, is_loopback, serve as run_server
    except ImportError as exc:
        raise click.ClickException(f"the web app needs the 'web' extra ({exc.name} is missing): pip install '.[web]'") from None
    if not is_loopback(host):
        click.echo(f"cv-matcher: warning: listening on {host}: anyone who can reach this machine can upload documents "
                   "and read the results (use the default 127.0.0.1 to keep it private)", err=True)
    ctx = _ctx(**opts)
    if ctx["limits"].max_file_bytes > max_upload_mb * 1024 * 1024:  # one file cannot be bigger than its upload
        from dataclasses import replace

        ctx["limits"] = replace(ctx["limits"], max_file_bytes=int(max_upload_mb * 1024 * 1024))
    try:
        run_server(WebConfig(host=host, port=port, lexicon=ctx["lexicon"], db=db, max_upload_mb=max_upload_mb, limits=ctx["limits"],
                             pdf_engine=ctx["pdf_engine"]))
    except ServeError as exc:
        click.echo(f"cv-matcher: error: {exc}", err=True)
        raise click.exceptions.Exit(1) from None


from . import batch_cli  # noqa: E402  (batch_cli imports the helpers above)

for _command in batch_cli.COMMANDS:  # batch, results
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="cv-matcher")


if __name__ == "__main__":
    main()
