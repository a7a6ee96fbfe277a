"""Labour outsourcing priced on results: fixed items, per-unit items on the accepted work volume,
pending acceptance never guessed, per-head outsourcing flagged, attendance pay refused."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from conftest import SAMPLE_INPUTS

from pipeline.compute.money import fen
from pipeline.compute.pricing import pending_flag, pricing_flags
from pipeline.compute.settlement import CONTRACT_KINDS, settle
from pipeline.config.policy import load_policy
from pipeline.errors import ConfigError
from pipeline.periods import Period

OCT = Period(2026, 10)
POLICY = load_policy(SAMPLE_INPUTS / "policy.yaml")


def outsourcing(**kw):
    c = {
        "contract_no": "LO-1",
        "supplier_id": "S1",
        "contract_type": "labor_outsourcing",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "currency": "CNY",
        "tax_rate": D("0.06"),
        "payment_days": 30,
        "penalty_cap_pct": D(10),
    }
    c.update(kw)
    return {k: v for k, v in c.items() if v is not None}


ITEMS = [
    {
        "contract_no": "LO-1",
        "item_code": "A01",
        "role_zh": "线束装配",
        "role_en": "Harness assembly",
        "pricing": "per_unit",
        "unit_zh": "件",
        "unit_en": "piece",
        "unit_price": D("3.605"),
    },
    {
        "contract_no": "LO-1",
        "role_zh": "现场管理",
        "role_en": "Supervision",
        "pricing": "fixed",
        "unit_price": D("18400.00"),
    },
]


def volume(code="A01", submitted=1000, accepted=990, period="2026-10"):
    return {
        "period": period,
        "contract_no": "LO-1",
        "item_code": code,
        "quantity": D(submitted),
        "accepted_quantity": D(accepted),
        "acceptance_date": "2026-11-03",
        "accepted_by": "王建华",
    }


def contract_lines(s):
    return [l for l in s.lines if l.kind in CONTRACT_KINDS]


def test_per_unit_items_are_paid_on_the_accepted_quantity_and_fixed_items_for_the_month():
    s = settle("S1", [outsourcing()], ITEMS, [], None, POLICY, OCT, work_volume=[volume()])
    work, fee = contract_lines(s)
    assert (work.kind, work.quantity, work.rate, work.amount) == ("work_volume", D(990), D("3.61"), D("3573.90"))
    assert work.detail["volume"].rejected == D(10)
    assert (fee.kind, fee.quantity, fee.rate, fee.amount) == ("service_fee", D(1), D("18400.00"), D("18400.00"))
    # the second item had no code: it is the contract's item 2
    assert fee.item["item_code"] == "2"
    assert s.contract_total == D("21973.90") and not s.pending
    # the cap is on what the month earned
    assert s.penalty_cap == fen(D("21973.90") * D("0.10"))


def test_a_per_unit_item_without_acceptance_is_pending_never_guessed():
    s = settle("S1", [outsourcing()], ITEMS, [], None, POLICY, OCT, work_volume=[volume(period="2026-09")])
    assert [l.kind for l in contract_lines(s)] == ["service_fee"]
    assert [v.item["item_code"] for v in s.pending] == ["A01"]
    flag = pending_flag("S1", "LO-1", s.pending)
    assert (flag.code, flag.severity, flag.facts["items_en"]) == ("work_volume_pending", "medium", "Harness assembly")


def test_a_fixed_item_is_prorated_for_the_days_in_force():
    s = settle("S1", [outsourcing(start_date="2026-10-11")], ITEMS[1:], [], None, POLICY, OCT)
    (fee,) = contract_lines(s)
    assert (fee.quantity, fee.rate, fee.unit) == (D(21), fen(D("18400.00") / 31), "day")
    assert fee.amount == fen(21 * fen(D("18400.00") / 31))


def test_outsourcing_priced_per_head_is_a_high_risk_and_results_pricing_is_not():
    per_head = [
        {"contract_no": "LO-1", "role_zh": "装配工", "role_en": "Assembler", "headcount": 20, "unit_price": D(7000)}
    ]
    (flag,) = pricing_flags("S1", outsourcing(), per_head)
    assert (flag.code, flag.severity, flag.facts["contract_no"]) == ("outsourcing_per_head", "high", "LO-1")
    assert pricing_flags("S1", outsourcing(), ITEMS) == []
    assert pricing_flags("S1", outsourcing(contract_type="labor_dispatch"), per_head) == []


@pytest.mark.parametrize("ctype", ["labor_outsourcing", "service"])
def test_the_policy_refuses_attendance_pay_for_anything_but_dispatch(tmp_path, ctype):
    text = (SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8")
    text = text.replace("settle_on_attendance: [labor_dispatch]", f"settle_on_attendance: [{ctype}, labor_dispatch]")
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_policy(tmp_path / "policy.yaml")
    details = " ".join(err.value.details)
    assert ctype in details and "假外包、真派遣" in details and "disguised dispatch" in details


def test_a_dispatch_agreement_charges_no_incident_damages_and_caps_at_its_management_fee():
    dispatch = outsourcing(contract_no="LD-1", contract_type="labor_dispatch", monthly_fee=None, tax_rate=D("0.05"))
    posts = [
        {
            "contract_no": "LD-1",
            "role_zh": "普工",
            "role_en": "Production worker",
            "headcount": 10,
            "unit_price": D("6280.55"),
            "wage": D("4600.00"),
            "social_insurance": D("1380.55"),
            "management_fee": D("300.00"),
        }
    ]
    late = {
        "incident_id": "I1",
        "supplier_id": "S1",
        "date": "2026-10-10",
        "type": "late_delivery",
        "severity": "high",
        "days_late": 5,
    }
    s = settle("S1", [dispatch], posts, [late], None, POLICY, OCT)
    assert not [l for l in s.lines if l.kind in ("penalty", "cap_relief")]  # the host directs the work
    assert [i["incident_id"] for i in s.uncharged] == ["I1"]
    assert s.cap_on_management_fee and s.penalty_cap == D("3000.00")  # 10 posts × 300.00
    # an outsourcing contract is charged for the same incident as the policy says
    o = settle("S1", [outsourcing()], ITEMS, [late], None, POLICY, OCT, work_volume=[volume()])
    assert [l.ref for l in o.lines if l.kind == "penalty"] == ["I1"] and not o.uncharged


def test_a_policy_the_store_kept_for_months_already_settled_is_still_read():
    from pipeline.config.policy import PolicyFile

    text = (SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8")
    old = text.replace(
        "settle_on_attendance: [labor_dispatch]", "settle_on_attendance: [labor_outsourcing, labor_dispatch]"
    )
    kept = PolicyFile.from_text(old, "policy.yaml", "0" * 64).policy  # a review scores those months as they were
    assert kept.workforce.settle_on_attendance == ("labor_outsourcing", "labor_dispatch")
