"""Quarterly and annual roll-ups (定期评审) of the months the history store recorded.

A month without a record is shown as missing and left out of averages — never counted as
zero — so a supplier that started mid-quarter is judged on the months it worked.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pipeline.compute.month import PastResult
from pipeline.config.policy import Policy
from pipeline.periods import Period

CENT = Decimal("0.01")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class ReviewPeriod:
    code: str
    months: tuple[Period, ...]
    kind: str  # quarterly | annual

    @classmethod
    def parse(cls, text: str) -> ReviewPeriod:
        if m := _QUARTER.match(text.strip()):
            year, q = int(m.group(1)), int(m.group(2))
            return cls(f"{year}-Q{q}", tuple(Period(year, 3 * (q - 1) + i) for i in (1, 2, 3)), "quarterly")
        if m := _YEAR.match(text.strip()):
            year = int(m.group(1))
            return cls(f"{year}", tuple(Period(year, i) for i in range(1, 13)), "annual")
        raise ValueError(
            f"评审期间应为 YYYY-Qn（如 2026-Q3）或 YYYY（如 2026）/ a review period is YYYY-Qn "
            f"(e.g. 2026-Q3) or YYYY (e.g. 2026), got {text!r}"
        )

    def previous(self) -> ReviewPeriod:
        """The quarter (or year) before this one."""
        if self.kind == "quarterly":
            first = self.months[0]
            year, q = (first.year - 1, 4) if first.month == 1 else (first.year, (first.month - 1) // 3)
            return ReviewPeriod.parse(f"{year}-Q{q}")
        return ReviewPeriod.parse(str(self.months[0].year - 1))


@dataclass(frozen=True)
class SupplierRollup:
    supplier_id: str
    name_zh: str
    name_en: str
    category: str
    months: tuple[tuple[Period, PastResult | None], ...]
    average: Decimal | None
    grade: str | None
    penalties: Decimal
    rewards: Decimal
    payable: Decimal
    kpi_averages: tuple[tuple[str, Decimal, int], ...]  # field, average score, periods
    incident_counts: tuple[tuple[str, int], ...]
    trend: Decimal | None  # last rated minus first rated

    @property
    def recorded(self) -> int:
        return sum(1 for _, r in self.months if r is not None)


def _avg(values: Sequence[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP) if values else None


def roll_up(results: Sequence[PastResult], review: ReviewPeriod, policy: Policy) -> list[SupplierRollup]:
    by_supplier: dict[str, dict[str, PastResult]] = defaultdict(dict)
    for r in results:
        by_supplier[r.supplier_id][r.period] = r
    out = []
    for sid in sorted(by_supplier):
        months = tuple((m, by_supplier[sid].get(m.code)) for m in review.months)
        recorded = [r for _, r in months if r is not None]
        if not recorded:
            continue
        rated = [r.score for r in recorded if r.rated and r.score is not None]
        average = _avg(rated)
        kpi_scores: dict[str, list[Decimal]] = defaultdict(list)
        for r in recorded:
            for fld, v in r.kpis.items():
                if isinstance(v, dict) and v.get("score") is not None:
                    kpi_scores[fld].append(Decimal(v["score"]))
        counts = Counter(i.get("type") for r in recorded for i in r.incidents)
        last = recorded[-1]
        out.append(
            SupplierRollup(
                supplier_id=sid,
                name_zh=last.name_zh,
                name_en=last.name_en,
                category=last.category,
                months=months,
                average=average,
                grade=policy.band(average).grade if average is not None else None,
                penalties=sum((r.penalties or Decimal(0) for r in recorded), Decimal(0)),
                rewards=sum((r.rewards or Decimal(0) for r in recorded), Decimal(0)),
                payable=sum((r.payable or Decimal(0) for r in recorded), Decimal(0)),
                kpi_averages=tuple(
                    (k.field, _avg(kpi_scores[k.field]), len(kpi_scores[k.field]))
                    for k in policy.kpis
                    if kpi_scores.get(k.field)
                ),
                incident_counts=tuple(sorted(counts.items())),
                trend=(rated[-1] - rated[0]) if len(rated) >= 2 else None,
            )
        )
    return out
