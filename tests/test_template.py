"""`vendorflow template KIND`: a blank workbook that, filled in, validates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.documents.input_workbooks import available_kinds

GOOD_USCC = "91350100M000100Y43"

# one valid value per field, typed the way a person fills the template in Excel
FILLED = {
    "suppliers": [
        {
            "supplier_id": "S1",
            "name_zh": "上海某某服务有限公司",
            "name_en": "Shanghai Mou Services Co., Ltd.",
            "uscc": GOOD_USCC,
            "category": "劳务派遣",
            "legal_rep": "张三",
            "address_zh": "上海市浦东新区世纪大道1号",
            "address_en": "1 Century Ave, Shanghai",
            "contact_name": "李四",
            "contact_phone": "13812345678",
            "contact_email": "li@mou.cn",
            "bank_name": "招商银行上海分行",
            "bank_account": "6225881234567890",
            "license_expiry": "长期",
            "dispatch_permit_no": "沪人社派许字第0001号",
            "dispatch_permit_expiry": dt.date(2027, 6, 30),
            "certifications": "ISO 9001",
            "nda_signed_date": dt.date(2026, 1, 5),
            "data_access_level": "内部",
            "status": "合格",
        }
    ],
    "contracts": [
        {
            "contract_no": "HT-1",
            "supplier_id": "S1",
            "contract_type": "劳务派遣",
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2027, 12, 31),
            "sign_date": dt.date(2025, 12, 20),
            "monthly_fee": 120000,
            "currency": "人民币",
            "tax_rate": "6%",
            "payment_days": 30,
            "penalty_cap_pct": 10,
            "dispute_venue": "上海",
            "language_precedence": "中文",
        }
    ],
    "contract_items": [
        {
            "contract_no": "HT-1",
            "role_zh": "保洁员",
            "role_en": "Cleaner",
            "headcount": 4,
            "unit_price": 5200,
            "wage": 3900,
            "social_insurance": 1000,
            "management_fee": 300,
        }
    ],
    "evaluations": [
        {
            "supplier_id": "S1",
            "period": "2026-10",
            "quality_score": 92,
            "on_time_rate": "96%",
            "cost_variance_pct": -1.5,
            "satisfaction": 4.5,
            "compliance_issues": 0,
            "complaints": 1,
            "training_hours": 12,
            "turnover_rate": 0.02,
            "evaluator": "王敏",
            "comment": "稳定",
        }
    ],
    "incidents": [
        {
            "incident_id": "I-1",
            "supplier_id": "S1",
            "date": dt.date(2026, 10, 12),
            "type": "延期交付",
            "severity": "中",
            "days_late": 2,
            "description": "第二批交付延迟两天",
        }
    ],
    "candidates": [
        {
            "event_id": "SEL-1",
            "event_date": dt.date(2026, 11, 1),
            "event_title": "保洁服务招标",
            "supplier_id": "S1",
            "name_zh": "上海某某服务有限公司",
            "name_en": "Shanghai Mou",
            "uscc": GOOD_USCC,
            "category": "劳务外包",
            "license_expiry": "长期",
            "reputation": 80,
            "experience": 75,
            "technical": 70,
            "financial": 85,
            "price": 90,
            "delivery": 80,
            "compliance": 95,
            "quoted_price": 1200000,
            "background_check_passed": "是",
            "site_inspection_passed": "否",
            "comment": "无",
        }
    ],
}


def fill(path: Path, kind: str) -> None:
    from pipeline.config.resources import load_schema

    wb = load_workbook(path)
    for ws in wb.worksheets[:-1]:  # the last sheet is the instructions
        table = "contract_items" if ws.title == "服务项目" else kind
        fields = [str(c.value).split("\n")[1] for c in ws[1]]
        assert fields == list(load_schema(table)["properties"])  # one column per schema field
        for r, record in enumerate(FILLED[table], start=2):
            for col, fld in enumerate(fields, start=1):
                if fld in record:
                    ws.cell(row=r, column=col, value=record[fld])
    wb.save(path)


@pytest.mark.parametrize("kind", ["suppliers", "contracts", "evaluations", "incidents", "candidates"])
def test_a_filled_in_template_validates(tmp_path, kind, capsys):
    assert kind in available_kinds()
    target = tmp_path / f"{kind}_2026-10.xlsx"
    assert main(["template", kind, "--output", str(target)]) == 0
    fill(target, kind)
    files = [target]
    if kind not in ("suppliers", "candidates"):
        supplier = tmp_path / "suppliers.xlsx"
        main(["template", "suppliers", "--output", str(supplier)])
        fill(supplier, "suppliers")
        files.append(supplier)
    capsys.readouterr()
    code = main(["validate", "--json", *map(str, files)])
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["issues"] == [] and code == 0
    assert out["rows_read"][kind] == 1


def test_template_explains_each_column_and_offers_the_choices(tmp_path):
    target = tmp_path / "suppliers_template.xlsx"
    assert main(["template", "供应商", "-o", str(target)]) == 0  # Chinese kind names work too
    wb = load_workbook(target)
    ws = wb.worksheets[0]
    assert ws.title == "供应商" and ws.freeze_panes == "A2"
    header = {str(c.value).split("\n")[1]: c for c in ws[1]}
    assert header["supplier_id"].value == "*供应商编号\nsupplier_id"  # * = required
    assert header["name_en"].value == "英文名称\nname_en"
    uscc_note = header["uscc"].comment.text
    assert "必填" in uscc_note and "18位" in uscc_note and "required" in uscc_note
    assert "劳务派遣类必填" in header["dispatch_permit_no"].comment.text
    assert "长期" in header["license_expiry"].comment.text
    lists = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    category = lists[header["category"].column_letter + "2"]
    assert category.type == "list" and "劳务外包" in category.formula1 and "IT服务" in category.formula1
    assert ws.column_dimensions[header["bank_account"].column_letter].number_format == "@"  # keeps leading zeros
    assert ws.column_dimensions[header["nda_signed_date"].column_letter].number_format == "yyyy-mm-dd"
    items = (
        load_workbook(tmp_path / "c.xlsx")
        if main(["template", "contracts", "-o", str(tmp_path / "c.xlsx")]) == 0
        else None
    )
    assert [w.title for w in items.worksheets] == ["合同", "服务项目", "填写说明 Instructions"]


def test_template_never_overwrites_and_refuses_unknown_kinds(tmp_path, capsys):
    target = tmp_path / "evaluations_template.xlsx"
    target.write_bytes(b"my own file")
    assert main(["template", "evaluations", "-o", str(target)]) == 2
    assert target.read_bytes() == b"my own file" and "--force" in capsys.readouterr().err
    assert main(["template", "evaluations", "-o", str(target), "--force"]) == 0
    assert main(["template", "invoices", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "suppliers" in capsys.readouterr().err


def test_template_is_the_same_file_every_time(tmp_path):
    from pipeline.documents.input_workbooks import template_bytes

    assert template_bytes("contracts") == template_bytes("contracts")


def test_a_template_prints_one_page_wide_with_its_header_on_every_page_and_explains_itself(tmp_path):
    from pipeline.config.resources import load_schema
    from pipeline.runs.blank_workbook import write_template

    path = write_template("suppliers", tmp_path / "suppliers.xlsx")
    wb = load_workbook(path)
    data, notes = wb.worksheets
    assert data.page_setup.orientation == "landscape" and data.page_setup.fitToWidth == 1
    assert data.sheet_properties.pageSetUpPr.fitToPage and data.print_title_rows == "$1:$1"
    headers = {str(c.value).split("\n")[1]: c.column_letter for c in data[1]}
    assert data.column_dimensions[headers["bank_account"]].width >= 21  # a 19-digit account shows whole
    listed = {r[1] for r in notes.iter_rows(values_only=True) if r[1]}
    assert set(load_schema("suppliers")["properties"]) <= listed  # every column explained
    assert "Instructions" in notes.title and "do not change or delete it" in str(notes["A2"].value)
    evaluations = load_workbook(write_template("evaluations", tmp_path / "evaluations.xlsx")).worksheets[0]
    rate = {str(c.value).split("\n")[1]: c.column_letter for c in evaluations[1]}["on_time_rate"]
    assert evaluations.column_dimensions[rate].number_format == "0.0%"


def test_the_example_rows_on_the_instructions_sheets_validate_together(tmp_path, capsys):
    """Each template's instructions sheet shows one example per column (never on the data sheet,
    where it would be read as data); copied into the data sheets, every kind validates, the
    references between them included."""
    import json

    from pipeline.config.resources import load_schema

    kinds = [
        "suppliers",
        "contracts",
        "evaluations",
        "incidents",
        "candidates",
        "distribution",
        "workers",
        "attendance",
    ]
    files = []
    for kind in kinds:
        name = {"evaluations": "evaluations_2026-10", "attendance": "attendance_2026-10"}.get(kind, kind)
        target = tmp_path / f"{name}.xlsx"
        assert main(["template", kind, "--output", str(target)]) == 0
        wb = load_workbook(target)
        notes = wb.worksheets[-1]
        assert "Instructions" in notes.title
        # the column list, one block per sheet: field (B) -> example (E)
        blocks, current = [], None
        for row in notes.iter_rows(values_only=True):
            if row[1] == "字段 Field":
                assert row[4] == "示例 Example"
                current = {}
                blocks.append(current)
            elif current is not None and row[1]:
                current[row[1]] = row[4]
            elif current is not None:
                current = None
        for ws, example in zip(wb.worksheets[:-1], blocks):
            fields = [str(c.value).split("\n")[1] for c in ws[1]]
            assert set(fields) == set(example)
            table = "contract_items" if ws.title == "服务项目" else kind
            required = load_schema(table).get("required", [])
            assert all(example[f] not in (None, "") for f in required), (table, example)
            assert ws.max_row == 1  # the data sheet itself stays blank
            for col, fld in enumerate(fields, start=1):
                if example[fld] not in (None, ""):
                    ws.cell(row=2, column=col, value=example[fld])
        wb.save(target)
        files.append(target)
    capsys.readouterr()
    code = main(["validate", "--json", *map(str, files)])
    out = json.loads(capsys.readouterr().out)
    assert out["issues"] == [] and code == 0, out["issues"]
    assert set(out["rows_read"]) == {*kinds, "contract_items"} and set(out["rows_read"].values()) == {1}
