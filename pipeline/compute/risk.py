"""Risk early warning (风险预警): flags raised for each supplier and for the portfolio.

Each flag is a code, a severity and its facts (plain values); the words are in the message
catalogue (schemas/messages.yaml, rendered by pipeline.documents.messages). Thresholds come
from the policy's `risk` section. Dates are measured from the period's last day, never the clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.compute.trend import Point, run_of
from pipeline.config.policy import Policy
from pipeline.periods import Period

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str  # low | medium | high | critical
    supplier_id: str | None
    facts: Mapping[str, Any] = field(default_factory=dict)


def _expiry_severity(days: int, thresholds: Sequence[int]) -> str | None:
    levels = ("high", "medium", "low")
    for limit, level in zip(sorted(thresholds), levels):
        if days <= limit:
            return level
    return None


def expiry_flags(supplier: Mapping[str, Any], period: Period, policy: Policy) -> list[Flag]:
    sid = supplier["supplier_id"]
    rule = policy.risk
    out = []
    checks = [("license_expiry", "licence")]
    if supplier.get("category") == "labor_dispatch":
        checks.append(("dispatch_permit_expiry", "permit"))
    for fld, code in checks:
        value = supplier.get(fld)
        if not value or value == "permanent":
            continue
        expiry = dt.date.fromisoformat(value)
        days = (expiry - period.end).days
        if days < 0:
            out.append(Flag(f"{code}_expired", "critical", sid, {"date": value, "days": days}))
            continue
        if code == "permit" and days <= rule.permit_renewal_days:
            out.append(
                Flag(
                    "permit_renewal_due",
                    "high",
                    sid,
                    {"date": value, "days": days, "renewal_days": rule.permit_renewal_days},
                )
            )
            continue
        severity = _expiry_severity(days, rule.expiry_notice_days)
        if severity:
            out.append(Flag(f"{code}_expiring", severity, sid, {"date": value, "days": days}))
    return out


def supplier_flags(
    supplier: Mapping[str, Any],
    points: Sequence[Point],
    period: Period,
    incidents: Sequence[Mapping[str, Any]],
    contracts: Sequence[Mapping[str, Any]],
    policy: Policy,
) -> list[Flag]:
    sid = supplier["supplier_id"]
    rule = policy.risk
    out = expiry_flags(supplier, period, policy)
    level = supplier.get("data_access_level")
    if level in rule.nda_required_levels and not supplier.get("nda_signed_date"):
        out.append(Flag("nda_missing", "high", sid, {"level": level}))
    for i in incidents:
        if i["type"] == "security_breach":
            out.append(
                Flag(
                    "security_breach",
                    i["severity"],
                    sid,
                    {"incident_id": i["incident_id"], "incident_severity": i["severity"]},
                )
            )
    current = next((p for p in points if p.period == period), None)
    before = next((p for p in points if p.period == period.previous()), None)
    if current and before and current.score is not None and before.score is not None:
        drop = before.score - current.score
        if drop >= rule.score_drop_points:
            out.append(
                Flag(
                    "score_drop",
                    "medium",
                    sid,
                    {
                        "drop": drop,
                        "previous": before.score,
                        "current": current.score,
                        "threshold": rule.score_drop_points,
                    },
                )
            )
    lowest = policy.grades[-1].grade
    if current and current.grade == lowest:
        band = policy.band_named(lowest)
        out.append(
            Flag("grade_lowest", "high", sid, {"grade": lowest, "band_zh": band.label_zh, "band_en": band.label_en})
        )
    low = low_grades(policy)
    if current and run_of(points, period, low, 2):
        out.append(Flag("consecutive_low", "medium", sid, {"grades": list(low)}))
    for c in contracts:
        end = dt.date.fromisoformat(c["end_date"])
        days = (end - period.end).days
        if 0 <= days <= rule.contract_ending_days:
            out.append(
                Flag(
                    "contract_ending",
                    "medium" if days <= 30 else "low",
                    sid,
                    {"contract_no": c["contract_no"], "date": c["end_date"], "days": days},
                )
            )
    return sorted(out, key=lambda f: (SEVERITY_ORDER[f.severity], f.code))


def low_grades(policy: Policy) -> list[str]:
    """ "C or worse": the bands from the third-best down (A, B | C, D with the default bands)."""
    names = [b.grade for b in policy.grades]
    return names[2:] if len(names) > 2 else names[-1:]


def portfolio_flags(suppliers: Sequence[Mapping[str, Any]], spend: Mapping[str, Decimal], policy: Policy) -> list[Flag]:
    """Single source in a category; one supplier above the concentration share of its category's spend.
    `suppliers`: active (approved/probation) suppliers; `spend`: payable this period by supplier."""
    by_category: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for s in suppliers:
        by_category[s["category"]].append(s)
    out = []
    for category, members in sorted(by_category.items()):
        if len(members) == 1:
            s = members[0]
            out.append(Flag("single_source", "medium", s["supplier_id"], {"category": category}))
            continue
        total = sum((spend.get(s["supplier_id"], Decimal(0)) for s in members), Decimal(0))
        if total <= 0:
            continue
        for s in members:
            share = spend.get(s["supplier_id"], Decimal(0)) * 100 / total
            if share > policy.risk.concentration_pct:
                out.append(
                    Flag(
                        "concentration",
                        "medium",
                        s["supplier_id"],
                        {"category": category, "share": share, "limit": policy.risk.concentration_pct},
                    )
                )
    return out
