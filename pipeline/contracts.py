"""Bilingual contracts, one per contract record: the context each contract template receives,
and the plain stages of the `contracts` command (jobs, publish) around it.

Every value arrives preformatted in both languages, so the legal wording stays in the
templates (which the legal department edits in Word) and every figure is computed and
tested here. Dates come from the record, never from the clock, so a rerun reproduces
the same documents.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from .errors import ConfigError, Issue, display_value
from .formatting import date_en, date_zh, fixed, kpi_value, label, money, rate_pct, words
from .identifiers import is_valid_uscc
from .monthly import Job, Loaded, make_job, safe_name
from .policy import Kpi, Policy
from .publish import Written, manifest_bytes, remove_stale, write_output
from .resources import schemas_dir, templates_dir
from .settlement import fen
from .validate import Record, Validated

TEMPLATES = {
    "service": "contract_service.docx",
    "labor_outsourcing": "contract_labor_outsourcing.docx",
    "labor_dispatch": "contract_labor_dispatch.docx",
}
TITLES = {
    "service": ("外包服务合同", "Outsourced Services Contract"),
    "labor_outsourcing": ("劳务外包合同", "Labour Outsourcing Contract"),
    "labor_dispatch": ("劳务派遣协议", "Labour Dispatch Agreement"),
}
CONTRACT_KINDS = ("suppliers", "contracts", "contract_items")
DOC_TYPE, PDF_DOC_TYPE = "contract", "contract_pdf"
BLANK = "＿＿＿＿＿＿＿＿"           # a line to complete by hand, never an empty space in a contract
BLANK_DATE_ZH, BLANK_DATE_EN = "＿＿＿＿年＿＿月＿＿日", "＿＿＿＿＿＿＿＿＿＿"
HUNDRED = Decimal(100)
CURRENCY_NAMES = {"CNY": ("人民币", "RMB"), "USD": ("美元", "USD"), "HKD": ("港币", "HKD"), "EUR": ("欧元", "EUR")}
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_CITY = re.compile(r"^\s*(?:[^省市区县]{1,9}?(?:省|自治区))?([^省市区县]{1,9}?(?:市|自治州|地区|盟))")


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class ContractTerms:
    """schemas/contract_terms.yaml: Party A's particulars, default terms, venue names."""
    party_a: dict[str, str]
    defaults: dict[str, Any]
    venues: dict[str, str]
    cities: dict[str, str]
    scope_by_category: dict[str, dict[str, str]]
    source: str = ""
    sha256: str = ""


_PARTY_A_FIELDS = ("uscc", "legal_rep", "address_zh", "address_en", "contact_name", "contact_phone",
                   "contact_email", "sign_place_zh", "sign_place_en")
_DEFAULT_INTS = ("term_years", "force_majeure_days", "handover_days", "cure_days", "termination_notice_days",
                 "security_notice_hours", "data_return_days", "permit_notice_days", "counterparts",
                 "consecutive_d_grades")


def load_terms(path: Path | None = None) -> ContractTerms:
    path = path or schemas_dir() / "contract_terms.yaml"
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except OSError as exc:
        raise ConfigError("无法读取合同参数文件", f"cannot read the contract settings ({exc.strerror})", file=str(path)) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError("合同参数文件不是有效的YAML", f"the contract settings are not valid YAML: {exc}", file=str(path)) from exc
    problems = []
    if not isinstance(data, dict):
        raise ConfigError("合同参数文件为空或格式错误", "the contract settings file is empty or not a mapping", file=str(path))
    party_a = {k: str(v) for k, v in (data.get("party_a") or {}).items()}
    for key in _PARTY_A_FIELDS:
        if not party_a.get(key):
            problems.append(f"party_a.{key}: 必填 / required")
    if party_a.get("uscc") and not is_valid_uscc(party_a["uscc"]):
        problems.append(f"party_a.uscc {party_a['uscc']}: 统一社会信用代码校验位错误 / invalid unified social credit code")
    defaults = dict(data.get("defaults") or {})
    for key in _DEFAULT_INTS:
        if not isinstance(defaults.get(key), int) or isinstance(defaults.get(key), bool) or defaults[key] < 0:
            problems.append(f"defaults.{key}: 应为非负整数 / must be a whole number ≥ 0")
    if defaults.get("currency") not in CURRENCY_NAMES:
        problems.append(f"defaults.currency: 应为 {'/'.join(CURRENCY_NAMES)} / must be one of {', '.join(CURRENCY_NAMES)}")
    if defaults.get("language_precedence") not in ("zh", "en"):
        problems.append("defaults.language_precedence: 应为 zh 或 en / must be zh or en")
    scope = data.get("scope_by_category") or {}
    for cat in ("it_services", "facility", "logistics", "labor_outsourcing", "labor_dispatch", "other"):
        if not isinstance(scope.get(cat), dict) or not scope[cat].get("zh") or not scope[cat].get("en"):
            problems.append(f"scope_by_category.{cat}: 需要 zh 和 en / needs zh and en")
    if problems:
        raise ConfigError("合同参数不完整或有误", "the contract settings are incomplete or wrong", file=str(path), details=problems)
    return ContractTerms(party_a, defaults, {str(k): str(v) for k, v in (data.get("venues") or {}).items()},
                         {str(k): str(v) for k, v in (data.get("cities") or {}).items()},
                         {k: {"zh": str(v["zh"]), "en": str(v["en"])} for k, v in scope.items()},
                         source=str(path), sha256=hashlib.sha256(raw).hexdigest())


# --------------------------------------------------------------------------- small pieces


def _text(value: Any) -> str:
    return BLANK if value is None or str(value).strip() == "" else str(value)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:                      # 29 February
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
    return {"name_zh": o["name_zh"], "name_en": o["name_en"], "uscc": p["uscc"], "legal_rep": p["legal_rep"],
            "address_zh": p["address_zh"], "address_en": p["address_en"],
            "contact_name": p["contact_name"], "contact_name_en": p.get("contact_name_en") or p["contact_name"],
            "contact_phone": p["contact_phone"], "contact_email": p["contact_email"]}


def _party_b(s: Mapping[str, Any]) -> dict[str, str]:
    cat_zh, cat_en = label("category", s["category"])
    return {"id": s["supplier_id"], "name_zh": s["name_zh"], "name_en": _text(s.get("name_en")),
            "uscc": s["uscc"], "legal_rep": _text(s.get("legal_rep")),
            "address_zh": _text(s.get("address_zh")), "address_en": _text(s.get("address_en")),
            "contact_name": _text(s.get("contact_name")), "contact_phone": _text(s.get("contact_phone")),
            "contact_email": _text(s.get("contact_email")), "bank_name": _text(s.get("bank_name")),
            "bank_account": _text(s.get("bank_account")), "category_zh": cat_zh, "category_en": cat_en}


def _items(items: Sequence[Mapping[str, Any]], currency: str) -> tuple[list[dict[str, str]], dict[str, str], Decimal]:
    rows, total, heads = [], Decimal(0), 0
    for n, i in enumerate(items, start=1):
        amount = fen(Decimal(i["headcount"]) * i["unit_price"])
        total += amount
        heads += int(i["headcount"])
        rows.append({"no": str(n), "role_zh": i["role_zh"], "role_en": i.get("role_en") or i["role_zh"],
                     "headcount": str(i["headcount"]), "unit_price": money(i["unit_price"]), "amount": money(amount)})
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
    return {"start_zh": date_zh(start), "start_en": date_en(start), "end_zh": date_zh(end), "end_en": date_en(end),
            "length_zh": length_zh, "length_en": length_en, "default": not stated,
            "default_years": str(years), "_months": months, "_end": end}


def _price(contract: Mapping[str, Any], fee: Decimal, items_total: Decimal, has_items: bool, currency: str,
           policy: Policy, months: int | None) -> dict[str, Any]:
    from_items = contract.get("monthly_fee") is None
    rate = contract.get("tax_rate")
    out: dict[str, Any] = {
        "currency": currency, "currency_zh": CURRENCY_NAMES[currency][0], "currency_en": CURRENCY_NAMES[currency][1],
        "monthly_fee": _amount(fee, currency), "from_items": from_items,
        "lump_sum": not from_items and has_items and items_total != fen(fee),
        "tax_included": policy.fee_includes_tax, "tax_known": rate is not None,
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
    out["has_total"] = months is not None
    out["months"] = str(months or "")
    out["total"] = _amount(fen(fee) * months, currency) if months else zero
    return out


def _kpi_row(k: Kpi) -> dict[str, str]:
    if k.method == "count_deduction":
        per = fixed(k.points_per_unit, 0)
        return {"name_zh": k.name_zh, "name_en": k.name_en, "weight": _pct(k.weight), "target": "0", "floor": "—",
                "method_zh": f"满分100分，每发生1项扣{per}分，扣完为止", "method_en": f"100 points, minus {per} per item, not below 0"}
    target, floor = kpi_value(k.target, k.unit), kpi_value(k.floor, k.unit)
    higher = k.direction == "higher"
    return {"name_zh": k.name_zh, "name_en": k.name_en, "weight": _pct(k.weight),
            "target": ("≥ " if higher else "≤ ") + target, "floor": floor,
            "method_zh": f"达到目标值得100分，{'不高于' if higher else '不低于'}零分线得0分，其间按线性插值",
            "method_en": f"100 at the target, 0 at or {'below' if higher else 'above'} the floor, linear in between"}


def _sla(policy: Policy, fee: Decimal, cap_pct: Decimal, currency: str) -> dict[str, Any]:
    incidents = []
    for t in ("late_delivery", "quality_defect", "security_breach", "compliance", "complaint"):
        amounts = policy.per_incident.get(t, {})
        t_zh, t_en = label("type", t)
        incidents.append({"type_zh": t_zh, "type_en": t_en,
                          **{s: money(amounts.get(s, Decimal(0))) for s in ("low", "medium", "high", "critical")}})
    grades = []
    for i, b in enumerate(policy.grades):
        upper = policy.grades[i - 1].min if i else None
        rng = f"≥ {fixed(b.min, 0)}" if upper is None else f"≥ {fixed(b.min, 0)}, < {fixed(upper, 0)}"
        reward = policy.rewards.get(b.grade)
        grades.append({"grade": b.grade, "range": rng, "label_zh": b.label_zh, "label_en": b.label_en,
                       "reward": _pct(reward) if reward is not None else "—"})
    rewards = [{"grade": g, "pct": _pct(p), **_amount(fen(fee * p / HUNDRED), currency)}
               for g, p in policy.rewards.items()]
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
        return {"agreed": True, "arbitration": arbitration, "venue_zh": venue,
                "venue_en": venue_en or f"{venue} (as named in the Chinese text)", "_known": venue_en is not None}
    city = city_of(supplier.get("address_zh"))
    city_en = terms.cities.get(city or "")
    zh = f"乙方住所地（{city}）有管辖权的人民法院" if city else "乙方住所地有管辖权的人民法院"
    en = ("the competent people's court at Party B's domicile"
          + (f" ({city_en})" if city_en else f" ({city})" if city else ""))
    return {"agreed": False, "arbitration": False, "venue_zh": zh, "venue_en": en, "_known": True}


def _dispatch(supplier: Mapping[str, Any], end: dt.date) -> dict[str, Any]:
    expiry = supplier.get("dispatch_permit_expiry")
    return {"permit_no": _text(supplier.get("dispatch_permit_no")),
            "permit_expiry_zh": date_zh(expiry) if expiry else BLANK_DATE_ZH,
            "permit_expiry_en": date_en(expiry) if expiry else BLANK_DATE_EN,
            "expires_in_term": bool(expiry) and dt.date.fromisoformat(expiry) < end}


def _data_security(supplier: Mapping[str, Any]) -> dict[str, Any]:
    level = supplier.get("data_access_level")
    zh, en = label("data_access_level", level) if level else ("未指定", "Not specified")
    nda = supplier.get("nda_signed_date")
    return {"level": level or "", "level_zh": zh, "level_en": en, "strict": level in ("confidential", "restricted"),
            "nda": bool(nda), "nda_date_zh": date_zh(nda) if nda else "", "nda_date_en": date_en(nda) if nda else ""}


def contract_context(contract: Mapping[str, Any], supplier: Mapping[str, Any], items: Sequence[Mapping[str, Any]],
                     policy: Policy, terms: ContractTerms) -> dict[str, Any]:
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
    return {
        "contract": {
            "no": contract["contract_no"], "type": ctype, "type_zh": t_zh, "type_en": t_en,
            "title_zh": title_zh, "title_en": title_en, "signed": bool(sign),
            "sign_date_zh": date_zh(sign) if sign else BLANK_DATE_ZH, "sign_date_en": date_en(sign) if sign else BLANK_DATE_EN,
            "sign_place_zh": terms.party_a["sign_place_zh"], "sign_place_en": terms.party_a["sign_place_en"],
            "counterparts": _count_zh(d["counterparts"]), "counterparts_en": str(d["counterparts"]),
            "counterparts_each": _count_zh(d["counterparts"] // 2), "counterparts_each_en": str(d["counterparts"] // 2),
        },
        "term": term,
        "party_a": _party_a(policy, terms),
        "party_b": _party_b(supplier),
        "scope": {"category": supplier["category"], "zh": scope["zh"], "en": scope["en"]},
        "items": item_rows,
        "items_total": items_total,
        "price": _price(contract, fee, items_sum, bool(items), currency, policy, months),
        "data": _data_security(supplier),
        "sla": _sla(policy, fee, cap_pct, currency),
        "termination": {k: str(d[k]) for k in ("force_majeure_days", "handover_days", "cure_days",
                                               "termination_notice_days", "security_notice_hours",
                                               "data_return_days", "permit_notice_days", "consecutive_d_grades")},
        "disputes": disputes,
        "language": {"zh_prevails": zh_prevails, "prevailing_zh": "中文" if zh_prevails else "英文",
                     "prevailing_en": "Chinese" if zh_prevails else "English"},
        "dispatch": _dispatch(supplier, end),
    }


# --------------------------------------------------------------------------- jobs


@dataclass
class ContractPlan:
    """What a contracts run will write, and what it found on the way."""
    jobs: list[Job] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)     # records left out (exit 1)
    warnings: list[Issue] = field(default_factory=list)   # rendered, but a reviewer should look
    folder: str = ""


def _issue(rec: Record, fld: str, zh: str, en: str, code: str, rule: str = "") -> Issue:
    return Issue(file=rec.file, row=rec.row, column=rec.columns.get(fld, fld), value=display_value(rec.data.get(fld)),
                 message_zh=zh, message_en=en, kind=rec.kind, field=fld,
                 key=rec.data.get("contract_no") or rec.data.get("supplier_id"), code=code,
                 sheet=getattr(rec, "sheet", None), rule=rule or f"contract:{fld}")


_PARTY_B_NEEDED = {"legal_rep": ("法定代表人", "legal representative"), "address_zh": ("地址", "address"),
                   "address_en": ("英文地址", "English address"), "contact_name": ("联系人", "contact"),
                   "bank_account": ("银行账号", "bank account"), "name_en": ("英文名称", "English name")}


def _checks(rec: Record, srec: Record, terms: ContractTerms) -> tuple[list[Issue], list[Issue]]:
    """Rules a legal reviewer applies before a contract goes out for signature."""
    c, s = rec.data, srec.data
    issues, warnings = [], []
    no = c["contract_no"]
    if c["contract_type"] == "labor_dispatch":
        if not s.get("dispatch_permit_no"):
            issues.append(_issue(rec, "contract_type", f"合同{no}为劳务派遣协议，但供应商{s['supplier_id']}没有劳务派遣经营许可证，不能生成",
                                 f"contract {no} is a labour-dispatch agreement but supplier {s['supplier_id']} has no labour-dispatch permit; not rendered",
                                 "contract_rule"))
        elif s.get("dispatch_permit_expiry"):
            expiry = s["dispatch_permit_expiry"]
            signed = c.get("sign_date") or c["start_date"]
            if expiry < signed:
                issues.append(_issue(srec, "dispatch_permit_expiry",
                                     f"劳务派遣经营许可证已于{date_zh(expiry)}过期，早于合同{no}的签订/开始日期，不能生成劳务派遣协议",
                                     f"the labour-dispatch permit expired on {date_en(expiry)}, before contract {no} is signed or starts; not rendered",
                                     "contract_rule"))
            elif expiry < c["end_date"]:
                warnings.append(_issue(srec, "dispatch_permit_expiry",
                                       f"劳务派遣经营许可证将于{date_zh(expiry)}到期，早于合同{no}的结束日期；协议已写明乙方须按期延续",
                                       f"the labour-dispatch permit expires on {date_en(expiry)}, before contract {no} ends; the agreement requires Party B to renew it",
                                       "warning"))
    for fld, (zh, en) in _PARTY_B_NEEDED.items():
        if not s.get(fld):
            warnings.append(_issue(srec, fld, f"供应商未填写{zh}，合同{no}中留有空白横线待手工填写",
                                   f"the supplier has no {en}; contract {no} shows a blank line to complete by hand", "warning"))
    if s["status"] in ("suspended", "exited", "candidate"):
        st_zh, st_en = label("status", s["status"])
        warnings.append(_issue(srec, "status", f"供应商状态为“{st_zh}”，请确认是否应与其签订合同{no}",
                               f"the supplier's status is {st_en.lower()}; confirm that contract {no} should be signed", "warning"))
    venue = c.get("dispute_venue")
    if venue and venue.strip() not in terms.venues:
        warnings.append(_issue(rec, "dispute_venue", "争议解决机构不在合同参数的英文名称表中，英文文本引用中文名称",
                               "the dispute venue has no English name in contract_terms.yaml; the English text quotes the Chinese name",
                               "warning"))
    if not venue and not city_of(s.get("address_zh")):
        warnings.append(_issue(srec, "address_zh", "无法从供应商地址中识别所在城市，争议条款写为“乙方住所地有管辖权的人民法院”",
                               "no city found in the supplier's address; the dispute clause names the court at Party B's domicile without a city",
                               "warning"))
    return issues, warnings


def folder_name(contracts: Sequence[Mapping[str, Any]], period: str | None) -> str:
    """outputs/<period or date>/: a given --period, else the newest sign date in the
    records (data, not the clock), else the newest start date."""
    if period:
        return period
    signed = [c["sign_date"] for c in contracts if c.get("sign_date")]
    dates = signed or [c["start_date"] for c in contracts]
    return max(dates) if dates else "contracts"


def contract_jobs(validated: Validated, policy: Policy, terms: ContractTerms, template_dir: Path,
                  period: str | None = None) -> ContractPlan:
    plan = ContractPlan()
    suppliers = {r.data["supplier_id"]: r for r in validated.records.get("suppliers", [])}
    items: dict[str, list[dict[str, Any]]] = {}
    for i in validated.data("contract_items"):
        items.setdefault(i["contract_no"], []).append(i)
    records = sorted(validated.records.get("contracts", []), key=lambda r: r.data["contract_no"])
    rendered = []
    for rec in records:
        c = rec.data
        srec = suppliers.get(c["supplier_id"])
        if srec is None:      # validation already reported it (or suppliers were not supplied)
            plan.issues.append(_issue(rec, "supplier_id", f"供应商{c['supplier_id']}不在供应商名录中，无法生成合同",
                                      f"supplier {c['supplier_id']} is not in the supplier master; no contract rendered", "contract_rule"))
            continue
        issues, warnings = _checks(rec, srec, terms)
        plan.warnings += warnings
        if issues:
            plan.issues += issues
            continue
        context = contract_context(c, srec.data, items.get(c["contract_no"], []), policy, terms)
        template = str((template_dir / TEMPLATES[c["contract_type"]]).resolve())
        plan.jobs.append(make_job(f"contracts/{safe_name(c['contract_no'])}.docx", template, context, DOC_TYPE,
                                  c["supplier_id"]))
        rendered.append(c)
    plan.folder = folder_name(rendered, period)
    return plan


def contract_issues(issues: Sequence[Issue]) -> list[Issue]:
    """The validation problems that concern contracts: the rest belong to the monthly run."""
    return [i for i in issues if i.kind in CONTRACT_KINDS or not i.kind]


def templates_needed(plan: ContractPlan) -> list[Path]:
    return sorted({Path(j.template) for j in plan.jobs})


def resolve_templates(templates: str | Path | None) -> Path:
    return Path(templates) if templates else templates_dir()


# --------------------------------------------------------------------------- publish


def previous_other_files(root: Path) -> list[Written]:
    """Entries of an existing manifest in the folder that another command wrote (the
    monthly run, when --period names its folder): kept, so one manifest lists all."""
    path = root / "manifest.json"
    if not path.is_file():
        return []
    try:
        listed = json.loads(path.read_text(encoding="utf-8")).get("files", [])
        return [Written(f["path"], f["sha256"], f["bytes"], f["doc_type"], f.get("supplier_id"), f.get("context_sha256"))
                for f in listed if f.get("doc_type") not in (DOC_TYPE, PDF_DOC_TYPE, "manifest")]
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def pdf_stage(root: Path, documents: Sequence[Written], timeout: int | None = None) -> list[Written]:
    """One LibreOffice process for the whole batch, in a scratch folder; each PDF then
    lands in contracts/ whole, like every other output."""
    import tempfile

    from .pdf import to_pdf
    if not documents:
        return []
    written = []
    with tempfile.TemporaryDirectory(prefix="vendorflow-contract-pdf-") as scratch:
        pdfs = to_pdf([root / d.path for d in documents], Path(scratch), timeout=timeout or 120 + 10 * len(documents))
        for doc, pdf in zip(documents, pdfs):
            rel = doc.path[: -len(".docx")] + ".pdf"
            written.append(write_output(root, rel, pdf.read_bytes(), PDF_DOC_TYPE, doc.supplier_id))
    return written


def publish_contracts(root: Path, folder: str, documents: Sequence[Written], loaded: Loaded, policy: Policy,
                      terms: ContractTerms) -> Path:
    """Manifest last; files of an earlier contracts run that no longer apply are removed."""
    others = previous_other_files(root)
    written = list(documents) + others
    remove_stale(root, {w.path for w in written})
    inputs = [{"path": f.path.name, "kind": f.kind, "sha256": f.sha256, "bytes": f.bytes} for f in loaded.files]
    inputs.append({"path": Path(terms.source).name, "kind": "contract_terms", "sha256": terms.sha256,
                   "bytes": len(Path(terms.source).read_bytes()) if terms.source else 0})
    manifest = manifest_bytes(folder, written, inputs, {"path": Path(policy.source).name, "sha256": policy.sha256})
    write_output(root, "manifest.json", manifest, "manifest")
    return root / "manifest.json"


# --------------------------------------------------------------------------- the run, without Prefect


@dataclass
class ContractRunSummary:
    folder: str
    outputs: Path
    documents: int = 0
    pdfs: int = 0
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    manifest: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.issues else 0


def preflight(plan: ContractPlan, template_dir: Path, pdf: bool) -> None:
    """Stop before anything is written when a template is missing or would fail, or
    when PDFs were asked for and LibreOffice is not there (exit 2)."""
    from .template_check import check_template, errors
    if not template_dir.is_dir():
        raise ConfigError("模板文件夹不存在", "the templates folder does not exist", file=str(template_dir))
    problems = []
    for path in templates_needed(plan):
        if not path.is_file():
            problems.append(f"{path.name}: 模板文件夹中缺少该模板 / missing from the templates folder")
            continue
        problems += [str(p) for p in errors(check_template(path))]
    if problems:
        raise ConfigError("合同模板有问题，未生成任何合同（可用 vendorflow templates check 查看）",
                          "the contract templates have problems; no contract was written (see vendorflow templates check)",
                          file=str(template_dir), details=problems)
    if pdf:
        from .pdf import PdfUnavailable, soffice
        try:
            soffice()
        except PdfUnavailable as exc:
            raise ConfigError("未安装 LibreOffice（soffice），无法生成 PDF；去掉 --pdf 可只生成 Word 文件，或先安装 LibreOffice"
                              "（Debian/Ubuntu: apt-get install libreoffice-writer-nogui fonts-noto-cjk）",
                              "LibreOffice (soffice) is not installed, so no PDF can be made; drop --pdf to write the Word "
                              "files only, or install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui "
                              "fonts-noto-cjk)") from exc


def plan_stage(validated: Validated, policy: Policy, templates: str | Path | None, period: str | None,
               terms: ContractTerms) -> tuple[ContractPlan, Path]:
    template_dir = resolve_templates(templates)
    plan = contract_jobs(validated, policy, terms, template_dir, period)
    plan.issues = contract_issues(validated.issues) + plan.issues
    return plan, template_dir


def run_contracts(inputs_dir: Path, outputs_dir: Path, period: str | None = None, templates: str | Path | None = None,
                  pdf: bool = False, policy_path: Path | None = None) -> ContractRunSummary:
    """The whole `contracts` command in one call: what the Prefect flow does, without it."""
    from .monthly import find_policy, load_stage, plan_documents, render_and_write, validate_stage
    policy = find_policy(inputs_dir, policy_path)
    terms = load_terms()
    loaded = load_stage(inputs_dir)
    validated = validate_stage(loaded)
    plan, template_dir = plan_stage(validated, policy, templates, period, terms)
    preflight(plan, template_dir, pdf)
    root = outputs_dir / plan.folder
    todo, reused = plan_documents(root, plan.jobs)
    documents = reused + render_and_write(root, todo)
    pdfs = pdf_stage(root, documents) if pdf else []
    manifest = publish_contracts(root, plan.folder, documents + pdfs, loaded, policy, terms)
    return ContractRunSummary(plan.folder, root, len(documents), len(pdfs), plan.issues, plan.warnings, manifest)
