"""Closing the loop with suppliers (沟通反馈, 满意度调查, 现场检查, 共同制定改进计划): pure functions over
the month's surveys, inspections and the improvement-plan register.

* Surveys: when an evaluation leaves `satisfaction` blank, the KPI is the responses' mean (weighted by
  department per the policy's `surveys`), to 0.01; too few responses make it not applicable.
* Inspections: the period's results; the pass rate ((checked − failed) / checked) is a KPI value
  when the policy names `inspection_pass_rate` as a KPI field.
* Improvement plans: every notice that demands a plan (warning letters and improvement notices,
  `PLAN_NOTICES`) and every conditional inspection is an `Expectation` with a deadline (the contract's
  working days from its date); the register's plans answer them by `source_doc`. Each period reads the
  register as of its last day: `PlanState` open / done / cancelled / overdue, or missing (the deadline
  passed with no plan) / awaited (not yet due).

New input kinds that follow a supplier up (appeals next) add their own summary here and a field on
`FollowUp`, which `compute_month` builds once per supplier and period and gives to `decide`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pipeline.compute.risk import Flag
from pipeline.config.policy import NoticeCalendar, Policy, SurveyRule
from pipeline.periods import Period

# a notice's document number: WL-2026-10-S005 (the plans register cites it in source_doc)
NOTICE_PREFIX = {
    "commendation_letter": "CL",
    "warning_letter": "WL",
    "improvement_notice": "IN",
    "termination_notice": "TN",
    "exit_review": "ER",
}


def notice_no(action: str, period: Period, supplier_id: str) -> str:
    return f"{NOTICE_PREFIX[action]}-{period.code}-{supplier_id}"


def add_working_days(start: dt.date, n: int, calendar: NoticeCalendar = NoticeCalendar()) -> dt.date:
    """The n-th working day after `start` (Monday to Friday, less the policy's public holidays, plus
    its make-up working days)."""
    day, left = start, n
    while left > 0:
        day += dt.timedelta(days=1)
        iso = day.isoformat()
        if iso in calendar.workdays or (day.weekday() < 5 and iso not in calendar.holidays):
            left -= 1
    return day


CENT = Decimal("0.01")
RATE = Decimal("0.0001")
RATINGS = (5, 4, 3, 2, 1)
PLAN_NOTICES = ("warning_letter", "improvement_notice")  # the notices that demand a written improvement plan
PLAN_STATUSES = ("open", "done", "cancelled", "overdue", "missing", "awaited")
LOOKBACK_MONTHS = 12  # notices this far back are followed up for their plans


def _blank(value: Any) -> bool:
    return value is None or value == ""


# ---------------------------------------------------------------------------------------------------
# Surveys


@dataclass(frozen=True)
class SurveySummary:
    """One supplier's survey responses of one period."""

    responses: tuple[Mapping[str, Any], ...]
    mean: Decimal | None  # the weighted mean rating, to 0.01; None: no weighted response
    counted: int  # responses with a weight above 0
    min_responses: int
    weights: Mapping[str, Decimal]  # department -> weight used
    used: bool = False  # the evaluation's satisfaction was blank: the KPI is this mean (when applicable)

    @property
    def applicable(self) -> bool:
        return self.mean is not None and self.counted >= self.min_responses

    def by_rating(self) -> list[tuple[int, int]]:
        return [(r, sum(1 for s in self.responses if int(s["rating"]) == r)) for r in RATINGS]

    def by_department(self) -> list[tuple[str, int, Decimal, Decimal]]:
        """(department, responses, mean rating to 0.01, weight), in the order departments first answer."""
        out = []
        for dept in dict.fromkeys(s["department"] for s in self.responses):
            ratings = [Decimal(int(s["rating"])) for s in self.responses if s["department"] == dept]
            mean = (sum(ratings, Decimal(0)) / len(ratings)).quantize(CENT, ROUND_HALF_UP)
            out.append((dept, len(ratings), mean, self.weights.get(dept, Decimal(1))))
        return out


def survey_summary(responses: Sequence[Mapping[str, Any]], rule: SurveyRule) -> SurveySummary | None:
    if not responses:
        return None
    rows = tuple(sorted(responses, key=lambda s: s["survey_id"]))
    weights = {s["department"]: rule.weight(s["department"]) for s in rows}
    weighted = [(Decimal(int(s["rating"])), weights[s["department"]]) for s in rows if weights[s["department"]] > 0]
    total = sum((w for _, w in weighted), Decimal(0))
    mean = (sum((r * w for r, w in weighted), Decimal(0)) / total).quantize(CENT, ROUND_HALF_UP) if total else None
    return SurveySummary(rows, mean, len(weighted), rule.min_responses, weights)


# ---------------------------------------------------------------------------------------------------
# Inspections


def pass_rate(inspections: Sequence[Mapping[str, Any]]) -> Decimal | None:
    """(items checked − items failed) / items checked over the period's inspections, to 0.0001."""
    checked = sum(int(i["items_checked"]) for i in inspections)
    if not checked:
        return None
    failed = sum(int(i["items_failed"]) for i in inspections)
    return (Decimal(checked - failed) / Decimal(checked)).quantize(RATE, ROUND_HALF_UP)


def inspection_flags(supplier_id: str, inspections: Sequence[Mapping[str, Any]]) -> list[Flag]:
    out = []
    for i in inspections:
        if i["result"] in ("fail", "conditional"):
            out.append(
                Flag(
                    "inspection_failed" if i["result"] == "fail" else "inspection_conditional",
                    "high" if i["result"] == "fail" else "medium",
                    supplier_id,
                    {
                        "inspection_id": i["inspection_id"],
                        "date": i["date"],
                        "items_failed": int(i["items_failed"]),
                        "items_checked": int(i["items_checked"]),
                    },
                )
            )
    return out


# ---------------------------------------------------------------------------------------------------
# Improvement plans


@dataclass(frozen=True)
class Expectation:
    """A document that demands a written improvement plan by `deadline`."""

    source_doc: str  # the notice number (IN-2026-10-S005) or the inspection_id
    supplier_id: str
    issued: dt.date
    deadline: dt.date
    action: str | None = None  # warning_letter | improvement_notice; None: a conditional inspection
    inspection: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class PlanState:
    """A plan (or the lack of one) as of a period's last day."""

    source_doc: str
    status: str  # open | done | cancelled | overdue | missing | awaited
    plan: Mapping[str, Any] | None = None
    expectation: Expectation | None = None
    newly: bool = False  # became overdue or missing in this period (what the action rules act on)

    @property
    def deadline(self) -> dt.date | None:
        return self.expectation.deadline if self.expectation else None


def _first_period_after(day: dt.date) -> Period:
    """The period whose last day is the first period end after `day` (the day it is past)."""
    after = day + dt.timedelta(days=1)
    return Period(after.year, after.month)


def plan_status(plan: Mapping[str, Any], period: Period) -> tuple[str, bool]:
    """The plan's status as of the period's last day, and whether it became overdue in the period."""
    end = period.end.isoformat()
    closed = plan.get("closed_date")
    if plan["status"] in ("done", "cancelled") and (not closed or closed <= end):
        return plan["status"], False
    due = dt.date.fromisoformat(plan["due_date"])
    if due < period.end:
        return "overdue", _first_period_after(due) == period
    return "open", False


def cited_date(doc: str, inspections: Mapping[str, Mapping[str, Any]]) -> dt.date | None:
    """When the document a plan cites was issued: a notice on its period's last day, an inspection on its date."""
    if doc in inspections:
        return dt.date.fromisoformat(inspections[doc]["date"])
    parts = doc.split("-")
    if len(parts) >= 4 and parts[1].isdigit() and parts[2].isdigit():
        try:
            return Period.parse(f"{parts[1]}-{parts[2]}").end
        except ValueError:
            return None
    return None


def plan_states(
    expectations: Sequence[Expectation],
    plans: Sequence[Mapping[str, Any]],
    period: Period,
    inspections: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[PlanState, ...]:
    """Each expectation with its plans (or missing / awaited), and the plans citing a document no
    expectation knows (kept, with no deadline, when that document is dated by the period's end); oldest first."""
    by_doc: dict[str, list[Mapping[str, Any]]] = {}
    for p in sorted(plans, key=lambda p: (p["due_date"], p["plan_id"])):
        by_doc.setdefault(p["source_doc"], []).append(p)
    out: list[PlanState] = []
    for e in sorted(expectations, key=lambda e: (e.issued, e.source_doc)):
        if e.issued > period.end:
            continue
        answered = by_doc.pop(e.source_doc, [])
        for p in answered:
            status, newly = plan_status(p, period)
            out.append(PlanState(e.source_doc, status, p, e, newly))
        if not answered:
            if e.deadline < period.end:
                out.append(PlanState(e.source_doc, "missing", None, e, _first_period_after(e.deadline) == period))
            else:
                out.append(PlanState(e.source_doc, "awaited", None, e))
    for doc, rest in by_doc.items():
        day = cited_date(doc, inspections or {})
        if day is None or day > period.end:
            continue
        for p in rest:
            status, newly = plan_status(p, period)
            out.append(PlanState(doc, status, p, None, newly))
    return tuple(out)


def plan_flags(supplier_id: str, states: Sequence[PlanState]) -> list[Flag]:
    out = []
    for s in states:
        if s.status == "missing":
            out.append(
                Flag(
                    "improvement_plan_missing",
                    "high",
                    supplier_id,
                    {"source_doc": s.source_doc, "deadline": s.expectation.deadline.isoformat()},
                )
            )
        if s.expectation is None and s.plan is not None:
            out.append(
                Flag(
                    "improvement_plan_unmatched",
                    "low",
                    supplier_id,
                    {"plan_id": s.plan["plan_id"], "source_doc": s.source_doc},
                )
            )
        if s.status == "overdue":
            out.append(
                Flag(
                    "improvement_overdue",
                    "medium",
                    supplier_id,
                    {"plan_id": s.plan["plan_id"], "source_doc": s.source_doc, "due_date": s.plan["due_date"]},
                )
            )
    return out


@dataclass(frozen=True)
class FollowUp:
    """What the month's follow-up inputs say about one supplier (given to `decide` and the documents)."""

    surveys: SurveySummary | None = None
    inspections: tuple[Mapping[str, Any], ...] = ()  # the period's, by date
    plans: tuple[PlanState, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # room for the next kind

    def flags(self, supplier_id: str) -> list[Flag]:
        out = inspection_flags(supplier_id, self.inspections) + plan_flags(supplier_id, self.plans)
        if self.surveys is not None and self.surveys.used and not self.surveys.applicable:
            out.append(
                Flag(
                    "survey_below_minimum",
                    "low",
                    supplier_id,
                    {"responses": self.surveys.counted, "minimum": self.surveys.min_responses},
                )
            )
        return out


class FollowUpInputs:
    """The follow-up records of every supplier, indexed once for a run."""

    def __init__(self, records: Mapping[str, Sequence[Mapping[str, Any]]], policy: Policy):
        self.policy = policy
        self.surveys: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for s in records.get("surveys", []):
            self.surveys.setdefault((s["supplier_id"], s["period"]), []).append(s)
        self.inspections: dict[str, list[Mapping[str, Any]]] = {}
        for i in sorted(records.get("inspections", []), key=lambda i: (i["date"], i["inspection_id"])):
            self.inspections.setdefault(i["supplier_id"], []).append(i)
        self.by_id = {i["inspection_id"]: i for i in records.get("inspections", [])}
        self.plans: dict[str, list[Mapping[str, Any]]] = {}
        for p in records.get("improvement_plans", []):
            self.plans.setdefault(p["supplier_id"], []).append(p)

    def inspections_in(self, sid: str, period: Period) -> tuple[Mapping[str, Any], ...]:
        return tuple(i for i in self.inspections.get(sid, ()) if period.contains(dt.date.fromisoformat(i["date"])))

    def survey(self, evaluation: Mapping[str, Any]) -> SurveySummary | None:
        summary = survey_summary(
            self.surveys.get((evaluation["supplier_id"], evaluation["period"]), ()), self.policy.surveys
        )
        if summary is not None and _blank(evaluation.get("satisfaction")):
            summary = SurveySummary(
                summary.responses, summary.mean, summary.counted, summary.min_responses, summary.weights, True
            )
        return summary

    def effective(self, evaluation: Mapping[str, Any]) -> Mapping[str, Any]:
        """The evaluation as scored: a blank satisfaction from the surveys (when enough answered), the
        inspection pass rate when the policy scores it and the row does not give it."""
        fields = {k.field for k in self.policy.kpis}
        out = dict(evaluation)
        if "satisfaction" in fields and _blank(evaluation.get("satisfaction")):
            summary = self.survey(evaluation)
            if summary is not None and summary.applicable:
                out["satisfaction"] = summary.mean
        if "inspection_pass_rate" in fields and _blank(evaluation.get("inspection_pass_rate")):
            rate = pass_rate(self.inspections_in(evaluation["supplier_id"], Period.parse(evaluation["period"])))
            if rate is not None:
                out["inspection_pass_rate"] = rate
        return out

    def expectations(
        self, sid: str, notices: Sequence[tuple[Period, str]], deadline_of, until: Period
    ) -> list[Expectation]:
        """`notices`: (period, action) of the supplier's notices; `deadline_of(issued)`: the plan deadline."""
        out = [
            Expectation(notice_no(action, p, sid), sid, p.end, deadline_of(p.end), action)
            for p, action in notices
            if action in PLAN_NOTICES and p <= until
        ]
        for i in self.inspections.get(sid, ()):
            day = dt.date.fromisoformat(i["date"])
            if i["result"] == "conditional" and day <= until.end:
                out.append(Expectation(i["inspection_id"], sid, day, deadline_of(day), None, i))
        return out

    def plans_of(self, sid: str) -> list[Mapping[str, Any]]:
        return self.plans.get(sid, [])


def deadline_function(working_days: int, calendar: NoticeCalendar):
    return lambda issued: add_working_days(issued, working_days, calendar)
