"""The PDFium helper process (readers/contain.py) ends with the process that started it."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import sys
from cv_matcher.readers import contain, read_document
read_document(sys.argv[1])
print(contain._HELPER.pid, flush=True)
"""


def test_helper_is_waited_for_at_exit() -> None:
    """A process that read a PDF waits for its helper as it exits: no helper is left behind
    (re-parented and unseen), and the helper's CPU time counts as its children's."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf")],
                            capture_output=True, text=True, timeout=120, check=True)
    pid = int(result.stdout.split()[-1])
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive, "the helper outlived the process that started it"
    assert result.stderr == ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert after.ru_utime + after.ru_stime > before.ru_utime + before.ru_stime
