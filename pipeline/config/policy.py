"""The scoring policy: weights, bands, penalty and reward rules, read from policy.yaml.

Everything the office may want to change without a release lives in the policy file;
this module only checks that it is coherent (schema, weights adding up, bands without
gaps) so that a bad edit stops the run before any document is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from pipeline.config.resources import load_schema
from pipeline.config.schema_errors import findings
from pipeline.config.yamlfile import MAX_BYTES, YamlDocument, parse_yaml
from pipeline.errors import ConfigError
from pipeline.safefiles import open_regular, regular_config

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Kpi:
    field: str
    name_zh: str
    name_en: str
    weight: Decimal
    method: str  # linear | count_deduction
    direction: str | None = None  # higher | lower
    floor: Decimal | None = None
    target: Decimal | None = None
    points_per_unit: Decimal | None = None
    unit: str = "points"


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: Decimal
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class TrendRule:
    method: str = "moving_average"  # moving_average | decay
    window: int = 3
    decay_weights: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))


@dataclass(frozen=True)
class RiskRule:
    expiry_notice_days: tuple[int, ...] = (30, 60, 90)
    permit_renewal_days: int = 60
    score_drop_points: Decimal = Decimal(10)
    contract_ending_days: int = 90
    concentration_pct: Decimal = Decimal(40)
    nda_required_levels: tuple[str, ...] = ("confidential", "restricted")


@dataclass(frozen=True)
class WorkforceRule:
    """劳务外包用工管理. A daily rate is an item's monthly unit price over the period's working
    days (default 21.75, the statutory 月计薪天数; per-month figures override it); an overtime
    hour is a daily rate over `hours_per_day`, times `overtime_rate`."""

    settle_on_attendance: tuple[str, ...] = ("labor_dispatch",)  # pay by attendance is dispatch only
    default_working_days: Decimal = Decimal("21.75")
    working_days_by_period: dict[str, Decimal] = field(default_factory=dict)
    hours_per_day: Decimal = Decimal(8)
    overtime_rate: Decimal = Decimal("1.5")
    direct_headcount: int | None = None  # the company's own employees (用工总量 = direct + dispatched)
    dispatch_limit_pct: Decimal = Decimal(10)  # 《劳务派遣暂行规定》第四条
    temporary_post_max_months: int = 6  # 临时性岗位存续不超过6个月
    min_age: int = 16  # 《禁止使用童工规定》
    adult_age: int = 18  # 16–18: 未成年工, protected work only
    max_overtime_hours: Decimal = Decimal(36)  # a month (《劳动法》第四十一条)
    # a settlement statement lists each worker in Word up to this many; above it the per-worker
    # lines go to an .xlsx annex sent with it (a 5,000-worker annex made a 288-page statement)
    roster_in_word_max: int = 300

    def working_days(self, period_code: str) -> Decimal:
        return self.working_days_by_period.get(period_code, self.default_working_days)


@dataclass(frozen=True)
class SurveyRule:
    """Satisfaction surveys (满意度调查): when an evaluation's satisfaction is blank, the KPI is the
    mean rating of the period's responses, each weighted by its department's weight (1 for a
    department not listed; 0 leaves it out), to 0.01; fewer than `min_responses` responses with a
    weight make the KPI not applicable."""

    min_responses: int = 3
    department_weights: dict[str, Decimal] = field(default_factory=dict)

    def weight(self, department: str) -> Decimal:
        return self.department_weights.get(department, Decimal(1))


# KPI fields that are not typed into the evaluation but derived from other inputs of the month
DERIVED_KPI_FIELDS = {"inspection_pass_rate": "inspections"}  # (checked − failed) / checked


@dataclass(frozen=True)
class ActionRule:
    action: str
    when: dict[str, Any]
    replaces: tuple[str, ...] = ()
    deadline_days: int | None = None
    handover_days: int | None = None
    exit_review: bool = False
    status: dict[str, str] = field(default_factory=dict)
    ground: str | None = None  # the contract clause (schemas/clauses.yaml id) that is the ground for the notice


@dataclass(frozen=True)
class EscalationRule:
    """How repeated notices escalate (退出机制: warning letter → improvement notice → exit review).

    Notices of the last `within_months` periods, this one included, count. The
    `warnings_to_improvement`-th warning within the window is an improvement notice instead; an
    improvement notice whose remedy period ended while the grade stayed low (`review_when_uncured`),
    or the `improvements_to_review`-th improvement notice within the window, brings an exit review
    on the ground termination_uncured. 0 switches a step off."""

    within_months: int = 3
    warnings_to_improvement: int = 2
    improvements_to_review: int = 2
    review_when_uncured: bool = True


@dataclass(frozen=True)
class NoticeCalendar:
    """Public holidays (法定节假日) and make-up working days (调休上班日) for counting working days."""

    holidays: frozenset[str] = frozenset()
    workdays: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Budgets:
    """成本预算: each supplier category's budget for one month, in the base currency; the cost
    analysis compares it with the month's actual (the payable, or the amount net of VAT)."""

    monthly: dict[str, Decimal] = field(default_factory=dict)
    basis: str = "payable"  # payable | tax_exclusive


@dataclass(frozen=True)
class Policy:
    organisation: dict[str, str]
    kpis: tuple[Kpi, ...]
    grades: tuple[GradeBand, ...]  # highest band first
    late_delivery_pct_per_day: Decimal
    per_incident: dict[str, dict[str, Decimal]]
    default_cap_pct: Decimal
    rewards: dict[str, Decimal]  # grade -> pct of monthly fee
    weight_tolerance: Decimal = Decimal("0.01")
    min_applicable_weight: Decimal = Decimal(50)
    explain_top: int = 3
    fee_includes_tax: bool = True
    default_payment_days: int = 30
    currencies: tuple[str, ...] = ("CNY",)  # contracts may be in these; the first is the base currency
    dispatch_vat: str = "difference"  # 差额征税 (财税〔2016〕47号) | general: the whole fee at the contract's rate
    dispatch_vat_rate: Decimal = Decimal("0.05")
    approvers: dict[str, str] = field(default_factory=dict)  # prepared_by, reviewed_by, finance, approved_by
    trend: TrendRule = TrendRule()
    risk: RiskRule = RiskRule()
    actions: tuple[ActionRule, ...] = ()
    escalation: EscalationRule = EscalationRule()
    calendar: NoticeCalendar = NoticeCalendar()
    workforce: WorkforceRule = WorkforceRule()
    budgets: Budgets = Budgets()
    surveys: SurveyRule = SurveyRule()
    meeting_briefs: str = "none"  # none | all | with_items: 供应商沟通会议纪要 with the quarterly review
    sha256: str = ""
    source: str = ""

    def band(self, score: Decimal) -> GradeBand:
        for band in self.grades:
            if score >= band.min:
                return band
        return self.grades[-1]

    def band_named(self, grade: str) -> GradeBand:
        return next(b for b in self.grades if b.grade == grade)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


@dataclass(frozen=True)
class PolicyFile:
    """policy.yaml read and parsed once. Every section is built from this same data: the
    scoring policy here, `selection` by `compute.selection`, `distribution` by
    `distribute.delivery`, `schedule` by `orchestration.schedule`; each checked by its schema."""

    data: Any  # as parsed: a mapping when the file is well formed (the schemas say what is wrong otherwise)
    source: str
    sha256: str
    document: YamlDocument | None = None  # where each value was written, for errors
    text: str = ""  # the file as written (the history store keeps it with each run)
    # a policy the store kept for months already settled: read to score and review them as they
    # were, so the rules that only guard a new settlement (settle_on_attendance) are not applied
    recorded: bool = False

    @classmethod
    def from_text(cls, text: str, source: str, sha256: str) -> PolicyFile:
        """A policy the history store kept (its sha256 is the original file's)."""
        document = parse_yaml(text.encode("utf-8"), source)
        return cls(document.data, source, sha256, document, text, recorded=True)

    @cached_property
    def policy(self) -> Policy:
        return policy_from_dict(
            self.data, source=self.source, sha256=self.sha256, document=self.document, settles=not self.recorded
        )

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name) if isinstance(self.data, Mapping) else None
        return value if isinstance(value, Mapping) else {}


def read_policy(path: str | Path) -> PolicyFile:
    """The one reader of policy.yaml: bytes, checksum and YAML, with a bilingual error naming the file."""
    path = Path(path)
    regular_config(path)  # a link in its place is refused, never followed
    try:
        with open_regular(path) as f:
            raw_bytes = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            "无法读取评分规则文件", f"cannot read the policy file ({exc.strerror})", file=str(path)
        ) from exc
    document = parse_yaml(raw_bytes, str(path))
    text = raw_bytes.decode("utf-8-sig")
    return PolicyFile(document.data, str(path), hashlib.sha256(raw_bytes).hexdigest(), document, text)


def load_policy(path: str | Path) -> Policy:
    """The scoring policy of policy.yaml (every other section is read from the same `PolicyFile`)."""
    return read_policy(path).policy


def policy_from_dict(
    data: Any,
    *,
    source: str = "policy.yaml",
    sha256: str = "",
    document: YamlDocument | None = None,
    settles: bool = True,
) -> Policy:
    validator = Draft202012Validator(load_schema("policy"))
    errors = list(validator.iter_errors(data))
    if errors:
        raise ConfigError(
            "评分规则不符合格式要求",
            "the policy does not match its schema",
            file=source,
            details=findings(errors, document),
        )

    scoring = data.get("scoring", {})
    settlement = data.get("settlement", {})
    kpis = tuple(
        Kpi(
            field=k["field"],
            name_zh=k["name_zh"],
            name_en=k["name_en"],
            weight=_dec(k["weight"]),
            method=k["method"],
            direction=k.get("direction"),
            floor=_dec(k["floor"]) if "floor" in k else None,
            target=_dec(k["target"]) if "target" in k else None,
            points_per_unit=_dec(k["points_per_unit"]) if "points_per_unit" in k else None,
            unit=k.get("unit", "points"),
        )
        for k in data["kpis"]
    )
    grades = tuple(
        sorted(
            (GradeBand(g["grade"], _dec(g["min"]), g["label_zh"], g["label_en"]) for g in data["grades"]),
            key=lambda b: b.min,
            reverse=True,
        )
    )
    policy = Policy(
        organisation={k: str(v) for k, v in data["organisation"].items()},
        kpis=kpis,
        grades=grades,
        late_delivery_pct_per_day=_dec(data["penalties"]["late_delivery_pct_per_day"]),
        per_incident={t: {s: _dec(v) for s, v in sev.items()} for t, sev in data["penalties"]["per_incident"].items()},
        default_cap_pct=_dec(data["penalties"]["default_cap_pct"]),
        rewards={r["grade"]: _dec(r["pct_of_monthly_fee"]) for r in data["rewards"]},
        weight_tolerance=_dec(scoring.get("weight_tolerance", "0.01")),
        min_applicable_weight=_dec(scoring.get("min_applicable_weight", 50)),
        explain_top=int(scoring.get("explain_top", 3)),
        fee_includes_tax=bool(settlement.get("fee_includes_tax", True)),
        default_payment_days=int(settlement.get("default_payment_days", 30)),
        currencies=tuple(settlement.get("currencies", ("CNY",))),
        dispatch_vat=str(settlement.get("dispatch_vat", {}).get("method", "difference")),
        dispatch_vat_rate=_dec(settlement.get("dispatch_vat", {}).get("rate", "0.05")),
        approvers={k: str(v) for k, v in settlement.get("approvers", {}).items()},
        trend=_trend(data.get("trend", {})),
        risk=_risk(data.get("risk", {})),
        actions=tuple(
            ActionRule(
                action=a["action"],
                when=a["when"],
                replaces=tuple(a.get("replaces", [])),
                deadline_days=a.get("deadline_days"),
                handover_days=a.get("handover_days"),
                exit_review=bool(a.get("exit_review", False)),
                status=dict(a.get("status", {})),
                ground=a.get("ground"),
            )
            for a in data.get("actions", [])
        ),
        escalation=EscalationRule(**data.get("escalation", {})),
        calendar=NoticeCalendar(
            frozenset(data.get("notices", {}).get("holidays", ())),
            frozenset(data.get("notices", {}).get("workdays", ())),
        ),
        workforce=_workforce(data.get("workforce", {})),
        surveys=SurveyRule(
            min_responses=int(data.get("surveys", {}).get("min_responses", SurveyRule.min_responses)),
            department_weights={
                str(k): _dec(v) for k, v in (data.get("surveys", {}).get("department_weights") or {}).items()
            },
        ),
        budgets=Budgets(
            {k: _dec(v) for k, v in data.get("budgets", {}).get("monthly", {}).items()},
            data.get("budgets", {}).get("basis", "payable"),
        ),
        meeting_briefs=str(data.get("review", {}).get("meeting_briefs", "none")),
        sha256=sha256,
        source=source,
    )
    problems = coherence_problems(policy) + (settlement_problems(policy) if settles else [])
    if problems:
        raise ConfigError("评分规则前后矛盾", "the policy is inconsistent", file=source, details=problems)
    return policy


def _trend(raw: dict) -> TrendRule:
    default = TrendRule()
    weights = tuple(_dec(w) for w in raw.get("decay_weights", default.decay_weights))
    return TrendRule(
        method=raw.get("method", default.method), window=int(raw.get("window", default.window)), decay_weights=weights
    )


def _risk(raw: dict) -> RiskRule:
    d = RiskRule()
    return RiskRule(
        expiry_notice_days=tuple(sorted(int(x) for x in raw.get("expiry_notice_days", d.expiry_notice_days))),
        permit_renewal_days=int(raw.get("permit_renewal_days", d.permit_renewal_days)),
        score_drop_points=_dec(raw.get("score_drop_points", d.score_drop_points)),
        contract_ending_days=int(raw.get("contract_ending_days", d.contract_ending_days)),
        concentration_pct=_dec(raw.get("concentration_pct", d.concentration_pct)),
        nda_required_levels=tuple(raw.get("nda_required_levels", d.nda_required_levels)),
    )


def _workforce(raw: dict) -> WorkforceRule:
    d = WorkforceRule()
    days = raw.get("working_days", {})
    overtime = raw.get("overtime", {})
    return WorkforceRule(
        settle_on_attendance=tuple(raw.get("settle_on_attendance", d.settle_on_attendance)),
        default_working_days=_dec(days.get("default", d.default_working_days)),
        working_days_by_period={str(k): _dec(v) for k, v in (days.get("periods") or {}).items()},
        hours_per_day=_dec(overtime.get("hours_per_day", d.hours_per_day)),
        overtime_rate=_dec(overtime.get("rate", d.overtime_rate)),
        direct_headcount=raw.get("direct_headcount", d.direct_headcount),
        dispatch_limit_pct=_dec(raw.get("dispatch_limit_pct", d.dispatch_limit_pct)),
        temporary_post_max_months=int(raw.get("temporary_post_max_months", d.temporary_post_max_months)),
        min_age=int(raw.get("min_age", d.min_age)),
        adult_age=int(raw.get("adult_age", d.adult_age)),
        max_overtime_hours=_dec(raw.get("max_overtime_hours", d.max_overtime_hours)),
        roster_in_word_max=int(raw.get("roster_in_word_max", d.roster_in_word_max)),
    )


def settlement_problems(policy: Policy) -> list[str]:
    """Rules that guard a month about to be settled (a policy the store kept for months already
    settled is read without them)."""
    problems = []
    for ctype in policy.workforce.settle_on_attendance:
        if ctype != "labor_dispatch":
            problems.append(
                f"workforce.settle_on_attendance 不能包含 {ctype}：按出勤天数、加班计酬只适用于劳务派遣；劳务外包和外包服务"
                "按工作成果（固定费用或验收工作量）结算，按人头和考勤结算会被认定为“假外包、真派遣”（劳动合同法第九十二条）"
                f" / workforce.settle_on_attendance cannot list {ctype}: pay by days worked and overtime belongs to labour "
                "dispatch only; outsourcing is settled on results (a fixed fee or the accepted work volume), and paying it "
                "by headcount and attendance is what gets it treated as disguised dispatch (Labour Contract Law §92)"
            )
    return problems


def coherence_problems(policy: Policy) -> list[str]:
    """Rules a schema cannot express: sums, orderings, references between sections."""
    problems: list[str] = []
    total = sum((k.weight for k in policy.kpis), Decimal(0))
    if abs(total - HUNDRED) > policy.weight_tolerance:
        problems.append(f"KPI权重合计为{total}，应为100 / KPI weights add up to {total}, not 100")
    fields = [k.field for k in policy.kpis]
    for dup in sorted({f for f in fields if fields.count(f) > 1}):
        problems.append(f"指标重复：{dup} / KPI listed twice: {dup}")
    evaluation_fields = set(load_schema("evaluations")["properties"])
    for k in policy.kpis:
        if k.field not in evaluation_fields and k.field not in DERIVED_KPI_FIELDS:
            problems.append(f"指标字段{k.field}不是绩效评估表的字段 / KPI field {k.field} is not an evaluations field")
        if k.method == "linear" and k.floor is not None and k.target is not None:
            if k.floor == k.target:
                problems.append(f"{k.field}: 零分线与目标值相同 / floor equals target")
            elif (k.direction == "higher") != (k.target > k.floor):
                problems.append(
                    f"{k.field}: 方向为{k.direction}时目标值应{'高' if k.direction == 'higher' else '低'}于零分线 / "
                    f"with direction {k.direction} the target must be {'above' if k.direction == 'higher' else 'below'} the floor"
                )
    names = [b.grade for b in policy.grades]
    for dup in sorted({g for g in names if names.count(g) > 1}):
        problems.append(f"评级重复：{dup} / grade listed twice: {dup}")
    mins = [b.min for b in policy.grades]
    if len(set(mins)) != len(mins):
        problems.append("两个评级的下限相同 / two grade bands share the same minimum")
    if policy.grades and policy.grades[-1].min != 0:
        problems.append(
            f"最低评级下限为{policy.grades[-1].min}，0分至该分数之间无评级 / the lowest band starts at "
            f"{policy.grades[-1].min}, leaving scores below it without a grade (it must start at 0)"
        )
    for rule in policy.actions:
        for key in ("grade", "grade_run"):
            wanted = rule.when.get(key)
            grades = wanted if key == "grade" else (wanted or {}).get("grades", []) if wanted else []
            for grade in grades or []:
                if grade not in names:
                    problems.append(
                        f"处置规则{rule.action}引用了不存在的评级{grade} / action {rule.action} names grade {grade}, which no band defines"
                    )
    if policy.workforce.min_age >= policy.workforce.adult_age:
        problems.append(
            f"workforce: 最低用工年龄{policy.workforce.min_age}应小于成年年龄{policy.workforce.adult_age} / "
            f"min_age must be below adult_age"
        )
    for grade in policy.rewards:
        if grade not in names:
            problems.append(f"奖励规则引用了不存在的评级{grade} / a reward names grade {grade}, which no band defines")
    return problems
