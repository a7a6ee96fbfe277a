"""Risk early warning (风险预警): flags raised for each supplier and for the portfolio.

Each flag has a severity and a plain explanation in both languages; thresholds come from
the policy's `risk` section. Dates are measured from the period's last day, never the clock.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Sequence

from pipeline.documents.formatting import date_en, date_zh, fixed
from pipeline.config.labels import label
from pipeline.periods import Period
from pipeline.config.policy import Policy
from pipeline.compute.trend import Point, run_of

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str                 # low | medium | high | critical
    supplier_id: str | None
    message_zh: str
    message_en: str
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
    checks = [("license_expiry", "licence", "营业执照", "business licence")]
    if supplier.get("category") == "labor_dispatch":
        checks.append(("dispatch_permit_expiry", "permit", "劳务派遣经营许可证", "labour-dispatch permit"))
    for fld, code, zh, en in checks:
        value = supplier.get(fld)
        if not value or value == "permanent":
            continue
        expiry = dt.date.fromisoformat(value)
        days = (expiry - period.end).days
        if days < 0:
            out.append(Flag(f"{code}_expired", "critical", sid, f"{zh}已于{date_zh(expiry)}过期。",
                            f"The {en} expired on {date_en(expiry)}.", {"date": value, "days": days}))
            continue
        if code == "permit" and days <= rule.permit_renewal_days:
            out.append(Flag("permit_renewal_due", "high", sid,
                            f"{zh}将于{date_zh(expiry)}到期（剩余{days}天），应于到期前{rule.permit_renewal_days}日申请延续，现已到期限。",
                            f"The {en} expires on {date_en(expiry)} ({days} days left); its renewal is due "
                            f"{rule.permit_renewal_days} days before expiry, which is now.", {"date": value, "days": days}))
            continue
        severity = _expiry_severity(days, rule.expiry_notice_days)
        if severity:
            out.append(Flag(f"{code}_expiring", severity, sid, f"{zh}将于{date_zh(expiry)}到期（剩余{days}天）。",
                            f"The {en} expires on {date_en(expiry)} ({days} days left).", {"date": value, "days": days}))
    return out


def supplier_flags(supplier: Mapping[str, Any], points: Sequence[Point], period: Period,
                   incidents: Sequence[Mapping[str, Any]], contracts: Sequence[Mapping[str, Any]],
                   policy: Policy) -> list[Flag]:
    sid = supplier["supplier_id"]
    rule = policy.risk
    out = expiry_flags(supplier, period, policy)
    level = supplier.get("data_access_level")
    if level in rule.nda_required_levels and not supplier.get("nda_signed_date"):
        lz, le = label("data_access_level", level)
        out.append(Flag("nda_missing", "high", sid, f"数据访问级别为“{lz}”，但未签署保密协议。",
                        f"Data access level is {le.lower()} but no confidentiality agreement (NDA) is on file."))
    for i in incidents:
        if i["type"] == "security_breach":
            sz, se = label("severity", i["severity"])
            out.append(Flag("security_breach", i["severity"], sid, f"发生安全事件 {i['incident_id']}（{sz}）。",
                            f"Security breach {i['incident_id']} ({se.lower()}).", {"incident_id": i["incident_id"]}))
    current = next((p for p in points if p.period == period), None)
    before = next((p for p in points if p.period == period.previous()), None)
    if current and before and current.score is not None and before.score is not None:
        drop = before.score - current.score
        if drop >= rule.score_drop_points:
            out.append(Flag("score_drop", "medium", sid,
                            f"得分较上期下降{fixed(drop)}分（{fixed(before.score)} → {fixed(current.score)}，阈值{fixed(rule.score_drop_points, 0)}分）。",
                            f"Score fell {fixed(drop)} points on the previous period ({fixed(before.score)} → "
                            f"{fixed(current.score)}; threshold {fixed(rule.score_drop_points, 0)}).", {"drop": str(drop)}))
    lowest = policy.grades[-1].grade
    if current and current.grade == lowest:
        out.append(Flag("grade_lowest", "high", sid, f"本期评级{lowest}（{policy.band_named(lowest).label_zh}）。",
                        f"Grade {lowest} ({policy.band_named(lowest).label_en}) this period."))
    low = low_grades(policy)
    if current and run_of(points, period, low, 2):
        out.append(Flag("consecutive_low", "medium", sid, f"连续两期评级为{'或'.join(low)}及以下。",
                        f"Two periods in a row at grade {' or '.join(low)}."))
    for c in contracts:
        end = dt.date.fromisoformat(c["end_date"])
        days = (end - period.end).days
        if 0 <= days <= rule.contract_ending_days:
            out.append(Flag("contract_ending", "medium" if days <= 30 else "low", sid,
                            f"合同{c['contract_no']}将于{date_zh(end)}到期（剩余{days}天），请启动续签或替换评估。",
                            f"Contract {c['contract_no']} ends on {date_en(end)} ({days} days left); start the renewal "
                            f"or replacement review.", {"contract_no": c["contract_no"], "days": days}))
    return sorted(out, key=lambda f: (SEVERITY_ORDER[f.severity], f.code))


def low_grades(policy: Policy) -> list[str]:
    """"C or worse": the bands from the third-best down (A, B | C, D with the default bands)."""
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
        cz, ce = label("category", category)
        if len(members) == 1:
            s = members[0]
            out.append(Flag("single_source", "medium", s["supplier_id"], f"“{cz}”类别仅有这一家在用供应商，无备选。",
                            f"The only active supplier in {ce.lower()}: no back-up supplier.", {"category": category}))
            continue
        total = sum((spend.get(s["supplier_id"], Decimal(0)) for s in members), Decimal(0))
        if total <= 0:
            continue
        for s in members:
            share = spend.get(s["supplier_id"], Decimal(0)) * 100 / total
            if share > policy.risk.concentration_pct:
                out.append(Flag("concentration", "medium", s["supplier_id"],
                                f"占“{cz}”类别本期支出的{fixed(share, 1)}%，超过{fixed(policy.risk.concentration_pct, 0)}%的集中度上限。",
                                f"Holds {fixed(share, 1)}% of this period's {ce.lower()} spend, above the "
                                f"{fixed(policy.risk.concentration_pct, 0)}% concentration limit.", {"share": str(share)}))
    return out
