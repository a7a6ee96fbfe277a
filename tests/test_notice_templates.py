"""The notice, exit-review and periodic-review templates say what the regulations require,
show every branch (empty lists, no deadline, no status change), take charts as pictures,
and are exactly what their builders make."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from docx import Document
from docx_reading import docx_tables, docx_text

from pipeline.render.engine import Image
from pipeline.render.facade import render_docx

FIXTURES = ROOT / "tests" / "fixtures" / "contexts"
LETTERS = ["warning_letter", "improvement_notice", "termination_notice", "commendation_letter"]
NOTICES = LETTERS + ["exit_review"]
CHARTS = {
    "review_report": ["trend", "chart"],
    "portfolio_summary": ["grade_chart"],
    "periodic_review": ["chart"],
    "periodic_portfolio": ["chart"],
}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def rendered(tmp_path: Path, name: str, context: dict | None = None) -> Path:
    path = tmp_path / f"{name}.docx"
    path.write_bytes(render_docx(f"{name}.docx", fixture(name) if context is None else context))
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


def small_png() -> bytes:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (80, 40), (21, 101, 192)).save(buf, "PNG")
    return buf.getvalue()


def drawings(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").count(b"<w:drawing>")


@pytest.mark.parametrize("name", LETTERS)
def test_letters_are_addressed_referenced_dated_and_sealed(tmp_path, name):
    ctx = fixture(name)
    text = docx_text(rendered(tmp_path, name))
    s = ctx["supplier"]
    for value in (
        s["name_zh"],
        s["name_en"],
        s["address_zh"],
        s["address_en"],
        ctx["doc"]["no"],
        ctx["doc"]["date_zh"],
        ctx["doc"]["date_en"],
        ctx["org"]["department_zh"],
    ):
        assert value in text, value
    assert "（盖章）" in text and "(seal)" in text
    assert f"{s['name_zh']}：" in text  # 称呼 "杭州云帆……有限公司："
    for fact in ctx["facts"]:
        assert fact["zh"] in text and fact["en"] in text


def test_warning_letter_states_the_facts_the_clauses_and_the_contracts_plan_period(tmp_path):
    ctx = fixture("warning_letter")
    text = flat(docx_text(rendered(tmp_path, "warning_letter")))
    plan, cl = ctx["deadline"], ctx["clauses"]
    assert plan["days"] == "10"  # the contract's improvement-plan clause, not a figure of the policy
    assert f"{cl['improvement_plan']['ref_zh']}（{cl['improvement_plan']['title_zh']}），于本函发出之日起" in text
    assert f"{plan['days']}个工作日内（即{plan['zh']}前）" in text
    assert f"within {plan['days']} working days of this letter (by {plan['en']})" in text
    assert cl["service_levels"]["ref_zh"] in text and cl["service_levels"]["ref_en"] in text
    for i in ctx["incidents"]:
        assert i["id"] in text and i["date_zh"] in text and i["date_en"] in text and i["description_zh"] in text
        assert i["type_zh"] in text and i["type_en"] in text
    for k in ctx["shortfalls"]:
        assert k["name_zh"] in text and k["actual"] in text and k["target"] in text
    assert "自送达贵司之日起生效" in text and "takes effect when delivered to Party B" in text
    assert ctx["delivery"]["email"] in text and cl["notices"]["ref_zh"] in text
    assert "特此函告。" in text
    assert "回 执" in text and "签收人（签字）" in text and "签收单位（盖章）" in text
    assert "状态由" not in text  # no status change in this fixture


def test_improvement_notice_states_the_plan_and_cure_periods_requirements_and_status(tmp_path):
    ctx = fixture("improvement_notice")
    text = flat(docx_text(rendered(tmp_path, "improvement_notice")))
    plan, cure, cl = ctx["deadline"], ctx["cure"], ctx["clauses"]
    assert f"{plan['days']}个工作日内（即{plan['zh']}前）提交书面整改计划" in text
    assert f"于本通知发出之日起{cure['days']}日内（即{cure['zh']}前）纠正" in text
    assert f"within {cure['days']} days of this notice (by {cure['en']})" in text
    assert cl["cure"]["ref_zh"] in text and cl["termination_uncured"]["ref_en"] in text
    assert ctx["clauses"]["grounds_zh"] in text and ctx["clauses"]["grounds_en"] in text
    assert ctx["requirements"][0]["zh"] in text and ctx["requirements"][0]["en"] in text
    change = ctx["status_change"]
    assert f"由“{change['from_zh']}”调整为“{change['to_zh']}”" in text
    assert f"from {change['from_en']} to {change['to_en']}" in text
    assert "特此通知。" in text and "自送达贵司之日起生效" in text
    ctx["requirements"] = []
    assert "达到合同约定的全部服务标准" in docx_text(rendered(tmp_path, "improvement_notice", ctx))


def test_termination_notice_takes_effect_on_delivery_and_cites_its_ground(tmp_path):
    ctx = fixture("termination_notice")
    text = flat(docx_text(rendered(tmp_path, "termination_notice")))
    c, h, cl = ctx["contract"], ctx["handover"], ctx["clauses"]
    assert c["no"] in text and c["start_zh"] in text and c["end_zh"] in text and c["end_en"] in text
    assert "本通知自送达贵司之日起生效，合同自本通知送达贵司之日起解除" in text
    assert "this notice takes effect when delivered to Party B" in text
    assert "起解除。" not in text.replace("送达贵司之日起解除", "")  # never "terminated from the issue date"
    assert f"自本通知送达之日起{h['days']}日交接期内" in text
    assert cl["grounds_zh"] in text and cl["grounds_en"] in text and cl["exit"]["ref_zh"] in text
    assert "the contract's provisions" not in text
    assert "保密义务" in text and "第五百六十五条" in text and "Article 565" in text
    assert "抵销" in text and "set them off" in text
    assert f"调整为“{ctx['status_change']['to_zh']}”" in text
    # the fixture is the data breach: the data demands
    assert ctx["data_incident"] is True
    assert "立即停止对我司全部数据" in text and "stop all processing of our data" in text
    assert f"{ctx['security']['hours']}小时内向我司提交书面事件报告" in text
    assert "个人信息保护法》第五十七条" in text and "legal representative" in text
    ctx["data_incident"] = False
    text = flat(docx_text(rendered(tmp_path, "termination_notice", ctx)))
    assert "立即停止" not in text and "三、资料与数据" in text and "certificate of destruction" in text


def test_commendation_letter_thanks_and_shows_the_history(tmp_path):
    ctx = fixture("commendation_letter")
    path = rendered(tmp_path, "commendation_letter")
    text = docx_text(path)
    assert "表扬" in text and "感谢" in text and "此致" in text and "敬礼！" in text
    history = next(t for t in docx_tables(path) if t[0][0].startswith("考核期间"))
    assert [row[1] for row in history[1:]] == [h["score"] for h in ctx["history"]]
    assert "警告" not in text and "回　执" not in text


def test_exit_review_is_internal_with_history_flags_status_and_approval(tmp_path):
    ctx = fixture("exit_review")
    path = rendered(tmp_path, "exit_review")
    text = docx_text(path)
    header = " ".join(p.text for p in Document(str(path)).sections[0].header.paragraphs)
    assert "内部文件" in header and "Internal" in header
    assert "内部文件" in text and "not to be sent to the supplier" in text
    assert "（盖章）" not in text and "回　执" not in text  # not a letter
    assert ctx["recommendation_zh"] in text and ctx["flags"][0]["zh"] in text
    assert ctx["status_change"]["reason_zh"] in text and ctx["handover"]["end_zh"] in text
    assert "部门负责人" in text and "分管领导" in text and "签字" in text
    history = next(t for t in docx_tables(path) if t[0][0].startswith("考核期间"))
    assert len(history) == 1 + len(ctx["history"])


def test_exit_review_with_nothing_to_list_says_none(tmp_path):
    ctx = fixture("exit_review")
    ctx["facts"] = ctx["history"] = ctx["flags"] = []
    ctx["status_change"] = fixture("warning_letter")["status_change"]
    ctx["recommendation_zh"] = ctx["recommendation_en"] = ""
    text = docx_text(rendered(tmp_path, "exit_review", ctx))
    assert text.count("无 / None") >= 2
    assert "无历史记录 / No history" in text and "无风险预警 / No risk flags" in text
    assert "不调整状态 / No status change" in text


def test_review_report_shows_trend_flags_and_actions_or_says_none(tmp_path):
    ctx = fixture("review_report")
    text = docx_text(rendered(tmp_path, "review_report"))
    assert "绩效趋势" in text and ctx["trend"]["method_zh"] in text and ctx["trend"]["score"] in text
    assert all(r["change"] in text for r in ctx["trend"]["rows"])
    assert ctx["flags"][0]["zh"] in text and ctx["actions"][0]["zh"] in text
    ctx["trend"]["available"] = False
    ctx["flags"] = ctx["actions"] = []
    text = docx_text(rendered(tmp_path, "review_report", ctx))
    assert "历史记录不足" in text and "本期无风险预警 / No risk flags this period" in text


def test_portfolio_summary_ranks_and_lists_risks_actions_expiry_and_status(tmp_path):
    ctx = fixture("portfolio_summary")
    path = rendered(tmp_path, "portfolio_summary")
    text = docx_text(path)
    results = next(t for t in docx_tables(path) if t[0][0].startswith("排名"))
    assert [r[0] for r in results[1 : 1 + len(ctx["rows"])]] == [r["rank"] for r in ctx["rows"]]
    for item in (
        ctx["risks"][0]["zh"],
        ctx["actions"][0]["action_zh"],
        ctx["expiring"][0]["date_zh"],
        ctx["status_changes"][0]["to_zh"],
        ctx["attention"][0]["zh"],
    ):
        assert item in text
    for key in ("risks", "actions", "expiring", "status_changes"):
        ctx[key] = []
    text = docx_text(rendered(tmp_path, "portfolio_summary", ctx))
    for none in ("本期无风险预警", "本期无处理措施", "近期无到期证照", "本期无状态调整"):
        assert none in text


def test_periodic_review_marks_missing_months_and_totals(tmp_path):
    ctx = fixture("periodic_review")
    path = rendered(tmp_path, "periodic_review")
    text = docx_text(path)
    assert "供应商季度绩效评审报告" in text and ctx["review"]["en"] in text
    assert ctx["summary"]["missing_note_zh"] in text and ctx["summary"]["payable_words_zh"] in text
    months = next(t for t in docx_tables(path) if t[0][0].startswith("考核期间"))
    july = next(r for r in months if "2026年7月" in r[0])
    assert "无记录" in july[0]
    august = next(r for r in months if "2026年8月" in r[0])
    assert "无记录" not in august[0]
    assert months[-1][-1] == ctx["summary"]["payable"]
    assert ctx["conclusion_zh"] in text


def test_periodic_portfolio_ranks_suppliers_for_management(tmp_path):
    ctx = fixture("periodic_portfolio")
    path = rendered(tmp_path, "periodic_portfolio")
    text = docx_text(path)
    assert "公司管理层" in text and ctx["counts"]["missing_periods_zh"] in text
    ranking = next(t for t in docx_tables(path) if t[0][0].startswith("排名"))
    assert ranking[1][0] == "1" and ranking[-1][-1] == ctx["totals"]["payable"]
    assert ctx["risks"][1]["zh"] in text and ctx["actions"][0]["action_en"] in text


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_fields_take_a_picture_and_leave_nothing_when_empty(tmp_path, name):
    ctx = fixture(name)
    assert drawings(rendered(tmp_path, name, ctx)) == 0
    empty = Document(str(tmp_path / f"{name}.docx"))
    assert not any(p.text.strip() == "" and p.style.name == "Normal" and p.alignment == 1 for p in empty.paragraphs), (
        "an empty centred paragraph was left for the chart"
    )
    target = ctx
    *path, last = CHARTS[name]
    for key in path:
        target = target[key]
    target[last] = Image(small_png(), width_mm=150)
    out = rendered(tmp_path, name, ctx)
    assert drawings(out) == 1
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())


def _builder(module: str):
    spec = importlib.util.spec_from_file_location(module, ROOT / "tools" / "bootstrap" / f"{module}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "tools" / "bootstrap"))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(ROOT / "tools" / "bootstrap"))
    return mod


@pytest.mark.parametrize("module", ["build_templates", "build_notice_templates"])
def test_template_builds_are_byte_identical(tmp_path, module):
    """A rebuild shows up in git only when the builder changed."""
    mod = _builder(module)
    for out in ("a", "b"):
        assert mod.main(["--out", str(tmp_path / out)]) == 0
    for name in mod.TEMPLATES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
        assert (ROOT / "contract_templates" / name).is_file(), f"{name} is not shipped"
