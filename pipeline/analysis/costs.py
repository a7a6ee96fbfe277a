"""成本分析与预测 (外包业务成本控制): the month's cost analysis, a pure function of the month's
result, the inputs' contracts and work volumes, the policy's budgets and the history store's
earlier months (the `results` frame `HistoryStore.current_frame` reads with pandas.read_sql).

Every figure is a `decimal.Decimal` at the fen, the same in the analytics workbook, the
portfolio summary's chapter and the dashboard (they all read one `CostAnalysis`):

* spend: per supplier, per category and per month, as the statements settled it — the contract
  lines (`base`), liquidated damages (`penalties`, net of the cap), rewards, the payable and the
  payable split into its amount net of VAT (`tax_exclusive`) and VAT (`vat`); months recorded
  before the store kept the split show those blank, never guessed;
* budget against actual, where the policy sets a monthly budget for a category (`budgets`):
  the month and the year to date (the months of the year the store recorded, this one included);
* cost per unit of work (per-unit items: amount ÷ accepted quantity) and per head (per-head
  items: amount ÷ headcount);
* concentration by category: each supplier's share of the category's payable and the HHI
  (Σ share², shares in percent: 10,000 is a single supplier);
* a forecast of the next three months from the contracts in force (their fee, end date and
  pricing; per-unit items at the mean accepted volume of the last three months), times the
  supplier's recent ratio of payable to contract amount (VAT, damages and rewards as they ran),
  each figure with the basis it was computed on, in Chinese and English.

Amounts in different currencies are never added: every table is by currency; budgets are in
the base currency (the policy's first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from pipeline.compute.money import FEN, HUNDRED, ZERO, fen
from pipeline.compute.month import MonthResult
from pipeline.compute.pricing import by_contract, pricing_of
from pipeline.compute.settlement import CONTRACT_KINDS
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.periods import Period

MONEY_COLUMNS = ("base", "penalties", "rewards", "payable", "tax_exclusive", "vat")
WINDOW = 12  # months of spend shown (this one and the eleven before)
TREND_MONTHS = 3  # months the forecast's ratio and per-unit volumes are taken over
HORIZON = 3  # months forecast
RATIO = Decimal("0.0001")
HHI_MODERATE, HHI_HIGH = Decimal(1500), Decimal(2500)  # unconcentrated below 1,500; highly above 2,500


COLUMNS_READ = ("supplier_id", "name_zh", "name_en", "category", "currency", "rated", "score", *MONEY_COLUMNS)


def months_read(period: Period) -> list[str]:
    """The earlier months the analysis looks at: the spend window (which holds the year to date,
    the forecast's recent months and the score trends' months)."""
    return [_months_back(period, n).code for n in range(WINDOW - 1, 0, -1)]


def _dec(value: Any) -> Decimal | None:
    if value.__class__ is Decimal:  # NUMERIC columns: the common case, first
        return value.quantize(FEN)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value == "":
        return None
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(FEN)  # stored to the fen


def _sum(values) -> Decimal | None:
    """The sum of the known values; None when none is known (a month recorded without the split)."""
    known = [v for v in values if v is not None]
    return sum(known, ZERO) if known else None


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * HUNDRED / whole).quantize(FEN) if whole else None


@dataclass(frozen=True)
class CostAnalysis:
    period: str
    base_currency: str
    months: tuple[str, ...]  # the months in `by_month`, oldest first
    by_supplier: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    category_month: list[dict[str, Any]]  # one row per currency and category, one key per month (payable)
    budget: list[dict[str, Any]]
    budget_basis: str
    unit_costs: list[dict[str, Any]]
    concentration: list[dict[str, Any]]  # per supplier: share of its category
    hhi: list[dict[str, Any]]  # per currency and category
    forecast: list[dict[str, Any]]  # per month and contract, with the basis
    forecast_totals: list[dict[str, Any]]  # per month and currency
    forecast_months: tuple[str, ...]
    notes: list[tuple[str, str]] = field(default_factory=list)
    trends: list[dict[str, Any]] = field(default_factory=list)  # the suppliers whose score moved most

    def total(self, currency: str | None = None) -> dict[str, Decimal | None]:
        """The month's spend in one currency (the base currency by default)."""
        currency = currency or self.base_currency
        rows = [r for r in self.by_category if r["currency"] == currency]
        return {c: _sum(r[c] for r in rows) for c in MONEY_COLUMNS}


# --------------------------------------------------------------------------- the month's rows


def month_rows(result: MonthResult) -> list[dict[str, Any]]:
    """Each supplier's settlement in each currency this month, as the store records it."""
    out = []
    for sm in result.suppliers:
        for s in sm.settlements:
            out.append(
                {
                    "period": result.period.code,
                    "supplier_id": sm.supplier_id,
                    "name_zh": sm.supplier["name_zh"],
                    "name_en": sm.supplier.get("name_en", ""),
                    "category": sm.supplier["category"],
                    "currency": s.currency,
                    "base": s.contract_total,
                    "penalties": s.penalty_net,
                    "rewards": s.reward_total,
                    "payable": s.payable,
                    "tax_exclusive": s.net_of_tax,
                    "vat": s.tax,
                }
            )
    return out


def spend_frame(current: Sequence[Mapping[str, Any]], past: pd.DataFrame | None, period: str) -> pd.DataFrame:
    """This month's rows and the store's earlier ones (settled suppliers only), money as Decimal."""
    columns = ["period", "supplier_id", "name_zh", "name_en", "category", "currency", *MONEY_COLUMNS]
    frames = []
    if past is not None and not past.empty:
        earlier = past[(past["period"] < period) & past["payable"].notna()].copy()
        for c in columns:
            if c not in earlier:
                earlier[c] = None
        earlier = earlier[columns]
        for c in MONEY_COLUMNS:
            earlier[c] = earlier[c].astype(object).map(_dec)
        frames.append(earlier)
    frames.append(pd.DataFrame(list(current), columns=columns))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    spend = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for c in ("name_zh", "name_en", "category", "currency"):
        spend[c] = spend[c].fillna("")
    return spend


def _grouped(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """Money columns summed per group (blank when no row of the group knows the figure)."""
    if frame.empty:
        return []
    out = []
    for key, rows in frame.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(keys, key))
        row["suppliers"] = int(rows["supplier_id"].nunique())
        for c in MONEY_COLUMNS:
            row[c] = _sum(rows[c])
        out.append(row)
    return out


# --------------------------------------------------------------------------- the analysis


def analyse(
    result: MonthResult,
    policy: Policy,
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    past: pd.DataFrame | None = None,
) -> CostAnalysis:
    """The month's cost analysis. `records`: the validated inputs (contracts, contract_items,
    work_volume, suppliers); `past`: the store's `results` of earlier months (any columns the
    store had; months after this one are ignored)."""
    period = result.period
    code = period.code
    base_currency = policy.currencies[0]
    spend = spend_frame(month_rows(result), past, code)
    first = _months_back(period, WINDOW - 1).code
    window = spend[spend["period"] >= first] if not spend.empty else spend
    months = tuple(sorted(window["period"].unique())) if not window.empty else (code,)
    this = spend[spend["period"] == code] if not spend.empty else spend
    notes: list[tuple[str, str]] = []
    blank = [
        p
        for p in months
        if not window.empty and window[window["period"] == p]["tax_exclusive"].map(lambda v: v is None).any()
    ]
    if blank:
        notes.append(
            (
                f"{'、'.join(blank)} 的记录早于历史库保存不含税金额与税额的版本：该列留空，不作推算。",
                f"{', '.join(blank)} were recorded before the store kept the amounts net of VAT and the VAT: "
                "those cells are blank, not estimated.",
            )
        )

    by_category = _grouped(this, ["currency", "category"])
    for row in by_category:
        total = _sum(r["payable"] for r in by_category if r["currency"] == row["currency"]) or ZERO
        row["share_pct"] = pct(row["payable"], total)
    by_month = _grouped(window, ["period", "currency"])
    category_month = []
    for (currency, category), rows in window.groupby(["currency", "category"], sort=True) if not window.empty else []:
        entry = {"currency": currency, "category": category}
        for p in months:
            entry[p] = _sum(rows[rows["period"] == p]["payable"])
        category_month.append(entry)

    by_supplier = _by_supplier(this, spend, period)
    budget = _budget(policy, spend, by_category, period, base_currency)
    concentration, hhi = _concentration(this)
    forecast, forecast_totals, forecast_months = _forecast(result, policy, records, spend, period)
    return CostAnalysis(
        period=code,
        base_currency=base_currency,
        months=months,
        by_supplier=by_supplier,
        by_category=by_category,
        by_month=by_month,
        category_month=category_month,
        budget=budget,
        budget_basis=policy.budgets.basis,
        unit_costs=unit_costs(result),
        concentration=concentration,
        hhi=hhi,
        forecast=forecast,
        forecast_totals=forecast_totals,
        forecast_months=forecast_months,
        notes=notes,
        trends=score_trends(result, past),
    )


def _months_back(period: Period, n: int) -> Period:
    for _ in range(n):
        period = period.previous()
    return period


def _by_supplier(this: pd.DataFrame, spend: pd.DataFrame, period: Period) -> list[dict[str, Any]]:
    year = f"{period.year:04d}-"
    ytd = spend[(spend["period"] >= year + "01") & (spend["period"] <= period.code)] if not spend.empty else spend
    ytd_payable = {k: _sum(v) for k, v in ytd.groupby(["supplier_id", "currency"])["payable"]} if not ytd.empty else {}
    out = []
    for r in this.sort_values(["currency", "category", "supplier_id"]).to_dict("records") if not this.empty else []:
        out.append({**r, "ytd_payable": ytd_payable.get((r["supplier_id"], r["currency"]))})
    return out


def _budget(
    policy: Policy, spend: pd.DataFrame, by_category: list[dict], period: Period, currency: str
) -> list[dict[str, Any]]:
    """Each budgeted category: the month's budget and actual, the variance (actual − budget, so
    an overspend is positive) and the same over the year's recorded months."""
    basis = policy.budgets.basis
    year = spend[(spend["period"] >= f"{period.year:04d}-01") & (spend["period"] <= period.code)]
    year = year[year["currency"] == currency] if not year.empty else year
    recorded = sorted(set(year["period"])) if not year.empty else [period.code]
    if period.code not in recorded:
        recorded.append(period.code)
    out = []
    for category, amount in sorted(policy.budgets.monthly.items()):
        budget = fen(amount)
        row = next((r for r in by_category if r["currency"] == currency and r["category"] == category), None)
        actual = (row[basis] if row else ZERO) or ZERO
        rows = year[year["category"] == category] if not year.empty else year
        ytd_actual = (_sum(rows[basis]) if not rows.empty else None) or ZERO
        ytd_budget = budget * len(recorded)
        zh, en = label("category", category)
        out.append(
            {
                "category": category,
                "category_zh": zh,
                "category_en": en,
                "currency": currency,
                "budget": budget,
                "actual": actual,
                "variance": actual - budget,
                "variance_pct": pct(actual - budget, budget),
                "ytd_months": len(recorded),
                "ytd_budget": ytd_budget,
                "ytd_actual": ytd_actual,
                "ytd_variance": ytd_actual - ytd_budget,
                "basis_zh": f"月度预算 × {len(recorded)} 个月（{recorded[0]}–{recorded[-1]}）；实际为"
                + ("含税应付" if basis == "payable" else "不含税金额"),
                "basis_en": f"monthly budget × {len(recorded)} months ({recorded[0]} to {recorded[-1]}); actual is the "
                + ("payable" if basis == "payable" else "amount net of VAT"),
            }
        )
    return out


def _concentration(this: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    shares, hhi = [], []
    if this.empty:
        return shares, hhi
    for (currency, category), rows in this.groupby(["currency", "category"], sort=True):
        total = _sum(rows["payable"]) or ZERO
        index = ZERO
        ranked = sorted(rows.to_dict("records"), key=lambda r: (-r["payable"], r["supplier_id"]))
        top = ZERO
        for r in ranked:
            share = r["payable"] * HUNDRED / total if total else ZERO
            index += share * share
            top = max(top, share)
            shares.append(
                {
                    "currency": currency,
                    "category": category,
                    "supplier_id": r["supplier_id"],
                    "name_zh": r["name_zh"],
                    "name_en": r["name_en"],
                    "payable": r["payable"],
                    "share_pct": share.quantize(FEN),
                }
            )
        index = index.quantize(FEN)
        level = "high" if index > HHI_HIGH else "moderate" if index >= HHI_MODERATE else "low"
        hhi.append(
            {
                "currency": currency,
                "category": category,
                "suppliers": len(ranked),
                "payable": total,
                "top_share_pct": top.quantize(FEN),
                "hhi": index,
                "level": level,
            }
        )
    return shares, hhi


# --------------------------------------------------------------------------- unit costs


def unit_costs(result: MonthResult) -> list[dict[str, Any]]:
    """Per contract item priced per unit of work or per head: the month's amount for the item,
    the quantity it was paid on (accepted quantity; headcount) and the cost of one."""
    out = []
    for sm in result.suppliers:
        for s in sm.settlements:
            for b in s.bases:
                accepted = {v.item["item_code"]: v.accepted for v in b.volumes if not v.pending}
                amounts: dict[str, Decimal] = {}
                for line in s.lines:
                    if line.contract_no == b.contract_no and line.item is not None and line.kind in CONTRACT_KINDS:
                        code = line.item.get("item_code") or ""
                        amounts[code] = amounts.get(code, ZERO) + line.signed
                if not amounts:  # a contract fee with its posts described: the cost of one head of the contract
                    heads = sum(
                        (Decimal(i.get("headcount") or 0) for i in b.items if pricing_of(i) == "per_head"), ZERO
                    )
                    amount = sum(
                        (l.signed for l in s.lines if l.contract_no == b.contract_no and l.kind in CONTRACT_KINDS), ZERO
                    )
                    if heads and amount:
                        out.append(
                            {
                                "supplier_id": sm.supplier_id,
                                "name_zh": sm.supplier["name_zh"],
                                "name_en": sm.supplier.get("name_en", ""),
                                "category": sm.supplier["category"],
                                "contract_no": b.contract_no,
                                "item_code": "",
                                "role_zh": "合同全部岗位",
                                "role_en": "all posts of the contract",
                                "pricing": "per_head",
                                "currency": s.currency,
                                "amount": amount,
                                "quantity": heads,
                                "unit_zh": "人·月",
                                "unit_en": "head-month",
                                "unit_price": None,
                                "cost_per_unit": fen(amount / heads),
                                "basis_zh": "合同金额 ÷ 合同人数合计",
                                "basis_en": "contract amount ÷ total contracted headcount",
                            }
                        )
                    continue
                for item in b.items:
                    pricing = pricing_of(item)
                    code = item.get("item_code") or ""
                    if pricing == "per_unit":
                        quantity = accepted.get(code)
                        unit_zh, unit_en = item.get("unit_zh") or "件", item.get("unit_en") or "unit"
                        basis = ("金额 ÷ 验收数量", "amount ÷ accepted quantity")
                    elif pricing == "per_head" and item.get("headcount"):
                        quantity = Decimal(item["headcount"])
                        unit_zh, unit_en = "人·月", "head-month"
                        basis = ("金额 ÷ 合同人数", "amount ÷ contracted headcount")
                    else:
                        continue
                    amount = amounts.get(code, ZERO)
                    out.append(
                        {
                            "supplier_id": sm.supplier_id,
                            "name_zh": sm.supplier["name_zh"],
                            "name_en": sm.supplier.get("name_en", ""),
                            "category": sm.supplier["category"],
                            "contract_no": b.contract_no,
                            "item_code": code,
                            "role_zh": item.get("role_zh", ""),
                            "role_en": item.get("role_en") or item.get("role_zh", ""),
                            "pricing": pricing,
                            "currency": s.currency,
                            "amount": amount,
                            "quantity": quantity,
                            "unit_zh": unit_zh,
                            "unit_en": unit_en,
                            "unit_price": fen(Decimal(item["unit_price"])),
                            "cost_per_unit": fen(amount / quantity) if quantity else None,
                            "basis_zh": basis[0] if quantity else "本月无验收数量",
                            "basis_en": basis[1] if quantity else "no accepted quantity this month",
                        }
                    )
    return out


# --------------------------------------------------------------------------- forecast


def _in_force_days(contract: Mapping[str, Any], month: Period) -> int:
    start = dt.date.fromisoformat(contract["start_date"])
    end = dt.date.fromisoformat(contract["end_date"])
    first, last = max(start, month.start), min(end, month.end)
    return (last - first).days + 1 if first <= last else 0


def _recent_volumes(records: Mapping[str, Sequence[Mapping[str, Any]]], months: Sequence[str]):
    """(contract_no, item_code) → (mean accepted quantity at 0.01, months it is the mean of)."""
    seen: dict[tuple[str, str], dict[str, Decimal]] = {}
    for v in records.get("work_volume", ()):
        if v["period"] in months and v.get("accepted_quantity") is not None:
            seen.setdefault((v["contract_no"], str(v["item_code"])), {})[v["period"]] = Decimal(
                str(v["accepted_quantity"])
            )
    return {k: (fen(sum(by.values(), ZERO) / len(by)), sorted(by)) for k, by in seen.items()}


def _ratios(spend: pd.DataFrame, months: Sequence[str]) -> dict[tuple[str, str], tuple[Decimal, list[str]]]:
    """(supplier, currency) → (payable ÷ contract amount over the recent months, at 0.0001; the months)."""
    out: dict[tuple[str, str], tuple[Decimal, list[str]]] = {}
    if spend.empty:
        return out
    recent = spend[spend["period"].isin(list(months))]
    sums: dict[tuple[str, str], list] = {}  # (supplier, currency) → [base, payable, months]
    for sid, currency, p, base, payable in zip(
        recent["supplier_id"], recent["currency"], recent["period"], recent["base"], recent["payable"]
    ):
        if base is not None and base > 0:
            entry = sums.setdefault((sid, currency), [ZERO, ZERO, []])
            entry[0] += base
            entry[1] += payable
            entry[2].append(p)
    for key, (base, payable, seen) in sums.items():
        out[key] = ((payable / base).quantize(RATIO), sorted(seen))
    return out


def _month_amount(contract, items, volumes, recent_months):
    """A full month of the contract: (amount, basis zh, basis en)."""
    if contract.get("monthly_fee") is not None:
        fee = fen(Decimal(str(contract["monthly_fee"])))
        return fee, f"月服务费 {fee:,}", f"monthly fee {fee:,}"
    total, zh, en = ZERO, [], []
    for item in items:
        pricing = pricing_of(item)
        price = fen(Decimal(str(item["unit_price"])))
        code = str(item["item_code"])
        if pricing == "fixed":
            total += price
            zh.append(f"{code} 固定 {price:,}")
            en.append(f"{code} fixed {price:,}")
        elif pricing == "per_unit":
            mean, months = volumes.get((contract["contract_no"], code), (None, []))
            if mean is None:
                zh.append(f"{code} 按量：近{len(recent_months)}个月无验收量，计 0")
                en.append(f"{code} per unit: no accepted volume in the last {len(recent_months)} months, 0")
                continue
            amount = fen(mean * price)
            total += amount
            span = f"{months[0]}–{months[-1]}" if len(months) > 1 else months[0]
            zh.append(f"{code} 按量 {mean:,} × {price:,}（{span} 平均验收量）")
            en.append(f"{code} per unit {mean:,} × {price:,} (mean accepted, {span})")
        else:
            heads = Decimal(str(item.get("headcount") or 0))
            amount = fen(heads * price)
            total += amount
            zh.append(f"{code} 按人月 {heads} × {price:,}")
            en.append(f"{code} per head {heads} × {price:,}")
    return total, "；".join(zh), "; ".join(en)


def _forecast(result: MonthResult, policy: Policy, records, spend: pd.DataFrame, period: Period):
    recent = [_months_back(period, n).code for n in range(TREND_MONTHS - 1, -1, -1)]
    volumes = _recent_volumes(records, recent)
    ratios = _ratios(spend, recent)
    items_of = by_contract(records.get("contract_items", ()))
    suppliers = {s["supplier_id"]: s for s in records.get("suppliers", ())}
    terminated = {
        sm.supplier_id: a.action for sm in result.suppliers for a in sm.actions if a.action == "termination_notice"
    }
    months, month = [], period
    for _ in range(HORIZON):
        month = month.next()
        months.append(month)
    rows = []
    for contract in sorted(records.get("contracts", ()), key=lambda c: (c["supplier_id"], c["contract_no"])):
        sid = contract["supplier_id"]
        supplier = suppliers.get(sid, {})
        if (
            supplier.get("status") in ("candidate", "exited")
            or contract["end_date"] < period.start.isoformat()
            or contract["start_date"] > months[-1].end.isoformat()
        ):
            continue  # neither in force this month nor in a forecast month (one ending now is shown stopping)
        currency = contract.get("currency") or base_currency_of(policy)
        full, full_zh, full_en = _month_amount(contract, items_of.get(contract["contract_no"], []), volumes, recent)
        ratio, ratio_months = ratios.get((sid, currency), (Decimal(1), []))
        for m in months:
            days = _in_force_days(contract, m)
            common = {
                "month": m.code,
                "supplier_id": sid,
                "name_zh": supplier.get("name_zh", ""),
                "name_en": supplier.get("name_en", ""),
                "category": supplier.get("category", ""),
                "contract_no": contract["contract_no"],
                "currency": currency,
            }
            if sid in terminated:
                rows.append(
                    {
                        **common,
                        "base": ZERO,
                        "ratio": None,
                        "amount": ZERO,
                        "basis_zh": "本月已发出解除合同通知：不再预测",
                        "basis_en": "termination notice issued this month: no spend forecast",
                    }
                )
                continue
            if days == 0:
                ended = contract["end_date"] < m.start.isoformat()
                rows.append(
                    {
                        **common,
                        "base": ZERO,
                        "ratio": None,
                        "amount": ZERO,
                        "basis_zh": f"合同{'已于 ' + contract['end_date'] + ' 到期' if ended else '于 ' + contract['start_date'] + ' 开始'}：本月不计",
                        "basis_en": f"contract {'ended on ' + contract['end_date'] if ended else 'starts on ' + contract['start_date']}: nothing this month",
                    }
                )
                continue
            base = full if days == m.days else days * fen(full / m.days)
            prorate_zh = (
                "" if days == m.days else f"；按在执行天数 {days}/{m.days} 天折算（日费 {fen(full / m.days):,}）"
            )
            prorate_en = "" if days == m.days else f"; {days} of {m.days} days in force (daily {fen(full / m.days):,})"
            if ratio_months:
                span = ratio_months[0] if len(ratio_months) == 1 else f"{ratio_months[0]}–{ratio_months[-1]}"
                ratio_zh = f"× {ratio}（{span} 应付 ÷ 合同金额）"
                ratio_en = f"× {ratio} (payable ÷ contract amount, {span})"
            else:
                ratio_zh, ratio_en = "× 1（无近期结算记录）", "× 1 (no recent settlement)"
            rows.append(
                {
                    **common,
                    "base": base,
                    "ratio": ratio if ratio_months else Decimal(1),
                    "amount": fen(base * ratio),
                    "basis_zh": f"{full_zh}{prorate_zh}；{ratio_zh}",
                    "basis_en": f"{full_en}{prorate_en}; {ratio_en}",
                }
            )
    totals = []
    for m in months:
        for currency in sorted({r["currency"] for r in rows if r["month"] == m.code}, key=_order(policy)):
            mine = [r for r in rows if r["month"] == m.code and r["currency"] == currency]
            totals.append(
                {
                    "month": m.code,
                    "currency": currency,
                    "contracts": sum(1 for r in mine if r["amount"]),
                    "base": sum((r["base"] for r in mine), ZERO),
                    "amount": sum((r["amount"] for r in mine), ZERO),
                }
            )
    return rows, totals, tuple(m.code for m in months)


def base_currency_of(policy: Policy) -> str:
    return policy.currencies[0]


def _order(policy: Policy):
    allowed = list(policy.currencies)
    return lambda c: (allowed.index(c) if c in allowed else len(allowed), c)


def forecast_by_category(analysis: CostAnalysis) -> list[dict[str, Any]]:
    """The forecast in the base currency per category and month (for the charts and the chapter)."""
    out: dict[str, dict[str, Decimal]] = {}
    for r in analysis.forecast:
        if r["currency"] == analysis.base_currency:
            out.setdefault(r["category"], {m: ZERO for m in analysis.forecast_months})[r["month"]] += r["amount"]
    return [{"category": c, **v} for c, v in sorted(out.items())]


def forecast_by_contract(analysis: CostAnalysis) -> list[dict[str, Any]]:
    """The forecast one row per contract, its months side by side (the workbook's detail): each
    month's contract amount and forecast spend under the month's code, the three months' total,
    the ratio, and the basis, each month's named where the months differ (a contract ending or
    starting within them, a termination notice)."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in analysis.forecast:
        row = out.setdefault(
            (r["supplier_id"], r["contract_no"], r["currency"]),
            {k: r[k] for k in ("supplier_id", "name_zh", "name_en", "category", "contract_no", "currency")}
            | {"ratio": None, "total": ZERO, "bases": []},
        )
        row[f"base {r['month']}"] = r["base"]
        row[f"amount {r['month']}"] = r["amount"]
        row["total"] += r["amount"]
        if row["ratio"] is None:
            row["ratio"] = r["ratio"]
        row["bases"].append((r["month"], r["basis_zh"], r["basis_en"]))
    for row in out.values():
        bases = row.pop("bases")
        if len({(zh, en) for _, zh, en in bases}) == 1:
            row["basis_zh"], row["basis_en"] = bases[0][1], bases[0][2]
        else:
            row["basis_zh"] = "；".join(f"{m}：{zh}" for m, zh, _ in bases)
            row["basis_en"] = "; ".join(f"{m}: {en}" for m, _, en in bases)
    return list(out.values())


def score_trends(result: MonthResult, past: pd.DataFrame | None, top: int = 5, months: int = 6) -> list[dict[str, Any]]:
    """The `top` suppliers whose score moved most between their first and last rated month of
    the last `months` months (this one included): each with its scores month by month."""
    code = result.period.code
    first = _months_back(result.period, months - 1).code
    scores: dict[str, dict[str, Decimal]] = {}
    names: dict[str, tuple[str, str]] = {}
    if past is not None and not past.empty:
        earlier = past[(past["period"] >= first) & (past["period"] < code) & past["score"].notna()]
        earlier = earlier[earlier["rated"].astype(bool)]
        for sid, p, score, zh, en in zip(
            earlier["supplier_id"], earlier["period"], earlier["score"], earlier["name_zh"], earlier["name_en"]
        ):
            scores.setdefault(sid, {})[p] = _dec(score)
            names[sid] = (zh or "", en or "")
    for sm in result.suppliers:
        if sm.card.rated:
            scores.setdefault(sm.supplier_id, {})[code] = sm.card.total.quantize(FEN)
            names[sm.supplier_id] = (sm.supplier["name_zh"], sm.supplier.get("name_en", ""))
    moved = []
    for sid, by in scores.items():
        if len(by) >= 2:
            ordered = sorted(by)
            change = by[ordered[-1]] - by[ordered[0]]
            moved.append((-abs(change), sid, change, ordered))
    out = []
    for _, sid, change, ordered in sorted(moved)[:top]:
        out.append(
            {
                "supplier_id": sid,
                "name_zh": names[sid][0],
                "name_en": names[sid][1],
                "change": change,
                "points": [(p, scores[sid][p]) for p in ordered],
            }
        )
    return out
