"""Appeals against incidents (处理纠纷和问题): what a decision changes, and when.

An appeal holds nothing by itself. A decision falls in the month of its `decided_date`: an
`upheld` one gives back what the incident cost in its own month's settlement (its share of the
liquidated damages after that month's cap), a `partially_upheld` one its `adjusted_amount` (never
more than the incident cost), both as one credit line on the settlement of the decision's month —
the same line however often that month is rerun, and none in any other month. From the decision
on, an upheld incident no longer counts: not in flags, not in the action rules, not in later
escalation. A decision in the incident's own month simply keeps it out of that month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.compute.money import ZERO, fen
from pipeline.periods import Period

DECIDED = ("upheld", "partially_upheld", "rejected")


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def struck_out(appeals: Iterable[Mapping[str, Any]], as_of: dt.date) -> frozenset[str]:
    """The incidents an upheld appeal has struck out by `as_of` (the period's last day)."""
    return frozenset(
        a["incident_id"]
        for a in appeals
        if a["decision"] == "upheld" and a.get("decided_date") and _day(a["decided_date"]) <= as_of
    )


@dataclass(frozen=True)
class Decision:
    """One appeal decided in the period, with its financial effect."""

    appeal: Mapping[str, Any]
    incident: Mapping[str, Any]
    original_period: str  # the month of the incident
    charged: Decimal  # what the incident cost in its own month's settlement
    reversed: Decimal  # what this decision gives back in the decision's month

    @property
    def appeal_id(self) -> str:
        return self.appeal["appeal_id"]

    @property
    def decision(self) -> str:
        return self.appeal["decision"]

    @property
    def same_month(self) -> bool:
        """Decided in the incident's own month: the incident was never charged."""
        return self.original_period == Period.parse(self.appeal["decided_date"][:7]).code


def decisions_in(
    appeals: Iterable[Mapping[str, Any]],
    incidents: Mapping[str, Mapping[str, Any]],
    supplier_id: str,
    period: Period,
    charged_of: Callable[[Mapping[str, Any]], Decimal],
) -> tuple[Decision, ...]:
    """The supplier's appeals decided in the period. `charged_of(incident)`: what the incident
    cost in its own month's settlement (computed by the caller from that month's records)."""
    out = []
    for a in sorted(appeals, key=lambda a: (a.get("decided_date") or "", a["appeal_id"])):
        if a["supplier_id"] != supplier_id or a["decision"] not in DECIDED or not a.get("decided_date"):
            continue
        if not period.contains(_day(a["decided_date"])):
            continue
        incident = incidents.get(a["incident_id"])
        if incident is None:
            continue
        original = Period.parse(incident["date"][:7]).code
        same = original == period.code
        charged = ZERO if same else charged_of(incident)
        if a["decision"] == "upheld":
            back = charged
        elif a["decision"] == "partially_upheld":
            back = min(fen(Decimal(a.get("adjusted_amount") or 0)), charged)
        else:
            back = ZERO
        out.append(Decision(a, incident, original, charged, back))
    return tuple(out)


def incident_share(lines: Sequence[Any], incident_id: str) -> Decimal:
    """An incident's share of a settlement's liquidated damages after the cap: its penalty line ×
    (charged ÷ gross), at the fen."""
    penalties = [l for l in lines if l.kind == "penalty"]
    gross = sum((l.amount for l in penalties), ZERO)
    mine = sum((l.amount for l in penalties if l.ref == incident_id), ZERO)
    if not gross or not mine:
        return ZERO
    relief = sum((l.amount for l in lines if l.kind == "cap_relief"), ZERO)
    return fen(mine * (gross - relief) / gross)
