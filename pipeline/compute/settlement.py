"""Penalties, rewards and the monthly settlement of one supplier, one settlement per currency.

What finance checks, built in:

* every line is quantity × rate, the rate already at the fen and the amount rounded half-up to
  the fen when the line is created; the statement shows all three, so any line recomputes;
* a currency's totals are the sums of its lines (VAT too: each line's VAT is computed on the
  line, as an invoice does); nothing adds two currencies;
* a labour-dispatch post priced in components settles the workers' pay and social insurance
  apart from the management fee: under 差额征税 (财税〔2016〕47号) they are left out of the
  taxable amount and can be invoiced only on a 普通发票;
* a contract priced on results (劳务外包: fixed or per-unit items) earns each fixed item for the
  days in force and each per-unit item on the quantity Party A accepted; an item with no accepted
  volume is pending acceptance, paid on no statement until it is accepted, never guessed;
* the cap and the reward are prorated like the base; deductions beyond what the month can
  absorb (the taxable part of the main contract: never the workers' pay) are carried forward as
  a receivable, so a payable is never below zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from pipeline.compute.money import FEN, HUNDRED, ZERO, fen
from pipeline.compute.pricing import Volume, coded_items, priced_on_results, pricing_of, volumes_of
from pipeline.compute.scoring import ScoreCard
from pipeline.compute.workforce import DISPATCH, AttendanceSettlement, attendance_settlement, has_components
from pipeline.config.policy import Policy
from pipeline.periods import Period

ONE = Decimal(1)
VAT_SPECIAL, VAT_ORDINARY = "vat_special", "vat_ordinary"  # 增值税专用发票 / 增值税普通发票

# Kinds of line. Contract lines: what the contract earns this month.
CONTRACT_KINDS = (
    "base",  # a fixed monthly fee (quantity 1 month, or the days in force × the daily fee)
    "item",  # a service item: headcount × unit price (a fee built from the items)
    "attendance",  # a role on attendance: days × daily rate
    "overtime",  # a role's overtime: hours × hourly overtime rate
    "wage",  # dispatch: the workers' pay for the days worked (pass-through under 差额征税)
    "wage_overtime",  # dispatch: overtime pay (pass-through)
    "social_insurance",  # dispatch: social insurance and housing fund per post (pass-through)
    "management_fee",  # dispatch: the agency's management fee per post (taxable)
    "fee_adjustment",  # a fixed contract fee against its components at full headcount
    "service_fee",  # a fixed-price item (固定费用): one month, or the days in force × its daily fee
    "per_head",  # a per-head item of a contract priced on results: headcount × unit price
    "work_volume",  # a per-unit item (按量计价): accepted quantity × unit price
)
ADJUSTMENT_KINDS = ("penalty", "cap_relief", "appeal_credit", "reward", "carried_in", "carried_forward")
PASS_THROUGH = ("wage", "wage_overtime", "social_insurance")


@dataclass(frozen=True)
class Line:
    kind: str
    amount: Decimal  # positive, at the fen: quantity × rate rounded, or a lump sum
    sign: int  # +1 adds to the payable, −1 deducts
    contract_no: str
    ref: str = ""  # incident id for penalties
    detail: Mapping[str, Any] = field(default_factory=dict)
    quantity: Decimal = ONE
    rate: Decimal | None = None  # at the fen; None: a lump sum (the rate shown is the amount)
    unit: str = "lump"  # lump | month | day | hour | head | post | worker_day | time | unit (the item's unit of work)
    tax_rate: Decimal = ZERO
    taxable: bool = True  # False: pass-through, outside the taxable amount (差额征税)
    item: Mapping[str, Any] | None = None  # the service item of a role's line

    @property
    def signed(self) -> Decimal:
        return self.amount * self.sign

    @property
    def shown_rate(self) -> Decimal:
        return self.rate if self.rate is not None else self.amount

    @property
    def invoice_type(self) -> str:
        return VAT_SPECIAL if self.taxable else VAT_ORDINARY

    def exact_vat(self, includes_tax: bool) -> Decimal:
        """This line's VAT before rounding (signed)."""
        if not self.taxable or not self.tax_rate:
            return ZERO
        r = self.tax_rate
        return self.signed * r / (1 + r) if includes_tax else self.signed * r


def line_of(kind: str, quantity: Decimal, rate: Decimal, contract_no: str, unit: str, **kw: Any) -> Line:
    """A quantity × rate line (rate already at the fen)."""
    return Line(kind, fen(quantity * rate), +1, contract_no, quantity=quantity, rate=rate, unit=unit, **kw)


@dataclass(frozen=True)
class ContractBase:
    contract: Mapping[str, Any]
    items: tuple[Mapping[str, Any], ...]
    monthly_fee: Decimal  # the contract's fee, or Σ headcount × unit price
    fee_from_items: bool
    active_days: int
    period_days: int
    attendance: AttendanceSettlement | None = None  # labour contracts: settled on the days worked
    volumes: tuple[Volume, ...] = ()  # per-unit items: the month's accepted volume (or pending)
    on_results: bool = False  # fixed or per-unit items: settled item by item (劳务外包)

    @property
    def contract_no(self) -> str:
        return self.contract["contract_no"]

    @property
    def currency(self) -> str:
        return self.contract.get("currency", "CNY")

    @property
    def prorated(self) -> bool:
        return self.active_days < self.period_days

    @property
    def daily_fee(self) -> Decimal:
        return fen(self.monthly_fee / self.period_days)

    @property
    def fee_for_period(self) -> Decimal:
        """The contract's fee for the days it was in force (days × daily fee when prorated):
        what the attendance is reconciled against, and what the cap and the reward are on.
        A contract priced on results: what its items earned (the sum of its lines)."""
        if self.on_results:
            return sum((l.amount for l in result_lines(self, {})), ZERO)
        return self.active_days * self.daily_fee if self.prorated else fen(self.monthly_fee)

    @property
    def pending(self) -> tuple[Volume, ...]:
        """Per-unit items with no accepted volume this month: not paid, and said so."""
        return tuple(v for v in self.volumes if v.pending)

    @property
    def dispatch_components(self) -> bool:
        return self.contract["contract_type"] == DISPATCH and bool(self.items) and all(map(has_components, self.items))

    @property
    def base(self) -> Decimal:
        return self.attendance.amount if self.attendance is not None else self.fee_for_period


def item_month(item: Mapping[str, Any], volume: Volume | None = None) -> Decimal:
    """An item's amount for a full month: its fixed fee, headcount × unit price, or the accepted
    quantity × unit price."""
    pricing = pricing_of(item)
    if pricing == "fixed":
        return Decimal(item["unit_price"])
    if pricing == "per_unit":
        return volume.accepted * fen(Decimal(item["unit_price"])) if volume is not None else ZERO
    return Decimal(item.get("headcount") or 0) * item["unit_price"]


def contract_base(
    contract: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    period: Period,
    work_volume: Sequence[Mapping[str, Any]] = (),
) -> ContractBase | None:
    """The contract's fee for the days of the period it was in force; None if not in force.
    `work_volume`: the accepted volumes that per-unit items are settled on."""
    start = dt.date.fromisoformat(contract["start_date"])
    end = dt.date.fromisoformat(contract["end_date"])
    first, last = max(start, period.start), min(end, period.end)
    if first > last:
        return None
    items = coded_items(items)
    on_results = priced_on_results(items)
    volumes = volumes_of(contract["contract_no"], items, work_volume, period.code) if on_results else ()
    fee_from_items = contract.get("monthly_fee") is None
    if fee_from_items:
        by_item = {v.item["item_code"]: v for v in volumes}
        fee = sum((item_month(i, by_item.get(i["item_code"])) for i in items), ZERO)
    else:
        fee = contract["monthly_fee"]
    return ContractBase(
        contract,
        tuple(items),
        fee,
        fee_from_items,
        (last - first).days + 1,
        period.days,
        volumes=volumes,
        on_results=on_results,
    )


def penalty_for(incident: Mapping[str, Any], monthly_fee: Decimal, policy: Policy) -> tuple[Decimal, dict]:
    """The fixed amount for the incident plus, for late delivery, days late × the daily
    deduction (the monthly fee × the policy's percentage, at the fen)."""
    fixed = fen(policy.per_incident.get(incident["type"], {}).get(incident["severity"], ZERO))
    days = Decimal(incident.get("days_late") or 0) if incident["type"] == "late_delivery" else ZERO
    per_day = fen(monthly_fee * policy.late_delivery_pct_per_day / HUNDRED)
    late = fen(days * per_day)
    return fixed + late, {
        "fixed": fixed,
        "days_late": days,
        "per_day": per_day,
        "late": late,
        "pct_per_day": policy.late_delivery_pct_per_day,
        "monthly_fee": monthly_fee,
    }


# 劳务派遣协议第4.3条: the agency's own breaches, each with the rate in schemas/contract_terms.yaml
# (dispatch_damages) it is charged at: per day late, per worker per day late, or each time
DISPATCH_BREACHES = {
    "wage_late": ("wage_late_per_day", "days"),
    "insurance_proof_missing": ("insurance_proof_missing", "each"),
    "replacement_late": ("replacement_late_per_day", "worker_days"),
    "unlicensed": ("unlicensed", "each"),
}


def dispatch_penalty_for(incident: Mapping[str, Any], damages: Mapping[str, Decimal]) -> tuple[Decimal, dict]:
    """The liquidated damages a dispatch agreement sets for one of the agency's own breaches:
    the rate × days late (× workers not replaced in time), or the rate once. ZERO for any other
    incident (Party A directs the work: delivery and quality carry none)."""
    breach = incident.get("dispatch_breach")
    if breach not in DISPATCH_BREACHES:
        return ZERO, {}
    key, basis = DISPATCH_BREACHES[breach]
    rate = fen(Decimal(str(damages.get(key, ZERO))))
    days = Decimal(incident.get("days_late") or 0) if basis in ("days", "worker_days") else ONE
    workers = Decimal(incident.get("workers") or 1) if basis == "worker_days" else ONE
    return fen(rate * days * workers), {
        "breach": breach,
        "basis": basis,
        "rate": rate,
        "days": days,
        "workers": workers,
    }


def with_attendance(
    base: ContractBase,
    workers: Sequence[Mapping[str, Any]],
    attendance: Sequence[Mapping[str, Any]],
    policy: Policy,
    period: Period,
) -> ContractBase:
    """A labour contract with attendance this period is settled on it (workforce.py); never one
    priced on results."""
    if base.contract["contract_type"] not in policy.workforce.settle_on_attendance or not base.items or base.on_results:
        return base
    settled = attendance_settlement(
        base.contract, base.items, workers, attendance, base.fee_for_period, period, policy.workforce
    )
    return replace(base, attendance=settled) if settled else base


def vat_of(base: ContractBase, policy: Policy) -> tuple[Decimal, bool]:
    """(rate, pass-through kept apart) for the contract's lines: a dispatch contract priced in
    components under the policy's 差额征税 method is taxed at its rate on the difference only."""
    if base.dispatch_components and policy.dispatch_vat == "difference":
        return policy.dispatch_vat_rate, True
    return base.contract.get("tax_rate", ZERO), False


def result_lines(base: ContractBase, common: Mapping[str, Any]) -> list[Line]:
    """A contract priced on results, item by item: a fixed item for the month (or its days in
    force × its daily fee), a per-head item at its headcount, a per-unit item on the quantity
    accepted (a zero-quantity line when all was rejected; none while pending acceptance)."""
    common = {"contract_no": base.contract_no, **common}
    prorate = {"prorated": base.prorated, "active_days": base.active_days, "period_days": base.period_days}
    by_item = {v.item["item_code"]: v for v in base.volumes}
    lines = []
    for i in base.items:
        pricing = pricing_of(i)
        detail: dict[str, Any] = {**prorate, "pricing": pricing}
        if pricing == "per_unit":
            v = by_item[i["item_code"]]
            if not v.pending:
                rate = fen(Decimal(i["unit_price"]))
                lines.append(
                    line_of("work_volume", v.accepted, rate, unit="unit", item=i, detail={"volume": v}, **common)
                )
            continue
        if pricing == "fixed":
            month = fen(Decimal(i["unit_price"]))
            if base.prorated:
                daily = fen(month / base.period_days)
                lines.append(
                    line_of(
                        "service_fee", Decimal(base.active_days), daily, unit="day", item=i, detail=detail, **common
                    )
                )
            else:
                lines.append(line_of("service_fee", ONE, month, unit="month", item=i, detail=detail, **common))
            continue
        heads = Decimal(i.get("headcount") or 0)
        per_head = (
            fen(Decimal(i["unit_price"]) * base.active_days / base.period_days)
            if base.prorated
            else fen(Decimal(i["unit_price"]))
        )
        lines.append(line_of("per_head", heads, per_head, unit="head", item=i, detail=detail, **common))
    return lines


def contract_lines(base: ContractBase, policy: Policy) -> list[Line]:
    """What the contract earns this month, as lines that recompute."""
    no = base.contract_no
    rate, apart = vat_of(base, policy)
    common = {"contract_no": no, "tax_rate": rate}
    prorate = {"prorated": base.prorated, "active_days": base.active_days, "period_days": base.period_days}
    if base.on_results:
        return result_lines(base, {"tax_rate": rate})
    a = base.attendance
    if a is not None:
        lines = []
        for r in a.roles:
            role = {"item": r.item, "detail": {"role": r, "attendance": a}}
            if r.components:
                lines += [
                    line_of("wage", r.days, r.daily_rate, unit="day", taxable=not apart, **common, **role),
                    line_of(
                        "wage_overtime",
                        r.overtime_hours,
                        r.overtime_rate,
                        unit="hour",
                        taxable=not apart,
                        **common,
                        **role,
                    ),
                    line_of(
                        "social_insurance",
                        Decimal(r.posts),
                        r.item["social_insurance"],
                        unit="post",
                        taxable=not apart,
                        **common,
                        **role,
                    ),
                    line_of(
                        "management_fee", Decimal(r.posts), r.item["management_fee"], unit="post", **common, **role
                    ),
                ]
            else:
                lines += [
                    line_of("attendance", r.days, r.daily_rate, unit="day", **common, **role),
                    line_of("overtime", r.overtime_hours, r.overtime_rate, unit="hour", **common, **role),
                ]
        return [l for l in lines if l.quantity]
    if base.dispatch_components:
        # a dispatch contract without attendance: each post at its components for the days in force
        lines = []
        for i in base.items:
            heads = Decimal(i["headcount"])
            role = {"item": i, "detail": prorate}
            for kind, key, taxable in (
                ("wage", "wage", not apart),
                ("social_insurance", "social_insurance", not apart),
                ("management_fee", "management_fee", True),
            ):
                per_head = fen(i[key] * base.active_days / base.period_days) if base.prorated else i[key]
                lines.append(line_of(kind, heads, per_head, unit="head", taxable=taxable, **common, **role))
        lines = [l for l in lines if l.quantity]
        rest = base.fee_for_period - sum((l.amount for l in lines), ZERO)
        if not base.fee_from_items and rest:  # a fixed fee above or below its posts at full headcount
            lines.append(Line("fee_adjustment", abs(rest), 1 if rest > 0 else -1, detail=prorate, **common))
        return lines
    if base.prorated:
        return [
            line_of(
                "base",
                Decimal(base.active_days),
                base.daily_fee,
                unit="day",
                detail={**prorate, "from_items": base.fee_from_items, "monthly_fee": base.monthly_fee},
                **common,
            )
        ]
    return [
        line_of(
            "base",
            ONE,
            fen(base.monthly_fee),
            unit="month",
            detail={**prorate, "from_items": base.fee_from_items, "monthly_fee": base.monthly_fee},
            **common,
        )
    ]


@dataclass(frozen=True)
class Settlement:
    """One supplier's settlement in one currency."""

    supplier_id: str
    period: str
    currency: str
    bases: tuple[ContractBase, ...]
    lines: tuple[Line, ...]
    penalty_gross: Decimal
    penalty_cap: Decimal
    cap_pct: Decimal
    fee_includes_tax: bool
    payment_days: int
    main_contract_no: str = ""
    hold: tuple[str, ...] = ()  # why finance should not pay yet: "termination"
    # incidents the main contract sets no liquidated damages for (a dispatch agreement's are its
    # own list: the host directs the work), scored and flagged but not charged
    uncharged: tuple[Mapping[str, Any], ...] = ()
    cap_on_management_fee: bool = False  # a dispatch agreement caps damages at its management fee

    @property
    def tax_rate(self) -> Decimal:
        return self.rate_of(self.main_contract_no)

    def total_of(self, *kinds: str) -> Decimal:
        return sum((l.amount for l in self.lines if l.kind in kinds), ZERO)

    @property
    def penalty_net(self) -> Decimal:
        return self.total_of("penalty") - self.total_of("cap_relief")

    @property
    def reward_total(self) -> Decimal:
        return self.total_of("reward")

    @property
    def cap_applied(self) -> bool:
        return self.total_of("cap_relief") > 0

    @property
    def carried_in(self) -> Decimal:
        return self.total_of("carried_in")

    @property
    def carried_forward(self) -> Decimal:
        """Deductions the month could not absorb: a receivable set off against the next settlement."""
        return self.total_of("carried_forward")

    @property
    def contract_total(self) -> Decimal:
        return sum((l.signed for l in self.lines if l.kind in CONTRACT_KINDS), ZERO)

    @property
    def subtotal(self) -> Decimal:
        return sum((l.signed for l in self.lines), ZERO)

    def rate_of(self, contract_no: str) -> Decimal:
        line = next((l for l in self.lines if l.contract_no == contract_no and l.taxable), None)
        return line.tax_rate if line is not None else ZERO

    @property
    def rates(self) -> tuple[Decimal, ...]:
        """The distinct VAT rates of the taxable lines, in line order."""
        seen: list[Decimal] = []
        for l in self.lines:
            if l.taxable and l.tax_rate not in seen:
                seen.append(l.tax_rate)
        return tuple(seen)

    @cached_property
    def splits(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """(amount net of VAT, VAT) of each line, signed, at the fen. VAT is computed on each
        invoice group's total (one kind of invoice at one rate, as the invoice computes it) and
        shared out over its lines to the fen, largest remainders first, so the lines add up to
        the group and a group of lines that nets to zero carries no VAT."""
        out: list[list[Decimal]] = [[l.signed, ZERO] for l in self.lines]
        groups: dict[tuple[str, Decimal], list[int]] = {}
        for n, l in enumerate(self.lines):
            if l.taxable and l.tax_rate:
                groups.setdefault((l.invoice_type, l.tax_rate), []).append(n)
        for members in groups.values():
            exact = {n: self.lines[n].exact_vat(self.fee_includes_tax) for n in members}
            total = fen(sum(exact.values(), ZERO))
            shares = {n: fen(v) for n, v in exact.items()}
            step = FEN if total > sum(shares.values(), ZERO) else -FEN
            by_remainder = sorted(members, key=lambda n: -(exact[n] - shares[n]) * step.copy_sign(ONE))
            for n in by_remainder[: int(abs(total - sum(shares.values(), ZERO)) / FEN)]:
                shares[n] += step
            for n in members:
                out[n][1] = shares[n]
                if self.fee_includes_tax:
                    out[n][0] = self.lines[n].signed - shares[n]
        return tuple((net, vat) for net, vat in out)

    @property
    def net_of_tax(self) -> Decimal:
        return sum((net for net, _ in self.splits), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((vat for _, vat in self.splits), ZERO)

    @property
    def payable(self) -> Decimal:
        return self.net_of_tax + self.tax

    @property
    def pending(self) -> tuple[Volume, ...]:
        """Per-unit items of its contracts awaiting acceptance: not in this statement."""
        return tuple(v for b in self.bases for v in b.pending)

    @property
    def pass_through(self) -> Decimal:
        return sum((l.signed for l in self.lines if not l.taxable), ZERO)

    def by_invoice(self) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
        """(invoice type, VAT rate, net, VAT, amount to invoice) per invoice type and rate, special
        invoices first: what the supplier invoices, and on which kind of invoice."""
        groups: dict[tuple[str, Decimal], list[int]] = {}
        for n, l in enumerate(self.lines):
            groups.setdefault((l.invoice_type, l.tax_rate if l.taxable else ZERO), []).append(n)
        out = []
        for (kind, rate), members in sorted(groups.items(), key=lambda g: (g[0][0] != VAT_SPECIAL, g[0][1])):
            net = sum((self.splits[n][0] for n in members), ZERO)
            vat = sum((self.splits[n][1] for n in members), ZERO)
            out.append((kind, rate, net, vat, net + vat))
        return out


def _main(bases: Sequence[ContractBase]) -> ContractBase:
    """The largest contract carries penalties and rewards; ties go to the lower contract number."""
    return min(bases, key=lambda b: (-b.monthly_fee, b.contract_no))


def _currency_order(currencies: Iterable[str], policy: Policy) -> list[str]:
    """The policy's currencies in its order (the first is the base currency), then any other."""
    allowed = list(policy.currencies)
    return sorted(set(currencies), key=lambda c: (allowed.index(c) if c in allowed else len(allowed), c))


def settle_supplier(
    supplier_id: str,
    contracts: Sequence[Mapping[str, Any]],
    items: Sequence[Mapping[str, Any]],
    incidents: Sequence[Mapping[str, Any]],
    card: ScoreCard | None,
    policy: Policy,
    period: Period,
    workers: Sequence[Mapping[str, Any]] = (),
    attendance: Sequence[Mapping[str, Any]] = (),
    carried_in: Mapping[str, Decimal] | None = None,
    hold: Sequence[str] = (),
    work_volume: Sequence[Mapping[str, Any]] = (),
    credits: Sequence[Any] = (),
    dispatch_damages: Mapping[str, Decimal] | None = None,
) -> tuple[Settlement, ...]:
    """The supplier's settlements, one per currency of its contracts in force (the base currency
    first); () when none is in force. Penalties, rewards and a receivable carried in from the
    previous settlement (`carried_in`, by currency) sit on the main contract of the first.
    `dispatch_damages`: the dispatch agreement's rates for the agency's own breaches
    (ContractTerms.dispatch_damages); without them such a breach is charged nothing."""
    bases = [
        with_attendance(b, workers, attendance, policy, period)
        for c in contracts
        if (b := contract_base(c, [i for i in items if i["contract_no"] == c["contract_no"]], period, work_volume))
    ]
    if not bases:
        return ()
    carried_in = carried_in or {}
    out = []
    for n, currency in enumerate(_currency_order((b.currency for b in bases), policy)):
        mine = sorted((b for b in bases if b.currency == currency), key=lambda b: (-b.monthly_fee, b.contract_no))
        out.append(
            _settle_currency(
                supplier_id,
                currency,
                mine,
                incidents if n == 0 else (),
                card if n == 0 else None,
                policy,
                period,
                carried_in.get(currency, ZERO),
                tuple(hold),
                tuple(credits) if n == 0 else (),
                dispatch_damages or {},
            )
        )
    return tuple(out)


def settle(*args: Any, **kwargs: Any) -> Settlement | None:
    """The settlement of a supplier whose contracts are all in one currency (tests and tools)."""
    found = settle_supplier(*args, **kwargs)
    if len(found) > 1:
        raise ValueError("the supplier's contracts are in several currencies: use settle_supplier")
    return found[0] if found else None


def _settle_currency(
    supplier_id: str,
    currency: str,
    bases: Sequence[ContractBase],
    incidents: Sequence[Mapping[str, Any]],
    card: ScoreCard | None,
    policy: Policy,
    period: Period,
    carried_in: Decimal,
    hold: tuple[str, ...],
    credits: tuple[Any, ...] = (),
    dispatch_damages: Mapping[str, Decimal] | None = None,
) -> Settlement:
    main = _main(bases)
    main_no = main.contract_no
    main_rate, _ = vat_of(main, policy)
    on_main = {"contract_no": main_no, "tax_rate": main_rate}
    lines: list[Line] = [line for b in bases for line in contract_lines(b, policy)]

    gross = ZERO
    # 劳务派遣: the host directs the work, so the agreement charges liquidated damages only for the
    # agency's own breaches it lists (clause liquidated_damages), never the policy's incident table
    dispatch = main.contract["contract_type"] == DISPATCH
    in_order = sorted(incidents, key=lambda i: (i["date"], i["incident_id"]))
    uncharged = tuple(i for i in in_order if i.get("dispatch_breach") not in DISPATCH_BREACHES) if dispatch else ()
    for incident in in_order:
        measure: dict[str, Any] = {}
        if dispatch:
            amount, detail = dispatch_penalty_for(incident, dispatch_damages or {})
            if detail:  # the rate × days (× workers) the line recomputes from
                units = {"days": "day", "worker_days": "worker_day", "each": "time"}
                measure = dict(
                    quantity=detail["days"] * detail["workers"], rate=detail["rate"], unit=units[detail["basis"]]
                )
        else:
            amount, detail = penalty_for(incident, main.monthly_fee, policy)
        if amount > 0:
            lines.append(
                Line(
                    "penalty",
                    amount,
                    -1,
                    ref=incident["incident_id"],
                    detail={**detail, "incident": incident},
                    **measure,
                    **on_main,
                )
            )
            gross += amount

    # the cap is on each contract's fee for the days it was in force, like the base; a dispatch
    # agreement's is its management fee for the month (damages never reach the workers' pay)
    cap_pct = main.contract.get("penalty_cap_pct", policy.default_cap_pct)
    cap = fen(sum((_cap_of(b, lines, policy) for b in bases), ZERO))
    if gross > cap:
        lines.append(
            Line("cap_relief", gross - cap, +1, detail={"cap": cap, "gross": gross, "cap_pct": cap_pct}, **on_main)
        )

    # appeals decided this month give back what their incident cost in its own month (appeals.py)
    for d in credits:
        if d.reversed > 0:
            lines.append(Line("appeal_credit", d.reversed, +1, ref=d.appeal_id, detail={"decision": d}, **on_main))

    if card is not None and card.rated and card.band.grade in policy.rewards:
        pct = policy.rewards[card.band.grade]
        reward = fen(main.fee_for_period * pct / HUNDRED)
        if reward > 0:
            lines.append(
                Line(
                    "reward",
                    reward,
                    +1,
                    detail={
                        "grade": card.band.grade,
                        "pct": pct,
                        "fee": main.fee_for_period,
                        "prorated": main.prorated,
                    },
                    **on_main,
                )
            )

    if carried_in > 0:
        lines.append(Line("carried_in", fen(carried_in), -1, detail={"from": period.previous().code}, **on_main))

    # what the month can absorb: the main contract's taxable lines (never the workers' pay)
    absorbable = sum((l.signed for l in lines if l.contract_no == main_no and l.taxable), ZERO)
    if absorbable < 0:
        lines.append(Line("carried_forward", -absorbable, +1, detail={"to": period.next().code}, **on_main))

    return Settlement(
        supplier_id=supplier_id,
        period=period.code,
        currency=currency,
        bases=tuple(bases),
        lines=tuple(lines),
        penalty_gross=gross,
        penalty_cap=cap,
        cap_pct=cap_pct,
        fee_includes_tax=policy.fee_includes_tax,
        payment_days=int(main.contract.get("payment_days", policy.default_payment_days)),
        main_contract_no=main_no,
        hold=hold,
        uncharged=uncharged,
        cap_on_management_fee=dispatch,
    )


def _cap_of(base: ContractBase, lines: Sequence[Line], policy: Policy) -> Decimal:
    """One contract's share of the month's cap on liquidated damages."""
    if base.contract["contract_type"] == DISPATCH:
        return sum((l.amount for l in lines if l.contract_no == base.contract_no and l.kind == "management_fee"), ZERO)
    return base.fee_for_period * base.contract.get("penalty_cap_pct", policy.default_cap_pct) / HUNDRED
