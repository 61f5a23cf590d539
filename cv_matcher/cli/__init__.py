"""The `cv-matcher` command: a thin shell over the Python API, one module per command family
(documents: text/score/classify/match; batch: batch/results; evaluate; lexicon; serve), the
options they share in options.py. No logic of its own.

Heavy modules (spaCy, pdfminer) are imported only inside commands that need them, so
`cv-matcher --help` is instant. Every CvMatcherError becomes a one-line message and exit 1;
usage errors exit 2 (click's convention).
"""
from __future__ import annotations

import click

from . import batch, documents, evaluate, lexicon, serve
from .options import FORMATS

__all__ = ["FORMATS", "cli", "main"]


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


for _command in [*documents.COMMANDS, evaluate.evaluate, lexicon.lexicon, serve.serve, *batch.COMMANDS]:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="cv-matcher")
