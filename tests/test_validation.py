"""Loading and validation: real-world spreadsheets in, bilingual problems out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.config.aliases import load_aliases
from pipeline.intake.folder import InputFile, discover, sha256_of
from pipeline.load.reader import read_input
from pipeline.validation.records import validate_tables

SUPPLIER_HEADERS = [
    "供应商编号",
    "供应商名称",
    "英文名称",
    "统一社会信用代码",
    "供应商类别",
    "联系电话",
    "电子邮箱",
    "营业执照有效期",
    "劳务派遣许可证编号",
    "劳务派遣许可证有效期",
    "状态",
]
GOOD_USCC = "91350100M000100Y43"


def supplier_row(sid="S1", **kw):
    row = {
        "供应商编号": sid,
        "供应商名称": "上海某某服务有限公司",
        "英文名称": "Shanghai Mou Services Co., Ltd.",
        "统一社会信用代码": GOOD_USCC,
        "供应商类别": "劳务外包",
        "联系电话": "13812345678",
        "电子邮箱": "a@mou.cn",
        "营业执照有效期": "长期",
        "劳务派遣许可证编号": None,
        "劳务派遣许可证有效期": None,
        "状态": "合格",
    }
    row.update(kw)
    return [row[h] for h in SUPPLIER_HEADERS]


def write_xlsx(path: Path, rows, headers=SUPPLIER_HEADERS, title: str | None = None, sheet="Sheet1"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def validate_files(*paths: Path):
    aliases = load_aliases(None)
    tables = []
    for p in paths:
        from pipeline.intake.folder import kind_of

        tables += read_input(InputFile(p, kind_of(p.name), sha256_of(p), p.stat().st_size), aliases)
    return validate_tables(tables, aliases, present={t.kind for t in tables})


def test_title_rows_chinese_headers_and_enumerations(tmp_path):
    path = write_xlsx(
        tmp_path / "suppliers.xlsx",
        [supplier_row(), supplier_row("S2", 供应商类别="IT服务", 状态="考察期")],
        title="供应商名录（2026年10月）",
    )
    result = validate_files(path)
    assert result.issues == []
    data = result.data("suppliers")
    assert [d["category"] for d in data] == ["labor_outsourcing", "it_services"]
    assert data[1]["status"] == "probation"
    assert data[0]["license_expiry"] == "permanent"


def test_bad_cells_are_reported_with_file_row_column_value_in_both_languages(tmp_path):
    bad_uscc = GOOD_USCC[:-1] + "4"
    path = write_xlsx(
        tmp_path / "suppliers.xlsx",
        [supplier_row(), supplier_row("S2", 统一社会信用代码=bad_uscc), supplier_row("S3", 电子邮箱="not-an-email")],
        title="供应商名录",
    )
    result = validate_files(path)
    assert [d["supplier_id"] for d in result.data("suppliers")] == ["S1"]  # bad rows are left out whole
    by_row = {i.row: i for i in result.issues}
    uscc = by_row[5]  # title row, blank row, header on row 3, S2 on row 5
    assert (uscc.file, uscc.sheet, uscc.column, uscc.value) == (
        "suppliers.xlsx",
        "Sheet1",
        "统一社会信用代码",
        bad_uscc,
    )
    assert uscc.rule == "format:uscc"
    assert uscc.text_zh() == "第 5 行‘统一社会信用代码’校验位错误：应为 3"
    assert uscc.text_en() == "Row 5, USCC: check character should be 3"
    email = by_row[6]
    assert email.column == "电子邮箱" and email.value == "not-an-email"
    assert "邮箱" in email.message_zh and "e-mail" in email.message_en


def test_dispatch_supplier_needs_a_permit(tmp_path):
    path = write_xlsx(
        tmp_path / "suppliers.xlsx",
        [
            supplier_row("S1", 供应商类别="劳务派遣"),
            supplier_row(
                "S2",
                供应商类别="劳务派遣",
                劳务派遣许可证编号="沪人社派许字第0123号",
                劳务派遣许可证有效期=dt.date(2027, 3, 1),
            ),
        ],
    )
    result = validate_files(path)
    assert [d["supplier_id"] for d in result.data("suppliers")] == ["S2"]
    assert {i.field for i in result.issues} == {"dispatch_permit_no", "dispatch_permit_expiry"}
    assert all(i.row == 2 and "劳务派遣" in i.message_zh and "dispatch permit" in i.message_en for i in result.issues)
    assert {i.rule for i in result.issues} == {"dispatch_permit"}


def test_duplicate_keys_reject_every_copy(tmp_path):
    path = write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row("S1"), supplier_row("S1"), supplier_row("S2")])
    result = validate_files(path)
    assert [d["supplier_id"] for d in result.data("suppliers")] == ["S2"]
    assert sorted(i.row for i in result.issues) == [2, 3]
    assert all("重复" in i.message_zh and "duplicate" in i.message_en for i in result.issues)


EVAL_HEADERS = [
    "供应商编号",
    "考核期间",
    "服务质量得分",
    "按时交付率",
    "成本偏差(%)",
    "满意度",
    "合规问题数",
    "投诉次数",
]


def test_rates_percentages_full_width_and_thousands(tmp_path):
    suppliers = write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row("S1"), supplier_row("S2"), supplier_row("S3")])
    evals = write_xlsx(
        tmp_path / "evaluations_2026-10.xlsx",
        [
            ["S1", "2026-10", 90, "95%", "2.5%", 4.5, 0, 0],
            ["S2", "2026年10月", "８８", 95, "-1", "", "0", "1"],
            ["S3", "2026/10", "1,000", 0.9, 0, 4, 0, 0],
        ],
        headers=EVAL_HEADERS,
    )
    result = validate_files(suppliers, evals)
    data = {d["supplier_id"]: d for d in result.data("evaluations")}
    assert data["S1"]["on_time_rate"] == Decimal("0.95") and data["S1"]["cost_variance_pct"] == Decimal("2.5")
    assert data["S2"]["period"] == "2026-10" and data["S2"]["quality_score"] == Decimal(88)
    assert data["S2"]["on_time_rate"] == Decimal("0.95") and "satisfaction" not in data["S2"]
    assert "S3" not in data  # 1,000 is above the 100 maximum
    issue = next(i for i in result.issues if i.key and i.key.startswith("S3"))
    assert issue.column == "服务质量得分" and issue.value == "1,000" and "100" in issue.message_zh


def test_evaluation_period_must_match_the_file_name(tmp_path):
    suppliers = write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row("S1")])
    evals = write_xlsx(
        tmp_path / "evaluations_2026-10.xlsx", [["S1", "2026-09", 90, 0.95, 0, 4, 0, 0]], headers=EVAL_HEADERS
    )
    result = validate_files(suppliers, evals)
    assert result.data("evaluations") == []
    assert "2026-09" in result.issues[0].message_zh and "file name" in result.issues[0].message_en


def test_unknown_supplier_is_rejected(tmp_path):
    suppliers = write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row("S1")])
    evals = write_xlsx(
        tmp_path / "evaluations_2026-10.xlsx", [["S9", "2026-10", 90, 0.95, 0, 4, 0, 0]], headers=EVAL_HEADERS
    )
    result = validate_files(suppliers, evals)
    assert result.data("evaluations") == []
    assert result.issues[0].value == "S9" and "供应商名录" in result.issues[0].message_zh


def test_every_problem_of_a_row_is_reported_in_one_round(tmp_path):
    """A bad score and an unknown supplier on one row: both at once, not the second after the
    first is fixed; a supplier rejected for its own reason is named as the cause."""
    suppliers = write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row("S1"), supplier_row("S2", 电子邮箱="not-mail")])
    evals = write_xlsx(
        tmp_path / "evaluations_2026-10.xlsx",
        [
            ["S9", "2026-10", 90, 0.95, 0, 6, 0, 0],
            ["S2", "2026-10", 90, 0.95, 0, 7, 0, 0],
            ["S1", "2026-10", 90, 0.95, 0, 4, 0, 0],
        ],
        headers=EVAL_HEADERS,
    )
    result = validate_files(suppliers, evals)
    by_row: dict[int, set[str]] = {}
    for issue in result.issues:
        if issue.kind == "evaluations":
            by_row.setdefault(issue.row, set()).add(issue.rule or issue.code)
    assert [e["supplier_id"] for e in result.data("evaluations")] == ["S1"]
    assert "unknown_supplier" in by_row[2] and len(by_row[2]) == 2, by_row  # the range error too
    assert "rejected_supplier" in by_row[3] and len(by_row[3]) == 2, by_row
    unknown = next(i for i in result.issues if i.row == 2 and i.rule == "unknown_supplier")
    assert unknown.value == "S9" and unknown.column == "供应商编号" and "supplier master" in unknown.message_en
    assert result.rows_rejected["evaluations"] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_the_office_uses(tmp_path, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUPPLIER_HEADERS)
    writer.writerow([v or "" for v in supplier_row("S1")])
    path = tmp_path / "suppliers.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    result = validate_files(path)
    assert result.issues == []
    assert result.data("suppliers")[0]["name_zh"] == "上海某某服务有限公司"


def test_undecodable_csv_is_refused_not_mis_decoded(tmp_path):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(b"\xff\xfe\x00\x00" + bytes(range(128, 256)) * 3)
    result = validate_files(path)
    assert result.issues[0].code == "unreadable" and "编码" in result.issues[0].message_zh


def test_json_contracts_with_nested_items(tmp_path):
    suppliers = write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row("S1")])
    contracts = tmp_path / "contracts.json"
    contracts.write_text(
        json.dumps(
            [
                {
                    "contract_no": "HT-1",
                    "supplier_id": "S1",
                    "contract_type": "劳务外包",
                    "start_date": "2026-01-01",
                    "end_date": "2027-12-31",
                    "currency": "CNY",
                    "tax_rate": "6%",
                    "items": [{"role_zh": "保洁员", "headcount": 3, "unit_price": "5,000.00"}],
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = validate_files(suppliers, contracts)
    assert result.issues == []
    assert result.data("contracts")[0]["tax_rate"] == Decimal("0.06")
    assert result.data("contract_items")[0]["unit_price"] == Decimal("5000.00")


def test_discover_reports_files_of_unknown_kind_and_skips_lock_files(tmp_path):
    (tmp_path / "random.xlsx").write_bytes(b"x")
    (tmp_path / "~$suppliers.xlsx").write_bytes(b"lock")
    write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row()])
    files, issues = discover(tmp_path)
    assert [f.path.name for f in files] == ["suppliers.xlsx"]
    assert issues[0].file == "random.xlsx" and issues[0].code == "unknown_kind"


def test_excel_truncated_bank_account_is_reported(tmp_path):
    headers = SUPPLIER_HEADERS + ["银行账号"]
    path = write_xlsx(tmp_path / "suppliers.xlsx", [supplier_row() + [6225881234567890123]], headers=headers)
    result = validate_files(path)
    assert result.issues and "15" in result.issues[0].message_zh and result.issues[0].column == "银行账号"


def test_rejected_rows_are_counted_per_sheet():
    """Row 3 of the contracts sheet and row 3 of the items sheet are two rows, not one."""
    from pipeline.errors import Issue
    from pipeline.runs.monthly import rejected_row_count

    issues = [
        Issue("contracts.xlsx", 3, "合同编号", "x", "中", "en", sheet="contracts"),
        Issue("contracts.xlsx", 3, "单价", "y", "中", "en", sheet="items"),
        Issue("contracts.xlsx", 3, "币种", "z", "中", "en", sheet="items"),
        Issue("contracts.xlsx", None, None, None, "中", "en"),
    ]
    assert rejected_row_count(issues) == 2
