"""The sample data set in inputs/ keeps the promises of tools/make_sample_data.py.

The workbooks are read back with openpyxl (not from the script's constants), so these tests
check the files a user and the pipeline actually see.
"""

import datetime as dt
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]

from pipeline.identifiers import is_valid_uscc  # noqa: E402

INPUTS = ROOT / "inputs"
PERIODS = ("2026-07", "2026-08", "2026-09", "2026-10")
CATEGORIES = {"劳务外包", "劳务派遣", "IT服务", "后勤物业", "物流", "其他"}
TYPES = ("延期交付", "质量缺陷", "安全事件", "合规问题", "投诉")
SEVERITIES = ("低", "中", "高", "严重")
FILES = ["suppliers.xlsx", "contracts.xlsx", *(f"evaluations_{p}.xlsx" for p in PERIODS), "incidents.xlsx"]

SUPPLIER_HEADERS = [
    "供应商编号",
    "供应商名称",
    "英文名称",
    "统一社会信用代码",
    "供应商类别",
    "法定代表人",
    "地址",
    "英文地址",
    "联系人",
    "联系电话",
    "电子邮箱",
    "开户银行",
    "银行账号",
    "营业执照有效期",
    "劳务派遣许可证编号",
    "劳务派遣许可证有效期",
    "资质认证",
    "保密协议签署日期",
    "数据访问级别",
    "状态",
]
CONTRACT_HEADERS = [
    "合同编号",
    "供应商编号",
    "合同类型",
    "开始日期",
    "结束日期",
    "签订日期",
    "月服务费",
    "币种",
    "税率",
    "付款期限(天)",
    "违约金上限(%)",
    "争议解决地",
    "优先语言",
]
ITEM_HEADERS = [
    "合同编号",
    "项目编码",
    "岗位名称",
    "英文岗位名称",
    "计价方式",
    "计量单位",
    "英文计量单位",
    "人数",
    "单价",
    "工资标准",
    "社保公积金",
    "管理费",
    "岗位性质",
    "工作地点",
    "英文工作地点",
    "派遣期限(月)",
]
EVAL_HEADERS = [
    "供应商编号",
    "考核期间",
    "服务质量得分",
    "按时交付率",
    "成本偏差(%)",
    "满意度",
    "合规问题数",
    "投诉次数",
    "培训时长",
    "人员流失率",
    "评估人",
    "备注",
]
INCIDENT_HEADERS = ["事件编号", "供应商编号", "日期", "事件类型", "严重程度", "延误天数", "派遣违约情形", "描述"]
EVAL_FIELDS = {
    "服务质量得分": "quality_score",
    "按时交付率": "on_time_rate",
    "成本偏差(%)": "cost_variance_pct",
    "满意度": "satisfaction",
    "合规问题数": "compliance_issues",
    "投诉次数": "complaints",
}


def read_sheet(path, sheet=None, header_row=1):
    """(headers, rows as dicts by Chinese header, cells of the data rows)."""
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = list(ws.iter_rows(min_row=header_row))
    headers = [c.value for c in rows[0]]
    data = [r for r in rows[1:] if any(c.value is not None for c in r)]
    return headers, [dict(zip(headers, (c.value for c in r))) for r in data], [dict(zip(headers, r)) for r in data]


def as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.fixture(scope="module")
def suppliers():
    return read_sheet(INPUTS / "suppliers.xlsx", "供应商", header_row=2)


@pytest.fixture(scope="module")
def contracts():
    return read_sheet(INPUTS / "contracts.xlsx", "contracts")


@pytest.fixture(scope="module")
def items():
    return read_sheet(INPUTS / "contracts.xlsx", "items")


@pytest.fixture(scope="module")
def evaluations():
    return {p: read_sheet(INPUTS / f"evaluations_{p}.xlsx") for p in PERIODS}


@pytest.fixture(scope="module")
def incidents():
    return read_sheet(INPUTS / "incidents.xlsx")


# --- the files --------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_file_exists_with_fixed_properties(name):
    wb = load_workbook(INPUTS / name)
    assert wb.properties.creator == "供应商管理部"
    assert wb.properties.created == dt.datetime(2026, 11, 1)
    assert wb.properties.modified == dt.datetime(2026, 11, 1)


def test_generator_is_deterministic_and_inputs_are_up_to_date(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_sample_data.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (INPUTS / name).read_bytes(), (
            f"inputs/{name} differs from what tools/make_sample_data.py writes: rerun it"
        )


# --- suppliers --------------------------------------------------------------------------


def test_supplier_sheet_layout():
    wb = load_workbook(INPUTS / "suppliers.xlsx")
    ws = wb["供应商"]
    assert ws["A1"].value == "供应商名录 Supplier master（截至2026年10月31日）"
    assert any(str(r).startswith("A1:") and r.max_col == len(SUPPLIER_HEADERS) for r in ws.merged_cells.ranges)
    assert [c.value for c in ws[2]] == SUPPLIER_HEADERS


def test_at_least_16_suppliers_with_unique_ids(suppliers):
    _, rows, _ = suppliers
    ids = [r["供应商编号"] for r in rows]
    assert len(ids) >= 16
    assert len(set(ids)) == len(ids)
    assert {f"S{i:03d}" for i in range(1, 17)} <= set(ids)


def test_every_category_present(suppliers):
    _, rows, _ = suppliers
    counts = Counter(r["供应商类别"] for r in rows)
    assert set(counts) == CATEGORIES
    for cat in CATEGORIES - {"其他"}:
        assert counts[cat] >= 2, cat
    assert counts["其他"] >= 1


def test_every_uscc_valid_and_unique(suppliers):
    _, rows, _ = suppliers
    codes = [r["统一社会信用代码"] for r in rows]
    assert all(isinstance(c, str) and is_valid_uscc(c) for c in codes), codes
    assert all(c.startswith("91") and c[2:8].isdigit() for c in codes)
    assert len(set(codes)) == len(codes)


def test_supplier_fields_are_realistic(suppliers):
    _, rows, cells = suppliers
    for r, c in zip(rows, cells):
        sid = r["供应商编号"]
        assert re.fullmatch(r"1[3-9]\d{9}", r["联系电话"]), sid
        assert re.fullmatch(r"[a-z.]+@[a-z0-9.-]+\.[a-z.]+", r["电子邮箱"]), sid
        assert isinstance(r["银行账号"], str) and r["银行账号"].isdigit(), sid
        for field in ("供应商名称", "英文名称", "法定代表人", "地址", "英文地址", "联系人", "开户银行", "资质认证"):
            assert isinstance(r[field], str) and r[field].strip(), (sid, field)
        assert r["数据访问级别"] in {"无", "内部", "机密", "绝密"}, sid
        assert r["状态"] in {"候选", "合格", "考察期", "暂停", "已退出"}, sid
        lic = r["营业执照有效期"]
        assert lic == "长期" or (isinstance(lic, dt.datetime) and c["营业执照有效期"].number_format == "yyyy-mm-dd"), (
            sid
        )
        nda = r["保密协议签署日期"]
        assert nda is None or (isinstance(nda, dt.datetime) and c["保密协议签署日期"].number_format == "yyyy-mm-dd")
    assert sum(1 for r in rows if r["保密协议签署日期"] is not None) >= 12
    assert any(r["状态"] == "候选" for r in rows)


def test_dispatch_permit_present_for_every_dispatch_supplier(suppliers):
    _, rows, cells = suppliers
    for r, c in zip(rows, cells):
        if r["供应商类别"] == "劳务派遣":
            assert re.fullmatch(r"[\u4e00-\u9fff]+人社派许字第\d{4}号", r["劳务派遣许可证编号"] or ""), r
            assert isinstance(r["劳务派遣许可证有效期"], dt.datetime), r
            assert c["劳务派遣许可证有效期"].number_format == "yyyy-mm-dd"
        else:
            assert r["劳务派遣许可证编号"] is None and r["劳务派遣许可证有效期"] is None, r
    s002 = next(r for r in rows if r["供应商编号"] == "S002")
    assert s002["供应商类别"] == "劳务派遣"
    assert as_date(s002["劳务派遣许可证有效期"]) == dt.date(2026, 12, 20)


# --- contracts --------------------------------------------------------------------------


def test_contract_sheets(contracts, items, suppliers):
    headers, rows, cells = contracts
    assert headers == CONTRACT_HEADERS
    assert items[0] == ITEM_HEADERS
    supplier_ids = {r["供应商编号"] for r in suppliers[1]}
    for r, c in zip(rows, cells):
        no = r["合同编号"]
        assert re.fullmatch(r"HT-20\d\d-[A-Z]{2}-\d{3}", no)
        assert r["供应商编号"] in supplier_ids
        assert r["合同类型"] in {"外包服务", "劳务外包", "劳务派遣"}
        for f in ("开始日期", "结束日期", "签订日期"):
            assert isinstance(r[f], dt.datetime) and c[f].number_format == "yyyy-mm-dd", (no, f)
        assert r["签订日期"] <= r["开始日期"] < r["结束日期"]
        assert r["币种"] == "CNY" and r["优先语言"] == "中文"
        assert 0 < r["税率"] < 1
        assert r["违约金上限(%)"] in (10, 15, 20)
        assert r["付款期限(天)"] in (30, 45, 60)
        assert r["争议解决地"]
    assert len({r["合同编号"] for r in rows}) == len(rows)


def test_contract_fees_and_items(contracts, items):
    _, rows, _ = contracts
    by_contract = {}
    types = {r["合同编号"]: r["合同类型"] for r in rows}
    for it in items[1]:
        assert it["单价"] > 0 and it["岗位名称"] and it["英文岗位名称"]
        # labour outsourcing is priced on results (S013's per-head contract is the flagged exception)
        if types[it["合同编号"]] == "劳务外包":
            assert it["项目编码"] and it["计价方式"] in ("固定费用", "按量计价", "按人月"), it
            assert (it["计价方式"] == "按人月") == it["合同编号"].endswith("-013"), it
            assert (it["计量单位"] is not None) == (it["计价方式"] == "按量计价"), it
        if it["计价方式"] in ("固定费用", "按量计价"):
            assert it["人数"] is None, it
            continue
        assert isinstance(it["人数"], int) and it["人数"] > 0
        by_contract.setdefault(it["合同编号"], []).append(round(it["人数"] * it["单价"], 2))
    assert set(by_contract) == {r["合同编号"] for r in rows} - {"HT-2026-LO-001", "HT-2026-LO-007"}
    assert all(1 <= len(v) <= 4 for v in by_contract.values())
    # dispatch posts give wage + social insurance + management fee, adding up to the unit price
    dispatch = {r["合同编号"] for r in rows if r["合同类型"] == "劳务派遣"}
    for it in items[1]:
        parts = [it["工资标准"], it["社保公积金"], it["管理费"]]
        if it["合同编号"] in dispatch:
            assert all(p is not None and p > 0 for p in parts) and round(sum(parts), 2) == it["单价"], it
            # a post with its nature, place and period; a temporary post for at most six months
            assert it["岗位性质"] in ("临时性", "辅助性", "替代性") and it["工作地点"] and it["派遣期限(月)"], it
            assert it["岗位性质"] != "临时性" or it["派遣期限(月)"] <= 6, it
        else:
            assert parts == [None, None, None], it
    blank = [r["合同编号"] for r in rows if r["月服务费"] is None]
    assert blank == ["HT-2026-LO-001", "HT-2026-LO-007"]  # priced per unit of accepted work
    fees = [r for r in rows if r["月服务费"] is not None]
    matching = [r for r in fees if abs(sum(by_contract[r["合同编号"]]) - r["月服务费"]) < 0.005]
    assert len(matching) > len(rows) / 2
    assert all(10_000 <= r["月服务费"] < 1_000_000 for r in fees)
    assert any(round(r["月服务费"] % 1, 2) != 0 for r in fees), "some fee should have fen"


def test_contract_dates_tell_the_story(contracts, evaluations):
    _, rows, _ = contracts
    evaluated = {r["供应商编号"] for r in evaluations["2026-08"][1]}
    day = dt.date(2026, 8, 1)
    while day <= dt.date(2026, 10, 31):
        for sup in evaluated:
            active = [
                r for r in rows if r["供应商编号"] == sup and as_date(r["开始日期"]) <= day <= as_date(r["结束日期"])
            ]
            assert len(active) == 1, (sup, day)
        day += dt.timedelta(days=1)
    assert any(as_date(r["开始日期"]) == dt.date(2026, 10, 16) for r in rows)
    ending_soon = [r for r in rows if dt.date(2026, 11, 1) <= as_date(r["结束日期"]) <= dt.date(2027, 1, 31)]
    assert len(ending_soon) >= 2


# --- evaluations ------------------------------------------------------------------------


def test_four_evaluation_periods(evaluations, suppliers):
    supplier_rows = suppliers[1]
    candidates = {r["供应商编号"] for r in supplier_rows if r["状态"] == "候选"}
    others = {r["供应商编号"] for r in supplier_rows} - candidates
    assert candidates
    for period in PERIODS:
        headers, rows, cells = evaluations[period]
        assert headers == EVAL_HEADERS
        assert {r["考核期间"] for r in rows} == {period}
        ids = [r["供应商编号"] for r in rows]
        assert set(ids) == others and len(ids) == len(set(ids))
        for r, c in zip(rows, cells):
            assert 0 <= r["服务质量得分"] <= 100
            assert 0 <= r["按时交付率"] <= 1 and c["按时交付率"].number_format == "0.0%"
            assert 0 <= r["人员流失率"] <= 1 and c["人员流失率"].number_format == "0.0%"
            assert isinstance(r["成本偏差(%)"], (int, float))
            assert r["满意度"] is None or (1 <= r["满意度"] <= 5 and round(r["满意度"], 1) == r["满意度"])
            assert isinstance(r["合规问题数"], int) and isinstance(r["投诉次数"], int)
            assert r["培训时长"] >= 0 and r["评估人"] and r["备注"]
    blanks = [(p, r["供应商编号"]) for p in PERIODS for r in evaluations[p][1] if r["满意度"] is None]
    # S003's survey too small (N/A), S005's satisfaction from its surveys (issue 21)
    assert blanks == [("2026-10", "S003"), ("2026-10", "S005")]
    assert any(r["成本偏差(%)"] < 0 for p in PERIODS for r in evaluations[p][1])


def test_evaluation_counts_match_the_incident_log(evaluations, incidents):
    log = Counter((r["供应商编号"], as_date(r["日期"]).strftime("%Y-%m"), r["事件类型"]) for r in incidents[1])
    for period in PERIODS:
        for r in evaluations[period][1]:
            assert r["合规问题数"] == log[(r["供应商编号"], period, "合规问题")], (period, r["供应商编号"])
            assert r["投诉次数"] == log[(r["供应商编号"], period, "投诉")], (period, r["供应商编号"])


# --- incidents --------------------------------------------------------------------------


def test_incidents(incidents, suppliers):
    headers, rows, cells = incidents
    assert headers == INCIDENT_HEADERS
    supplier_ids = {r["供应商编号"] for r in suppliers[1]}
    assert len({r["事件编号"] for r in rows}) == len(rows)
    for r, c in zip(rows, cells):
        assert r["供应商编号"] in supplier_ids
        assert isinstance(r["日期"], dt.datetime) and c["日期"].number_format == "yyyy-mm-dd"
        assert dt.date(2026, 8, 1) <= as_date(r["日期"]) <= dt.date(2026, 10, 31)
        assert r["事件类型"] in TYPES and r["严重程度"] in SEVERITIES and r["描述"]
        if r["事件类型"] == "延期交付" or r["派遣违约情形"] == "工资逾期":  # charged per day late
            assert isinstance(r["延误天数"], int) and r["延误天数"] > 0
        else:
            assert r["延误天数"] is None
    # one dispatch agency's own breach (S014's wages paid late), charged under its agreement
    assert [(r["事件编号"], r["供应商编号"], r["派遣违约情形"]) for r in rows if r["派遣违约情形"]] == [
        ("INC-2610-012", "S014", "工资逾期")
    ]


def test_every_type_severity_combination_present(incidents):
    combos = {(r["事件类型"], r["严重程度"]) for r in incidents[1]}
    missing = {(t, s) for t in TYPES for s in SEVERITIES} - combos
    assert not missing


def test_repeated_quality_defects(incidents):
    counts = Counter(r["供应商编号"] for r in incidents[1] if r["事件类型"] == "质量缺陷")
    assert max(counts.values()) >= 3


# --- the story, recomputed from the workbooks with policy.yaml --------------------------


def _score(policy, record):
    num = den = 0.0
    for kpi in policy["kpis"]:
        value = record.get(kpi["field"])
        if value is None:
            continue
        if kpi["method"] == "linear":
            s = (value - kpi["floor"]) / (kpi["target"] - kpi["floor"]) * 100
        else:
            s = 100 - kpi["points_per_unit"] * value
        num += max(0.0, min(100.0, s)) * kpi["weight"]
        den += kpi["weight"]
    score = num / den
    return next(b["grade"] for b in policy["grades"] if score >= b["min"])


def test_story_grades(evaluations):
    policy = yaml.safe_load((INPUTS / "policy.yaml").read_text(encoding="utf-8"))
    grades = {}
    for period in PERIODS:
        for r in evaluations[period][1]:
            record = {field: r[zh] for zh, field in EVAL_FIELDS.items()}
            grades[(r["供应商编号"], period)] = _score(policy, record)
    assert [grades[("S001", p)] for p in PERIODS] == ["A", "A", "A", "A"]
    assert [grades[("S003", p)] for p in PERIODS] == ["A", "B", "C", "D"]
    assert grades[("S004", "2026-10")] == "D"
    assert {g for (s, p), g in grades.items() if p == "2026-10"} == {"A", "B", "C", "D"}


def test_story_incidents_and_penalty_cap(suppliers, contracts, incidents):
    policy = yaml.safe_load((INPUTS / "policy.yaml").read_text(encoding="utf-8"))
    log = incidents[1]
    # S001: nothing penalty-worthy except at most one low complaint.
    s001 = [r for r in log if r["供应商编号"] == "S001"]
    assert len(s001) <= 1 and all((r["事件类型"], r["严重程度"]) == ("投诉", "低") for r in s001)
    # S003: late deliveries in September and October.
    s003 = {as_date(r["日期"]).month for r in log if r["供应商编号"] == "S003" and r["事件类型"] == "延期交付"}
    assert {9, 10} <= s003
    # S004: access 机密, NDA signed, a critical security breach in October whose penalties
    # exceed the cap of its contract.
    s004 = next(r for r in suppliers[1] if r["供应商编号"] == "S004")
    assert s004["数据访问级别"] == "机密" and s004["保密协议签署日期"] is not None
    october = [r for r in log if r["供应商编号"] == "S004" and as_date(r["日期"]).month == 10]
    assert ("安全事件", "严重") in {(r["事件类型"], r["严重程度"]) for r in october}
    contract = next(r for r in contracts[1] if r["供应商编号"] == "S004")
    type_en = {
        "延期交付": "late_delivery",
        "质量缺陷": "quality_defect",
        "安全事件": "security_breach",
        "合规问题": "compliance",
        "投诉": "complaint",
    }
    sev_en = {"低": "low", "中": "medium", "高": "high", "严重": "critical"}
    pen = policy["penalties"]
    total = sum(
        pen["per_incident"][type_en[r["事件类型"]]][sev_en[r["严重程度"]]]
        + (r["延误天数"] or 0) * pen["late_delivery_pct_per_day"] / 100 * contract["月服务费"]
        for r in october
    )
    assert total > contract["月服务费"] * contract["违约金上限(%)"] / 100
