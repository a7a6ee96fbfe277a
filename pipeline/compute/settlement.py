"""Penalties, rewards and the monthly settlement of one supplier.

Every line is rounded half-up to the fen when it is created, because that is the figure
the statement shows; the total is the sum of the lines shown, so they always add up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pipeline.compute.money import HUNDRED, ZERO, fen
from pipeline.compute.scoring import ScoreCard
from pipeline.compute.workforce import AttendanceSettlement, attendance_settlement
from pipeline.config.policy import Policy
from pipeline.periods import Period


@dataclass(frozen=True)
class Line:
    kind: str  # base | penalty | cap_relief | reward
    amount: Decimal  # positive, rounded to the fen
    sign: int  # +1 adds to the payable, −1 deducts
    contract_no: str
    ref: str = ""  # incident id for penalties
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def signed(self) -> Decimal:
        return self.amount * self.sign


@dataclass(frozen=True)
class ContractBase:
    contract: Mapping[str, Any]
    items: tuple[Mapping[str, Any], ...]
    monthly_fee: Decimal  # the contract's fee, or Σ headcount × unit price
    fee_from_items: bool
    active_days: int
    period_days: int
    attendance: AttendanceSettlement | None = None  # labour contracts: settled on the days worked

    @property
    def prorated(self) -> bool:
        return self.active_days < self.period_days

    @property
    def fee_for_period(self) -> Decimal:
        """The contract's fee for the days it was in force: what the attendance is reconciled against."""
        return fen(self.monthly_fee * self.active_days / self.period_days)

    @property
    def base(self) -> Decimal:
        return self.attendance.amount if self.attendance is not None else self.fee_for_period


@dataclass(frozen=True)
class Settlement:
    supplier_id: str
    period: str
    currency: str
    bases: tuple[ContractBase, ...]
    lines: tuple[Line, ...]
    penalty_gross: Decimal
    penalty_cap: Decimal
    cap_pct: Decimal
    tax_rate: Decimal
    fee_includes_tax: bool
    payment_days: int

    @property
    def main_contract_no(self) -> str:
        return self.bases[0].contract["contract_no"]

    def total_of(self, kind: str) -> Decimal:
        return sum((l.amount for l in self.lines if l.kind == kind), ZERO)

    @property
    def penalty_net(self) -> Decimal:
        return self.total_of("penalty") - self.total_of("cap_relief")

    @property
    def reward_total(self) -> Decimal:
        return self.total_of("reward")

    @property
    def cap_applied(self) -> bool:
        return self.total_of("cap_relief") > 0

    @property
    def subtotal(self) -> Decimal:
        return sum((l.signed for l in self.lines), ZERO)

    def rate_of(self, contract_no: str) -> Decimal:
        base = next((b for b in self.bases if b.contract["contract_no"] == contract_no), None)
        return base.contract.get("tax_rate", ZERO) if base is not None else self.tax_rate

    @property
    def rates(self) -> tuple[Decimal, ...]:
        """The distinct VAT rates of the contracts settled, in contract order."""
        seen: list[Decimal] = []
        for b in self.bases:
            rate = b.contract.get("tax_rate", ZERO)
            if rate not in seen:
                seen.append(rate)
        return tuple(seen)

    def _by_rate(self) -> list[tuple[Decimal, Decimal]]:
        """(rate, subtotal) per VAT rate: each contract's lines are taxed at its own rate
        (penalties and rewards sit on the main contract, so they take its rate)."""
        totals: dict[Decimal, Decimal] = {}
        for line in self.lines:
            rate = self.rate_of(line.contract_no)
            totals[rate] = totals.get(rate, ZERO) + line.signed
        return list(totals.items())

    @property
    def tax(self) -> Decimal:
        if self.fee_includes_tax:
            return self.subtotal - self.net_of_tax
        return sum((fen(sub * rate) for rate, sub in self._by_rate()), ZERO)

    @property
    def net_of_tax(self) -> Decimal:
        if self.fee_includes_tax:
            return sum((fen(sub / (1 + rate)) for rate, sub in self._by_rate()), ZERO)
        return self.subtotal

    @property
    def payable(self) -> Decimal:
        return self.subtotal if self.fee_includes_tax else self.subtotal + self.tax


def contract_base(
    contract: Mapping[str, Any], items: Sequence[Mapping[str, Any]], period: Period
) -> ContractBase | None:
    """The contract's fee for the days of the period it was in force; None if not in force."""
    start = dt.date.fromisoformat(contract["start_date"])
    end = dt.date.fromisoformat(contract["end_date"])
    first, last = max(start, period.start), min(end, period.end)
    if first > last:
        return None
    fee_from_items = contract.get("monthly_fee") is None
    fee = (
        sum((Decimal(i["headcount"]) * i["unit_price"] for i in items), ZERO)
        if fee_from_items
        else contract["monthly_fee"]
    )
    return ContractBase(contract, tuple(items), fee, fee_from_items, (last - first).days + 1, period.days)


def penalty_for(incident: Mapping[str, Any], monthly_fee: Decimal, policy: Policy) -> tuple[Decimal, dict]:
    fixed = policy.per_incident.get(incident["type"], {}).get(incident["severity"], ZERO)
    days = Decimal(incident.get("days_late") or 0) if incident["type"] == "late_delivery" else ZERO
    late = monthly_fee * policy.late_delivery_pct_per_day / HUNDRED * days
    return fen(fixed + late), {
        "fixed": fixed,
        "days_late": days,
        "late": late,
        "pct_per_day": policy.late_delivery_pct_per_day,
        "monthly_fee": monthly_fee,
    }


def with_attendance(
    base: ContractBase,
    workers: Sequence[Mapping[str, Any]],
    attendance: Sequence[Mapping[str, Any]],
    policy: Policy,
    period: Period,
) -> ContractBase:
    """A labour contract with attendance this period is settled on it (workforce.py)."""
    if base.contract["contract_type"] not in policy.workforce.settle_on_attendance or not base.items:
        return base
    settled = attendance_settlement(
        base.contract, base.items, workers, attendance, base.fee_for_period, period, policy.workforce
    )
    return replace(base, attendance=settled) if settled else base


def settle(
    supplier_id: str,
    contracts: Sequence[Mapping[str, Any]],
    items: Sequence[Mapping[str, Any]],
    incidents: Sequence[Mapping[str, Any]],
    card: ScoreCard | None,
    policy: Policy,
    period: Period,
    workers: Sequence[Mapping[str, Any]] = (),
    attendance: Sequence[Mapping[str, Any]] = (),
) -> Settlement | None:
    """None when the supplier has no contract in force during the period. `workers` and
    `attendance` (the supplier's roster and the period's attendance) settle labour contracts."""
    bases = [
        with_attendance(b, workers, attendance, policy, period)
        for c in contracts
        if (b := contract_base(c, [i for i in items if i["contract_no"] == c["contract_no"]], period))
    ]
    if not bases:
        return None
    # The largest contract carries penalties and rewards; ties go to the lower contract number.
    bases.sort(key=lambda b: (-b.monthly_fee, b.contract["contract_no"]))
    main = bases[0]
    main_no = main.contract["contract_no"]
    lines = [
        Line(
            "base",
            b.base,
            +1,
            b.contract["contract_no"],
            detail={
                "prorated": b.prorated,
                "active_days": b.active_days,
                "period_days": b.period_days,
                "from_items": b.fee_from_items,
                "attendance": b.attendance is not None,
            },
        )
        for b in bases
    ]

    gross = ZERO
    for incident in sorted(incidents, key=lambda i: (i["date"], i["incident_id"])):
        amount, detail = penalty_for(incident, main.monthly_fee, policy)
        if amount > 0:
            lines.append(
                Line(
                    "penalty", amount, -1, main_no, ref=incident["incident_id"], detail={**detail, "incident": incident}
                )
            )
            gross += amount

    cap_pct = main.contract.get("penalty_cap_pct", policy.default_cap_pct)
    cap = fen(
        sum((b.monthly_fee * b.contract.get("penalty_cap_pct", policy.default_cap_pct) / HUNDRED for b in bases), ZERO)
    )
    if gross > cap:
        lines.append(
            Line("cap_relief", gross - cap, +1, main_no, detail={"cap": cap, "gross": gross, "cap_pct": cap_pct})
        )

    if card is not None and card.rated and card.band.grade in policy.rewards:
        pct = policy.rewards[card.band.grade]
        reward = fen(main.monthly_fee * pct / HUNDRED)
        if reward > 0:
            lines.append(Line("reward", reward, +1, main_no, detail={"grade": card.band.grade, "pct": pct}))

    return Settlement(
        supplier_id=supplier_id,
        period=period.code,
        currency=main.contract.get("currency", "CNY"),
        bases=tuple(bases),
        lines=tuple(lines),
        penalty_gross=gross,
        penalty_cap=cap,
        cap_pct=cap_pct,
        tax_rate=main.contract.get("tax_rate", ZERO),
        fee_includes_tax=policy.fee_includes_tax,
        payment_days=int(main.contract.get("payment_days", policy.default_payment_days)),
    )
