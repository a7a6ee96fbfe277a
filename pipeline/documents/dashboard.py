"""summary/dashboard_<period>.html: the month on one self-contained page, 中文 and English.

Grade distribution, the score trends of the suppliers that moved most, spend by category against
budget, the next three months' forecast and the open risks (high and critical flags). Charts
are inline SVG; no script, no font, no image and no address outside the page, so it opens
offline and from an e-mail. Every data string is escaped (html.escape). Figures come from the
same `CostAnalysis` as the analytics workbook; each figure's cell carries `data-figure`, so a
test (or a reader's tool) can check them against the workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from pipeline.analysis.costs import CostAnalysis, forecast_by_category
from pipeline.compute.money import ZERO
from pipeline.compute.month import MonthResult
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.documents.charts import grade_colour
from pipeline.documents.messages import text

PALETTE = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f")
BUDGET_COLOUR, ACTUAL_COLOUR, OVER_COLOUR = "#90a4ae", "#1565c0", "#c62828"
RISK_ROWS = 200  # the most severe first; the count above the table is all of them


def _m(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _e(value) -> str:
    return escape(str(value), quote=True)


def _cell(value: Decimal | None, key: str) -> str:
    return f'<td class="num" data-figure="{_e(key)}">{_m(value)}</td>'


def _bars(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[Decimal]]], width=640, height=260) -> str:
    """A grouped column chart: `series` are (name, colour, values); values ≥ 0."""
    top = max((v for _, _, values in series for v in values), default=ZERO) or Decimal(1)
    left, bottom, plot_h = 80, 40, height - 70
    group = (width - left - 10) / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">']
    for k in range(5):
        y = 10 + plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{_m(top * (4 - k) / 4)}</text>'
        )
    for i, name in enumerate(labels):
        x0 = left + group * i + group * 0.1
        for j, (sname, colour, values) in enumerate(series):
            v = values[i]
            h = float(v / top) * plot_h if v > 0 else 0
            parts.append(
                f'<rect x="{x0 + bar * j:.1f}" y="{10 + plot_h - h:.1f}" width="{bar * 0.95:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{_e(name)} {_e(sname)}: {_m(v)}</title></rect>'
            )
        parts.append(
            f'<text x="{x0 + group * 0.4:.1f}" y="{height - bottom + 18}" text-anchor="middle" class="axis">{_e(name)}</text>'
        )
    lx = left
    for sname, colour, _ in series:
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 14}" y="{height - 5}" class="axis">{_e(sname)}</text>')
        lx += 14 + 8 * len(sname) + 20
    parts.append("</svg>")
    return "".join(parts)


def _lines(
    periods: Sequence[str], series: Sequence[tuple[str, Sequence[tuple[str, Decimal]]]], width=820, height=280
) -> str:
    left, plot_w, plot_h = 50, width - 230, height - 60
    low = min((v for _, pts in series for _, v in pts), default=ZERO)
    high = max((v for _, pts in series for _, v in pts), default=Decimal(100))
    low, high = max(ZERO, low - 5), min(Decimal(100), high + 5)
    span = (high - low) or Decimal(1)
    step = plot_w / max(len(periods) - 1, 1)
    x_of = {p: left + step * i for i, p in enumerate(periods)}
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">']
    for k in range(5):
        v = low + span * k / 4
        y = 10 + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{v:.0f}</text>')
    for p, x in x_of.items():
        parts.append(f'<text x="{x:.1f}" y="{plot_h + 30}" text-anchor="middle" class="axis">{_e(p)}</text>')
    for n, (name, pts) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        coords = " ".join(f"{x_of[p]:.1f},{10 + plot_h - float((v - low) / span) * plot_h:.1f}" for p, v in pts)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for p, v in pts:
            y = 10 + plot_h - float((v - low) / span) * plot_h
            parts.append(
                f'<circle cx="{x_of[p]:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{_e(name)} {_e(p)}: {v}</title></circle>'
            )
        parts.append(
            f'<text x="{left + plot_w + 12}" y="{20 + 18 * n}" class="legend" fill="{colour}">{_e(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#212121;background:#fafafa}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #1565c0;padding-bottom:4px}
.en{color:#616161;font-size:0.92em}.cards{display:flex;gap:16px;flex-wrap:wrap;margin-top:16px}
.card{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 16px;min-width:220px}
.card .v{font-size:22px;font-weight:bold}.grid{display:flex;gap:24px;flex-wrap:wrap}
.panel{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border:1px solid #e0e0e0;padding:4px 8px}
th{background:#eceff1;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
.over{color:#c62828;font-weight:bold}.under{color:#2e7d32}.axis{font-size:11px;fill:#616161}.legend{font-size:12px}
.sev-critical{color:#fff;background:#c62828;padding:1px 6px;border-radius:3px}.sev-high{color:#fff;background:#ef6c00;padding:1px 6px;border-radius:3px}
"""


def dashboard_html(a: CostAnalysis, result: MonthResult, policy: Policy) -> str:
    org = policy.organisation
    base = a.base_currency
    total = a.total()
    budget_total = sum((r["budget"] for r in a.budget), ZERO)
    actual_total = sum((r["actual"] for r in a.budget), ZERO)
    quarter = sum((r["amount"] for r in a.forecast_totals if r["currency"] == base), ZERO)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>供应商月度看板 Supplier dashboard {_e(a.period)}</title><style>{CSS}</style></head><body>",
        f"<h1>供应商月度看板 <span class='en'>Supplier dashboard</span> {_e(a.period)}</h1>",
        f"<div class='en'>{_e(org.get('name_zh', ''))} · {_e(org.get('name_en', ''))}</div>",
        "<div class='cards'>",
        f"<div class='card'>本月应付 <span class='en'>Payable this month</span><div class='v' data-figure='total.payable'>{_m(total['payable'])}</div><span class='en'>{_e(base)}</span></div>",
        f"<div class='card'>预算 / 实际 <span class='en'>Budget / actual</span><div class='v'><span data-figure='total.budget'>{_m(budget_total)}</span> / <span data-figure='total.actual'>{_m(actual_total)}</span></div><span class='en'>{_e(base)}</span></div>",
        f"<div class='card'>未来三个月预测 <span class='en'>Next three months</span><div class='v' data-figure='total.forecast'>{_m(quarter)}</div><span class='en'>{_e(' · '.join(a.forecast_months))}</span></div>",
        "</div>",
    ]
    # grade distribution
    counts = result.by_grade()
    bands = list(policy.grades)
    out.append("<h2>评级分布 <span class='en'>Grade distribution</span></h2><div class='grid'><div class='panel'>")
    top = max([counts.get(b.grade, 0) for b in bands] + [1])
    svg = ['<svg viewBox="0 0 420 200" width="420" height="200" role="img">']
    for i, b in enumerate(bands):
        n = counts.get(b.grade, 0)
        h = 140 * n / top
        x = 30 + i * 95
        svg.append(f'<rect x="{x}" y="{160 - h:.1f}" width="60" height="{h:.1f}" fill="{grade_colour(i)}"/>')
        svg.append(f'<text x="{x + 30}" y="{152 - h:.1f}" text-anchor="middle" class="legend">{n}</text>')
        svg.append(
            f'<text x="{x + 30}" y="178" text-anchor="middle" class="legend">{_e(b.grade)} {_e(b.label_zh)}</text>'
        )
        svg.append(f'<text x="{x + 30}" y="193" text-anchor="middle" class="axis">{_e(b.label_en)}</text>')
    svg.append("</svg>")
    out.append("".join(svg) + "</div><div class='panel'><table><tr><th>评级 Grade</th><th>供应商数 Suppliers</th></tr>")
    for b in bands:
        out.append(
            f"<tr><td>{_e(b.grade)} {_e(b.label_zh)} {_e(b.label_en)}</td><td class='num' data-figure='grade.{_e(b.grade)}'>{counts.get(b.grade, 0)}</td></tr>"
        )
    out.append("</table></div></div>")

    # score trends
    out.append("<h2>评分变动最大的供应商 <span class='en'>Suppliers whose score moved most</span></h2>")
    if a.trends:
        periods = sorted({p for t in a.trends for p, _ in t["points"]})
        series = [(f"{t['supplier_id']} {t['name_zh']}", t["points"]) for t in a.trends]
        out.append(
            "<div class='grid'><div class='panel'>" + _lines(periods, series) + "</div><div class='panel'><table>"
        )
        out.append("<tr><th>供应商 Supplier</th><th>首月 First</th><th>本月 Last</th><th>变动 Change</th></tr>")
        for t in a.trends:
            cls = "under" if t["change"] > 0 else "over" if t["change"] < 0 else ""
            out.append(
                f"<tr><td>{_e(t['supplier_id'])} {_e(t['name_zh'])}<br><span class='en'>{_e(t['name_en'])}</span></td>"
                f"<td class='num'>{_e(t['points'][0][1])} ({_e(t['points'][0][0])})</td>"
                f"<td class='num'>{_e(t['points'][-1][1])} ({_e(t['points'][-1][0])})</td>"
                f"<td class='num {cls}' data-figure='trend.{_e(t['supplier_id'])}'>{t['change']:+.2f}</td></tr>"
            )
        out.append("</table></div></div>")
    else:
        out.append("<p>尚无两期以上的评分记录 <span class='en'>No supplier has two rated months yet</span></p>")

    # spend against budget
    out.append(f"<h2>类别支出与预算 <span class='en'>Spend by category against budget</span> ({_e(base)})</h2>")
    cats = sorted({r["category"] for r in a.by_category if r["currency"] == base} | {r["category"] for r in a.budget})
    spend = {r["category"]: r for r in a.by_category if r["currency"] == base}
    budget = {r["category"]: r for r in a.budget}
    names = [label("category", c)[0] for c in cats]
    out.append("<div class='grid'><div class='panel'>")
    out.append(
        _bars(
            names,
            [
                ("预算 Budget", BUDGET_COLOUR, [budget[c]["budget"] if c in budget else ZERO for c in cats]),
                (
                    "实际 Actual",
                    ACTUAL_COLOUR,
                    [budget[c]["actual"] if c in budget else spend[c][a.budget_basis] or ZERO for c in cats],
                ),
            ],
        )
    )
    out.append(
        "</div><div class='panel'><table><tr><th>类别 Category</th><th>应付 Payable</th><th>预算 Budget</th><th>差异 Variance</th><th>差异率 %</th><th>年累计差异 YTD variance</th></tr>"
    )
    for c in cats:
        zh, en = label("category", c)
        s, b = spend.get(c), budget.get(c)
        cls = "over" if b and b["variance"] > 0 else "under"
        out.append(
            f"<tr><td>{_e(zh)} <span class='en'>{_e(en)}</span></td>{_cell(s['payable'] if s else ZERO, f'spend.{c}.payable')}"
            + (
                f"{_cell(b['budget'], f'budget.{c}.budget')}<td class='num {cls}' data-figure='budget.{_e(c)}.variance'>{_m(b['variance'])}</td>"
                f"<td class='num {cls}'>{_m(b['variance_pct'])}</td>{_cell(b['ytd_variance'], f'budget.{c}.ytd_variance')}"
                if b
                else "<td>—</td><td>—</td><td>—</td><td>—</td>"
            )
            + "</tr>"
        )
    out.append("</table></div></div>")

    # forecast
    out.append(f"<h2>未来三个月支出预测 <span class='en'>Forecast, next three months</span> ({_e(base)})</h2>")
    by_cat = forecast_by_category(a)
    out.append("<div class='grid'><div class='panel'>")
    out.append(
        _bars(
            list(a.forecast_months),
            [
                (label("category", r["category"])[0], PALETTE[n % len(PALETTE)], [r[m] for m in a.forecast_months])
                for n, r in enumerate(by_cat)
            ],
        )
    )
    out.append(
        "</div><div class='panel'><table><tr><th>类别 Category</th>"
        + "".join(f"<th>{_e(m)}</th>" for m in a.forecast_months)
        + "</tr>"
    )
    for r in by_cat:
        zh, en = label("category", r["category"])
        out.append(
            f"<tr><td>{_e(zh)} <span class='en'>{_e(en)}</span></td>"
            + "".join(_cell(r[m], f"forecast.{r['category']}.{m}") for m in a.forecast_months)
            + "</tr>"
        )
    totals = {r["month"]: r["amount"] for r in a.forecast_totals if r["currency"] == base}
    out.append(
        "<tr><th>合计 Total</th>"
        + "".join(_cell(totals.get(m, ZERO), f"forecast.total.{m}") for m in a.forecast_months)
        + "</tr>"
    )
    out.append(
        "</table><p class='en'>每个数字的计算依据见分析工作簿 forecast_detail 表 / the basis of each figure is in the analytics workbook, sheet forecast_detail</p></div></div>"
    )

    # open risks
    risks = [f for f in result.all_flags() if f.severity in ("critical", "high")]
    risks.sort(key=lambda f: (f.severity != "critical", f.supplier_id or "", f.code))
    names_of = {sm.supplier_id: sm.supplier["name_zh"] for sm in result.suppliers}
    out.append(
        f"<h2>未关闭的高风险 <span class='en'>Open risks (high and critical)</span>: <span data-figure='risks.count'>{len(risks)}</span></h2>"
    )
    out.append(
        "<table><tr><th>严重程度 Severity</th><th>供应商 Supplier</th><th>风险 Risk</th><th>说明</th><th>Description</th></tr>"
    )
    for f in risks[:RISK_ROWS]:
        zh, en = text(f.code, f.facts)
        sev_zh = "严重" if f.severity == "critical" else "高"
        out.append(
            f"<tr><td><span class='sev-{_e(f.severity)}'>{sev_zh} {_e(f.severity)}</span></td>"
            f"<td>{_e(f.supplier_id or '—')} {_e(names_of.get(f.supplier_id, ''))}</td><td>{_e(f.code)}</td><td>{_e(zh)}</td><td class='en'>{_e(en)}</td></tr>"
        )
    if not risks:
        out.append("<tr><td colspan='5'>无 None</td></tr>")
    elif len(risks) > RISK_ROWS:
        more = len(risks) - RISK_ROWS
        out.append(
            f"<tr><td colspan='5'>另有 {more} 项，见供应商月度绩效汇总“风险预警” / {more} more: see the portfolio "
            "summary's Risk Flags</td></tr>"
        )
    out.append("</table>")
    out.append(
        f"<p class='en'>vendorflow · {_e(a.period)} · 数据来自本期结算与历史库 / figures from this month's settlements and the history store</p>"
    )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def dashboard_bytes(a: CostAnalysis, result: MonthResult, policy: Policy) -> bytes:
    return dashboard_html(a, result, policy).encode("utf-8")
