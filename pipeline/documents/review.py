"""The contexts of the quarterly and annual review documents (periodic_review, periodic_portfolio)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pipeline.compute.consequences import ACTION_LABELS
from pipeline.compute.risk import SEVERITY_ORDER
from pipeline.compute.rollup import ReviewPeriod, SupplierRollup
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.documents.charts import grade_distribution, score_trend
from pipeline.documents.english import person_en
from pipeline.documents.formatting import date_en, date_zh, fixed, money, period_block, signed, words
from pipeline.documents.monthly import DASH, SEVERITY, org_block
from pipeline.render.engine import Image

QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def review_block(review: ReviewPeriod) -> dict[str, str]:
    """The review period as documents name it, in both languages."""
    first, last = review.months[0], review.months[-1]
    if review.kind == "quarterly":
        q = (first.month - 1) // 3 + 1
        zh, en = f"{first.year}年{QUARTER_ZH[q]}", f"Q{q} {first.year}"
    else:
        zh, en = f"{first.year}年度", f"Year {first.year}"
    return {
        "code": review.code,
        "zh": zh,
        "en": en,
        "start_zh": date_zh(first.start),
        "start_en": date_en(first.start),
        "end_zh": date_zh(last.end),
        "end_en": date_en(last.end),
        "kind_zh": "季度" if review.kind == "quarterly" else "年度",
        "kind_en": review.kind,
    }


def _missing_note(roll: SupplierRollup) -> tuple[str, str]:
    missing = [m for m, r in roll.months if r is None]
    if not missing:
        return "", ""
    zh = "、".join(period_block(m)["zh"] for m in missing)
    en = ", ".join(period_block(m)["en"] for m in missing)
    return (
        f"{zh}无记录，按缺失处理，不计入平均分（不视为0分）。",
        f"{en}: no record; shown as missing and left out of the average (not counted as 0).",
    )


def supplier_review_context(
    roll: SupplierRollup,
    review: ReviewPeriod,
    policy: Policy,
    flags: Sequence[dict[str, Any]],
    actions: Sequence[dict[str, Any]],
    supplier: dict[str, Any] | None,
) -> dict[str, Any]:
    block = review_block(review)
    kpi_names = {k.field: (k.name_zh, k.name_en) for k in policy.kpis}
    months = []
    for m, r in roll.months:
        if r is None:
            months.append(
                {
                    "period_zh": period_block(m)["zh"],
                    "period_en": period_block(m)["en"],
                    "recorded": False,
                    "score": DASH,
                    "grade": DASH,
                    "penalties": DASH,
                    "rewards": DASH,
                    "payable": DASH,
                }
            )
        else:
            months.append(
                {
                    "period_zh": period_block(m)["zh"],
                    "period_en": period_block(m)["en"],
                    "recorded": True,
                    "score": fixed(r.score) if r.rated else DASH,
                    "grade": r.grade or DASH,
                    "penalties": money(r.penalties) if r.penalties is not None else DASH,
                    "rewards": money(r.rewards) if r.rewards is not None else DASH,
                    "payable": money(r.payable) if r.payable is not None else DASH,
                }
            )
    note_zh, note_en = _missing_note(roll)
    band = policy.band_named(roll.grade) if roll.grade else None
    pw_zh, pw_en = words(roll.payable, "CNY")
    s = supplier or {}
    cat_zh, cat_en = label("category", roll.category) if roll.category else (DASH, DASH)
    if roll.average is not None:
        conclusion = (
            f"本{block['kind_zh']}记录{roll.recorded}个月，平均得分{fixed(roll.average)}，评级{roll.grade}（{band.label_zh}）。",
            f"{roll.recorded} month(s) recorded this {'quarter' if review.kind == 'quarterly' else 'year'}; "
            f"average score {fixed(roll.average)}, grade {roll.grade} ({band.label_en}).",
        )
    else:
        conclusion = ("本期无可评级的月份。", "No month in this period could be rated.")
    chart: Any = ""
    rated_months = [(m, r) for m, r in roll.months if r is not None and r.rated]
    if len(rated_months) >= 2:
        shown = (
            roll.months
            if review.kind == "quarterly"
            else tuple((m, r) for m, r in roll.months if rated_months[0][0] <= m <= rated_months[-1][0])
        )
        chart = Image(
            score_trend(
                [m.code for m, _ in shown],
                [r.score if r is not None and r.rated else None for _, r in shown],
                [(b.grade, b.min) for b in policy.grades],
            ),
            width_mm=160,
        )
    return {
        "org": org_block(policy),
        "review": block,
        "doc": {
            "no": f"{'QR' if review.kind == 'quarterly' else 'AR'}-{review.code}-{roll.supplier_id}",
            "date_zh": block["end_zh"],
            "date_en": block["end_en"],
        },
        "supplier": {
            "id": roll.supplier_id,
            "name_zh": roll.name_zh,
            "name_en": roll.name_en,
            "uscc": s.get("uscc", ""),
            "legal_rep": s.get("legal_rep", ""),
            "legal_rep_en": person_en(s, "legal_rep"),
            "address_zh": s.get("address_zh", ""),
            "address_en": s.get("address_en", ""),
            "contact_name": s.get("contact_name", ""),
            "contact_name_en": person_en(s, "contact_name"),
            "contract_nos": s.get("contract_nos", DASH),
            "category_zh": cat_zh,
            "category_en": cat_en,
        },
        "months": months,
        "summary": {
            "recorded": str(roll.recorded),
            "missing": str(len(roll.months) - roll.recorded),
            "missing_note_zh": note_zh,
            "missing_note_en": note_en,
            "average": fixed(roll.average) if roll.average is not None else DASH,
            "grade": roll.grade or DASH,
            "grade_zh": band.label_zh if band else "不评级",
            "grade_en": band.label_en if band else "Not rated",
            "penalties": money(roll.penalties),
            "rewards": money(roll.rewards),
            "payable": money(roll.payable),
            "payable_words_zh": pw_zh,
            "payable_words_en": pw_en,
        },
        "kpis": [
            {"name_zh": kpi_names[f][0], "name_en": kpi_names[f][1], "average": fixed(a), "periods": str(n)}
            for f, a, n in roll.kpi_averages
        ],
        "incident_counts": [
            {"type_zh": label("type", t)[0], "type_en": label("type", t)[1], "count": str(c)}
            for t, c in roll.incident_counts
        ],
        "flags": [
            {
                "severity_zh": SEVERITY[f["severity"]][0],
                "severity_en": SEVERITY[f["severity"]][1],
                "zh": f"{f['period']}：{f['message_zh']}",
                "en": f"{f['period']}: {f['message_en']}",
            }
            for f in flags
        ],
        "actions": [
            {
                "zh": f"{a['period']}：{ACTION_ZH.get(a['action'], a['action'])}（{a['reason_zh']}）",
                "en": f"{a['period']}: {ACTION_EN.get(a['action'], a['action'])} ({a['reason_en']})",
            }
            for a in actions
        ],
        "chart": chart,
        "conclusion_zh": conclusion[0],
        "conclusion_en": conclusion[1],
    }


ACTION_ZH = {k: v[0] for k, v in ACTION_LABELS.items()}
ACTION_EN = {k: v[1] for k, v in ACTION_LABELS.items()}


def portfolio_review_context(
    rolls: Sequence[SupplierRollup],
    review: ReviewPeriod,
    policy: Policy,
    flags: Sequence[dict[str, Any]],
    actions: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    block = review_block(review)
    recorded_months = sorted({m for r in rolls for m, x in r.months if x is not None})
    missing = [m for m in review.months if m not in recorded_months]
    rated = [r for r in rolls if r.average is not None]
    grades = []
    for band in policy.grades:
        count = sum(1 for r in rated if r.grade == band.grade)
        share = f"{fixed(Decimal(count) * 100 / len(rated), 1)}%" if rated else DASH
        grades.append(
            {
                "grade": band.grade,
                "label_zh": band.label_zh,
                "label_en": band.label_en,
                "count": str(count),
                "share": share,
            }
        )
    ranked = sorted(rolls, key=lambda r: (r.average is None, -(r.average or 0), r.supplier_id))
    rows = []
    for n, r in enumerate(ranked, start=1):
        cz, ce = label("category", r.category) if r.category else (DASH, DASH)
        rows.append(
            {
                "rank": str(n) if r.average is not None else DASH,
                "id": r.supplier_id,
                "name_zh": r.name_zh,
                "name_en": r.name_en,
                "category_zh": cz,
                "category_en": ce,
                "months": f"{r.recorded}/{len(r.months)}",
                "average": fixed(r.average) if r.average is not None else DASH,
                "grade": r.grade or DASH,
                "trend": signed(r.trend) if r.trend is not None else DASH,
                "penalties": money(r.penalties),
                "rewards": money(r.rewards),
                "payable": money(r.payable),
            }
        )
    total = sum((r.payable for r in rolls), Decimal(0))
    tz, te = words(total, "CNY")
    names = {r.supplier_id: (r.name_zh, r.name_en) for r in rolls}

    def who(sid: str | None) -> dict[str, str]:
        zh, en = names.get(sid or "", ("", ""))
        return {
            "supplier": f"{sid} {zh}".strip() if sid else DASH,
            "supplier_en": f"{sid} {en}".strip() if sid else DASH,
        }

    return {
        "org": org_block(policy),
        "review": block,
        "doc": {
            "no": f"{'QP' if review.kind == 'quarterly' else 'AP'}-{review.code}",
            "date_zh": block["end_zh"],
            "date_en": block["end_en"],
        },
        "counts": {
            "suppliers": str(len(rolls)),
            "months_recorded": str(len(recorded_months)),
            "months_missing": str(len(missing)),
            "missing_periods_zh": "、".join(period_block(m)["zh"] for m in missing) or "无",
            "missing_periods_en": ", ".join(period_block(m)["en"] for m in missing) or "none",
        },
        "grades": grades,
        "rows": rows,
        "totals": {
            "payable": money(total),
            "payable_words_zh": tz,
            "payable_words_en": te,
            "penalties": money(sum((r.penalties for r in rolls), Decimal(0))),
            "rewards": money(sum((r.rewards for r in rolls), Decimal(0))),
        },
        "risks": [
            {
                **who(f["supplier_id"]),
                "severity_zh": SEVERITY[f["severity"]][0],
                "severity_en": SEVERITY[f["severity"]][1],
                "zh": f"{f['period']}：{f['message_zh']}",
                "en": f"{f['period']}: {f['message_en']}",
            }
            for f in sorted(flags, key=lambda f: (SEVERITY_ORDER[f["severity"]], f["period"], f["supplier_id"] or ""))
        ],
        "actions": [
            {
                **who(a["supplier_id"]),
                "action_zh": ACTION_ZH.get(a["action"], a["action"]),
                "action_en": ACTION_EN.get(a["action"], a["action"]),
                "zh": f"{a['period']}：{a['reason_zh']}",
                "en": f"{a['period']}: {a['reason_en']}",
            }
            for a in sorted(actions, key=lambda a: (a["period"], a["supplier_id"]))
        ],
        "chart": Image(
            grade_distribution([g["grade"] for g in grades], [int(g["count"]) for g in grades]), width_mm=160
        )
        if rated
        else "",
    }
