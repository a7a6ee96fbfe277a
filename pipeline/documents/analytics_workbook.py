"""summary/analytics_<period>.xlsx: the month's cost analysis and forecast for the controller.

The sheets a manager opens first carry native Excel charts: spend by category, budget against
actual, spend by month, the forecast (XlsxWriter, which also streams the detail sheets). Amounts are numbers with two decimals,
written from Decimal exactly (the same `CostAnalysis` fills the portfolio summary's chapter and
the dashboard, so they agree to the fen); ids and names are text, formula-safe.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.analysis.costs import CostAnalysis, forecast_by_category, forecast_by_contract
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.render.workbooks import StreamedWorkbook

MONEY = "#,##0.00"
PCT = "0.00"
TEXT = "@"
QTY = "#,##0.##"

SPEND = (
    ("base", "合同金额 Contract amount", 16, MONEY),
    ("penalties", "违约金 Liquidated damages", 14, MONEY),
    ("rewards", "奖励 Rewards", 12, MONEY),
    ("payable", "应付金额 Payable", 16, MONEY),
    ("tax_exclusive", "不含税金额 Net of VAT", 16, MONEY),
    ("vat", "税额 VAT", 12, MONEY),
)
CATEGORY = (
    ("currency", "币种 Currency", 8, TEXT),
    ("category_zh", "类别", 12, TEXT),
    ("category_en", "Category", 18, TEXT),
    ("suppliers", "供应商数 Suppliers", 10, "0"),
    *SPEND,
    ("share_pct", "占比(%) Share (%)", 10, PCT),
)
BUDGET = (
    ("category_zh", "类别", 12, TEXT),
    ("category_en", "Category", 18, TEXT),
    ("currency", "币种 Currency", 8, TEXT),
    ("budget", "本月预算 Budget", 16, MONEY),
    ("actual", "本月实际 Actual", 16, MONEY),
    ("variance", "差异(实际−预算) Variance", 16, MONEY),
    ("variance_pct", "差异率(%) Variance (%)", 10, PCT),
    ("ytd_months", "年内月数 Months", 8, "0"),
    ("ytd_budget", "年累计预算 YTD budget", 16, MONEY),
    ("ytd_actual", "年累计实际 YTD actual", 16, MONEY),
    ("ytd_variance", "年累计差异 YTD variance", 16, MONEY),
    ("basis_zh", "依据", 40, TEXT),
    ("basis_en", "Basis", 50, TEXT),
)
MONTH = (("period", "期间 Period", 10, TEXT), ("currency", "币种 Currency", 8, TEXT), ("suppliers", "供应商数 Suppliers", 10, "0"), *SPEND)  # fmt: skip
SUPPLIER = (
    ("supplier_id", "供应商编号 Supplier ID", 12, TEXT),
    ("name_zh", "供应商名称", 30, TEXT),
    ("name_en", "Name", 36, TEXT),
    ("category_zh", "类别 Category", 12, TEXT),
    ("currency", "币种 Currency", 8, TEXT),
    *SPEND,
    ("share_pct", "类别内份额(%) Share of category (%)", 12, PCT),
    ("ytd_payable", "年累计应付 YTD payable", 16, MONEY),
)
UNIT = (
    ("supplier_id", "供应商编号 Supplier ID", 12, TEXT),
    ("name_zh", "供应商名称", 30, TEXT),
    ("contract_no", "合同编号 Contract No.", 18, TEXT),
    ("item_code", "项目编码 Item", 8, TEXT),
    ("role_zh", "岗位/项目", 20, TEXT),
    ("role_en", "Post / item", 24, TEXT),
    ("pricing", "计价方式 Pricing", 10, TEXT),
    ("currency", "币种 Currency", 8, TEXT),
    ("amount", "本月金额 Amount", 16, MONEY),
    ("quantity", "数量 Quantity", 12, QTY),
    ("unit_zh", "单位", 8, TEXT),
    ("unit_en", "Unit", 10, TEXT),
    ("unit_price", "合同单价 Contract rate", 14, MONEY),
    ("cost_per_unit", "单位成本 Cost per unit", 14, MONEY),
    ("basis_zh", "依据", 24, TEXT),
    ("basis_en", "Basis", 32, TEXT),
)
HHI = (
    ("currency", "币种 Currency", 8, TEXT),
    ("category_zh", "类别", 12, TEXT),
    ("category_en", "Category", 18, TEXT),
    ("suppliers", "供应商数 Suppliers", 10, "0"),
    ("payable", "应付金额 Payable", 16, MONEY),
    ("top_share_pct", "最大份额(%) Largest share (%)", 12, PCT),
    ("hhi", "HHI 指数 HHI", 12, MONEY),
    ("level_zh", "集中度", 10, TEXT),
    ("level_en", "Concentration", 14, TEXT),
)
FORECAST_TOTAL = (
    ("month", "预测月份 Month", 10, TEXT),
    ("currency", "币种 Currency", 8, TEXT),
    ("contracts", "合同数 Contracts", 10, "0"),
    ("base", "合同金额 Contract amount", 16, MONEY),
    ("amount", "预测支出 Forecast spend", 16, MONEY),
)
LEVELS = {"low": ("分散", "unconcentrated"), "moderate": ("中度集中", "moderate"), "high": ("高度集中", "high")}


def _with_labels(rows: Sequence[dict]) -> list[dict]:
    out = []
    for r in rows:
        r = dict(r)
        if "category" in r:
            r["category_zh"], r["category_en"] = label("category", r["category"])
        if "level" in r:
            r["level_zh"], r["level_en"] = LEVELS[r["level"]]
        out.append(r)
    return out


def _forecast_columns(months: Sequence[str]) -> tuple:
    """forecast_detail: one row per contract, the forecast months side by side."""
    return (
        ("supplier_id", "供应商编号 Supplier ID", 12, TEXT),
        ("name_zh", "供应商名称", 30, TEXT),
        ("category_zh", "类别 Category", 12, TEXT),
        ("contract_no", "合同编号 Contract No.", 18, TEXT),
        ("currency", "币种 Currency", 8, TEXT),
        ("ratio", "近期系数 Recent ratio", 10, "0.0000"),
        *(
            column
            for m in months
            for column in (
                (f"base {m}", f"{m} 合同金额 Contract amount", 14, MONEY),
                (f"amount {m}", f"{m} 预测支出 Forecast spend", 14, MONEY),
            )
        ),
        ("total", "三个月合计 Three months", 16, MONEY),
        ("basis_zh", "计算依据", 60, TEXT),
        ("basis_en", "Basis", 70, TEXT),
    )


def _sheet(wb: StreamedWorkbook, title: str, columns, rows: Sequence[dict]):
    ws, _ = wb.sheet(
        title,
        [c[1] for c in columns],
        ([r.get(c[0]) for c in columns] for r in rows),
        [c[2] for c in columns],
        [c[3] for c in columns],
    )
    return ws


def _chart(
    wb: StreamedWorkbook, ws, kind: str, title: str, cats_col: int, value_cols: Sequence[int], n: int, anchor: str
):
    """A native chart of `n` rows under the header: categories from one column, a series per value column."""
    if n == 0:
        return
    chart = wb.book.add_chart({"type": kind})
    name = ws.get_name()
    for col in value_cols:
        chart.add_series(
            {
                "name": [name, 0, col - 1],
                "categories": [name, 1, cats_col - 1, n, cats_col - 1],
                "values": [name, 1, col - 1, n, col - 1],
            }
        )
    chart.set_title({"name": title})
    chart.set_y_axis({"num_format": MONEY})
    chart.set_size({"width": 830, "height": 378})  # 22 × 10 cm
    ws.insert_chart(anchor, chart)


def _col(columns, key: str) -> int:
    return [c[0] for c in columns].index(key) + 1


def analytics_bytes(analysis: CostAnalysis, policy: Policy) -> bytes:
    """The workbook, streamed (at thousands of suppliers its detail sheets are most of its cells)."""
    wb = StreamedWorkbook()
    a = analysis
    base = a.base_currency

    categories = _with_labels(a.by_category)
    ws = _sheet(wb, "by_category", CATEGORY, categories)
    if all(r["currency"] == base for r in categories):  # amounts of different currencies are never charted together
        _chart(wb, ws, "column", f"本月支出（按类别） Spend by category {a.period} ({base})",
               _col(CATEGORY, "category_zh"), [_col(CATEGORY, "payable")], len(categories), f"A{len(categories) + 4}")  # fmt: skip

    budget = _with_labels(a.budget)
    ws = _sheet(wb, "budget", BUDGET, budget)
    _chart(wb, ws, "column", f"预算与实际 Budget against actual {a.period} ({base})", _col(BUDGET, "category_zh"),
           [_col(BUDGET, "budget"), _col(BUDGET, "actual")], len(budget), f"A{len(budget) + 4}")  # fmt: skip

    ws = _sheet(wb, "by_month", MONTH, a.by_month)
    if a.by_month and all(r["currency"] == base for r in a.by_month):
        _chart(wb, ws, "line", f"月度支出 Spend by month ({base})", 1, [_col(MONTH, "payable"), _col(MONTH, "base")],
               len(a.by_month), f"A{len(a.by_month) + 4}")  # fmt: skip

    totals = a.forecast_totals
    ws = _sheet(wb, "forecast", FORECAST_TOTAL, totals)
    by_cat = forecast_by_category(a)  # by category under the totals, after a blank row
    start = len(totals) + 2
    wb.write_row(ws, start, [f"按类别（{base}） By category ({base})"])
    wb.write_row(ws, start + 1, ["类别 Category", *a.forecast_months])
    money = [None, *(wb.format(MONEY) for _ in a.forecast_months)]
    for i, r in enumerate(by_cat, start=start + 2):
        zh, en = label("category", r["category"])
        wb.write_row(ws, i, [f"{zh} {en}", *(r[m] for m in a.forecast_months)], money)
    if totals and all(r["currency"] == base for r in totals):
        _chart(wb, ws, "column", f"未来三个月支出预测 Forecast, next three months ({base})", 1,
               [_col(FORECAST_TOTAL, "amount")], len(totals), f"A{start + len(by_cat) + 4}")  # fmt: skip

    _sheet(wb, "forecast_detail", _forecast_columns(a.forecast_months), _with_labels(forecast_by_contract(a)))

    cm_cols = (
        ("currency", "币种 Currency", 8, TEXT),
        ("category_zh", "类别", 12, TEXT),
        ("category_en", "Category", 18, TEXT),
        *((m, m, 14, MONEY) for m in a.months),
    )
    _sheet(wb, "category_month", cm_cols, _with_labels(a.category_month))
    shares = {(r["currency"], r["supplier_id"]): r["share_pct"] for r in a.concentration}
    _sheet(
        wb,
        "by_supplier",
        SUPPLIER,
        [r | {"share_pct": shares.get((r["currency"], r["supplier_id"]))} for r in _with_labels(a.by_supplier)],
    )
    _sheet(wb, "unit_costs", UNIT, a.unit_costs)
    _sheet(wb, "concentration", HHI, _with_labels(a.hhi))
    wb.sheet("about", ["说明", "Notes"], _notes(a, policy), [80, 90], auto_filter=False)
    return wb.bytes()


def _notes(a: CostAnalysis, policy: Policy) -> list[tuple[str, str]]:
    return [
        (
            f"期间 {a.period}；支出按结算单：合同金额（合同行）、违约金（已扣上限调整）、奖励、应付金额，及其不含税金额与税额。",
            f"Period {a.period}; spend as the statements settled it: contract amount (contract lines), liquidated "
            "damages (after the cap), rewards, payable, and the payable net of VAT and its VAT.",
        ),
        (
            "不同币种的金额从不相加；预算以本位币计。",
            "Amounts in different currencies are never added; budgets are in the base currency.",
        ),
        (
            "差异＝实际−预算：正数为超支。年累计为本年度历史库中已记录的月份（含本月）。",
            "Variance = actual − budget: positive is an overspend. Year to date: the months of the year the history "
            "store recorded, this one included.",
        ),
        (
            "HHI＝各供应商份额（%）平方和：低于 1,500 为分散，1,500–2,500 为中度集中，高于 2,500 为高度集中。",
            "HHI = the sum of the suppliers' squared shares (in %): below 1,500 unconcentrated, 1,500 to 2,500 "
            "moderate, above 2,500 high.",
        ),
        (
            "预测：在执行合同的月服务费或各项目（固定费用；按人月：人数×单价；按量：近三个月平均验收量×单价），"
            "按在执行天数折算，合同到期即停止；乘以该供应商近三个月应付金额与合同金额之比（税、违约金与奖励的近期趋势）。",
            "Forecast: each contract in force at its monthly fee or its items (fixed; per head: headcount × rate; per "
            "unit: the mean accepted volume of the last three months × rate), prorated to the days in force, stopping "
            "when the contract ends; times the supplier's ratio of payable to contract amount over the last three "
            "months (the recent trend of VAT, damages and rewards).",
        ),
        *a.notes,
        (f"评分规则 Policy: {policy.source} sha256 {policy.sha256}", ""),
    ]
