"""The command line: exit codes, bilingual errors, and a run over rejected input."""

from __future__ import annotations

import json

from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook

from pipeline.cli import main


def test_validate_the_sample_files_is_clean(capsys):
    files = [str(p) for p in sorted(SAMPLE_INPUTS.glob("*.xlsx"))]
    assert main(["validate", "--json", *files]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] and out["rows_read"]["suppliers"] >= 15


def test_validate_reports_a_bad_cell_and_exits_1(sample_inputs, capsys):
    path = sample_inputs / "evaluations_2026-10.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("按时交付率") + 1, value="九成")
    wb.save(path)
    assert main(["validate", "--json", str(path)]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert len(issues) == 1
    expected = {"file": "evaluations_2026-10.xlsx", "row": 3, "column": "按时交付率", "value": "九成"}
    assert {k: issues[0][k] for k in expected} == expected
    assert issues[0]["message_zh"] and issues[0]["message_en"]


def test_validate_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "suppliers.xlsx"
    bad.write_bytes(b"this is not a workbook")
    assert main(["validate", str(bad)]) == 2
    assert main(["validate", str(tmp_path / "missing.xlsx")]) == 2


def test_bad_period_argument_exits_2(capsys):
    assert main(["run", "--period", "2026-13"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_broken_policy_exits_2_before_anything_is_written(sample_inputs, tmp_path, capsys):
    policy = sample_inputs / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("weight: 25\n", "weight: 35\n", 1), encoding="utf-8")
    assert main(["run", "--inputs", str(sample_inputs), "--outputs", str(tmp_path / "out")]) == 2
    assert "100" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_run_with_rejected_rows_reports_them_and_still_produces_the_rest(sample_inputs, tmp_path, prefect_harness):
    path = sample_inputs / "evaluations_2026-10.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    sid_col = header.index("供应商编号") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, sid_col).value == "S003")
    ws.cell(row=row, column=header.index("服务质量得分") + 1, value=130)
    wb.save(path)
    out = tmp_path / "out"
    assert main(["run", "--inputs", str(sample_inputs), "--outputs", str(out)]) == 1
    root = out / "2026-10"
    assert not (root / "reports" / "S003_review_2026-10.docx").exists()  # rejected, never half-used
    assert (root / "reports" / "S001_review_2026-10.docx").exists()
    report = json.loads((root / "errors" / "validation_report.json").read_text(encoding="utf-8"))
    issue = report["issues"][0]
    assert (issue["file"], issue["row"], issue["column"], issue["value"]) == (
        "evaluations_2026-10.xlsx",
        row,
        "服务质量得分",
        "130",
    )
    assert "100" in issue["message_zh"] and "100" in issue["message_en"]
    wb = load_workbook(root / "errors" / "validation_report.xlsx")
    assert wb.worksheets[0].cell(2, 1).value == "evaluations_2026-10.xlsx"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert "errors/validation_report.json" in {f["path"] for f in manifest["files"]}


def test_rerun_reproduces_identical_documents_and_clears_stale_files(sample_inputs, tmp_path):
    from pipeline.runs.monthly import run_month

    out = tmp_path / "out"
    first = run_month(sample_inputs, out)
    digests = {f["path"]: f["sha256"] for f in json.loads(first.manifest.read_text(encoding="utf-8"))["files"]}
    stale = out / "2026-10" / "errors" / "validation_report.json"
    manifest = json.loads(first.manifest.read_text(encoding="utf-8"))
    stale.parent.mkdir()
    stale.write_text("{}")
    manifest["files"].append(
        {
            "path": "errors/validation_report.json",
            "sha256": "",
            "bytes": 2,
            "doc_type": "validation_report",
            "supplier_id": None,
        }
    )
    first.manifest.write_text(json.dumps(manifest))
    second = run_month(sample_inputs, out)
    again = {f["path"]: f["sha256"] for f in json.loads(second.manifest.read_text(encoding="utf-8"))["files"]}
    assert again == digests
    assert not stale.exists()
    assert not list((out / "2026-10").rglob("*.tmp"))


def test_a_portfolio_s_thousands_of_notices_are_counted_on_the_terminal_not_listed(capsys, tmp_path):
    from pipeline.cli import NOTICES_LISTED, _print_notices

    notices = [(f"S{i:05d}", "improvement_notice") for i in range(NOTICES_LISTED + 10)]
    notices += [("S09998", "termination_notice"), ("S09999", "warning_letter")]
    _print_notices(notices, tmp_path / "notices")
    out = capsys.readouterr().out
    assert f"整改通知书 Improvement notice: {NOTICES_LISTED + 10}" in out and "警告函 Warning letter: 1" in out
    assert "S09998  解除合同通知书 Contract termination notice" in out  # terminations by name
    assert "S00001" not in out and "S09999" not in out
    assert f"all {len(notices)} notices are in {tmp_path / 'notices'}" in out
    _print_notices(notices[:3], tmp_path / "notices")  # a few: each one
    out = capsys.readouterr().out
    assert all(f"S0000{i}  整改通知书 Improvement notice" in out for i in range(3)) and "notices are in" not in out
