"""The quarterly supplier meeting brief's facts (compute.meeting), from store rows made by hand:
each plan as of the last month that recorded it, only the plans closed inside the quarter, the
change against the previous quarter, and what counts as something to discuss."""

from __future__ import annotations

from decimal import Decimal

from pipeline.compute.meeting import meeting_items, weakest_kpis
from pipeline.compute.rollup import ReviewPeriod, SupplierRollup

Q3 = ReviewPeriod.parse("2026-Q3")


def roll(average: str | None, grade: str | None, kpis=()) -> SupplierRollup:
    return SupplierRollup(
        supplier_id="S1",
        name_zh="甲",
        name_en="A",
        category="it_services",
        months=tuple((m, None) for m in Q3.months),
        average=Decimal(average) if average else None,
        grade=grade,
        penalties=Decimal(0),
        rewards=Decimal(0),
        payable=Decimal(0),
        kpi_averages=tuple(kpis),
        incident_counts=(),
        trend=None,
    )


def plan(period, ref, status, date=None, due="2026-09-20", source="WL-2026-07-S1"):
    return {
        "period": period,
        "supplier_id": "S1",
        "kind": "plan",
        "ref": ref,
        "source": source,
        "status": status,
        "date": date,
        "by": "李娜" if date else None,
        "amount": None,
        "original_period": None,
        "detail": {"due_date": due},
    }


def test_each_plan_is_taken_as_of_the_last_month_that_recorded_it():
    rows = [
        plan("2026-07", "ZG-1", "open"),
        plan("2026-08", "ZG-1", "open"),
        plan("2026-09", "ZG-1", "done", date="2026-09-10"),
        plan("2026-07", "ZG-2", "open", due="2026-08-10"),
        plan("2026-08", "ZG-2", "overdue", due="2026-08-10"),
        plan("2026-09", "ZG-2", "overdue", due="2026-08-10"),
        plan("2026-09", "ZG-3", "done", date="2026-06-20"),  # closed before the quarter: not discussed again
        plan("2026-09", "WL-2026-09-S1", "awaited", due=None, source="WL-2026-09-S1"),
        plan("2026-09", "ZG-4", "open", due="2026-10-30"),
    ]
    items = meeting_items(roll("81.00", "B"), Q3, rows, [], roll("85.50", "B"))
    assert [p["ref"] for p in items.open_plans] == ["ZG-2", "ZG-4", "WL-2026-09-S1"]  # overdue, open, awaited
    assert [p["ref"] for p in items.closed_plans] == ["ZG-1"]
    assert items.change == Decimal("-4.50")
    assert items.has_items("D")


def test_nothing_to_discuss_unless_a_finding_a_notice_or_the_lowest_grade():
    quiet = meeting_items(roll("92.00", "A"), Q3, [plan("2026-09", "ZG-9", "done", date="2026-08-01")], [])
    assert quiet.change is None  # no previous quarter
    assert not quiet.has_items("D")
    commended = meeting_items(roll("92.00", "A"), Q3, [], [{"period": "2026-09", "action": "commendation_letter"}])
    assert not commended.has_items("D")  # a commendation is not an open item
    warned = meeting_items(roll("75.00", "C"), Q3, [], [{"period": "2026-08", "action": "warning_letter"}])
    assert warned.has_items("D")
    internal = meeting_items(roll("75.00", "C"), Q3, [], [{"period": "2026-08", "action": "exit_review"}])
    assert internal.notices == ()  # internal to the office: never in the supplier's brief
    assert meeting_items(roll("55.00", "D"), Q3, [], []).has_items("D")
    passed = {"period": "2026-08", "kind": "inspection", "ref": "I-1", "status": "pass", "date": "2026-08-03"}
    assert not meeting_items(roll("92.00", "A"), Q3, [passed], []).has_items("D")
    assert meeting_items(roll("92.00", "A"), Q3, [dict(passed, status="conditional")], []).has_items("D")


def test_the_weakest_kpis_are_the_lowest_below_full_marks():
    r = roll("80", "B", [("a", Decimal("100.00"), 3), ("b", Decimal("62.50"), 3), ("c", Decimal("70.00"), 2)])
    assert [k[0] for k in weakest_kpis(r, 3)] == ["b", "c"]


def test_the_quarter_before_the_first_is_the_last_of_the_year_before():
    assert ReviewPeriod.parse("2026-Q1").previous().code == "2025-Q4"
    assert ReviewPeriod.parse("2026-Q3").previous().code == "2026-Q2"
    assert ReviewPeriod.parse("2026").previous().code == "2025"
