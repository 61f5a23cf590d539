"""What the commands share: option decorators, the error boundary (`guarded`) and the reading
context they build from the options. No command logic here."""
from __future__ import annotations

import functools
import math
import sys
from pathlib import Path
from typing import Any, Callable

import click

from ..errors import CvMatcherError, printable

FORMATS = ("text", "json", "markdown")  # kept in step with reporting.REPORTERS (tested)


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
    from ..readers import ReadLimits

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


def reading_context(lexicon_path: Path | None, pdf_engine: str, max_file_mb: float | None, max_pages: int | None,
         max_chars: int | None, max_docx_mb: float | None = None, no_ocr: bool = False) -> dict[str, Any]:
    return {"lexicon": None if lexicon_path is None else str(lexicon_path), "pdf_engine": pdf_engine,
            "limits": make_limits(max_file_mb, max_pages, max_chars, max_docx_mb, ocr=not no_ocr)}


input_format_option = click.option("--input-format", type=click.Choice(["txt", "pdf", "docx", "doc", "rtf", "odt", "html",
                                                                      "png", "jpg", "tiff"]), default=None,
                                   help="Format of standard input when FILE is '-' (sniffed if omitted).")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No warnings or notes on stderr (errors are still printed).")
all_option = click.option("--all", "show_all", is_flag=True, help="Text format: every reason, gap and requirement, not the first few.")
