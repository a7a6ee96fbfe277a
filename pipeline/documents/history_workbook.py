"""`vendorflow history --xlsx`: the store's months as a workbook a manager filters and charts.

Sheet `scores` has one row per supplier and one column per month, each value the total its
review report shows (a number, two decimals; blank when not rated or not in that month);
`grades` and `payable` the same for the grade and the payable; `flags` and `notices` list what
each month raised; `runs` is the audit trail; `about` says what the workbook was made from.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter

from pipeline.analysis.history import History, matrix
from pipeline.compute.consequences import ACTION_LABELS
from pipeline.config.labels import label
from pipeline.render.workbooks import fill_sheet, workbook_bytes

IDENTITY_HEADERS = ["供应商编号 Supplier ID", "供应商名称 Name", "英文名称 English name", "类别 Category"]
NUMBER = {"score": "0.00", "payable": "#,##0.00", "flags": "0"}


def _cell(value):
    return float(value) if isinstance(value, Decimal) else value


def _category(code: str | None) -> str:
    if not code:
        return ""
    zh, en = label("category", code)
    return f"{zh} {en}" if en and en != zh else zh


def _matrix_sheet(ws, history: History, value: str) -> None:
    wide = matrix(history, value)
    rows = [
        [r["supplier_id"], r["name_zh"], r["name_en"], _category(r["category"])]
        + [_cell(r[p]) for p in history.periods]
        for r in wide.to_dict("records")
    ]
    fill_sheet(ws, IDENTITY_HEADERS + list(history.periods), rows, [14, 30, 36, 18] + [11] * len(history.periods))
    fmt = NUMBER.get(value)
    if fmt:
        for col in range(5, 5 + len(history.periods)):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = fmt
    if history.periods:
        ws.auto_filter.ref = f"A1:{get_column_letter(4 + len(history.periods))}{len(rows) + 1}"


def history_bytes(history: History, runs, scope: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "scores"
    _matrix_sheet(ws, history, "score")
    if 2 <= len(history.periods) and 1 <= len(history.results["supplier_id"].unique()) <= 12:
        chart = LineChart()
        chart.title = "得分走势 Score trend"
        chart.y_axis.title = "总分 Total"
        n = ws.max_row
        data = Reference(ws, min_col=5, max_col=4 + len(history.periods), min_row=2, max_row=n)
        chart.add_data(data, from_rows=True, titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=5, max_col=4 + len(history.periods), min_row=1, max_row=1))
        for series, row in zip(chart.series, range(2, n + 1)):
            series.tx = SeriesLabel(v=str(ws.cell(row, 1).value))
        ws.add_chart(chart, f"A{n + 3}")
    _matrix_sheet(wb.create_sheet("grades"), history, "grade")
    payable = wb.create_sheet("payable")
    _matrix_sheet(payable, history, "payable")
    fill_sheet(
        wb.create_sheet("flags"),
        ["期间 Period", "供应商编号 Supplier ID", "代码 Code", "严重程度 Severity", "说明", "Message"],
        (
            [f["period"], f["supplier_id"], f["code"], f["severity"], f["message_zh"], f["message_en"]]
            for f in history.flags.sort_values(["period", "supplier_id", "code"]).to_dict("records")
        ),
        [10, 14, 28, 10, 60, 60],
    )
    fill_sheet(
        wb.create_sheet("notices"),
        ["期间 Period", "供应商编号 Supplier ID", "文书 Notice", "状态 Status", "原因", "Reason"],
        (
            [
                a["period"],
                a["supplier_id"],
                " ".join(ACTION_LABELS.get(a["action"], (a["action"], ""))).strip(),
                f"{a['status_from']} → {a['status_to']}" if a["status_to"] else "",
                a["reason_zh"],
                a["reason_en"],
            ]
            for a in history.actions.sort_values(["period", "supplier_id"]).to_dict("records")
        ),
        [10, 14, 36, 22, 60, 60],
    )
    fill_sheet(
        wb.create_sheet("runs"),
        [
            "运行 Run",
            "流程 Flow",
            "期间 Period",
            "开始 Started",
            "结束 Finished",
            "状态 Status",
            "操作人 Run by",
            "主机 Host",
            "规则 Policy sha256",
            "输入 Inputs (sha256)",
            "被取代 Superseded by",
        ],
        (
            [
                r["run_id"],
                r["flow"],
                r["period"],
                r["started_at"],
                r["finished_at"],
                r["status"],
                r["run_by"],
                r["host"],
                r["policy_sha256"],
                r["inputs"],
                r["superseded_by"],
            ]
            for r in runs.to_dict("records")
        ),
        [38, 10, 10, 26, 26, 10, 14, 18, 66, 80, 38],
    )
    fill_sheet(
        wb.create_sheet("about"),
        ["项目 Item", "内容 Value"],
        [
            [
                "来源 Source",
                "vendorflow 历史数据库：每个月份的最新完成运行 / the history store: each month's current run",
            ],
            ["范围 Scope", scope],
            ["月份 Months", ", ".join(history.periods)],
            ["供应商 Suppliers", len(history.suppliers)],
        ],
        [18, 90],
    )
    return workbook_bytes(wb)
