#!/usr/bin/env python3
"""Error analysis, cross-validated fitting and calibration on a labelled corpus.

    python scripts/fit_levels.py ../shared/corpus                 # 5-fold CV figures, confusion, calibration
    python scripts/fit_levels.py ../shared/corpus --errors        # also every miss, with the evidence that decided it
    python scripts/fit_levels.py ../shared/corpus --write         # fit on all documents, write ladder.toml [calibration]

Every figure printed is out-of-fold: the scoring thresholds in `GRID` are chosen and the
confidence curve is fitted on four folds and measured on the fifth (folds split by document,
stratified by gold level; `--seeds` repeats with other splits). Only the final fit (`--write`)
sees every document, and its own figures are never reported as the tool's accuracy.
Needs scikit-learn (pip install '.[fit]'); the tool itself never imports it.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cv_matcher import calibration  # noqa: E402
from cv_matcher.api import analyse, get_lexicon, load  # noqa: E402
from cv_matcher.lexicon import Lexicon  # noqa: E402

# Thresholds searched on the training folds (ladder.toml [scoring] keys). Small on purpose: every
# extra combination is a chance to fit noise in 190 documents.
GRID: dict[str, tuple[float, ...]] = {
    "family_min_points": (1.8, 2.2, 2.6),
    "dominance": (0.7, 0.78, 0.86),
    "headline_family_bonus": (0.0, 0.4, 0.8),
    "headline_against_bonus": (0.0, 1.0),
    "unnamed_title_family_factor": (0.5, 1.0),
    "climb_work_share": (0.0, 0.3),
    "family_min_project_words": (0, 1, 2),
}


@dataclass
class Item:
    file: str
    kind: str
    golds: tuple[int, ...]
    group: str
    doc: Any
    borderline: tuple[int, ...] = ()  # "borderline a/b" in the reviewer's note: either is defensible


def read_labels(folder: Path) -> list[Item]:
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    items = []
    for row in rows:
        golds = tuple(int(g.strip().rstrip("?")) for g in row["rank"].split("|"))
        doc = load(folder / row["file"])
        m = re.search(r"borderline (\d)/(\d)", row.get("note", ""))
        borderline = (int(m.group(1)), int(m.group(2))) if m else ()
        items.append(Item(row["file"], row["kind"].strip(), golds, row["file"].split("/")[0], doc, borderline))
    return items


def with_scoring(lex: Lexicon, params: dict[str, float], cal: dict[str, Any] | None = None) -> Lexicon:
    calib = lex.calibration if cal is None else replace(lex.calibration, **{k: v for k, v in cal.items() if k != "weights"},
                                                        weights={**lex.calibration.weights, **cal.get("weights", {})})
    return replace(lex, scoring=replace(lex.scoring, **params), calibration=calib)


def run(items: list[Item], lex: Lexicon) -> list[Any]:
    return [analyse(it.doc, kind=it.kind, lexicon=lex) for it in items]


def accuracy(items: list[Item], analyses: list[Any]) -> float:
    return sum(an.verdict.rank in it.golds for it, an in zip(items, analyses)) / max(1, len(items))


def fit_calibration(items: list[Item], analyses: list[Any], C: float = 1.0) -> dict[str, Any]:
    """Logistic curve P(right | margins), and the share of misses the named rival explains."""
    from sklearn.linear_model import LogisticRegression

    X = [[an.verdict.call.features()[f] for f in calibration.FEATURES] for an in analyses]
    y = [int(an.verdict.rank in it.golds) for it, an in zip(items, analyses)]
    if len(set(y)) < 2:
        return {"intercept": 4.0 if y[0] else -4.0, "weights": {f: 0.0 for f in calibration.FEATURES}}
    model = LogisticRegression(C=C, max_iter=5000).fit(X, y)
    misses = [(it, an) for it, an in zip(items, analyses) if an.verdict.rank not in it.golds]
    share = sum(an.verdict.call.rival in it.golds for it, an in misses) / max(1, len(misses))
    return {"intercept": round(float(model.intercept_[0]), 4),
            "weights": {f: round(float(w), 4) for f, w in zip(calibration.FEATURES, model.coef_[0])},
            "floor": 0.05, "ceiling": 0.98, "rival_share": round(share, 3), "show_alternative": 0.15}


def choose_params(items: list[Item], lex: Lexicon, passes: int = 2) -> dict[str, float]:
    """Coordinate ascent over GRID from the lexicon's own values: each threshold in turn takes the
    value that does best on `items` with the others held (ties keep the current value)."""
    params = {k: float(getattr(lex.scoring, k)) for k in GRID}
    best = accuracy(items, run(items, with_scoring(lex, params)))
    for _ in range(passes):
        changed = False
        for key, values in GRID.items():
            for value in values:
                if value == params[key]:
                    continue
                trial = {**params, key: value}
                acc = accuracy(items, run(items, with_scoring(lex, trial)))
                if acc > best + 1e-9:
                    best, params, changed = acc, trial, True
        if not changed:
            break
    return params


def folds(items: list[Item], k: int, seed: int) -> list[list[int]]:
    from sklearn.model_selection import StratifiedKFold

    y = [it.golds[0] for it in items]
    return [list(test) for _, test in StratifiedKFold(k, shuffle=True, random_state=seed).split(y, y)]


def ece(pairs: list[tuple[float, bool]], bins: int = 5) -> tuple[float, list[str]]:
    """Expected calibration error over equal-width bins (as ../shared/tools/evaluate.py counts it)."""
    table, total = [], 0.0
    for b in range(bins):
        inside = [(c, h) for c, h in pairs if min(int(c * bins), bins - 1) == b]
        if not inside:
            continue
        conf = sum(c for c, _ in inside) / len(inside)
        acc = sum(h for _, h in inside) / len(inside)
        total += len(inside) / len(pairs) * abs(conf - acc)
        table.append(f"  {b / bins:.1f}-{(b + 1) / bins:.1f}: n={len(inside)} conf={conf:.2f} acc={acc:.2f}")
    return total, table


def cross_validate(items: list[Item], lex: Lexicon, k: int, seed: int, tune: bool) -> list[tuple[Item, int, float, int | None]]:
    """Out-of-fold (item, predicted rank, confidence, alternative rank) for every item."""
    out: list[tuple[Item, int, float, int | None]] = []
    for test_idx in folds(items, k, seed):
        test = set(test_idx)
        train = [it for i, it in enumerate(items) if i not in test]
        params = choose_params(train, lex) if tune else {}
        fitted = with_scoring(lex, params)
        cal = fit_calibration(train, run(train, fitted))
        final = with_scoring(lex, params, cal)
        for i in test_idx:
            v = analyse(items[i].doc, kind=items[i].kind, lexicon=final).verdict
            out.append((items[i], v.rank, v.confidence, v.alternative[0] if v.alternative else None))
    return out


def report(results: list[tuple[Item, int, float, int | None]], title: str) -> None:
    n = len(results)
    exact = sum(p in it.golds for it, p, _, _ in results)
    within = sum(min(abs(p - g) for g in it.golds) <= 1 for it, p, _, _ in results)
    err, table = ece([(c, p in it.golds) for it, p, c, _ in results])
    alt_hits = sum(a is not None and a in it.golds for it, p, _, a in results if p not in it.golds)
    lenient = sum(p in it.golds or p in it.borderline for it, p, _, _ in results)
    print(f"{title}: n={n} exact={exact / n:.3f} within1={within / n:.3f} ece={err:.3f} "
          f"(misses whose named alternative was right: {alt_hits}/{n - exact}; "
          f"counting the reviewer's 'borderline a/b' notes as either: {lenient / n:.3f})")
    for group in sorted({it.group for it, *_ in results}):
        sub = [(it, p) for it, p, _, _ in results if it.group == group]
        print(f"  {group}: n={len(sub)} exact={sum(p in it.golds for it, p in sub) / len(sub):.3f}")
    conf = Counter((it.golds[0] if p not in it.golds else p, p) for it, p, _, _ in results)
    print("  confusion (rows gold, cols predicted):    0   1   2   3   4")
    for g in range(5):
        print(f"    gold {g}:                             " + " ".join(f"{conf[(g, q)]:3d}" for q in range(5)))
    print("  calibration (confidence bin: n, mean confidence, accuracy):")
    print("\n".join(table))


def explain_misses(items: list[Item], lex: Lexicon) -> None:
    for it, an in zip(items, run(items, lex)):
        v = an.verdict
        if v.rank in it.golds:
            continue
        pts = " ".join(f"L{s.rank}={s.points:.1f}" for s in v.scores if s.rank)
        print(f"{it.file}: gold {'|'.join(map(str, it.golds))} pred {v.rank} conf {v.confidence:.2f} "
              f"family {v.family_points:.2f} vs {v.against_points:.2f} {pts}")
        for r in v.reasons[:6]:
            print(f"    {r}")


def write_calibration(lex: Lexicon, cal: dict[str, Any], params: dict[str, float]) -> None:
    path = Path(lex.path) / "ladder.toml"
    text = path.read_text(encoding="utf-8")
    weights = ", ".join(f"{k} = {v}" for k, v in cal["weights"].items())
    block = (f"intercept = {cal['intercept']}\nweights = {{ {weights} }}\nfloor = {cal['floor']}\nceiling = {cal['ceiling']}\n"
             f"rival_share = {cal['rival_share']}\nshow_alternative = {cal['show_alternative']}\n")
    text = re.sub(r"(\[calibration\]\n)(?:[a-z_]+ = .*\n)+", lambda m: m.group(1) + block, text)
    for key, value in params.items():
        text = re.sub(rf"(?m)^({key}\s*=\s*)[0-9.]+", lambda m: m.group(1) + f"{value:g}", text, count=1)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}: [calibration] and {params}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=1, help="repeat the cross-validation with this many splits")
    ap.add_argument("--tune", action="store_true", help="also choose the GRID thresholds on the training folds")
    ap.add_argument("--errors", action="store_true", help="print every miss of the current lexicon with its reasons")
    ap.add_argument("--write", action="store_true", help="fit on every document and write the lexicon's calibration")
    a = ap.parse_args()
    lex = get_lexicon(None)
    items = read_labels(a.folder)
    base = run(items, lex)
    print(f"current lexicon, no refit (in-sample for anything fitted before): exact={accuracy(items, base):.3f}")
    if a.errors:
        explain_misses(items, lex)
    for seed in range(a.seeds):
        report(cross_validate(items, lex, a.folds, seed, a.tune), f"{a.folds}-fold cross-validated (split seed {seed})")
    if a.write:
        params = choose_params(items, lex) if a.tune else {}
        fitted = with_scoring(lex, params)
        write_calibration(lex, fit_calibration(items, run(items, fitted)), params)


if __name__ == "__main__":
    main()
