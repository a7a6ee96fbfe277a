"""A supplier's score over time: the timeline of recorded periods and a multi-period score.

Months without a record are gaps, never zeros: the multi-period score uses the periods
that were rated within its window, re-weighted over those present.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pipeline.config.policy import TrendRule
from pipeline.periods import Period

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Point:
    period: Period
    score: Decimal | None  # None: recorded but not rated
    grade: str | None


def window(points: Sequence[Point], end: Period, size: int) -> list[Point | None]:
    """The `size` periods ending at `end`, newest first; None where nothing was recorded."""
    by_period = {p.period: p for p in points}
    out, cursor = [], end
    for _ in range(size):
        out.append(by_period.get(cursor))
        cursor = cursor.previous()
    return out


def multi_period_score(points: Sequence[Point], end: Period, rule: TrendRule) -> Decimal | None:
    if rule.method == "decay":
        weights = list(rule.decay_weights)
    else:
        weights = [Decimal(1)] * rule.window
    recent = window(points, end, len(weights))
    pairs = [(w, p.score) for w, p in zip(weights, recent) if p is not None and p.score is not None]
    total = sum((w for w, _ in pairs), Decimal(0))
    if not pairs or total == 0:
        return None
    return (sum((w * s for w, s in pairs), Decimal(0)) / total).quantize(CENT, ROUND_HALF_UP)


def run_of(points: Sequence[Point], end: Period, grades: Sequence[str], length: int) -> bool:
    """The last `length` consecutive periods up to `end` were all rated with one of `grades`."""
    return all(p is not None and p.grade in grades for p in window(points, end, length))


def describe(rule: TrendRule) -> tuple[str, str]:
    if rule.method == "decay":
        w = "/".join(f"{x:g}" for x in rule.decay_weights)
        return (
            f"近{len(rule.decay_weights)}期加权（权重{w}，最近期在前）",
            f"{len(rule.decay_weights)}-period weighted ({w}, newest first)",
        )
    return f"近{rule.window}期移动平均", f"{rule.window}-period moving average"
