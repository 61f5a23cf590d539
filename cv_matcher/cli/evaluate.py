"""`cv-matcher evaluate`: levels and certifications against a labelled folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .options import guarded, reading_context, reading_options


@click.command()
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
    from ..api import analyse_file
    from ..evaluation import evaluate_folder

    if not (folder / "labels.csv").is_file():
        raise click.UsageError(f"{folder}: no labels.csv in this folder")
    ctx = reading_context(**opts)
    result = evaluate_folder(folder, lambda p, k: analyse_file(p, kind=k, lexicon=ctx["lexicon"], limits=ctx["limits"],
                                                                pdf_engine=ctx["pdf_engine"]))
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(result.lines(verbose=not quiet)))
