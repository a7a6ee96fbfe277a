"""The context each document template receives: every value preformatted, both languages.

Templates do no arithmetic and no formatting, so a business user editing them in Word
cannot break a figure, and every figure is computed and tested here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pipeline.documents.workforce as workforce_docs
from pipeline.compute.consequences import ZH_ONLY, Action
from pipeline.compute.consequences import notice_no as _notice_no
from pipeline.compute.month import MonthResult, SupplierMonth
from pipeline.compute.risk import SEVERITY_ORDER, Flag, low_grades
from pipeline.compute.scoring import ScoreCard, main_deductions, movers
from pipeline.compute.settlement import Settlement
from pipeline.compute.trend import describe, window
from pipeline.config.clauses import shipped_clauses
from pipeline.config.labels import label
from pipeline.config.policy import Kpi, Policy
from pipeline.documents.charts import grade_distribution, score_trend
from pipeline.documents.english import person_en, romanised, text_en
from pipeline.documents.formatting import (
    MINUS,
    date_en,
    date_zh,
    fixed,
    kpi_value,
    money,
    pct,
    period_block,
    signed,
    words,
)
from pipeline.documents.messages import joined, text
from pipeline.documents.settlement import cap_note, line_text
from pipeline.errors import Issue
from pipeline.periods import Period
from pipeline.privacy import mask_field
from pipeline.render.engine import Image

DASH = "—"


def org_block(policy: Policy) -> dict[str, str]:
    o = policy.organisation
    return {
        "name_zh": o["name_zh"],
        "name_en": o["name_en"],
        "department_zh": o.get("department_zh", ""),
        "department_en": o.get("department_en", ""),
    }


def _doc(prefix: str, period_end: dt.date, suffix: str) -> dict[str, str]:
    return {"no": f"{prefix}-{suffix}", "date_zh": date_zh(period_end), "date_en": date_en(period_end)}


def _supplier(s: Mapping[str, Any], contracts: Sequence[Mapping[str, Any]] = ()) -> dict[str, str]:
    cat_zh, cat_en = label("category", s["category"])
    st_zh, st_en = label("status", s["status"])
    return {
        "id": s["supplier_id"],
        "name_zh": s["name_zh"],
        "name_en": s.get("name_en", ""),
        "category_zh": cat_zh,
        "category_en": cat_en,
        "status_zh": st_zh,
        "status_en": st_en,
        "contract_nos": "、".join(c["contract_no"] for c in contracts) or DASH,
        "contact_name": s.get("contact_name", ""),
        "contact_name_en": person_en(s, "contact_name"),
    }


def _target(kpi: Kpi) -> tuple[str, str]:
    if kpi.method == "count_deduction":
        return "0", f"每项扣{fixed(kpi.points_per_unit, 0)}分 {MINUS}{fixed(kpi.points_per_unit, 0)} per item"
    target = kpi_value(kpi.target, kpi.unit)
    return (f"≤ {target}" if kpi.direction == "lower" else target), kpi_value(kpi.floor, kpi.unit)


def _kpi_rows(card: ScoreCard) -> list[dict[str, Any]]:
    rows = []
    for r in card.kpis:
        target, floor = _target(r.kpi)
        rows.append(
            {
                "name_zh": r.kpi.name_zh,
                "name_en": r.kpi.name_en,
                "actual": kpi_value(r.actual, r.kpi.unit),
                "target": target,
                "floor": floor,
                "score": fixed(r.score) if r.score is not None else DASH,
                "weight": pct(r.weight) if r.weight is not None else DASH,
                "weighted": fixed(r.weighted) if r.weighted is not None else DASH,
                "applicable": r.applicable,
            }
        )
    return rows


def _na_note(card: ScoreCard, policy: Policy) -> tuple[str, str]:
    na = card.not_applicable
    if not na:
        return "", ""
    names_zh = "、".join(r.kpi.name_zh for r in na)
    names_en = ", ".join(r.kpi.name_en for r in na)
    share = fixed(card.applicable_weight, 0)
    if not card.rated:
        return (
            f"{names_zh}本期未提供数据，适用指标权重合计仅{share}%，低于规则要求的{fixed(policy.min_applicable_weight, 0)}%，本期不评级。",
            f"{names_en}: no data this period; the applicable KPIs carry only {share}% of the weight, below the "
            f"{fixed(policy.min_applicable_weight, 0)}% the policy requires, so no grade is given.",
        )
    return (
        f"{names_zh}本期未提供数据，按“不适用”处理，不计0分也不计满分；其余指标权重按比例重新归一化（合计{share}%→100%）。",
        f"{names_en}: no data this period, treated as not applicable (neither 0 nor 100); the remaining weights "
        f"were re-normalised ({share}% → 100%).",
    )


def _drivers(card: ScoreCard, previous: ScoreCard | None, policy: Policy) -> list[dict[str, str]]:
    out = []
    for r in main_deductions(card, policy.explain_top):
        actual = kpi_value(r.actual, r.kpi.unit)
        target, _ = _target(r.kpi)
        out.append(
            {
                "zh": f"{r.kpi.name_zh}：失分 {fixed(r.points_lost)} 分（实际 {actual}，目标 {target}）",
                "en": f"{r.kpi.name_en}: lost {fixed(r.points_lost)} points (actual {actual}, target {target})",
            }
        )
    if card.rated and not out:
        out.append({"zh": "各项指标均达到目标值。", "en": "Every KPI met its target."})
    if previous is not None and previous.rated and card.rated:
        for r, delta in movers(card, previous, policy.explain_top):
            out.append(
                {
                    "zh": f"较上期：{r.kpi.name_zh} 加权得分 {signed(delta)} 分",
                    "en": f"Since last period: {r.kpi.name_en} weighted score {signed(delta)} points",
                }
            )
    return out


def _incident_row(i: Mapping[str, Any]) -> dict[str, str]:
    t_zh, t_en = label("type", i["type"])
    s_zh, s_en = label("severity", i["severity"])
    return {
        "id": i["incident_id"],
        "date_zh": date_zh(i["date"]),
        "date_en": date_en(i["date"]),
        "type_zh": t_zh,
        "type_en": t_en,
        "severity_zh": s_zh,
        "severity_en": s_en,
        "days_late": str(i.get("days_late", "")) if i["type"] == "late_delivery" else "",
        "description": i.get("description", ""),
    }


def notice_incident_row(i: Mapping[str, Any]) -> dict[str, str]:
    """An incident as a notice states it: id, date, type and severity in words, the description in
    each language (the English one when the incidents sheet has it; never Chinese on the English side)."""
    row = _incident_row(i)
    zh = i.get("description") or ""
    en = i.get("description_en") or (ZH_ONLY if zh else "")
    days = row["days_late"]
    return {
        "id": row["id"],
        "date_zh": row["date_zh"],
        "date_en": row["date_en"],
        "type_zh": row["type_zh"],
        "type_en": row["type_en"],
        "severity_zh": row["severity_zh"],
        "severity_en": row["severity_en"],
        "description_zh": zh + (f"（延误{days}天）" if days else ""),
        "description_en": en + (f" ({days} days late)" if days else ""),
    }


def by_currency(settlements: Sequence[Settlement], attr: str) -> str:
    """One supplier's figure: the amount, or "CNY 1.00；USD 2.00" when it is paid in several currencies."""
    if not settlements:
        return DASH
    if len(settlements) == 1:
        return money(getattr(settlements[0], attr))
    return "；".join(f"{s.currency} {money(getattr(s, attr))}" for s in settlements)


def _penalty_rows(settlement: Settlement | None, kinds: tuple[str, ...]) -> list[dict[str, str]]:
    if settlement is None:
        return []
    rows = []
    for line in settlement.lines:
        if line.kind in kinds:
            zh, en = line_text(line)
            rows.append(
                {"zh": zh, "en": en, "amount": (MINUS if line.kind == "cap_relief" else "") + money(line.amount)}
            )
    return rows


def _feedback(card: ScoreCard, policy: Policy) -> tuple[str, str]:
    base_zh = "如对本评估结果有异议，请于收到本报告之日起10个工作日内书面反馈。"
    base_en = (
        "If you disagree with this evaluation, please reply in writing within 10 working days of receiving this report."
    )
    if card.rated and card.band.grade in low_grades(policy):  # "C or worse", from the policy's bands
        return (
            "请于收到本报告之日起10个工作日内提交书面整改计划，说明原因、措施及完成时间。" + base_zh,
            "Please send a written improvement plan (causes, measures, completion dates) within 10 working days. "
            + base_en,
        )
    if card.rated and card.band.grade == policy.grades[0].grade:  # the best band
        return (
            "感谢贵方本期的优秀表现，请继续保持。" + base_zh,
            "Thank you for an excellent month; please keep it up. " + base_en,
        )
    return base_zh, base_en


def termination_feedback(sm: SupplierMonth, action: Action, period: Period) -> tuple[str, str]:
    """What the review report of a supplier under termination asks: no improvement plan, but what
    the termination notice requires (hand-over, data), in the same words and clauses."""
    no = notice_no(action.action, period, sm.supplier_id)
    c = notice_clauses(sm, action)
    terms = _contract_terms()
    days = action.rule.handover_days or terms["handover_days"]
    zh = (
        f"我司已发出《解除合同通知书》（{no}），依据合同{c['grounds_zh'] or c['termination_by_a']['ref_zh']}解除合同，"
        f"解除自该通知送达贵司之日起生效，本期不再要求贵司提交整改计划。贵司应按该通知及合同{c['exit']['ref_zh']}，"
        f"自通知送达之日起{days}日内完成工作交接，并按合同{c['data_security']['ref_zh']}于"
        f"{terms['data_return_days']}日内返还或销毁全部数据及其副本、出具经法定代表人签字的证明。"
    )
    en = (
        f"We have issued a notice of termination ({no}) under {c['grounds_en'] or c['termination_by_a']['ref_en']} "
        f"of the contract; the termination takes effect when the notice is delivered to you, and no improvement plan "
        f"is requested. Under that notice and {c['exit']['ref_en']}, complete the hand-over within {days} days of "
        f"delivery and, under {c['data_security']['ref_en']}, return or destroy all data and copies within "
        f"{terms['data_return_days']} days with a certificate signed by your legal representative."
    )
    if data_incident(action):
        zh += f"鉴于数据安全事件，贵司应立即停止处理我司的全部数据，并于{terms['security_notice_hours']}小时内提交书面事件报告。"
        en += (
            f" Because of the data incident, stop all processing of our data at once and send a written incident "
            f"report within {terms['security_notice_hours']} hours."
        )
    return zh, en


def review_context(sm: SupplierMonth, policy: Policy, period_info: Any) -> dict[str, Any]:
    period = period_info
    card = sm.card
    na_zh, na_en = _na_note(card, policy) if sm.evaluated else text("note_not_evaluated", {"period": period.code})
    fb_zh, fb_en = _feedback(card, policy)
    terminating = next((a for a in sm.actions if a.action == "termination_notice"), None)
    if terminating is not None:  # termination under way: no improvement plan, the exit duties instead
        fb_zh, fb_en = termination_feedback(sm, terminating, period)
    prev = sm.previous
    if prev is not None and prev.rated and card.rated:
        change = card.total - prev.total
        previous = {
            "available": True,
            "period_zh": f"{period.previous().year}年{period.previous().month}月",
            "period_en": period_block(period.previous())["en"],
            "score": fixed(prev.total),
            "grade": prev.band.grade,
            "change": signed(change),
            "direction_zh": "上升" if change > 0 else "下降" if change < 0 else "持平",
            "direction_en": "up" if change > 0 else "down" if change < 0 else "unchanged",
        }
    else:
        previous = {
            "available": False,
            "period_zh": "",
            "period_en": "",
            "score": DASH,
            "grade": DASH,
            "change": DASH,
            "direction_zh": "",
            "direction_en": "",
        }
    s = sm.settlement
    if s is not None:
        cap_zh, cap_en = cap_note(s)
        money_block = {
            "currency": s.currency,
            "penalty_total": money(s.penalty_net),
            "reward_total": money(s.reward_total),
            "cap_applied": s.cap_applied,
            "cap_note_zh": cap_zh,
            "cap_note_en": cap_en,
        }
    else:
        money_block = {
            "currency": "",
            "penalty_total": money(Decimal(0)),
            "reward_total": money(Decimal(0)),
            "cap_applied": False,
            "cap_note_zh": "本期无在执行合同，未计算违约金与奖励。",
            "cap_note_en": "No contract was in force this period; no liquidated damages or rewards were settled.",
        }
    return {
        "org": org_block(policy),
        "period": period_block(period),
        "doc": _doc("RR", period.end, f"{period.code}-{sm.supplier_id}"),
        "supplier": _supplier(sm.supplier, sm.contracts),
        "evaluation": {
            "rated": card.rated,
            "evaluator": sm.evaluation.get("evaluator", ""),
            "evaluator_en": romanised(str(sm.evaluation.get("evaluator", ""))),
            "comment": sm.evaluation.get("comment", ""),
            "comment_en": text_en(sm.evaluation.get("comment_en"), sm.evaluation.get("comment")),
        },
        "kpis": _kpi_rows(card),
        "weights_renormalised": card.renormalised or bool(card.not_applicable),
        "na_note_zh": na_zh,
        "na_note_en": na_en,
        "total": (
            {
                "score": fixed(card.total),
                "grade": card.band.grade,
                "grade_zh": card.band.label_zh,
                "grade_en": card.band.label_en,
            }
            if card.rated
            else {"score": DASH, "grade": DASH, "grade_zh": "不评级", "grade_en": "Not rated"}
        ),
        "previous": previous,
        "drivers": _drivers(card, prev, policy),
        "incidents": [_incident_row(i) for i in sorted(sm.incidents, key=lambda i: (i["date"], i["incident_id"]))],
        "penalties": _penalty_rows(s, ("penalty", "cap_relief")),
        "rewards": _penalty_rows(s, ("reward",)),
        "money": money_block,
        "feedback_zh": fb_zh,
        "feedback_en": fb_en,
        "trend": trend_block(sm, policy, period),
        "flags": [flag_row(f) for f in sm.flags],
        "actions": [action_row(a, period) for a in sm.actions]
        + ([status_row(sm.status_change)] if sm.status_change else []),
        "surveys": survey_block(sm),
        "inspections": [inspection_row(i) for i in sm.follow_up.inspections],
        "plans": [plan_row(p) for p in sm.follow_up.plans],
    }


def survey_block(sm: SupplierMonth) -> dict[str, Any]:
    """满意度调查: the distribution (per rating, per department), the comments, and how the KPI used them."""
    s = sm.follow_up.surveys
    if s is None:
        return {
            "available": False,
            "responses": "0",
            "mean": DASH,
            "note_zh": "本期未收到满意度调查问卷。",
            "note_en": "No satisfaction survey responses this period.",
            "ratings": [],
            "departments": [],
            "comments": [],
        }
    n = len(s.responses)
    mean = fixed(s.mean) if s.mean is not None else DASH
    if s.used and s.applicable:
        note = (
            f"评估表未填满意度，满意度指标取本期调查{s.counted}份有效问卷的加权平均分{mean}分。",
            f"The evaluation left satisfaction blank: the satisfaction KPI is the weighted mean of this period's "
            f"{s.counted} survey responses, {mean}.",
        )
    elif s.used:
        note = (
            f"评估表未填满意度，本期仅收回{s.counted}份有效问卷，少于规定的{s.min_responses}份，满意度指标不适用（不计为0分，其余指标权重按比例重新分配）。",
            f"The evaluation left satisfaction blank and only {s.counted} survey response(s) came in, fewer than the "
            f"{s.min_responses} required: the satisfaction KPI does not apply (it is not scored as 0; the other "
            "weights are re-normalised).",
        )
    else:
        note = (
            f"满意度指标采用评估表所填数值；本期调查{n}份问卷供参考（加权平均{mean}分）。",
            f"The satisfaction KPI is the evaluation's figure; this period's {n} survey response(s) are shown for "
            f"reference (weighted mean {mean}).",
        )
    return {
        "available": True,
        "responses": str(n),
        "mean": mean,
        "note_zh": note[0],
        "note_en": note[1],
        "ratings": [
            {"rating": str(r), "count": str(c), "share": f"{fixed(Decimal(c) * 100 / n, 0)}%"} for r, c in s.by_rating()
        ],
        "departments": [
            {"department": d, "responses": str(c), "mean": fixed(m), "weight": plain_number(w)}
            for d, c, m, w in s.by_department()
        ],
        "comments": [
            {
                "department": r["department"],
                "respondent": r.get("respondent") or DASH,
                "respondent_en": romanised(r.get("respondent") or "") or DASH,
                "rating": str(r["rating"]),
                "zh": r.get("comment") or "",
                "en": text_en(r.get("comment_en"), r.get("comment")) or r.get("comment_en") or "",
            }
            for r in s.responses
            if r.get("comment") or r.get("comment_en")
        ],
    }


def plain_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def inspection_row(i: Mapping[str, Any]) -> dict[str, str]:
    zh, en = label("result", i["result"])
    checked, failed = int(i["items_checked"]), int(i["items_failed"])
    return {
        "id": i["inspection_id"],
        "date_zh": date_zh(i["date"]),
        "date_en": date_en(i["date"]),
        "inspector": i["inspector"],
        "inspector_en": romanised(i["inspector"]),
        "checked": str(checked),
        "failed": str(failed),
        "pass_rate": f"{fixed(Decimal(checked - failed) * 100 / checked, 1)}%",
        "result_zh": zh,
        "result_en": en,
        "findings": i.get("findings") or DASH,
        "findings_en": text_en(i.get("findings_en"), i.get("findings")) or DASH,
    }


def plan_row(state: Any) -> dict[str, str]:
    """One line of 整改跟踪: a plan as of the period's end, or the notice still waiting for its plan."""
    p = state.plan or {}
    zh, en = label("plan_status", state.status)
    deadline = state.deadline
    closed = p.get("closed_date") if state.status in ("done", "cancelled") else None
    return {
        "source_doc": state.source_doc,
        "plan_id": p.get("plan_id") or DASH,
        "issue": p.get("issue") or DASH,
        "action": p.get("action") or DASH,
        "owner": p.get("owner") or DASH,
        "owner_en": romanised(p.get("owner") or "") or DASH,
        "deadline_zh": date_zh(deadline) if deadline else DASH,
        "deadline_en": date_en(deadline) if deadline else DASH,
        "due_zh": date_zh(p["due_date"]) if p.get("due_date") else DASH,
        "due_en": date_en(p["due_date"]) if p.get("due_date") else DASH,
        "status_zh": zh,
        "status_en": en,
        "closed_zh": date_zh(closed) if closed else DASH,
        "closed_en": date_en(closed) if closed else DASH,
        "verified_by": (p.get("verified_by") or DASH) if closed else DASH,
        "verified_by_en": (romanised(p.get("verified_by") or "") or DASH) if closed else DASH,
    }


SEVERITY = {"critical": ("严重", "Critical"), "high": ("高", "High"), "medium": ("中", "Medium"), "low": ("低", "Low")}


def flag_row(f: Flag) -> dict[str, str]:
    zh, en = SEVERITY[f.severity]
    text_zh, text_en = text(f.code, f.facts)
    return {"severity_zh": zh, "severity_en": en, "zh": text_zh, "en": text_en}


def notice_no(action: str, period: Period, supplier_id: str) -> str:
    return _notice_no(action, period, supplier_id)


def action_row(a: Action, period: Period) -> dict[str, str]:
    zh, en = a.label
    return {
        "zh": f"发出{zh}（{notice_no(a.action, period, a.supplier_id)}）。",
        "en": f"{en} issued ({notice_no(a.action, period, a.supplier_id)}).",
    }


def status_row(change: tuple[str, str, Action]) -> dict[str, str]:
    before, after, because = change
    bz, be = label("status", before)
    az, ae = label("status", after)
    cz, ce = because.label
    return {
        "zh": f"建议将供应商状态由“{bz}”调整为“{az}”（依据：{cz}）。",
        "en": f"Suggested status change: {be} → {ae} (because of the {ce.lower()}).",
    }


def trend_block(sm: SupplierMonth, policy: Policy, period: Period) -> dict[str, Any]:
    rows, prev_score = [], None
    for p in window(sm.points, period, max(policy.trend.window, len(policy.trend.decay_weights), 3))[::-1]:
        if p is None:
            continue
        change = signed(p.score - prev_score) if p.score is not None and prev_score is not None else DASH
        rows.append(
            {
                "period_zh": period_block(p.period)["zh"],
                "period_en": period_block(p.period)["en"],
                "score": fixed(p.score) if p.score is not None else DASH,
                "grade": p.grade or DASH,
                "change": change,
            }
        )
        prev_score = p.score if p.score is not None else prev_score
    method_zh, method_en = describe(policy.trend)
    chart: Any = ""
    recorded = [p for p in sm.points if p.period <= period]
    if len(recorded) >= 2:
        shown = window(sm.points, period, max(len(recorded[-6:]), 2))[::-1]
        labels, cursor = [], period
        for _ in shown:
            labels.append(cursor.code)
            cursor = cursor.previous()
        chart = Image(
            score_trend(
                labels[::-1], [p.score if p else None for p in shown], [(b.grade, b.min) for b in policy.grades]
            ),
            width_mm=160,
        )
    return {
        "available": len(rows) > 1 or sm.trend_score is not None,
        "method_zh": method_zh,
        "method_en": method_en,
        "score": fixed(sm.trend_score) if sm.trend_score is not None else DASH,
        "rows": rows,
        "chart": chart,
    }


ATTENTION_EXPIRY = (
    ("permit_expired", "permit_renewal_due", "permit_expiring"),  # the permit first, then the licence
    ("licence_expired", "licence_expiring"),
)
EXPIRY_ITEMS = {"permit": ("劳务派遣许可证", "labour-dispatch permit"), "licence": ("营业执照", "business licence")}


def attention_items(result: MonthResult, policy: Policy) -> list[dict[str, str]]:
    """What management should look at first, from the month's flags (the policy's thresholds,
    not thresholds of its own) and the result's plain facts; the full risk register is `risk_register`."""
    out = []
    low = low_grades(policy)

    def add(sid: str, name: str, name_en: str, code: str, facts: Mapping[str, Any] | None = None) -> None:
        zh, en = text(code, facts)
        out.append({"zh": f"{sid} {name}：{zh}", "en": f"{sid} {name_en}: {en}"})

    for sm in result.suppliers:
        sup, card = sm.supplier, sm.card
        args = (sm.supplier_id, sup["name_zh"], sup.get("name_en", ""))
        flags = {}
        for f in sm.flags:
            flags.setdefault(f.code, []).append(f)
        if card.rated and card.band.grade in low:
            add(
                *args,
                "attention_low_grade",
                {
                    "grade": card.band.grade,
                    "band_zh": card.band.label_zh,
                    "band_en": card.band.label_en,
                    "score": card.total,
                },
            )
        for f in flags.get("score_drop", []):
            add(*args, "attention_score_drop", {"drop": f.facts["drop"]})
        if not sm.evaluated:
            add(*args, "attention_settled_not_evaluated")
        elif not card.rated:
            add(*args, "attention_not_rated")
        for f in flags.get("security_breach", []):
            add(*args, "attention_security_breach", f.facts)
        if sm.settlement is not None and sm.settlement.cap_applied:
            add(*args, "attention_cap_reached")
        if sm.settlement is None:
            add(*args, "attention_no_settlement")
        for codes in ATTENTION_EXPIRY:
            for f in (f for code in codes for f in flags.get(code, [])):
                item_zh, item_en = EXPIRY_ITEMS[f.code.split("_")[0]]
                add(
                    *args,
                    "attention_expired" if f.code.endswith("_expired") else "attention_expiring",
                    {"item_zh": item_zh, "item_en": item_en, "date": f.facts["date"]},
                )
    for sup in result.unevaluated:
        add(sup["supplier_id"], sup["name_zh"], sup.get("name_en", ""), "attention_not_evaluated")
    return out


def _who(result: MonthResult, supplier_id: str | None) -> dict[str, str]:
    sm = next((s for s in result.suppliers if s.supplier_id == supplier_id), None)
    if sm is None:
        return {"supplier": supplier_id or DASH, "supplier_en": supplier_id or DASH}
    return {
        "supplier": f"{supplier_id} {sm.supplier['name_zh']}",
        "supplier_en": f"{supplier_id} {sm.supplier.get('name_en', '')}".strip(),
    }


def risk_register(result: MonthResult) -> list[dict[str, str]]:
    flags = sorted(result.all_flags(), key=lambda f: (SEVERITY_ORDER[f.severity], f.supplier_id or "", f.code))
    return [{**_who(result, f.supplier_id), **flag_row(f)} for f in flags]


EXPIRY_CODES = {
    "licence_expired": ("营业执照", "Business licence"),
    "licence_expiring": ("营业执照", "Business licence"),
    "permit_expired": ("劳务派遣经营许可证", "Labour-dispatch permit"),
    "permit_expiring": ("劳务派遣经营许可证", "Labour-dispatch permit"),
    "permit_renewal_due": ("劳务派遣经营许可证", "Labour-dispatch permit"),
}


def expiring_items(result: MonthResult) -> list[dict[str, str]]:
    out = []
    for f in sorted(result.all_flags(), key=lambda f: (f.facts.get("days", 0), f.supplier_id or "")):
        if f.code in EXPIRY_CODES:
            item_zh, item_en = EXPIRY_CODES[f.code]
        elif f.code == "contract_ending":
            item_zh, item_en = f"合同 {f.facts['contract_no']}", f"Contract {f.facts['contract_no']}"
        else:
            continue
        date = f.facts.get("date")
        if date is None:  # contract_ending carries the contract, its end date is in the message facts
            sm = next(s for s in result.suppliers if s.supplier_id == f.supplier_id)
            date = next(c["end_date"] for c in sm.contracts if c["contract_no"] == f.facts["contract_no"])
        out.append(
            {
                **_who(result, f.supplier_id),
                "item_zh": item_zh,
                "item_en": item_en,
                "date_zh": date_zh(date),
                "date_en": date_en(date),
                "days": str(f.facts.get("days", "")),
            }
        )
    return out


def portfolio_context(
    result: MonthResult, policy: Policy, issues: Sequence[Issue], rejected_rows: int, costs: Any = None
) -> dict[str, Any]:
    """`costs`: the month's CostAnalysis (the chapter 成本分析与预测); None leaves the chapter saying
    the analysis was not made."""
    from pipeline.documents.cost_chapter import cost_chapter

    period = result.period
    rated = [s for s in result.suppliers if s.card.rated]
    grades = []
    for band in policy.grades:
        count = sum(1 for s in rated if s.card.band.grade == band.grade)
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
    rows = []
    # by currency: two currencies are never added
    totals: dict[str, dict[str, Decimal]] = {}
    ranked = sorted(result.suppliers, key=lambda sm: (not sm.card.rated, -(sm.card.total or 0), sm.supplier_id))
    for rank, sm in enumerate(ranked, start=1):
        cat_zh, cat_en = label("category", sm.supplier["category"])
        change = DASH
        if sm.card.rated and sm.previous is not None and sm.previous.rated:
            change = signed(sm.card.total - sm.previous.total)
        for st in sm.settlements:
            t = totals.setdefault(st.currency, {"payable": Decimal(0), "penalties": Decimal(0), "rewards": Decimal(0)})
            t["payable"] += st.payable
            t["penalties"] += st.penalty_net
            t["rewards"] += st.reward_total
        rows.append(
            {
                "rank": str(rank) if sm.card.rated else DASH,
                "id": sm.supplier_id,
                "name_zh": sm.supplier["name_zh"],
                "name_en": sm.supplier.get("name_en", ""),
                "category_zh": cat_zh,
                "category_en": cat_en,
                "score": fixed(sm.card.total) if sm.card.rated else DASH,
                "grade": sm.card.band.grade if sm.card.rated else DASH,
                "change": change,
                "penalties": by_currency(sm.settlements, "penalty_net"),
                "rewards": by_currency(sm.settlements, "reward_total"),
                "payable": by_currency(sm.settlements, "payable"),
            }
        )
    order = [c for c in policy.currencies if c in totals] + sorted(set(totals) - set(policy.currencies))

    def total_text(key: str) -> str:
        if not totals:
            return money(Decimal(0))
        if len(order) == 1 and order[0] == policy.currencies[0]:
            return money(totals[order[0]][key])
        return "；".join(f"{c} {money(totals[c][key])}" for c in order)

    p_zh, p_en = words(totals[order[0]]["payable"], order[0]) if len(order) == 1 else (DASH, DASH)
    if not totals:
        p_zh, p_en = words(Decimal(0), policy.currencies[0])
    return {
        "org": org_block(policy),
        "period": period_block(period),
        "doc": _doc("PS", period.end, period.code),
        "counts": {
            "suppliers": str(len(result.suppliers) + len(result.unevaluated)),
            "evaluated": str(len(result.suppliers)),
            "rated": str(len(rated)),
            "rejected_rows": str(rejected_rows),
        },
        "grades": grades,
        "rows": rows,
        "totals": {
            "payable": total_text("payable"),
            "payable_words_zh": p_zh,
            "payable_words_en": p_en,
            "penalties": total_text("penalties"),
            "rewards": total_text("rewards"),
        },
        "attention": attention_items(result, policy),
        "costs": cost_chapter(costs),
        "grade_chart": Image(
            grade_distribution([g["grade"] for g in grades], [int(g["count"]) for g in grades]), width_mm=160
        )
        if rated
        else "",
        "risks": risk_register(result),
        "actions": [
            {
                **_who(result, a.supplier_id),
                "action_zh": a.label[0],
                "action_en": a.label[1],
                "zh": joined(a.reasons)[0],
                "en": joined(a.reasons)[1],
            }
            for sm in result.suppliers
            for a in sm.actions
        ],
        "expiring": expiring_items(result),
        "status_changes": [
            {
                **_who(result, sm.supplier_id),
                "from_zh": label("status", sm.status_change[0])[0],
                "from_en": label("status", sm.status_change[0])[1],
                "to_zh": label("status", sm.status_change[1])[0],
                "to_en": label("status", sm.status_change[1])[1],
                "reason_zh": joined(sm.status_change[2].reasons)[0],
                "reason_en": joined(sm.status_change[2].reasons)[1],
            }
            for sm in result.suppliers
            if sm.status_change
        ],
        "workforce": workforce_docs.portfolio_workforce(result),
        "rejected": [
            {
                "file": i.place,
                "row": str(i.row) if i.row is not None else DASH,
                "column": i.column or DASH,
                "value": mask_field(i.field, i.value) if i.value is not None else "",
                "message_zh": i.message_zh,
                "message_en": i.message_en,
            }
            for i in issues
        ],
    }


def _notice_supplier(sm: SupplierMonth) -> dict[str, str]:
    s = sm.supplier
    cat_zh, cat_en = label("category", s["category"])
    return {
        "id": s["supplier_id"],
        "name_zh": s["name_zh"],
        "name_en": s.get("name_en", ""),
        "uscc": s.get("uscc", ""),
        "legal_rep": s.get("legal_rep", ""),
        "legal_rep_en": person_en(s, "legal_rep"),
        "address_zh": s.get("address_zh", ""),
        "address_en": s.get("address_en", ""),
        "contact_name": s.get("contact_name", ""),
        "contact_name_en": person_en(s, "contact_name"),
        "contract_nos": "、".join(c["contract_no"] for c in sm.contracts) or DASH,
        "category_zh": cat_zh,
        "category_en": cat_en,
    }


def _main_contract(sm: SupplierMonth) -> dict[str, str]:
    if sm.settlement is not None:
        c = sm.settlement.bases[0].contract
    elif sm.contracts:
        c = max(sm.contracts, key=lambda c: c["end_date"])
    else:
        return {"no": DASH, "start_zh": DASH, "start_en": DASH, "end_zh": DASH, "end_en": DASH}
    return {
        "no": c["contract_no"],
        "start_zh": date_zh(c["start_date"]),
        "start_en": date_en(c["start_date"]),
        "end_zh": date_zh(c["end_date"]),
        "end_en": date_en(c["end_date"]),
    }


def notice_context(
    sm: SupplierMonth, action: Action, policy: Policy, period: Period, doc_type: str | None = None
) -> dict[str, Any]:
    """One shape for every notice (警告函, 整改通知书, 解除合同通知书, 表扬信, 退出评审表)."""
    doc_type = doc_type or action.action
    card = sm.card
    facts = []
    if card.rated:
        prev = sm.point(period.previous())
        change = ""
        change_en = ""
        # a commendation is for the run of top grades: it never reports (or hides behind) a change
        if prev is not None and prev.score is not None and doc_type != "commendation_letter":
            delta = card.total - prev.score
            change = f"，较上期{'上升' if delta > 0 else '下降' if delta < 0 else '持平'}{fixed(delta.copy_abs())}分"
            change_en = f", {'up' if delta > 0 else 'down' if delta < 0 else 'unchanged'} {fixed(delta.copy_abs())} points on the previous period"
        facts.append(
            {
                "zh": f"{period_block(period)['zh']}绩效得分{fixed(card.total)}分，评级{card.band.grade}（{card.band.label_zh}）{change}。",
                "en": f"Performance score for {period_block(period)['en']}: {fixed(card.total)}, grade {card.band.grade} ({card.band.label_en}){change_en}.",
            }
        )
    facts += [
        dict(zip(("zh", "en"), text(r.code, r.facts)))
        for r in action.reasons
        if r.code not in ("reason_grade", "reason_incident")
    ]
    requirements = []
    if action.action in ("warning_letter", "improvement_notice"):
        for r in main_deductions(card, policy.explain_top):
            target, _ = _target(r.kpi)
            requirements.append(
                {
                    "zh": f"{r.kpi.name_zh}：本期{kpi_value(r.actual, r.kpi.unit)}，目标{target}。",
                    "en": f"{r.kpi.name_en}: {kpi_value(r.actual, r.kpi.unit)} this period, target {target}.",
                }
            )
    history = []
    for p in window(sm.points, period, 6)[::-1]:
        if p is not None:
            history.append(
                {
                    "period_zh": period_block(p.period)["zh"],
                    "period_en": period_block(p.period)["en"],
                    "score": fixed(p.score) if p.score is not None else DASH,
                    "grade": p.grade or DASH,
                }
            )
    change = sm.status_change
    if change and (change[2].action == action.action or doc_type == "exit_review"):
        status_change = {
            "available": True,
            "from_zh": label("status", change[0])[0],
            "from_en": label("status", change[0])[1],
            "to_zh": label("status", change[1])[0],
            "to_en": label("status", change[1])[1],
            "reason_zh": joined(change[2].reasons)[0],
            "reason_en": joined(change[2].reasons)[1],
        }
    else:
        status_change = {
            "available": False,
            "from_zh": "",
            "from_en": "",
            "to_zh": "",
            "to_en": "",
            "reason_zh": "",
            "reason_en": "",
        }
    terms = _contract_terms()
    plan_days = terms.get("improvement_plan_working_days", 10)
    deadline = (
        {"available": True, "zh": date_zh(action.deadline), "en": date_en(action.deadline), "days": str(plan_days)}
        if action.deadline
        else {"available": False, "zh": "", "en": "", "days": ""}
    )
    cure = (
        {
            "available": True,
            "zh": date_zh(action.cure_deadline),
            "en": date_en(action.cure_deadline),
            "days": str(terms["cure_days"]),
        }
        if action.cure_deadline
        else {"available": False, "zh": "", "en": "", "days": ""}
    )
    handover_days = action.rule.handover_days or 0
    handover_end = action.handover_end or period.end
    recommendation = ("", "")
    if doc_type == "exit_review":
        recommendation = (
            f"建议解除合同，{handover_days}日交接期内完成工作移交、资料与数据的返还或销毁确认，并启用备选供应商。",
            f"Recommend terminating the contract, completing the hand-over and the return or destruction of "
            f"materials and data within the {handover_days}-day hand-over period, and engaging the back-up supplier.",
        )
    return {
        "org": org_block(policy),
        "period": period_block(period),
        "doc": {
            "no": notice_no(doc_type, period, sm.supplier_id),
            "date_zh": date_zh(period.end),
            "date_en": date_en(period.end),
        },
        "supplier": _notice_supplier(sm),
        "score": (
            {
                "period_zh": period_block(period)["zh"],
                "period_en": period_block(period)["en"],
                "score": fixed(card.total),
                "grade": card.band.grade,
                "grade_zh": card.band.label_zh,
                "grade_en": card.band.label_en,
            }
            if card.rated
            else {
                "period_zh": period_block(period)["zh"],
                "period_en": period_block(period)["en"],
                "score": DASH,
                "grade": DASH,
                "grade_zh": "不评级",
                "grade_en": "Not rated",
            }
        ),
        "history": history,
        "facts": facts,
        "requirements": requirements,
        "deadline": deadline,
        "status_change": status_change,
        "contract": _main_contract(sm),
        "handover": {"days": str(handover_days), "end_zh": date_zh(handover_end), "end_en": date_en(handover_end)},
        "flags": [flag_row(f) for f in sm.flags],
        "recommendation_zh": recommendation[0],
        "recommendation_en": recommendation[1],
        "incidents": [] if doc_type == "commendation_letter" else notice_incidents(sm, action),
        "shortfalls": [] if doc_type == "commendation_letter" else shortfall_rows(card),
        "cure": cure,
        "clauses": notice_clauses(sm, action),
        "delivery": delivery_block(sm),
        "data_incident": data_incident(action),
        "security": {
            "hours": str(terms["security_notice_hours"]),
            "return_days": str(terms["data_return_days"]),
        },
    }


def _contract_terms() -> dict[str, Any]:
    """The shipped contract settings' defaults, read once per process (setdefault would read
    and parse the file on every notice before finding it cached)."""
    from pipeline.config.contract_terms import load_terms

    if "defaults" not in _TERMS:
        _TERMS["defaults"] = load_terms().defaults
    return _TERMS["defaults"]


_TERMS: dict[str, dict[str, Any]] = {}


def notice_incidents(sm: SupplierMonth, action: Action) -> list[dict[str, str]]:
    """The incidents a notice states: those behind it first, then the period's others."""
    own = {i["incident_id"] for i in action.incidents}
    rows = sorted(sm.incidents, key=lambda i: (i["incident_id"] not in own, i["date"], i["incident_id"]))
    return [notice_incident_row(i) for i in rows]


def shortfall_rows(card: ScoreCard) -> list[dict[str, str]]:
    """Every KPI below its target this period: name, actual, target (the SLA of the contract's annex)."""
    rows = []
    for r in sorted((r for r in card.kpis if r.applicable and r.points_lost > 0), key=lambda r: -r.points_lost):
        target, _ = _target(r.kpi)
        rows.append(
            {
                "name_zh": r.kpi.name_zh,
                "name_en": r.kpi.name_en,
                "actual": kpi_value(r.actual, r.kpi.unit),
                "target": target,
                "lost": fixed(r.points_lost),
            }
        )
    return rows


def _contract_type(sm: SupplierMonth) -> str | None:
    if sm.settlement is not None:
        return sm.settlement.bases[0].contract.get("contract_type")
    if sm.contracts:
        return max(sm.contracts, key=lambda c: c["end_date"]).get("contract_type")
    return None


CITED = (
    "service_levels",
    "liquidated_damages",
    "improvement_plan",
    "cure",
    "termination_by_a",
    "termination_uncured",
    "data_security",
    "exit",
    "notices",
    "confidentiality",
)


def notice_clauses(sm: SupplierMonth, action: Action) -> dict[str, Any]:
    """The clauses a notice cites, through the clause map: by id, and the notice's grounds."""
    ctype = _contract_type(sm)
    cmap = shipped_clauses()
    out: dict[str, Any] = {cid: cmap.cite(ctype, cid).as_context() for cid in CITED}
    grounds = [cmap.cite(ctype, g).as_context() for g in action.grounds]
    out["grounds"] = grounds
    out["grounds_zh"] = "、".join(f"{g['ref_zh']}（{g['title_zh']}）" for g in grounds)
    out["grounds_en"] = "; ".join(f"{g['ref_en']} ({g['title_en']})" for g in grounds)
    return out


def delivery_block(sm: SupplierMonth) -> dict[str, str]:
    """How the notice is served (clause notices): to the address and e-mail at the head of the contract."""
    s = sm.supplier
    return {
        "address_zh": s.get("address_zh", "") or DASH,
        "address_en": s.get("address_en", "") or s.get("address_zh", "") and "(address in Chinese only)" or DASH,
        "email": s.get("contact_email", "") or DASH,
        "contact_name": s.get("contact_name", "") or DASH,
        # English text never carries a Chinese name: contact_name_en, else the name romanised
        "contact_en": f"your contact {person_en(s, 'contact_name')}"
        if person_en(s, "contact_name")
        else "your contact",
    }


def data_incident(action: Action) -> bool:
    """A termination for a data incident: a security breach behind it, or the security ground."""
    return "termination_security" in action.grounds or any(i["type"] == "security_breach" for i in action.incidents)
