"""Outsourced workforce (issue 10): roster and attendance inputs, attendance-based settlement
of labour contracts, the onboarding, age, temporary-post, double-roster and dispatch-limit
checks (each with data that trips it and data that does not), and masked personal data."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLE_INPUTS
from docx_reading import docx_tables, docx_text
from openpyxl import Workbook, load_workbook

from pipeline.compute.money import fen
from pipeline.compute.settlement import CONTRACT_KINDS
from pipeline.compute.workforce import (
    attendance_settlement,
    dispatch_ratio,
    dispatch_ratio_flag,
    double_rostered,
    worker_flags,
)
from pipeline.config.policy import WorkforceRule
from pipeline.documents.messages import text
from pipeline.identifiers import id_check_char
from pipeline.periods import Period
from pipeline.privacy import mask_name

OCT = Period.parse("2026-10")
RULE = WorkforceRule(working_days_by_period={"2026-10": Decimal(17)}, direct_headcount=100)
FEN = Decimal("0.01")
FULL_ID = re.compile(r"\b\d{17}[\dX]\b")


def idn(birth: dt.date, region: str = "110101", serial: int = 123) -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def worker(wid: str = "W1", sid: str = "S1", contract: str = "HT-1", **kw):
    row = {
        "worker_id": wid,
        "supplier_id": sid,
        "contract_no": contract,
        "name": "张三丰",
        "id_number": idn(dt.date(1990, 3, 7)),
        "role": "装配工",
        "onboard_date": "2026-01-05",
        "health_check_passed": True,
        "background_check_passed": True,
        "safety_training_date": "2026-01-05",
        "training_hours": Decimal(8),
    }
    row.update(kw)
    return {k: v for k, v in row.items() if v is not None}


CONTRACTS = {
    "HT-1": {"contract_no": "HT-1", "supplier_id": "S1", "contract_type": "labor_outsourcing"},
    "HT-D": {"contract_no": "HT-D", "supplier_id": "S2", "contract_type": "labor_dispatch"},
}
ITEMS = [
    {
        "contract_no": "HT-1",
        "role_zh": "装配工",
        "role_en": "Assembly operator",
        "headcount": 2,
        "unit_price": Decimal("6800.00"),
    },
    {
        "contract_no": "HT-1",
        "role_zh": "质检员",
        "role_en": "Quality inspector",
        "headcount": 1,
        "unit_price": Decimal("7400.50"),
    },
]


def codes(flags) -> set[str]:
    return {f.code for f in flags}


# --------------------------------------------------------------------------- settlement


def test_a_role_is_paid_its_days_times_the_daily_rate_at_the_fen_plus_overtime():
    workers = [
        worker("W1"),
        worker("W2", id_number=idn(dt.date(1988, 1, 2))),
        worker("W3", role="质检员", id_number=idn(dt.date(1985, 5, 5))),
    ]
    attendance = [
        {"period": "2026-10", "worker_id": "W1", "days_worked": Decimal("16.5"), "overtime_hours": Decimal(10)},
        {"period": "2026-10", "worker_id": "W2", "days_worked": Decimal(17)},
        {"period": "2026-10", "worker_id": "W3", "days_worked": Decimal(15), "overtime_hours": Decimal(3)},
        {"period": "2026-09", "worker_id": "W1", "days_worked": Decimal(3)},
    ]  # another month: ignored
    a = attendance_settlement(CONTRACTS["HT-1"], ITEMS, workers, attendance, Decimal("20999.50"), OCT, RULE)
    fitter, inspector = a.roles
    # 6800 / 17 = 400.00 a day; overtime 400 / 8 × 1.5 = 75.00 an hour
    assert (fitter.daily_rate, fitter.overtime_rate) == (Decimal("400.00"), Decimal("75.00"))
    assert (fitter.headcount, fitter.posts, fitter.days) == (2, 2, Decimal("33.5"))
    assert (fitter.regular, fitter.overtime, fitter.amount) == (
        Decimal("13400.00"),
        Decimal("750.00"),
        Decimal("14150.00"),
    )
    # 7400.50 / 17 = 435.3235… → 435.32 a day, shown and multiplied: 15 × 435.32 = 6529.80;
    # 435.32 / 8 × 1.5 = 81.6225 → 81.62 an hour: 3 × 81.62 = 244.86
    assert (inspector.daily_rate, inspector.overtime_rate) == (Decimal("435.32"), Decimal("81.62"))
    assert (inspector.regular, inspector.overtime) == (Decimal("6529.80"), Decimal("244.86"))
    assert a.amount == Decimal("20924.66") and a.difference == Decimal("-74.84")
    # each worker's days are the quantities the role's line adds up
    assert sum((p.days for p in a.workers if p.item is fitter.item), Decimal(0)) == fitter.days
    # the reconciliation steps add up to the difference, to the fen
    steps = sum((r.headcount_effect + r.attendance_effect + r.overtime for r in a.roles), Decimal(0)) + a.fee_vs_items
    assert steps == a.difference


def test_a_replacement_is_the_same_post_not_a_headcount_difference():
    """One fitter left on the 16th and another joined on the 19th: two posts, as contracted."""
    workers = [
        worker("W1", offboard_date="2026-10-16"),
        worker("W2", id_number=idn(dt.date(1988, 1, 2))),
        worker("W4", onboard_date="2026-10-19", safety_training_date="2026-10-19", id_number=idn(dt.date(1992, 4, 4))),
        worker("W3", role="质检员", id_number=idn(dt.date(1985, 5, 5))),
    ]
    attendance = [
        {"period": "2026-10", "worker_id": "W1", "days_worked": Decimal(9)},
        {"period": "2026-10", "worker_id": "W2", "days_worked": Decimal(17)},
        {"period": "2026-10", "worker_id": "W4", "days_worked": Decimal(7)},
        {"period": "2026-10", "worker_id": "W3", "days_worked": Decimal(17)},
    ]
    a = attendance_settlement(CONTRACTS["HT-1"], ITEMS, workers, attendance, Decimal("21000.50"), OCT, RULE)
    fitter = a.roles[0]
    assert (fitter.headcount, fitter.posts, fitter.replacements) == (3, 2, 1)
    assert fitter.headcount_effect == 0
    assert fitter.attendance_effect == Decimal("-400.00")  # 33 days worked of 34, at 400.00
    from pipeline.documents.workforce import reconciliation

    rows = reconciliation(a)
    assert not any(r["zh"].startswith("人数差异") for r in rows)
    swap = next(r for r in rows if r["zh"].startswith("岗位替换"))
    assert "3人先后在岗" in swap["zh"] and "1 replaced people who left" in swap["en"]
    # a vacancy is still a headcount difference: without W4 the role is one post short
    short = attendance_settlement(
        CONTRACTS["HT-1"], ITEMS, workers[:2] + workers[3:], attendance, Decimal("21000.50"), OCT, RULE
    )
    assert short.roles[0].posts == 2  # W1 until the 16th and W2: both there on the 1st
    alone = attendance_settlement(
        CONTRACTS["HT-1"], ITEMS, workers[1:2] + workers[3:], attendance, Decimal("21000.50"), OCT, RULE
    )
    assert alone.roles[0].headcount_effect == Decimal("-6800.00")


def test_no_attendance_means_no_attendance_settlement():
    assert attendance_settlement(CONTRACTS["HT-1"], ITEMS, [worker()], [], Decimal(1), OCT, RULE) is None


def test_a_worker_under_the_minimum_age_is_refused_and_not_settled():
    child = worker("W9", id_number=idn(dt.date(2011, 2, 1)))  # 15 in October 2026
    a = attendance_settlement(
        CONTRACTS["HT-1"],
        ITEMS,
        [worker(), child],
        [
            {"period": "2026-10", "worker_id": "W1", "days_worked": Decimal(17)},
            {"period": "2026-10", "worker_id": "W9", "days_worked": Decimal(10)},
        ],
        Decimal("20999.50"),
        OCT,
        RULE,
    )
    refused = next(p for p in a.workers if p.worker["worker_id"] == "W9")
    assert refused.refused == "under_age"
    assert a.roles[0].headcount == 1 and a.roles[0].days == 17 and a.amount == Decimal("6800.00")


def test_sample_labour_settlements_are_built_from_attendance_line_by_line(policy, sample_inputs):
    from pipeline.compute.money import fen
    from pipeline.runs import monthly

    validated = monthly.validate_stage(monthly.load_stage(sample_inputs))
    assert not validated.issues
    result = monthly.compute_stage(validated, policy, OCT)
    days = policy.workforce.working_days("2026-10")
    assert days == 17
    settled = {
        sm.supplier_id: sm
        for sm in result.suppliers
        if sm.settlement and any(b.attendance for b in sm.settlement.bases)
    }
    assert set(settled) == {"S002", "S008", "S014"}  # dispatch only: outsourcing is paid on results
    for sm in settled.values():
        for b in sm.settlement.bases:
            a = b.attendance
            mine = [
                l
                for l in sm.settlement.lines
                if l.contract_no == b.contract["contract_no"] and l.kind in CONTRACT_KINDS
            ]
            assert sum((l.amount for l in mine), Decimal(0)) == a.amount == sum((r.amount for r in a.roles), Decimal(0))
            for r in a.roles:
                price = r.item["wage"] if r.components else r.item["unit_price"]
                assert r.daily_rate == fen(price / days)
                assert r.overtime_rate == fen(r.daily_rate / 8 * Decimal("1.5"))
                assert r.regular == fen(r.days * r.daily_rate)
                workers = [p for p in a.workers if p.item is r.item and not p.refused]
                assert r.days == sum((p.days for p in workers), Decimal(0)) and r.headcount == len(workers)
            for l in mine:  # every line recomputes from its shown quantity and rate
                assert l.amount == fen(l.quantity * l.shown_rate)
    # the outsourcing suppliers are paid on results, never by days or hours
    by_id = {sm.supplier_id: sm for sm in result.suppliers}
    kinds = {sid: {l.kind for l in by_id[sid].settlement.lines if l.kind in CONTRACT_KINDS} for sid in ("S001", "S007")}
    assert kinds == {"S001": {"work_volume"}, "S007": {"work_volume", "service_fee"}}
    packing = next(l for l in by_id["S007"].settlement.lines if l.kind == "work_volume")
    assert (packing.quantity, packing.rate, packing.amount) == (Decimal(64500), Decimal("1.85"), Decimal("119325.00"))
    # S007's October pallet transfers await acceptance: not paid, flagged
    assert [v.item["item_code"] for v in by_id["S007"].settlement.pending] == ["B02"]
    assert "work_volume_pending" in {f.code for f in by_id["S007"].flags}
    # S013's outsourcing contract is still priced per head: paid so, and flagged high
    s013 = by_id["S013"]
    assert {l.kind for l in s013.settlement.lines if l.kind in CONTRACT_KINDS} == {"base"}
    (risk,) = [f for f in s013.flags if f.code == "outsourcing_per_head"]
    assert risk.severity == "high" and risk.facts["contract_no"] == "HT-2026-LO-013"


# --------------------------------------------------------------------------- checks


@pytest.mark.parametrize(
    "field, code",
    [("health_check_passed", "worker_health_check"), ("background_check_passed", "worker_background_check")],
)
def test_onboarding_checks(field, code):
    assert code not in codes(worker_flags("S1", [worker()], CONTRACTS, OCT, RULE))
    assert code in codes(worker_flags("S1", [worker(**{field: False})], CONTRACTS, OCT, RULE))
    assert code in codes(worker_flags("S1", [worker(**{field: None})], CONTRACTS, OCT, RULE))  # not recorded
    # someone who left before the month is not on site: no flag
    gone = worker(**{field: False}, offboard_date="2026-09-30")
    assert code not in codes(worker_flags("S1", [gone], CONTRACTS, OCT, RULE))


def test_safety_training_must_come_before_the_first_day():
    ok = [worker(safety_training_date="2026-01-05"), worker("W2", safety_training_date="2025-12-30")]
    assert "worker_safety_training" not in codes(worker_flags("S1", ok, CONTRACTS, OCT, RULE))
    late = worker(safety_training_date="2026-01-06")
    never = worker("W2", safety_training_date=None)
    flags = [f for f in worker_flags("S1", [late, never], CONTRACTS, OCT, RULE) if f.code == "worker_safety_training"]
    assert len(flags) == 1 and flags[0].facts["workers"] == ["W1", "W2"]


@pytest.mark.parametrize(
    "birth, expected",
    [
        (dt.date(2010, 10, 2), {"worker_under_age"}),  # 15 on 1 October 2026: refused
        (dt.date(2010, 10, 1), {"worker_minor"}),  # 16 that very day: protected work only
        (dt.date(2008, 10, 2), {"worker_minor"}),  # 17
        (dt.date(2008, 10, 1), set()),  # 18
    ],
)
def test_age_from_the_id_number(birth, expected):
    flags = worker_flags("S1", [worker(id_number=idn(birth))], CONTRACTS, OCT, RULE)
    assert codes(flags) & {"worker_under_age", "worker_minor"} == expected
    if expected == {"worker_under_age"}:
        assert next(f for f in flags if f.code == "worker_under_age").severity == "critical"


def test_overtime_above_the_monthly_limit_and_juveniles_on_overtime():
    def flags(birth: dt.date, hours: int):
        att = [
            {"period": "2026-10", "worker_id": "W1", "days_worked": Decimal(17), "overtime_hours": Decimal(hours)},
            {"period": "2026-09", "worker_id": "W1", "days_worked": Decimal(17), "overtime_hours": Decimal(80)},
        ]
        return codes(worker_flags("S1", [worker(id_number=idn(birth))], CONTRACTS, OCT, RULE, att))

    adult, minor = dt.date(1990, 1, 1), dt.date(2009, 1, 1)
    assert not flags(adult, 36) & {"worker_overtime", "worker_minor_overtime"}
    assert "worker_overtime" in flags(adult, 37)
    assert "worker_minor_overtime" not in flags(minor, 0)
    assert "worker_minor_overtime" in flags(minor, 2)


def test_dispatched_worker_on_a_temporary_post_for_more_than_six_months():
    def flagged(**kw) -> bool:
        w = worker(contract="HT-D", sid="S2", **{"post_nature": "temporary", **kw})
        return "dispatch_temporary_too_long" in codes(worker_flags("S2", [w], CONTRACTS, OCT, RULE))

    assert flagged(onboard_date="2026-04-30")  # 30 Apr → 31 Oct is more than six months
    assert not flagged(onboard_date="2026-05-01")  # 1 May → 31 Oct is exactly six months
    assert not flagged(onboard_date="2026-01-05", post_nature="auxiliary")
    assert not flagged(onboard_date="2026-01-05", offboard_date="2026-06-30")  # left long ago
    outsourced = worker(post_nature="temporary", onboard_date="2026-01-05")  # not dispatched
    assert "dispatch_temporary_too_long" not in codes(worker_flags("S1", [outsourced], CONTRACTS, OCT, RULE))


def test_dispatched_workers_above_ten_percent_of_the_workforce():
    def ratio(n: int, direct: int):
        rule = WorkforceRule(direct_headcount=direct)
        people = [
            worker(
                f"D{i}",
                sid="S2",
                contract="HT-D",
                post_nature="auxiliary",
                id_number=idn(dt.date(1990, 1, 1), serial=i),
            )
            for i in range(n)
        ]
        return dispatch_ratio(people, CONTRACTS, OCT, rule)

    assert dispatch_ratio_flag(ratio(10, 90), OCT) is None  # exactly 10 % is allowed
    assert dispatch_ratio_flag(ratio(11, 100), OCT) is None  # 9.9 %
    flag = dispatch_ratio_flag(ratio(12, 100), OCT)  # 10.7 %
    assert flag is not None and flag.severity == "high" and "10.7%" in text(flag.code, flag.facts)[0]
    assert ratio(12, 100).allowed == 11
    # not configured: no flag, but the count is still known
    unknown = ratio(12, None)
    assert dispatch_ratio_flag(unknown, OCT) is None and unknown.dispatched == 12
    # a dispatched worker who left during the month is not on site at its end
    left = [worker("D1", sid="S2", contract="HT-D", post_nature="auxiliary", offboard_date="2026-10-15")]
    assert dispatch_ratio(left, CONTRACTS, OCT, RULE).dispatched == 0


def test_a_person_on_two_suppliers_rosters_at_once():
    same = idn(dt.date(1992, 6, 6))
    a = worker("W1", sid="S1", id_number=same, onboard_date="2026-01-05")
    b = worker("W2", sid="S2", contract="HT-D", id_number=same, onboard_date="2026-10-12")
    found = double_rostered([a, b], OCT)
    assert set(found) == {"S1", "S2"} and found["S1"][0].code == "worker_on_two_rosters"
    zh = text(found["S1"][0].code, found["S1"][0].facts)[0]
    assert same not in zh and same[-4:] in zh and same not in str(found["S1"][0].facts)  # masked, in the facts too
    # one left before the other joined: a change of supplier, not a double roster
    a_left = worker("W1", sid="S1", id_number=same, onboard_date="2026-01-05", offboard_date="2026-10-10")
    assert double_rostered([a_left, b], OCT) == {}
    # two different people
    other = worker("W2", sid="S2", contract="HT-D", id_number=idn(dt.date(1992, 6, 7)))
    assert double_rostered([a, other], OCT) == {}
    # the same person twice on one supplier's roster, under two worker IDs
    twice = double_rostered([a, worker("W7", sid="S1", id_number=same, onboard_date="2026-09-01")], OCT)
    assert [f.code for f in twice["S1"]] == ["worker_listed_twice"] and twice["S1"][0].facts["workers"] == ["W1", "W7"]
    assert double_rostered([a_left, worker("W7", sid="S1", id_number=same, onboard_date="2026-10-11")], OCT) == {}


def test_labour_contract_without_attendance_is_settled_at_its_fee_and_flagged(policy):
    from pipeline.compute.month import compute_month

    supplier = {
        "supplier_id": "S1",
        "name_zh": "某劳务派遣公司",
        "category": "labor_dispatch",
        "status": "approved",
        "license_expiry": "permanent",
    }
    contract = {
        "contract_no": "HT-1",
        "supplier_id": "S1",
        "contract_type": "labor_dispatch",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "monthly_fee": Decimal("20999.50"),
        "tax_rate": Decimal("0.06"),
    }
    evaluation = {"supplier_id": "S1", "period": "2026-10", "quality_score": Decimal(90)}
    records = {
        "suppliers": [supplier],
        "contracts": [contract],
        "contract_items": ITEMS,
        "evaluations": [evaluation],
        "incidents": [],
        "workers": [worker()],
        "attendance": [],
    }
    sm = compute_month(records, policy, OCT).suppliers[0]
    assert sm.settlement.bases[0].attendance is None and sm.settlement.bases[0].base == Decimal("20999.50")
    assert "attendance_missing" in codes(sm.flags)
    records["attendance"] = [{"period": "2026-10", "worker_id": "W1", "days_worked": Decimal(17)}]
    sm = compute_month(records, policy, OCT).suppliers[0]
    assert "attendance_missing" not in codes(sm.flags)
    assert sm.settlement.bases[0].base == Decimal("6800.00")


# --------------------------------------------------------------------------- inputs


WORKER_HEADERS = [
    "工号",
    "供应商编号",
    "合同编号",
    "姓名",
    "身份证号",
    "岗位",
    "岗位性质",
    "入职日期",
    "离职日期",
    "体检合格",
    "背景调查通过",
    "安全培训日期",
    "培训时长",
]


def _xlsx(path: Path, headers: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _inputs_with(tmp_path: Path, workers: list[list], attendance: list[list] | None = None) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(
        SAMPLE_INPUTS, folder, ignore=shutil.ignore_patterns("archive", "rejected", "workers.xlsx", "attendance_*")
    )
    _xlsx(folder / "workers.xlsx", WORKER_HEADERS, workers)
    if attendance is not None:
        _xlsx(folder / "attendance_2026-10.xlsx", ["考勤月份", "工号", "出勤天数", "加班时长"], attendance)
    return folder


def _validate(folder: Path):
    from pipeline.runs import monthly

    return monthly.validate_stage(monthly.load_stage(folder))


def _row(wid="W1", **kw) -> list:
    base = {
        "工号": wid,
        "供应商编号": "S001",
        "合同编号": "HT-2026-LO-001",
        "姓名": "张三",
        "身份证号": idn(dt.date(1990, 3, 7)),
        "岗位": "装配工",
        "岗位性质": None,
        "入职日期": "2026-01-05",
        "离职日期": None,
        "体检合格": "是",
        "背景调查通过": "是",
        "安全培训日期": "2026-01-05",
        "培训时长": 8,
    }
    base.update(kw)
    return [base[h] for h in WORKER_HEADERS]


def test_chinese_headers_yes_no_and_a_lower_case_x_are_read(tmp_path):
    lower_x = idn(dt.date(1985, 11, 22), "310104", 105)
    assert lower_x.endswith("X")
    folder = _inputs_with(tmp_path, [_row(身份证号=lower_x.lower())], [["2026-10", "W1", 17, 2]])
    v = _validate(folder)
    assert not v.issues, [str(i) for i in v.issues]
    w = v.data("workers")[0]
    assert (w["id_number"], w["health_check_passed"], w["onboard_date"]) == (lower_x, True, "2026-01-05")
    assert v.data("attendance")[0]["days_worked"] == 17


def test_a_wrong_id_number_is_reported_with_file_row_column_and_a_masked_value(tmp_path):
    good = idn(dt.date(1990, 3, 7))
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    folder = _inputs_with(
        tmp_path, [_row(), _row("W2", 身份证号=bad)], [["2026-10", "W1", 17, 0], ["2026-10", "W2", 17, 0]]
    )
    v = _validate(folder)
    id_issue = next(i for i in v.issues if i.field == "id_number")
    assert (id_issue.file, id_issue.row, id_issue.column) == ("workers.xlsx", 3, "身份证号")
    assert id_issue.message_zh == f"校验码错误：第18位应为 {good[-1]}"
    assert id_issue.message_en == f"check character (the 18th) should be {good[-1]}"
    assert bad not in str(id_issue) and bad[-4:] in str(id_issue)  # masked on screen and in logs
    assert id_issue.as_dict()["value"] == bad[:4] + "*" * 10 + bad[-4:]
    # the attendance of the rejected worker is left out too, saying why
    att = next(i for i in v.issues if i.kind == "attendance")
    assert att.rule == "rejected_worker" and "W2" in att.message_zh


@pytest.mark.parametrize(
    "row, attendance, field, rule",
    [
        (dict(岗位="厨师", 供应商编号="S013", 合同编号="HT-2026-LO-013"), [], "role", "unknown_role"),  # per head
        (dict(合同编号="HT-2026-LD-002"), [], "contract_no", "contract_supplier"),
        (dict(离职日期="2025-12-31"), [], "offboard_date", "date_order"),
        ({}, [["2026-10", "W404", 10, 0]], "worker_id", "unknown_worker"),
        ({}, [["2026-10", "W1", 31, 0]], "days_worked", "attendance_days"),  # on site 31 days? yes, fine…
        (dict(入职日期="2026-10-20"), [["2026-10", "W1", 15, 0]], "days_worked", "attendance_days"),  # …but 12 here
        ({}, [["2026-09", "W1", 15, 0]], "period", "period_mismatch"),
    ],
)
def test_roster_and_attendance_rules(tmp_path, row, attendance, field, rule):
    folder = _inputs_with(tmp_path, [_row(**row)], attendance)
    v = _validate(folder)
    found = [(i.field, i.rule) for i in v.issues]
    if (field, rule) == ("days_worked", "attendance_days") and not row:
        assert found == []  # 31 days worked in a 31-day month on site all month: allowed
        return
    assert (field, rule) in found, found
    issue = next(i for i in v.issues if (i.field, i.rule) == (field, rule))
    assert issue.row == 2 and issue.message_zh and issue.message_en


def test_a_dispatched_worker_needs_the_nature_of_the_post(tmp_path):
    row = _row(供应商编号="S002", 合同编号="HT-2026-LD-002", 岗位="普工")
    v = _validate(_inputs_with(tmp_path, [row]))
    assert ("post_nature", "post_nature") in [(i.field, i.rule) for i in v.issues]
    v = _validate(
        _inputs_with(
            tmp_path / "ok", [_row(供应商编号="S002", 合同编号="HT-2026-LD-002", 岗位="普工", 岗位性质="辅助性")]
        )
    )
    assert not v.issues and v.data("workers")[0]["post_nature"] == "auxiliary"


def test_blank_template_for_workers_has_the_chinese_headers(tmp_path):
    import io

    from pipeline.documents.input_workbooks import template_bytes

    ws = load_workbook(io.BytesIO(template_bytes("workers"))).worksheets[0]
    headers = [c.value for row in ws.iter_rows(max_row=3) for c in row]
    for h in ("工号", "姓名", "身份证号", "岗位性质", "体检合格", "安全培训日期"):
        assert any(h in str(x) for x in headers), headers


# --------------------------------------------------------------------------- documents


def test_mask_name():
    assert mask_name("张三丰") == "张**" and mask_name("李娜") == "李*" and mask_name("X") == "*"


@pytest.fixture(scope="module")
def month(tmp_path_factory, prefect_harness):
    from pipeline.orchestration.flows import monthly_flow

    base = tmp_path_factory.mktemp("workforce")
    shutil.copytree(SAMPLE_INPUTS, base / "inputs", ignore=shutil.ignore_patterns("archive", "rejected"))
    summary = monthly_flow(inputs=str(base / "inputs"), outputs=str(base / "outputs"))
    return base / "outputs" / summary.period


def _roster_ids() -> dict[str, str]:
    wb = load_workbook(SAMPLE_INPUTS / "workers.xlsx", read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    head = list(rows[0])
    return {
        r[head.index("工号")]: (r[head.index("身份证号")], r[head.index("姓名")], r[head.index("供应商编号")])
        for r in rows[1:]
    }


def test_settlement_statement_shows_attendance_by_role_the_reconciliation_and_the_roster(month):
    path = month / "settlements" / "S008_settlement_2026-10.docx"
    text = docx_text(path)
    assert "按实际出勤结算：合同 HT-2026-LD-008" in text and "与合同月服务费核对" in text
    tables = docx_tables(path)
    recon = next(t for t in tables if any("合同月服务费（本期）" in r[0] for r in t))
    assert recon[1][1] == "102,300.00"  # 12 × 6,950.00 + 3 × 6,300.00
    steps = [Decimal(r[1].replace(",", "").replace("−", "-").lstrip("+")) for r in recon[1:-2]]
    assert sum(steps) == Decimal(recon[-2][1].replace(",", ""))
    # the settled amount is the sum of the post lines of part 4, each quantity × rate
    details = next(t for t in tables if t[0][0].startswith("序号") and any("数量" in c for c in t[0]))
    posts = [r for r in details[1:] if "HT-2026-LD-008" in r[1]]
    assert {r[1].split("\n")[0].split("：")[1].split("，")[0].split("（")[0] for r in posts} == {"操作工", "物料员"}
    assert sum(Decimal(r[5].replace(",", "")) for r in posts) == Decimal(recon[-2][1].replace(",", ""))
    for r in posts:
        quantity = Decimal(r[2].split()[0].replace(",", ""))
        assert Decimal(r[5].replace(",", "")) == fen(quantity * Decimal(r[3].replace(",", "")))
    # the roster annex: S008's own workers by 工号, name and masked ID number (a statement goes to
    # finance and to the supplier: no full ID number, 个人信息保护法 §6), and nobody else's
    from pipeline.privacy import mask_field

    ids = _roster_ids()
    own = {wid: v for wid, v in ids.items() if v[2] == "S008"}
    for wid, (number, name, _) in own.items():
        assert wid in text and name in text and mask_field("id_number", number) in text
    assert not FULL_ID.findall(text)
    assert not ({wid for wid, v in ids.items() if v[2] != "S008"} & set(re.findall(r"W\d{4}", text)))


def test_an_outsourcing_statement_pays_accepted_work_and_shows_no_worker_days_or_headcount(month):
    path = month / "settlements" / "S007_settlement_2026-10.docx"
    text = docx_text(path)
    assert "按实际出勤" not in text and "Settled on attendance" not in text
    assert "出勤" not in text and "加班" not in text and "人数" not in text and "Headcount" not in text
    assert not re.findall(r"W\d{4}", text)  # no worker on an outsourcing statement
    tables = docx_tables(path)
    accepted = next(t for t in tables if t[0][0].startswith("合同编号") and any("验收合格" in c for c in t[0]))
    packing = next(r for r in accepted[1:] if "B01" in r[1])
    assert packing[2:5] == ["64,800", "64,500", "300"]
    pallets = next(r for r in accepted[1:] if "B02" in r[1])
    assert pallets[2:5] == ["—", "—", "—"] and "待验收" in pallets[5]
    details = next(t for t in tables if t[0][0].startswith("序号") and any("数量" in c for c in t[0]))
    work = next(r for r in details[1:] if r[1].startswith("验收合格工作量"))
    assert work[2].split()[0] == "64,500" and work[3] == "1.85" and work[5] == "119,325.00"
    assert "叉车转运" in text and "待验收" in text and "pending acceptance" in text


def test_review_reports_and_portfolio_carry_flags_with_masked_ids_only(month):
    ids = _roster_ids()
    full = {v[0] for v in ids.values()}
    names = {v[1] for v in ids.values()}
    review = docx_text(month / "reports" / "S013_review_2026-10.docx")
    assert "背景调查" in review and "安全培训" in review and "两家供应商的花名册" in review
    assert "W1331（3202**********" in review
    s002 = docx_text(month / "reports" / "S002_review_2026-10.docx")
    assert "临时性岗位上已超过6个月" in s002 and "未成年工" in s002
    portfolio = docx_text(month / "summary" / "portfolio_2026-10.docx")
    assert "外包用工" in portfolio and "派遣用工占用工总量的3.2%" in portfolio
    assert "入职体检" in portfolio and "两家供应商的花名册" in portfolio
    for path in (
        list((month / "reports").glob("*.docx"))
        + list((month / "summary").glob("*.docx"))
        + list((month / "notices").glob("*.docx"))
    ):
        text = docx_text(path)
        assert not (set(FULL_ID.findall(text)) & full), path.name
        assert not any(n in text for n in names if len(n) >= 3), path.name  # two-character names may be words


def test_no_full_id_number_in_the_manifest_history_or_scoreboard(month):
    ids = {v[0] for v in _roster_ids().values()}
    blobs = [(month / "manifest.json").read_text(encoding="utf-8")]
    wb = load_workbook(month / "summary" / "scoreboard_2026-10.xlsx", read_only=True)
    blobs += [
        json.dumps([[str(c) for c in row] for row in ws.iter_rows(values_only=True)], ensure_ascii=False)
        for ws in wb.worksheets
    ]
    import sqlite3

    con = sqlite3.connect(month.parent / "history.sqlite")
    for (table,) in con.execute("select name from sqlite_master where type='table'"):
        blobs.append(json.dumps(con.execute(f"select * from {table}").fetchall(), ensure_ascii=False, default=str))
    text = "\n".join(blobs)
    assert not (set(FULL_ID.findall(text)) & ids)


def test_scoreboard_lists_each_failed_check_per_worker_for_hr(month):
    wb = load_workbook(month / "summary" / "scoreboard_2026-10.xlsx", read_only=True)
    ws = wb["用工合规 Workforce checks"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    found = {(r[0], r[1], r[3]) for r in rows}
    assert ("S007", "W0708", "no passed health check") in found
    assert ("S013", "W1311", "no passed background check") in found
    assert ("S013", "W1304", "no safety training before the first day") in found
    assert ("S002", "W0203", "temporary post held too long") in found
    assert ("S002", "W0214", "juvenile worker (protected work only)") in found
    assert {("S008", "W0812"), ("S013", "W1331")} <= {(r[0], r[1]) for r in rows if r[3] == "on two suppliers' rosters"}
    assert len(rows) == 7


@pytest.fixture(scope="module")
def large_rosters(tmp_path_factory):
    """The sample October with workforce.roster_in_word_max at 10: S002 and S008 (15 workers
    each) get the workbook annex, S014 (10) keeps its roster in Word."""
    from pipeline.runs.monthly import run_month

    base = tmp_path_factory.mktemp("large-rosters")
    inputs = base / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected"))
    policy = inputs / "policy.yaml"
    body = policy.read_text(encoding="utf-8")
    assert "\nworkforce:\n" in body
    policy.write_text(body.replace("\nworkforce:\n", "\nworkforce:\n  roster_in_word_max: 10\n", 1), encoding="utf-8")
    return inputs, run_month(inputs, base / "out", "2026-10").outputs


def test_a_statement_with_more_workers_than_word_should_list_sends_them_as_a_workbook(large_rosters):
    from pipeline.distribute.delivery import in_formats, read_manifest

    _, out = large_rosters
    manifest = {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    annexes = {p: e for p, e in manifest.items() if e["doc_type"] == "attendance_annex"}
    assert set(annexes) == {"settlements/S002_attendance_2026-10.xlsx", "settlements/S008_attendance_2026-10.xlsx"}
    assert {e["supplier_id"] for e in annexes.values()} == {"S002", "S008"}
    ids = _roster_ids()
    own = {wid for wid, v in ids.items() if v[2] == "S008"}
    wb = load_workbook(out / "settlements" / "S008_attendance_2026-10.xlsx")
    assert wb.sheetnames == ["人员考勤 Attendance", "岗位合计 Totals", "说明 About"]
    rows = list(wb["人员考勤 Attendance"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in rows} == own and len(rows) == len(own) == 15  # its own workers, nobody else's
    assert not FULL_ID.findall(" ".join(str(v) for r in rows for v in r))  # ID numbers partly hidden
    totals = list(wb["岗位合计 Totals"].iter_rows(min_row=2, values_only=True))
    by_post = {r[1]: (r[3], Decimal(str(r[4]))) for r in totals[:-1]}
    assert totals[-1][0] == "合计 Total" and totals[-1][3] == 15
    assert Decimal(str(totals[-1][4])) == sum(d for _, d in by_post.values()) == sum(Decimal(str(r[8])) for r in rows)
    # the statement: no worker listed, each post's totals, and the same days as its lines in part 4
    statement = out / "settlements" / "S008_settlement_2026-10.docx"
    text = docx_text(statement)
    assert "附件：人员考勤明细" not in text and not (own & set(re.findall(r"W\d{4}", text)))
    assert "附件：人员考勤汇总" in text and "S008_attendance_2026-10.xlsx" in text and "超过10人" in text
    tables = docx_tables(statement)
    summary = next(t for t in tables if t[0][0].startswith("合同编号") and "人数" in t[0][2])
    shown = {r[1].split("\n")[0]: (int(r[2]), Decimal(r[3])) for r in summary[1:-1]}
    assert shown == by_post and summary[-1][-3:] == [str(totals[-1][3]), str(totals[-1][4]), str(totals[-1][5])]
    details = next(t for t in tables if t[0][0].startswith("序号") and any("数量" in c for c in t[0]))
    wage_days = {
        r[1].split("：")[1].split("，")[0]: Decimal(r[2].split()[0].replace(",", ""))
        for r in details[1:-1]
        if r[1].startswith("代发工资")
    }
    assert wage_days == {post: days for post, (_, days) in by_post.items()}
    # S014's ten workers stay in Word
    assert "附件：人员考勤明细" in docx_text(out / "settlements" / "S014_settlement_2026-10.docx")
    assert not (out / "settlements" / "S014_attendance_2026-10.xlsx").exists()
    # the supplier receives the workbook with its statement's PDF (distribution.supplier_formats: pdf)
    sent = {d.path for d in in_formats(read_manifest(out, "2026-10"), ("pdf",)) if d.supplier_id == "S008"}
    assert "settlements/S008_attendance_2026-10.xlsx" in sent


def test_the_attendance_workbook_and_its_statement_are_valid_for_excel_and_word(large_rosters):
    from pipeline.render import ooxml

    if not ooxml.available():
        pytest.skip(ooxml.install_hint()[1])
    _, out = large_rosters
    files = [out / "settlements" / "S002_attendance_2026-10.xlsx", out / "settlements" / "S002_settlement_2026-10.docx"]
    found = ooxml.validate(files)
    assert {p.name: [str(e) for e in errors] for p, errors in found.items() if errors} == {}


def test_a_rerun_keeps_the_attendance_workbook_byte_for_byte_and_removes_it_below_the_limit(large_rosters):
    from pipeline.runs.monthly import run_month

    inputs, out = large_rosters
    path = out / "settlements" / "S002_attendance_2026-10.xlsx"
    before = path.read_bytes()
    run_month(inputs, out.parent, "2026-10")
    assert path.read_bytes() == before
    policy = inputs / "policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("roster_in_word_max: 10", "roster_in_word_max: 300"),
        encoding="utf-8",
    )
    run_month(inputs, out.parent, "2026-10")
    assert not path.exists()  # a stale annex is removed with the manifest entry
    assert "附件：人员考勤明细" in docx_text(out / "settlements" / "S002_settlement_2026-10.docx")


def test_workforce_sample_generator_is_deterministic_and_inputs_are_up_to_date(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, str(root / "tools" / "make_workforce_sample.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in ["workers.xlsx"] + [f"attendance_2026-{m:02d}.xlsx" for m in (7, 8, 9, 10)]:
        assert (tmp_path / name).read_bytes() == (SAMPLE_INPUTS / name).read_bytes(), (
            f"inputs/{name} differs from what tools/make_workforce_sample.py writes: rerun it"
        )


@pytest.mark.parametrize(
    "value, zh",
    [
        ("11010119900307123", "应为18位，此处为17位"),
        ("1101011990030712A4", "前17位应为数字"),
        ("110101199002301234", "不是真实日期"),
    ],
)
def test_id_number_problems_say_what_is_wrong(value, zh):
    from pipeline.validation.records import id_number_problem

    assert zh in id_number_problem(value)[0]
