"""The monthly flow end to end on the shipped sample data, through Prefect, checked by
opening every document it writes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLE_INPUTS
from docx_reading import docx_tables, docx_text
from openpyxl import load_workbook

from pipeline.documents.amount_words import parse_chinese_uppercase, parse_english_words

PERIOD = "2026-10"


def evaluated_suppliers(period: str) -> set[str]:
    """Read from the sample workbook directly, not through the pipeline under test."""
    wb = load_workbook(SAMPLE_INPUTS / f"evaluations_{period}.xlsx", read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    col = header.index("供应商编号")
    return {r[col] for r in rows[1:] if r[col]}


@pytest.fixture(scope="module")
def flow_run(tmp_path_factory, prefect_harness):
    from pipeline.orchestration.flows import monthly_flow

    base = tmp_path_factory.mktemp("monthly")
    inputs = base / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    before = {p.name: p.read_bytes() for p in inputs.iterdir() if p.is_file()}
    summary = monthly_flow(inputs=str(inputs), outputs=str(base / "outputs"))
    return summary, base, before


def test_flow_writes_a_review_and_a_settlement_for_every_evaluated_supplier(flow_run):
    summary, base, _ = flow_run
    root = base / "outputs" / PERIOD
    assert summary.period == PERIOD and summary.exit_code == 0
    expected = evaluated_suppliers(PERIOD)
    assert len(expected) >= 15
    reports = {p.name.split("_")[0] for p in (root / "reports").glob("*.docx")}
    settlements = {p.name.split("_")[0] for p in (root / "settlements").glob("*.docx")}
    assert reports == expected
    assert settlements == expected
    assert (root / "summary" / f"portfolio_{PERIOD}.docx").is_file()
    assert (root / "summary" / f"scoreboard_{PERIOD}.xlsx").is_file()
    assert not (root / "errors").exists()
    assert summary.grades == {"A": 4, "B": 6, "C": 3, "D": 2}


def test_inputs_are_left_as_they_were(flow_run):
    _, base, before = flow_run
    after = {p.name: p.read_bytes() for p in (base / "inputs").iterdir() if p.is_file()}
    assert after == before
    archived = {
        p.read_bytes() for p in (base / "inputs" / "archive").rglob("*") if p.name != "SHA256SUMS" and p.is_file()
    }
    assert set(before.values()) <= archived  # and every input was archived before it was read


def test_every_document_is_bilingual_and_has_no_template_code_left(flow_run):
    _, base, _ = flow_run
    docs = sorted((base / "outputs" / PERIOD).rglob("*.docx"))
    assert len(docs) == 40
    for path in docs:
        text = docx_text(path)
        assert re.search(r"[\u4e00-\u9fff]{4}", text), path.name
        assert re.search(r"[A-Za-z]{4,} [A-Za-z]{4,}", text), path.name
        for tag in ("{{", "}}", "{%", "%}"):
            assert tag not in text, (path.name, tag)


def test_review_report_of_the_sliding_supplier(flow_run):
    _, base, _ = flow_run
    text = docx_text(base / "outputs" / PERIOD / "reports" / f"S003_review_{PERIOD}.docx")
    assert "供应商月度绩效评估报告" in text and "Supplier Monthly Performance Review" in text
    assert "46.56" in text and "不合格" in text  # October score and grade D
    assert "66.93" in text and "−20.37" in text  # September score and the change
    assert "满意度" in text and "N/A" in text  # the KPI not applicable this month
    assert "重新归一化" in text and "re-normalised" in text
    kpi_table = next(
        t
        for t in docx_tables(base / "outputs" / PERIOD / "reports" / f"S003_review_{PERIOD}.docx")
        if any("按时交付率" in c for c in t[1] if len(t) > 1) or any("按时交付率" in r[0] for r in t)
    )
    names = [row[0] for row in kpi_table[1:]]
    assert len(names) == 6


def test_security_breach_supplier_is_d_and_its_penalties_are_capped(flow_run):
    _, base, _ = flow_run
    root = base / "outputs" / PERIOD
    report = docx_text(root / "reports" / f"S004_review_{PERIOD}.docx")
    assert "39.27" in report and "不合格" in report and "Unsatisfactory" in report
    assert "安全事件" in report and "Security breach" in report
    settlement = docx_text(root / "settlements" / f"S004_settlement_{PERIOD}.docx")
    assert "上限" in settlement and "cap" in settlement
    assert "22,400.00" in settlement  # 10% of the 224,000.00 monthly fee


def _settlement_rows(path: Path) -> list[list[str]]:
    for table in docx_tables(path):
        if table and any("大写" in c for c in table[0]) and any("数量" in c for c in table[0]):
            return table
    raise AssertionError(f"no settlement lines table in {path.name}")


def test_settlement_figures_and_words_agree_and_lines_add_up(flow_run):
    _, base, _ = flow_run
    for path in sorted((base / "outputs" / PERIOD / "settlements").glob("*.docx")):
        rows = _settlement_rows(path)
        total = Decimal(0)
        body = [r for r in rows[1:] if r[0].strip().isdigit()]
        assert body, path.name
        for row in body:  # No., item, quantity, rate, ±, amount, words
            sign = -1 if "−" in row[4] else 1
            figure = Decimal(re.search(r"[\d,]+\.\d{2}", row[5]).group().replace(",", ""))
            zh, en = row[6].split("\n")[0], row[6].split("\n")[-1]
            assert parse_chinese_uppercase(zh)[0] == figure, (path.name, row)
            assert parse_english_words(en)[0] == figure, (path.name, row)
            total += sign * figure
        # the total row: its figure equals the sum of the lines, and both word forms say the same
        total_row = rows[-1]
        assert total_row[0].startswith("合计（应付金额）")
        figure = Decimal(re.search(r"[\d,]+\.\d{2}", " ".join(total_row)).group().replace(",", ""))
        assert figure == total, path.name
        words_cell = next(c for c in total_row if "人民币" in c)
        assert parse_chinese_uppercase(re.search(r"人民币\S+", words_cell).group())[0] == total
        assert parse_english_words(re.search(r"SAY .*? ONLY", words_cell).group())[0] == total


def test_manifest_lists_every_file_with_its_hash(flow_run):
    summary, base, _ = flow_run
    root = base / "outputs" / PERIOD
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert set(listed) == on_disk
    for rel, entry in listed.items():
        data = (root / rel).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
        assert entry["doc_type"] in {
            "review_report",
            "settlement_statement",
            "portfolio_summary",
            "scoreboard",
            "payments",
            "warning_letter",
            "improvement_notice",
            "termination_notice",
            "exit_review",
            "commendation_letter",
            "appeal_decision",
            "analytics_workbook",
            "dashboard",
        }
        if entry["doc_type"] in {"review_report", "settlement_statement"}:
            assert rel.split("/")[-1].startswith(entry["supplier_id"] + "_")
    inputs = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    for name, digest in inputs.items():
        assert hashlib.sha256((SAMPLE_INPUTS / name).read_bytes()).hexdigest() == digest
    assert manifest["policy"]["sha256"] == hashlib.sha256((SAMPLE_INPUTS / "policy.yaml").read_bytes()).hexdigest()


def test_scoreboard_has_a_row_per_evaluated_supplier(flow_run):
    _, base, _ = flow_run
    wb = load_workbook(base / "outputs" / PERIOD / "summary" / f"scoreboard_{PERIOD}.xlsx")
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == evaluated_suppliers(PERIOD)
    assert rows["S001"]["评级 Grade"] == "A"
    assert rows["S004"]["评级 Grade"] == "D"
    assert rows["S004"]["总分 Total"] == pytest.approx(39.27)


def test_portfolio_summary_counts_and_flags(flow_run):
    _, base, _ = flow_run
    text = docx_text(base / "outputs" / PERIOD / "summary" / f"portfolio_{PERIOD}.docx")
    assert "S004" in text and "安全事件" in text
    assert "劳务派遣许可证" in text and "2026年12月20日" in text and "December 20, 2026" in text
    for supplier in evaluated_suppliers(PERIOD):
        assert supplier in text


def test_prefect_artifacts_show_the_scoreboard_and_summary(flow_run):
    from prefect.artifacts import Artifact

    table = Artifact.get(f"scoreboard-{PERIOD}")
    summary = Artifact.get(f"monthly-{PERIOD}")
    assert table is not None and summary is not None
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert {r["供应商 supplier"] for r in rows} == evaluated_suppliers(PERIOD)
    s004 = next(r for r in rows if r["供应商 supplier"] == "S004")
    assert "解除合同通知书 Contract termination notice" in s004["通知 notices"]  # both languages
    assert (
        "评级 grades" in summary.data
        and "风险 risk flags" in summary.data
        and "月度评估 Monthly review" in summary.data
    )
    assert "6225" not in json.dumps(rows) and "13812345678" not in summary.data  # no bank accounts or phones


def test_october_notices_follow_the_story(flow_run):
    _, base, _ = flow_run
    notices = {p.name for p in (base / "outputs" / PERIOD / "notices").glob("*.docx")}
    assert f"S003_improvement_notice_{PERIOD}.docx" in notices  # the sliding supplier reaches D
    assert f"S004_termination_notice_{PERIOD}.docx" in notices  # the critical security breach
    assert f"S004_exit_review_{PERIOD}.docx" in notices
    assert f"S004_improvement_notice_{PERIOD}.docx" not in notices  # replaced by the termination
    text = docx_text(base / "outputs" / PERIOD / "notices" / f"S003_improvement_notice_{PERIOD}.docx")
    # the contract's periods from the issue date: the plan in 10 working days, the cure in 15 days
    assert "整改通知书" in text and "2026年11月13日" in text and "November 15, 2026" in text
    report = docx_text(base / "outputs" / PERIOD / "reports" / f"S002_review_{PERIOD}.docx")
    assert "劳务派遣经营许可证" in report and "2026年12月20日" in report
