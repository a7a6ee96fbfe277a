"""What a quarterly supplier meeting (供应商沟通会议) has to discuss with one supplier.

The source regulations ask the office to communicate results and feedback to its suppliers and
agree improvements with them (与供应商进行沟通反馈, 共同制定改进计划). Each quarter, per
supplier, the open items come from the history store alone — never from the inputs folder, so a
brief written months later says what the office knew then: the quarter's scores against the
previous quarter's, the improvement plans still open at the quarter's end (open, overdue, a
notice still without its plan), the plans closed in the quarter, the appeals decided in it, the
site inspections and the notices issued. Pure: the store's rows in, facts out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.compute.rollup import ReviewPeriod, SupplierRollup

OPEN_PLAN = ("overdue", "missing", "open", "awaited")  # most urgent first
CLOSED_PLAN = ("done", "cancelled")
FINDING = ("fail", "conditional")  # inspections with something to follow up
INTERNAL = ("exit_review",)  # never shown to the supplier
ADVERSE = ("warning_letter", "improvement_notice", "termination_notice")


@dataclass(frozen=True)
class MeetingItems:
    """One supplier's items for the quarter's meeting; each row is the store's (with `detail`)."""

    roll: SupplierRollup
    previous_average: Decimal | None  # the previous quarter's average score, when it was rated
    open_plans: tuple[Mapping[str, Any], ...]
    closed_plans: tuple[Mapping[str, Any], ...]
    appeals: tuple[Mapping[str, Any], ...]
    inspections: tuple[Mapping[str, Any], ...]
    notices: tuple[Mapping[str, Any], ...]

    @property
    def change(self) -> Decimal | None:
        """The quarter's average less the previous quarter's, when both were rated."""
        if self.roll.average is None or self.previous_average is None:
            return None
        return self.roll.average - self.previous_average

    def has_items(self, lowest_grade: str) -> bool:
        """Something to discuss beyond the scores (policy `review.meeting_briefs: with_items`)."""
        return bool(
            self.open_plans
            or self.appeals
            or any(i["status"] in FINDING for i in self.inspections)
            or any(n["action"] in ADVERSE for n in self.notices)
            or self.roll.grade == lowest_grade
        )


def _in(review: ReviewPeriod, day: str | None) -> bool:
    return bool(day) and review.months[0].start.isoformat() <= day[:10] <= review.months[-1].end.isoformat()


def meeting_items(
    roll: SupplierRollup,
    review: ReviewPeriod,
    follow_ups: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]],
    previous: SupplierRollup | None = None,
) -> MeetingItems:
    """`follow_ups` and `actions`: the supplier's rows of the quarter's months (current runs)."""
    latest: dict[str, Mapping[str, Any]] = {}  # each plan as of the last month that recorded it
    for row in sorted((r for r in follow_ups if r["kind"] == "plan"), key=lambda r: r["period"]):
        latest[row["ref"]] = row
    plans = sorted(
        latest.values(), key=lambda r: (r["detail"].get("due_date") or r["detail"].get("deadline") or "", r["ref"])
    )
    open_plans = sorted(
        (p for p in plans if p["status"] in OPEN_PLAN), key=lambda p: OPEN_PLAN.index(p["status"])
    )  # stable: by due date within each status
    closed = [p for p in plans if p["status"] in CLOSED_PLAN and (_in(review, p["date"]) or not p["date"])]
    appeals = sorted((r for r in follow_ups if r["kind"] == "appeal"), key=lambda r: (r["date"] or "", r["ref"]))
    inspections = sorted(
        (r for r in follow_ups if r["kind"] == "inspection"), key=lambda r: (r["date"] or "", r["ref"])
    )
    return MeetingItems(
        roll=roll,
        previous_average=previous.average if previous is not None else None,
        open_plans=tuple(open_plans),
        closed_plans=tuple(closed),
        appeals=tuple(appeals),
        inspections=tuple(inspections),
        notices=tuple(
            sorted((a for a in actions if a["action"] not in INTERNAL), key=lambda a: (a["period"], a["action"]))
        ),
    )


def weakest_kpis(roll: SupplierRollup, count: int) -> list[tuple[str, Decimal, int]]:
    """The KPIs with the lowest quarterly average (what to improve first), below 100 only."""
    return sorted((k for k in roll.kpi_averages if k[1] is not None and k[1] < 100), key=lambda k: (k[1], k[0]))[:count]
