"""劳务外包用工管理: labour contracts settled on the people who actually worked, and the
onboarding and dispatch checks the regulations ask for.

Plain functions over validated records (workers, attendance, contracts, items). Names and
ID numbers are personal data: flags carry the worker ID and a masked ID number only; the
full name and number leave this module solely in `WorkerPay.worker`, which the roster
annex of the supplier's own settlement statement shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.compute.money import ZERO, fen
from pipeline.compute.risk import SEVERITY_ORDER, Flag
from pipeline.config.aliases import fold
from pipeline.config.policy import WorkforceRule
from pipeline.identifiers import id_birth_date
from pipeline.periods import Period
from pipeline.privacy import mask

DISPATCH = "labor_dispatch"


# ----------------------------------------------------------------------------- dates


def first_day(worker: Mapping[str, Any]) -> dt.date:
    return dt.date.fromisoformat(worker["onboard_date"])


def last_day(worker: Mapping[str, Any]) -> dt.date | None:
    value = worker.get("offboard_date")
    return dt.date.fromisoformat(value) if value else None


def on_site_window(worker: Mapping[str, Any], period: Period) -> tuple[dt.date, dt.date] | None:
    """The days of `period` the worker was on the roster (first and last), or None."""
    end = last_day(worker)
    first = max(first_day(worker), period.start)
    last = min(end, period.end) if end else period.end
    return (first, last) if first <= last else None


def days_on_site(worker: Mapping[str, Any], period: Period) -> int:
    window = on_site_window(worker, period)
    return (window[1] - window[0]).days + 1 if window else 0


def age_on(id_number: str, day: dt.date) -> int | None:
    """Full years of age on `day`, from the birth date in the ID number (GB 11643)."""
    birth = id_birth_date(id_number)
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def masked_id(worker: Mapping[str, Any]) -> str:
    return mask(worker["id_number"])


def role_key(text: str) -> str:
    return fold(text)


def item_for_role(role: str, items: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The contract's service item a roster role names (by 岗位名称 or its English name)."""
    key = role_key(role)
    for item in items:
        if key == role_key(item["role_zh"]) or (item.get("role_en") and key == role_key(item["role_en"])):
            return item
    return None


# ----------------------------------------------------------------------------- settlement


def has_components(item: Mapping[str, Any]) -> bool:
    """A dispatch post priced as pay + social insurance + management fee (DESIGN.md items)."""
    return all(item.get(k) is not None for k in ("wage", "social_insurance", "management_fee"))


@dataclass(frozen=True)
class WorkerPay:
    """One worker's month: the quantities the statement's role lines add up (no amounts: a
    role line is its total days × the role's daily rate, so worker lines could not add up to it
    to the fen when days are fractional)."""

    worker: Mapping[str, Any]  # the roster row (name and ID number: masked in the annex)
    item: Mapping[str, Any]  # the contract's service item of the worker's role
    days: Decimal
    overtime_hours: Decimal
    window: tuple[dt.date, dt.date] | None = None  # the days of the month on the roster
    refused: str | None = None  # "under_age": never settled


@dataclass(frozen=True)
class RolePay:
    """A role of the contract and the people who worked in it. Every rate is at the fen and
    every amount is quantity × rate rounded to the fen, so the statement's figures recompute.

    `posts` counts the role's places filled: the most workers on the roster on any one day of the
    month, so a worker who left and the one who replaced them are one post (a replacement), not
    a headcount difference."""

    item: Mapping[str, Any]
    contracted_headcount: int
    headcount: int  # workers settled in this role this period
    posts: int  # the most of them on site on any one day
    days: Decimal
    overtime_hours: Decimal
    daily_rate: Decimal  # fen: the monthly unit price (dispatch: the wage) ÷ the month's working days
    overtime_rate: Decimal  # fen per hour: daily rate ÷ hours per day × overtime rate
    components: bool = False  # dispatch: wage, social insurance and management fee kept apart

    @property
    def unit_price(self) -> Decimal:
        return self.item["unit_price"]

    @property
    def regular(self) -> Decimal:
        """Days × daily rate (dispatch: the workers' pay for the days worked)."""
        return fen(self.days * self.daily_rate)

    @property
    def overtime(self) -> Decimal:
        return fen(self.overtime_hours * self.overtime_rate)

    @property
    def social_insurance(self) -> Decimal:
        return self.posts * self.item["social_insurance"] if self.components else ZERO

    @property
    def management_fee(self) -> Decimal:
        return self.posts * self.item["management_fee"] if self.components else ZERO

    @property
    def amount(self) -> Decimal:
        return self.regular + self.overtime + self.social_insurance + self.management_fee

    @property
    def replacements(self) -> int:
        return self.headcount - self.posts

    @property
    def contracted(self) -> Decimal:
        return self.contracted_headcount * self.unit_price

    @property
    def headcount_effect(self) -> Decimal:
        """More or fewer posts filled than the contract's headcount, each at a full month."""
        return (self.posts - self.contracted_headcount) * self.unit_price

    @property
    def attendance_effect(self) -> Decimal:
        """The posts filled, against a full month each: days short of (or above) full."""
        return self.regular + self.social_insurance + self.management_fee - self.posts * self.unit_price


@dataclass(frozen=True)
class AttendanceSettlement:
    contract_no: str
    period: str
    working_days: Decimal
    hours_per_day: Decimal
    overtime_rate: Decimal
    roles: tuple[RolePay, ...]
    workers: tuple[WorkerPay, ...]
    contract_fee: Decimal  # the contract's fee for the period (prorated when part-month), fen

    @property
    def components(self) -> bool:
        return any(r.components for r in self.roles)

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.roles), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.amount - self.contract_fee

    @property
    def fee_vs_items(self) -> Decimal:
        """The contract fee against its items at full headcount (a fixed fee, or a part month)."""
        return sum((r.contracted for r in self.roles), ZERO) - self.contract_fee

    @property
    def headcount(self) -> int:
        return sum(r.headcount for r in self.roles)

    @property
    def posts(self) -> int:
        return sum(r.posts for r in self.roles)

    @property
    def days(self) -> Decimal:
        return sum((r.days for r in self.roles), ZERO)

    @property
    def overtime_hours(self) -> Decimal:
        return sum((r.overtime_hours for r in self.roles), ZERO)

    @property
    def overtime_total(self) -> Decimal:
        return sum((r.overtime for r in self.roles), ZERO)

    @property
    def regular_total(self) -> Decimal:
        return sum((r.regular for r in self.roles), ZERO)


def is_refused(worker: Mapping[str, Any], period: Period, rule: WorkforceRule) -> bool:
    window = on_site_window(worker, period)
    age = age_on(worker["id_number"], window[0] if window else period.start)
    return age is not None and age < rule.min_age


def peak_on_site(windows: Iterable[tuple[dt.date, dt.date] | None], period: Period) -> int:
    """The most workers on the roster on any one day (a worker without a window counts all month)."""
    events: list[tuple[dt.date, int]] = []
    for w in windows:
        first, last = w if w else (period.start, period.end)
        events += [(first, 1), (last + dt.timedelta(days=1), -1)]
    peak = now = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):  # leaving before joining on the same day
        now += step
        peak = max(peak, now)
    return peak


def attendance_settlement(
    contract: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    workers: Sequence[Mapping[str, Any]],
    attendance: Sequence[Mapping[str, Any]],
    contract_fee: Decimal,
    period: Period,
    rule: WorkforceRule,
) -> AttendanceSettlement | None:
    """The contract's fee for `period` from its workers' attendance; None without attendance.

    `workers`: the contract's roster rows; `attendance`: rows of `period` for any workers
    (the contract's are picked by worker ID). A role is settled on its total days × its daily
    rate at the fen and its overtime hours × its hourly overtime rate at the fen; a dispatch
    post priced in components adds social insurance and the management fee per post."""
    no = contract["contract_no"]
    roster = {w["worker_id"]: w for w in workers if w["contract_no"] == no}
    rows = sorted(
        (a for a in attendance if a["period"] == period.code and a["worker_id"] in roster), key=lambda a: a["worker_id"]
    )
    if not rows:
        return None
    working_days = rule.working_days(period.code)
    dispatch = contract["contract_type"] == DISPATCH and bool(items) and all(has_components(i) for i in items)
    paid: list[WorkerPay] = []
    for a in rows:
        worker = roster[a["worker_id"]]
        item = item_for_role(worker["role"], items)
        if item is None:  # validation rejects such rows; a caller passing raw data gets told
            raise ValueError(f"worker {worker['worker_id']}: role {worker['role']!r} is not a service item of {no}")
        refused = "under_age" if is_refused(worker, period, rule) else None
        paid.append(
            WorkerPay(
                worker,
                item,
                Decimal(a["days_worked"]),
                Decimal(a.get("overtime_hours") or 0),
                on_site_window(worker, period),
                refused,
            )
        )
    roles = []
    for item in items:
        mine = [p for p in paid if p.item is item and p.refused is None]
        daily = fen((item["wage"] if dispatch else item["unit_price"]) / working_days)
        roles.append(
            RolePay(
                item=item,
                contracted_headcount=int(item["headcount"]),
                headcount=len(mine),
                posts=peak_on_site((p.window for p in mine), period),
                days=sum((p.days for p in mine), ZERO),
                overtime_hours=sum((p.overtime_hours for p in mine), ZERO),
                daily_rate=daily,
                overtime_rate=fen(daily / rule.hours_per_day * rule.overtime_rate),
                components=dispatch,
            )
        )
    return AttendanceSettlement(
        contract_no=no,
        period=period.code,
        working_days=working_days,
        hours_per_day=rule.hours_per_day,
        overtime_rate=rule.overtime_rate,
        roles=tuple(roles),
        workers=tuple(paid),
        contract_fee=contract_fee,
    )


# ----------------------------------------------------------------------------- checks


def _flag(code: str, severity: str, sid: str, workers: Sequence[Mapping[str, Any]], **facts: Any) -> Flag:
    """A flag naming workers by worker ID and masked ID number (never the name or the full number)."""
    return Flag(
        code,
        severity,
        sid,
        {
            "count": len(workers),
            "workers": [w["worker_id"] for w in workers],
            "people": [(w["worker_id"], masked_id(w)) for w in workers],
            **facts,
        },
    )


def on_site(workers: Iterable[Mapping[str, Any]], period: Period) -> list[Mapping[str, Any]]:
    return sorted((w for w in workers if on_site_window(w, period)), key=lambda w: w["worker_id"])


def worker_flags(
    supplier_id: str,
    workers: Sequence[Mapping[str, Any]],
    contracts: Mapping[str, Mapping[str, Any]],
    period: Period,
    rule: WorkforceRule,
    attendance: Sequence[Mapping[str, Any]] = (),
) -> list[Flag]:
    """Onboarding, protection and working-time checks over one supplier's workers on site in `period`."""
    present = on_site(workers, period)
    out: list[Flag] = []
    overtime = {a["worker_id"]: Decimal(a.get("overtime_hours") or 0) for a in attendance if a["period"] == period.code}
    no_health = [w for w in present if w.get("health_check_passed") is not True]
    if no_health:
        out.append(_flag("worker_health_check", "high", supplier_id, no_health))
    no_background = [w for w in present if w.get("background_check_passed") is not True]
    if no_background:
        out.append(_flag("worker_background_check", "high", supplier_id, no_background))
    untrained = [
        w for w in present if not w.get("safety_training_date") or w["safety_training_date"] > w["onboard_date"]
    ]
    if untrained:
        out.append(_flag("worker_safety_training", "high", supplier_id, untrained))
    under, minors = [], []
    for w in present:
        first = on_site_window(w, period)[0]
        age = age_on(w["id_number"], first)
        if age is None:
            continue
        if age < rule.min_age:
            under.append(w)
        elif age < rule.adult_age:
            minors.append(w)
    if under:
        out.append(_flag("worker_under_age", "critical", supplier_id, under, min_age=rule.min_age))
    if minors:
        out.append(_flag("worker_minor", "medium", supplier_id, minors, min_age=rule.min_age, adult_age=rule.adult_age))
    minor_overtime = [w for w in minors + under if overtime.get(w["worker_id"], 0) > 0]
    if minor_overtime:
        out.append(_flag("worker_minor_overtime", "high", supplier_id, minor_overtime))
    too_much = [w for w in present if overtime.get(w["worker_id"], 0) > rule.max_overtime_hours]
    if too_much:
        out.append(_flag("worker_overtime", "medium", supplier_id, too_much, limit=rule.max_overtime_hours))
    long_temporary = []
    for w in present:
        contract = contracts.get(w["contract_no"])
        if contract is None or contract["contract_type"] != DISPATCH or w.get("post_nature") != "temporary":
            continue
        until = min(last_day(w) or period.end, period.end)
        if until > add_months(first_day(w), rule.temporary_post_max_months) - dt.timedelta(days=1):
            long_temporary.append(w)
    if long_temporary:
        out.append(
            _flag(
                "dispatch_temporary_too_long",
                "high",
                supplier_id,
                long_temporary,
                months=rule.temporary_post_max_months,
            )
        )
    return out


def double_rostered(workers: Sequence[Mapping[str, Any]], period: Period) -> dict[str, list[Flag]]:
    """Supplier ID -> flags for people (by ID number) on two suppliers' rosters at the same time."""
    by_person: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for w in workers:
        if on_site_window(w, period):
            by_person[w["id_number"]].append(w)
    found: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    others: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for rows in by_person.values():
        if len({w["supplier_id"] for w in rows}) < 2:
            continue
        for a in rows:
            for b in rows:
                if a["supplier_id"] == b["supplier_id"] or not _overlap(a, b):
                    continue
                if a not in found[a["supplier_id"]]:
                    found[a["supplier_id"]].append(a)
                others[(a["supplier_id"], a["worker_id"])].append(b)
    out: dict[str, list[Flag]] = {}
    for rows in by_person.values():  # one person under two worker IDs of the same supplier
        for a in rows:
            twins = [
                b
                for b in rows
                if b is not a
                and b["supplier_id"] == a["supplier_id"]
                and _overlap(a, b)
                and b["worker_id"] > a["worker_id"]
            ]
            for b in twins:
                out.setdefault(a["supplier_id"], []).append(
                    Flag(
                        "worker_listed_twice",
                        "high",
                        a["supplier_id"],
                        {
                            "workers": [a["worker_id"], b["worker_id"]],
                            "masked_id": masked_id(a),
                            "first": a["worker_id"],
                            "second": b["worker_id"],
                        },
                    )
                )
    for sid, rows in found.items():
        rows.sort(key=lambda w: w["worker_id"])
        rosters = [
            {
                "worker_id": w["worker_id"],
                "masked_id": masked_id(w),
                "others": sorted({o["supplier_id"] for o in others[(sid, w["worker_id"])]}),
            }
            for w in rows
        ]
        out.setdefault(sid, []).append(
            Flag(
                "worker_on_two_rosters",
                "high",
                sid,
                {"count": len(rows), "workers": [w["worker_id"] for w in rows], "rosters": rosters},
            )
        )
    return out


def _overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    far = dt.date.max
    return first_day(a) <= (last_day(b) or far) and first_day(b) <= (last_day(a) or far)


@dataclass(frozen=True)
class DispatchRatio:
    dispatched: int  # distinct people on dispatch contracts on the period's last day
    direct: int | None  # the company's own employees (configuration)
    limit_pct: Decimal

    @property
    def total(self) -> int | None:
        return None if self.direct is None else self.direct + self.dispatched

    @property
    def pct(self) -> Decimal | None:
        total = self.total
        return None if not total else Decimal(self.dispatched) * 100 / total

    @property
    def allowed(self) -> int | None:
        """The most dispatched workers the limit allows with today's direct headcount:
        d ≤ (D + d) × p  ⇔  d ≤ D × p / (1 − p)."""
        if self.direct is None:
            return None
        p = self.limit_pct / 100
        return int((Decimal(self.direct) * p / (1 - p)).to_integral_value(rounding="ROUND_FLOOR"))

    @property
    def exceeded(self) -> bool:
        total = self.total
        return total is not None and Decimal(self.dispatched) * 100 > total * self.limit_pct


def dispatch_ratio(
    workers: Sequence[Mapping[str, Any]],
    contracts: Mapping[str, Mapping[str, Any]],
    period: Period,
    rule: WorkforceRule,
) -> DispatchRatio:
    people = {
        w["id_number"]
        for w in workers
        if contracts.get(w["contract_no"], {}).get("contract_type") == DISPATCH
        and first_day(w) <= period.end
        and (last_day(w) is None or last_day(w) >= period.end)
    }
    return DispatchRatio(len(people), rule.direct_headcount, rule.dispatch_limit_pct)


def dispatch_ratio_flag(ratio: DispatchRatio, period: Period) -> Flag | None:
    if not ratio.exceeded:
        return None
    return Flag(
        "dispatch_ratio",
        "high",
        None,
        {
            "date": period.end.isoformat(),
            "dispatched": ratio.dispatched,
            "direct": ratio.direct,
            "pct": ratio.pct,
            "limit": ratio.limit_pct,
            "allowed": ratio.allowed,
        },
    )


def attendance_missing_flag(supplier_id: str, contract: Mapping[str, Any], present: int) -> Flag:
    return Flag(
        "attendance_missing", "medium", supplier_id, {"contract_no": contract["contract_no"], "present": present}
    )


def sort_flags(flags: Iterable[Flag]) -> list[Flag]:
    return sorted(flags, key=lambda f: (SEVERITY_ORDER[f.severity], f.code))
