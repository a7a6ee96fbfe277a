"""`vendorflow history --xlsx`: the store's months as a workbook a manager filters and charts.

Sheet `scores` has one row per supplier and one column per month, each value the total its
review report shows (a number, two decimals; blank when not rated or not in that month);
`grades` and `payable` the same for the grade and the payable; `flags` and `notices` list what
each month raised; `runs` is the audit trail; `about` says what the workbook was made from.
"""

from __future__ import annotations

from pipeline.analysis.history import History, matrix
from pipeline.compute.consequences import ACTION_LABELS
from pipeline.config.labels import label
from pipeline.render.workbooks import StreamedWorkbook

IDENTITY_HEADERS = ["供应商编号 Supplier ID", "供应商名称 Name", "英文名称 English name", "类别 Category"]
NUMBER = {"score": "0.00", "payable": "#,##0.00", "flags": "0"}


def _category(code: str | None) -> str:
    if not code:
        return ""
    zh, en = label("category", code)
    return f"{zh} {en}" if en and en != zh else zh


def _matrix_sheet(wb: StreamedWorkbook, title: str, history: History, value: str):
    wide = matrix(history, value)
    rows = (
        [r["supplier_id"], r["name_zh"], r["name_en"], _category(r["category"])] + [r[p] for p in history.periods]
        for r in wide.to_dict("records")
    )
    fmt = NUMBER.get(value)
    periods = len(history.periods)
    ws, n = wb.sheet(
        title,
        IDENTITY_HEADERS + list(history.periods),
        rows,
        [14, 30, 36, 18] + [11] * periods,
        ["@"] * 4 + [fmt or ("@" if value == "grade" else None)] * periods,
        auto_filter=bool(periods),
    )
    return ws, n


def history_bytes(history: History, runs, scope: str) -> bytes:
    """The workbook, streamed (scores, grades and payable of thousands of suppliers over years)."""
    wb = StreamedWorkbook()
    ws, n = _matrix_sheet(wb, "scores", history, "score")
    periods = len(history.periods)
    if 2 <= periods and 1 <= len(history.results["supplier_id"].unique()) <= 12:
        chart = wb.book.add_chart({"type": "line"})
        ids = list(matrix(history, "score")["supplier_id"])
        for row, sid in enumerate(ids[:n], start=1):
            chart.add_series(
                {
                    "name": str(sid),
                    "categories": ["scores", 0, 4, 0, 3 + periods],
                    "values": ["scores", row, 4, row, 3 + periods],
                    "marker": {"type": "circle"},
                }
            )
        chart.set_title({"name": "得分走势 Score trend"})
        chart.set_y_axis({"name": "总分 Total"})
        chart.set_size({"width": 680, "height": 288})
        ws.insert_chart(f"A{n + 3}", chart)
    _matrix_sheet(wb, "grades", history, "grade")
    _matrix_sheet(wb, "payable", history, "payable")
    wb.sheet(
        "flags",
        ["期间 Period", "供应商编号 Supplier ID", "代码 Code", "严重程度 Severity", "说明", "Message"],
        (
            [f["period"], f["supplier_id"], f["code"], f["severity"], f["message_zh"], f["message_en"]]
            for f in history.flags.sort_values(["period", "supplier_id", "code"]).to_dict("records")
        ),
        [10, 14, 28, 10, 60, 60],
    )
    wb.sheet(
        "notices",
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
    wb.sheet(
        "runs",
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
    wb.sheet(
        "about",
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
        auto_filter=False,
    )
    return wb.bytes()
