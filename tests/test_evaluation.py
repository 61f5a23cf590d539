"""`cv-matcher evaluate`: ranks written a|b, n/a for unlabelled certifications, the calibration
table and its expected calibration error (counted as ../shared/tools/evaluate.py counts them)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cv_matcher.evaluation import evaluate_folder, parse_rank

# (rank in labels.csv, predicted rank, confidence)
ROWS = [("3|2", 2, 0.9), ("3|2", 3, 0.7), ("1", 2, 0.5), ("0", 0, 0.95), ("4", 4, 0.65)]


def _folder(tmp_path: Path, certs: str = "") -> Path:
    lines = ["file,kind,rank,certifications,note"] + [f"d{i}.txt,cv,{rank},{certs},x" for i, (rank, _, _) in enumerate(ROWS)]
    (tmp_path / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def _fake(path: Path, kind: str) -> dict[str, Any]:
    _, pred, conf = ROWS[int(path.stem[1:])]
    return {"level": {"rank": pred, "confidence": conf}, "certifications": []}


def test_parse_rank() -> None:
    assert parse_rank("3") == (3,)
    assert parse_rank("3|2") == (3, 2)
    assert parse_rank(" 2? ") == (2,)


def test_either_rank_counts_and_the_calibration_table(tmp_path: Path) -> None:
    result = evaluate_folder(_folder(tmp_path), _fake)
    assert (result.overall.n, result.overall.exact, result.overall.within) == (5, 4, 5)
    assert result.confusion[(2, 2)] == 1 and result.confusion[(3, 3)] == 1 and result.confusion[(1, 2)] == 1
    ece, bins = result.calibration_table()
    # bins 0.4-0.6: (0.5 wrong); 0.6-0.8: (0.7 right, 0.65 right); 0.8-1.0: (0.9 right, 0.95 right)
    assert [(round(lo, 1), n) for lo, _, n, _, _ in bins] == [(0.4, 1), (0.6, 2), (0.8, 2)]
    expected = (1 * abs(0.5 - 0) + 2 * abs(0.675 - 1) + 2 * abs(0.925 - 1)) / 5
    assert ece == pytest.approx(expected)
    last = result.lines(verbose=False)[-1]
    assert "cert_p=n/a cert_r=n/a cert_f1=n/a" in last and f"ece={expected:.3f}" in last
    assert result.to_dict()["certifications"]["f1"] is None


def test_certification_figures_when_labelled(tmp_path: Path) -> None:
    result = evaluate_folder(_folder(tmp_path, certs="prince2-foundation"), _fake)
    assert result.certs_labelled and result.fn == 5
    assert "cert_p=0.000 cert_r=0.000 cert_f1=0.000" in result.lines(verbose=False)[-1]
