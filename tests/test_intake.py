"""Intake as the office meets it: files saved by Excel, WPS and LibreOffice, CSV in the
encodings Chinese Windows writes, bilingual error reports, and nothing ever lost."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from builders import contract, evaluation, make_inputs, supplier, write_rows
from conftest import ROOT
from craft_xlsx import Formula, write_xlsx
from openpyxl import Workbook, load_workbook

from pipeline.cli import main
from pipeline.config.aliases import load_aliases
from pipeline.intake.folder import InputFile, kind_of, sha256_of
from pipeline.load.reader import read_input
from pipeline.runs.monthly import run_month
from pipeline.validation.records import validate_tables

FIXTURES = ROOT / "tests" / "fixtures" / "inputs"
GOOD_USCC = "91350100M000100Y43"


def validate_files(*paths: Path, fast: bool = True):
    aliases = load_aliases(None)
    tables = []
    for p in paths:
        tables += read_input(InputFile(p, kind_of(p.name), sha256_of(p), p.stat().st_size), aliases)
    return validate_tables(tables, aliases, present={t.kind for t in tables}, fast=fast)


# --- files as they arrive ----------------------------------------------------------------


def test_workbooks_saved_by_libreoffice_with_title_rows_validate():
    """Saved by LibreOffice Calc (tools/make_intake_fixtures.py): merged title row, blank row,
    Chinese headers, a blank column, formulas, 长期, full-width digits and letters."""
    result = validate_files(FIXTURES / "suppliers_libreoffice.xlsx", FIXTURES / "evaluations_2026-10_libreoffice.xlsx")
    assert result.issues == []
    suppliers = {d["supplier_id"]: d for d in result.data("suppliers")}
    assert set(suppliers) == {"S101", "S102", "S103"}  # Ｓ１０３ typed full-width
    assert suppliers["S101"]["license_expiry"] == "permanent"  # 长期
    assert suppliers["S101"]["dispatch_permit_expiry"] == "2027-06-30"  # a date cell
    assert suppliers["S103"]["license_expiry"] == "2028-03-01"  # 2028年3月1日
    assert suppliers["S103"]["uscc"] == "91440101MA5CXL6L3L"  # full-width, normalised
    assert suppliers["S103"]["status"] == "approved" and suppliers["S102"]["category"] == "it_services"
    evals = {d["supplier_id"]: d for d in result.data("evaluations")}
    assert evals["S101"]["quality_score"] == Decimal("92")  # =ROUND(AVERAGE(88,93,95),0): Calc's value
    assert evals["S101"]["cost_variance_pct"] == Decimal("1")  # =1.5-0.5
    assert evals["S102"]["complaints"] == 2  # =1+1
    assert evals["S102"]["on_time_rate"] == Decimal("0.92") and evals["S102"]["period"] == "2026-10"
    table = read_input(InputFile(FIXTURES / "suppliers_libreoffice.xlsx", "suppliers", "", 0), load_aliases(None))[0]
    assert [r.row for r in table.rows] == [4, 5, 7]  # rows as the spreadsheet numbers them


def test_formulas_are_read_as_their_cached_values_and_never_evaluated(tmp_path):
    path = write_xlsx(
        tmp_path / "evaluations_2026-10.xlsx",
        {
            "Sheet1": [
                ["供应商编号", "考核期间", "服务质量得分", "备注"],
                ["S1", "2026-10", Formula("1+1", 95), Formula('HYPERLINK("http://evil.example","点我")', "点我")],
                ["S2", Formula('TEXT(DATE(2026,10,1),"yyyy-mm")', "2026-10"), Formula("SUM(C2:C2)", 101), None],
            ]
        },
    )
    suppliers = write_rows(tmp_path / "suppliers.xlsx", [supplier("S1"), supplier("S2")])
    result = validate_files(suppliers, path)
    evals = {d["supplier_id"]: d for d in result.data("evaluations")}
    assert evals["S1"]["quality_score"] == Decimal(95)  # the cached 95, not 1+1
    assert evals["S1"]["comment"] == "点我"
    bad = next(i for i in result.issues if i.field == "quality_score")
    assert (bad.row, bad.value, bad.rule) == (3, "101", "maximum")  # the shown value is checked


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_csv_with_chinese_headers_in_every_encoding_windows_writes(tmp_path, encoding):
    rows = [
        ["供应商编号", "供应商名称", "统一社会信用代码", "供应商类别", "状态", "营业执照有效期"],
        ["S1", "深圳市鹏程物业管理有限公司", GOOD_USCC, "后勤物业", "合格", "2027/5/31"],
        ["S2", "北京远景信息技术有限公司（北京）", GOOD_USCC, "IT服务", "考察期", "长期"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t" if encoding == "utf-16" else ",").writerows(rows)  # Excel's "Unicode text"
    path = tmp_path / "suppliers.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    result = validate_files(path)
    assert result.issues == []
    data = result.data("suppliers")
    assert [d["name_zh"] for d in data] == ["深圳市鹏程物业管理有限公司", "北京远景信息技术有限公司（北京）"]
    assert data[0]["license_expiry"] == "2027-05-31" and data[1]["category"] == "it_services"


@pytest.mark.parametrize("encoding", ["big5", "shift_jis"])
def test_csv_in_another_encoding_is_refused_not_read_as_mojibake(tmp_path, encoding):
    text = "supplier_id,name_zh,uscc,category,status\n" + (
        "S1,台北遠景資訊股份有限公司,91350100M000100Y43,other,approved\n"
        if encoding == "big5"
        else "S1,東京物流サービス株式会社,91350100M000100Y43,other,approved\n"
    )
    path = tmp_path / "suppliers.csv"
    path.write_bytes(text.encode(encoding))
    assert path.read_bytes().decode("gb18030")  # GB18030 would "decode" it: into mojibake
    result = validate_files(path)
    issue = result.issues[0]
    assert issue.code == "unreadable" and issue.rule == "encoding" and issue.row is None
    assert "UTF-8" in issue.message_zh and "GBK" in issue.message_zh and "garbled" in issue.message_en
    assert result.data("suppliers") == []


def test_headers_bilingual_starred_annotated_or_in_two_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["*供应商编号\nsupplier_id", "考核期间 / Period", "服务质量得分（0-100）", "On Time Rate", "满意度(1-5分)"]
    )
    ws.append(
        ["supplier_id", "period", "quality_score", "on_time_rate", "satisfaction"]
    )  # a second, English header row
    ws.append(["S1", "2026-10", 91, "95%", 4])
    wb.save(tmp_path / "evaluations_2026-10.xlsx")
    write_rows(tmp_path / "suppliers.xlsx", [supplier("S1")])
    result = validate_files(tmp_path / "suppliers.xlsx", tmp_path / "evaluations_2026-10.xlsx")
    assert result.issues == []
    (row,) = result.records["evaluations"]
    assert row.row == 3 and row.data["on_time_rate"] == Decimal("0.95") and row.data["satisfaction"] == 4
    assert row.columns["supplier_id"] == "*供应商编号 supplier_id"  # the header as written, on one line


def test_full_width_spaces_lowercase_codes_thousands_and_every_date_spelling(tmp_path):
    path = write_rows(
        tmp_path / "contracts.xlsx",
        [
            contract(
                "Ｓ１",
                "ＨＴ－００１",
                start_date="2026/1/1",
                end_date="2027年12月31日",
                monthly_fee="１２，５００．５０",
                sign_date=dt.date(2025, 12, 20),
                tax_rate="6%",
                penalty_cap_pct="10%",
            ),
            contract(
                "S2",
                "HT-002",
                start_date=dt.datetime(2026, 3, 1),
                end_date="20270228",
                monthly_fee="￥8,000元",
                currency="人民币",
                tax_rate=6,
                contract_type="劳务外包",
            ),
        ],
        sheet="合同",
    )
    suppliers = write_rows(tmp_path / "suppliers.xlsx", [supplier("S1", uscc=GOOD_USCC.lower()), supplier("S2")])
    result = validate_files(suppliers, path)
    assert result.issues == []
    c1, c2 = result.data("contracts")
    assert (c1["contract_no"], c1["supplier_id"]) == ("HT-001", "S1")
    assert (c1["start_date"], c1["end_date"], c1["sign_date"]) == ("2026-01-01", "2027-12-31", "2025-12-20")
    assert (
        c1["monthly_fee"] == Decimal("12500.50") and c1["tax_rate"] == Decimal("0.06") and c1["penalty_cap_pct"] == 10
    )
    assert (c2["start_date"], c2["end_date"], c2["monthly_fee"]) == ("2026-03-01", "2027-02-28", Decimal("8000"))
    assert c2["currency"] == "CNY" and c2["tax_rate"] == Decimal("0.06") and c2["contract_type"] == "labor_outsourcing"
    assert result.data("suppliers")[0]["uscc"] == GOOD_USCC  # a lower-case code is the same code


def test_blank_rows_and_columns_and_cells_of_spaces_are_not_data(tmp_path):
    path = write_xlsx(
        tmp_path / "suppliers.xlsx",
        {
            "名录": [
                [],
                ["", "供应商编号", "", "供应商名称", "统一社会信用代码", "供应商类别", "状态"],
                ["", "S1", "", "甲公司", GOOD_USCC, "其他", "合格"],
                ["", "  ", "", "\u3000", "", None, ""],  # spaces only: a blank row
                [],
                ["", "S2", "", "乙公司", GOOD_USCC, "其他", "\u3000合格 "],
            ]
        },
    )
    result = validate_files(path)
    assert result.issues == []
    assert [(r.row, r.data["supplier_id"], r.data["status"]) for r in result.records["suppliers"]] == [
        (3, "S1", "approved"),
        (6, "S2", "approved"),
    ]


# --- the error report --------------------------------------------------------------------


def messy_month(folder: Path) -> Path:
    """One of every kind of problem the office makes, each in its own row."""
    bad_uscc = GOOD_USCC[:-1] + "4"
    suppliers = [
        supplier("S1"),
        supplier("S2", uscc=bad_uscc),
        supplier("S3", contact_email="not-an-email"),
        supplier("S4", category="劳务派遣"),
        supplier("S5", status="黑名单"),
        supplier("S6"),
        supplier("S6"),
        supplier("S7", contact_phone="12345"),
        supplier("S8"),
    ]
    contracts = [
        contract("S1", "HT-1"),
        contract("S1", "HT-2", end_date=dt.date(2025, 1, 1)),
        contract("S9", "HT-3"),
        contract("S2", "HT-4"),
        contract("S8", "HT-5", monthly_fee=None),
        contract("S8", "HT-6", contract_type="劳务派遣"),
    ]
    evaluations = [
        evaluation("S1"),
        evaluation("S8", period="2026-09"),
        evaluation("S8", quality_score=130),
        evaluation("S3"),
        evaluation("S1", period="2026-08"),
    ]
    folder = make_inputs(
        folder,
        suppliers,
        contracts,
        evaluations,
        incidents=[
            {
                "incident_id": "I-1",
                "supplier_id": "S1",
                "date": "2026-10-32",
                "type": "延期交付",
                "severity": "高",
                "days_late": 2,
            }
        ],
    )
    wb = load_workbook(folder / "contracts.xlsx")
    items = wb.create_sheet("items")
    items.append(["合同编号", "岗位名称", "人数", "单价"])
    items.append(["HT-1", "保洁员", 2, 5000])
    items.append(["HT-2", "保安", 1, 6000])  # HT-2 itself is rejected
    items.append(["HT-1", "绿化", "两", 3000])
    wb.save(folder / "contracts.xlsx")
    return folder


def test_every_kind_of_problem_is_reported_by_row_column_value_and_rule_in_both_languages(tmp_path):
    inputs = messy_month(tmp_path / "in")
    summary = run_month(inputs, tmp_path / "out", period="2026-10")
    by_rule: dict[str, list] = {}
    for issue in summary.issues:
        by_rule.setdefault(issue.rule, []).append(issue)
        assert issue.file and issue.message_zh and issue.message_en and issue.kind
        assert issue.text_zh().startswith(f"第 {issue.row} 行") and issue.text_en().startswith(f"Row {issue.row}")
        if issue.file.endswith(".xlsx"):
            assert issue.sheet  # and the sheet it is on
    assert {
        "format:uscc",
        "format:email",
        "format:phone-cn",
        "format:date",
        "dispatch_permit",
        "enum",
        "unique_key",
        "unknown_supplier",
        "rejected_supplier",
        "date_order",
        "missing_fee",
        "period_mismatch",
        "maximum",
        "type",
        "rejected_contract",
        "rejected_item",
    } <= set(by_rule), sorted(by_rule)
    (uscc,) = by_rule["format:uscc"]
    assert (uscc.file, uscc.sheet, uscc.row, uscc.column) == ("suppliers.xlsx", "Sheet1", 3, "uscc")
    assert (
        uscc.text_zh() == "第 3 行‘uscc’校验位错误：应为 3"
        and uscc.text_en() == "Row 3, uscc: check character should be 3"
    )
    rejected = {(i.file, i.sheet, i.row) for i in by_rule["rejected_supplier"]}
    assert ("contracts.xlsx", "contracts", 5) in rejected  # HT-4 of S2, whose USCC is wrong
    assert ("evaluations_2026-10.xlsx", "Sheet1", 5) in rejected  # the evaluation of S3 (bad e-mail)
    s3 = next(i for i in by_rule["rejected_supplier"] if i.row == 5 and i.kind == "evaluations")
    assert "S3" in s3.message_zh and "suppliers.xlsx" in s3.message_zh and "row 4" in s3.message_en
    assert {(i.sheet, i.row, i.field) for i in by_rule["rejected_contract"]} == {
        ("items", 3, "contract_no"),  # HT-2's item: HT-2 ends before it starts
        ("items", 2, "contract_no"),
    }  # HT-1's other item, HT-1 being left out
    assert {(i.sheet, i.field) for i in by_rule["type"]} == {("items", "headcount")}
    (fee,) = by_rule["rejected_item"]  # HT-1 cannot be priced without its item
    assert (fee.sheet, fee.row, fee.value) == (
        "contracts",
        2,
        "HT-1",
    ) and "contracts.xlsx [items] row 4" in fee.message_en
    dispatch = {(i.file, i.field) for i in by_rule["dispatch_permit"]}
    assert ("suppliers.xlsx", "dispatch_permit_no") in dispatch and ("contracts.xlsx", "contract_type") in dispatch
    assert (summary.outputs / "reports" / "S1_review_2026-10.docx").exists()  # the rest of the run went on
    assert not (summary.outputs / "settlements" / "S1_settlement_2026-10.docx").exists()  # no contract left to settle

    report = json.loads((summary.outputs / "errors" / "validation_report.json").read_text(encoding="utf-8"))
    first = next(i for i in report["issues"] if i["rule"] == "format:uscc")
    assert {k: first[k] for k in ("file", "sheet", "row", "column", "value", "rule")} == {
        "file": "suppliers.xlsx",
        "sheet": "Sheet1",
        "row": 3,
        "column": "uscc",
        "value": GOOD_USCC[:-1] + "4",
        "rule": "format:uscc",
    }
    assert first["text_zh"] == "第 3 行‘uscc’校验位错误：应为 3"
    assert {f["file"] for f in report["files"]} >= {"suppliers.xlsx", "contracts.xlsx", "incidents.xlsx"}
    ws = load_workbook(summary.outputs / "errors" / "validation_report.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["文件 File", "工作表 Sheet", "行 Row", "列 Column", "值 Value", "规则 Rule"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [
        "suppliers.xlsx",
        "Sheet1",
        3,
        "uscc",
        GOOD_USCC[:-1] + "4",
        "format:uscc",
        "第 3 行‘uscc’校验位错误：应为 3",
        "Row 3, uscc: check character should be 3",
    ] in [r[:8] for r in rows]
    assert len(rows) == len(summary.issues)


def test_a_chinese_header_is_named_in_the_english_message_by_its_field(tmp_path):
    path = tmp_path / "suppliers.csv"
    path.write_text(
        "供应商编号,供应商名称,统一社会信用代码,供应商类别,状态\n"
        f"S1,甲公司,{GOOD_USCC},其他,合格\nS2,乙公司,{GOOD_USCC[:-1]}X,其他,合格\nS3,丙公司,91350100M0001O0Y43,其他,合格\n",
        encoding="gbk",
    )
    issues = validate_files(path).issues
    assert [i.text_zh() for i in issues] == [
        "第 3 行‘统一社会信用代码’校验位错误：应为 3",
        "第 4 行‘统一社会信用代码’第14位“O”不是统一社会信用代码使用的字符（数字及除 I、O、Z、S、V 外的大写字母）",
    ]
    assert issues[0].text_en() == "Row 3, USCC: check character should be 3"
    assert issues[0].sheet is None  # a CSV has no sheets


# --- nothing lost --------------------------------------------------------------------------


def _all_bytes(folder: Path) -> dict[str, int]:
    digests: dict[str, int] = {}
    for p in folder.rglob("*"):
        if p.is_file():
            d = hashlib.sha256(p.read_bytes()).hexdigest()
            digests[d] = digests.get(d, 0) + 1
    return digests


def test_inputs_are_archived_rejected_files_quarantined_and_no_byte_is_lost(tmp_path):
    inputs = make_inputs(
        tmp_path / "in",
        [supplier("S1"), supplier("S2")],
        [contract("S1"), contract("S2")],
        [evaluation("S1"), evaluation("S2", quality_score=130)],
    )
    (inputs / "incidents.xlsx").write_bytes((inputs / "suppliers.xlsx").read_bytes()[:700])  # a copy cut short
    (inputs / "notes.xlsx").write_bytes((inputs / "suppliers.xlsx").read_bytes())  # kind unknown
    (inputs / "evaluations_2026-09.xlsm").write_bytes(b"PK\x03\x04 macro workbook")  # refused
    (inputs / "~$suppliers.xlsx").write_bytes(b"lock")  # Excel's lock file
    dropped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs.iterdir()}

    summary = run_month(inputs, tmp_path / "out", period="2026-10")
    assert summary.exit_code == 1
    (archive,) = (inputs / "archive").iterdir()  # archive/<date>/
    assert dt.date.fromisoformat(archive.name)
    sums = dict(line.split("  ")[::-1] for line in (archive / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((archive / name).read_bytes()).hexdigest() == digest
    assert set(sums.values()) == {d for n, d in dropped.items() if not n.startswith("~$")}
    rejected = inputs / "rejected"
    assert sorted(p.name for p in rejected.iterdir()) == sorted(
        f"{n}{ext}"
        for n in ("evaluations_2026-09.xlsm", "incidents.xlsx", "notes.xlsx")
        for ext in ("", ".errors.json", ".errors.txt")
    )
    report = json.loads((rejected / "incidents.xlsx.errors.json").read_text(encoding="utf-8"))
    assert report["issues"][0]["rule"] == "corrupt_file" and report["sha256"] == dropped["incidents.xlsx"]
    text = (rejected / "evaluations_2026-09.xlsm.errors.txt").read_text(encoding="utf-8")
    assert "宏" in text and "macro" in text and "xlsx" in text
    assert (inputs / "evaluations_2026-10.xlsx").exists()  # some rows rejected: the file stays
    assert not (inputs / "notes.xlsx").exists()
    everything = _all_bytes(inputs)
    assert all(d in everything for d in dropped.values())  # every byte dropped is still there

    run_month(inputs, tmp_path / "out", period="2026-10")  # the same inputs again
    assert len(list(archive.iterdir())) == len(sums) + 1  # nothing archived twice


def test_a_run_that_cannot_archive_stops_before_reading(tmp_path, prefect_harness):
    inputs = make_inputs(tmp_path / "in", [supplier("S1")], [contract("S1")], [evaluation("S1")])
    (inputs / "archive").write_text("not a folder")  # archive/ cannot be created
    assert main(["run", "--inputs", str(inputs), "--outputs", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out" / "2026-10").exists()


def test_strict_run_writes_only_the_report_and_exits_1(sample_inputs, tmp_path, prefect_harness, capsys):
    path = sample_inputs / "evaluations_2026-10.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    ws.cell(row=4, column=header.index("满意度") + 1, value=9)
    wb.save(path)
    out = tmp_path / "out"
    assert main(["run", "--strict", "--inputs", str(sample_inputs), "--outputs", str(out)]) == 1
    root = out / "2026-10"
    assert not (root / "reports").exists() and not (root / "settlements").exists()
    report = json.loads((root / "errors" / "validation_report.json").read_text(encoding="utf-8"))
    assert report["issues"][0]["row"] == 4 and report["issues"][0]["rule"] == "maximum"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in manifest["files"]} == {"errors/validation_report.xlsx", "errors/validation_report.json"}
    err = capsys.readouterr().err
    assert "--strict" in err and "validation_report.xlsx" in err


def test_run_prints_a_short_summary_and_the_reports_path(sample_inputs, tmp_path, prefect_harness, capsys):
    path = sample_inputs / "evaluations_2026-10.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in range(2, 12):
        ws.cell(row=row, column=header.index("按时交付率") + 1, value="九成")
    wb.save(path)
    (sample_inputs / "readme.xlsx").write_bytes(b"")
    assert main(["run", "--inputs", str(sample_inputs), "--outputs", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "evaluations_2026-10.xlsx [绩效评估]: 10 个问题 problems，10 行被排除 rows left out" in err
    assert "readme.xlsx" in err and "rejected" in err
    assert str(tmp_path / "out" / "2026-10" / "errors" / "validation_report.xlsx") in err.replace("\n", "")
    assert err.count("九成") <= 5  # the first few, not all of them


# --- validate -------------------------------------------------------------------------------


def test_validate_json_names_sheet_and_rule_and_exit_codes(tmp_path, capsys):
    suppliers = write_rows(tmp_path / "suppliers.xlsx", [supplier("S1"), supplier("S2", category="海运")], sheet="名录")
    assert main(["validate", "--json", str(suppliers)]) == 1
    (issue,) = json.loads(capsys.readouterr().out)["issues"]
    assert (issue["sheet"], issue["row"], issue["rule"], issue["value"]) == ("名录", 3, "enum", "海运")
    assert "劳务外包" in issue["message_zh"] and "labor_outsourcing" in issue["message_en"]
    macro = tmp_path / "suppliers.xlsm"
    macro.write_bytes(suppliers.read_bytes())
    assert main(["validate", str(macro)]) == 2
    assert main(["validate", str(ROOT / "inputs" / "policy.yaml")]) == 0
    broken = tmp_path / "policy.yaml"
    broken.write_text("version: 1\norganisation: {}\n", encoding="utf-8")
    assert main(["validate", str(broken)]) == 2
    assert main(["validate", str(tmp_path / "nothing_to_see.xlsx")]) == 2
