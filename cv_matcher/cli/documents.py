"""`cv-matcher text`, `score`, `classify` and `match`: one or two documents in, a report out."""
from __future__ import annotations

import os
import sys
from typing import Any, Callable

import click

from .options import (all_option, format_option, guarded, input_format_option, quiet_option, reading_context,
                      reading_options)
from .timeout import timed

HANG_ENV = "CV_MATCHER_TEST_HANG"  # tests only: reading a file whose name holds its value sleeps an hour


def _source(path: str, input_format: str | None, max_bytes: int) -> tuple[str, bytes | None]:
    """A path, or standard input for '-' (its format sniffed, or given by --input-format).
    Standard input is read up to the file-size limit plus one byte, so the reader reports it."""
    if path != "-":
        return path, None
    from ..readers import read_capped

    data = read_capped(sys.stdin.buffer, max_bytes + 1)
    fmt = input_format or ("pdf" if data.startswith(b"%PDF") else "docx" if data.startswith(b"PK") else "txt")
    return f"<stdin>.{fmt}", data


def _load(path: str, input_format: str | None, ctx: dict[str, Any]) -> Any:
    from ..api import load

    name, data = _source(path, input_format, ctx["limits"].max_file_bytes)
    hang = os.environ.get(HANG_ENV)
    if hang and hang in os.path.basename(name):
        import time

        time.sleep(3600)
    return load(name, data=data, limits=ctx["limits"], pdf_engine=ctx["pdf_engine"])


def warn_kind(doc: Any, expected: str, quiet: bool, hint: str) -> None:
    """Say on stderr when a document does not look like what the command expects (an advert given
    to `score`, a CV to `classify`): the report is still made, read as asked."""
    from ..errors import printable
    from ..kind import detect_kind

    seen = detect_kind(doc)
    if seen != expected and not quiet:
        what = {"cv": "a CV", "advert": "a job advert"}
        click.echo(f"cv-matcher: warning: {printable(doc.source)} looks like {what[seen]}, not {what[expected]}; {hint}", err=True)


@click.command()
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

    from ..readers.hidden import hidden_chars, shown_safely

    ctx = reading_context(**opts)
    doc = _load(file, input_format, ctx)
    if ctx["lexicon"] is not None:  # sections as that lexicon's headings find them
        from ..api import get_lexicon
        from ..sections import with_headings

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
        from ..api import analyse, report
        from ..reporting import render

        ctx = reading_context(**opts)
        doc = _load(file, input_format, ctx)
        warn_kind(doc, kind, quiet, "use `cv-matcher classify` for adverts" if kind == "cv" else "use `cv-matcher score` for CVs")
        ad_doc = None if advert is None else _load(advert, None, ctx)
        if ad_doc is not None:
            warn_kind(ad_doc, "advert", quiet, "--advert takes a job advert")
        ad = None if ad_doc is None else analyse(ad_doc, kind="advert", lexicon=ctx["lexicon"])
        result = report(analyse(doc, kind=kind, lexicon=ctx["lexicon"]), lexicon=ctx["lexicon"], target_level=target_level, advert=ad)
        click.echo(render(result, fmt, show_all=show_all), nl=False)

    return command


@click.command()
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


@click.command()
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


@click.command()
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
    from ..api import match_cv_to_advert
    from ..reporting import render_match

    ctx = reading_context(**opts)
    cv_doc, ad_doc = _load(cv, None, ctx), _load(advert, None, ctx)
    warn_kind(cv_doc, "cv", quiet, "the CV comes first, then the advert")
    warn_kind(ad_doc, "advert", quiet, "the CV comes first, then the advert")
    click.echo(render_match(match_cv_to_advert(cv_doc, ad_doc, lexicon=ctx["lexicon"]), fmt), nl=False)


COMMANDS: list[click.Command] = [text, score, classify, match]
