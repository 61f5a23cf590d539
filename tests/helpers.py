"""Assertion helpers shared by the tests (like presidio's tests/assertions.py)."""
from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path
from typing import Any

from cv_matcher.models import Document, Evidence
from cv_matcher.readers import read_bytes


def doc_of(text: str, name: str = "cv.txt") -> Document:
    """A Document read from text exactly as a .txt file would be (sections included)."""
    return read_bytes(text.encode("utf-8"), name)


def find(evidence: tuple[Evidence, ...], term_id: str) -> list[Evidence]:
    return [e for e in evidence if e.term_id == term_id]


def assert_offsets(doc: Document, evidence: tuple[Evidence, ...]) -> None:
    """Every finding's text is exactly the document text at its offsets."""
    for ev in evidence:
        assert doc.text[ev.start:ev.end] == ev.text, ev


# --- A worker function that hangs, injected into batch runs to exercise the time limit ----------

def _hang_or_process(fragment: str, path: str, *args: Any, **kwargs: Any) -> Any:
    """batch's process_one, except that a file whose name holds `fragment` sleeps for an hour."""
    from cv_matcher.batch.work import process_one

    if fragment in os.path.basename(path):
        time.sleep(3600)
    return process_one(path, *args, **kwargs)


def hang_on(fragment: str) -> Any:
    """The worker function for `cli.main(obj={"worker": ...})` or CliRunner's `obj=`; picklable
    (a partial of a module function), so pool workers and Dask tasks receive it too."""
    return functools.partial(_hang_or_process, fragment)


def hanging_cli_args(fragment: str) -> list[str]:
    """`python -c ...` arguments that run the command line with `hang_on(fragment)` injected:
    put the CLI's arguments after them."""
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import helpers; "
            f"from cv_matcher.cli import cli; cli.main(sys.argv[1:], prog_name='cv-matcher', obj={{'worker': helpers.hang_on({fragment!r})}})")
    return [sys.executable, "-c", code]
