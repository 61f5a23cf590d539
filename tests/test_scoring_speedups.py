"""The scorer's fast paths against the plain way, on real documents: the same answers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cv_matcher import scoring
from cv_matcher.lexicon import cached_lexicon
from cv_matcher.matching import find_evidence
from cv_matcher.readers import read_document


def test_setting_cue_precheck_changes_no_answer(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-pass check for any setting cue before a finding only skips findings for which the
    per-cue loop would find nothing: with it forced to pass everything, every answer is the same."""
    lexicon = cached_lexicon()
    files = sorted(corpus.glob("adverts-pmo/*.txt"))[:40] + sorted(corpus.glob("cvs-pmo/*.txt"))[:20]
    assert files
    cases = []
    for path in files:
        doc = read_document(str(path))
        cases.append((doc.text, find_evidence(doc, lexicon)))
    fast = [[scoring._setting_test(text, lexicon)(ev) for ev in evidence] for text, evidence in cases]
    monkeypatch.setattr(scoring, "_substring_regex", lambda cues: re.compile(""))  # matches anywhere: the plain loop
    plain = [[scoring._setting_test(text, lexicon)(ev) for ev in evidence] for text, evidence in cases]
    assert fast == plain
    assert any(any(row) for row in fast)  # some findings are setting, so the loop itself was exercised
