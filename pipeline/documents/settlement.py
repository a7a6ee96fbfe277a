"""The settlement statement as accounts payable reads it, and the same lines for finance's
payments workbook (`documents.payments`).

Every line shows quantity × rate = amount (the rate at the fen), every total is the sum of the
lines above it, each currency stands alone, and the invoice table says what to invoice on which
kind of VAT invoice. The statement carries what payment approval needs: the account name, the
due date, the approval block and a hold marker when the payment must wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pipeline.documents.workforce as workforce_docs
from pipeline.compute.money import fen
from pipeline.compute.month import SupplierMonth
from pipeline.compute.pricing import pricing_of
from pipeline.compute.settlement import VAT_ORDINARY, VAT_SPECIAL, Line, Settlement
from pipeline.config.clauses import shipped_clauses
from pipeline.config.contract_terms import CURRENCY_NAMES
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.documents.formatting import MINUS, date_en, date_zh, fixed, money, period_block, rate_pct, words
from pipeline.documents.messages import lower_words, text
from pipeline.documents.workforce import qty
from pipeline.periods import Period

DASH = "—"
UNITS = {
    "month": ("月", "month"),
    "day": ("天", "days"),
    "hour": ("小时", "hours"),
    "post": ("岗位", "posts"),
    "head": ("人", "people"),
    "lump": ("项", "lump sum"),
    "worker_day": ("人·天", "worker-days"),
    "time": ("次", "times"),
}
PRICING = {
    "fixed": ("固定费用", "fixed fee"),
    "per_unit": ("按量计价", "per unit"),
    "per_head": ("按人月", "per head-month"),
}
INVOICE_NAMES = {
    VAT_SPECIAL: ("增值税专用发票", "special VAT invoice"),
    VAT_ORDINARY: ("增值税普通发票", "ordinary VAT invoice"),
}
APPROVERS = (
    ("prepared_by", "经办", "Prepared by"),
    ("reviewed_by", "审核", "Reviewed by"),
    ("finance", "财务", "Finance"),
    ("approved_by", "批准", "Approved by"),
)
HOLD_REASONS = {
    "termination": (
        "本期已向乙方发出终止通知：本结算单金额暂缓支付，待依合同核算违约金及损失并办理抵销后再行支付。",
        "A termination notice was issued to the supplier this period: payment of this statement is on hold until "
        "liquidated damages and losses under the contract are assessed and set off.",
    ),
}


def _pct(value: Decimal) -> str:
    return fixed(value, 2).rstrip("0").rstrip(".")


def _role(line: Line) -> tuple[str, str]:
    item = line.item or {}
    return item.get("role_zh", ""), item.get("role_en") or item.get("role_zh", "")


def line_text(line: Line) -> tuple[str, str]:
    """What the line is, in words; its figures are in the quantity, rate and amount columns."""
    d, no = line.detail, line.contract_no
    role_zh, role_en = _role(line)
    if line.kind == "base":
        zh, en = f"基本服务费（{no}）", f"Base service fee ({no})"
        if d.get("from_items"):
            zh, en = zh + "，按服务项目人数×单价计", en + ", headcount × unit price of the service items"
        if d.get("prorated"):
            zh += f"，本期在执行{d['active_days']}/{d['period_days']}天，按日费用（月服务费{money(d['monthly_fee'])}÷{d['period_days']}天）计"
            en += (
                f", in force {d['active_days']} of {d['period_days']} days, at the daily fee (monthly fee "
                f"{money(d['monthly_fee'])} ÷ {d['period_days']} days)"
            )
        return zh, en
    if line.kind == "service_fee":
        zh, en = f"固定服务费（{no}）：{role_zh}", f"Fixed service fee ({no}): {role_en}"
        if d.get("prorated"):
            zh += f"，本期在执行{d['active_days']}/{d['period_days']}天，按日费用计"
            en += f", in force {d['active_days']} of {d['period_days']} days, at the daily fee"
        return zh, en
    if line.kind == "per_head":
        zh, en = f"服务费（{no}）：{role_zh}，按合同人数×单价", f"Service fee ({no}): {role_en}, headcount × unit price"
        if d.get("prorated"):
            zh += f"，本期在执行{d['active_days']}/{d['period_days']}天折算"
            en += f", prorated for {d['active_days']} of {d['period_days']} days in force"
        return zh, en
    if line.kind == "work_volume":
        v, item = d["volume"], line.item or {}
        u_zh, u_en = unit_words(item, v.submitted)
        zh = f"验收合格工作量（{no}）：{role_zh}，提交{qty(v.submitted)}{u_zh}，验收合格{qty(v.accepted)}{u_zh}"
        en = f"Accepted work ({no}): {role_en}, {qty(v.submitted)} {u_en} submitted, {qty(v.accepted)} accepted"
        if v.rejected:
            zh += f"，不合格{qty(v.rejected)}{u_zh}不计费"
            en += f"; the {qty(v.rejected)} not accepted are not paid"
        return zh, en
    if "role" not in d and line.kind in ("wage", "social_insurance", "management_fee"):
        # a dispatch contract without attendance: each post at its components, per head
        what = {
            "wage": ("代发工资", "Workers' pay"),
            "social_insurance": ("代缴社会保险及住房公积金", "Social insurance and housing fund"),
            "management_fee": ("派遣管理费", "Dispatch management fee"),
        }[line.kind]
        zh, en = f"{what[0]}（{no}）：{role_zh}，按合同人数每人每月", f"{what[1]} ({no}): {role_en}, per head per month"
        if d.get("prorated"):
            zh += f"，本期在执行{d['active_days']}/{d['period_days']}天折算"
            en += f", prorated for {d['active_days']} of {d['period_days']} days in force"
        return zh, en
    if line.kind in ("attendance", "wage"):
        r = d["role"]
        people_zh = f"{r.headcount}人出勤" + (f"（含替换{r.replacements}人）" if r.replacements else "")
        people_en = f"{r.headcount} worked" + (f" ({r.replacements} replacing leavers)" if r.replacements else "")
        if line.kind == "wage":
            return f"代发工资（{no}）：{role_zh}，{people_zh}", f"Workers' pay ({no}): {role_en}, {people_en}"
        return f"劳务费（{no}）：{role_zh}，{people_zh}", f"Labour fee ({no}): {role_en}, {people_en}"
    if line.kind in ("overtime", "wage_overtime"):
        what_zh, what_en = ("加班工资", "Overtime pay") if line.kind == "wage_overtime" else ("加班费", "Overtime")
        return f"{what_zh}（{no}）：{role_zh}", f"{what_en} ({no}): {role_en}"
    if line.kind == "social_insurance":
        return (
            f"代缴社会保险及住房公积金（{no}）：{role_zh}",
            f"Social insurance and housing fund ({no}): {role_en}",
        )
    if line.kind == "management_fee":
        return f"派遣管理费（{no}）：{role_zh}", f"Dispatch management fee ({no}): {role_en}"
    if line.kind == "fee_adjustment":
        return (
            f"合同约定月服务费与各岗位满编金额之差（{no}）",
            f"The contract's monthly fee against its posts at full headcount ({no})",
        )
    if line.kind == "penalty" and d.get("breach"):
        return dispatch_penalty_text(d)
    if line.kind == "penalty":
        inc = d["incident"]
        t_zh, t_en = label("type", inc["type"])
        s_zh, s_en = label("severity", inc["severity"])
        zh = f"违约金：{inc['incident_id']} {t_zh}（{s_zh}）"
        en = f"Liquidated damages: {inc['incident_id']} {lower_words(t_en)} ({lower_words(s_en)})"
        if d["days_late"]:
            per = _pct(d["pct_per_day"])
            zh += (
                f"，延误{qty(d['days_late'])}天×每天{money(d['per_day'])}（月服务费{money(d['monthly_fee'])}的{per}%）"
            )
            en += (
                f", {qty(d['days_late'])} days late × {money(d['per_day'])} a day ({per}% of the monthly fee "
                f"{money(d['monthly_fee'])})"
            )
            if d["fixed"]:
                zh += f"＋固定金额{money(d['fixed'])}"
                en += f" + fixed {money(d['fixed'])}"
        return zh, en
    if line.kind == "cap_relief":
        cap = _pct(d["cap_pct"])
        return (
            f"违约金合计{money(d['gross'])}超出合同上限（本期合同服务费的{cap}%，即{money(d['cap'])}），超出部分本期不扣，甲方保留依合同追偿或抵销的权利",
            f"Liquidated damages of {money(d['gross'])} exceed the contractual cap ({cap}% of the fee for the period, "
            f"{money(d['cap'])}); the excess is not deducted this month and remains reserved (Party A may claim it or "
            "set it off under the contract)",
        )
    if line.kind == "appeal_credit":
        dec = d["decision"]
        iid, orig = dec.incident["incident_id"], dec.original_period
        if dec.decision == "upheld":
            return (
                f"申诉{dec.appeal_id}成立：退还{orig}结算中事件{iid}的违约金",
                f"Appeal {dec.appeal_id} upheld: the liquidated damages for incident {iid} in the {orig} settlement "
                "are reversed",
            )
        return (
            f"申诉{dec.appeal_id}部分成立：退还{orig}结算中事件{iid}违约金{money(dec.charged)}中的{money(dec.reversed)}",
            f"Appeal {dec.appeal_id} partially upheld: {money(dec.reversed)} of the {money(dec.charged)} liquidated "
            f"damages for incident {iid} in the {orig} settlement reversed",
        )
    if line.kind == "reward":
        p = _pct(d["pct"])
        return (
            f"绩效奖励：评级{d['grade']}，本期合同服务费{money(d['fee'])}的{p}%",
            f"Performance reward: grade {d['grade']}, {p}% of the fee for the period {money(d['fee'])}",
        )
    if line.kind == "carried_in":
        return (
            f"上期（{d['from']}）结算未能抵扣完、转入本期的违约金（应收款）",
            f"Liquidated damages carried forward from the {d['from']} settlement (receivable), set off this month",
        )
    if line.kind == "carried_forward":
        return (
            f"本期违约金超出本期可抵扣金额的部分，转入下期（{d['to']}）结算抵扣（应收款）",
            f"Liquidated damages above what this month can absorb, carried forward to the {d['to']} settlement (receivable)",
        )
    raise ValueError(line.kind)


def unit_words(item: Mapping[str, Any], quantity: Decimal | None = None) -> tuple[str, str]:
    """A per-unit item's unit of work (件 / piece, pieces for a quantity other than one); 单位 /
    units when the contract names none."""
    en = item.get("unit_en") or "units"
    if quantity is not None and quantity != 1 and en.isalpha() and en.isascii() and not en.endswith("s"):
        en += "es" if en.endswith(("x", "ch", "sh")) else "s"
    return item.get("unit_zh") or "单位", en


def unit_of(line: Line) -> tuple[str, str]:
    """The unit of a line's quantity in words (a per-unit line: its item's unit of work)."""
    return unit_words(line.item or {}, line.quantity) if line.unit == "unit" else UNITS[line.unit]


def line_row(n: int, line: Line, currency: str) -> dict[str, str]:
    zh, en = line_text(line)
    w_zh, w_en = words(line.amount, currency)
    u_zh, u_en = unit_of(line)
    if not line.taxable:
        zh += "（差额扣除，不计税，普通发票）"
        en += " (out of the VAT base; ordinary invoice)"
    return {
        "no": str(n),
        "item_zh": zh,
        "item_en": en,
        "quantity": qty(line.quantity),
        "unit_zh": u_zh,
        "unit_en": u_en,
        "rate": money(line.shown_rate),
        "sign": "+" if line.sign > 0 else MINUS,
        "amount": money(line.amount),
        "words_zh": w_zh,
        "words_en": w_en,
    }


def invoice_rows(s: Settlement) -> list[dict[str, str]]:
    rows = []
    for kind, rate, net, vat, gross in s.by_invoice():
        n_zh, n_en = INVOICE_NAMES[kind]
        w_zh, w_en = words(gross, s.currency) if gross >= 0 else (DASH, DASH)
        rows.append(
            {
                "type_zh": n_zh if kind == VAT_SPECIAL else n_zh + "（差额扣除部分）",
                "type_en": n_en if kind == VAT_SPECIAL else n_en + " (the part deducted from the taxable amount)",
                "net": money(net),
                "rate": rate_pct(rate) if kind == VAT_SPECIAL else "不征税 n/a",
                "vat": money(vat),
                "gross": money(gross),
                "words_zh": w_zh,
                "words_en": w_en,
            }
        )
    return rows


def due_date(s: Settlement, period: Period) -> dt.date:
    """The latest payment date if the invoice arrives on the statement's date (its period's end)."""
    return period.end + dt.timedelta(days=s.payment_days)


def currency_block(s: Settlement, period: Period) -> dict[str, Any]:
    c_zh, c_en = CURRENCY_NAMES.get(s.currency, (s.currency, s.currency))
    p_zh, p_en = words(s.payable, s.currency)
    n_zh, n_en = words(s.net_of_tax, s.currency)
    x_zh, x_en = words(s.tax, s.currency)
    due = due_date(s, period)
    return {
        "code": s.currency,
        "name_zh": c_zh,
        "name_en": c_en,
        "lines": [line_row(n, line, s.currency) for n, line in enumerate(s.lines, start=1)],
        "total": {"amount": money(s.payable), "words_zh": p_zh, "words_en": p_en},
        "tax": {
            "included": s.fee_includes_tax,
            "rate": "、".join(rate_pct(r) for r in s.rates) or "0%",
            "net": money(s.net_of_tax),
            "net_words_zh": n_zh,
            "net_words_en": n_en,
            "tax": money(s.tax),
            "tax_words_zh": x_zh,
            "tax_words_en": x_en,
        },
        "invoices": invoice_rows(s),
        "due_zh": date_zh(due),
        "due_en": date_en(due),
        "payment_days": str(s.payment_days),
        "carried_forward": money(s.carried_forward) if s.carried_forward else "",
    }


def hold_block(s: Settlement) -> dict[str, Any]:
    reasons = [HOLD_REASONS[r] for r in s.hold if r in HOLD_REASONS]
    return {
        "on_hold": bool(reasons),
        "zh": "".join(r[0] for r in reasons),
        "en": " ".join(r[1] for r in reasons),
    }


def approval_rows(policy: Policy) -> list[dict[str, str]]:
    return [{"role_zh": zh, "role_en": en, "name": policy.approvers.get(key, "")} for key, zh, en in APPROVERS]


def account_name(supplier: Mapping[str, Any]) -> str:
    """户名: the payee's account name (the supplier's registered name unless given)."""
    return supplier.get("account_name") or supplier["name_zh"]


def settlement_context(sm: SupplierMonth, policy: Policy, period: Any, file_stem: str | None = None) -> dict[str, Any]:
    """The statement of `sm`; `file_stem`: the supplier's part of its file names, which names the
    attendance workbook when its workers are more than Word should list (roster_in_workbook)."""
    assert sm.settlements
    main = sm.settlements[0]
    sup = sm.supplier
    cat_zh, cat_en = label("category", sup["category"])
    contracts, items = [], []
    for s in sm.settlements:
        for b in s.bases:
            c = b.contract
            t_zh, t_en = label("contract_type", c["contract_type"])
            contracts.append(
                {
                    "no": c["contract_no"],
                    "type_zh": t_zh,
                    "type_en": t_en,
                    "monthly_fee": money(b.monthly_fee),
                    "currency": b.currency,
                    "tax_rate": rate_pct(c.get("tax_rate", Decimal(0))),
                    "payment_days": str(c.get("payment_days", policy.default_payment_days)),
                    **_cap_words(c, policy),
                    "prorated_zh": f"本期在执行{b.active_days}/{b.period_days}天" if b.prorated else "",
                    "prorated_en": f"in force {b.active_days} of {b.period_days} days" if b.prorated else "",
                }
            )
            volumes = {v.item["item_code"]: v for v in b.volumes}
            for i in b.items:
                parts_zh = parts_en = ""
                pricing = pricing_of(i)
                p_zh, p_en = PRICING[pricing]
                if pricing == "per_head":
                    heads = int(i.get("headcount") or 0)
                    basis_zh, basis_en = f"{p_zh}：{heads}人", f"{p_en}: {heads} people"
                    unit_price = money(i["unit_price"])
                    amount = money(Decimal(heads) * i["unit_price"])
                elif pricing == "fixed":
                    basis_zh, basis_en = f"{p_zh}：每月", f"{p_en}: per month"
                    unit_price = money(i["unit_price"])
                    amount = money(i["unit_price"])
                else:
                    u_zh, u_en = unit_words(i)
                    v = volumes.get(i["item_code"])
                    basis_zh, basis_en = (
                        f"{p_zh}：每{u_zh}",
                        f"{p_en}: per {u_en.rstrip('s') if u_en == 'units' else u_en}",
                    )
                    unit_price = money(i["unit_price"])
                    amount = (
                        "待验收 pending acceptance"
                        if v is None or v.pending
                        else money(fen(v.accepted * fen(Decimal(i["unit_price"]))))
                    )
                if b.dispatch_components:
                    parts_zh = f"工资{money(i['wage'])}＋社保公积金{money(i['social_insurance'])}＋管理费{money(i['management_fee'])}"
                    parts_en = (
                        f"wage {money(i['wage'])} + social insurance {money(i['social_insurance'])} + management fee "
                        f"{money(i['management_fee'])}"
                    )
                items.append(
                    {
                        "contract_no": c["contract_no"],
                        "role_zh": i["role_zh"],
                        "role_en": i.get("role_en", ""),
                        "basis_zh": basis_zh,
                        "basis_en": basis_en,
                        "unit_price": unit_price,
                        "amount": amount,
                        "currency": b.currency,
                        "components_zh": parts_zh,
                        "components_en": parts_en,
                    }
                )
    notes = []
    for s in sm.settlements:
        notes.append({"zh": cap_note(s)[0], "en": cap_note(s)[1]})
        if s.uncharged:
            ids = "、".join(i["incident_id"] for i in s.uncharged)
            clause = shipped_clauses().cite("labor_dispatch", "liquidated_damages")
            notes.append(
                {
                    "zh": f"本期事件{ids}计入绩效考核；劳务派遣协议只对协议{clause.ref_zh}所列乙方自身的违约情形计付违约金"
                    "（工作由甲方指挥，交付进度和质量不计违约金），故不就上述事件扣违约金。",
                    "en": f"Incidents {ids.replace('、', ', ')} count in the evaluation; the dispatch agreement charges "
                    f"liquidated damages only for the agency's own breaches its {clause.ref_en} lists (Party A directs the "
                    "work, so delivery and quality carry none), so none is deducted for them.",
                }
            )
        if s.carried_forward:
            notes.append(
                {
                    "zh": f"本期违约金超出本期可抵扣金额，{s.currency} {money(s.carried_forward)}转入下期结算抵扣，本期应付金额为{money(s.payable)}。",
                    "en": f"Liquidated damages exceed what this month can absorb: {s.currency} {money(s.carried_forward)} is "
                    f"carried forward to the next settlement; the amount payable this month is {money(s.payable)}.",
                }
            )
        if any(not l.taxable for l in s.lines):
            notes.append(
                {
                    "zh": f"劳务派遣按差额征税（财税〔2016〕47号）：代发工资及代缴社会保险、住房公积金{money(s.pass_through)}"
                    f"从销售额中扣除，不计增值税，只能开具增值税普通发票；其余部分按{rate_pct(policy.dispatch_vat_rate)}计税，"
                    "可开具增值税专用发票。",
                    "en": f"Labour dispatch is taxed on the difference (Caishui [2016] No. 47): the workers' pay, social "
                    f"insurance and housing fund of {money(s.pass_through)} are deducted from the taxable amount, carry no "
                    f"VAT and can be invoiced only on an ordinary VAT invoice; the rest is taxed at "
                    f"{rate_pct(policy.dispatch_vat_rate)} and may be invoiced on a special VAT invoice.",
                }
            )
    if len(sm.settlements) > 1:
        codes = "、".join(s.currency for s in sm.settlements)
        notes.append(
            {
                "zh": f"乙方合同以{codes}计价，按币种分别结算、分别付款，不同币种金额不相加。",
                "en": f"The supplier's contracts are in {codes.replace('、', ', ')}: each currency is settled and paid "
                "separately, and amounts in different currencies are never added.",
            }
        )
    if sm.card.rated:
        notes.append(
            {
                "zh": f"本期绩效得分{fixed(sm.card.total)}，评级{sm.card.band.grade}（{sm.card.band.label_zh}）。",
                "en": f"Performance score this period {fixed(sm.card.total)}, grade {sm.card.band.grade} ({sm.card.band.label_en}).",
            }
        )
    if not sm.evaluated:
        zh, en = text("attention_settled_not_evaluated")
        notes.append({"zh": zh[0].upper() + zh[1:], "en": en[0].upper() + en[1:]})
    if not main.fee_includes_tax:
        notes.append({"zh": "合同价款为不含税价，税额另计。", "en": "Contract fees are net of tax; VAT is added."})
    volumes = volume_rows(sm)
    if volumes:
        notes.append(
            {
                "zh": "按量计价的项目按甲方验收合格的工作量结算（工作量确认单见“工作量验收”一节），未经验收或验收不合格的部分不计费。",
                "en": "Items priced per unit are settled on the work volume Party A accepted (see the acceptance records "
                "under Accepted Work Volume); work not accepted, or not yet accepted, is not paid.",
            }
        )
    attendance = [block for s in sm.settlements for block in workforce_docs.attendance_blocks(s)]
    for block in attendance:
        notes.append(
            {
                "zh": f"劳务合同{block['contract_no']}按实际出勤结算。{block['explain_zh']}",
                "en": f"Labour contract {block['contract_no']} is settled on attendance. {block['explain_en']}",
            }
        )
    for f in sm.flags:
        if f.code in ("attendance_missing", "work_volume_pending"):
            zh, en = text(f.code, f.facts)
            notes.append({"zh": zh, "en": en})
    days = sorted({s.payment_days for s in sm.settlements})
    due = due_date(main, period)
    return {
        "org": {
            "name_zh": policy.organisation["name_zh"],
            "name_en": policy.organisation["name_en"],
            "department_zh": policy.organisation.get("department_zh", ""),
            "department_en": policy.organisation.get("department_en", ""),
        },
        "period": period_block(period),
        "doc": {
            "no": f"ST-{period.code}-{sm.supplier_id}",
            "date_zh": date_zh(period.end),
            "date_en": date_en(period.end),
        },
        "supplier": {
            "id": sup["supplier_id"],
            "name_zh": sup["name_zh"],
            "name_en": sup.get("name_en", ""),
            "uscc": sup.get("uscc", ""),
            "account_name": account_name(sup),
            "bank_name": sup.get("bank_name", ""),
            "bank_account": sup.get("bank_account", ""),
            "category_zh": cat_zh,
            "category_en": cat_en,
        },
        "contracts": contracts,
        "items": items,
        "currencies": [currency_block(s, period) for s in sm.settlements],
        "payment": {
            "days": "、".join(map(str, days)),
            "zh": f"甲方在收到乙方合规增值税发票后{'、'.join(map(str, days))}日内付款；发票于结算单日期收到的，"
            f"最迟付款日为{date_zh(due)}。",
            "en": f"Payment within {', '.join(map(str, days))} days of receiving the supplier's valid VAT invoice; "
            f"with the invoice received on the statement date, payment is due by {date_en(due)}.",
            "due_zh": date_zh(due),
            "due_en": date_en(due),
        },
        "hold": hold_block(main),
        "approval": approval_rows(policy),
        "notes": notes,
        "attendance": attendance,
        "volumes": volumes,
        **_roster(sm, policy, period, file_stem),
    }


def _roster(sm: SupplierMonth, policy: Policy, period: Any, file_stem: str | None) -> dict[str, Any]:
    """The attendance annex in Word, or, above `workforce.roster_in_word_max` workers, the name of
    the workbook that holds it and each post's totals."""
    totals, total = workforce_docs.role_totals(sm.settlements)
    if workforce_docs.roster_in_workbook(sm.settlements, policy):
        name = workforce_docs.roster_workbook_name(file_stem or sm.supplier_id, period.code)
        return {
            "roster": [],
            "roster_file": {"name": name.rsplit("/", 1)[-1], "limit": str(policy.workforce.roster_in_word_max)},
            "roster_totals": totals,
            "roster_total": total,
        }
    rows = [row for s in sm.settlements for row in workforce_docs.roster_rows(s)]
    return {"roster": rows, "roster_file": {"name": "", "limit": ""}, "roster_totals": [], "roster_total": total}


def volume_rows(sm: SupplierMonth) -> list[dict[str, str]]:
    """The acceptance records behind the per-unit lines, one row per per-unit item (pending ones too)."""
    rows = []
    for s in sm.settlements:
        for b in s.bases:
            for v in b.volumes:
                u_zh, u_en = unit_words(v.item)
                r = v.row or {}
                rows.append(
                    {
                        "contract_no": b.contract_no,
                        "item_code": v.item["item_code"],
                        "role_zh": v.item["role_zh"],
                        "role_en": v.item.get("role_en") or v.item["role_zh"],
                        "unit_zh": u_zh,
                        "unit_en": u_en,
                        "submitted": DASH if v.pending else qty(v.submitted),
                        "accepted": DASH if v.pending else qty(v.accepted),
                        "rejected": DASH if v.pending else qty(v.rejected),
                        "accepted_by": r.get("accepted_by", ""),
                        "date_zh": date_zh(dt.date.fromisoformat(r["acceptance_date"])) if r else "待验收",
                        "date_en": date_en(dt.date.fromisoformat(r["acceptance_date"])) if r else "pending acceptance",
                        "note": r.get("note", ""),
                    }
                )
    return rows


def dispatch_penalty_text(d: Mapping[str, Any]) -> tuple[str, str]:
    """A dispatch agency's own breach: what it was, the agreement's clause and rate, and the
    days (and workers) it is multiplied by, so the line recomputes from what it shows."""
    inc = d["incident"]
    b_zh, b_en = label("dispatch_breach", d["breach"])
    clause = shipped_clauses().cite("labor_dispatch", "liquidated_damages")
    zh = f"违约金：{inc['incident_id']} {b_zh}（协议{clause.ref_zh}）"
    en = f"Liquidated damages: {inc['incident_id']} {lower_words(b_en)} ({clause.ref_en} of the agreement)"
    rate, days, workers = money(d["rate"]), qty(d["days"]), qty(d["workers"])
    if d["basis"] == "days":
        zh += f"，逾期{days}天×每天{rate}"
        en += f", {days} days late × {rate} a day"
    elif d["basis"] == "worker_days":
        zh += f"，{workers}人×逾期{days}天×每人每天{rate}"
        en += f", {workers} workers × {days} days late × {rate} per worker a day"
    else:
        zh += f"，每次{rate}"
        en += f", {rate} each time"
    return zh, en


def _cap_words(contract: Mapping[str, Any], policy: Policy) -> dict[str, str]:
    """The contracts table's cap on liquidated damages: a share of the fee, or for a dispatch
    agreement its month's management fee (damages never reach the workers' pay)."""
    if contract["contract_type"] == "labor_dispatch":
        return {"cap_zh": "当月派遣管理费", "cap_en": "the month's management fee"}
    pct = _pct(contract.get("penalty_cap_pct", policy.default_cap_pct))
    return {"cap_zh": f"合同服务费的{pct}%", "cap_en": f"{pct}% of the fee"}


def cap_note(s: Settlement) -> tuple[str, str]:
    cap = _pct(s.cap_pct)
    if s.cap_on_management_fee:
        zh = f"违约金以本期派遣管理费{money(s.penalty_cap)}为上限，只从管理费中扣减，不从被派遣劳动者的工资和社会保险费中扣减"
        en = (
            f"Liquidated damages are capped at this month's dispatch management fee of {money(s.penalty_cap)} and are "
            "set off against the management fee only, never against the workers' pay or social insurance"
        )
        if s.cap_applied:
            return (
                zh + f"；本期违约金合计{money(s.penalty_gross)}，按上限扣除，超出部分甲方依合同保留追偿或抵销的权利。",
                en + f"; this month's {money(s.penalty_gross)} is deducted up to the cap and Party A reserves the "
                "excess under the contract.",
            )
        return zh + "。", en + "."
    if s.cap_applied:
        return (
            f"违约金合计{money(s.penalty_gross)}，超过合同约定上限（本期合同服务费的{cap}%，即{money(s.penalty_cap)}），"
            "本期按上限扣除；超出部分甲方依合同保留追偿的权利。",
            f"Liquidated damages of {money(s.penalty_gross)} exceed the contractual cap ({cap}% of the fee for the "
            f"period, {money(s.penalty_cap)}); the cap is deducted this month and Party A reserves its rights under "
            "the contract for the excess.",
        )
    return (
        f"违约金合计未超过合同约定上限（本期合同服务费的{cap}%，即{money(s.penalty_cap)}）。",
        f"Total liquidated damages are within the contractual cap ({cap}% of the fee for the period, {money(s.penalty_cap)}).",
    )
