"""Penalties, caps, rewards, proration and tax: every figure checked by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from conftest import SAMPLE_INPUTS
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.compute.scoring import score_evaluation
from pipeline.compute.settlement import settle
from pipeline.config.policy import load_policy
from pipeline.periods import Period

OCT = Period(2026, 10)
POLICY = load_policy(SAMPLE_INPUTS / "policy.yaml")


def contract(**kw):
    base = {
        "contract_no": "HT-1",
        "supplier_id": "S1",
        "contract_type": "service",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "monthly_fee": D("100000.00"),
        "currency": "CNY",
        "tax_rate": D("0.06"),
        "payment_days": 30,
        "penalty_cap_pct": D(10),
    }
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def incident(iid, type_, severity, days=None, date="2026-10-10"):
    i = {"incident_id": iid, "supplier_id": "S1", "date": date, "type": type_, "severity": severity}
    if days is not None:
        i["days_late"] = days
    return i


def card(grade_a: bool):
    values = {
        "supplier_id": "S1",
        "period": "2026-10",
        "quality_score": D(95 if grade_a else 70),
        "on_time_rate": D("0.98"),
        "cost_variance_pct": D(0),
        "satisfaction": D("4.5"),
        "compliance_issues": 0,
        "complaints": 0,
    }
    return score_evaluation(values, POLICY)


def test_late_delivery_is_days_times_rate_plus_fixed_amount():
    s = settle("S1", [contract()], [], [incident("I1", "late_delivery", "medium", days=3)], card(False), POLICY, OCT)
    penalty = next(l for l in s.lines if l.kind == "penalty")
    assert penalty.amount == D("2000.00")  # 3 days × 0.5% × 100,000 = 1,500 + fixed 500
    assert s.payable == D("98000.00")


def test_penalties_are_capped_at_the_contract_percentage():
    incidents = [incident("I1", "security_breach", "critical"), incident("I2", "compliance", "high")]  # 50,000 + 8,000
    s = settle("S1", [contract()], [], incidents, card(False), POLICY, OCT)
    assert s.penalty_gross == D("58000.00")
    assert s.penalty_cap == D("10000.00")
    assert s.cap_applied and s.penalty_net == D("10000.00")
    assert s.payable == D("90000.00")


def test_default_cap_when_the_contract_has_none():
    s = settle(
        "S1", [contract(penalty_cap_pct=None)], [], [incident("I1", "security_breach", "critical")], None, POLICY, OCT
    )
    assert s.cap_pct == POLICY.default_cap_pct and s.penalty_net == D("10000.00")


def test_grade_a_earns_the_reward():
    s = settle("S1", [contract()], [], [], card(True), POLICY, OCT)
    assert card(True).band.grade == "A"
    assert s.reward_total == D("2000.00") and s.payable == D("102000.00")
    assert settle("S1", [contract()], [], [], card(False), POLICY, OCT).reward_total == 0


def test_fee_from_service_items_when_the_contract_has_no_monthly_fee():
    items = [
        {"contract_no": "HT-1", "role_zh": "保洁员", "headcount": 3, "unit_price": D("5000.50")},
        {"contract_no": "HT-1", "role_zh": "领班", "headcount": 1, "unit_price": D("7000")},
    ]
    s = settle("S1", [contract(monthly_fee=None)], items, [], None, POLICY, OCT)
    assert s.bases[0].fee_from_items and s.payable == D("22001.50")


def test_partial_month_is_prorated_by_days_in_force():
    s = settle("S1", [contract(start_date="2026-10-16", monthly_fee=D("31000"))], [], [], None, POLICY, OCT)
    assert s.bases[0].active_days == 16 and s.payable == D("16000.00")


def test_no_contract_in_force_means_no_settlement():
    assert settle("S1", [contract(end_date="2026-09-30")], [], [], None, POLICY, OCT) is None


def test_tax_included_splits_to_the_fen():
    s = settle("S1", [contract(monthly_fee=D("106000.01"))], [], [], None, POLICY, OCT)
    assert s.net_of_tax == D("100000.01") and s.tax == D("6000.00")
    assert s.net_of_tax + s.tax == s.payable


def test_each_contract_is_taxed_at_its_own_rate():
    """A 6 % service contract and a 9 % transport contract of one supplier: the penalty sits on
    the larger (6 %) contract, the 9 % contract's fee is split at 9 %."""
    service = contract(monthly_fee=D("106000.00"))
    transport = contract(contract_no="HT-2", monthly_fee=D("10900.00"), tax_rate=D("0.09"))
    s = settle("S1", [service, transport], [], [incident("I1", "complaint", "medium")], None, POLICY, OCT)
    assert s.rates == (D("0.06"), D("0.09"))
    # 6 %: (106000 − 500) / 1.06 = 99528.30…; 9 %: 10900 / 1.09 = 10000
    assert s.net_of_tax == D("99528.30") + D("10000.00")
    assert s.tax == s.payable - s.net_of_tax == D("116400.00") - D("109528.30")
    excluded = settle(
        "S1",
        [
            contract(monthly_fee=D("100000.00"), tax_rate=D("0.06")),
            contract(contract_no="HT-2", monthly_fee=D("10000.00"), tax_rate=D("0.09")),
        ],
        [],
        [],
        None,
        POLICY.__class__(**{**POLICY.__dict__, "fee_includes_tax": False}),
        OCT,
    )
    assert excluded.tax == D("6000.00") + D("900.00") and excluded.payable == D("116900.00")


amounts = st.decimals(min_value=D("0.01"), max_value=D("5000000"), places=2)
severity = st.sampled_from(["low", "medium", "high", "critical"])
kinds = st.sampled_from(["late_delivery", "quality_defect", "security_breach", "compliance", "complaint"])


@settings(max_examples=150, deadline=None)
@given(
    fee=amounts,
    cap=st.decimals(0, 100, places=1),
    tax=st.sampled_from([D(0), D("0.03"), D("0.06"), D("0.09")]),
    events=st.lists(st.tuples(kinds, severity, st.integers(0, 40)), max_size=8),
    grade_a=st.booleans(),
)
def test_lines_add_up_to_the_total_and_penalties_never_exceed_the_cap(fee, cap, tax, events, grade_a):
    incidents = [incident(f"I{n}", t, s, days=d) for n, (t, s, d) in enumerate(events)]
    s = settle(
        "S1", [contract(monthly_fee=fee, penalty_cap_pct=cap, tax_rate=tax)], [], incidents, card(grade_a), POLICY, OCT
    )
    assert sum(l.signed for l in s.lines) == s.payable
    assert all(l.amount == l.amount.quantize(D("0.01")) for l in s.lines)
    assert s.penalty_net <= (fee * cap / 100).quantize(D("0.01"), ROUND_HALF_UP)
    assert s.net_of_tax + s.tax == s.payable
