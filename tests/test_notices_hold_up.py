"""Notices that hold up (issue 15): the sample months rendered as the monthly run renders them, and
the documents of the right suppliers read back: dated facts, clauses cited through the clause map,
the contract's remedy periods as dates, effect on delivery, the acknowledgement slip, the data
demands of a termination for a data breach, and escalation across July to October."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE_INPUTS
from docx_reading import docx_text

from pipeline.config.clauses import shipped_clauses
from pipeline.periods import Period
from pipeline.render.facade import render_docx

MONTHS = ("2026-07", "2026-08", "2026-09", "2026-10")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Per month: the results and each document (doc type, supplier) rendered to a file."""
    from pipeline.runs.monthly import compute_stage, iter_document_jobs
    from pipeline.runs.stages import find_policy, load_stage, validate_stage

    root = tmp_path_factory.mktemp("notices")
    inputs = root / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
    loaded = load_stage(inputs)
    validated = validate_stage(loaded)
    policy = find_policy(inputs, None)
    out: dict[str, dict] = {}
    for code in MONTHS:
        result = compute_stage(validated, policy, Period.parse(code))
        docs = {}
        for job in iter_document_jobs(result, policy, validated.issues):
            if job.doc_type in ("review_report",) or job.relative_path.startswith("notices/"):
                path = root / code / job.relative_path
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(render_docx(job.template, job.context))
                docs[(job.doc_type, job.supplier_id)] = (path, job.context)
        out[code] = {"result": result, "docs": docs}
    incidents = {i["incident_id"]: i for i in validated.data("incidents")}
    return out, incidents


def notices_of(sample, sid):
    months, _ = sample
    return {code: sorted(t for t, s in months[code]["docs"] if s == sid and t != "review_report") for code in MONTHS}


def text_of(sample, code, doc_type, sid) -> str:
    months, _ = sample
    return flat(docx_text(months[code]["docs"][(doc_type, sid)][0]))


def test_s013_escalates_from_a_warning_to_an_improvement_notice_and_a_termination_review(sample):
    got = notices_of(sample, "S013")
    assert got["2026-07"] == ["warning_letter"]
    # the same C grade every month, but never the same warning again
    for code in ("2026-08", "2026-09", "2026-10"):
        assert got[code] == ["exit_review", "improvement_notice"], code
    aug = text_of(sample, "2026-08", "improvement_notice", "S013")
    assert "WL-2026-07-S013" in aug  # the earlier warning it escalates
    oct_ = text_of(sample, "2026-10", "improvement_notice", "S013")
    assert "IN-2026-09-S013" in oct_ and "违约未纠正" in oct_ and "has not been cured" in oct_
    uncured = shipped_clauses().cite("labor_outsourcing", "termination_uncured")
    labour = shipped_clauses().cite("labor_outsourcing", "termination_labour")
    review = text_of(sample, "2026-10", "exit_review", "S013")
    assert uncured.ref_zh in review and labour.ref_zh in review and labour.ref_en in review
    assert "INC-2610-009" in review and "未签订劳动合同" in review


def test_a_notice_states_the_dated_incidents_and_the_kpis_below_target(sample):
    months, incidents = sample
    path, ctx = months["2026-10"]["docs"][("improvement_notice", "S005")]
    text = flat(docx_text(path))
    for iid in ("INC-2610-001", "INC-2610-005"):
        i = incidents[iid]
        assert iid in text and i["description"] in text
    assert "2026年10月10日" in text and "October 10, 2026" in text
    assert "质量缺陷（高）" in text and "Quality defect (High)" in text
    english = [r["description_en"] for r in ctx["incidents"]]
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in english)  # no Chinese on the English side
    assert "(description in Chinese only)" in text
    assert ctx["shortfalls"] and all(k["name_zh"] in text and k["target"] in text for k in ctx["shortfalls"])
    assert "quality_defect" not in text and "high)" not in text.replace("(High)", "")


def test_the_letter_the_notice_and_the_contract_agree_on_the_periods(sample):
    months, _ = sample
    c = shipped_clauses()
    warning = text_of(sample, "2026-09", "warning_letter", "S005")
    plan = c.cite("service", "improvement_plan")
    assert f"{plan.ref_zh}（{plan.title_zh}），于本函发出之日起10个工作日内（即2026年10月21日前）" in warning
    assert "within 10 working days of this letter (by October21, 2026)".replace("October21", "October 21") in warning
    notice = text_of(sample, "2026-10", "improvement_notice", "S005")
    assert "10个工作日内（即2026年11月13日前）" in notice
    assert f"{c.cite('service', 'cure').ref_zh}，于本通知发出之日起15日内（即2026年11月15日前）" in notice
    for text in (warning, notice):
        assert "自送达贵司之日起生效" in text and "takes effect when delivered to Party B" in text
        assert c.cite("service", "notices").ref_zh in text
        assert "回 执" in text and "签收人（签字）" in text and "签收单位（盖章）" in text and "日期" in text
        assert "尽快" not in text and "as soon as possible" not in text


def test_the_termination_for_a_data_breach_cites_its_clause_and_demands_what_the_law_requires(sample):
    months, incidents = sample
    path, ctx = months["2026-10"]["docs"][("termination_notice", "S004")]
    text = flat(docx_text(path))
    c = shipped_clauses()
    ctype = ctx["clauses"]["termination_by_a"]  # the supplier's contract type, through the map
    security = c.cite("service", "termination_security")
    assert ctype["ref_zh"] in text and security.ref_zh in text and security.ref_en in text
    assert "the contract's provisions" not in text
    assert "本通知自送达贵司之日起生效" in text and "takes effect when delivered to Party B" in text
    assert "上述合同自2026年10月31日起解除" not in text
    assert "INC-2610-003" in text and incidents["INC-2610-003"]["description"] in text
    assert "October 14, 2026" in text
    for zh, en in (
        ("立即停止对我司全部数据", "stop all processing of our data"),
        ("立即删除", "delete at once"),
        ("法定代表人签字", "signed by your legal representative"),
        ("24小时内向我司提交书面事件报告", "written incident report within 24 hours"),
        ("受影响的人数", "number of people affected"),
        ("通知受影响的个人", "notification of the regulators and of the individuals"),
        ("保存与事件有关的日志", "preserve the logs"),
        ("抵销", "set them off"),
    ):
        assert zh in text and en in text, zh
    assert f"{ctx['security']['return_days']}日内全部返还" in text


def test_the_review_report_of_a_supplier_under_termination_asks_for_no_improvement_plan(sample):
    text = text_of(sample, "2026-10", "review_report", "S004")
    assert "整改计划" not in text.replace("不再要求贵司提交整改计划", "")
    assert "improvement plan (causes" not in text and "no improvement plan is requested" in text
    assert "TN-2026-10-S004" in text and "送达" in text and "工作交接" in text and "返还或销毁" in text
    assert "立即停止处理我司的全部数据" in text


def test_a_commendation_never_reports_a_drop(sample):
    months, _ = sample
    letters = [(k, v) for code in MONTHS for k, v in months[code]["docs"].items() if k[0] == "commendation_letter"]
    assert letters
    for (_, sid), (path, ctx) in letters:
        text = flat(docx_text(path))
        assert "下降" not in text and "down" not in text and "较上期" not in text, sid
        assert not ctx["incidents"] and not ctx["shortfalls"]
