"""The context of the quarterly supplier meeting brief (supplier_meeting.docx, 供应商沟通会议纪要).

Prepared before the meeting and completed at it: the items to discuss come filled in (scores and
their trend, the improvement plans still open, those closed, the appeals decided, the site
inspections and the notices of the quarter, each with its facts), and the agenda states each one
as a point to settle; the meeting's time, place, attendees and the decisions it takes are left
for the minutes-taker, with both parties' signatures below.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.compute.consequences import ACTION_LABELS
from pipeline.compute.followup import notice_no
from pipeline.compute.meeting import ADVERSE, MeetingItems, weakest_kpis
from pipeline.compute.rollup import ReviewPeriod
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.documents.appeals import DECISION_WORDS
from pipeline.documents.english import romanised, text_en
from pipeline.documents.formatting import date_en, date_zh, fixed, money, period_block
from pipeline.documents.monthly import DASH, inspection_row, org_block
from pipeline.documents.review import review_block
from pipeline.periods import Period

WEAKEST = 3  # KPIs named as the points to improve first
INSPECTION_VERDICT = {"fail": "failed", "conditional": "passed on condition of remedy (限期整改)"}


def _signed_points(change: Decimal) -> tuple[str, str]:
    if change > 0:
        return f"上升{fixed(change)}分", f"up {fixed(change)} points"
    if change < 0:
        return f"下降{fixed(-change)}分", f"down {fixed(-change)} points"
    return "持平", "unchanged"


def _day(value: str | None) -> tuple[str, str]:
    return (date_zh(value), date_en(value)) if value else (DASH, DASH)


def _plan_row(row: dict[str, Any]) -> dict[str, str]:
    d = row["detail"]
    status_zh, status_en = label("plan_status", row["status"])
    due_zh, due_en = _day(d.get("due_date"))
    deadline_zh, deadline_en = _day(d.get("deadline"))
    closed_zh, closed_en = _day(row["date"] if row["status"] in ("done", "cancelled") else None)
    has_plan = d.get("plan", row["ref"] != row["source"])
    return {
        "plan_id": row["ref"] if has_plan else DASH,
        "source_doc": row["source"] or DASH,
        "issue": d.get("issue") or DASH,
        "action": d.get("action") or DASH,
        "owner": d.get("owner") or DASH,
        "owner_en": romanised(d.get("owner") or "") or DASH,
        "due_zh": due_zh,
        "due_en": due_en,
        "deadline_zh": deadline_zh,
        "deadline_en": deadline_en,
        "status_zh": status_zh,
        "status_en": status_en,
        "closed_zh": closed_zh,
        "closed_en": closed_en,
        "verified_by": row["by"] or DASH,
        "verified_by_en": romanised(row["by"] or "") or DASH,
    }


def _appeal_row(row: dict[str, Any]) -> dict[str, str]:
    d = row["detail"]
    word_zh, word_en = DECISION_WORDS.get(row["status"], (row["status"], row["status"]))
    original = period_block(Period.parse(row["original_period"])) if row["original_period"] else None
    decided_zh, decided_en = _day(row["date"])
    reversed_ = row["amount"] if row["amount"] is not None else Decimal(0)
    return {
        "appeal_id": row["ref"],
        "incident_id": row["source"] or DASH,
        "original_period_zh": original["zh"] if original else DASH,
        "original_period_en": original["en"] if original else DASH,
        "grounds_zh": d.get("grounds") or DASH,
        "grounds_en": text_en(d.get("grounds_en"), d.get("grounds")) or DASH,
        "decision_zh": word_zh,
        "decision_en": word_en,
        "decided_zh": decided_zh,
        "decided_en": decided_en,
        "reason_zh": d.get("reason_zh") or DASH,
        "reason_en": text_en(d.get("reason_en"), d.get("reason_zh")) or DASH,
        "reversed": money(reversed_),
    }


def _inspection_row(row: dict[str, Any]) -> dict[str, str]:
    d = row["detail"]
    if "items_checked" not in d:  # recorded before the store kept an inspection's facts
        zh, en = label("result", row["status"])
        day_zh, day_en = _day(row["date"])
        return {
            "id": row["ref"],
            "date_zh": day_zh,
            "date_en": day_en,
            "inspector": row["by"] or DASH,
            "inspector_en": romanised(row["by"] or "") or DASH,
            "checked": DASH,
            "failed": DASH,
            "pass_rate": DASH,
            "result_zh": zh,
            "result_en": en,
            "findings": DASH,
            "findings_en": DASH,
        }
    return inspection_row(
        {**d, "inspection_id": row["ref"], "date": row["date"], "result": row["status"], "inspector": row["by"] or ""}
    )


def _notice_row(action: dict[str, Any]) -> dict[str, str]:
    zh, en = ACTION_LABELS.get(action["action"], (action["action"], action["action"]))
    period = Period.parse(action["period"])
    no = notice_no(action["action"], period, action["supplier_id"])
    return {
        "no": no,
        "period_zh": period_block(period)["zh"],
        "period_en": period_block(period)["en"],
        "kind_zh": zh,
        "kind_en": en,
        "reason_zh": action.get("reason_zh") or DASH,
        "reason_en": action.get("reason_en") or DASH,
    }


def _agenda(items: MeetingItems, review: ReviewPeriod, policy: Policy) -> list[dict[str, str]]:
    """Each open item as a point the meeting settles, in the order it is discussed."""
    roll = items.roll
    block = review_block(review)
    out: list[tuple[str, str]] = []
    if roll.average is not None:
        band = policy.band_named(roll.grade)
        zh = f"本季度绩效：平均得分{fixed(roll.average)}分，评级{roll.grade}（{band.label_zh}）"
        en = f"Performance this quarter: average score {fixed(roll.average)}, grade {roll.grade} ({band.label_en})"
        if items.change is not None:
            c_zh, c_en = _signed_points(items.change)
            zh += f"，较上季度（{fixed(items.previous_average)}分）{c_zh}"
            en += f", {c_en} on the previous quarter ({fixed(items.previous_average)})"
        weak = weakest_kpis(roll, WEAKEST)
        names = {k.field: (k.name_zh, k.name_en) for k in policy.kpis}
        if weak:
            zh += "；得分最低的指标为" + "、".join(f"{names[f][0]}（{fixed(a)}分）" for f, a, _ in weak)
            en += "; the lowest KPIs are " + ", ".join(f"{names[f][1]} ({fixed(a)})" for f, a, _ in weak)
        out.append((zh + "。请乙方说明原因及提升措施。", en + ". Party B to explain the causes and its measures."))
    else:
        out.append(
            (
                f"{block['zh']}无可评级的月份，请双方核对考核数据是否完整。",
                f"No month of {block['en']} could be rated: both parties to check that the evaluation data are complete.",
            )
        )
    for p in items.open_plans:
        src = p["source"] or p["ref"]
        if p["status"] == "missing":
            out.append(
                (
                    f"针对{src}的书面整改计划逾期未提交：请乙方当场说明原因并确定提交日期。",
                    f"The written improvement plan answering {src} is past its deadline and was never sent: "
                    "Party B to explain why and commit to a date.",
                )
            )
        elif p["status"] == "overdue":
            due_zh, due_en = _day(p["detail"].get("due_date"))
            out.append(
                (
                    f"整改计划{p['ref']}（针对{src}）已过完成期限{due_zh}仍未关闭：请乙方说明进展，双方确认新的完成期限及验证方式。",
                    f"Improvement plan {p['ref']} (answering {src}) passed its due date of {due_en} and is still open: "
                    "Party B to report progress; both parties to agree a new date and how it will be verified.",
                )
            )
        elif p["status"] == "awaited":
            deadline_zh, deadline_en = _day(p["detail"].get("deadline"))
            out.append(
                (
                    f"针对{src}的书面整改计划应于{deadline_zh}前提交：请乙方确认。",
                    f"The written improvement plan answering {src} is due by {deadline_en}: Party B to confirm.",
                )
            )
        else:
            due_zh, due_en = _day(p["detail"].get("due_date"))
            out.append(
                (
                    f"整改计划{p['ref']}（针对{src}）进行中，完成期限{due_zh}：请乙方汇报进展。",
                    f"Improvement plan {p['ref']} (answering {src}) is open, due {due_en}: Party B to report progress.",
                )
            )
    answered = {p["source"]: p for p in items.closed_plans}
    for i in items.inspections:
        if i["status"] in ("fail", "conditional"):
            zh = label("result", i["status"])[0]
            en = INSPECTION_VERDICT[i["status"]]
            day_zh, day_en = _day(i["date"])
            plan = answered.get(i["ref"])
            if plan is not None and plan["status"] == "done":
                closed_zh, closed_en = _day(plan["date"])
                by = plan["by"] or DASH
                out.append(
                    (
                        f"{day_zh}现场检查{i['ref']}结论为{zh}，整改计划{plan['ref']}已于{closed_zh}关闭（验证人：{by}）："
                        "确认整改效果是否持续。",
                        f"Site inspection {i['ref']} of {day_en} {en}; improvement plan {plan['ref']} was closed on "
                        f"{closed_en} (verified by {romanised(by) or by}): confirm that the remedy has held.",
                    )
                )
            else:
                out.append(
                    (
                        f"{day_zh}现场检查{i['ref']}结论为{zh}：逐项核对检查发现及其整改情况。",
                        f"Site inspection {i['ref']} of {day_en} {en}: go through each finding and how it is being remedied.",
                    )
                )
    for a in items.appeals:
        word_zh, word_en = DECISION_WORDS.get(a["status"], (a["status"], a["status"]))
        reversed_ = a["amount"] or Decimal(0)
        effect_zh = f"，已退还违约金{money(reversed_)}元" if reversed_ > 0 else ""
        effect_en = f"; {money(reversed_)} of liquidated damages reversed" if reversed_ > 0 else ""
        out.append(
            (
                f"申诉{a['ref']}（事件{a['source']}）处理结果：{word_zh}{effect_zh}。如有异议，请按合同争议解决条款提出。",
                f"Appeal {a['ref']} (incident {a['source']}) was decided: {word_en.lower()}{effect_en}. "
                "Any disagreement follows the contract's dispute-resolution clause.",
            )
        )
    adverse = [n for n in items.notices if n["action"] in ADVERSE]
    if adverse:
        nos = [_notice_row(n)["no"] for n in adverse]
        out.append(
            (
                f"本季度已发出的{'、'.join(nos)}所列问题的落实情况。",
                f"What has been done on the matters raised by {', '.join(nos)}, issued this quarter.",
            )
        )
    out.append(("乙方需要甲方配合或协调的事项。", "Matters on which Party B needs Party A's cooperation."))
    return [{"no": str(n), "zh": zh, "en": en} for n, (zh, en) in enumerate(out, start=1)]


def meeting_brief_context(items: MeetingItems, review: ReviewPeriod, policy: Policy) -> dict[str, Any]:
    roll = items.roll
    block = review_block(review)
    cat_zh, cat_en = label("category", roll.category) if roll.category else (DASH, DASH)
    band = policy.band_named(roll.grade) if roll.grade else None
    change = items.change
    change_zh, change_en = _signed_points(change) if change is not None else (DASH, DASH)
    months = [
        {
            "period_zh": period_block(m)["zh"],
            "period_en": period_block(m)["en"],
            "score": fixed(r.score) if r is not None and r.rated else DASH,
            "grade": (r.grade or DASH) if r is not None else DASH,
            "note_zh": "" if r is not None else "无记录",
            "note_en": "" if r is not None else "no record",
        }
        for m, r in roll.months
    ]
    names = {k.field: (k.name_zh, k.name_en) for k in policy.kpis}
    return {
        "org": org_block(policy),
        "review": block,
        "doc": {
            "no": f"MB-{review.code}-{roll.supplier_id}",
            "date_zh": block["end_zh"],
            "date_en": block["end_en"],
        },
        "supplier": {
            "id": roll.supplier_id,
            "name_zh": roll.name_zh,
            "name_en": roll.name_en or roll.name_zh,
            "category_zh": cat_zh,
            "category_en": cat_en,
        },
        "scores": {
            "months": months,
            "average": fixed(roll.average) if roll.average is not None else DASH,
            "grade": roll.grade or DASH,
            "grade_zh": band.label_zh if band else "不评级",
            "grade_en": band.label_en if band else "Not rated",
            "previous": fixed(items.previous_average) if items.previous_average is not None else DASH,
            "change_zh": change_zh,
            "change_en": change_en,
            "penalties": money(roll.penalties),
            "rewards": money(roll.rewards),
            "payable": money(roll.payable),
        },
        "weak_kpis": [
            {"name_zh": names[f][0], "name_en": names[f][1], "average": fixed(a), "periods": str(n)}
            for f, a, n in weakest_kpis(roll, WEAKEST)
        ],
        "open_plans": [_plan_row(p) for p in items.open_plans],
        "closed_plans": [_plan_row(p) for p in items.closed_plans],
        "appeals": [_appeal_row(a) for a in items.appeals],
        "inspections": [_inspection_row(i) for i in items.inspections],
        "notices": [_notice_row(n) for n in items.notices],
        "agenda": _agenda(items, review, policy),
    }
