"""The compiled fast path changes nothing but speed: the same records and the same problems,
with the same messages, as jsonschema on every row; and the custom formats."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config.aliases import load_aliases
from pipeline.config.resources import load_schema
from pipeline.identifiers import uscc_check_char
from pipeline.load.reader import RawRow, RawTable, _blank
from pipeline.validation.fastcheck import compile_schema
from pipeline.validation.formats import format_checker, is_email, is_period, is_phone_cn, is_uscc
from pipeline.validation.records import validate_tables

GOOD_USCC = "91350100M000100Y43"
ALIASES = load_aliases(None)

# per field: values a person might type, good and bad, in the types readers return
CHOICES = {
    "supplier_id": ["S1", "S2", "S3", "Ｓ４", " S5 ", "../x", "", "S" * 40, 12.0, True],
    "name_zh": ["甲公司", "乙（北京）有限公司", "  ", "长" * 300, "Bad\x00Name", 3.5],
    "uscc": [GOOD_USCC, GOOD_USCC.lower(), GOOD_USCC[:-1] + "4", "91350100M0001O0Y43", "123", 9.1e17],
    "category": ["劳务外包", "labor_dispatch", "IT服务", "海运", "Other", 1.0],
    "status": ["合格", "approved", "考察期", "黑名单", True],
    "contact_phone": ["13812345678", "021-62345678", "12345", 13812345678.0, "+86 138 1234 5678"],
    "contact_email": ["a@b.cn", "not-an-email", "x@y", 7.0],
    "license_expiry": ["长期", dt.date(2029, 1, 1), "2029/1/1", "2029-13-01", 46000.0, "永久"],
    "dispatch_permit_no": ["沪人社派许字第1号", "", None],
    "dispatch_permit_expiry": [dt.datetime(2027, 1, 1), "2027年1月1日", "明年", -1.0],
    "bank_account": ["6225881234567890", "6225 8812 3456 7890", 6225881234567890123.0, "abc"],
    "period": ["2026-10", "2026年10月", "2026/10", dt.date(2026, 10, 1), "2026-13", "十月"],
    "quality_score": [90.0, 100.0, 0.0, -0.0, 130.0, "九十", "88", "1,000", True, float("nan"), float("inf")],
    "on_time_rate": [0.95, "95%", 95.0, 1.2, "120%", -0.1, "0.9", 1.0],
    "cost_variance_pct": [-1.5, "2.5%", 1000.0, -101.0, "abc"],
    "satisfaction": [4.5, 5.0, 7.0, 0.5, "４.５"],
    "compliance_issues": [0.0, 1.0, 2.5, -1.0, "3次", "0"],
    "complaints": [0.0, 3.0, "两"],
    "turnover_rate": [0.02, "3%", 1.5, "0"],
    "evaluator": ["王敏", "", "x" * 60],
    "comment": ["稳定", "\x07bell", "ok"],
}


def raw_table(kind: str, rows: list[dict], file: str = "f.xlsx", spreadsheet: bool = True) -> RawTable:
    """As a workbook or CSV is read (a tuple of cells per row), or as JSON is (a dict)."""
    fields = list(dict.fromkeys(f for r in rows for f in r))
    table = RawTable(
        kind=kind, file=file, sheet="Sheet1", columns={f: f for f in fields}, fields=fields if spreadsheet else []
    )
    for n, r in enumerate(rows, start=2):
        if spreadsheet:
            values = tuple("" if r.get(f) is None else r.get(f) for f in fields)
            table.rows.append(RawRow(n, None, values, fields))
        else:
            table.rows.append(RawRow(n, {f: v for f, v in r.items() if not _blank(v)}))  # as read_json keeps them
    return table


def random_rows(kind: str, n: int, rnd: random.Random) -> list[dict]:
    props = load_schema(kind)["properties"]
    rows = []
    for _ in range(n):
        row = {}
        for fld in props:
            if fld in CHOICES and rnd.random() < 0.9:
                row[fld] = rnd.choice(CHOICES[fld])
        rows.append(row)
    return rows


def same(tables):
    present = {t.kind for t in tables}
    fast = validate_tables(tables, ALIASES, present=present, fast=True)
    slow = validate_tables(tables, ALIASES, present=present, fast=False)
    assert fast.issues == slow.issues
    for kind in fast.records:
        assert [(r.row, r.data) for r in fast.records[kind]] == [(r.row, r.data) for r in slow.records[kind]]
    return fast


@pytest.mark.parametrize("spreadsheet", [True, False], ids=["xlsx-csv", "json"])
@pytest.mark.parametrize("kind", ["suppliers", "evaluations"])
def test_fast_path_gives_the_same_records_and_issues_on_mixed_rows(kind, spreadsheet):
    rnd = random.Random(20261126)
    rows = random_rows(kind, 3000, rnd)
    # and a run of clean rows, as most of a real file is
    rows += [
        {
            "supplier_id": f"S{n}",
            "name_zh": "甲公司",
            "uscc": GOOD_USCC,
            "category": "其他",
            "status": "合格",
            "period": "2026-10",
            "quality_score": 90.0 + n % 10,
            "on_time_rate": "95%",
        }
        for n in range(2000)
    ]
    props = load_schema(kind)["properties"]
    rows = [{k: v for k, v in r.items() if k in props} for r in rows]
    result = same([raw_table(kind, rows, spreadsheet=spreadsheet)])
    assert result.issues and result.records[kind]  # both kinds of rows were there


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={f: st.sampled_from(v) for f, v in CHOICES.items() if f in load_schema("suppliers")["properties"]},
        ),
        min_size=1,
        max_size=12,
    )
)
def test_fast_path_agrees_with_jsonschema_on_any_suppliers(rows):
    same([raw_table("suppliers", rows)])


def test_a_schema_keyword_the_fast_path_does_not_know_turns_it_off():
    assert (
        compile_schema({"type": "object", "properties": {"a": {"type": "string", "multipleOf": 2}}}, format_checker)
        is None
    )
    assert compile_schema({"type": "object", "oneOf": [{}]}, format_checker) is None
    for kind in ("suppliers", "contracts", "contract_items", "evaluations", "incidents", "candidates"):
        assert compile_schema(load_schema(kind), format_checker) is not None, kind


def test_uscc_format_follows_gb_32100():
    body = "91350100M000100Y4"
    assert is_uscc(body + uscc_check_char(body))
    assert not is_uscc(body + "4") and not is_uscc(body) and not is_uscc(body.lower() + "3")
    for letter in "IOZSV":  # never used in a USCC
        assert not is_uscc("9135010" + letter + "M000100Y43")
    assert uscc_check_char("91110000600037341") == "L"  # a published code's check character


@pytest.mark.parametrize(
    "value,ok",
    [
        ("13812345678", True),
        ("+86 138 1234 5678", True),
        ("021-62345678", True),
        ("0571-87654321-123", True),
        ("400-820-8820", True),
        ("12345678901", False),
        ("1381234567", False),
        ("abc", False),
    ],
)
def test_chinese_phone_numbers(value, ok):
    assert is_phone_cn(value) is ok


@pytest.mark.parametrize(
    "value,ok", [("a.b@c.com.cn", True), ("王@例子.中国", False), ("a@b", False), ("@b.cn", False)]
)
def test_email(value, ok):
    assert is_email(value) is ok


@pytest.mark.parametrize("value,ok", [("2026-10", True), ("2026-1", False), ("2026-13", False), ("202610", False)])
def test_period(value, ok):
    assert is_period(value) is ok
