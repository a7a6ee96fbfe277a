"""Consequences of a period's results (奖惩措施 / 退出机制): which notice follows, and the
status change suggested, from the policy's `actions` rules — never decided in code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.compute.trend import Point, run_of
from pipeline.config.policy import ActionRule, Policy
from pipeline.periods import Period

ACTION_LABELS = {
    "commendation_letter": ("表扬信", "Commendation letter"),
    "warning_letter": ("警告函", "Warning letter"),
    "improvement_notice": ("整改通知书", "Improvement notice"),
    "termination_notice": ("解除合同通知书", "Contract termination notice"),
    "exit_review": ("退出评审表", "Exit review"),
}
STATUS_RANK = {"approved": 0, "candidate": 0, "probation": 1, "suspended": 2, "exited": 3}


@dataclass(frozen=True)
class Reason:
    """One fact that triggered an action: a code (reason_grade, reason_grade_run, reason_incident) and its facts."""

    code: str
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    action: str
    supplier_id: str
    rule: ActionRule
    reasons: tuple[Reason, ...]  # the facts that triggered it (words: the message catalogue)
    deadline: dt.date | None = None
    handover_end: dt.date | None = None
    status_from: str | None = None
    status_to: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> tuple[str, str]:
        return ACTION_LABELS[self.action]


def _matches(
    rule: ActionRule,
    grade: str | None,
    points: Sequence[Point],
    period: Period,
    incidents: Sequence[Mapping[str, Any]],
    policy: Policy,
) -> list[Reason]:
    """The reasons the rule applies (empty: it does not)."""
    when = rule.when
    if "grade" in when:
        if grade in when["grade"]:
            band = policy.band_named(grade)
            return [Reason("reason_grade", {"grade": grade, "band_zh": band.label_zh, "band_en": band.label_en})]
        return []
    if "grade_run" in when:
        # once per streak: when the run reaches its length, not again every month it lasts
        grades, n = when["grade_run"]["grades"], when["grade_run"]["periods"]
        if run_of(points, period, grades, n) and not run_of(points, period.previous(), grades, n):
            return [Reason("reason_grade_run", {"grades": list(grades), "periods": n})]
        return []
    if "incident" in when:
        spec = when["incident"]
        hits = [
            i
            for i in incidents
            if i["type"] == spec["type"] and (not spec.get("severity") or i["severity"] in spec["severity"])
        ]
        return [
            Reason(
                "reason_incident",
                {
                    "incident_id": i["incident_id"],
                    "type": i["type"],
                    "incident_severity": i["severity"],
                    "description": i.get("description") or "",
                },
            )
            for i in hits
        ]
    return []


def decide(
    supplier: Mapping[str, Any],
    grade: str | None,
    points: Sequence[Point],
    period: Period,
    incidents: Sequence[Mapping[str, Any]],
    policy: Policy,
) -> list[Action]:
    sid = supplier["supplier_id"]
    matched: dict[str, Action] = {}
    for rule in policy.actions:
        reasons = _matches(rule, grade, points, period, incidents, policy)
        if not reasons:
            continue
        if rule.action in matched:  # two rules for the same notice: one notice, all reasons
            prior = matched[rule.action]
            matched[rule.action] = Action(
                prior.action,
                sid,
                prior.rule,
                prior.reasons + tuple(reasons),
                prior.deadline,
                prior.handover_end,
                prior.status_from,
                prior.status_to,
            )
            continue
        status_from = supplier.get("status")
        status_to = rule.status.get(status_from) if status_from else None
        matched[rule.action] = Action(
            rule.action,
            sid,
            rule,
            tuple(reasons),
            deadline=period.end + dt.timedelta(days=rule.deadline_days) if rule.deadline_days else None,
            handover_end=period.end + dt.timedelta(days=rule.handover_days) if rule.handover_days is not None else None,
            status_from=status_from if status_to and status_to != status_from else None,
            status_to=status_to if status_to != status_from else None,
        )
    replaced = {r for a in matched.values() for r in a.rule.replaces}
    return [a for name, a in matched.items() if name not in replaced]


def suggested_status(actions: Sequence[Action]) -> tuple[str, str, Action] | None:
    """The strictest status change any action suggests: (from, to, because of)."""
    changes = [(a.status_from, a.status_to, a) for a in actions if a.status_to]
    if not changes:
        return None
    return max(changes, key=lambda c: STATUS_RANK.get(c[1], 0))
