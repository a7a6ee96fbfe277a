"""Settlements finance can pay from (issue 22): the dispatch VAT base, figures that recompute,
currencies kept apart, never a negative payable, the payments workbook, the approval block."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from builders import contract, evaluation, make_inputs, supplier, write_rows
from conftest import SAMPLE_INPUTS
from docx_reading import docx_tables, docx_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipeline.compute.money import fen
from pipeline.compute.scoring import score_evaluation
from pipeline.compute.settlement import VAT_ORDINARY, VAT_SPECIAL, settle, settle_supplier
from pipeline.config.policy import load_policy
from pipeline.documents.formatting import words
from pipeline.periods import Period

OCT = Period(2026, 10)
POLICY = load_policy(SAMPLE_INPUTS / "policy.yaml")  # October 2026: 17 working days
DISPATCH_ITEM = {
    "contract_no": "HT-D",
    "role_zh": "普工",
    "role_en": "Production worker",
    "headcount": 2,
    "unit_price": D("5500.00"),
    "wage": D("4000.00"),
    "social_insurance": D("1200.00"),
    "management_fee": D("300.00"),
}


def dispatch_contract(**kw):
    c = {
        "contract_no": "HT-D",
        "supplier_id": "S1",
        "contract_type": "labor_dispatch",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "currency": "CNY",
        "tax_rate": D("0.06"),
        "payment_days": 30,
        "penalty_cap_pct": D(15),
    }
    c.update(kw)
    return c


def roster(n: int = 2):
    return [
        {
            "worker_id": f"W{i}",
            "supplier_id": "S1",
            "contract_no": "HT-D",
            "name": "张三",
            "id_number": "110101199003071234",
            "role": "普工",
            "post_nature": "auxiliary",
            "onboard_date": "2026-01-05",
        }
        for i in range(1, n + 1)
    ]


def days(*per_worker):
    return [{"period": "2026-10", "worker_id": f"W{i}", "days_worked": D(d)} for i, d in enumerate(per_worker, start=1)]


def a_card(grade_a: bool = False):
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


def lines_of(s, kind):
    return [l for l in s.lines if l.kind == kind]


# --------------------------------------------------------------------------- dispatch: 差额征税


def test_a_dispatch_settlement_keeps_pay_and_social_insurance_out_of_the_vat_base():
    s = settle("S1", [dispatch_contract()], [DISPATCH_ITEM], [], a_card(), POLICY, OCT, roster(), days(17, 17))
    (wage,) = lines_of(s, "wage")
    (si,) = lines_of(s, "social_insurance")
    (fee,) = lines_of(s, "management_fee")
    # 4000 / 17 = 235.294… → 235.29 a day; 34 days × 235.29 = 7,999.86
    assert (wage.quantity, wage.rate, wage.amount) == (D(34), D("235.29"), D("7999.86"))
    assert (si.quantity, si.rate, si.amount) == (D(2), D("1200.00"), D("2400.00"))
    assert (fee.quantity, fee.rate, fee.amount) == (D(2), D("300.00"), D("600.00"))
    assert not wage.taxable and not si.taxable and fee.taxable
    # 5% on the management fee only (tax-inclusive): 600 / 1.05 = 571.43, VAT 28.57
    assert fee.tax_rate == D("0.05")
    assert (s.tax, s.payable, s.pass_through) == (D("28.57"), D("10999.86"), D("10399.86"))
    assert s.by_invoice() == [
        (VAT_SPECIAL, D("0.05"), D("571.43"), D("28.57"), D("600.00")),
        (VAT_ORDINARY, D(0), D("10399.86"), D(0), D("10399.86")),
    ]


def test_dispatch_under_the_general_method_taxes_the_whole_fee_at_the_contract_rate():
    policy = dataclasses.replace(POLICY, dispatch_vat="general")
    s = settle("S1", [dispatch_contract()], [DISPATCH_ITEM], [], a_card(), policy, OCT, roster(), days(17, 17))
    assert all(l.taxable and l.tax_rate == D("0.06") for l in s.lines)
    assert [b[0] for b in s.by_invoice()] == [VAT_SPECIAL]
    assert s.payable == D("10999.86") and s.tax == fen(sum(l.signed for l in s.lines) * D("0.06") / D("1.06"))


def test_dispatch_damages_never_reach_the_workers_pay_and_incidents_are_scored_not_charged():
    breach = {
        "incident_id": "I1",
        "supplier_id": "S1",
        "date": "2026-10-10",
        "type": "security_breach",
        "severity": "critical",
    }
    s = settle("S1", [dispatch_contract()], [DISPATCH_ITEM], [breach], a_card(), POLICY, OCT, roster(), days(17, 17))
    # the agreement charges only the agency's own listed breaches (clause liquidated_damages): the
    # incident is scored and flagged, not charged; the cap is the month's management fee (2 × 300)
    assert s.penalty_net == 0 and [i["incident_id"] for i in s.uncharged] == ["I1"]
    assert s.cap_on_management_fee and s.penalty_cap == D("600.00")
    assert s.pass_through == D("10399.86")  # pay and social insurance in full
    assert s.payable == s.pass_through + D("600.00") == D("10999.86")  # the management fee in full (VAT inside)


DAMAGES = {  # the shipped contract settings' rates (schemas/contract_terms.yaml dispatch_damages)
    "wage_late_per_day": D(500),
    "insurance_proof_missing": D(2000),
    "replacement_late_per_day": D(300),
    "unlicensed": D(10000),
}


def test_the_agencys_own_breaches_are_charged_at_the_agreements_rates_from_the_management_fee_only():
    """Clause 4.3 of the dispatch agreement: wages late per day, a worker not replaced per worker
    per day, missing social-insurance proof each time; other incidents are scored, not charged."""

    def incident(iid, date, **kw):
        return {"incident_id": iid, "supplier_id": "S1", "date": date, "type": "compliance", "severity": "low", **kw}

    wages = incident("I1", "2026-10-05", dispatch_breach="wage_late", days_late=2)
    replace_late = incident("I2", "2026-10-06", dispatch_breach="replacement_late", days_late=3, workers=2)
    quality = incident("I3", "2026-10-07", type="quality_defect", severity="high")
    items = [dict(DISPATCH_ITEM, headcount=10)]  # a management fee of 3,000.00 for the month
    staff = roster(10)
    worked = days(*[17] * 10)
    s = settle_supplier(
        "S1",
        [dispatch_contract()],
        items,
        [wages, replace_late, quality],
        a_card(),
        POLICY,
        OCT,
        staff,
        worked,
        dispatch_damages=DAMAGES,
    )[0]
    penalties = {
        l.ref: (l.amount, l.detail["basis"], l.detail["days"], l.detail["workers"]) for l in lines_of(s, "penalty")
    }
    assert penalties == {"I1": (D("1000.00"), "days", D(2), D(1)), "I2": (D("1800.00"), "worker_days", D(3), D(2))}
    assert [i["incident_id"] for i in s.uncharged] == ["I3"]
    assert s.penalty_cap == D("3000.00") and s.penalty_net == D("2800.00")
    assert s.payable == s.pass_through + D("3000.00") - D("2800.00")  # the workers' pay untouched
    # above the management fee the excess is reserved, never taken from pay or social insurance
    proof = incident("I4", "2026-10-08", dispatch_breach="insurance_proof_missing")
    more = settle_supplier(
        "S1",
        [dispatch_contract()],
        items,
        [wages, replace_late, proof],
        a_card(),
        POLICY,
        OCT,
        staff,
        worked,
        dispatch_damages=DAMAGES,
    )[0]
    assert more.penalty_gross == D("4800.00") and more.penalty_net == D("3000.00")
    assert more.pass_through == s.pass_through and more.payable == more.pass_through
    # the statement's line recomputes from what it shows and cites the clause
    from pipeline.documents.settlement import line_text

    zh, en = line_text(next(l for l in lines_of(s, "penalty") if l.ref == "I2"))
    assert "未在约定期限内补派人员（协议第4.3条）" in zh and "2人×逾期3天×每人每天300.00" in zh
    assert "worker not replaced in time (Clause 4.3 of the agreement), 2 workers × 3 days late × 300.00" in en
    # without the agreement's rates (a tool calling settle alone) nothing is charged
    bare = settle("S1", [dispatch_contract()], items, [wages], a_card(), POLICY, OCT, staff, worked)
    assert bare.penalty_gross == 0


def test_a_dispatch_breach_needs_its_agreement_days_and_workers(tmp_path):
    from pipeline.runs.stages import load_stage, validate_stage

    folder = _dispatch_inputs(tmp_path / "in")
    heads = ["事件编号", "供应商编号", "日期", "事件类型", "严重程度", "延误天数", "派遣违约情形", "涉及人数"]
    rows = [
        dict(zip(heads, r))
        for r in (
            ["I1", "S1", dt.date(2026, 10, 5), "合规问题", "低", None, "工资逾期", None],
            ["I2", "S1", dt.date(2026, 10, 6), "合规问题", "低", 2, "补派逾期", None],
            ["I3", "S1", dt.date(2026, 10, 7), "合规问题", "低", None, "未提供社保凭证", 3],
            ["I4", "S1", dt.date(2026, 10, 8), "合规问题", "低", 1, "wage_late", None],
        )
    ]
    write_rows(folder / "incidents.xlsx", rows)
    validated = validate_stage(load_stage(folder))
    found = {(i.row, i.field, i.rule) for i in validated.issues if i.rule.startswith("dispatch_breach")}
    assert found == {
        (2, "days_late", "dispatch_breach_days"),
        (3, "workers", "dispatch_breach_workers"),
        (4, "workers", "dispatch_breach_workers"),
    }
    issue = next(i for i in validated.issues if i.rule == "dispatch_breach_days")
    assert issue.file == "incidents.xlsx" and "延误天数" in issue.message_zh and "days late" in issue.message_en
    assert [r["incident_id"] for r in validated.data("incidents")] == ["I4"]
    # under a contract that is not a dispatch agreement the breach does not apply
    other = make_inputs(tmp_path / "other", [supplier("S2")], [contract("S2", "HT-S")], [evaluation("S2")])
    write_rows(other / "incidents.xlsx", [dict(rows[0], 供应商编号="S2")])
    issue = next(i for i in validate_stage(load_stage(other)).issues if i.rule == "dispatch_breach_contract")
    assert (issue.row, issue.field, issue.column) == (2, "dispatch_breach", "派遣违约情形")
    assert "S2" in issue.message_en and "labour-dispatch agreement" in issue.message_en


def test_a_dispatch_post_without_its_components_is_a_row_error(tmp_path):
    from pipeline.runs.stages import load_stage, validate_stage

    folder = _dispatch_inputs(tmp_path / "in", wage=None)
    validated = validate_stage(load_stage(folder))
    issue = next(i for i in validated.issues if i.rule == "dispatch_components")
    assert (issue.file, issue.sheet, issue.row, issue.field) == ("contracts.xlsx", "items", 2, "wage")
    assert "工资标准" in issue.message_zh and "wage" in issue.message_en
    folder = _dispatch_inputs(tmp_path / "in2", wage=3900)
    issue = next(i for i in validate_stage(load_stage(folder)).issues if i.rule == "dispatch_components")
    assert issue.field == "unit_price" and "5400" in issue.message_en and "5500" in issue.message_en


# --------------------------------------------------------------------------- proration, never negative


def test_a_one_day_contract_with_a_critical_incident_prorates_cap_and_reward_and_stays_positive():
    one_day = {
        "contract_no": "HT-1",
        "supplier_id": "S1",
        "contract_type": "service",
        "start_date": "2026-10-31",
        "end_date": "2027-10-30",
        "monthly_fee": D("100000.00"),
        "currency": "CNY",
        "tax_rate": D("0.06"),
        "penalty_cap_pct": D(10),
    }
    breach = {
        "incident_id": "I1",
        "supplier_id": "S1",
        "date": "2026-10-31",
        "type": "security_breach",
        "severity": "critical",
    }
    s = settle("S1", [one_day], [], [breach], a_card(grade_a=True), POLICY, OCT)
    (base,) = lines_of(s, "base")
    assert (base.quantity, base.rate, base.amount) == (D(1), D("3225.81"), D("3225.81"))  # 100,000 ÷ 31
    assert s.penalty_cap == D("322.58")  # 10% of the 1 day's fee, not of the month's
    assert lines_of(s, "reward")[0].amount == D("64.52")  # 2% of 3,225.81
    assert s.payable == D("2967.75") > 0
    assert words(s.payable, "CNY")[0] == "人民币贰仟玖佰陆拾柒元柒角伍分"


def test_a_receivable_carried_in_is_set_off_and_the_excess_carried_on():
    c = {
        "contract_no": "HT-1",
        "supplier_id": "S1",
        "contract_type": "service",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "monthly_fee": D("1000.00"),
        "tax_rate": D("0.06"),
    }
    s = settle("S1", [c], [], [], None, POLICY, OCT, carried_in={"CNY": D("1500.00")})
    assert lines_of(s, "carried_in")[0].amount == D("1500.00")
    assert s.carried_forward == D("500.00") and s.payable == 0
    assert words(s.payable, "CNY") == ("人民币零元整", "SAY RMB ZERO ONLY")
    s = settle("S1", [c], [], [], None, POLICY, OCT, carried_in={"CNY": D("400.00")})
    assert s.carried_forward == 0 and s.payable == D("600.00")


# --------------------------------------------------------------------------- currencies


def test_two_currencies_are_two_settlements_each_with_its_own_cap_and_total():
    policy = dataclasses.replace(POLICY, currencies=("CNY", "USD"))
    cny = {
        "contract_no": "HT-C",
        "supplier_id": "S1",
        "contract_type": "service",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "monthly_fee": D("570000.00"),
        "currency": "CNY",
        "tax_rate": D("0.06"),
    }
    usd = dict(cny, contract_no="HT-U", monthly_fee=D("10000.00"), currency="USD")
    complaint = {
        "incident_id": "I1",
        "supplier_id": "S1",
        "date": "2026-10-10",
        "type": "complaint",
        "severity": "medium",
    }
    found = settle_supplier("S1", [usd, cny], [], [complaint], None, policy, OCT)
    assert [s.currency for s in found] == ["CNY", "USD"]
    c, u = found
    assert c.payable == D("569500.00") and u.payable == D("10000.00")
    assert c.penalty_cap == D("57000.00") and u.penalty_cap == D("1000.00")  # never 10% of a mixed sum
    assert not lines_of(u, "penalty")
    with pytest.raises(ValueError):
        settle("S1", [usd, cny], [], [], None, policy, OCT)


def test_a_contract_in_a_currency_the_policy_does_not_allow_is_a_row_error(tmp_path):
    from pipeline.runs.stages import load_stage, validate_stage

    folder = make_inputs(
        tmp_path / "in",
        [supplier("S1")],
        [contract("S1"), contract("S1", "HT-USD", currency="USD", monthly_fee=10000)],
        [evaluation("S1")],
    )
    validated = validate_stage(load_stage(folder), POLICY.currencies)
    (issue,) = [i for i in validated.issues if i.rule == "currency_not_allowed"]
    assert (issue.file, issue.row, issue.field, issue.value) == ("contracts.xlsx", 3, "currency", "USD")
    assert "settlement.currencies" in issue.message_en and "币种USD" in issue.message_zh


def test_a_two_currency_statement_shows_each_currency_apart(tmp_path):
    from pipeline.runs.monthly import run_month

    folder = make_inputs(
        tmp_path / "in",
        [supplier("S1")],
        [contract("S1", monthly_fee=570000), contract("S1", "HT-USD", currency="USD", monthly_fee=10000)],
        [evaluation("S1")],
    )
    text = (folder / "policy.yaml").read_text(encoding="utf-8")
    (folder / "policy.yaml").write_text(
        text.replace("  default_payment_days: 30\n", "  default_payment_days: 30\n  currencies: [CNY, USD]\n"),
        encoding="utf-8",
    )
    summary = run_month(folder, tmp_path / "out", "2026-10")
    path = summary.outputs / "settlements" / "S1_settlement_2026-10.docx"
    body = docx_text(path)
    assert "结算明细（人民币）" in body and "结算明细（美元）" in body
    assert "人民币伍拾柒万元整" in body and "美元壹万元整" in body and "SAY USD TEN THOUSAND ONLY" in body
    assert "580,000.00" not in body  # never added together
    payables = _sheet(summary.outputs / "summary" / "payments_2026-10.xlsx", "payables")
    assert {(r["币种 Currency"], r["应付金额 Payable"]) for r in payables} == {
        ("CNY", D("570000")),
        ("USD", D("10000")),
    }


# --------------------------------------------------------------------------- the sample month, as finance reads it


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    from pipeline.runs.monthly import run_month

    root = tmp_path_factory.mktemp("finance")
    shutil.copytree(SAMPLE_INPUTS, root / "in")
    policy = (root / "in" / "policy.yaml").read_text(encoding="utf-8")
    (root / "in" / "policy.yaml").write_text(
        policy.replace(
            "  default_payment_days: 30\n",
            "  default_payment_days: 30\n  approvers: {prepared_by: 李经办, reviewed_by: 王审核, finance: 赵财务}\n",
        ),
        encoding="utf-8",
    )
    return run_month(root / "in", root / "out", "2026-10").outputs


def _sheet(path: Path, name: str) -> list[dict]:
    ws = load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], (D(str(v)) if isinstance(v, (int, float)) else v for v in r))) for r in rows[1:]]


def _amount(text: str) -> D:
    return D(text.replace(",", "").replace("−", "-"))


def test_every_statement_line_recomputes_and_the_total_is_the_sum_of_the_lines(month):
    for path in sorted((month / "settlements").glob("*.docx")):
        tables = docx_tables(path)
        details = [t for t in tables if t[0][0].startswith("序号") and any("数量" in c for c in t[0])]
        assert details, path.name
        for t in details:
            total = D(0)
            for row in t[1:-1]:
                quantity, rate, sign, amount = _amount(row[2].split()[0]), _amount(row[3]), row[4], _amount(row[5])
                assert amount == fen(quantity * rate), (path.name, row)
                total += amount if sign == "+" else -amount
            assert _amount(t[-1][-2]) == total >= 0, path.name


def test_the_dispatch_agency_invoices_pay_and_social_insurance_on_an_ordinary_invoice(month):
    path = month / "settlements" / "S002_settlement_2026-10.docx"
    body = docx_text(path)
    assert "财税〔2016〕47号" in body and "Caishui [2016] No. 47" in body
    invoices = next(t for t in docx_tables(path) if t[0][0].startswith("发票类型"))
    special = next(r for r in invoices if r[0].startswith("增值税专用发票"))
    ordinary = next(r for r in invoices if r[0].startswith("增值税普通发票"))
    assert special[2] == "5%" and ordinary[3] == "0.00"
    # the special invoice is the management fees (10 + 4 posts × 300) with 5% VAT inside
    assert special[4] == "4,200.00" and special[3] == "200.00"
    total = next(r for r in invoices if r[0].startswith("合计"))
    assert _amount(total[4]) == _amount(special[4]) + _amount(ordinary[4])


def test_the_sample_agency_paying_wages_late_is_charged_from_its_management_fee(month):
    """S014 paid September's wages two days late (INC-2610-012): 2 × 500.00 under clause 4.3 of
    its dispatch agreement, deducted from the management fee; its earlier incidents were scored only."""
    path = month / "settlements" / "S014_settlement_2026-10.docx"
    rows = [r for t in docx_tables(path) if t[0][0].startswith("序号") for r in t[1:-1]]
    (row,) = [r for r in rows if "INC-2610-012" in r[1]]
    assert "未按时足额支付被派遣劳动者工资（协议第4.3条），逾期2天×每天500.00" in row[1]
    assert "wages paid late or short (Clause 4.3 of the agreement), 2 days late × 500.00 a day" in row[1]
    assert (" ".join(row[2].split()), _amount(row[3]), row[4], _amount(row[5])) == ("2 天 days", D(500), "−", D(1000))
    contracts = next(t for t in docx_tables(path) if "违约金上限" in t[0][-1])
    assert " ".join(contracts[1][-1].split()) == "当月派遣管理费 the month's management fee"  # not a share of the fee
    fees = sum(_amount(r[5]) for r in rows if r[1].startswith("派遣管理费"))
    assert fees >= D(1000)  # never more than the management fee
    lines = [
        r for r in _sheet(month / "summary" / "payments_2026-10.xlsx", "lines") if r["供应商编号 Supplier ID"] == "S014"
    ]
    (penalty,) = [r for r in lines if r["类型 Kind"] == "penalty"]
    assert (penalty["数量 Quantity"], penalty["单位 Unit"], penalty["单价 Rate"]) == (D(2), "days", D(500))
    assert penalty["金额 Amount"] == D(-1000) and penalty["税率 VAT rate"] == D("0.05")  # off the taxable fee


def test_the_payments_workbook_adds_up_to_each_statement(month):
    path = month / "summary" / "payments_2026-10.xlsx"
    lines = _sheet(path, "lines")
    payables = _sheet(path, "payables")
    assert {r["供应商编号 Supplier ID"] for r in payables} == {
        p.name.split("_")[0] for p in (month / "settlements").glob("*.docx")
    }
    for p in payables:
        sid, cur = p["供应商编号 Supplier ID"], p["币种 Currency"]
        mine = [l for l in lines if l["供应商编号 Supplier ID"] == sid and l["币种 Currency"] == cur]
        assert sum(l["价税合计 Gross"] for l in mine) == p["应付金额 Payable"], sid
        assert sum(l["税额 VAT"] for l in mine) == p["税额 VAT"], sid
        assert p["专用发票金额 Special invoice"] + p["普通发票金额 Ordinary invoice"] == p["应付金额 Payable"]
        for l in mine:
            assert l["金额 Amount"] == (1 if l["金额 Amount"] >= 0 else -1) * fen(l["数量 Quantity"] * l["单价 Rate"])
        body = docx_text(month / "settlements" / f"{sid}_settlement_2026-10.docx")
        assert f"{p['应付金额 Payable']:,.2f}" in body
    ws = load_workbook(path)["payables"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "S002")
    assert row[head.index("银行账号 Bank account")].data_type == "s"  # an id, never a number
    assert row[head.index("应付金额 Payable")].number_format == "#,##0.00"
    s004 = next(p for p in payables if p["供应商编号 Supplier ID"] == "S004")
    assert s004["暂缓支付 Hold"] == "yes" and "termination" in s004["暂缓原因 Hold reason"]
    assert {p["暂缓支付 Hold"] for p in payables if p["供应商编号 Supplier ID"] != "S004"} == {"no"}
    assert next(p for p in payables if p["供应商编号 Supplier ID"] == "S002")["付款到期日 Due date"] == "2026-11-30"
    held = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "S004")  # a held payment stands out, whole row
    assert {c.fill.fgColor.rgb for c in held} == {"FFFFCDD2"} and {c.fill.fgColor.rgb for c in row} != {"FFFFCDD2"}


def test_a_statement_carries_account_name_due_date_approval_and_the_hold(month):
    body = docx_text(month / "settlements" / "S004_settlement_2026-10.docx")
    assert "暂缓支付 PAYMENT ON HOLD" in body and "termination notice was issued" in body
    assert "户名" in body and "付款到期日：2026年12月15日" in body  # 45 days from October 31
    for who in ("李经办", "王审核", "赵财务"):
        assert who in body
    assert "经办" in body and "Approved by" in body
    other = docx_text(month / "settlements" / "S001_settlement_2026-10.docx")
    assert "PAYMENT ON HOLD" not in other


def test_the_review_total_is_the_sum_of_the_weighted_scores_shown(month):
    for path in sorted((month / "reports").glob("*_review_2026-10.docx")):
        tables = docx_tables(path)
        kpis = next((t for t in tables if any("加权得分" in c for c in t[0])), None)
        if kpis is None:
            continue
        col = next(i for i, c in enumerate(kpis[0]) if "加权得分" in c)
        shown = [r[col] for r in kpis[1:] if r[col] not in ("—", "") and not r[0].startswith("合计")]
        total_row = next((r for r in kpis if r[0].startswith("合计")), None)
        if total_row is None or not shown:
            continue
        assert sum(D(v) for v in shown) == D(total_row[col]), path.name


# --------------------------------------------------------------------------- a property over random inputs

money_st = st.decimals(min_value=D("0.01"), max_value=D("999999.99"), places=2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fee=money_st,
    start=st.integers(min_value=1, max_value=31),
    incidents=st.lists(
        st.tuples(
            st.sampled_from(["late_delivery", "quality_defect", "security_breach", "compliance", "complaint"]),
            st.sampled_from(["low", "medium", "high", "critical"]),
            st.integers(min_value=0, max_value=30),
        ),
        max_size=4,
    ),
    grade_a=st.booleans(),
    carried=st.one_of(st.just(D(0)), money_st),
    includes_tax=st.booleans(),
    dispatch=st.booleans(),
    worked=st.lists(st.decimals(min_value=0, max_value=23, places=1), min_size=1, max_size=4),
    wage=money_st,
    si=money_st,
    mgmt=money_st,
)
def test_settlements_recompute_and_never_go_below_zero(
    fee, start, incidents, grade_a, carried, includes_tax, dispatch, worked, wage, si, mgmt
):
    policy = dataclasses.replace(POLICY, fee_includes_tax=includes_tax)
    start_date = dt.date(2026, 10, start).isoformat()
    evs = [
        {"incident_id": f"I{n}", "supplier_id": "S1", "date": "2026-10-31", "type": t, "severity": s, "days_late": d}
        for n, (t, s, d) in enumerate(incidents)
    ]
    if dispatch:
        item = dict(DISPATCH_ITEM, headcount=len(worked), wage=wage, social_insurance=si, management_fee=mgmt)
        item["unit_price"] = wage + si + mgmt
        s = settle(
            "S1",
            [dispatch_contract(start_date=start_date)],
            [item],
            evs,
            a_card(grade_a),
            policy,
            OCT,
            roster(len(worked)),
            days(*worked),
            carried_in={"CNY": carried},
        )
    else:
        c = dict(dispatch_contract(start_date=start_date), contract_type="service", monthly_fee=fee)
        s = settle("S1", [c], [], evs, a_card(grade_a), policy, OCT, carried_in={"CNY": carried})
    for line in s.lines:
        assert line.amount >= 0 and line.amount == line.amount.quantize(D("0.01"))
        assert line.amount == fen(line.quantity * line.shown_rate)
    assert s.payable >= 0
    assert s.payable == sum((net + vat for net, vat in s.splits), D(0))
    assert s.tax >= 0 and all(vat == 0 for (_, vat), l in zip(s.splits, s.lines) if not l.taxable)
    assert s.payable == sum((b[4] for b in s.by_invoice()), D(0))
    assert sum((l.signed for l in s.lines if l.taxable), D(0)) >= 0  # deductions never reach pass-through pay
    assert s.pass_through == sum(
        (l.amount for l in s.lines if l.kind in ("wage", "wage_overtime", "social_insurance")), D(0)
    ) * (1 if policy.dispatch_vat == "difference" and dispatch else 0)
    words(s.payable, "CNY")  # always writable


@settings(max_examples=150, deadline=None)
@given(
    values=st.fixed_dictionaries(
        {
            "quality_score": st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
            "on_time_rate": st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=4)),
            "cost_variance_pct": st.one_of(st.none(), st.decimals(min_value=-20, max_value=40, places=2)),
            "satisfaction": st.one_of(st.none(), st.decimals(min_value=1, max_value=5, places=1)),
            "compliance_issues": st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
            "complaints": st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
        }
    )
)
def test_a_review_total_is_the_sum_of_its_shown_weighted_scores(values):
    from pipeline.documents.formatting import fixed

    card = score_evaluation({"supplier_id": "S1", "period": "2026-10", **values}, POLICY)
    if card.rated:
        shown = [D(fixed(r.weighted)) for r in card.kpis if r.weighted is not None]
        assert sum(shown, D(0)) == card.total


def _dispatch_inputs(folder: Path, wage=4000) -> Path:
    make_inputs(
        folder,
        [
            supplier(
                "S1",
                category="labor_dispatch",
                dispatch_permit_no="沪人社派许字第0001号",
                dispatch_permit_expiry=dt.date(2028, 1, 1),
            )
        ],
        [contract("S1", "HT-D", contract_type="labor_dispatch", monthly_fee=None, tax_rate=0.06)],
        [evaluation("S1")],
    )
    wb = load_workbook(folder / "contracts.xlsx")
    ws = wb.create_sheet("items")
    ws.append(["合同编号", "岗位名称", "人数", "单价", "工资标准", "社保公积金", "管理费"])
    ws.append(["HT-D", "普工", 2, 5500, wage, 1200, 300])
    wb.save(folder / "contracts.xlsx")
    return folder


def test_carry_forward_reaches_the_next_month_through_the_history_store(tmp_path):
    """October's liquidated damages, capped on both contracts' fees, exceed what the main contract
    can absorb: the rest is a receivable that November's statement sets off (read back from the
    history store)."""
    from pipeline.runs.monthly import run_month

    folder = make_inputs(
        tmp_path / "in",
        [supplier("S1")],
        [
            contract("S1", "HT-A", monthly_fee=11000, penalty_cap_pct=100),
            contract("S1", "HT-B", monthly_fee=10000, penalty_cap_pct=100),
        ],
        [evaluation("S1")],
    )
    breach = {
        "incident_id": "I1",
        "supplier_id": "S1",
        "date": dt.date(2026, 10, 5),
        "type": "security_breach",
        "severity": "critical",
        "description": "门禁卡外借",
    }
    write_rows(folder / "incidents.xlsx", [breach])
    oct_ = run_month(folder, tmp_path / "out", "2026-10")
    penalty = POLICY.per_incident["security_breach"]["critical"]
    assert penalty > D(21000)  # capped at 100% of both fees: 21,000.00, of which HT-A's 11,000.00 absorbs all
    body = docx_text(oct_.outputs / "settlements" / "S1_settlement_2026-10.docx")
    assert "转入下期（2026-11）结算抵扣" in body and "其中转入下期抵扣的违约金（应收款）：10,000.00" in body
    payables = _sheet(oct_.outputs / "summary" / "payments_2026-10.xlsx", "payables")
    assert (payables[0]["应付金额 Payable"], payables[0]["转下期扣回 Carried forward"]) == (D("10000"), D("10000"))
    write_rows(folder / "evaluations_2026-11.xlsx", [evaluation("S1", "2026-11")])
    nov = run_month(folder, tmp_path / "out", "2026-11")
    body = docx_text(nov.outputs / "settlements" / "S1_settlement_2026-11.docx")
    assert "上期（2026-10）结算未能抵扣完、转入本期的违约金" in body
    payables = _sheet(nov.outputs / "summary" / "payments_2026-11.xlsx", "payables")
    assert payables[0]["应付金额 Payable"] == D("11000")  # 21,000 − 10,000 set off
    # a rerun of October records its receivable again (superseding): November still sees it once
    run_month(folder, tmp_path / "out", "2026-10")
    again = run_month(folder, tmp_path / "out", "2026-11")
    assert _sheet(again.outputs / "summary" / "payments_2026-11.xlsx", "payables")[0]["应付金额 Payable"] == D("11000")
