"""成本分析与预测: hand-computed figures over a store of several months, and the sample months'
analytics workbook, portfolio chapter, dashboard and Prefect artifact agreeing to the fen."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import SAMPLE_INPUTS
from docx_reading import docx_text
from openpyxl import load_workbook

from pipeline.analysis.costs import analyse
from pipeline.config.policy import Budgets, load_policy
from pipeline.periods import Period


def _sm(sid, category, base, penalties, rewards, payable, net, vat, score):
    settlement = SimpleNamespace(
        currency="CNY",
        contract_total=D(base),
        penalty_net=D(penalties),
        reward_total=D(rewards),
        payable=D(payable),
        net_of_tax=D(net),
        tax=D(vat),
        bases=(),
        lines=(),
    )
    return SimpleNamespace(
        supplier_id=sid,
        supplier={"supplier_id": sid, "name_zh": f"供应商{sid}", "name_en": f"Supplier {sid}", "category": category},
        settlements=(settlement,),
        card=SimpleNamespace(rated=True, total=D(score)),
        actions=(),
    )


def _past(rows):
    cols = ["period", "supplier_id", "name_zh", "name_en", "category", "currency", "rated", "score"]
    cols += ["base", "penalties", "rewards", "payable", "tax_exclusive", "vat"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


@pytest.fixture
def hand():
    """October 2026 of three suppliers; August (recorded before revision 0003: no split) and September in the store."""
    result = SimpleNamespace(
        period=Period.parse("2026-10"),
        suppliers=(
            _sm("A", "it_services", "100000", "5000", "0", "95000", "89622.64", "5377.36", "80"),
            _sm("B", "it_services", "50000", "0", "1000", "51000", "48113.21", "2886.79", "70"),
            _sm("C", "facility", "30000", "0", "0", "30000", "28301.89", "1698.11", "75"),
        ),
    )
    n = None
    past = _past(
        [
            ("2026-08", "A", "供应商A", "Supplier A", "it_services", "CNY", True, 90.0, n, 0, 0, 100000.0, n, n),
            ("2026-08", "B", "供应商B", "Supplier B", "it_services", "CNY", True, n, n, 0, 0, 50000.0, n, n),
            ("2026-08", "C", "供应商C", "Supplier C", "facility", "CNY", True, n, n, 0, 0, 30000.0, n, n),
            (
                "2026-09",
                "A",
                "供应商A",
                "Supplier A",
                "it_services",
                "CNY",
                True,
                85.0,
                100000,
                0,
                0,
                100000,
                94339.62,
                5660.38,
            ),  # fmt: skip
            (
                "2026-09",
                "B",
                "供应商B",
                "Supplier B",
                "it_services",
                "CNY",
                True,
                60.0,
                50000,
                0,
                0,
                50000,
                47169.81,
                2830.19,
            ),  # fmt: skip
            (
                "2026-09",
                "C",
                "供应商C",
                "Supplier C",
                "facility",
                "CNY",
                True,
                n,
                30000,
                0,
                0,
                30000,
                28301.89,
                1698.11,
            ),
            (
                "2026-11",
                "A",
                "供应商A",
                "Supplier A",
                "it_services",
                "CNY",
                True,
                10.0,
                1,
                0,
                0,
                1,
                1,
                0,
            ),  # later: ignored
        ]
    )
    records = {
        "suppliers": [
            {"supplier_id": s, "name_zh": f"供应商{s}", "category": c, "status": "approved"}
            for s, c in (("A", "it_services"), ("B", "it_services"), ("C", "facility"))
        ],  # fmt: skip
        "contracts": [
            {
                "contract_no": "HT-A",
                "supplier_id": "A",
                "start_date": "2026-01-01",
                "end_date": "2026-12-15",
                "monthly_fee": D(100000),
            },  # fmt: skip
            {
                "contract_no": "HT-B",
                "supplier_id": "B",
                "start_date": "2026-01-01",
                "end_date": "2027-06-30",
                "monthly_fee": None,
            },  # fmt: skip
            {
                "contract_no": "HT-C",
                "supplier_id": "C",
                "start_date": "2026-01-01",
                "end_date": "2027-06-30",
                "monthly_fee": None,
            },  # fmt: skip
            {
                "contract_no": "HT-OLD",
                "supplier_id": "C",
                "start_date": "2025-01-01",
                "end_date": "2026-06-30",
                "monthly_fee": D(9),
            },  # fmt: skip
        ],
        "contract_items": [
            {"contract_no": "HT-B", "item_code": "1", "pricing": "per_head", "headcount": 2, "unit_price": D(25000)},
            {"contract_no": "HT-C", "item_code": "P1", "pricing": "per_unit", "unit_price": D(3)},
        ],
        "work_volume": [
            {"period": p, "contract_no": "HT-C", "item_code": "P1", "quantity": q, "accepted_quantity": q}
            for p, q in (("2026-07", 1), ("2026-08", 9000), ("2026-09", 10000), ("2026-10", 11000))
        ],
    }
    policy = load_policy(SAMPLE_INPUTS / "policy.yaml")
    object.__setattr__(policy, "budgets", Budgets({"it_services": D(140000), "facility": D(35000)}))
    return analyse(result, policy, records, past)


def test_spend_by_category_and_month(hand):
    it = next(r for r in hand.by_category if r["category"] == "it_services")
    assert (it["suppliers"], it["base"], it["penalties"], it["rewards"], it["payable"]) == (
        2,
        150000,
        5000,
        1000,
        146000,
    )
    assert (it["tax_exclusive"], it["vat"], it["share_pct"]) == (D("137735.85"), D("8264.15"), D("82.95"))
    months = {r["period"]: r for r in hand.by_month}
    assert list(months) == ["2026-08", "2026-09", "2026-10"] and hand.months == ("2026-08", "2026-09", "2026-10")
    assert months["2026-08"]["payable"] == D("180000.00") and months["2026-08"]["tax_exclusive"] is None
    assert months["2026-09"]["vat"] == D("10188.68") and months["2026-10"]["payable"] == D("176000")
    assert "2026-08" in hand.notes[0][0]  # recorded without the VAT split: said, not guessed
    assert hand.total()["payable"] == D("176000")


def test_budget_against_actual_month_and_year_to_date(hand):
    it = next(r for r in hand.budget if r["category"] == "it_services")
    assert (it["budget"], it["actual"], it["variance"], it["variance_pct"]) == (140000, 146000, 6000, D("4.29"))
    assert (it["ytd_months"], it["ytd_budget"], it["ytd_actual"], it["ytd_variance"]) == (3, 420000, 446000, 26000)
    fac = next(r for r in hand.budget if r["category"] == "facility")
    assert (fac["variance"], fac["ytd_actual"], fac["ytd_variance"]) == (-5000, 90000, -15000)


def test_concentration_shares_and_hhi(hand):
    hhi = {r["category"]: r for r in hand.hhi}
    # (95,000² + 51,000²) / 146,000² × 10,000 = 5,454.1189…
    assert hhi["it_services"]["hhi"] == D("5454.12") and hhi["it_services"]["level"] == "high"
    assert hhi["it_services"]["top_share_pct"] == D("65.07") and hhi["facility"]["hhi"] == D("10000.00")
    shares = {r["supplier_id"]: r["share_pct"] for r in hand.concentration}
    assert shares == {"A": D("65.07"), "B": D("34.93"), "C": D("100.00")}


def test_forecast_from_the_contracts_in_force(hand):
    rows = {(r["contract_no"], r["month"]): r for r in hand.forecast}
    assert hand.forecast_months == ("2026-11", "2026-12", "2027-01")
    assert not any(c == "HT-OLD" for c, _ in rows)  # ended before this month
    # A: 100,000 a month; ratio (100,000 + 95,000) / (100,000 + 100,000) = 0.975 (August has no contract amount)
    assert rows[("HT-A", "2026-11")]["amount"] == D("97500.00") and rows[("HT-A", "2026-11")]["ratio"] == D("0.9750")
    # December: 15 of 31 days × 3,225.81 = 48,387.15, × 0.975 = 47,177.47; January: ended
    assert rows[("HT-A", "2026-12")]["base"] == D("48387.15") and rows[("HT-A", "2026-12")]["amount"] == D("47177.47")
    assert rows[("HT-A", "2027-01")]["amount"] == 0 and "2026-12-15" in rows[("HT-A", "2027-01")]["basis_en"]
    # B: 2 heads × 25,000, ratio 101,000 / 100,000 = 1.01
    assert rows[("HT-B", "2026-11")]["amount"] == D("50500.00") and "per head 2 × 25,000.00" in rows[("HT-B", "2026-11")]["basis_en"]  # fmt: skip
    # C: the mean accepted volume of August to October (9,000, 10,000, 11,000) × 3.00, ratio 1
    assert rows[("HT-C", "2026-11")]["amount"] == D("30000.00") and "10,000.00 × 3.00" in rows[("HT-C", "2026-11")]["basis_en"]  # fmt: skip
    totals = {r["month"]: r["amount"] for r in hand.forecast_totals}
    assert totals == {"2026-11": D("178000.00"), "2026-12": D("127677.47"), "2027-01": D("80500.00")}


def test_the_workbook_shows_each_contract_s_forecast_months_side_by_side(hand, tmp_path):
    """forecast_detail: one row per contract, each month's contract amount and forecast, the
    three months' total (recomputable), the basis of each month named where they differ."""
    from pipeline.documents.analytics_workbook import analytics_bytes

    book = tmp_path / "analytics.xlsx"
    book.write_bytes(analytics_bytes(hand, load_policy(SAMPLE_INPUTS / "policy.yaml")))
    rows = {r["合同编号 Contract No."]: r for r in _sheet(book, "forecast_detail")}
    assert sorted(rows) == ["HT-A", "HT-B", "HT-C"]
    a = rows["HT-A"]
    assert D(str(a["2026-11 预测支出 Forecast spend"])) == D("97500.00")
    assert D(str(a["2026-12 合同金额 Contract amount"])) == D("48387.15")
    assert D(str(a["2026-12 预测支出 Forecast spend"])) == D("47177.47")
    assert a["2027-01 预测支出 Forecast spend"] == 0
    assert D(str(a["三个月合计 Three months"])) == D("144677.47") and D(str(a["近期系数 Recent ratio"])) == D("0.975")
    assert "2026-12: " in a["Basis"] and "15 of 31 days" in a["Basis"] and "2027-01: contract ended on 2026-12-15" in a["Basis"]  # fmt: skip
    b = rows["HT-B"]  # the same basis every month: said once
    assert "per head 2 × 25,000.00; × 1.0100" in b["Basis"] and "2026-11" not in b["Basis"]
    for r in rows.values():
        months = [D(str(r[f"{m} 预测支出 Forecast spend"])) for m in hand.forecast_months]
        assert sum(months) == D(str(r["三个月合计 Three months"]))
    shares = {r["供应商编号 Supplier ID"]: D(str(r["类别内份额(%) Share of category (%)"])) for r in _sheet(book, "by_supplier")}  # fmt: skip
    assert shares == {"A": D("65.07"), "B": D("34.93"), "C": D("100.00")}


def test_the_analysis_reads_only_the_months_it_shows():
    """The spend window (twelve months) holds the year to date, the forecast's recent months and
    the score trends: older months of the store are not read."""
    from pipeline.analysis.costs import WINDOW, months_read

    read = months_read(Period.parse("2026-10"))
    assert read[0] == "2025-11" and read[-1] == "2026-09" and len(read) == WINDOW - 1
    assert "2026-01" in months_read(Period.parse("2026-12"))  # the whole year to date


def test_the_suppliers_that_moved_most(hand):
    assert [(t["supplier_id"], t["change"]) for t in hand.trends] == [("A", D("-10.00")), ("B", D("10.00"))]
    assert [p for p, _ in hand.trends[0]["points"]] == ["2026-08", "2026-09", "2026-10"]


# --------------------------------------------------------------------------- the sample months


@pytest.fixture(scope="module")
def sample_months(tmp_path_factory):
    from pipeline.runs.monthly import run_month

    base = tmp_path_factory.mktemp("costs")
    inputs = base / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
    for period in ("2026-09", "2026-10"):
        run_month(inputs, base / "out", period)
    return base / "out" / "2026-10"


def _sheet(path: Path, name: str) -> list[dict]:
    ws = load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]


def test_the_workbook_is_in_the_manifest_with_charts_and_money_formats(sample_months):
    import json

    manifest = json.loads((sample_months / "manifest.json").read_text(encoding="utf-8"))
    types = {e["path"]: e["doc_type"] for e in manifest["files"]} if "files" in manifest else {}
    if not types:
        types = {e["path"]: e["doc_type"] for e in manifest["documents"]}
    assert types["summary/analytics_2026-10.xlsx"] == "analytics_workbook"
    assert types["summary/dashboard_2026-10.html"] == "dashboard"
    wb = load_workbook(sample_months / "summary" / "analytics_2026-10.xlsx")
    assert wb.sheetnames[:4] == ["by_category", "budget", "by_month", "forecast"]
    assert all(len(wb[n]._charts) == 1 for n in wb.sheetnames[:4])
    assert wb["by_category"]["H2"].number_format == "#,##0.00"
    units = _sheet(sample_months / "summary" / "analytics_2026-10.xlsx", "unit_costs")
    per_unit = [u for u in units if u["计价方式 Pricing"] == "per_unit" and u["数量 Quantity"]]
    assert per_unit and all(
        D(str(u["单位成本 Cost per unit"])) == D(str(u["合同单价 Contract rate"])) for u in per_unit
    )


def _money(text: str) -> D:
    return D(text.replace(",", "").replace("−", "-"))


def test_the_portfolio_chapter_and_the_dashboard_agree_with_the_workbook(sample_months):
    book = sample_months / "summary" / "analytics_2026-10.xlsx"
    cats = _sheet(book, "by_category")
    budget = _sheet(book, "budget")
    total = sum(D(str(r["应付金额 Payable"])) for r in cats)
    text = docx_text(sample_months / "summary" / "portfolio_2026-10.docx")
    assert "成本分析与预测" in text and "Cost Analysis and Forecast" in text
    for r in cats:
        assert f"{D(str(r['应付金额 Payable'])):,.2f}" in text
    for r in budget:
        assert f"{D(str(r['差异(实际−预算) Variance'])).copy_abs():,.2f}" in text
    html = (sample_months / "summary" / "dashboard_2026-10.html").read_text(encoding="utf-8")
    figures = dict(re.findall(r"data-figure=['\"]([^'\"]+)['\"][^>]*>([^<]+)<", html))
    assert _money(figures["total.payable"]) == total
    for r in budget:
        code = next(c for c in ("labor_outsourcing", "labor_dispatch", "it_services", "facility", "logistics", "other")
                    if __import__("pipeline.config.labels", fromlist=["label"]).label("category", c)[0] == r["类别"])  # fmt: skip
        assert _money(figures[f"budget.{code}.variance"]) == D(str(r["差异(实际−预算) Variance"])).quantize(D("0.01"))
    forecast = _sheet(book, "forecast")
    for r in forecast:
        if r.get("币种 Currency") == "CNY" and r.get("预测月份 Month", "").startswith("20"):
            assert _money(figures[f"forecast.total.{r['预测月份 Month']}"]) == D(str(r["预测支出 Forecast spend"]))
    assert (
        f"{sum(D(str(r['预测支出 Forecast spend'])) for r in forecast if r.get('币种 Currency') == 'CNY'):,.2f}" in text
    )


def test_the_dashboard_is_self_contained_and_escaped(sample_months):
    html = (sample_months / "summary" / "dashboard_2026-10.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html and "@import" not in html
    assert "<svg" in html and "评级分布" in html and "Grade distribution" in html and "Open risks" in html


@pytest.mark.skipif(not shutil.which("chromium"), reason="no headless Chromium installed")
def test_the_dashboard_renders_in_a_real_browser(sample_months, tmp_path):
    shot = tmp_path / "dashboard.png"
    page = sample_months / "summary" / "dashboard_2026-10.html"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}", "--window-size=1400,2000",
         f"file://{page}"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    from PIL import Image

    image = Image.open(shot).convert("L")
    low, high = image.getextrema()
    assert image.size == (1400, 2000) and high - low > 100  # drawn, not blank
    assert len(set(image.resize((140, 200)).getdata())) > 20


def test_the_flow_s_artifacts_carry_the_cost_table(sample_inputs, tmp_path, prefect_harness):
    from prefect.artifacts import Artifact

    from pipeline.orchestration.flows import monthly_flow

    summary = monthly_flow(inputs=str(sample_inputs), outputs=str(tmp_path / "out"), period="2026-10")
    table = Artifact.get("costs-2026-10")
    assert table is not None
    import json

    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    from openpyxl import load_workbook

    sheet = load_workbook(summary.outputs / "summary" / "analytics_2026-10.xlsx", read_only=True)["by_category"]
    header, *lines = list(sheet.iter_rows(values_only=True))
    payable = header.index("应付金额 Payable")
    in_workbook = {f"{line[payable]:,.2f}" for line in lines if line[payable] is not None}
    assert rows and {r["应付 payable"] for r in rows} == in_workbook  # the workbook's by_category, to the fen
    assert not hasattr(summary, "costs")  # the flow's return value stays light: Prefect walks it
    assert "未来三个月支出预测" in Artifact.get("forecast-2026-10").data
