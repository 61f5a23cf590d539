"""From a verdict's raw margins to a confidence that is the chance the level is right.

The scorer's margins (how far the PMO-family evidence clears its threshold, how far the chosen
level's points clear the runner-up's) say how close a call was, not how often such calls are
right. A logistic curve over those margins, fitted on the labelled corpus by
`scripts/fit_levels.py` (5-fold cross-validated; the coefficients live in ladder.toml
[calibration]), turns them into a probability. The close alternative is the rival the margins
name: the level that nearly won, or "not PMO-family" when the family call was close.
Pure: no I/O, no spaCy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .settings import FEATURES, CalibrationSettings

__all__ = ["FEATURES", "Call", "confidence", "alternative"]


@dataclass(frozen=True, slots=True)
class Call:
    """What the calibration needs of a verdict (all pure numbers)."""

    rank: int
    rival: int  # the level that came closest to winning (0 = not PMO-family)
    family_margin: float  # log of PMO evidence over the family threshold (and the look-alikes)
    level_margin: float  # chosen level's points against the rival level's, -1..1 (1 when no rival level)
    evidence: float  # log(1 + PMO-family points)
    is_advert: bool

    def features(self) -> dict[str, float]:
        return {"family_margin": self.family_margin, "level_margin": self.level_margin, "evidence": self.evidence,
                "is_family": 1.0 if self.rank > 0 else 0.0, "is_advert": 1.0 if self.is_advert else 0.0}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def confidence(call: Call, settings: CalibrationSettings) -> float:
    """P(the level is right), from the fitted curve; clipped to [floor, ceiling]."""
    z = settings.intercept
    feats = call.features()
    for name in FEATURES:
        z += settings.weights[name] * feats[name]
    return round(min(settings.ceiling, max(settings.floor, _sigmoid(z))), 3)


def alternative(call: Call, conf: float, settings: CalibrationSettings) -> tuple[int, float] | None:
    """The rival level and its probability, when it is close enough to name (>= `show_alternative`).
    Its probability is the share of the remaining chance that the corpus gave the named rival."""
    if call.rival == call.rank:
        return None
    prob = round((1.0 - conf) * settings.rival_share, 3)
    return (call.rival, prob) if prob >= settings.show_alternative else None
