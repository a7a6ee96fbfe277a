"""Risk flags, consequences and trends: each rule with data that trips it and data that does not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from conftest import SAMPLE_INPUTS

from pipeline.compute.consequences import decide, suggested_status
from pipeline.compute.risk import expiry_flags, portfolio_flags, supplier_flags
from pipeline.compute.trend import Point, multi_period_score, run_of
from pipeline.config.policy import load_policy
from pipeline.periods import Period

POLICY = load_policy(SAMPLE_INPUTS / "policy.yaml")
OCT = Period(2026, 10)


def pts(*scores_grades):
    """Points ending at October 2026, oldest first; None = month not recorded."""
    out, p = [], OCT
    for sg in reversed(scores_grades):
        if sg is not None:
            score, grade = sg
            out.append(Point(p, D(score) if score is not None else None, grade))
        p = p.previous()
    return list(reversed(out))


def supplier(**kw):
    base = {"supplier_id": "S1", "category": "it_services", "status": "approved", "license_expiry": "permanent"}
    base.update(kw)
    return base


def codes(flags):
    return {f.code: f.severity for f in flags}


@pytest.mark.parametrize(
    "expiry,expected",
    [
        ("2026-10-15", ("licence_expired", "critical")),
        ("2026-11-20", ("licence_expiring", "high")),  # 20 days after the period's end
        ("2026-12-20", ("licence_expiring", "medium")),  # 50 days
        ("2027-01-20", ("licence_expiring", "low")),  # 81 days
        ("2027-03-01", None),
    ],
)
def test_licence_expiry_by_days_from_the_period_end(expiry, expected):
    flags = expiry_flags(supplier(license_expiry=expiry), OCT, POLICY)
    assert (codes(flags).popitem() if flags else None) == expected


def test_dispatch_permit_renewal_is_due_sixty_days_before_expiry():
    s = supplier(category="labor_dispatch", dispatch_permit_expiry="2026-12-20")
    assert codes(expiry_flags(s, OCT, POLICY)) == {"permit_renewal_due": "high"}
    s = supplier(category="labor_dispatch", dispatch_permit_expiry="2027-01-20")  # 81 days: only a low notice
    assert codes(expiry_flags(s, OCT, POLICY)) == {"permit_expiring": "low"}
    s = supplier(category="it_services", dispatch_permit_expiry="2026-11-01")  # not a dispatch supplier
    assert expiry_flags(s, OCT, POLICY) == []


def test_nda_missing_only_matters_for_confidential_data():
    flagged = supplier_flags(supplier(data_access_level="restricted"), [], OCT, [], [], POLICY)
    assert "nda_missing" in codes(flagged)
    signed = supplier_flags(
        supplier(data_access_level="restricted", nda_signed_date="2026-01-05"), [], OCT, [], [], POLICY
    )
    internal = supplier_flags(supplier(data_access_level="internal"), [], OCT, [], [], POLICY)
    assert "nda_missing" not in codes(signed) and "nda_missing" not in codes(internal)


def test_score_drop_grade_d_and_two_low_periods_in_a_row():
    flags = codes(supplier_flags(supplier(), pts(("75", "C"), ("55", "D")), OCT, [], [], POLICY))
    assert flags["score_drop"] == "medium" and flags["grade_lowest"] == "high" and flags["consecutive_low"] == "medium"
    calm = codes(supplier_flags(supplier(), pts(("85", "B"), ("79", "C")), OCT, [], [], POLICY))
    assert "score_drop" not in calm and "grade_lowest" not in calm and "consecutive_low" not in calm
    gap = codes(supplier_flags(supplier(), pts(("65", "C"), None, ("62", "C"))[1:], OCT, [], [], POLICY))
    assert "consecutive_low" not in gap  # a month without a record breaks the run


def test_security_breach_and_contract_ending():
    incident = {"incident_id": "I1", "type": "security_breach", "severity": "high", "date": "2026-10-03"}
    contract = {"contract_no": "HT-1", "end_date": "2026-12-15"}
    flags = codes(supplier_flags(supplier(), [], OCT, [incident], [contract], POLICY))
    assert flags["security_breach"] == "high" and flags["contract_ending"] == "low"
    far = codes(supplier_flags(supplier(), [], OCT, [], [{"contract_no": "HT-2", "end_date": "2027-06-30"}], POLICY))
    assert "contract_ending" not in far


def test_single_source_and_concentration():
    a, b, c = supplier(supplier_id="A"), supplier(supplier_id="B"), supplier(supplier_id="C", category="logistics")
    flags = portfolio_flags([a, b, c], {"A": D(70), "B": D(30), "C": D(10)}, POLICY)
    assert {(f.code, f.supplier_id) for f in flags} == {("concentration", "A"), ("single_source", "C")}
    even = portfolio_flags([a, b, supplier(supplier_id="D")], {"A": D(35), "B": D(35), "D": D(30)}, POLICY)
    assert even == []


def test_consequences_follow_the_policy_rules():
    s = supplier()
    assert [a.action for a in decide(s, "C", pts(("85", "B"), ("70", "C")), OCT, [], POLICY)] == ["warning_letter"]
    improve = decide(s, "D", pts(("70", "C"), ("50", "D")), OCT, [], POLICY)
    assert [a.action for a in improve] == ["improvement_notice"]
    # the contract's periods, from the issue date: the plan in 10 working days (clause improvement_plan,
    # Mon–Fri), the cure in cure_days (15) days
    assert improve[0].deadline == dt.date(2026, 11, 13)
    assert improve[0].cure_deadline == dt.date(2026, 11, 15)
    assert suggested_status(improve)[:2] == ("approved", "probation")
    twice = decide(supplier(status="probation"), "D", pts(("50", "D"), ("50", "D")), OCT, [], POLICY)
    assert [a.action for a in twice] == ["termination_notice"]  # replaces the improvement notice
    assert suggested_status(twice)[:2] == ("probation", "exited")
    breach = {"incident_id": "I9", "type": "security_breach", "severity": "critical", "date": "2026-10-14"}
    after_breach = decide(s, "B", pts(("85", "B")), OCT, [breach], POLICY)
    assert [a.action for a in after_breach] == ["termination_notice"] and after_breach[0].rule.exit_review
    minor = dict(breach, severity="medium")
    assert decide(s, "B", pts(("85", "B")), OCT, [minor], POLICY) == []
    three_a = decide(s, "A", pts(("95", "A"), ("92", "A"), ("99", "A")), OCT, [], POLICY)
    assert [a.action for a in three_a] == ["commendation_letter"]
    assert decide(s, "A", pts(("95", "A"), None, ("99", "A")), OCT, [], POLICY) == []
    four_a = decide(s, "A", pts(("95", "A"), ("96", "A"), ("92", "A"), ("99", "A")), OCT, [], POLICY)
    assert four_a == []  # once per streak, not every month it lasts


def test_working_days_skip_weekends_and_the_policys_holidays():
    from pipeline.compute.consequences import add_working_days
    from pipeline.config.policy import NoticeCalendar

    assert add_working_days(dt.date(2026, 10, 30), 1) == dt.date(2026, 11, 2)  # Friday → Monday
    national_day = NoticeCalendar(frozenset({"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}))
    assert add_working_days(dt.date(2026, 9, 30), 10) == dt.date(2026, 10, 14)
    assert add_working_days(dt.date(2026, 9, 30), 10, national_day) == dt.date(2026, 10, 21)
    make_up = NoticeCalendar(national_day.holidays, frozenset({"2026-10-10"}))  # a Saturday worked
    assert add_working_days(dt.date(2026, 9, 30), 10, make_up) == dt.date(2026, 10, 20)


def test_repeated_warnings_escalate_to_an_improvement_notice_then_to_an_exit_review():
    from pipeline.compute.consequences import PastNotice

    s = supplier()
    sep, aug, jul = OCT.previous(), OCT.previous().previous(), OCT.previous().previous().previous()
    low = pts(("70", "C"), ("70", "C"))
    # a first warning stays a warning
    assert [a.action for a in decide(s, "C", low, OCT, [], POLICY)] == ["warning_letter"]
    # the second within three months is an improvement notice, saying why
    second = decide(s, "C", low, OCT, [], POLICY, [PastNotice(sep, "warning_letter")])
    assert [a.action for a in second] == ["improvement_notice"]
    assert "reason_repeat_warning" in [r.code for r in second[0].reasons]
    assert second[0].cure_deadline == dt.date(2026, 11, 15)
    # outside the window it does not count
    assert [a.action for a in decide(s, "C", low, OCT, [], POLICY, [PastNotice(jul, "warning_letter")])] == [
        "warning_letter"
    ]
    # an improvement notice whose cure period ended with the grade still low: an exit review on
    # the ground "breach not cured", and the supplier is told so in its improvement notice
    uncured = decide(
        s, "C", low, OCT, [], POLICY, [PastNotice(aug, "warning_letter"), PastNotice(sep, "improvement_notice")]
    )
    by = {a.action: a for a in uncured}
    assert set(by) == {"improvement_notice", "exit_review"}
    assert by["exit_review"].grounds[0] == "termination_uncured"
    reason = next(r for r in by["exit_review"].reasons if r.code == "reason_uncured")
    assert reason.facts["notice_no"] == "IN-2026-09-S1" and reason.facts["deadline"] == "2026-10-15"
    assert "termination_uncured" in by["improvement_notice"].grounds
    # a recovered grade brings no notice at all
    assert decide(s, "B", pts(("70", "C"), ("85", "B")), OCT, [], POLICY, [PastNotice(sep, "improvement_notice")]) == []


def test_an_incident_that_is_a_termination_ground_brings_a_notice_and_an_exit_review():
    labour = {
        "incident_id": "I7",
        "type": "compliance",
        "severity": "high",
        "date": "2026-10-27",
        "description": "抽查发现3名外包人员未签订劳动合同即上岗。",
    }
    actions = {a.action: a for a in decide(supplier(), "B", pts(("85", "B")), OCT, [labour], POLICY)}
    assert set(actions) == {"improvement_notice", "exit_review"}
    assert actions["exit_review"].grounds == ("termination_labour",)
    assert [i["incident_id"] for i in actions["improvement_notice"].incidents] == ["I7"]
    other = dict(labour, description="考勤台账未按月报送。")
    assert decide(supplier(), "B", pts(("85", "B")), OCT, [other], POLICY) == []


def test_multi_period_score_skips_missing_months_instead_of_counting_zero():
    from pipeline.config.policy import TrendRule

    points = pts(("90", "A"), None, ("60", "C"))
    assert multi_period_score(points, OCT, TrendRule("moving_average", 3)) == D("75.00")
    decay = TrendRule("decay", 3, (D("0.5"), D("0.3"), D("0.2")))
    assert multi_period_score(pts(("90", "A"), ("80", "B"), ("60", "C")), OCT, decay) == D("72.00")
    assert multi_period_score(points, OCT, decay) == D("68.57")  # (0.5×60 + 0.2×90) / 0.7
    assert run_of(pts(("91", "A"), ("95", "A")), OCT, ["A"], 2) and not run_of(pts(("91", "A")), OCT, ["A"], 2)
