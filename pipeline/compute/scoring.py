"""KPI values to a 0–100 score, a weighted total, a grade and the reasons for it.

The policy decides everything: how each KPI maps to 0–100, its weight, the grade bands.
A blank KPI is *not applicable*: left out with the other weights re-normalised, never
counted as 0 or 100, so a missing survey neither sinks nor flatters a supplier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pipeline.config.policy import GradeBand, Kpi, Policy

ZERO, HUNDRED = Decimal(0), Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class KpiResult:
    kpi: Kpi
    actual: Decimal | None
    score: Decimal | None  # 0–100, unrounded; None when not applicable
    weight: Decimal | None  # effective weight in % after re-normalisation
    weighted: Decimal | None  # points contributed to the total
    points_lost: Decimal  # points short of a perfect contribution

    @property
    def applicable(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class ScoreCard:
    supplier_id: str
    period: str
    kpis: tuple[KpiResult, ...]
    total: Decimal | None  # Σ weighted scores each rounded half-up to 0.01; None when not rated
    band: GradeBand | None
    applicable_weight: Decimal  # sum of the policy weights of the KPIs that applied

    @property
    def rated(self) -> bool:
        return self.total is not None

    @property
    def renormalised(self) -> bool:
        return any(not k.applicable for k in self.kpis) and self.rated

    @property
    def not_applicable(self) -> tuple[KpiResult, ...]:
        return tuple(k for k in self.kpis if not k.applicable)


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = HUNDRED) -> Decimal:
    return max(low, min(high, value))


def kpi_score(kpi: Kpi, value: Decimal) -> Decimal:
    if kpi.method == "count_deduction":
        return clamp(HUNDRED - kpi.points_per_unit * value)
    # linear: the floor scores 0 and the target 100 whichever way "better" points
    return clamp((value - kpi.floor) / (kpi.target - kpi.floor) * HUNDRED)


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def score_evaluation(evaluation: Mapping[str, Any], policy: Policy) -> ScoreCard:
    actuals = {k.field: _as_decimal(evaluation.get(k.field)) for k in policy.kpis}
    raw_scores = {
        k.field: (kpi_score(k, actuals[k.field]) if actuals[k.field] is not None else None) for k in policy.kpis
    }
    applicable_weight = sum((k.weight for k in policy.kpis if raw_scores[k.field] is not None), ZERO)
    total_weight = sum((k.weight for k in policy.kpis), ZERO)
    rated = applicable_weight > 0 and applicable_weight / total_weight * HUNDRED >= policy.min_applicable_weight

    results = []
    for k in policy.kpis:
        score = raw_scores[k.field]
        if score is None or not rated:
            results.append(KpiResult(k, actuals[k.field], score, None, None, ZERO))
            continue
        weight = k.weight / applicable_weight * HUNDRED
        weighted = score * weight / HUNDRED
        results.append(KpiResult(k, actuals[k.field], score, weight, weighted, weight - weighted))

    total = None
    band = None
    if rated:
        # the sum of the weighted scores as the report shows them (each to 0.01), so the total
        # a supplier adds up from the report is the total it was graded on
        total = sum((r.weighted.quantize(CENT, ROUND_HALF_UP) for r in results if r.weighted is not None), ZERO)
        band = policy.band(total)
    return ScoreCard(
        supplier_id=str(evaluation["supplier_id"]),
        period=str(evaluation["period"]),
        kpis=tuple(results),
        total=total,
        band=band,
        applicable_weight=applicable_weight,
    )


def main_deductions(card: ScoreCard, top: int) -> list[KpiResult]:
    """The KPIs that cost the most points: the first thing a supplier asks about a score."""
    lost = [r for r in card.kpis if r.applicable and r.points_lost > 0]
    return sorted(lost, key=lambda r: r.points_lost, reverse=True)[:top]


def movers(card: ScoreCard, previous: ScoreCard, top: int) -> list[tuple[KpiResult, Decimal]]:
    """KPIs whose contribution changed most since the previous period, signed."""
    before = {r.kpi.field: r for r in previous.kpis}
    changes = []
    for r in card.kpis:
        p = before.get(r.kpi.field)
        if r.weighted is not None and p is not None and p.weighted is not None:
            delta = r.weighted - p.weighted
            if delta.copy_abs() >= CENT:
                changes.append((r, delta))
    return sorted(changes, key=lambda c: c[1].copy_abs(), reverse=True)[:top]
