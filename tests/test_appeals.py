"""Appeals: a decision reverses the incident's liquidated damages in the settlement of the month it
falls in, once, names the appeal and the original period, and comes with a bilingual decision
letter; an upheld incident decided in its own month is never charged."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal as D

import pytest
from builders import contract, evaluation, make_inputs, supplier, write_rows
from conftest import SAMPLE_INPUTS
from docx_reading import docx_tables, docx_text

from pipeline.compute.appeals import decisions_in, struck_out
from pipeline.periods import Period

OCT = Period(2026, 10)


def appeal(**kw):
    a = {
        "appeal_id": "SS-1",
        "supplier_id": "S1",
        "incident_id": "I1",
        "filed_date": "2026-09-10",
        "grounds": "并非乙方原因",
        "decision": "upheld",
        "decided_date": "2026-10-12",
        "decided_by": "孙丽",
    }
    a.update(kw)
    return {k: v for k, v in a.items() if v is not None}


INCIDENT = {"incident_id": "I1", "supplier_id": "S1", "date": "2026-09-03", "type": "complaint", "severity": "low"}


def test_a_decision_gives_back_what_the_incident_cost_in_its_month_and_only_in_the_decisions_month():
    charged = lambda incident: D("200.00")  # noqa: E731
    (d,) = decisions_in([appeal()], {"I1": INCIDENT}, "S1", OCT, charged)
    assert (d.original_period, d.charged, d.reversed, d.same_month) == ("2026-09", D("200.00"), D("200.00"), False)
    assert decisions_in([appeal()], {"I1": INCIDENT}, "S1", Period(2026, 11), charged) == ()
    (p,) = decisions_in(
        [appeal(decision="partially_upheld", adjusted_amount=D(500))], {"I1": INCIDENT}, "S1", OCT, charged
    )
    assert p.reversed == D("200.00")  # never more than the incident cost
    (r,) = decisions_in([appeal(decision="rejected")], {"I1": INCIDENT}, "S1", OCT, charged)
    assert r.reversed == 0
    assert decisions_in([appeal(decision="pending", decided_date=None)], {"I1": INCIDENT}, "S1", OCT, charged) == ()
    assert struck_out([appeal()], OCT.end) == {"I1"} and struck_out([appeal()], Period(2026, 9).end) == set()
    assert struck_out([appeal(decision="partially_upheld")], OCT.end) == set()


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    from pipeline.runs.monthly import run_month

    root = tmp_path_factory.mktemp("appeals")
    shutil.copytree(SAMPLE_INPUTS, root / "in", ignore=shutil.ignore_patterns("archive", "rejected"))
    out = {p: run_month(root / "in", root / "out", p).outputs for p in ("2026-09", "2026-10")}
    return root, out


def _line(path, start):
    details = next(t for t in docx_tables(path) if t[0][0].startswith("序号") and any("数量" in c for c in t[0]))
    return [r for r in details[1:] if r[1].startswith(start)]


def test_the_sample_appeals_reach_the_money_of_the_month_they_are_decided_in(months):
    _, out = months
    sep, oct_ = out["2026-09"], out["2026-10"]
    # S001's September complaint: charged in September, upheld on 12 October, credited in October
    (charged,) = [
        r for r in _line(sep / "settlements" / "S001_settlement_2026-09.docx", "违约金") if "INC-2609-001" in r[1]
    ]
    (credit,) = _line(oct_ / "settlements" / "S001_settlement_2026-10.docx", "申诉SS-2026-001成立")
    assert "INC-2609-001" in credit[1] and "2026-09" in credit[1] and credit[4] == "+" and credit[5] == charged[5]
    assert not _line(sep / "settlements" / "S001_settlement_2026-09.docx", "申诉")
    # S015's delay partly Party A's: 2,000.00 of it reversed in October
    (partial,) = _line(oct_ / "settlements" / "S015_settlement_2026-10.docx", "申诉SS-2026-002部分成立")
    assert partial[5] == "2,000.00" and "INC-2609-006" in partial[1]
    # S011's appeal rejected in September: a letter, no credit; S012's pending: nothing
    assert (sep / "notices" / "S011_appeal_decision_2026-09.docx").exists()
    assert not _line(sep / "settlements" / "S011_settlement_2026-09.docx", "申诉")
    assert not list(oct_.glob("notices/S012_appeal_decision_*")) and not list(sep.glob("notices/S012_appeal_*"))


def test_the_decision_letter_states_the_incident_the_grounds_the_decision_and_its_effect(months):
    _, out = months
    body = docx_text(out["2026-10"] / "notices" / "S015_appeal_decision_2026-10.docx")
    for fact in (
        "SS-2026-002",
        "INC-2609-006",
        "2026年9月22日",
        "延期交付（严重）",
        "甲方临时将收货地点",
        "申诉部分成立",
    ):
        assert fact in body
    assert "Partially upheld" in body and "2,000.00 of liquidated damages is reversed" in body
    assert "ST-2026-10-S015" in body and "自送达贵司之日起生效" in body and "回　执" in body
    assert "(in Chinese only)" in body  # the grounds were filed in Chinese only
    rejected = docx_text(out["2026-09"] / "notices" / "S011_appeal_decision_2026-09.docx")
    assert "申诉不成立，予以驳回" in rejected and "The liquidated damages stand" in rejected
    manifest = json.loads((out["2026-10"] / "manifest.json").read_text(encoding="utf-8"))
    letters = [f for f in manifest["files"] if f.get("doc_type") == "appeal_decision"]
    assert {f["supplier_id"] for f in letters} == {"S001", "S015"}


def test_a_rerun_of_the_decisions_month_credits_once_and_changes_nothing(months):
    from pipeline.runs.monthly import run_month

    root, out = months
    before = json.loads((out["2026-10"] / "manifest.json").read_text(encoding="utf-8"))
    again = run_month(root / "in", root / "out", "2026-10").outputs
    after = json.loads((again / "manifest.json").read_text(encoding="utf-8"))
    assert {f["path"]: f["sha256"] for f in before["files"]} == {f["path"]: f["sha256"] for f in after["files"]}
    assert len(_line(again / "settlements" / "S001_settlement_2026-10.docx", "申诉")) == 1


def test_an_incident_upheld_in_its_own_month_is_never_charged(tmp_path):
    from pipeline.runs.monthly import run_month

    folder = make_inputs(tmp_path / "in", [supplier("S1")], [contract("S1")], [evaluation("S1")])
    incident = {
        "incident_id": "I1",
        "supplier_id": "S1",
        "date": dt.date(2026, 10, 3),
        "type": "quality_defect",
        "severity": "high",
        "description": "返工",
    }
    write_rows(folder / "incidents.xlsx", [incident])
    row = appeal(filed_date=dt.date(2026, 10, 5), decided_date=dt.date(2026, 10, 20), grounds="甲方图纸错误")
    write_rows(folder / "appeals.xlsx", [row])
    outputs = run_month(folder, tmp_path / "out", "2026-10").outputs
    statement = outputs / "settlements" / "S1_settlement_2026-10.docx"
    assert not _line(statement, "违约金") and not _line(statement, "申诉")
    body = docx_text(outputs / "notices" / "S1_appeal_decision_2026-10.docx")
    assert "未计违约金，无需退还" in body and "never charged" in body


@pytest.mark.parametrize(
    "change, field, rule",
    [
        ({"supplier_id": "S2"}, "incident_id", "appeal_supplier"),
        ({"decision": "partially_upheld"}, "adjusted_amount", "appeal_amount"),
        ({"decided_date": None}, "decided_date", "appeal_decision"),
        ({"filed_date": dt.date(2026, 9, 1)}, "filed_date", "date_order"),
        ({"incident_id": "I9"}, "incident_id", "unknown_reference"),
    ],
)
def test_appeal_rows_are_checked_against_their_incident(tmp_path, change, field, rule):
    from pipeline.runs.stages import load_stage, validate_stage

    folder = make_inputs(
        tmp_path / "in", [supplier("S1"), supplier("S2")], [contract("S1"), contract("S2")], [evaluation("S1")]
    )
    incident = {**INCIDENT, "date": dt.date(2026, 9, 3), "description": "投诉"}
    write_rows(folder / "incidents.xlsx", [incident])
    row = appeal(filed_date=dt.date(2026, 9, 10), decided_date=dt.date(2026, 10, 12))
    row.update(change)
    write_rows(folder / "appeals.xlsx", [{k: v for k, v in row.items() if v is not None}])
    issues = validate_stage(load_stage(folder)).issues
    found = [i for i in issues if i.file == "appeals.xlsx"]
    assert any(i.field == field and (i.rule == rule or rule == "unknown_reference") for i in found), found
    issue = next(i for i in found if i.field == field)
    assert issue.row == 2 and issue.message_zh and issue.message_en


def test_history_records_each_decision_against_its_original_period_and_the_plans(months):
    from decimal import Decimal

    from pipeline.runs.history import history_view

    root, _ = months
    view = history_view(root / "out", supplier="S015")
    rows = view.history.follow_ups.to_dict("records")
    (decision,) = [r for r in rows if r["kind"] == "appeal"]
    assert (decision["ref"], decision["source"], decision["original_period"], decision["period"]) == (
        "SS-2026-002",
        "INC-2609-006",
        "2026-09",
        "2026-10",
    )
    assert decision["status"] == "partially_upheld" and Decimal(str(decision["amount"])) == Decimal("2000.00")
    plans = {(r["period"], r["ref"]): r["status"] for r in rows if r["kind"] == "plan"}
    assert plans[("2026-10", "ZG-2026-005")] == "done"  # S015's answer to its September warning, closed
