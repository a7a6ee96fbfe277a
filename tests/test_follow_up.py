"""Closing the loop with suppliers (issue 21, items 1-3): satisfaction surveys, site inspections and
improvement plans across the sample months July to October, read back from the results, the notices
and the review reports; validation errors of the new inputs; an escalation caused by a missing plan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from builders import contract, evaluation, supplier, write_rows
from conftest import SAMPLE_INPUTS
from docx_reading import docx_text

from pipeline.compute.month import compute_month
from pipeline.config.policy import load_policy
from pipeline.periods import Period
from pipeline.render.facade import render_docx

MONTHS = ("2026-07", "2026-08", "2026-09", "2026-10")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from pipeline.runs.monthly import compute_stage, iter_document_jobs
    from pipeline.runs.stages import find_policy, load_stage, validate_stage

    root = tmp_path_factory.mktemp("follow_up")
    inputs = root / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
    validated = validate_stage(load_stage(inputs))
    assert not validated.issues
    policy = find_policy(inputs, None)
    out = {}
    for code in MONTHS:
        result = compute_stage(validated, policy, Period.parse(code))
        docs = {}
        for job in iter_document_jobs(result, policy, validated.issues):
            if job.doc_type == "review_report" and job.supplier_id in ("S003", "S005", "S013"):
                path = root / code / job.relative_path
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(render_docx(job.template, job.context))
                docs[job.supplier_id] = (flat(docx_text(path)), job.context)
        out[code] = ({sm.supplier_id: sm for sm in result.suppliers}, docs)
    return out


def kpi(sm, field):
    return next(k for k in sm.card.kpis if k.kpi.field == field)


def codes(sm):
    return [f.code for f in sm.flags]


def test_a_blank_satisfaction_is_the_surveys_weighted_mean_and_too_few_responses_make_it_not_applicable(sample):
    oct_ = sample["2026-10"][0]
    s005 = oct_["S005"]
    assert s005.follow_up.surveys.used and s005.follow_up.surveys.counted == 10
    assert kpi(s005, "satisfaction").actual == Decimal("3.40")
    assert s005.card.total == Decimal("64.25")  # as when 3.4 was typed
    s003 = oct_["S003"]
    assert not kpi(s003, "satisfaction").applicable  # two responses, fewer than 3: N/A, never 0
    assert s003.card.total == Decimal("46.56")
    assert "survey_below_minimum" in codes(s003)
    # a typed satisfaction is used as typed, the surveys are shown beside it
    assert not oct_["S009"].follow_up.surveys.used and kpi(oct_["S009"], "satisfaction").actual == Decimal("3.9")


def test_department_weights_change_the_mean(tmp_path):
    policy = load_policy(SAMPLE_INPUTS / "policy.yaml")  # 生产部 2, 行政部 1, others 1
    blank = {k: v for k, v in evaluation("S1").items() if k not in ("satisfaction", "满意度")}
    records = _records(
        [blank],
        surveys=[
            _survey(1, "S1", "生产部", 5),
            _survey(2, "S1", "行政部", 2),
            _survey(3, "S1", "财务部", 2),
        ],
        tmp=tmp_path,
    )
    sm = compute_month(records, policy, Period.parse("2026-10")).suppliers[0]
    assert kpi(sm, "satisfaction").actual == Decimal("3.50")  # (5×2 + 2 + 2) / 4


def test_the_review_report_shows_the_distribution_the_comments_the_inspection_and_the_plans(sample):
    text, context = sample["2026-10"][1]["S005"]
    assert "十一、满意度调查" in text and "Satisfaction Survey" in text
    ratings = {r["rating"]: r["count"] for r in context["surveys"]["ratings"]}
    assert ratings == {"5": "0", "4": "4", "3": "6", "2": "0", "1": "0"}
    assert [(d["department"], d["responses"], d["mean"], d["weight"]) for d in context["surveys"]["departments"]] == [
        ("生产部", "5", "3.40", "2"),
        ("行政部", "5", "3.40", "1"),
    ]
    assert "满意度指标取本期调查10份有效问卷的加权平均分3.40分" in text
    comments = {c["zh"]: c["en"] for c in context["surveys"]["comments"]}
    assert comments["洁净区保洁不达标导致停线。"] == "The clean room was not cleaned to standard and the line stopped."
    assert comments["垃圾清运不及时。"] == "(in Chinese only)"
    assert all(c["respondent_en"].isascii() for c in context["surveys"]["comments"])
    assert "INSP-2026-10-002" in text and "不合格" in text and "(in Chinese only)" in text
    assert "十三、整改跟踪" in text and "Improvement Tracking" in text
    plans = {
        (p["source_doc"], p["plan_id"]): (p["status_en"], p["closed_en"], p["verified_by"]) for p in context["plans"]
    }
    assert plans == {
        ("WL-2026-09-S005", "ZG-2026-004"): ("Done", "October 15, 2026", "刘洋"),
        ("IN-2026-10-S005", "ZG-2026-006"): ("Open", "—", "—"),
    }


def test_a_failed_inspection_raises_a_high_flag_and_the_improvement_notice_states_it(sample):
    s005 = sample["2026-10"][0]["S005"]
    flag = next(f for f in s005.flags if f.code == "inspection_failed")
    assert flag.severity == "high" and flag.facts["items_failed"] == 7
    notice = next(a for a in s005.actions if a.action == "improvement_notice")
    assert "reason_inspection" in [r.code for r in notice.reasons]
    s009 = sample["2026-09"][0]["S009"]  # conditional: a medium flag, a plan expected (and done in time)
    assert "inspection_conditional" in codes(s009) and "inspection_failed" not in codes(s009)
    assert [(p.source_doc, p.status) for p in s009.follow_up.plans] == [("INSP-2026-09-001", "done")]


def test_an_unanswered_notice_raises_plan_missing_and_escalates_an_overdue_plan_is_flagged(sample):
    sep = sample["2026-09"][0]["S013"]
    assert "improvement_plan_missing" in codes(sep)
    missing = next(f for f in sep.flags if f.code == "improvement_plan_missing")
    assert missing.facts == {"source_doc": "IN-2026-08-S013", "deadline": "2026-09-14"}
    assert "reason_plan_missing" in [r.code for a in sep.actions for r in a.reasons]
    # still missing in October (flagged again), the September notice's plan missing too: the rule fires for that one
    oct_ = sample["2026-10"][0]["S013"]
    assert codes(oct_).count("improvement_plan_missing") == 2
    reasons = [r for a in oct_.actions for r in a.reasons if r.code == "reason_plan_missing"]
    assert {r.facts["source_doc"] for r in reasons} == {"IN-2026-09-S013"}
    text, context = sample["2026-10"][1]["S013"]
    assert [(p["source_doc"], p["status_en"]) for p in context["plans"]] == [
        ("WL-2026-07-S013", "Done"),
        ("IN-2026-08-S013", "Missing"),
        ("IN-2026-09-S013", "Missing"),
        ("IN-2026-10-S013", "Awaited"),
    ]
    assert "未提交" in text
    s003 = sample["2026-10"][0]["S003"]
    overdue = next(f for f in s003.flags if f.code == "improvement_overdue")
    assert overdue.facts == {"plan_id": "ZG-2026-003", "source_doc": "WL-2026-09-S003", "due_date": "2026-10-20"}
    # in September the same plan was open, not overdue
    assert [(p.source_doc, p.status) for p in sample["2026-09"][0]["S003"].follow_up.plans] == [
        ("WL-2026-09-S003", "open")
    ]


def _survey(n, sid, dept, rating, period="2026-10"):
    return {"survey_id": f"SV{n}", "period": period, "supplier_id": sid, "department": dept, "rating": rating}


def _records(evaluations, surveys=(), inspections=(), plans=(), tmp=None):
    """The records as validation gives them, from workbooks written in `tmp`."""
    from pipeline.runs.stages import load_stage, validate_stage

    folder = tmp / "in"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_INPUTS / "policy.yaml", folder / "policy.yaml")
    write_rows(folder / "suppliers.xlsx", [supplier("S1")])
    write_rows(folder / "contracts.xlsx", [contract("S1")], sheet="contracts")
    write_rows(folder / "evaluations.xlsx", evaluations)
    for name, rows in (("surveys.xlsx", surveys), ("inspections.xlsx", inspections), ("improvement_plans.xlsx", plans)):
        if rows:
            write_rows(folder / name, list(rows))
    validated = validate_stage(load_stage(folder))
    assert not validated.issues, [i.message_en for i in validated.issues]
    return {k: validated.data(k) for k in validated.records}


def test_a_missing_plan_alone_escalates_a_good_supplier(tmp_path):
    """S1 is graded B every month; its September warning letter (grade C) was never answered: the
    October run issues an improvement notice because of the missing plan only."""
    policy = load_policy(SAMPLE_INPUTS / "policy.yaml")
    good = {"quality_score": 90, "on_time_rate": 0.96, "cost_variance_pct": 1, "satisfaction": 4.2}
    poor = {"quality_score": 80, "on_time_rate": 0.92, "cost_variance_pct": 3, "satisfaction": 3.6}
    evaluations = [evaluation("S1", "2026-09", **poor), evaluation("S1", "2026-10", **good)]
    records = _records(evaluations, tmp=tmp_path / "a")
    sep = compute_month(records, policy, Period.parse("2026-09")).suppliers[0]
    assert [a.action for a in sep.actions] == ["warning_letter"]
    oct_ = compute_month(records, policy, Period.parse("2026-10")).suppliers[0]
    assert oct_.card.band.grade in ("A", "B")
    assert [a.action for a in oct_.actions] == ["improvement_notice"]
    assert [r.code for r in oct_.actions[0].reasons] == ["reason_plan_missing"]
    # answered in time: no notice
    plan = {
        "plan_id": "P1",
        "supplier_id": "S1",
        "source_doc": "WL-2026-09-S1",
        "issue": "交付延误",
        "action": "增加人手",
        "owner": "王五",
        "due_date": "2026-10-25",
        "status": "done",
        "closed_date": "2026-10-20",
        "verified_by": "李四",
    }
    answered = compute_month(
        _records(evaluations, plans=[plan], tmp=tmp_path / "b"), policy, Period.parse("2026-10")
    ).suppliers[0]
    assert answered.actions == () and "improvement_plan_missing" not in codes(answered)


def _validate(tmp_path, name, rows):
    shutil.copy(SAMPLE_INPUTS / "suppliers.xlsx", tmp_path / "suppliers.xlsx")
    write_rows(tmp_path / name, rows)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "validate",
            "--json",
            str(tmp_path / "suppliers.xlsx"),
            str(tmp_path / name),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    return [i for i in json.loads(done.stdout)["issues"] if i["file"].endswith(name)]


def test_validation_errors_name_file_row_column_and_value_in_both_languages(tmp_path):
    issues = _validate(
        tmp_path,
        "surveys_2026-10.xlsx",
        [
            {"问卷编号": "SV1", "考核期间": "2026-10", "供应商编号": "S001", "部门": "生产部", "评分": 6},
            {"问卷编号": "SV2", "考核期间": "2026-10", "供应商编号": "S999", "部门": "生产部", "评分": 4},
        ],
    )
    by_row = {i["row"]: i for i in issues}
    assert by_row[2]["column"] == "评分" and by_row[2]["value"] == "6"
    assert by_row[2]["message_zh"] and by_row[2]["message_en"]
    assert by_row[3]["column"] == "供应商编号" and by_row[3]["value"] == "S999"
    assert "S999" in by_row[3]["message_en"] and "S999" in by_row[3]["message_zh"]
    plan = {
        "整改编号": "P1",
        "供应商编号": "S005",
        "问题描述": "保洁",
        "整改措施": "培训",
        "责任人": "杨帆",
        "完成期限": "2026-11-30",
        "状态": "进行中",
    }
    issues = _validate(
        tmp_path,
        "improvement_plans.xlsx",
        [dict(plan, 来源文件="XX-2026-10-S005"), dict(plan, 整改编号="P2", 来源文件="IN-2026-10-S003")],
    )
    by_row = {i["row"]: i for i in issues}
    assert by_row[2]["column"] == "来源文件" and by_row[2]["value"] == "XX-2026-10-S005"
    assert "不是要求提交整改计划的通知书编号" in by_row[2]["message_zh"]
    assert "not the number of a notice that demands an improvement plan" in by_row[2]["message_en"]
    assert "S003" in by_row[3]["message_en"] and by_row[3]["rule"] == "plan_source_supplier"
