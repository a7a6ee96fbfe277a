"""Supplier selection (供应商选择与准入): admission gates, then a weighted comparison.

The source regulations ask for explicit criteria (reputation, experience, skills, finance),
background checks and certificates, a site inspection, and an evaluation form that compares
candidates so the most suitable one is chosen and a back-up (备选供应商) is kept. Here:

* the `selection:` section of policy.yaml (schema `$defs/selection` in policy.schema.json)
  gives criteria with weights adding up to 100, how each raw value maps to 0-100, and the
  gates in force; it is read from the raw YAML so the monthly `Policy` is untouched;
* a candidate failing a gate is shown with the gate it failed and is not ranked;
* candidates are ranked on their exact weighted totals Σ weight × score ÷ 100 (rounding is
  for display only: scores and totals are shown half-up to 0.01); two candidates tie only
  when their exact totals are equal, and then the higher technical score, then the lower
  quote, then the supplier ID decide. Where two totals look equal to 0.01 but are not, the
  report shows them with as many decimals as it takes to see which is higher.

Plain functions over plain data; documents and Prefect live elsewhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from pipeline.compute import codes
from pipeline.config.policy import PolicyFile, read_policy
from pipeline.config.resources import load_schema
from pipeline.config.schema_errors import findings
from pipeline.config.yamlfile import YamlDocument
from pipeline.errors import ConfigError, Issue, UnknownEvent, display_value

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)

# Fields a candidate row may carry about itself; they win over the supplier master's, because
# they are what the panel checked for this event (a renewed licence, a new permit).
IDENTITY_FIELDS = (
    "name_zh",
    "name_en",
    "uscc",
    "category",
    "license_expiry",
    "dispatch_permit_no",
    "dispatch_permit_expiry",
)

# Gates in the order they are checked and shown. The last one needs the total, so it is
# checked after scoring; the others decide which quotes are "valid" for price scoring.
GATES: tuple[tuple[str, str, str], ...] = (
    ("business_licence", "营业执照", "Business licence"),
    ("dispatch_permit", "劳务派遣许可", "Dispatch permit"),
    ("background_check", "背景调查", "Background check"),
    ("site_inspection", "现场考察", "Site inspection"),
    ("blacklist", "黑名单", "Blacklist"),
    ("min_total_score", "最低总分", "Minimum score"),
)
GATE_NAMES = {key: (zh, en) for key, zh, en in GATES}
ADMISSION_GATES = tuple(key for key, _, _ in GATES if key != "min_total_score")

TIE_RULE_ZH = (
    "按未经四舍五入的加权总分排序（表中显示保留两位小数）；总分完全相同时，依次比较：①技术能力得分高者排前；"
    "②报价低者排前；③仍相同的，按供应商编号顺序排列，并提请评审小组复核。"
)
TIE_RULE_EN = (
    "Candidates are ranked on their exact weighted totals (shown to 0.01); where exact totals are "
    "equal, the tie is broken by: (1) the higher technical score; (2) the lower quoted price; "
    "(3) if still equal, supplier ID order, and the panel is asked to review."
)


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


# --------------------------------------------------------------------------- policy


@dataclass(frozen=True)
class Criterion:
    field: str
    name_zh: str
    name_en: str
    weight: Decimal
    method: str  # given | price_relative | linear
    start: Decimal | None = None  # linear: this raw value scores 0 …
    end: Decimal | None = None  # … and this one 100 (either direction)

    def method_text(self) -> tuple[str, str]:
        """How the raw value becomes 0-100, as the report states it."""
        if self.method == "price_relative":
            return (
                "最低有效报价得100分，其余得分 = 最低有效报价 ÷ 本方报价 × 100",
                "lowest valid quote = 100; others = lowest valid quote ÷ own quote × 100",
            )
        if self.method == "linear":
            a, b = plain_number(self.start), plain_number(self.end)
            return (
                f"线性换算：{a}分及以{'下' if self.end > self.start else '上'}得0分，"
                f"{b}分及以{'上' if self.end > self.start else '下'}得100分",
                f"linear: {a} or {'less' if self.end > self.start else 'more'} scores 0, "
                f"{b} or {'more' if self.end > self.start else 'less'} scores 100",
            )
        return "评审小组打分（0–100），按原分计入", "panel score (0–100), taken as given"


@dataclass(frozen=True)
class BlacklistEntry:
    uscc: str | None
    supplier_id: str | None
    name_zh: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class SelectionPolicy:
    organisation: dict[str, str]
    criteria: tuple[Criterion, ...]
    gates: dict[str, bool]
    min_total: Decimal | None
    blacklist: tuple[BlacklistEntry, ...]
    blacklist_statuses: tuple[str, ...]
    currency: str = "CNY"
    weight_tolerance: Decimal = CENT
    source: str = ""
    sha256: str = ""

    def criterion(self, field_name: str) -> Criterion | None:
        return next((c for c in self.criteria if c.field == field_name), None)

    def gate_on(self, key: str) -> bool:
        if key == "min_total_score":
            return self.min_total is not None
        return self.gates.get(key, True)


def plain_number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def load_selection_policy(path: str | Path) -> SelectionPolicy:
    """The `selection:` section of the policy file, checked before anything is read."""
    return selection_policy(read_policy(path))


def selection_policy(policy_file: PolicyFile) -> SelectionPolicy:
    """The `selection:` section of an already-read policy file."""
    return selection_policy_from_dict(
        policy_file.data, source=policy_file.source, sha256=policy_file.sha256, document=policy_file.document
    )


def selection_policy_from_dict(
    data: Any, *, source: str = "policy.yaml", sha256: str = "", document: YamlDocument | None = None
) -> SelectionPolicy:
    if not isinstance(data, dict) or not isinstance(data.get("selection"), dict):
        raise ConfigError(
            "评分规则文件中没有 selection（供应商选择）部分：请添加评审标准、权重和准入条件",
            "the policy file has no selection section: add the criteria, weights and gates",
            file=source,
        )
    section = data["selection"]
    validator = Draft202012Validator(load_schema("policy")["$defs"]["selection"])
    errors = list(validator.iter_errors(section))
    if errors:
        raise ConfigError(
            "评分规则中的 selection（供应商选择）部分不符合格式要求",
            "the selection section of the policy does not match its schema",
            file=source,
            details=findings(errors, document, prefix=("selection",)),
        )
    criteria = tuple(
        Criterion(
            field=c["field"],
            name_zh=c["name_zh"],
            name_en=c["name_en"],
            weight=_dec(c["weight"]),
            method=c["method"],
            start=_dec(c["from"]) if "from" in c else None,
            end=_dec(c["to"]) if "to" in c else None,
        )
        for c in section["criteria"]
    )
    gates = section.get("gates") or {}
    min_total = gates.get("min_total_score")
    organisation = data.get("organisation") if isinstance(data.get("organisation"), dict) else {}
    tolerance = (
        (data.get("scoring") or {}).get("weight_tolerance", "0.01") if isinstance(data.get("scoring"), dict) else "0.01"
    )
    policy = SelectionPolicy(
        organisation={k: str(v) for k, v in organisation.items()},
        criteria=criteria,
        gates={k: bool(gates.get(k, True)) for k in ADMISSION_GATES},
        min_total=_dec(min_total) if min_total is not None else None,
        blacklist=tuple(
            BlacklistEntry(
                b.get("uscc"),
                b.get("supplier_id"),
                b.get("name_zh", ""),
                b.get("reason_zh", "列入黑名单"),
                b.get("reason_en", "on the blacklist"),
            )
            for b in section.get("blacklist") or []
        ),
        blacklist_statuses=tuple(section.get("blacklist_statuses", ("suspended", "exited"))),
        currency=section.get("currency", "CNY"),
        weight_tolerance=_dec(tolerance),
        source=source,
        sha256=sha256,
    )
    problems = selection_coherence_problems(policy)
    if problems:
        raise ConfigError(
            "评分规则中的 selection（供应商选择）部分前后矛盾",
            "the selection section of the policy is inconsistent",
            file=source,
            details=problems,
        )
    return policy


def selection_coherence_problems(policy: SelectionPolicy) -> list[str]:
    """What a schema cannot say: weights adding up, one row per criterion, usable ranges."""
    problems = []
    total = sum((c.weight for c in policy.criteria), ZERO)
    if abs(total - HUNDRED) > policy.weight_tolerance:
        problems.append(
            f"评选标准权重合计为{plain_number(total)}，应为100 / selection criteria weights add up to {plain_number(total)}, not 100"
        )
    fields = [c.field for c in policy.criteria]
    for dup in sorted({f for f in fields if fields.count(f) > 1}):
        problems.append(f"评选标准重复：{dup} / criterion listed twice: {dup}")
    for c in policy.criteria:
        if c.method == "price_relative" and c.field != "price":
            problems.append(
                f"{c.field}: price_relative 只能用于价格（price）标准 / price_relative applies to the price criterion only"
            )
        if c.method == "linear" and c.start == c.end:
            problems.append(f"{c.field}: 线性换算的 from 与 to 相同 / linear mapping with from equal to to")
        if c.method != "linear" and (c.start is not None or c.end is not None):
            problems.append(f"{c.field}: from/to 只用于 linear 方法 / from/to belong to the linear method only")
    return problems


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class GateResult:
    key: str
    status: str  # pass | fail | na (does not apply) | off (not in force)
    code: str = ""  # the detail: a code of the message catalogue ("" for none) and its facts
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    # compatibility for pipeline/cli.py, until it renders with pipeline.documents.messages.text
    @property
    def detail_zh(self) -> str:
        return codes.render(self.code, self.facts)[0] if self.code else ""

    @property
    def detail_en(self) -> str:
        return codes.render(self.code, self.facts)[1] if self.code else ""


@dataclass(frozen=True)
class Tie:
    """An equal total with a neighbour in the ranking, and what decided the order (a tie_* code and its facts)."""

    other: str
    total: Decimal
    above: bool
    code: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    shown_equal: bool = True  # False: the rounded totals shown even read the other way

    @property
    def sentence_code(self) -> str:
        if not self.shown_equal:
            return "rounded_above" if self.above else "rounded_below"
        return "tie_above" if self.above else "tie_below"

    def sentence(self) -> tuple[str, str]:
        """Compatibility for pipeline/cli.py (Candidate.tie_notes); documents use pipeline.documents.selection."""
        zh, en = codes.render(self.code, self.facts)
        return codes.render(
            self.sentence_code, {"other": self.other, "total": self.total, "reason_zh": zh, "reason_en": en}
        )


@dataclass
class Candidate:
    supplier_id: str
    row: Mapping[str, Any]  # the validated candidates record
    profile: dict[str, Any]  # identity fields: candidate row over supplier master
    in_master: bool
    master_status: str | None
    gates: list[GateResult] = field(default_factory=list)
    scores: dict[str, Decimal] = field(default_factory=dict)  # criterion field -> 0-100, 2 dp (as shown)
    exact_scores: dict[str, Decimal] = field(default_factory=dict)  # the same, unrounded
    total: Decimal = ZERO  # as shown, 2 dp
    exact_total: Decimal = ZERO  # what the ranking compares
    rank: int | None = None
    ties: list[Tie] = field(default_factory=list)

    @property
    def tie_notes(self) -> list[tuple[str, str]]:
        return [t.sentence() for t in self.ties]

    @property
    def quote(self) -> Decimal | None:
        return self.row.get("quoted_price")

    @property
    def admitted(self) -> bool:
        return not any(g.failed for g in self.gates if g.key in ADMISSION_GATES)

    @property
    def failed_gates(self) -> list[GateResult]:
        return [g for g in self.gates if g.failed]

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    def gate(self, key: str) -> GateResult:
        return next(g for g in self.gates if g.key == key)


@dataclass
class EventResult:
    event_id: str
    event_date: str
    title: str | None
    policy: SelectionPolicy
    candidates: list[Candidate]  # ranked first (by rank), then not ranked (by supplier ID)
    benchmark: Decimal | None  # the lowest valid quote, for price_relative
    issues: list[Issue]  # rows of this event left out, and why
    benchmark_valid: bool = True  # False: nobody passed the gates, so the lowest of all quotes
    date_given: bool = True  # False: no row gave the event's date; `event_date` is the run's

    @property
    def ranked(self) -> list[Candidate]:
        return [c for c in self.candidates if c.ranked]

    @property
    def not_ranked(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.ranked]

    @property
    def winner(self) -> Candidate | None:
        return self.ranked[0] if self.ranked else None

    @property
    def backup(self) -> Candidate | None:
        return self.ranked[1] if len(self.ranked) > 1 else None


def event_ids(records: Sequence[Mapping[str, Any]], issues: Sequence[Issue] = ()) -> list[str]:
    found = {r["event_id"] for r in records}
    found |= {i.key.split("/")[0] for i in issues if i.kind == "candidates" and i.key and "/" in i.key}
    return sorted(e for e in found if e)


def _row_issue(
    rec: Any, fld: str, aliases_label: str, zh: str, en: str, value: Any = None, rule: str = "selection"
) -> Issue:
    data = rec.data
    return Issue(
        file=rec.file,
        row=rec.row,
        column=rec.columns.get(fld, aliases_label),
        value=display_value(value if value is not None else data.get(fld)),
        message_zh=zh,
        message_en=en,
        kind="candidates",
        field=fld,
        key=f"{data.get('event_id')}/{data.get('supplier_id')}",
        code="selection",
        sheet=getattr(rec, "sheet", None),
        rule=rule,
    )


def _event_issues(event_id: str, issues: Sequence[Issue]) -> list[Issue]:
    """Rejected input that bears on this event: its own candidate rows, and file-level
    problems of candidates files (their rows could have belonged to it)."""
    out = []
    for i in issues:
        if i.kind != "candidates":
            continue
        # keys are "event/supplier"; a duplicate-key issue carries the supplier ID alone
        if i.key is None or "/" not in i.key or i.key.split("/")[0] in (event_id, "", "None"):
            out.append(i)
    return out


def _event_date(records: Sequence[Any]) -> str | None:
    """The date most rows give (the earliest of equally common ones); None when no row gives one
    (the column is optional: the candidates fields of DESIGN.md have none)."""
    dates = Counter(d for r in records if (d := r.data.get("event_date")))
    return min(dates, key=lambda d: (-dates[d], d)) if dates else None


def check_rows(
    records: Sequence[Any], policy: SelectionPolicy, masters: Mapping[str, Mapping[str, Any]], labels: Mapping[str, str]
) -> tuple[list[Any], list[Issue]]:
    """Rows of one event that can be evaluated; the others become issues (left out whole).
    `records` are validate.Record objects (file, row and columns are needed to report)."""
    kept, issues = [], []
    event_date = _event_date(records)
    for rec in records:
        d = rec.data
        problems = []
        if d.get("event_date") and d["event_date"] != event_date:  # a blank date takes the event's
            problems.append(
                _row_issue(
                    rec,
                    "event_date",
                    labels.get("event_date", "event_date"),
                    f"同一评选的评选日期应一致：本评选其他行为{event_date}",
                    f"all rows of one event must have the same date; the other rows say {event_date}",
                    rule="event_date",
                )
            )
        master = masters.get(d["supplier_id"])
        if master is None:
            for fld, zh, en in (("name_zh", "供应商名称", "name"), ("category", "供应商类别", "category")):
                if not d.get(fld):
                    problems.append(
                        _row_issue(
                            rec,
                            fld,
                            labels.get(fld, fld),
                            f"候选供应商{d['supplier_id']}不在供应商名录中，须填写「{zh}」",
                            f"candidate {d['supplier_id']} is not in the supplier master, so its {en} must be given here",
                            "",
                            rule="required_for_newcomer",
                        )
                    )
        for c in policy.criteria:
            source = "quoted_price" if c.method == "price_relative" else c.field
            if d.get(source) is None:
                what_zh = "报价" if source == "quoted_price" else f"{c.name_zh}得分"
                problems.append(
                    _row_issue(
                        rec,
                        source,
                        labels.get(source, source),
                        f"评审标准「{c.name_zh}」（权重{plain_number(c.weight)}%）需要{what_zh}，本行为空",
                        f"criterion {c.name_en} (weight {plain_number(c.weight)}%) needs {'the quoted price' if source == 'quoted_price' else 'a score'}; it is blank",
                        "",
                        rule="criterion_value",
                    )
                )
        if problems:
            issues.extend(problems)
        else:
            kept.append(rec)
    return kept, issues


def _profile(row: Mapping[str, Any], master: Mapping[str, Any] | None) -> dict[str, Any]:
    base = dict(master or {})
    for fld in IDENTITY_FIELDS:
        if row.get(fld) is not None:
            base[fld] = row[fld]
    base["supplier_id"] = row["supplier_id"]
    return base


def _expired(expiry: str, on: str) -> bool:
    return expiry != "permanent" and expiry < on


def admission_gates(cand: Candidate, policy: SelectionPolicy, event_date: str) -> list[GateResult]:
    p, row = cand.profile, cand.row
    out = []

    def add(key: str, status: str, code: str = "", **facts: Any) -> None:
        out.append(GateResult(key, status if policy.gate_on(key) else "off", code, facts))

    # 营业执照: a USCC on file and a licence in force on the event date
    if not p.get("uscc"):
        add("business_licence", "fail", "gate_no_uscc")
    elif not p.get("license_expiry"):
        add("business_licence", "fail", "gate_no_licence_expiry")
    elif _expired(p["license_expiry"], event_date):
        add("business_licence", "fail", "gate_licence_expired", date=p["license_expiry"])
    elif p["license_expiry"] == "permanent":
        add("business_licence", "pass", "gate_licence_permanent")
    else:
        add("business_licence", "pass", "gate_licence_valid", date=p["license_expiry"])

    # 劳务派遣经营许可证: only a labour-dispatch supplier needs one
    if p.get("category") != "labor_dispatch":
        add("dispatch_permit", "na", "gate_permit_na")
    elif not p.get("dispatch_permit_no") or not p.get("dispatch_permit_expiry"):
        add("dispatch_permit", "fail", "gate_permit_missing")
    elif _expired(p["dispatch_permit_expiry"], event_date):
        add("dispatch_permit", "fail", "gate_permit_expired", date=p["dispatch_permit_expiry"])
    else:
        add(
            "dispatch_permit",
            "pass",
            "gate_permit_valid",
            permit_no=p["dispatch_permit_no"],
            date=p["dispatch_permit_expiry"],
        )

    for key, fld in (("background_check", "background_check_passed"), ("site_inspection", "site_inspection_passed")):
        value = row.get(fld)
        if value is True:
            add(key, "pass", f"gate_{key}_passed")
        elif value is False:
            add(key, "fail", f"gate_{key}_failed")
        else:
            add(key, "fail", f"gate_{key}_missing")

    hit = next(
        (
            b
            for b in policy.blacklist
            if (b.uscc and p.get("uscc") and b.uscc == p["uscc"])
            or (b.supplier_id and b.supplier_id == cand.supplier_id)
        ),
        None,
    )
    if hit is not None:
        add("blacklist", "fail", "gate_blacklisted", reason_zh=hit.reason_zh, reason_en=hit.reason_en)
    elif cand.master_status in policy.blacklist_statuses:
        add("blacklist", "fail", "gate_blacklist_status", master_status=cand.master_status)
    else:
        add("blacklist", "pass", "gate_blacklist_clear")
    return out


def exact_criterion_score(c: Criterion, row: Mapping[str, Any], benchmark: Decimal | None) -> Decimal:
    """0-100, unrounded (the price score of a quote above the benchmark has many decimals)."""
    if c.method == "price_relative":
        quote = row["quoted_price"]
        if benchmark is None or quote <= 0:
            return ZERO
        return min(HUNDRED, benchmark / quote * HUNDRED)
    raw = _dec(row[c.field])
    if c.method == "linear":
        share = (raw - c.start) / (c.end - c.start) * HUNDRED
        return max(ZERO, min(HUNDRED, share))
    return raw


def criterion_score(c: Criterion, row: Mapping[str, Any], benchmark: Decimal | None) -> Decimal:
    """The score as shown: half-up to 0.01."""
    return q2(exact_criterion_score(c, row, benchmark))


def exact_weighted_total(scores: Mapping[str, Decimal], policy: SelectionPolicy) -> Decimal:
    return sum((c.weight * scores[c.field] for c in policy.criteria), ZERO) / HUNDRED


def weighted_total(scores: Mapping[str, Decimal], policy: SelectionPolicy) -> Decimal:
    """The total as shown: the exact total half-up to 0.01."""
    return q2(exact_weighted_total(scores, policy))


def distinguishing(a: Decimal, b: Decimal, at_least: int = 2, at_most: int = 12) -> tuple[str, str]:
    """`a` and `b` with the fewest decimals (at least `at_least`) at which they differ."""
    for places in range(at_least, at_most + 1):
        step = Decimal(1).scaleb(-places)
        ra, rb = a.quantize(step, ROUND_HALF_UP), b.quantize(step, ROUND_HALF_UP)
        if ra != rb:
            return f"{ra:f}", f"{rb:f}"
    return f"{a:f}", f"{b:f}"


def technical_of(c: Candidate) -> Decimal:
    """The tie-break's technical score: the criterion's score as shown, else the raw value."""
    if "technical" in c.scores:
        return c.scores["technical"]
    raw = c.row.get("technical")
    return _dec(raw) if raw is not None else ZERO


def rank_key(c: Candidate) -> tuple:
    quote = c.quote if c.quote is not None else Decimal("Infinity")
    return (-c.exact_total, -technical_of(c), quote, c.supplier_id)


def _tie(first: Candidate, second: Candidate) -> tuple[Tie, Tie]:
    """Why `first` ranks above `second` although their totals look equal, for both rows."""
    t1, t2 = technical_of(first), technical_of(second)
    q1, q2_ = first.quote, second.quote
    if first.exact_total != second.exact_total:  # equal only as shown: the exact totals decide
        own, other = distinguishing(first.exact_total, second.exact_total)
        up = ("tie_exact_higher", {"own": own, "other_score": other})
        down = ("tie_exact_lower", {"own": other, "other_score": own})
    elif t1 != t2:
        up = ("tie_higher_technical", {"own": t1, "other_score": t2})
        down = ("tie_lower_technical", {"own": t2, "other_score": t1})
    elif q1 is not None and q2_ is not None and q1 != q2_:
        up = ("tie_lower_quote", {"own": q1, "other_score": q2_})
        down = ("tie_higher_quote", {"own": q2_, "other_score": q1})
    elif q1 is not None and q2_ is None:
        up, down = ("tie_quoted", {}), ("tie_not_quoted", {})
    else:
        up = down = ("tie_supplier_order", {})
    equal = first.total == second.total
    return (
        Tie(second.supplier_id, first.total, True, *up, shown_equal=equal),
        Tie(first.supplier_id, first.total, False, *down, shown_equal=equal),
    )


def evaluate_event(
    event_id: str,
    records: Sequence[Any],
    masters: Mapping[str, Mapping[str, Any]],
    policy: SelectionPolicy,
    labels: Mapping[str, str] | None = None,
    rejected: Sequence[Issue] = (),
    default_date: str = "",
) -> EventResult:
    """Gates, scores, totals and ranking of one event. `records` are the validated
    candidates records (validate.Record) of every event; `rejected` the validation issues;
    `default_date` the date gates are checked on when no row gives the event's date (the caller
    says which: the core reads no clock)."""
    labels = labels or {}
    mine = [r for r in records if r.data["event_id"] == event_id]
    issues = _event_issues(event_id, rejected)
    if not mine and not any(i.key and i.key.split("/")[0] == event_id for i in issues):
        known = event_ids([r.data for r in records], rejected)
        raise UnknownEvent(
            f"找不到评选编号为「{event_id}」的候选评估记录；已有的评选编号：{'、'.join(known) or '无'}",
            f"no candidates rows for event {event_id!r}; events found: {', '.join(known) or 'none'}",
        )
    kept, row_issues = check_rows(mine, policy, masters, labels)
    issues += row_issues
    given = _event_date(mine)
    event_date = given or default_date
    title = next((r.data["event_title"] for r in mine if r.data.get("event_title")), None)

    candidates = []
    for rec in sorted(kept, key=lambda r: r.data["supplier_id"]):
        row = rec.data
        master = masters.get(row["supplier_id"])
        cand = Candidate(
            row["supplier_id"], row, _profile(row, master), master is not None, master.get("status") if master else None
        )
        cand.gates = admission_gates(cand, policy, event_date)
        candidates.append(cand)

    admitted = [c for c in candidates if c.admitted]
    quotes = [c.quote for c in (admitted or candidates) if c.quote is not None]
    benchmark = min(quotes) if quotes else None
    for cand in candidates:
        cand.exact_scores = {c.field: exact_criterion_score(c, cand.row, benchmark) for c in policy.criteria}
        cand.scores = {f: q2(v) for f, v in cand.exact_scores.items()}
        cand.exact_total = exact_weighted_total(cand.exact_scores, policy)
        cand.total = weighted_total(cand.scores, policy)  # from the scores as shown: a reader can recompute it
        if policy.min_total is None:
            cand.gates.append(GateResult("min_total_score", "off"))
        elif cand.total < policy.min_total:
            cand.gates.append(
                GateResult(
                    "min_total_score",
                    "fail",
                    "gate_min_total_failed",
                    {"total": cand.total, "minimum": policy.min_total},
                )
            )
        else:
            cand.gates.append(
                GateResult("min_total_score", "pass", "gate_min_total_passed", {"minimum": policy.min_total})
            )

    ranked = sorted((c for c in candidates if not c.failed_gates), key=rank_key)
    for i, cand in enumerate(ranked, start=1):
        cand.rank = i
    for first, second in zip(ranked, ranked[1:]):
        if first.total <= second.total:  # equal (or, by rounding, reversed) as shown: say what orders them
            above, below = _tie(first, second)
            first.ties.append(above)
            second.ties.append(below)
    not_ranked = sorted((c for c in candidates if c.failed_gates), key=lambda c: c.supplier_id)
    return EventResult(
        event_id,
        event_date,
        title,
        policy,
        ranked + not_ranked,
        benchmark,
        issues,
        benchmark_valid=bool(admitted),
        date_given=given is not None,
    )
