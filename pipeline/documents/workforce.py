"""What the documents show of the outsourced workforce: attendance lines, the reconciliation
with the contract fee, the roster annex, and the portfolio's workforce table.

The roster annex of a settlement statement is the one place a worker's full name and ID
number are printed (the supplier's own people, on its own statement); everything else
names workers by worker ID and a masked ID number.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pipeline.compute.money import ZERO
from pipeline.compute.month import MonthResult
from pipeline.compute.settlement import Settlement
from pipeline.compute.workforce import AttendanceSettlement, DispatchRatio
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.documents.formatting import date_en, date_zh, fixed, money
from pipeline.documents.messages import text
from pipeline.privacy import mask_field

DASH = "—"
WORKFORCE_CODES = (
    "worker_health_check",
    "worker_background_check",
    "worker_safety_training",
    "worker_under_age",
    "worker_minor",
    "worker_minor_overtime",
    "worker_overtime",
    "dispatch_temporary_too_long",
    "worker_on_two_rosters",
    "worker_listed_twice",
    "attendance_missing",
)


CHECK_NAMES = {
    "worker_health_check": ("入职体检未通过或缺失", "no passed health check"),
    "worker_background_check": ("背景调查未通过或缺失", "no passed background check"),
    "worker_safety_training": ("上岗前未完成安全培训", "no safety training before the first day"),
    "worker_under_age": ("未满最低用工年龄（拒绝用工）", "under the minimum working age (refused)"),
    "worker_minor": ("未成年工（仅限非禁忌劳动）", "juvenile worker (protected work only)"),
    "worker_minor_overtime": ("未成年工加班", "juvenile worker on overtime"),
    "worker_overtime": ("加班超过法定上限", "overtime above the legal limit"),
    "dispatch_temporary_too_long": ("临时性岗位超过期限", "temporary post held too long"),
    "worker_on_two_rosters": ("同时在两家供应商花名册上", "on two suppliers' rosters"),
    "worker_listed_twice": ("同一人员重复登记", "listed twice"),
    "attendance_missing": ("未提交考勤", "attendance missing"),
    "dispatch_ratio": ("派遣用工超过比例上限", "dispatched workers above the limit"),
}


def check_rows(result: MonthResult) -> list[list[Any]]:
    """One row per worker and failed check, for HR to act on (worker ID only: no names, no ID numbers)."""
    rows = []
    for f in result.all_flags():
        if f.code not in CHECK_NAMES:
            continue
        zh, en = CHECK_NAMES[f.code]
        for wid in f.facts.get("workers") or [f.facts.get("contract_no") or "—"]:
            rows.append([f.supplier_id or "—", wid, zh, en, f.severity, *text(f.code, f.facts)])
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    return sorted(rows, key=lambda r: (order[r[4]], r[0], r[1], r[2]))


def qty(value: Decimal) -> str:
    """Days, hours and quantities as written by hand: 17, 16.5, 0, 64,800."""
    if not value:
        return "0"
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "") if abs(value) >= 1000 else text


def signed_money(value: Decimal) -> str:
    """+6,280.55 / −7,758.32 / 0.00: a step of the reconciliation."""
    return f"+{money(value)}" if value > 0 else money(value)


def _rate(value: Decimal) -> str:
    return fixed(value, 2).rstrip("0").rstrip(".")


def reconciliation(a: AttendanceSettlement) -> list[dict[str, str]]:
    """Contract fee → attendance amount, step by step; the steps add up exactly."""
    rows = [{"zh": "合同月服务费（本期）", "en": "Contract fee for the period", "amount": money(a.contract_fee)}]
    for r in a.roles:
        role_zh, role_en = r.item["role_zh"], r.item.get("role_en") or r.item["role_zh"]
        if r.replacements:
            rows.append(
                {
                    "zh": f"岗位替换：{role_zh} 本期{r.headcount}人先后在岗，同时在岗最多{r.posts}人；"
                    f"{r.replacements}人为离岗人员的接替者，按岗位计，不构成人数差异",
                    "en": f"Replacements: {role_en}, {r.headcount} people over the month, at most {r.posts} at a time; "
                    f"{r.replacements} replaced people who left, counted as the same posts, not a headcount difference",
                    "amount": "0.00",
                }
            )
        if r.headcount_effect:
            rows.append(
                {
                    "zh": f"人数差异：{role_zh} 合同{r.contracted_headcount}人，本期在岗{r.posts}个岗位，"
                    f"{'增加' if r.headcount_effect > 0 else '减少'}{abs(r.posts - r.contracted_headcount)}人×单价{money(r.unit_price)}",
                    "en": f"Headcount: {role_en}, {r.contracted_headcount} contracted, {r.posts} posts filled; "
                    f"{r.posts - r.contracted_headcount:+d} × unit price {money(r.unit_price)}",
                    "amount": signed_money(r.headcount_effect),
                }
            )
        if r.attendance_effect:
            full = r.posts * a.working_days
            how_zh = (
                "按日工资计，社保公积金与管理费按岗位计"
                if r.components
                else f"按日单价（单价÷{qty(a.working_days)}天，四舍五入至分）计"
            )
            how_en = (
                "at the daily wage, social insurance and the management fee per post"
                if r.components
                else f"at the daily rate (unit price ÷ {qty(a.working_days)}, to the fen)"
            )
            rows.append(
                {
                    "zh": f"出勤差异：{role_zh} {r.posts}个岗位满勤{qty(full)}天，实际出勤{qty(r.days)}天，{how_zh}",
                    "en": f"Attendance: {role_en}, {qty(r.days)} days worked against {qty(full)} for "
                    f"{r.posts} posts at full attendance, {how_en}",
                    "amount": signed_money(r.attendance_effect),
                }
            )
        if r.overtime:
            rows.append(
                {
                    "zh": f"加班费：{role_zh} 加班{qty(r.overtime_hours)}小时×加班单价{money(r.overtime_rate)}",
                    "en": f"Overtime: {role_en}, {qty(r.overtime_hours)} hours × overtime rate {money(r.overtime_rate)}",
                    "amount": signed_money(r.overtime),
                }
            )
    if a.fee_vs_items:
        rows.append(
            {
                "zh": "服务项目满编金额与本期合同月服务费之差（包干价或合同部分月份在执行）",
                "en": "Service items at full headcount against the contract fee for the period (a fixed fee, or a part month)",
                "amount": signed_money(a.fee_vs_items),
            }
        )
    rows.append({"zh": "按实际出勤结算金额", "en": "Amount settled on attendance", "amount": money(a.amount)})
    return rows


def explanation(a: AttendanceSettlement) -> tuple[str, str]:
    diff = a.difference
    if diff == 0:
        return ("按实际出勤结算金额与合同月服务费一致。", "The amount settled on attendance equals the contract fee.")
    hc = sum((r.headcount_effect for r in a.roles), ZERO)
    att = sum((r.attendance_effect for r in a.roles), ZERO)
    parts = [
        (abs(hc), "人数差异", "headcount", hc),
        (abs(att), "出勤天数差异", "days worked", att),
        (abs(a.overtime_total), "加班费", "overtime", a.overtime_total),
        (abs(a.fee_vs_items), "包干价/部分月份差异", "fixed fee or part month", a.fee_vs_items),
    ]
    main = [p for p in sorted(parts, key=lambda p: -p[0]) if p[0]]
    more = diff > 0
    zh = (
        f"按实际出勤结算金额较合同月服务费{'多' if more else '少'}{money(abs(diff))}元，由"
        + "、".join(f"{p[1]}（{signed_money(p[3])}）" for p in main)
        + "构成。"
    )
    en = (
        f"The amount settled on attendance is {money(abs(diff))} {'above' if more else 'below'} the contract fee, "
        f"made up of " + ", ".join(f"{p[2]} ({signed_money(p[3])})" for p in main) + "."
    )
    return zh, en


def attendance_blocks(s: Settlement) -> list[dict[str, Any]]:
    blocks = []
    for b in s.bases:
        a = b.attendance
        if a is None:
            continue
        zh, en = explanation(a)
        wd, hpd, rate = qty(a.working_days), qty(a.hours_per_day), _rate(a.overtime_rate)
        if a.components:
            rule_zh = (
                f"日工资＝岗位工资标准÷本月计薪工作日{wd}天，四舍五入至分；工资＝出勤天数×日工资；加班单价＝日工资÷{hpd}×{rate}倍，"
                "四舍五入至分；社会保险及住房公积金、管理费按岗位每月计（同一岗位月内离岗由他人接替的，不重复计算）。"
            )
            rule_en = (
                f"Daily wage = the post's wage ÷ {wd} working days this month, to the fen; pay = days worked × daily "
                f"wage; overtime rate = daily wage ÷ {hpd} × {rate}, to the fen; social insurance, housing fund and the "
                "management fee are per post per month (a post whose worker left and was replaced counts once)."
            )
        else:
            rule_zh = (
                f"日单价＝岗位月单价÷本月计薪工作日{wd}天，四舍五入至分；金额＝出勤天数×日单价；加班单价＝日单价÷{hpd}×{rate}倍，"
                "四舍五入至分。各岗位明细见第四部分，人员出勤见附件。"
            )
            rule_en = (
                f"Daily rate = the role's monthly unit price ÷ {wd} working days this month, to the fen; amount = days "
                f"worked × daily rate; overtime rate = daily rate ÷ {hpd} × {rate}, to the fen. Each role's lines are "
                "in part 4, each worker's days in the annex."
            )
        blocks.append(
            {
                "contract_no": a.contract_no,
                "working_days": wd,
                "rule_zh": rule_zh,
                "rule_en": rule_en,
                "reconcile": reconciliation(a),
                "contract_fee": money(a.contract_fee),
                "difference": signed_money(a.difference),
                "explain_zh": zh,
                "explain_en": en,
            }
        )
    return blocks


def roster_rows(s: Settlement) -> list[dict[str, str]]:
    """The annex: every worker settled (or refused) this period, in full."""
    rows = []
    for b in s.bases:
        a = b.attendance
        if a is None:
            continue
        for p in sorted(a.workers, key=lambda p: p.worker["worker_id"]):
            w = p.worker
            note_zh = note_en = ""
            if p.refused == "under_age":
                note_zh, note_en = (
                    "未达最低用工年龄（按身份证出生日期），拒绝用工，不予结算",
                    "below the minimum working age (by the ID number's birth date): refused, not settled",
                )
            elif w.get("offboard_date"):
                note_zh, note_en = f"{date_zh(w['offboard_date'])}离职", f"left on {date_en(w['offboard_date'])}"
            elif w["onboard_date"] >= s.period + "-01":
                note_zh, note_en = f"{date_zh(w['onboard_date'])}入职", f"joined on {date_en(w['onboard_date'])}"
            nat_zh, nat_en = label("post_nature", w["post_nature"]) if w.get("post_nature") else ("", "")
            rows.append(
                {
                    "no": str(len(rows) + 1),
                    "worker_id": w["worker_id"],
                    "name": w["name"],
                    # data minimisation (个人信息保护法 §6): a statement goes to finance and to the
                    # supplier, so the worker id and a masked ID number identify the person enough
                    "id_number": mask_field("id_number", w["id_number"]),
                    "contract_no": a.contract_no,
                    "role_zh": p.item["role_zh"],
                    "role_en": p.item.get("role_en", ""),
                    "post_nature_zh": nat_zh,
                    "post_nature_en": nat_en,
                    "days": qty(p.days),
                    "overtime_hours": qty(p.overtime_hours),
                    "note_zh": note_zh,
                    "note_en": note_en,
                }
            )
    return rows


def portfolio_workforce(result: MonthResult) -> dict[str, Any]:
    rows = []
    for sm in result.suppliers:
        settled = [b.attendance for s in sm.settlements for b in s.bases if b.attendance is not None]
        flags = [f for f in sm.flags if f.code in WORKFORCE_CODES]
        if not sm.workers_on_site and not settled:
            continue
        fee = sum((a.contract_fee for a in settled), ZERO)
        amount = sum((a.amount for a in settled), ZERO)
        rows.append(
            {
                "supplier": f"{sm.supplier_id} {sm.supplier['name_zh']}",
                "supplier_en": f"{sm.supplier_id} {sm.supplier.get('name_en', '')}".strip(),
                "on_site": str(sm.workers_on_site),
                "headcount": str(sum(a.headcount for a in settled)) if settled else DASH,
                "days": qty(sum((a.days for a in settled), ZERO)) if settled else DASH,
                "contract_fee": money(fee) if settled else DASH,
                "amount": money(amount) if settled else DASH,
                "difference": signed_money(amount - fee) if settled else DASH,
                "flags": str(len(flags)),
            }
        )
    ratio: DispatchRatio | None = result.dispatch
    if ratio is None:
        zh, en = "本期未提交人员花名册。", "No worker roster was received this period."
    elif ratio.direct is None:
        zh = f"期末在岗被派遣劳动者{ratio.dispatched:,}人；未配置直接用工人数（policy.yaml 的 workforce.direct_headcount），无法核对派遣用工比例上限。"
        en = (
            f"{ratio.dispatched:,} dispatched workers on site at the end of the period; the direct headcount is not configured "
            f"(workforce.direct_headcount in policy.yaml), so the dispatch limit cannot be checked."
        )
    else:
        limit = fixed(ratio.limit_pct, 0)
        state_zh = "超过" if ratio.exceeded else "未超过"
        zh = (
            f"期末在岗被派遣劳动者{ratio.dispatched:,}人，直接用工{ratio.direct:,}人，派遣用工占用工总量的{fixed(ratio.pct, 1)}%，"
            f"{state_zh}{limit}%的法定上限（按现有直接用工人数最多可使用{ratio.allowed:,}人）。"
        )
        en = (
            f"{ratio.dispatched:,} dispatched workers on site at the end of the period and {ratio.direct:,} direct employees: "
            f"dispatched workers are {fixed(ratio.pct, 1)}% of the total workforce, "
            f"{'above' if ratio.exceeded else 'within'} the {limit}% legal limit (at most {ratio.allowed:,} with the present "
            f"direct headcount)."
        )
    return {"available": ratio is not None, "dispatch_zh": zh, "dispatch_en": en, "rows": rows}


# --------------------------------------------------------------------------- large rosters: the .xlsx annex


def roster_in_workbook(settlements: Sequence[Settlement], policy: Policy) -> bool:
    """Whether the statement's workers go to the .xlsx annex instead of Word: more than
    `workforce.roster_in_word_max` of them (a 5,000-worker annex was a 288-page statement whose
    PDF took minutes; Word holds the totals per post instead)."""
    workers = sum(len(b.attendance.workers) for s in settlements for b in s.bases if b.attendance is not None)
    return workers > policy.workforce.roster_in_word_max


def roster_workbook_name(file_stem: str, period_code: str) -> str:
    """Where the annex of `file_stem`'s statement is written, beside the statement."""
    return f"settlements/{file_stem}_attendance_{period_code}.xlsx"


def role_totals(settlements: Sequence[Settlement]) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Each post's workers settled, days and overtime hours (the quantities of its statement
    lines), and their total; workers refused (under age) are counted apart."""
    rows, workers, days, hours, refused = [], 0, ZERO, ZERO, 0
    for s in settlements:
        for b in s.bases:
            a = b.attendance
            if a is None:
                continue
            for r in a.roles:
                rows.append(
                    {
                        "contract_no": a.contract_no,
                        "role_zh": r.item["role_zh"],
                        "role_en": r.item.get("role_en", ""),
                        "workers": str(r.headcount),
                        "days": qty(r.days),
                        "overtime_hours": qty(r.overtime_hours),
                    }
                )
                workers, days, hours = workers + r.headcount, days + r.days, hours + r.overtime_hours
            refused += sum(1 for p in a.workers if p.refused)
    total = {"workers": str(workers), "days": qty(days), "overtime_hours": qty(hours), "refused": str(refused)}
    return rows, total


ROSTER_COLUMNS = (  # (header, width, number format)
    ("序号 No.", 7, "0"),
    ("合同编号 Contract No.", 18, "@"),
    ("工号 Worker ID", 14, "@"),
    ("姓名 Name", 12, "@"),
    ("身份证号（部分隐藏）ID number (partly hidden)", 22, "@"),
    ("岗位 Role", 16, "@"),
    ("Role", 22, "@"),
    ("岗位性质 Post nature", 14, "@"),
    ("出勤天数 Days", 10, "0.##"),
    ("加班小时 OT hours", 10, "0.##"),
    ("备注", 24, "@"),
    ("Note", 30, "@"),
)
TOTAL_COLUMNS = (
    ("合同编号 Contract No.", 18, "@"),
    ("岗位 Role", 16, "@"),
    ("Role", 22, "@"),
    ("人数 Workers", 10, "0"),
    ("出勤天数 Days", 12, "0.##"),
    ("加班小时 OT hours", 12, "0.##"),
)


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def roster_workbook_bytes(settlements: Sequence[Settlement], supplier_id: str, period_code: str) -> bytes:
    """The statement's attendance annex as a workbook: every worker settled (or refused) with
    days and overtime (ID numbers partly hidden, as in Word), each post's totals, and what the
    figures are; each post's days and hours add up to its lines on the statement."""
    from openpyxl import Workbook

    from pipeline.render.workbooks import fill_sheet, workbook_bytes

    def sheet(ws, columns, rows):
        fill_sheet(ws, [c[0] for c in columns], rows, [c[1] for c in columns])
        for row in ws.iter_rows(min_row=2):
            for cell, column in zip(row, columns):
                cell.number_format = column[2]
        ws.auto_filter.ref = ws.dimensions

    wb = Workbook()
    ws = wb.active
    ws.title = "人员考勤 Attendance"
    roster = [row for s in settlements for row in roster_rows(s)]
    sheet(
        ws,
        ROSTER_COLUMNS,
        (
            [
                int(r["no"]),
                r["contract_no"],
                r["worker_id"],
                r["name"],
                r["id_number"],
                r["role_zh"],
                r["role_en"],
                r["post_nature_zh"],
                _number(r["days"]),
                _number(r["overtime_hours"]),
                r["note_zh"],
                r["note_en"],
            ]
            for r in roster
        ),
    )
    rows, total = role_totals(settlements)
    totals = wb.create_sheet("岗位合计 Totals")
    body = [
        [
            r["contract_no"],
            r["role_zh"],
            r["role_en"],
            int(r["workers"]),
            _number(r["days"]),
            _number(r["overtime_hours"]),
        ]
        for r in rows
    ]
    body.append(["合计 Total", "", "", int(total["workers"]), _number(total["days"]), _number(total["overtime_hours"])])
    sheet(totals, TOTAL_COLUMNS, body)
    about = wb.create_sheet("说明 About")
    statement = f"ST-{period_code}-{supplier_id}"
    fill_sheet(
        about,
        ["说明", "Notes"],
        [
            (
                f"本工作簿是结算单{statement}的人员考勤附件，与结算单一并发送。",
                f"This workbook is the attendance annex of settlement statement {statement}, sent with it.",
            ),
            (
                "本附件载有个人信息（身份证号已部分隐藏），仅供双方核对本期结算使用，请妥善保管，不得转作他用。",
                "It holds personal data (ID numbers partly hidden), for both parties to check this statement only; "
                "keep it safe and use it for nothing else.",
            ),
            (
                "各岗位出勤天数、加班时长合计即结算单第四部分相应行的数量（“岗位合计”表）；未达最低用工年龄而拒绝用工的人员列出但不计入。",
                "Each post's days and overtime hours add up to the quantities of its lines in part 4 of the statement "
                "(sheet Totals); workers refused for being under the minimum age are listed but not counted.",
            ),
        ],
        [70, 80],
    )
    return workbook_bytes(wb)
