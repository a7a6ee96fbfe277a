"""The selection event's documents: the comparison report's context and chart, the grid fit
of its comparison table, the same table as a workbook, and the winner as a supplier-master row.

Every figure is formatted here, so the template only places strings. The chart is drawn
with matplotlib's own DejaVu font and ASCII labels only (supplier IDs, numbers): the same
PNG on any machine, with no missing-glyph boxes; its bilingual caption is in the document.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from pipeline.compute.selection import (
    GATE_NAMES,
    GATES,
    TIE_RULE_EN,
    TIE_RULE_ZH,
    Candidate,
    EventResult,
    SelectionPolicy,
    plain_number,
)
from pipeline.config.labels import label
from pipeline.config.resources import SHIPPED_TEMPLATES, load_schema
from pipeline.documents.formatting import date_en, date_zh, fixed, money
from pipeline.documents.messages import text
from pipeline.errors import Issue
from pipeline.render import Image, render_docx
from pipeline.render.environment import normalise_zip
from pipeline.render.workbooks import fill_sheet, safe_cell, workbook_bytes

TEMPLATE = "selection_report.docx"
CHART_WIDTH_MM = 165
DASH = "—"
STATUS_WORDS = {
    "pass": ("√ 通过", "Pass"),
    "fail": ("× 未通过", "Fail"),
    "na": ("不适用", "N/A"),
    "off": ("未启用", "Off"),
}


# --------------------------------------------------------------------------- context


def _name(c: Candidate) -> tuple[str, str]:
    return c.profile.get("name_zh", "") or c.supplier_id, c.profile.get("name_en", "") or ""


def gate_detail(g: Any) -> tuple[str, str]:
    """A gate's detail, from the message catalogue ("", "" when it has none)."""
    return text(g.code, g.facts) if g.code else ("", "")


def tie_notes(c: Candidate) -> list[tuple[str, str]]:
    """Each equal total of the candidate and what decided the order, both languages."""
    out = []
    for t in c.ties:
        zh, en = text(t.code, t.facts)
        out.append(text(t.sentence_code, {"other": t.other, "total": t.total, "reason_zh": zh, "reason_en": en}))
    return out


def _failed_text(c: Candidate) -> tuple[str, str]:
    details = [(g, gate_detail(g)) for g in c.failed_gates]
    return (
        "；".join(f"{GATE_NAMES[g.key][0]}：{d[0]}" for g, d in details),
        "; ".join(f"{GATE_NAMES[g.key][1]}: {d[1]}" for g, d in details),
    )


def _gate_rules(policy: SelectionPolicy) -> list[dict[str, str]]:
    rules = {
        "business_licence": (
            "持有营业执照（统一社会信用代码），且在评审日期仍在有效期内",
            "holds a business licence (unified social credit code) in force on the evaluation date",
        ),
        "dispatch_permit": (
            "劳务派遣类供应商须持有在评审日期有效的劳务派遣经营许可证",
            "a labour-dispatch supplier holds a dispatch permit in force on the evaluation date",
        ),
        "background_check": (
            "背景调查（资质证书、参考客户评价、诚信记录）通过",
            "background check (certificates, client references, integrity record) passed",
        ),
        "site_inspection": (
            "现场考察（设备、人员、管理制度）通过",
            "site inspection (equipment, staff, management system) passed",
        ),
        "blacklist": (
            "不在黑名单中（按统一社会信用代码或供应商编号），且供应商名录状态不是"
            + "、".join(label("status", s)[0] for s in policy.blacklist_statuses),
            "not on the blacklist (by unified social credit code or supplier ID) and not "
            + ", ".join(label("status", s)[1].lower() for s in policy.blacklist_statuses)
            + " in the supplier master",
        ),
        "min_total_score": (
            f"加权总分不低于{plain_number(policy.min_total)}分" if policy.min_total is not None else "不设最低总分",
            f"weighted total of at least {plain_number(policy.min_total)}"
            if policy.min_total is not None
            else "no minimum total",
        ),
    }
    out = []
    for key, zh, en in GATES:
        on = policy.gate_on(key)
        out.append(
            {
                "name_zh": zh,
                "name_en": en,
                "rule_zh": rules[key][0],
                "rule_en": rules[key][1],
                "in_force_zh": "是" if on else "否（未启用）",
                "in_force_en": "yes" if on else "no (off)",
            }
        )
    return out


def _gate_cell(c: Candidate, key: str) -> dict[str, str]:
    g = c.gate(key)
    zh, en = STATUS_WORDS[g.status]
    return {"zh": zh, "en": en}


def _reasons(result: EventResult) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Why the winner, and what the back-up is for, in words a committee signs under."""
    w, b, ranked, policy = result.winner, result.backup, result.ranked, result.policy
    reasons = []
    n = len(ranked)
    if b is not None and w.total <= b.total and w.exact_total != b.exact_total:
        tie = next(t for t in w.ties if t.other == b.supplier_id)
        tie_zh, tie_en = text(tie.code, tie.facts)
        reasons.append(
            {
                "zh": f"与{b.supplier_id}的加权总分四舍五入后为{fixed(w.total)}与{fixed(b.total)}分，按未经四舍五入的总分排名第一：{tie_zh}",
                "en": f"weighted totals {fixed(w.total)} and {b.supplier_id}'s {fixed(b.total)} as rounded; ranked "
                f"first on the exact totals: {tie_en}",
            }
        )
    elif b is not None and w.total == b.total:
        tie = next(t for t in w.ties if t.other == b.supplier_id)
        tie_zh, tie_en = text(tie.code, tie.facts)
        reasons.append(
            {
                "zh": f"与{b.supplier_id}加权总分相同（{fixed(w.total)}分），按平局规则以{tie_zh}排名第一",
                "en": f"weighted total equal to {b.supplier_id}'s ({fixed(w.total)}); ranked first by the tie-break rule: {tie_en}",
            }
        )
    else:
        margin = f"，领先第二名{b.supplier_id} {fixed(w.total - b.total)}分" if b else ""
        margin_en = f", {fixed(w.total - b.total)} ahead of {b.supplier_id}" if b else ""
        reasons.append(
            {
                "zh": f"在通过全部准入条件的{n}家候选供应商中加权总分最高（{fixed(w.total)}分）{margin}",
                "en": f"highest weighted total ({fixed(w.total)}) of the {n} candidate(s) that passed every admission gate{margin_en}",
            }
        )
    best = [c for c in policy.criteria if all(w.scores[c.field] >= o.scores[c.field] for o in ranked)]
    if best:
        reasons.append(
            {
                "zh": "在以下评审标准上得分为入围者中最高："
                + "、".join(f"{c.name_zh}（{fixed(w.scores[c.field])}）" for c in best),
                "en": "highest score among the ranked candidates in: "
                + ", ".join(f"{c.name_en} ({fixed(w.scores[c.field])})" for c in best),
            }
        )
    else:
        top = sorted(policy.criteria, key=lambda c: -(c.weight * w.scores[c.field]))[:2]
        reasons.append(
            {
                "zh": "加权得分贡献最大的标准：" + "、".join(f"{c.name_zh}（{fixed(w.scores[c.field])}）" for c in top),
                "en": "largest weighted contributions: "
                + ", ".join(f"{c.name_en} ({fixed(w.scores[c.field])})" for c in top),
            }
        )
    if w.quote is not None:
        valid = sorted({c.quote for c in result.candidates if c.admitted and c.quote is not None})
        cur = result.policy.currency
        if w.quote == result.benchmark:
            reasons.append(
                {
                    "zh": f"报价{money(w.quote)}元（{cur}），为最低有效报价",
                    "en": f"quote {cur} {money(w.quote)}, the lowest valid quote",
                }
            )
        elif w.quote in valid:
            k = valid.index(w.quote) + 1
            reasons.append(
                {
                    "zh": f"报价{money(w.quote)}元（{cur}），在有效报价中由低到高排第{k}位（最低有效报价{money(result.benchmark)}元）",
                    "en": f"quote {cur} {money(w.quote)}, number {k} from the lowest of the valid quotes (lowest {money(result.benchmark)})",
                }
            )
    passed = [GATE_NAMES[g.key] for g in w.gates if g.status == "pass"]
    reasons.append(
        {
            "zh": "通过全部准入审查：" + "、".join(zh for zh, _ in passed),
            "en": "passed every admission gate in force: " + ", ".join(en.lower() for _, en in passed),
        }
    )
    if w.in_master:
        st_zh, st_en = label("status", w.master_status or "candidate")
        reasons.append(
            {"zh": f"已列入供应商名录（状态：{st_zh}）", "en": f"already in the supplier master (status: {st_en})"}
        )
    else:
        reasons.append(
            {
                "zh": "尚未列入供应商名录：中选后须按准入程序完成入库登记（见 winner_supplier_row.xlsx），补全资料并签订保密协议后方可开展合作",
                "en": "not yet in the supplier master: once approved it is onboarded (see winner_supplier_row.xlsx), "
                "its record completed and an NDA signed before work starts",
            }
        )
    backup = []
    if b is not None:
        backup.append(
            {
                "zh": f"加权总分{fixed(b.total)}分，排名第二，通过全部准入条件",
                "en": f"weighted total {fixed(b.total)}, ranked second, passed every admission gate",
            }
        )
        backup.append(
            {
                "zh": "中选供应商未能签约、或合作期间无法持续履约时，经审批后启用备选供应商，以保障服务连续",
                "en": "if the recommended supplier does not sign, or cannot keep performing, the back-up is engaged "
                "after approval, so the service continues",
            }
        )
    return reasons, backup


def _party(c: Candidate | None) -> dict[str, str]:
    if c is None:
        return {"id": "", "name_zh": "", "name_en": "", "total": "", "rank": "", "quote": ""}
    zh, en = _name(c)
    return {
        "id": c.supplier_id,
        "name_zh": zh,
        "name_en": en,
        "total": fixed(c.total),
        "rank": str(c.rank),
        "quote": money(c.quote) if c.quote is not None else DASH,
    }


def report_context(result: EventResult, issues: Sequence[Issue]) -> dict[str, Any]:
    """Everything the template shows, preformatted; `chart` is filled in at render time."""
    policy = result.policy
    org = policy.organisation
    n, ranked, not_ranked = len(result.candidates), result.ranked, result.not_ranked
    admitted = sum(1 for c in result.candidates if c.admitted)
    cur = policy.currency
    w, b = result.winner, result.backup
    if w is not None:
        summary_zh = (
            f"共{n}家候选供应商参评：{len(ranked)}家通过全部准入条件并参与排名，{len(not_ranked)}家未通过准入条件、不参与排名。"
            f"推荐{w.supplier_id}为中选供应商" + (f"，{b.supplier_id}为备选供应商。" if b else "；无备选供应商。")
        )
        summary_en = (
            f"{n} candidate(s) evaluated: {len(ranked)} passed every admission gate and are ranked, {len(not_ranked)} failed "
            f"a gate and are not ranked. {w.supplier_id} is recommended"
            + (f", with {b.supplier_id} as back-up supplier." if b else "; there is no back-up supplier.")
        )
    else:
        summary_zh = f"共{n}家候选供应商参评，无一通过全部准入条件，本次评选不作推荐。"
        summary_en = f"{n} candidate(s) evaluated; none passed every admission gate, so no supplier is recommended."
    criteria = [
        {
            "name_zh": c.name_zh,
            "name_en": c.name_en,
            "weight": f"{plain_number(c.weight)}%",
            "method_zh": c.method_text()[0],
            "method_en": c.method_text()[1],
        }
        for c in policy.criteria
    ]
    gate_rows = []
    for c in result.candidates:
        zh, en = _name(c)
        gate_rows.append(
            {
                "id": c.supplier_id,
                "name_zh": zh,
                "name_en": en,
                "licence": _gate_cell(c, "business_licence"),
                "permit": _gate_cell(c, "dispatch_permit"),
                "background": _gate_cell(c, "background_check"),
                "site": _gate_cell(c, "site_inspection"),
                "blacklist": _gate_cell(c, "blacklist"),
                "min_score": _gate_cell(c, "min_total_score"),
                "result_zh": "通过" if not c.failed_gates else "未通过",
                "result_en": "Admitted" if not c.failed_gates else "Not admitted",
            }
        )
    score_rows = []
    for c in result.candidates:
        zh, en = _name(c)
        if c.ranked:
            role = {1: ("推荐中选", "Recommended"), 2: ("备选供应商", "Back-up supplier")}.get(
                c.rank, ("入围", "Ranked")
            )
            status_zh, status_en = role
        else:
            status_zh = "未通过准入，不参与排名：" + "、".join(GATE_NAMES[g.key][0] for g in c.failed_gates)
            status_en = "failed " + ", ".join(GATE_NAMES[g.key][1].lower() for g in c.failed_gates) + "; not ranked"
        score_rows.append(
            {
                "rank": str(c.rank) if c.ranked else DASH,
                "id": c.supplier_id,
                "name_zh": zh,
                "name_en": en,
                "quote": money(c.quote) if c.quote is not None else DASH,
                "scores": [fixed(c.scores[k.field]) for k in policy.criteria],
                "total": fixed(c.total),
                "status_zh": status_zh,
                "status_en": status_en,
                "note_zh": "；".join(t[0] for t in tie_notes(c)),
                "note_en": "; ".join(t[1] for t in tie_notes(c)),
            }
        )
    excluded = []
    for c in not_ranked:
        zh, en = _name(c)
        gz, ge = _failed_text(c)
        excluded.append(
            {"id": c.supplier_id, "name_zh": zh, "name_en": en, "gates_zh": gz, "gates_en": ge, "total": fixed(c.total)}
        )
    reasons, backup_reasons = _reasons(result) if w is not None else ([], [])
    notes = [
        {
            "zh": "单项得分与加权总分均四舍五入保留两位小数；排名按表中所列的总分比较，总分相同者按平局规则排序。",
            "en": "Criterion scores and weighted totals are rounded half-up to 0.01; ranks compare the totals as shown in the table, "
            "and equal totals are ordered by the tie-break rule.",
        },
    ]
    if policy.criterion("price") is not None and policy.criterion("price").method == "price_relative":
        low = money(result.benchmark) if result.benchmark is not None else DASH
        if result.benchmark_valid:
            notes.append(
                {
                    "zh": f"价格得分以通过准入条件的候选供应商中的最低报价（{low}元）为基准；"
                    "未通过准入者的报价不作为基准，其价格得分最高计100分。",
                    "en": f"Price scores take the lowest quote of the candidates that passed the admission gates "
                    f"({cur} {low}) as the benchmark; a quote from a candidate that failed a gate never sets it, "
                    "and its own price score is capped at 100.",
                }
            )
        else:
            notes.append(
                {
                    "zh": f"没有候选供应商通过准入条件，价格得分以全部报价中的最低报价（{low}元）为基准，仅供参考。",
                    "en": f"No candidate passed the admission gates, so price scores take the lowest of all quotes "
                    f"({cur} {low}) as the benchmark, for reference only.",
                }
            )
    if not_ranked:
        notes.append(
            {
                "zh": "未通过准入条件的候选供应商，其得分仅供参考，不参与排名。",
                "en": "Scores of candidates that failed an admission gate are shown for reference only; they are not ranked.",
            }
        )
    if w is not None and b is None:
        notes.append(
            {
                "zh": "仅一家候选供应商通过准入条件，本次评选无备选供应商，建议另行寻找备选供应商。",
                "en": "Only one candidate passed the admission gates, so there is no back-up supplier; the office should look for one.",
            }
        )
    rejected = [
        {
            "file": i.file,
            "row": str(i.row) if i.row is not None else DASH,
            "column": i.column or DASH,
            "value": i.value or "",
            "message_zh": i.message_zh,
            "message_en": i.message_en,
        }
        for i in issues
    ]
    return {
        "org": {
            "name_zh": org.get("name_zh", ""),
            "name_en": org.get("name_en", ""),
            "department_zh": org.get("department_zh", ""),
            "department_en": org.get("department_en", ""),
        },
        "doc": {
            "no": f"PS-{result.event_id}",
            "date_zh": date_zh(result.event_date),
            "date_en": date_en(result.event_date),
        },
        "event": {
            "id": result.event_id,
            "title": result.title or f"供应商选择 {result.event_id}",
            "date_zh": date_zh(result.event_date),
            "date_en": date_en(result.event_date),
            "currency": cur,
            "count": str(n),
            "admitted": str(admitted),
            "ranked": str(len(ranked)),
            "not_ranked": str(len(not_ranked)),
            "summary_zh": summary_zh,
            "summary_en": summary_en,
        },
        "criteria": criteria,
        "weight_total": f"{plain_number(sum((c.weight for c in policy.criteria), Decimal(0)))}%",
        "gate_rules": _gate_rules(policy),
        "gate_rows": gate_rows,
        "score_rows": score_rows,
        "formula_zh": "加权总分 = Σ（权重 × 单项得分）÷ 100",
        "formula_en": "Weighted total = Σ (weight × criterion score) ÷ 100",
        "tie_rule_zh": TIE_RULE_ZH,
        "tie_rule_en": TIE_RULE_EN,
        "chart": "",
        "excluded": excluded,
        "recommendation": {
            "made": w is not None,
            "has_backup": b is not None,
            "winner": _party(w),
            "backup": _party(b),
            "reasons": reasons,
            "backup_reasons": backup_reasons,
        },
        "rejected": rejected,
        "notes": notes,
    }


# --------------------------------------------------------------------------- chart


def chart_png(result: EventResult) -> bytes:
    """Horizontal bars of weighted totals, rank 1 on top; reproducible bytes."""
    import matplotlib  # ~0.5 s: loaded only when the event's chart is drawn
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    cands = result.candidates
    colours = {1: "#1F4E79", 2: "#2E75B6"}
    rc = {
        "svg.hashsalt": "vendorflow",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.color": "#7F7F7F",
    }
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(7.0, 0.38 * len(cands) + 1.3), dpi=150)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ys = list(range(len(cands)))
        for y, c in zip(ys, cands):
            total = float(c.total)
            if c.ranked:
                ax.barh(y, total, color=colours.get(c.rank, "#9DC3E6"), height=0.62)
                text = f"{fixed(c.total)}"
            else:
                ax.barh(y, total, color="#D9D9D9", hatch="///", edgecolor="#7F7F7F", height=0.62, linewidth=0.6)
                text = f"{fixed(c.total)}  not ranked: " + ", ".join(
                    GATE_NAMES[g.key][1].lower() for g in c.failed_gates
                )
            ax.text(total + 1, y, text, va="center", fontsize=8)
        if result.policy.min_total is not None:
            ax.axvline(float(result.policy.min_total), color="#C00000", linestyle="--", linewidth=0.9, zorder=0)
            ax.text(
                float(result.policy.min_total),
                -0.75,
                f"minimum {plain_number(result.policy.min_total)}",
                color="#C00000",
                fontsize=7.5,
                ha="center",
                va="bottom",
            )
        ax.set_yticks(ys, [f"{'#' + str(c.rank) if c.ranked else '--'}  {c.supplier_id}" for c in cands])
        ax.set_ylim(len(cands) - 0.5, -1.0)
        ax.set_xlim(0, 135)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Weighted total (0-100)")
        ax.legend(
            handles=[
                Patch(color="#1F4E79", label="Recommended"),
                Patch(color="#2E75B6", label="Back-up"),
                Patch(color="#9DC3E6", label="Ranked"),
                Patch(facecolor="#D9D9D9", hatch="///", edgecolor="#7F7F7F", label="Failed a gate"),
            ],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=4,
            frameon=False,
            fontsize=8,
        )
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


# --------------------------------------------------------------------------- render


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text_width(sect) -> int | None:
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    if size is None or margins is None:
        return None
    return int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))


def fit_table_grids(body) -> None:
    """Column loops ({%tc %}) leave a table's grid out of step with its cells (docxtpl
    spreads the columns evenly); set each grid from the widest row's cell widths, scaled to
    the text width of its section, so narrow columns stay narrow and names get room."""
    pending, assigned = [], []
    for child in body.iterchildren():
        if child.tag == f"{W}tbl":
            pending.append(child)
        elif child.tag == f"{W}p":
            sect = child.find(f"{W}pPr/{W}sectPr")
            if sect is not None:
                assigned += [(t, _text_width(sect)) for t in pending]
                pending = []
        elif child.tag == f"{W}sectPr":
            assigned += [(t, _text_width(child)) for t in pending]
            pending = []
    for tbl, width in assigned:
        grid = tbl.find(f"{W}tblGrid")
        rows = tbl.findall(f"{W}tr")
        if grid is None or not rows or not width:
            continue
        widest = max(rows, key=lambda r: len(r.findall(f"{W}tc")))
        cells = widest.findall(f"{W}tc")
        if any(c.find(f"{W}tcPr/{W}gridSpan") is not None for c in cells):
            continue
        widths = [
            int(c.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) if c.find(f"{W}tcPr/{W}tcW") is not None else 0 for c in cells
        ]
        cols = grid.findall(f"{W}gridCol")
        if len(cols) == len(widths) and sum(widths) == width and [int(c.get(f"{W}w")) for c in cols] == widths:
            continue
        if not all(widths):
            continue
        scaled = [w * width // sum(widths) for w in widths]
        scaled[-1] += width - sum(scaled)
        for col in cols:
            grid.remove(col)
        for w in scaled:
            col = grid.makeelement(f"{W}gridCol", {f"{W}w": str(w)})
            grid.append(col)
        for row in rows:
            row_cells = row.findall(f"{W}tc")
            if len(row_cells) == len(scaled):
                for cell, w in zip(row_cells, scaled):
                    tcw = cell.find(f"{W}tcPr/{W}tcW")
                    if tcw is not None:
                        tcw.set(f"{W}w", str(w))
                        tcw.set(f"{W}type", "dxa")
            elif len(row_cells) == 1:
                tcpr = row_cells[0].find(f"{W}tcPr")
                tcw, span = tcpr.find(f"{W}tcW"), tcpr.find(f"{W}gridSpan")
                if tcw is not None:
                    tcw.set(f"{W}w", str(width))
                if span is not None:
                    span.set(f"{W}val", str(len(scaled)))


def fit_grids(docx: bytes) -> bytes:
    """fit_table_grids on a rendered document's bytes (reproducible zip again)."""

    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "word/document.xml":
                root = etree.fromstring(data)
                fit_table_grids(root.find(f"{W}body"))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(name, data)
    return normalise_zip(out.getvalue())


def render_report(
    context: dict[str, Any], chart: bytes | None, document: str = "", templates: Path = SHIPPED_TEMPLATES
) -> bytes:
    """Through the shared render_docx (sandboxed, autoescaped, StrictUndefined); the chart
    goes in as a render.Image, and the score table's grid is fitted to its cells afterwards."""
    full = dict(context)
    full["chart"] = Image(chart, width_mm=CHART_WIDTH_MM) if chart else ""
    return fit_grids(render_docx(str(templates / TEMPLATE), full, document or TEMPLATE))


# --------------------------------------------------------------------------- workbooks


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def table_workbook(result: EventResult) -> bytes:
    """The report's score table, gate results and criteria as a workbook (formula-safe)."""
    policy = result.policy
    wb = Workbook()
    ws = wb.active
    ws.title = "评分汇总 Scores"
    crit_heads = [f"{c.name_zh} {c.name_en} ({plain_number(c.weight)}%)" for c in policy.criteria]
    headers = (
        [
            "排名 Rank",
            "供应商编号 Supplier ID",
            "供应商名称 Name",
            "英文名称 English name",
            "在供应商名录中 In master",
            f"报价 Quote ({policy.currency})",
        ]
        + crit_heads
        + ["加权总分 Weighted total", "结论 Result", "未通过的准入条件 Failed gates", "说明 Note"]
    )
    rows = []
    for c in result.candidates:
        zh, en = _name(c)
        gz, ge = _failed_text(c)
        result_text = (
            {1: "推荐中选 Recommended", 2: "备选供应商 Back-up supplier"}.get(c.rank, "入围 Ranked")
            if c.ranked
            else "未通过准入 Not admitted"
        )
        rows.append(
            [
                c.rank if c.ranked else DASH,
                c.supplier_id,
                zh,
                en,
                "是 yes" if c.in_master else "否 no",
                _f(c.quote),
                *[_f(c.scores[k.field]) for k in policy.criteria],
                _f(c.total),
                result_text,
                f"{gz} / {ge}" if gz else "",
                "；".join(t[0] for t in tie_notes(c))
                + (" / " + "; ".join(t[1] for t in tie_notes(c)) if c.ties else ""),
            ]
        )
    fill_sheet(ws, headers, rows, [8, 14, 30, 36, 12, 16] + [12] * len(crit_heads) + [12, 22, 50, 60])
    quote_col, first_score = 6, 7
    for row in ws.iter_rows(min_row=2):
        row[quote_col - 1].number_format = "#,##0.00"
        for cell in row[first_score - 1 : first_score - 1 + len(crit_heads) + 1]:
            cell.number_format = "0.00"

    gates = wb.create_sheet("准入审查 Gates")
    gate_headers = ["供应商编号 Supplier ID", "供应商名称 Name"]
    for _, zh, en in GATES:
        gate_headers += [f"{zh} {en}", f"{zh}说明 {en} detail"]
    gate_headers.append("结论 Result")
    gate_rows = []
    for c in result.candidates:
        cells = [c.supplier_id, _name(c)[0]]
        for key, _, _ in GATES:
            g = c.gate(key)
            zh, en = STATUS_WORDS[g.status]
            dz, de = gate_detail(g)
            cells += [f"{zh} {en}", f"{dz} / {de}" if dz else ""]
        cells.append("通过 Admitted" if not c.failed_gates else "未通过 Not admitted")
        gate_rows.append(cells)
    fill_sheet(gates, gate_headers, gate_rows, [14, 30] + [12, 36] * len(GATES) + [16])

    crit = wb.create_sheet("评审标准 Criteria")
    fill_sheet(
        crit,
        ["标准 Criterion", "Criterion", "字段 Field", "权重 Weight (%)", "评分方法", "Scoring method"],
        ([c.name_zh, c.name_en, c.field, float(c.weight), *c.method_text()] for c in policy.criteria),
        [14, 18, 14, 12, 50, 60],
    )
    info = wb.create_sheet("规则 Rules")
    fill_sheet(
        info,
        ["项目 Item", "内容 Content"],
        [
            ["评选编号 Event", result.event_id],
            ["评审日期 Date", result.event_date],
            [
                "加权总分 Weighted total",
                "Σ（权重 × 单项得分）÷ 100 / Σ (weight × score) ÷ 100, rounded half-up to 0.01",
            ],
            ["平局规则 Tie-break", f"{TIE_RULE_ZH} / {TIE_RULE_EN}"],
            ["最低有效报价 Lowest valid quote", _f(result.benchmark)],
        ],
        [28, 120],
    )
    return workbook_bytes(wb)


def winner_row_workbook(result: EventResult, labels: dict[str, str]) -> bytes | None:
    """The winner as one supplier-master row with the master's Chinese headers (required ones
    in red); blanks to fill are shaded yellow. Copy the row into suppliers.xlsx, or rename this
    file suppliers_<id>.xlsx and drop it into inputs/."""
    w = result.winner
    if w is None:
        return None

    fields = list(load_schema("suppliers")["properties"])
    required = set(load_schema("suppliers").get("required", []))
    profile = dict(w.profile)
    profile.setdefault("status", "candidate")
    values = []
    for fld in fields:
        v = profile.get(fld)
        if v is None:
            values.append(None)
        elif fld in ("category", "status", "data_access_level"):
            values.append(label(fld, v)[0])
        elif fld == "license_expiry" and v == "permanent":
            values.append("长期")
        elif fld.endswith(("_expiry", "_date")) and isinstance(v, str):
            values.append(dt.date.fromisoformat(v))
        else:
            values.append(str(v) if not isinstance(v, str) else v)
    wb = Workbook()
    ws = wb.active
    ws.title = "供应商"
    if w.in_master:
        note = (
            f"中选供应商 {w.supplier_id} 已在供应商名录中（以下为名录中的记录），无需重复导入 / "
            f"{w.supplier_id} is already in the supplier master (its record below); do not import it again"
        )
    else:
        note = (
            f"中选供应商入库登记（评选 {result.event_id}）：请补全黄色空白栏，然后把本行复制到 suppliers.xlsx，"
            f"或将本文件改名为 suppliers_{w.supplier_id}.xlsx 放入 inputs/ 文件夹 / Onboarding row of the winner of "
            f"{result.event_id}: fill in the yellow blanks, then copy the row into suppliers.xlsx or rename this file "
            f"suppliers_{w.supplier_id}.xlsx and drop it into inputs/"
        )
    ws.cell(row=1, column=1, value=safe_cell(note)).font = Font(bold=True)
    ws.cell(row=1, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(fields))
    ws.row_dimensions[1].height = 36
    blank = PatternFill("solid", fgColor="FFF2CC")
    for col, (fld, value) in enumerate(zip(fields, values), start=1):
        head = ws.cell(row=2, column=col, value=labels.get(fld, fld))
        head.font = Font(bold=True, color="C00000" if fld in required else None)  # red: required
        head.fill = PatternFill("solid", fgColor="D9D9D9")
        cell = ws.cell(row=3, column=col, value=safe_cell(value))
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        elif value is None:
            cell.fill = blank
        else:
            cell.number_format = "@"
        ws.column_dimensions[cell.column_letter].width = max(12, 2 * len(labels.get(fld, fld)) + 2)
    ws.freeze_panes = "A3"
    return workbook_bytes(wb)
