"""The month's results for every evaluated supplier: pure functions over validated records
and, for earlier periods no longer in the inputs, the history store's recorded results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.compute.appeals import Decision, decisions_in, incident_share, struck_out
from pipeline.compute.consequences import Action, PastNotice, Remedy, decide, suggested_status
from pipeline.compute.followup import LOOKBACK_MONTHS, FollowUp, FollowUpInputs, deadline_function, plan_states
from pipeline.compute.pricing import pending_flag, pricing_flags
from pipeline.compute.risk import Flag, portfolio_flags, supplier_flags
from pipeline.compute.scoring import ScoreCard, score_evaluation
from pipeline.compute.settlement import Settlement, settle_supplier
from pipeline.compute.trend import Point, multi_period_score
from pipeline.compute.workforce import (
    DispatchRatio,
    attendance_missing_flag,
    dispatch_ratio,
    dispatch_ratio_flag,
    double_rostered,
    on_site,
    sort_flags,
    worker_flags,
)
from pipeline.config.policy import Policy
from pipeline.periods import Period


@dataclass(frozen=True)
class PastResult:
    """One supplier's result for one period as the history store recorded it."""

    period: str
    supplier_id: str
    rated: bool
    score: Decimal | None
    grade: str | None
    penalties: Decimal | None
    rewards: Decimal | None
    payable: Decimal | None
    kpis: dict[str, Any]
    incidents: list[dict[str, Any]]
    name_zh: str = ""
    name_en: str = ""
    category: str = ""
    actions: tuple[str, ...] = ()  # the notices the period's run issued (warning_letter, …)


@dataclass(frozen=True)
class SupplierMonth:
    supplier: Mapping[str, Any]
    evaluation: Mapping[str, Any]
    card: ScoreCard
    previous: ScoreCard | None  # the previous period's card when its evaluation is in the inputs
    incidents: tuple[Mapping[str, Any], ...]
    contracts: tuple[Mapping[str, Any], ...]
    settlements: tuple[Settlement, ...]  # one per currency, the base currency first; () without a contract in force
    points: tuple[Point, ...] = ()  # every recorded period up to this one, oldest first
    trend_score: Decimal | None = None
    flags: tuple[Flag, ...] = ()
    actions: tuple[Action, ...] = ()
    status_change: tuple[str, str, Action] | None = None
    workers_on_site: int = 0  # roster rows on site during the period
    evaluated: bool = True  # False: contracts in force but no evaluation row; settled, not rated
    follow_up: FollowUp = FollowUp()  # surveys, inspections and improvement plans of the period
    appeals: tuple[Decision, ...] = ()  # appeals decided this period, with what each gives back

    @property
    def supplier_id(self) -> str:
        return self.supplier["supplier_id"]

    @property
    def settlement(self) -> Settlement | None:
        """The settlement in the supplier's first currency (the one penalties and rewards sit on);
        `settlements` has every currency."""
        return self.settlements[0] if self.settlements else None

    def point(self, period: Period) -> Point | None:
        return next((p for p in self.points if p.period == period), None)


@dataclass(frozen=True)
class MonthResult:
    period: Period
    suppliers: tuple[SupplierMonth, ...]
    unevaluated: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)  # approved, no evaluation
    portfolio_flags: tuple[Flag, ...] = ()
    dispatch: DispatchRatio | None = None  # when a roster was read

    def by_grade(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.suppliers:
            key = s.card.band.grade if s.card.rated else "—"
            counts[key] = counts.get(key, 0) + 1
        return counts

    def all_flags(self) -> list[Flag]:
        return [f for s in self.suppliers for f in s.flags] + list(self.portfolio_flags)


def latest_period(evaluations: Sequence[Mapping[str, Any]]) -> Period | None:
    periods = sorted({Period.parse(e["period"]) for e in evaluations})
    return periods[-1] if periods else None


def timelines(
    evaluations: Sequence[Mapping[str, Any]], past: Sequence[PastResult], policy: Policy, until: Period
) -> dict[str, list[Point]]:
    """Per supplier, each recorded period up to `until`: scored from the inputs where its evaluation
    is there, else as the history store recorded it."""
    points: dict[str, dict[Period, Point]] = {}
    for r in past:
        p = Period.parse(r.period)
        if p <= until:
            points.setdefault(r.supplier_id, {})[p] = Point(
                p, r.score if r.rated else None, r.grade if r.rated else None
            )
    for e in evaluations:
        p = Period.parse(e["period"])
        if p <= until:
            card = score_evaluation(e, policy)
            points.setdefault(e["supplier_id"], {})[p] = Point(p, card.total, card.band.grade if card.rated else None)
    return {sid: [by[p] for p in sorted(by)] for sid, by in points.items()}


def contract_remedy() -> Remedy:
    """The remedy periods of the shipped contract settings (improvement plan, cure period)."""
    from pipeline.config.contract_terms import load_terms

    d = load_terms().defaults
    return Remedy(int(d.get("improvement_plan_working_days", 10)), int(d["cure_days"]))


def contract_dispatch_damages() -> Mapping[str, Decimal]:
    """The dispatch agreement's rates for the agency's own breaches (schemas/contract_terms.yaml
    dispatch_damages), the ones its clause on liquidated damages states."""
    from pipeline.config.contract_terms import load_terms

    return load_terms().dispatch_damages


class _NoticeHistory:
    """Each supplier's notices of earlier periods, for escalation: as the history store recorded
    them where a run of that period is recorded, else decided again from the inputs' evaluations
    and incidents of that period (so a first run over several months' inputs escalates too)."""

    def __init__(self, records, suppliers, lines, past, policy: Policy, remedy: Remedy, follow: FollowUpInputs):
        self.records, self.suppliers, self.lines, self.policy, self.remedy = records, suppliers, lines, policy, remedy
        self.recorded = {(r.supplier_id, r.period): r.actions for r in past}
        self.memo: dict[tuple[str, Period], tuple[str, ...]] = {}
        self.follow = follow
        self.deadline_of = deadline_function(remedy.plan_working_days, policy.calendar)

    def follow_up(self, sid: str, period: Period, actions: tuple[str, ...] = ()) -> FollowUp:
        """The supplier's surveys and inspections of the period and its plans as of the period's last
        day, against the notices of the last LOOKBACK_MONTHS periods (and `actions`, this period's)."""
        notices, p = [(period, a) for a in actions], period
        for _ in range(LOOKBACK_MONTHS):
            p = p.previous()
            notices += [(p, a) for a in self.issued(sid, p)]
        expected = self.follow.expectations(sid, notices, self.deadline_of, period)
        return FollowUp(
            inspections=self.follow.inspections_in(sid, period),
            plans=plan_states(expected, self.follow.plans_of(sid), period, self.follow.by_id),
        )

    def before(self, sid: str, period: Period) -> list[PastNotice]:
        out, p = [], period
        for _ in range(max(self.policy.escalation.within_months - 1, 0)):
            p = p.previous()
            out += [PastNotice(p, a) for a in self.issued(sid, p)]
        return out

    def issued(self, sid: str, period: Period) -> tuple[str, ...]:
        if (sid, period.code) in self.recorded:
            return self.recorded[(sid, period.code)]
        if (sid, period) not in self.memo:
            self.memo[(sid, period)] = ()  # (no cycle: earlier periods only)
            point = next((pt for pt in self.lines.get(sid, []) if pt.period == period), None)
            if point is None or sid not in self.suppliers:
                return ()
            incidents = [
                i
                for i in self.records["incidents"]
                if i["supplier_id"] == sid and period.contains(dt.date.fromisoformat(i["date"]))
            ]
            points = [pt for pt in self.lines[sid] if pt.period <= period]
            actions = decide(
                self.suppliers[sid],
                point.grade,
                points,
                period,
                incidents,
                self.policy,
                self.before(sid, period),
                self.remedy,
                self.follow_up(sid, period),
            )
            self.memo[(sid, period)] = tuple(a.action for a in actions) + tuple(
                "exit_review" for a in actions if a.rule.exit_review
            )
        return self.memo[(sid, period)]


def _charged(
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    policy: Policy,
    appeals: Sequence[Mapping[str, Any]],
    sid: str,
    contracts: Sequence[Mapping[str, Any]],
    items: Sequence[Mapping[str, Any]],
    contract_nos: set[str],
    incident: Mapping[str, Any],
    dispatch_damages: Mapping[str, Decimal],
) -> Decimal:
    """What an incident cost in its own month: that month's settlement recomputed from the records
    (its share of the liquidated damages after that month's cap)."""
    month = Period.parse(incident["date"][:7])
    struck = struck_out(appeals, month.end)
    incidents = [
        i
        for i in records["incidents"]
        if i["supplier_id"] == sid
        and month.contains(dt.date.fromisoformat(i["date"]))
        and i["incident_id"] not in struck
    ]
    volumes = [
        v for v in records.get("work_volume", []) if v["period"] == month.code and v["contract_no"] in contract_nos
    ]
    settled = settle_supplier(
        sid, contracts, items, incidents, None, policy, month, work_volume=volumes, dispatch_damages=dispatch_damages
    )
    return incident_share(settled[0].lines, incident["incident_id"]) if settled else Decimal(0)


def compute_month(
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    policy: Policy,
    period: Period,
    past: Sequence[PastResult] = (),
    held: frozenset[str] = frozenset(),
    carried: Mapping[str, Mapping[str, Decimal]] | None = None,
    remedy: Remedy | None = None,
    dispatch_damages: Mapping[str, Decimal] | None = None,
) -> MonthResult:
    """The month's results. `held`: suppliers whose evaluation row of the period was rejected;
    they wait for it (no documents) instead of being settled as not evaluated. `carried`: by
    supplier and currency, deductions the previous settlement could not absorb (a receivable
    set off against this one). `remedy`: the contract's remedy periods, `dispatch_damages` the
    dispatch agreement's rates for the agency's own breaches (schemas/contract_terms.yaml when
    not given)."""
    carried = carried or {}
    remedy = remedy or contract_remedy()
    damages = contract_dispatch_damages() if dispatch_damages is None else dispatch_damages
    suppliers = {s["supplier_id"]: s for s in records["suppliers"]}
    follow = FollowUpInputs(records, policy)
    # as scored: a blank satisfaction from the surveys, the inspection pass rate where the policy scores it
    scored = [follow.effective(e) for e in records["evaluations"]]
    originals = {(e["supplier_id"], e["period"]): e for e in records["evaluations"]}
    evaluations = [e for e in scored if e["period"] == period.code]
    previous = {e["supplier_id"]: e for e in scored if e["period"] == period.previous().code}
    lines = timelines(scored, past, policy, period)
    all_contracts = {c["contract_no"]: c for c in records["contracts"]}
    workers = records.get("workers", [])
    attendance = [a for a in records.get("attendance", []) if a["period"] == period.code]
    volume_of: dict[str, list] = {}  # accepted work volume of the period, by contract
    for v in records.get("work_volume", []):
        if v["period"] == period.code:
            volume_of.setdefault(v["contract_no"], []).append(v)
    workers_of: dict[str, list] = {}
    for w in workers:
        workers_of.setdefault(w["supplier_id"], []).append(w)
    attendance_of: dict[str, list] = {}  # by worker: each supplier's rows found once, not by a scan per supplier
    for a in attendance:
        attendance_of.setdefault(a["worker_id"], []).append(a)
    twice = double_rostered(workers, period)
    appeals = records.get("appeals", [])
    struck = struck_out(appeals, period.end)  # incidents an upheld appeal no longer lets count
    incident_by_id = {i["incident_id"]: i for i in records["incidents"]}
    earlier_notices = _NoticeHistory(records, suppliers, lines, past, policy, remedy, follow)
    results = []
    evaluated_ids = {e["supplier_id"] for e in evaluations}
    # A supplier with a contract in force but no evaluation row is still paid for the month
    # (the office pays monthly): settled on the contract, not rated, so it earns no reward.
    in_force = sorted(
        {
            c["supplier_id"]
            for c in records["contracts"]
            if c["start_date"] <= period.end.isoformat()
            and c["end_date"] >= period.start.isoformat()
            and c["supplier_id"] in suppliers
        }
        - evaluated_ids
        - held
    )
    months = [(e, True) for e in evaluations] + [
        ({"supplier_id": sid, "period": period.code}, False) for sid in in_force
    ]
    # indexed once by supplier and contract: a scan of every record per supplier grows with
    # suppliers x records (issue 23); the order within each supplier is the records' order
    incidents_of: dict[str, list] = {}
    for i in records["incidents"]:
        if i["incident_id"] not in struck and period.contains(dt.date.fromisoformat(i["date"])):
            incidents_of.setdefault(i["supplier_id"], []).append(i)
    contracts_of: dict[str, list] = {}
    for c in records["contracts"]:
        contracts_of.setdefault(c["supplier_id"], []).append(c)
    holders: dict[str, set] = {}
    for c in records["contracts"]:
        holders.setdefault(c["contract_no"], set()).add(c["supplier_id"])
    items_of: dict[str, list] = {}
    for i in records["contract_items"]:
        for holder in holders.get(i["contract_no"], ()):
            items_of.setdefault(holder, []).append(i)
    for evaluation, was_evaluated in sorted(months, key=lambda pair: pair[0]["supplier_id"]):
        sid = evaluation["supplier_id"]
        card = score_evaluation(evaluation, policy)
        incidents = tuple(incidents_of.get(sid, ()))
        contracts = tuple(contracts_of.get(sid, ()))
        contract_nos = {c["contract_no"] for c in contracts}
        items = list(items_of.get(sid, ()))
        decided = decisions_in(
            appeals,
            incident_by_id,
            sid,
            period,
            lambda incident, sid=sid, contracts=contracts, items=items, nos=contract_nos: _charged(
                records, policy, appeals, sid, contracts, items, nos, incident, damages
            ),
        )
        points = tuple(lines.get(sid, []))
        grade = card.band.grade if card.rated else None
        before = earlier_notices.follow_up(sid, period)
        actions = tuple(
            decide(
                suppliers[sid],
                grade,
                points,
                period,
                incidents,
                policy,
                earlier_notices.before(sid, period),
                remedy,
                before,
            )
        )
        # the plans as the documents show them: this period's notices await theirs
        follow_up = earlier_notices.follow_up(sid, period, tuple(a.action for a in actions))
        if was_evaluated:
            typed = originals.get((sid, period.code), evaluation)  # as typed: was satisfaction left blank?
            follow_up = FollowUp(follow.survey(typed), follow_up.inspections, follow_up.plans)
        roster = workers_of.get(sid, [])
        own = [a for wid in dict.fromkeys(w["worker_id"] for w in roster) for a in attendance_of.get(wid, ())]
        # a supplier under termination is settled, but its payment waits for the set-off
        hold = ("termination",) if any(a.action == "termination_notice" for a in actions) else ()
        settlements = settle_supplier(
            sid,
            contracts,
            items,
            incidents,
            card,
            policy,
            period,
            roster,
            own,
            carried.get(sid),
            hold,
            [v for no in contract_nos for v in volume_of.get(no, ())],
            decided,
            damages,
        )
        flags = supplier_flags(
            suppliers[sid],
            points,
            period,
            incidents,
            [c for c in contracts if c["end_date"] >= period.end.isoformat()],
            policy,
        )
        flags += worker_flags(sid, roster, all_contracts, period, policy.workforce, own) + twice.get(sid, [])
        flags += follow_up.flags(sid)
        for b in (b for st in settlements for b in st.bases):
            flags += pricing_flags(sid, b.contract, b.items)
            if b.pending:
                flags.append(pending_flag(sid, b.contract_no, b.pending))
            present = len(on_site([w for w in roster if w["contract_no"] == b.contract["contract_no"]], period))
            if (
                b.attendance is None
                and present
                and b.items
                and b.contract["contract_type"] in policy.workforce.settle_on_attendance
            ):
                flags.append(attendance_missing_flag(sid, b.contract, present))
        results.append(
            SupplierMonth(
                supplier=suppliers[sid],
                evaluation=evaluation,
                card=card,
                previous=score_evaluation(previous[sid], policy) if sid in previous else None,
                incidents=incidents,
                contracts=contracts,
                settlements=settlements,
                points=points,
                trend_score=multi_period_score(points, period, policy.trend),
                flags=tuple(sort_flags(flags)),
                actions=actions,
                status_change=suggested_status(actions),
                workers_on_site=len(on_site(roster, period)),
                evaluated=was_evaluated,
                follow_up=follow_up,
                appeals=decided,
            )
        )
    evaluated = {r.supplier_id for r in results}
    unevaluated = tuple(
        s for sid, s in sorted(suppliers.items()) if sid not in evaluated and s["status"] in ("approved", "probation")
    )
    active = [r.supplier for r in results if r.supplier["status"] in ("approved", "probation") and r.settlement]
    # concentration compares spend in the base currency only (two currencies are never added)
    base = policy.currencies[0]
    spend = {
        r.supplier_id: sum((st.payable for st in r.settlements if st.currency == base), Decimal(0))
        for r in results
        if r.settlement
    }
    ratio = dispatch_ratio(workers, all_contracts, period, policy.workforce) if workers else None
    extra = [f for f in [dispatch_ratio_flag(ratio, period)] if f] if ratio else []
    return MonthResult(
        period=period,
        suppliers=tuple(results),
        unevaluated=unevaluated,
        portfolio_flags=tuple(portfolio_flags(active, spend, policy)) + tuple(extra),
        dispatch=ratio,
    )
