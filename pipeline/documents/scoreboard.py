"""The month's scoreboard workbook for management (and the workforce-checks sheet for HR)."""

from __future__ import annotations

import pipeline.documents.workforce as workforce_docs
from pipeline.compute.month import MonthResult
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.documents.formatting import fixed
from pipeline.render.workbooks import StreamedWorkbook

GRADE_FILLS = ("C8E6C9", "BBDEFB", "FFE0B2", "FFCDD2")  # by the band's place in the policy, best first


def scoreboard_bytes(result: MonthResult, policy: Policy) -> bytes:
    wb = StreamedWorkbook()
    kpi_headers = []
    for k in policy.kpis:
        kpi_headers += [f"{k.name_zh} 实际 {k.name_en} actual", f"{k.name_zh} 得分 {k.name_en} score"]
    headers = (
        ["供应商编号 Supplier ID", "供应商名称 Name", "英文名称 English name", "类别 Category", "期间 Period"]
        + kpi_headers
        + [
            "总分 Total",
            "评级 Grade",
            "上期得分 Previous",
            "变化 Change",
            "违约金 Liquidated damages",
            "奖励 Rewards",
            "应付金额 Payable",
            "币种 Currency",
        ]
    )
    rows = []
    for sm in result.suppliers:
        card, s = sm.card, sm.settlement
        kpi_cells = []
        for r in card.kpis:
            kpi_cells += [
                float(r.actual) if r.actual is not None else "N/A",
                float(fixed(r.score)) if r.score is not None else "N/A",
            ]
        prev = sm.previous.total if sm.previous is not None and sm.previous.rated else None
        rows.append(
            [
                sm.supplier_id,
                sm.supplier["name_zh"],
                sm.supplier.get("name_en", ""),
                label("category", sm.supplier["category"])[0],
                result.period.code,
                *kpi_cells,
                float(card.total) if card.rated else "N/A",
                card.band.grade if card.rated else "—",
                float(prev) if prev is not None else None,
                float(card.total - prev) if prev is not None and card.rated else None,
                float(s.penalty_net) if s else None,
                float(s.reward_total) if s else None,
                float(s.payable) if s else None,
                s.currency if s else None,
            ]
        )
    widths = [12, 30, 36, 12, 10] + [12] * len(kpi_headers) + [10, 8, 10, 10, 14, 14, 16, 8]
    formats = ["@"] * 5 + [None] * len(kpi_headers) + [None, "@", None, None] + ["#,##0.00"] * 3 + ["@"]
    grade_col = headers.index("评级 Grade")
    fills = {b.grade: {grade_col: GRADE_FILLS[i]} for i, b in enumerate(policy.grades) if i < len(GRADE_FILLS)}
    wb.sheet(f"评分 {result.period.code}", headers, rows, widths, formats, fills=lambda row: fills.get(row[grade_col]))
    checks = workforce_docs.check_rows(result)
    if checks or result.dispatch is not None:
        wb.sheet(
            "用工合规 Workforce checks",
            [
                "供应商编号 Supplier ID",
                "工号 Worker ID (或合同 or contract)",
                "检查项",
                "Check",
                "严重程度 Severity",
                "说明",
                "Explanation",
            ],
            checks,
            [12, 18, 26, 30, 10, 60, 60],
        )
    return wb.bytes()
