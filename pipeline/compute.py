"""The month's results for every evaluated supplier: pure functions over validated records."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .periods import Period
from .policy import Policy
from .scoring import ScoreCard, score_evaluation
from .settlement import Settlement, settle


@dataclass(frozen=True)
class SupplierMonth:
    supplier: Mapping[str, Any]
    evaluation: Mapping[str, Any]
    card: ScoreCard
    previous: ScoreCard | None
    incidents: tuple[Mapping[str, Any], ...]
    contracts: tuple[Mapping[str, Any], ...]
    settlement: Settlement | None

    @property
    def supplier_id(self) -> str:
        return self.supplier["supplier_id"]


@dataclass(frozen=True)
class MonthResult:
    period: Period
    suppliers: tuple[SupplierMonth, ...]
    unevaluated: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)   # approved, no evaluation

    def by_grade(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.suppliers:
            key = s.card.band.grade if s.card.rated else "—"
            counts[key] = counts.get(key, 0) + 1
        return counts


def latest_period(evaluations: Sequence[Mapping[str, Any]]) -> Period | None:
    periods = sorted({Period.parse(e["period"]) for e in evaluations})
    return periods[-1] if periods else None


def compute_month(records: Mapping[str, Sequence[Mapping[str, Any]]], policy: Policy, period: Period) -> MonthResult:
    suppliers = {s["supplier_id"]: s for s in records["suppliers"]}
    evaluations = [e for e in records["evaluations"] if e["period"] == period.code]
    previous = {e["supplier_id"]: e for e in records["evaluations"] if e["period"] == period.previous().code}
    results = []
    for evaluation in sorted(evaluations, key=lambda e: e["supplier_id"]):
        sid = evaluation["supplier_id"]
        card = score_evaluation(evaluation, policy)
        incidents = tuple(i for i in records["incidents"]
                          if i["supplier_id"] == sid and period.contains(dt.date.fromisoformat(i["date"])))
        contracts = tuple(c for c in records["contracts"] if c["supplier_id"] == sid)
        contract_nos = {c["contract_no"] for c in contracts}
        items = [i for i in records["contract_items"] if i["contract_no"] in contract_nos]
        results.append(SupplierMonth(
            supplier=suppliers[sid], evaluation=evaluation, card=card,
            previous=score_evaluation(previous[sid], policy) if sid in previous else None,
            incidents=incidents, contracts=contracts,
            settlement=settle(sid, contracts, items, incidents, card, policy, period),
        ))
    evaluated = {r.supplier_id for r in results}
    unevaluated = tuple(s for sid, s in sorted(suppliers.items())
                        if sid not in evaluated and s["status"] in ("approved", "probation"))
    return MonthResult(period=period, suppliers=tuple(results), unevaluated=unevaluated)
