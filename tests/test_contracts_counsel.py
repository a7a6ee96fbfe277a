"""Issue 15, contracts: what counsel expects in each rendered contract (read back as a reader would)."""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from conftest import SAMPLE_INPUTS
from docx_reading import docx_tables, docx_text
from test_clauses import _records

from pipeline.config.contract_terms import load_terms
from pipeline.documents.contracts import contract_context
from pipeline.render.facade import render_docx
from pipeline.runs.contracts import TEMPLATES


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from pipeline.runs.stages import load_stage, validate_stage

    inputs = tmp_path_factory.mktemp("counsel") / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    return validate_stage(load_stage(inputs))


def _render(sample, policy, tmp_path, no, mutate=None):
    c, s, items = _records(sample, no)
    if mutate:
        mutate(c, s, items)
    ctx = contract_context(c, s, items, policy, load_terms())
    path = tmp_path / f"{no}.docx"
    path.write_bytes(render_docx(TEMPLATES[c["contract_type"]], ctx, path.name))
    return ctx, path


def _num(text):
    return Decimal(text.replace(",", ""))


def test_dispatch_posts_table_adds_pay_insurance_and_fee_to_the_unit_price(sample, policy, tmp_path):
    ctx, path = _render(sample, policy, tmp_path, "HT-2026-LD-008")
    tables = docx_tables(path)
    posts = next(t for t in tables if len(t[0]) > 2 and "岗位性质" in t[0][2])
    assert [r[2].split("\n")[0] for r in posts[1:3]] == ["辅助性", "临时性"]
    assert "6个月" in posts[2][5] and "剑川路951号" in posts[1][4]
    fees = next(t for t in tables if len(t[0]) > 2 and t[0][2].startswith("工资标准"))
    for row in fees[1:3]:
        assert _num(row[2]) + _num(row[3]) + _num(row[4]) == _num(row[5])
    text = docx_text(path)
    assert "只从当月应付乙方的派遣管理费中扣减，不得从被派遣劳动者的工资" in text
    assert ctx["dispatch"]["management_fee"]["figures"] == "4,800.00"  # 12×320 + 3×320
    for words in ("同工同酬", "第四十二条", "用工总量的10%", "第十二条", "工作时间", "缴费凭证"):
        assert words in text, words
    assert "乙方不因交付进度或者成本偏差承担违约金" in text and "延期交付" not in text


def test_outsourcing_is_priced_on_results_without_headcount(sample, policy, tmp_path):
    ctx, path = _render(sample, policy, tmp_path, "HT-2026-LO-007")
    annex = next(t for t in docx_tables(path) if t and t[0][0].startswith("序号"))
    header = " ".join(annex[0])
    assert "人数" not in header and "Headcount" not in header and "计价单位" in header
    assert "每箱\nper carton" in [r[4] for r in annex[1:]]
    text = docx_text(path)
    for words in ("验收合格的工作量", "工作量确认单", "甲方不予支付", "不以乙方投入的人数"):
        assert words in text, words


@pytest.mark.parametrize("no, strict", [("HT-2026-IT-011", True), ("HT-2026-IT-003", False)])
def test_pipl_annex_only_for_confidential_or_restricted_access(sample, policy, tmp_path, no, strict):
    ctx, path = _render(sample, policy, tmp_path, no)
    assert ctx["data"]["pipl_annex"] is strict
    text = docx_text(path)
    assert ("附件三" in text and "个人信息委托处理协议" in text and "转委托" in text) is strict


@pytest.mark.parametrize("no", ["HT-2026-IT-004", "HT-2026-LO-001", "HT-2026-LD-014"])
def test_counsel_clauses_layout_and_one_defined_term(sample, policy, tmp_path, no):
    _, path = _render(sample, policy, tmp_path, no)
    text = docx_text(path)
    for words in ("知识产权", "非独占、免费、永久", "廉洁从业", "应急预案", "保险", "责任限额", "LPR", "乙方解除合同"):
        assert words in text, words
    assert "不因上限而免除" in text and "not waived" in text and "重大过失" in text
    assert "（以下无正文）\nNo text follows." in text and "intentionally left blank" not in text
    assert "扣款" not in text and "Deduction" not in text and "Penalt" not in text
    with zipfile.ZipFile(path) as z:
        xml, styles = z.read("word/document.xml").decode(), z.read("word/styles.xml").decode()
    assert xml.count("<w:cantSplit/>") > 60
    clause_style = styles.split('w:styleId="Clause"')[1].split("</w:style>")[0]
    assert 'w:val="both"' not in clause_style


def test_a_temporary_post_over_six_months_is_rejected(tmp_path):
    from pipeline.runs.stages import load_stage, validate_stage

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    wb = openpyxl.load_workbook(inputs / "contracts.xlsx")
    ws = wb["items"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "HT-2026-LD-008" and row[header.index("岗位性质")].value == "临时性":
            row[header.index("派遣期限(月)")].value = 9
            line = row[0].row
    wb.save(inputs / "contracts.xlsx")
    issues = [i for i in validate_stage(load_stage(inputs)).issues if i.rule == "dispatch_temporary_period"]
    assert len(issues) == 1
    i = issues[0]
    assert (i.file, i.row, i.column, i.value) == ("contracts.xlsx", line, "派遣期限(月)", "9")
    assert "临时性岗位" in i.message_zh and "9个月" in i.message_zh and "more than 6" in i.message_en


def test_per_head_outsourcing_is_a_high_risk_flag_of_the_contracts_run(sample_inputs, tmp_path):
    from pipeline.runs.contracts import run_contracts

    summary = run_contracts(sample_inputs, tmp_path / "out")
    flags = [w for w in summary.warnings if w.rule == "risk:outsourcing_per_head"]
    assert [f.key for f in flags] == ["HT-2026-LO-013"]  # LO-001 and LO-007 are priced on results
    assert flags[0].message_zh.startswith("风险预警（高）") and "假外包、真派遣" in flags[0].message_zh
    assert flags[0].message_en.startswith("Risk flag (HIGH)") and "§92" in flags[0].message_en
