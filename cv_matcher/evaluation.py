"""`cv-matcher evaluate FOLDER`: level and certification figures against a labelled folder.

Scores exactly like ../shared/tools/evaluate.py (same counting of certification families and
statuses), so the two agree; adds the hard-case group (notes starting with "hard:").
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .status import POSITIVE

# Our statuses that count as "has it", plus the synonyms ../shared/tools/evaluate.py also accepts.
POSITIVE_STATUS = {"cv": {s.value for s in POSITIVE["cv"]}, "advert": {s.value for s in POSITIVE["advert"]} | {"required", "preferred"}}
GENERIC_FAMILIES = ("msp", "p3o", "prince2", "mor", "scrum-master", "lean-six-sigma", "itil", "agilepm")


def family_equal(gold: str, pred: str) -> bool:
    if gold == pred:
        return True
    return any((gold == g and pred.startswith(g)) or (pred == g and gold.startswith(g)) for g in GENERIC_FAMILIES)


@dataclass
class GroupFigures:
    n: int = 0
    exact: int = 0
    within: int = 0

    def add(self, golds: tuple[int, ...], pred: int) -> None:
        """`golds`: the accepted levels (a rank written "3|2" in labels.csv accepts either)."""
        self.n += 1
        self.exact += pred in golds
        self.within += pred >= 0 and min(abs(pred - g) for g in golds) <= 1

    def line(self, name: str) -> str:
        if not self.n:
            return f"{name}: n=0"
        return f"{name}: n={self.n} exact={self.exact / self.n:.3f} within1={self.within / self.n:.3f}"


@dataclass
class Evaluation:
    overall: GroupFigures = field(default_factory=GroupFigures)
    hard: GroupFigures = field(default_factory=GroupFigures)
    confusion: Counter[tuple[int, int]] = field(default_factory=Counter)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    calibration: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right?) per answered document

    @property
    def certs_labelled(self) -> bool:
        """Whether the labels name any certification (else precision/recall mean nothing: n/a)."""
        return self.tp + self.fn > 0

    def calibration_table(self, bins: int = 5) -> tuple[float | None, list[tuple[float, float, int, float, float]]]:
        """Expected calibration error over equal-width confidence bins, and per bin (low, high, n,
        mean confidence, accuracy); as ../shared/tools/evaluate.py counts them."""
        rows = []
        for b in range(bins):
            inside = [(c, h) for c, h in self.calibration if min(int(c * bins), bins - 1) == b]
            if inside:
                rows.append((b / bins, (b + 1) / bins, len(inside), sum(c for c, _ in inside) / len(inside),
                             sum(h for _, h in inside) / len(inside)))
        if not self.calibration:
            return None, rows
        ece = sum(n / len(self.calibration) * abs(conf - acc) for _, _, n, conf, acc in rows)
        return ece, rows

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain values (`evaluate --format json`)."""
        def group(g: GroupFigures) -> dict[str, Any]:
            return {"n": g.n, "exact": round(g.exact / g.n, 3) if g.n else None, "within1": round(g.within / g.n, 3) if g.n else None}

        ece, bins = self.calibration_table()

        return {"overall": group(self.overall), "hard": group(self.hard),
                "confusion": {"rows": "labelled level 0-4", "columns": "predicted level; error = could not be read",
                              "matrix": {str(g): {("error" if p < 0 else str(p)): self.confusion[(g, p)] for p in range(-1, 5)}
                                         for g in range(5)}},
                "certifications": {"precision": round(self.precision, 3) if self.certs_labelled else None,
                                   "recall": round(self.recall, 3) if self.certs_labelled else None,
                                   "f1": round(self.f1, 3) if self.certs_labelled else None,
                                   "tp": self.tp, "fp": self.fp, "fn": self.fn},
                "calibration": {"ece": None if ece is None else round(ece, 3),
                                "bins": [{"low": lo, "high": hi, "n": n, "confidence": round(c, 3), "accuracy": round(a, 3)}
                                         for lo, hi, n, c, a in bins]},
                "misses": list(self.misses)}

    def lines(self, verbose: bool = True) -> list[str]:
        out = ["confusion matrix: rows = labelled level, columns = predicted level (err = could not be read):",
               "  labelled  " + " ".join(f"{h:>4}" for h in ["err", "L0", "L1", "L2", "L3", "L4"])]
        for g in range(5):
            out.append(f"  L{g}        " + " ".join(f"{self.confusion[(g, p)]:4d}" for p in range(-1, 5)))
        if verbose:
            out += ["  " + m for m in self.misses]
        ece, bins = self.calibration_table()
        out.append("calibration (confidence bin: n, mean confidence, accuracy):")
        out += [f"  {lo:.1f}-{hi:.1f}: n={n} conf={c:.2f} acc={a:.2f}" for lo, hi, n, c, a in bins]
        out.append(self.hard.line("hard cases"))
        cert = (f"cert_p={self.precision:.3f} cert_r={self.recall:.3f} cert_f1={self.f1:.3f}" if self.certs_labelled
                else "cert_p=n/a cert_r=n/a cert_f1=n/a")
        out.append(f"n={self.overall.n} exact={self.overall.exact / max(1, self.overall.n):.3f} "
                   f"within1={self.overall.within / max(1, self.overall.n):.3f} {cert} "
                   f"ece={'n/a' if ece is None else f'{ece:.3f}'}")
        return out


def parse_rank(text: str) -> tuple[int, ...]:
    """ "3" -> (3,); "3|2" (two reviewers disagreed: either counts) -> (3, 2); a trailing "?" is ignored."""
    return tuple(int(part.strip().rstrip("?")) for part in text.split("|"))


def evaluate_folder(folder: Path, analyse: Callable[[Path, str], dict[str, Any]]) -> Evaluation:
    """Run `analyse(path, kind)` on every labelled file and compare with labels.csv."""
    result = Evaluation()
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    for lab in labels:
        kind = lab["kind"].strip()
        golds = parse_rank(lab["rank"])
        try:
            report = analyse(folder / lab["file"], kind)
            pred = int(report["level"]["rank"])
            result.calibration.append((float(report["level"]["confidence"]), pred in golds))
        except Exception as exc:  # noqa: BLE001 - an evaluation records every failure and goes on
            report, pred = {"certifications": []}, -1
            result.misses.append(f"{lab['file']}: error {exc}")
        # A right answer sits on the diagonal; a wrong one in the first accepted level's row.
        result.confusion[(pred if pred in golds else golds[0], pred)] += 1
        result.overall.add(golds, pred)
        if lab.get("note", "").lower().startswith("hard:"):
            result.hard.add(golds, pred)
        if pred not in golds:
            result.misses.append(f"{lab['file']}: gold {lab['rank'].strip()} pred {pred}")
        _count_certs(result, lab, kind, report)
    return result


def _count_certs(result: Evaluation, lab: dict[str, str], kind: str, report: dict[str, Any]) -> None:
    gold = [c for c in lab.get("certifications", "").split(";") if c]
    pred = [c["id"] for c in report.get("certifications") or [] if c.get("status") in POSITIVE_STATUS[kind]]
    for g in gold:
        hit = next((p for p in pred if family_equal(g, p)), None)
        if hit is None:
            result.fn += 1
            result.misses.append(f"{lab['file']}: missed cert {g}")
        else:
            result.tp += 1
            pred.remove(hit)
    result.fp += len(pred)
    result.misses += [f"{lab['file']}: extra cert {p}" for p in pred]
