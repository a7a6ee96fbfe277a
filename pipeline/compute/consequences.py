"""Consequences of a period's results (奖惩措施 / 退出机制): which notice follows, and the
status change suggested, from the policy's `actions` rules and its `escalation` — never decided in code.

Escalation reads the notices of earlier periods (`PastNotice`, plain data: the history store's
recorded actions, or decided again from earlier inputs): a repeated warning becomes an improvement
notice, an improvement notice whose remedy period ended without recovery brings an exit review on the
ground "breach not cured". Remedy periods are the contract's (`Remedy`): the written improvement plan
within the working days of the improvement-plan clause, the breach cured within the cure period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.compute.followup import (  # noqa: F401  (notice_no, add_working_days: re-exported)
    NOTICE_PREFIX,
    FollowUp,
    add_working_days,
    notice_no,
)
from pipeline.compute.risk import low_grades
from pipeline.compute.trend import Point, run_of
from pipeline.config.policy import ActionRule, NoticeCalendar, Policy
from pipeline.periods import Period

ACTION_LABELS = {
    "commendation_letter": ("表扬信", "Commendation letter"),
    "warning_letter": ("警告函", "Warning letter"),
    "improvement_notice": ("整改通知书", "Improvement notice"),
    "termination_notice": ("解除合同通知书", "Contract termination notice"),
    "exit_review": ("退出评审表", "Exit review"),
}
# how far a notice goes: a later notice never falls below an earlier one within the window
LADDER = {"warning_letter": 1, "improvement_notice": 2, "exit_review": 3, "termination_notice": 4}
ZH_ONLY = "(description in Chinese only)"
STATUS_RANK = {"approved": 0, "candidate": 0, "probation": 1, "suspended": 2, "exited": 3}


@dataclass(frozen=True)
class Remedy:
    """The remedy periods the contract sets (schemas/contract_terms.yaml, clauses improvement_plan and cure)."""

    plan_working_days: int = 10  # a written improvement plan after a C or D month (clause improvement_plan)
    cure_days: int = 15  # the breach cured after written notice (clause cure)


@dataclass(frozen=True)
class PastNotice:
    """A notice of an earlier period, as plain data."""

    period: Period
    action: str


def plan_deadline(issued: dt.date, remedy: Remedy, calendar: NoticeCalendar) -> dt.date:
    return add_working_days(issued, remedy.plan_working_days, calendar)


def cure_deadline(issued: dt.date, remedy: Remedy) -> dt.date:
    return issued + dt.timedelta(days=remedy.cure_days)


@dataclass(frozen=True)
class Reason:
    """One fact that triggered an action: a code (reason_grade, reason_grade_run, reason_incident,
    reason_repeat_warning, reason_uncured, reason_repeat_improvement) and its facts."""

    code: str
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    action: str
    supplier_id: str
    rule: ActionRule
    reasons: tuple[Reason, ...]  # the facts that triggered it (words: the message catalogue)
    deadline: dt.date | None = None  # the written improvement plan (warning letter, improvement notice)
    handover_end: dt.date | None = None
    status_from: str | None = None
    status_to: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)
    cure_deadline: dt.date | None = None  # the breach cured (improvement notice)
    grounds: tuple[str, ...] = ()  # clause ids (schemas/clauses.yaml) the notice rests on
    incidents: tuple[Mapping[str, Any], ...] = ()  # the incidents behind it

    @property
    def label(self) -> tuple[str, str]:
        return ACTION_LABELS[self.action]


def _incident_matches(spec: Mapping[str, Any], i: Mapping[str, Any]) -> bool:
    types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    if i["type"] not in types or (spec.get("severity") and i["severity"] not in spec["severity"]):
        return False
    words = spec.get("keywords")
    if not words:
        return True
    text = f"{i.get('description') or ''} {i.get('description_en') or ''}".lower()
    return any(w.lower() in text for w in words)


def _incident_reason(i: Mapping[str, Any]) -> Reason:
    return Reason(
        "reason_incident",
        {
            "incident_id": i["incident_id"],
            "type": i["type"],
            "incident_severity": i["severity"],
            "description": i.get("description") or "",
            "description_en": i.get("description_en") or "",
            "zh_only": ZH_ONLY if i.get("description") and not i.get("description_en") else "",
        },
    )


def _matches(
    rule: ActionRule,
    grade: str | None,
    points: Sequence[Point],
    period: Period,
    incidents: Sequence[Mapping[str, Any]],
    policy: Policy,
    follow_up: FollowUp = FollowUp(),
) -> tuple[list[Reason], list[Mapping[str, Any]]]:
    """The reasons the rule applies (empty: it does not), and the incidents among them. `follow_up`:
    the period's inspections and the plans as of its last day (conditions inspection and plan; a plan
    condition fires once, in the period the deadline or due date passes)."""
    when = rule.when
    if "grade" in when:
        if grade in when["grade"]:
            band = policy.band_named(grade)
            return [Reason("reason_grade", {"grade": grade, "band_zh": band.label_zh, "band_en": band.label_en})], []
        return [], []
    if "grade_run" in when:
        # once per streak: when the run reaches its length, not again every month it lasts
        grades, n = when["grade_run"]["grades"], when["grade_run"]["periods"]
        if run_of(points, period, grades, n) and not run_of(points, period.previous(), grades, n):
            return [Reason("reason_grade_run", {"grades": list(grades), "periods": n})], []
        return [], []
    if "incident" in when:
        hits = [i for i in incidents if _incident_matches(when["incident"], i)]
        return [_incident_reason(i) for i in hits], hits
    if "inspection" in when:
        return [_inspection_reason(i) for i in follow_up.inspections if i["result"] in when["inspection"]], []
    if "plan" in when:
        return [_plan_reason(s) for s in follow_up.plans if s.newly and s.status in when["plan"]], []
    return [], []


def _inspection_reason(i: Mapping[str, Any]) -> Reason:
    return Reason(
        "reason_inspection",
        {
            "inspection_id": i["inspection_id"],
            "date": i["date"],
            "result": i["result"],
            "items_failed": int(i["items_failed"]),
            "items_checked": int(i["items_checked"]),
            "findings": i.get("findings") or "",
            "findings_en": i.get("findings_en") or "",
            "zh_only": "(findings in Chinese only)" if i.get("findings") and not i.get("findings_en") else "",
        },
    )


def _plan_reason(s: Any) -> Reason:
    if s.status == "missing":
        return Reason(
            "reason_plan_missing",
            {
                "source_doc": s.source_doc,
                "issued": s.expectation.issued.isoformat(),
                "deadline": s.deadline.isoformat(),
            },
        )
    return Reason(
        "reason_plan_overdue",
        {"plan_id": s.plan["plan_id"], "source_doc": s.source_doc, "due_date": s.plan["due_date"]},
    )


DEFAULT_GROUNDS = {
    "warning_letter": ("service_levels",),
    "improvement_notice": ("service_levels",),
    "exit_review": ("termination_uncured",),
    "termination_notice": ("termination_by_a",),
}


def _ground_of(rule: ActionRule) -> tuple[str, ...]:
    if rule.ground:
        return (rule.ground,)
    if rule.action == "termination_notice":
        when = rule.when
        if "grade_run" in when:
            return ("termination_d_grades",)
        if "incident" in when and "security_breach" in str(when["incident"].get("type")):
            return ("termination_security",)
    return DEFAULT_GROUNDS.get(rule.action, ())


def _unique(items: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


def _merge(prior: Action, reasons: Sequence[Reason], grounds: Sequence[str], hits: Sequence[Mapping[str, Any]]):
    """Two rules for the same notice: one notice, all reasons, grounds and incidents."""
    return replace(
        prior,
        reasons=prior.reasons + tuple(r for r in reasons if r not in prior.reasons),
        grounds=_unique(prior.grounds + tuple(grounds)),
        incidents=_unique_incidents(prior.incidents + tuple(hits)),
    )


def _unique_incidents(items: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    seen: dict[str, Mapping[str, Any]] = {}
    for i in items:
        seen.setdefault(i["incident_id"], i)
    return tuple(seen.values())


def decide(
    supplier: Mapping[str, Any],
    grade: str | None,
    points: Sequence[Point],
    period: Period,
    incidents: Sequence[Mapping[str, Any]],
    policy: Policy,
    notices: Sequence[PastNotice] = (),
    remedy: Remedy = Remedy(),
    follow_up: FollowUp = FollowUp(),
) -> list[Action]:
    """The period's notices for one supplier. `notices`: the supplier's notices of earlier periods
    (for escalation); `remedy`: the contract's remedy periods, counted from the issue date (the
    period's last day); `follow_up`: its inspections and improvement plans (conditions inspection, plan)."""
    sid = supplier["supplier_id"]
    issued = period.end
    status_from = supplier.get("status")
    matched: dict[str, Action] = {}

    def new(rule: ActionRule, reasons: Sequence[Reason], hits: Sequence[Mapping[str, Any]]) -> Action:
        status_to = rule.status.get(status_from) if status_from else None
        low_notice = rule.action in ("warning_letter", "improvement_notice")
        return Action(
            rule.action,
            sid,
            rule,
            tuple(reasons),
            deadline=plan_deadline(issued, remedy, policy.calendar) if low_notice else None,
            handover_end=issued + dt.timedelta(days=rule.handover_days) if rule.handover_days is not None else None,
            status_from=status_from if status_to and status_to != status_from else None,
            status_to=status_to if status_to != status_from else None,
            cure_deadline=cure_deadline(issued, remedy) if rule.action == "improvement_notice" else None,
            grounds=_ground_of(rule),
            incidents=_unique_incidents(hits),
        )

    def add(rule: ActionRule, reasons: Sequence[Reason], hits: Sequence[Mapping[str, Any]] = ()) -> None:
        if rule.action in matched:
            matched[rule.action] = _merge(matched[rule.action], reasons, _ground_of(rule), hits)
        else:
            matched[rule.action] = new(rule, reasons, hits)

    for rule in policy.actions:
        reasons, hits = _matches(rule, grade, points, period, incidents, policy, follow_up)
        if reasons:
            add(rule, reasons, hits)
    _escalate(matched, add, grade, period, notices, policy, remedy)
    replaced = {r for a in matched.values() for r in a.rule.replaces}
    if "termination_notice" in matched and matched["termination_notice"].rule.exit_review:
        replaced.add("exit_review")  # the termination brings its own exit review
    return [a for name, a in matched.items() if name not in replaced]


def _rule_for(action: str, policy: Policy, why: str) -> ActionRule:
    """The policy's first rule for `action` (its status change and hand-over), else a bare one."""
    return next(
        (r for r in policy.actions if r.action == action and not r.ground),
        ActionRule(action=action, when={"escalation": why}),
    )


def _escalate(matched, add, grade, period: Period, notices: Sequence[PastNotice], policy: Policy, remedy: Remedy):
    esc = policy.escalation
    earliest = period
    for _ in range(esc.within_months - 1):
        earliest = earliest.previous()
    # one notice per earlier period, the strongest (an improvement notice and its exit review are one step)
    strongest: dict[Period, PastNotice] = {}
    for n in notices:
        if earliest <= n.period < period and n.action in LADDER:
            if n.period not in strongest or LADDER[n.action] > LADDER[strongest[n.period].action]:
                strongest[n.period] = n
    steps = [strongest[p] for p in sorted(strongest)]
    window = sorted((n for n in notices if earliest <= n.period < period), key=lambda n: n.period)
    sid = next(iter(matched.values())).supplier_id if matched else None
    if sid is None:
        return
    if "warning_letter" in matched:
        warning = matched["warning_letter"]
        reasons = warning.reasons
        prior = steps
        if esc.warnings_to_improvement and len(prior) + 1 >= esc.warnings_to_improvement:
            facts = {
                "count": len(prior) + 1,
                "months": esc.within_months,
                "previous": [notice_no(n.action, n.period, sid) for n in prior],
            }
            reasons += (Reason("reason_repeat_warning", facts),)
        elif "improvement_notice" not in matched:
            reasons = ()
        if reasons:  # escalated, or an improvement notice anyway: one letter, the stronger one
            del matched["warning_letter"]
            rule = matched["improvement_notice"].rule if "improvement_notice" in matched else None
            rule = rule or _rule_for("improvement_notice", policy, "warnings_to_improvement")
            add(rule, reasons, warning.incidents)
            matched["improvement_notice"] = _merge(matched["improvement_notice"], (), warning.grounds, ())
    if "improvement_notice" not in matched:
        return
    low = grade is not None and grade in low_grades(policy)
    earlier = [n for n in window if n.action == "improvement_notice"]
    reasons = []
    uncured = (
        [n for n in earlier if cure_deadline(n.period.end, remedy) < period.end] if esc.review_when_uncured else []
    )
    if uncured and low:
        n = uncured[-1]
        reasons.append(
            Reason(
                "reason_uncured",
                {
                    "notice_no": notice_no(n.action, n.period, sid),
                    "issued": n.period.end.isoformat(),
                    "deadline": cure_deadline(n.period.end, remedy).isoformat(),
                    "grade": grade,
                },
            )
        )
    prior = [n for n in steps if n.action in ("improvement_notice", "exit_review")]
    if esc.improvements_to_review and len(prior) + 1 >= esc.improvements_to_review and not reasons:
        reasons.append(
            Reason(
                "reason_repeat_improvement",
                {
                    "count": len(earlier) + 1,
                    "months": esc.within_months,
                    "previous": [notice_no(n.action, n.period, sid) for n in prior],
                },
            )
        )
    if reasons:
        improvement = matched["improvement_notice"]
        rule = ActionRule(action="exit_review", when={"escalation": "uncured"}, ground="termination_uncured")
        add(rule, reasons + list(improvement.reasons), improvement.incidents)
        # the supplier is told: the earlier notice was not cured, termination is being reviewed
        matched["improvement_notice"] = _merge(improvement, reasons, ("termination_uncured",), ())


def suggested_status(actions: Sequence[Action]) -> tuple[str, str, Action] | None:
    """The strictest status change any action suggests: (from, to, because of)."""
    changes = [(a.status_from, a.status_to, a) for a in actions if a.status_to]
    if not changes:
        return None
    return max(changes, key=lambda c: STATUS_RANK.get(c[1], 0))
