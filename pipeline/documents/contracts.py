"""The context each contract template receives: every value preformatted in both languages.

The legal wording stays in the templates (which the legal department edits in Word); every
figure is computed and tested here. Dates come from the record, never from the clock, so a
rerun reproduces the same documents.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pipeline.compute.money import fen
from pipeline.config.contract_terms import CURRENCY_NAMES, ContractTerms
from pipeline.config.labels import label
from pipeline.config.policy import Kpi, Policy
from pipeline.documents.english import person_en
from pipeline.documents.formatting import date_en, date_zh, fixed, kpi_value, money, rate_pct, words

TITLES = {
    "service": ("外包服务合同", "Outsourced Services Contract"),
    "labor_outsourcing": ("劳务外包合同", "Labour Outsourcing Contract"),
    "labor_dispatch": ("劳务派遣协议", "Labour Dispatch Agreement"),
}
BLANK = "＿＿＿＿＿＿＿＿"  # a line to complete by hand, never an empty space in a contract
BLANK_DATE_ZH, BLANK_DATE_EN = "＿＿＿＿年＿＿月＿＿日", "＿＿＿＿＿＿＿＿＿＿"
HUNDRED = Decimal(100)
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_CITY = re.compile(r"^\s*(?:[^省市区县]{1,9}?(?:省|自治区))?([^省市区县]{1,9}?(?:市|自治州|地区|盟))")

# --------------------------------------------------------------------------- small pieces


def _text(value: Any) -> str:
    return BLANK if value is None or str(value).strip() == "" else str(value)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """Months in a term that runs from `start` to the day before the same day n months
    later (2026-01-01 … 2027-12-31 is 24); None when the term is not whole months."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if months <= 0:
        return None
    y, m = divmod(start.month - 1 + months, 12)
    same_day = min(start.day, calendar.monthrange(start.year + y, m + 1)[1])
    return months if dt.date(start.year + y, m + 1, same_day) == after else None


def city_of(address_zh: str | None) -> str | None:
    """The city (地级市 or municipality) at the start of a Chinese address."""
    if not address_zh:
        return None
    text = address_zh.strip()
    for m in MUNICIPALITIES:
        if text.startswith(m) or text.startswith(m[:-1]):
            return m
    match = _CITY.match(text)
    return match.group(1) if match else None


def _amount(amount: Decimal, currency: str) -> dict[str, str]:
    """An amount in figures and in words in both languages (PBOC rules for the Chinese);
    `zh`/`en` are the figures as a sentence writes them (人民币1,234.50元 / RMB 1,234.50)."""
    w_zh, w_en = words(amount, currency)
    figures = money(amount)
    c_zh, c_en = CURRENCY_NAMES[currency]
    zh = f"{c_zh}{figures}元" if currency == "CNY" else f"{figures}{c_zh}"
    return {"figures": figures, "zh": zh, "en": f"{c_en} {figures}", "words_zh": w_zh, "words_en": w_en}


def _count_zh(n: int) -> str:
    """Counts in a contract's Chinese text are written in words (一式四份)."""
    return "零一两三四五六七八九十"[n] if 0 <= n <= 10 else str(n)


def _pct(value: Decimal) -> str:
    text = fixed(value, 2)
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


# --------------------------------------------------------------------------- context parts


def _party_a(policy: Policy, terms: ContractTerms) -> dict[str, str]:
    o, p = policy.organisation, terms.party_a
    return {
        "name_zh": o["name_zh"],
        "name_en": o["name_en"],
        "uscc": p["uscc"],
        "legal_rep": p["legal_rep"],
        "legal_rep_en": person_en(p, "legal_rep"),
        "address_zh": p["address_zh"],
        "address_en": p["address_en"],
        "contact_name": p["contact_name"],
        "contact_name_en": person_en(p, "contact_name"),
        "contact_phone": p["contact_phone"],
        "contact_email": p["contact_email"],
    }


def _party_b(s: Mapping[str, Any]) -> dict[str, str]:
    cat_zh, cat_en = label("category", s["category"])
    return {
        "id": s["supplier_id"],
        "name_zh": s["name_zh"],
        "name_en": _text(s.get("name_en")),
        "uscc": s["uscc"],
        "legal_rep": _text(s.get("legal_rep")),
        "legal_rep_en": person_en(s, "legal_rep") or _text(None),
        "address_zh": _text(s.get("address_zh")),
        "address_en": _text(s.get("address_en")),
        "contact_name": _text(s.get("contact_name")),
        "contact_name_en": person_en(s, "contact_name") or _text(None),
        "contact_phone": _text(s.get("contact_phone")),
        "contact_email": _text(s.get("contact_email")),
        "bank_name": _text(s.get("bank_name")),
        "bank_account": _text(s.get("bank_account")),
        "category_zh": cat_zh,
        "category_en": cat_en,
    }


PRICING = {
    "fixed": ("固定费用", "Fixed fee"),
    "per_unit": ("按量计价", "Per unit of work"),
    "per_head": ("按人月计价", "Per person-month"),
}
POST_NATURES = ("temporary", "auxiliary", "substitute")


def pricing_of(item: Mapping[str, Any]) -> str:
    """An item's pricing; blank means per_head, the old meaning of headcount × unit price."""
    return item.get("pricing") or "per_head"


def _money_or_dash(value: Any) -> str:
    return "—" if value is None else money(Decimal(str(value)))


def _item_row(n: int, i: Mapping[str, Any]) -> tuple[dict[str, Any], Decimal | None]:
    pricing = pricing_of(i)
    heads = i.get("headcount")
    price = Decimal(str(i["unit_price"]))
    if pricing == "fixed":
        amount: Decimal | None = fen(price)
        unit_zh, unit_en, basis_zh, basis_en = "月", "month", "每月", "per month"
    elif pricing == "per_unit":
        amount = None  # the accepted volume decides it, month by month
        unit_zh, unit_en = i.get("unit_zh") or "单位", i.get("unit_en") or i.get("unit_zh") or "unit"
        basis_zh, basis_en = f"每{unit_zh}", f"per {unit_en}"
    else:
        amount = fen(Decimal(heads) * price) if heads is not None else None
        unit_zh, unit_en, basis_zh, basis_en = "人月", "person-month", "每人每月", "per person-month"
    p_zh, p_en = PRICING[pricing]
    nature = i.get("post_nature") or ""
    n_zh, n_en = label("post_nature", nature) if nature else (BLANK, BLANK)
    months = i.get("dispatch_months")
    if months:
        period_zh, period_en = f"{months}个月", f"{months} month{'s' if months != 1 else ''}"
    else:
        period_zh, period_en = "本协议期限", "the term of this Agreement"
    place = i.get("work_place")
    row = {
        "no": str(n),
        "code": str(i.get("item_code") or n),
        "role_zh": i["role_zh"],
        "role_en": i.get("role_en") or i["role_zh"],
        "pricing": pricing,
        "pricing_zh": p_zh,
        "pricing_en": p_en,
        "unit_zh": unit_zh,
        "unit_en": unit_en,
        "basis_zh": basis_zh,
        "basis_en": basis_en,
        "by_volume": pricing == "per_unit",
        "headcount": str(heads) if heads is not None and pricing != "fixed" else "—",
        "unit_price": money(price),
        "amount": money(amount) if amount is not None else "—",
        "nature": nature,
        "nature_zh": n_zh,
        "nature_en": n_en,
        "work_place_zh": place or "甲方住所地或甲方指定的经营场所",
        "work_place_en": i.get("work_place_en") or (place if place else "Party A's domicile or designated premises"),
        "period_zh": period_zh,
        "period_en": period_en,
        "wage": _money_or_dash(i.get("wage")),
        "social_insurance": _money_or_dash(i.get("social_insurance")),
        "management_fee": _money_or_dash(i.get("management_fee")),
    }
    return row, amount


def _items(items: Sequence[Mapping[str, Any]], currency: str) -> tuple[list[dict[str, Any]], dict[str, str], Decimal]:
    """Annex 1's rows; the total is the sum of the amounts known in advance (fixed fees and
    headcount × unit price): a per-unit item is paid on the volume Party A accepts."""
    rows, total, heads = [], Decimal(0), 0
    for n, i in enumerate(items, start=1):
        row, amount = _item_row(n, i)
        if amount is not None:
            total += amount
        if i.get("headcount") is not None and pricing_of(i) != "fixed":
            heads += int(i["headcount"])
        rows.append(row)
    return rows, {"headcount": str(heads), **_amount(total, currency)}, total


def _term(contract: Mapping[str, Any], terms: ContractTerms) -> dict[str, Any]:
    start = dt.date.fromisoformat(contract["start_date"])
    years = terms.defaults["term_years"]
    stated = bool(contract.get("end_date"))
    end = dt.date.fromisoformat(contract["end_date"]) if stated else add_years(start, years) - dt.timedelta(days=1)
    months = whole_months(start, end)
    if months:
        length_zh, length_en = f"{months}个月", f"{months} month{'s' if months != 1 else ''}"
    else:
        days = (end - start).days + 1
        length_zh, length_en = f"{days}天", f"{days} days"
    return {
        "start_zh": date_zh(start),
        "start_en": date_en(start),
        "end_zh": date_zh(end),
        "end_en": date_en(end),
        "length_zh": length_zh,
        "length_en": length_en,
        "default": not stated,
        "default_years": str(years),
        "_months": months,
        "_end": end,
    }


def _price(
    contract: Mapping[str, Any],
    fee: Decimal,
    items_total: Decimal,
    items: Sequence[Mapping[str, Any]],
    currency: str,
    policy: Policy,
    months: int | None,
) -> dict[str, Any]:
    from_items = contract.get("monthly_fee") is None
    has_items = bool(items)
    pricings = {pricing_of(i) for i in items}
    rate = contract.get("tax_rate")
    out: dict[str, Any] = {
        "currency": currency,
        "currency_zh": CURRENCY_NAMES[currency][0],
        "currency_en": CURRENCY_NAMES[currency][1],
        "monthly_fee": _amount(fee, currency),
        "from_items": from_items,
        "lump_sum": not from_items and has_items and "per_unit" not in pricings and items_total != fen(fee),
        "has_per_unit": "per_unit" in pricings,
        "has_fixed": "fixed" in pricings,
        "results": has_items and pricings <= {"fixed", "per_unit"},
        # without a stated monthly fee, per-unit items leave the month's fee to the accepted volume
        "fee_known": not (from_items and "per_unit" in pricings),
        "tax_included": policy.fee_includes_tax,
        "tax_known": rate is not None,
        "tax_rate": rate_pct(rate) if rate is not None else "",
        "payment_days": str(contract.get("payment_days", policy.default_payment_days)),
    }
    zero = _amount(Decimal(0), currency)
    if rate is None:
        out.update(net=zero, tax=zero, gross=_amount(fee, currency))
    elif policy.fee_includes_tax:
        net = fen(fee / (1 + rate))
        out.update(net=_amount(net, currency), tax=_amount(fen(fee) - net, currency), gross=_amount(fee, currency))
    else:
        tax = fen(fee * rate)
        out.update(net=_amount(fee, currency), tax=_amount(tax, currency), gross=_amount(fen(fee) + tax, currency))
    out["has_total"] = months is not None and out["fee_known"]
    out["months"] = str(months or "")
    out["total"] = _amount(fen(fee) * months, currency) if months else zero
    return out


def _kpi_row(k: Kpi) -> dict[str, str]:
    if k.method == "count_deduction":
        per = fixed(k.points_per_unit, 0)
        return {
            "name_zh": k.name_zh,
            "name_en": k.name_en,
            "weight": _pct(k.weight),
            "target": "0",
            "floor": "—",
            "method_zh": f"满分100分，每发生1项扣{per}分，扣完为止",
            "method_en": f"100 points, minus {per} per item, not below 0",
        }
    target, floor = kpi_value(k.target, k.unit), kpi_value(k.floor, k.unit)
    higher = k.direction == "higher"
    return {
        "name_zh": k.name_zh,
        "name_en": k.name_en,
        "weight": _pct(k.weight),
        "target": ("≥ " if higher else "≤ ") + target,
        "floor": floor,
        "method_zh": f"达到目标值得100分，{'不高于' if higher else '不低于'}零分线得0分，其间按线性插值",
        "method_en": f"100 at the target, 0 at or {'below' if higher else 'above'} the floor, linear in between",
    }


def _sla(policy: Policy, fee: Decimal, cap_pct: Decimal, currency: str) -> dict[str, Any]:
    incidents = []
    for t in ("late_delivery", "quality_defect", "security_breach", "compliance", "complaint"):
        amounts = policy.per_incident.get(t, {})
        t_zh, t_en = label("type", t)
        incidents.append(
            {
                "type_zh": t_zh,
                "type_en": t_en,
                **{s: money(amounts.get(s, Decimal(0))) for s in ("low", "medium", "high", "critical")},
            }
        )
    grades = []
    for i, b in enumerate(policy.grades):
        upper = policy.grades[i - 1].min if i else None
        rng = f"≥ {fixed(b.min, 0)}" if upper is None else f"≥ {fixed(b.min, 0)}, < {fixed(upper, 0)}"
        reward = policy.rewards.get(b.grade)
        grades.append(
            {
                "grade": b.grade,
                "range": rng,
                "label_zh": b.label_zh,
                "label_en": b.label_en,
                "reward": _pct(reward) if reward is not None else "—",
            }
        )
    rewards = [
        {"grade": g, "pct": _pct(p), **_amount(fen(fee * p / HUNDRED), currency)} for g, p in policy.rewards.items()
    ]
    late_pct = policy.late_delivery_pct_per_day
    return {
        "kpis": [_kpi_row(k) for k in policy.kpis],
        "grades": grades,
        "incidents": incidents,
        "late_pct_per_day": _pct(late_pct),
        "late_per_day": _amount(fen(fee * late_pct / HUNDRED), currency),
        "cap_pct": _pct(cap_pct),
        "cap": _amount(fen(fee * cap_pct / HUNDRED), currency),
        "rewards": rewards,
        "min_applicable_weight": _pct(policy.min_applicable_weight),
    }


def _disputes(contract: Mapping[str, Any], supplier: Mapping[str, Any], terms: ContractTerms) -> dict[str, Any]:
    venue = (contract.get("dispute_venue") or "").strip()
    if venue:
        arbitration = "仲裁" in venue
        venue_en = terms.venues.get(venue)
        return {
            "agreed": True,
            "arbitration": arbitration,
            "venue_zh": venue,
            "venue_en": venue_en or f"{venue} (as named in the Chinese text)",
            "_known": venue_en is not None,
        }
    city = city_of(supplier.get("address_zh"))
    city_en = terms.cities.get(city or "")
    zh = f"乙方住所地（{city}）有管辖权的人民法院" if city else "乙方住所地有管辖权的人民法院"
    en = "the competent people's court at Party B's domicile" + (
        f" ({city_en})" if city_en else f" ({city})" if city else ""
    )
    return {"agreed": False, "arbitration": False, "venue_zh": zh, "venue_en": en, "_known": True}


def _dispatch(
    supplier: Mapping[str, Any], end: dt.date, items: Sequence[Mapping[str, Any]], terms: ContractTerms, currency: str
) -> dict[str, Any]:
    """The agency's particulars and the dispatch figures: the month's management fee (Σ headcount ×
    management fee per head), which is also the cap on the agency's liquidated damages (they are
    deducted from it, never from the workers' pay or social insurance)."""
    expiry = supplier.get("dispatch_permit_expiry")
    mgmt = sum(
        (
            fen(Decimal(i["headcount"]) * Decimal(str(i["management_fee"])))
            for i in items
            if i.get("management_fee") is not None and i.get("headcount") is not None
        ),
        Decimal(0),
    )
    damages = {k: _amount(Decimal(str(v)), currency) for k, v in terms.dispatch_damages.items()}
    return {
        "permit_no": _text(supplier.get("dispatch_permit_no")),
        "permit_expiry_zh": date_zh(expiry) if expiry else BLANK_DATE_ZH,
        "permit_expiry_en": date_en(expiry) if expiry else BLANK_DATE_EN,
        "expires_in_term": bool(expiry) and dt.date.fromisoformat(expiry) < end,
        "management_fee": _amount(mgmt, currency),
        "damages": damages,
        "temporary": any(i.get("post_nature") == "temporary" for i in items),
    }


def _data_security(supplier: Mapping[str, Any]) -> dict[str, Any]:
    level = supplier.get("data_access_level")
    zh, en = label("data_access_level", level) if level else ("未指定", "Not specified")
    nda = supplier.get("nda_signed_date")
    return {
        "level": level or "",
        "level_zh": zh,
        "level_en": en,
        "strict": level in ("confidential", "restricted"),
        "pipl_annex": level in ("confidential", "restricted"),  # Annex 3: entrusted processing (PIPL §21)
        "nda": bool(nda),
        "nda_date_zh": date_zh(nda) if nda else "",
        "nda_date_en": date_en(nda) if nda else "",
    }


def contract_context(
    contract: Mapping[str, Any],
    supplier: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    policy: Policy,
    terms: ContractTerms,
) -> dict[str, Any]:
    """Everything one contract template shows, preformatted, in both languages."""
    ctype = contract["contract_type"]
    currency = contract.get("currency") or terms.defaults["currency"]
    item_rows, items_total, items_sum = _items(items, currency)
    fee = contract["monthly_fee"] if contract.get("monthly_fee") is not None else items_sum
    term = _term(contract, terms)
    months, end = term.pop("_months"), term.pop("_end")
    cap_pct = contract.get("penalty_cap_pct", policy.default_cap_pct)
    sign = contract.get("sign_date")
    t_zh, t_en = label("contract_type", ctype)
    title_zh, title_en = TITLES[ctype]
    zh_prevails = (contract.get("language_precedence") or terms.defaults["language_precedence"]) == "zh"
    scope = terms.scope_by_category.get(supplier["category"], terms.scope_by_category["other"])
    disputes = _disputes(contract, supplier, terms)
    disputes.pop("_known")
    d = terms.defaults
    price = _price(contract, fee, items_sum, items, currency, policy, months)
    price["liability_cap"] = _amount(fen(fee) * d["liability_cap_months"], currency)
    price["integrity_damages"] = _amount(terms.integrity_damages, currency)
    return {
        "contract": {
            "no": contract["contract_no"],
            "type": ctype,
            "type_zh": t_zh,
            "type_en": t_en,
            "title_zh": title_zh,
            "title_en": title_en,
            "signed": bool(sign),
            "sign_date_zh": date_zh(sign) if sign else BLANK_DATE_ZH,
            "sign_date_en": date_en(sign) if sign else BLANK_DATE_EN,
            "sign_place_zh": terms.party_a["sign_place_zh"],
            "sign_place_en": terms.party_a["sign_place_en"],
            "counterparts": _count_zh(d["counterparts"]),
            "counterparts_en": str(d["counterparts"]),
            "counterparts_each": _count_zh(d["counterparts"] // 2),
            "counterparts_each_en": str(d["counterparts"] // 2),
        },
        "term": term,
        "party_a": _party_a(policy, terms),
        "party_b": _party_b(supplier),
        "scope": {"category": supplier["category"], "zh": scope["zh"], "en": scope["en"]},
        "items": item_rows,
        "items_total": items_total,
        "price": price,
        "data": _data_security(supplier),
        "sla": _sla(policy, fee, cap_pct, currency),
        "termination": {
            k: str(d[k])
            for k in (
                "force_majeure_days",
                "handover_days",
                "cure_days",
                "termination_notice_days",
                "security_notice_hours",
                "data_return_days",
                "permit_notice_days",
                "consecutive_d_grades",
                "replacement_days",
                "payment_overdue_days",
                "liability_cap_months",
                "continuity_restore_hours",
            )
        },
        "disputes": disputes,
        "language": {
            "zh_prevails": zh_prevails,
            "prevailing_zh": "中文" if zh_prevails else "英文",
            "prevailing_en": "Chinese" if zh_prevails else "English",
        },
        "dispatch": _dispatch(supplier, end, items, terms, currency),
    }
