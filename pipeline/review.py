"""Quarterly and annual reviews (定期评审): roll up the months the history store recorded.

A month without a record is shown as missing and left out of averages — never counted as
zero — so a supplier that started mid-quarter is judged on the months it worked.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Sequence

from .charts import grade_distribution
from .documents import DASH, SEVERITY, _org, flag_row
from .fastrender import Image
from .formatting import date_en, date_zh, fixed, label, money, period_block, signed, words
from .history import HistoryStore, PastResult
from .periods import Period
from .policy import Policy
from .risk import SEVERITY_ORDER

CENT = Decimal("0.01")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class ReviewPeriod:
    code: str
    months: tuple[Period, ...]
    kind: str            # quarterly | annual

    @classmethod
    def parse(cls, text: str) -> "ReviewPeriod":
        if m := _QUARTER.match(text.strip()):
            year, q = int(m.group(1)), int(m.group(2))
            return cls(f"{year}-Q{q}", tuple(Period(year, 3 * (q - 1) + i) for i in (1, 2, 3)), "quarterly")
        if m := _YEAR.match(text.strip()):
            year = int(m.group(1))
            return cls(f"{year}", tuple(Period(year, i) for i in range(1, 13)), "annual")
        raise ValueError(f"评审期间应为 YYYY-Qn（如 2026-Q3）或 YYYY（如 2026）/ a review period is YYYY-Qn "
                         f"(e.g. 2026-Q3) or YYYY (e.g. 2026), got {text!r}")

    def block(self) -> dict[str, str]:
        first, last = self.months[0], self.months[-1]
        if self.kind == "quarterly":
            q = (first.month - 1) // 3 + 1
            zh, en = f"{first.year}年{QUARTER_ZH[q]}", f"Q{q} {first.year}"
        else:
            zh, en = f"{first.year}年度", f"Year {first.year}"
        return {"code": self.code, "zh": zh, "en": en, "start_zh": date_zh(first.start), "start_en": date_en(first.start),
                "end_zh": date_zh(last.end), "end_en": date_en(last.end),
                "kind_zh": "季度" if self.kind == "quarterly" else "年度", "kind_en": self.kind}


@dataclass(frozen=True)
class SupplierRollup:
    supplier_id: str
    name_zh: str
    name_en: str
    category: str
    months: tuple[tuple[Period, PastResult | None], ...]
    average: Decimal | None
    grade: str | None
    penalties: Decimal
    rewards: Decimal
    payable: Decimal
    kpi_averages: tuple[tuple[str, Decimal, int], ...]     # field, average score, periods
    incident_counts: tuple[tuple[str, int], ...]
    trend: Decimal | None                                    # last rated minus first rated

    @property
    def recorded(self) -> int:
        return sum(1 for _, r in self.months if r is not None)


def _avg(values: Sequence[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP) if values else None


def roll_up(results: Sequence[PastResult], review: ReviewPeriod, policy: Policy) -> list[SupplierRollup]:
    by_supplier: dict[str, dict[str, PastResult]] = defaultdict(dict)
    for r in results:
        by_supplier[r.supplier_id][r.period] = r
    out = []
    for sid in sorted(by_supplier):
        months = tuple((m, by_supplier[sid].get(m.code)) for m in review.months)
        recorded = [r for _, r in months if r is not None]
        if not recorded:
            continue
        rated = [r.score for r in recorded if r.rated and r.score is not None]
        average = _avg(rated)
        kpi_scores: dict[str, list[Decimal]] = defaultdict(list)
        for r in recorded:
            for fld, v in r.kpis.items():
                if isinstance(v, dict) and v.get("score") is not None:
                    kpi_scores[fld].append(Decimal(v["score"]))
        counts = Counter(i.get("type") for r in recorded for i in r.incidents)
        last = recorded[-1]
        out.append(SupplierRollup(
            supplier_id=sid, name_zh=last.name_zh, name_en=last.name_en, category=last.category, months=months,
            average=average, grade=policy.band(average).grade if average is not None else None,
            penalties=sum((r.penalties or Decimal(0) for r in recorded), Decimal(0)),
            rewards=sum((r.rewards or Decimal(0) for r in recorded), Decimal(0)),
            payable=sum((r.payable or Decimal(0) for r in recorded), Decimal(0)),
            kpi_averages=tuple((k.field, _avg(kpi_scores[k.field]), len(kpi_scores[k.field]))
                               for k in policy.kpis if kpi_scores.get(k.field)),
            incident_counts=tuple(sorted(counts.items())),
            trend=(rated[-1] - rated[0]) if len(rated) >= 2 else None,
        ))
    return out


def _missing_note(roll: SupplierRollup) -> tuple[str, str]:
    missing = [m for m, r in roll.months if r is None]
    if not missing:
        return "", ""
    zh = "、".join(period_block(m)["zh"] for m in missing)
    en = ", ".join(period_block(m)["en"] for m in missing)
    return (f"{zh}无记录，按缺失处理，不计入平均分（不视为0分）。",
            f"{en}: no record; shown as missing and left out of the average (not counted as 0).")


def supplier_review_context(roll: SupplierRollup, review: ReviewPeriod, policy: Policy,
                            flags: Sequence[dict[str, Any]], actions: Sequence[dict[str, Any]],
                            supplier: dict[str, Any] | None) -> dict[str, Any]:
    block = review.block()
    kpi_names = {k.field: (k.name_zh, k.name_en) for k in policy.kpis}
    months = []
    for m, r in roll.months:
        if r is None:
            months.append({"period_zh": period_block(m)["zh"], "period_en": period_block(m)["en"], "recorded": False,
                           "score": DASH, "grade": DASH, "penalties": DASH, "rewards": DASH, "payable": DASH})
        else:
            months.append({"period_zh": period_block(m)["zh"], "period_en": period_block(m)["en"], "recorded": True,
                           "score": fixed(r.score) if r.rated else DASH, "grade": r.grade or DASH,
                           "penalties": money(r.penalties) if r.penalties is not None else DASH,
                           "rewards": money(r.rewards) if r.rewards is not None else DASH,
                           "payable": money(r.payable) if r.payable is not None else DASH})
    note_zh, note_en = _missing_note(roll)
    band = policy.band_named(roll.grade) if roll.grade else None
    pw_zh, pw_en = words(roll.payable, "CNY")
    s = supplier or {}
    cat_zh, cat_en = label("category", roll.category) if roll.category else (DASH, DASH)
    if roll.average is not None:
        conclusion = (f"本{block['kind_zh']}记录{roll.recorded}个月，平均得分{fixed(roll.average)}，评级{roll.grade}（{band.label_zh}）。",
                      f"{roll.recorded} month(s) recorded this {'quarter' if review.kind == 'quarterly' else 'year'}; "
                      f"average score {fixed(roll.average)}, grade {roll.grade} ({band.label_en}).")
    else:
        conclusion = ("本期无可评级的月份。", "No month in this period could be rated.")
    chart: Any = ""
    rated_months = [(m, r) for m, r in roll.months if r is not None and r.rated]
    if len(rated_months) >= 2:
        from .charts import score_trend
        shown = roll.months if review.kind == "quarterly" else tuple(
            (m, r) for m, r in roll.months if rated_months[0][0] <= m <= rated_months[-1][0])
        chart = Image(score_trend([m.code for m, _ in shown], [r.score if r is not None and r.rated else None for _, r in shown],
                                  [(b.grade, b.min) for b in policy.grades]), width_mm=160)
    return {
        "org": _org(policy), "review": block,
        "doc": {"no": f"{'QR' if review.kind == 'quarterly' else 'AR'}-{review.code}-{roll.supplier_id}",
                "date_zh": block["end_zh"], "date_en": block["end_en"]},
        "supplier": {"id": roll.supplier_id, "name_zh": roll.name_zh, "name_en": roll.name_en, "uscc": s.get("uscc", ""),
                     "legal_rep": s.get("legal_rep", ""), "address_zh": s.get("address_zh", ""), "address_en": s.get("address_en", ""),
                     "contact_name": s.get("contact_name", ""), "contract_nos": s.get("contract_nos", DASH),
                     "category_zh": cat_zh, "category_en": cat_en},
        "months": months,
        "summary": {"recorded": str(roll.recorded), "missing": str(len(roll.months) - roll.recorded),
                    "missing_note_zh": note_zh, "missing_note_en": note_en,
                    "average": fixed(roll.average) if roll.average is not None else DASH, "grade": roll.grade or DASH,
                    "grade_zh": band.label_zh if band else "不评级", "grade_en": band.label_en if band else "Not rated",
                    "penalties": money(roll.penalties), "rewards": money(roll.rewards), "payable": money(roll.payable),
                    "payable_words_zh": pw_zh, "payable_words_en": pw_en},
        "kpis": [{"name_zh": kpi_names[f][0], "name_en": kpi_names[f][1], "average": fixed(a), "periods": str(n)}
                 for f, a, n in roll.kpi_averages],
        "incident_counts": [{"type_zh": label("type", t)[0], "type_en": label("type", t)[1], "count": str(c)}
                            for t, c in roll.incident_counts],
        "flags": [{"severity_zh": SEVERITY[f["severity"]][0], "severity_en": SEVERITY[f["severity"]][1],
                   "zh": f"{f['period']}：{f['message_zh']}", "en": f"{f['period']}: {f['message_en']}"} for f in flags],
        "actions": [{"zh": f"{a['period']}：{ACTION_ZH.get(a['action'], a['action'])}（{a['reason_zh']}）",
                     "en": f"{a['period']}: {ACTION_EN.get(a['action'], a['action'])} ({a['reason_en']})"} for a in actions],
        "chart": chart,
        "conclusion_zh": conclusion[0], "conclusion_en": conclusion[1],
    }


from .consequences import ACTION_LABELS  # noqa: E402  (after the module's own names)

ACTION_ZH = {k: v[0] for k, v in ACTION_LABELS.items()}
ACTION_EN = {k: v[1] for k, v in ACTION_LABELS.items()}


def portfolio_review_context(rolls: Sequence[SupplierRollup], review: ReviewPeriod, policy: Policy,
                             flags: Sequence[dict[str, Any]], actions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    block = review.block()
    recorded_months = sorted({m for r in rolls for m, x in r.months if x is not None})
    missing = [m for m in review.months if m not in recorded_months]
    rated = [r for r in rolls if r.average is not None]
    grades = []
    for band in policy.grades:
        count = sum(1 for r in rated if r.grade == band.grade)
        share = f"{fixed(Decimal(count) * 100 / len(rated), 1)}%" if rated else DASH
        grades.append({"grade": band.grade, "label_zh": band.label_zh, "label_en": band.label_en, "count": str(count), "share": share})
    ranked = sorted(rolls, key=lambda r: (r.average is None, -(r.average or 0), r.supplier_id))
    rows = []
    for n, r in enumerate(ranked, start=1):
        cz, ce = label("category", r.category) if r.category else (DASH, DASH)
        rows.append({"rank": str(n) if r.average is not None else DASH, "id": r.supplier_id, "name_zh": r.name_zh,
                     "name_en": r.name_en, "category_zh": cz, "category_en": ce, "months": f"{r.recorded}/{len(r.months)}",
                     "average": fixed(r.average) if r.average is not None else DASH, "grade": r.grade or DASH,
                     "trend": signed(r.trend) if r.trend is not None else DASH,
                     "penalties": money(r.penalties), "rewards": money(r.rewards), "payable": money(r.payable)})
    total = sum((r.payable for r in rolls), Decimal(0))
    tz, te = words(total, "CNY")
    names = {r.supplier_id: (r.name_zh, r.name_en) for r in rolls}

    def who(sid: str | None) -> dict[str, str]:
        zh, en = names.get(sid or "", ("", ""))
        return {"supplier": f"{sid} {zh}".strip() if sid else DASH, "supplier_en": f"{sid} {en}".strip() if sid else DASH}

    return {
        "org": _org(policy), "review": block,
        "doc": {"no": f"{'QP' if review.kind == 'quarterly' else 'AP'}-{review.code}", "date_zh": block["end_zh"], "date_en": block["end_en"]},
        "counts": {"suppliers": str(len(rolls)), "months_recorded": str(len(recorded_months)), "months_missing": str(len(missing)),
                   "missing_periods_zh": "、".join(period_block(m)["zh"] for m in missing) or "无",
                   "missing_periods_en": ", ".join(period_block(m)["en"] for m in missing) or "none"},
        "grades": grades,
        "rows": rows,
        "totals": {"payable": money(total), "payable_words_zh": tz, "payable_words_en": te,
                   "penalties": money(sum((r.penalties for r in rolls), Decimal(0))),
                   "rewards": money(sum((r.rewards for r in rolls), Decimal(0)))},
        "risks": [{**who(f["supplier_id"]), "severity_zh": SEVERITY[f["severity"]][0], "severity_en": SEVERITY[f["severity"]][1],
                   "zh": f"{f['period']}：{f['message_zh']}", "en": f"{f['period']}: {f['message_en']}"}
                  for f in sorted(flags, key=lambda f: (SEVERITY_ORDER[f["severity"]], f["period"], f["supplier_id"] or ""))],
        "actions": [{**who(a["supplier_id"]), "action_zh": ACTION_ZH.get(a["action"], a["action"]),
                     "action_en": ACTION_EN.get(a["action"], a["action"]),
                     "zh": f"{a['period']}：{a['reason_zh']}", "en": f"{a['period']}: {a['reason_en']}"}
                    for a in sorted(actions, key=lambda a: (a["period"], a["supplier_id"]))],
        "chart": Image(grade_distribution([g["grade"] for g in grades], [int(g["count"]) for g in grades]), width_mm=160) if rated else "",
    }


@dataclass
class ReviewSummary:
    code: str
    outputs: Path
    suppliers: int
    documents: int
    months_recorded: int
    manifest: Path


def review_jobs(store: HistoryStore, review: ReviewPeriod, policy: Policy) -> list:
    from .monthly import make_job, safe_name
    codes = [m.code for m in review.months]
    results = store.current_results(codes)
    rolls = roll_up(results, review, policy)
    flags = store.current_flags(codes)
    actions = store.current_actions(codes)
    jobs = []
    for roll in rolls:
        ctx = supplier_review_context(roll, review, policy,
                                      [f for f in flags if f["supplier_id"] == roll.supplier_id],
                                      [a for a in actions if a["supplier_id"] == roll.supplier_id], None)
        jobs.append(make_job(f"reports/{safe_name(roll.supplier_id)}_review_{review.code}.docx", "periodic_review.docx",
                             ctx, "periodic_review", roll.supplier_id))
    if rolls:
        jobs.append(make_job(f"summary/portfolio_{review.code}.docx", "periodic_portfolio.docx",
                             portfolio_review_context(rolls, review, policy, flags, actions), "periodic_portfolio"))
    return jobs


def run_review(outputs_dir: Path, period_text: str, policy: Policy) -> ReviewSummary:
    """Plain-Python periodic review (the flow wraps the same steps)."""
    from .locking import period_lock
    from .monthly import plan_documents, render_and_write
    from .publish import manifest_bytes, remove_stale, write_output

    review = ReviewPeriod.parse(period_text)
    store = HistoryStore.for_outputs(outputs_dir)
    root = outputs_dir / review.code
    with period_lock(outputs_dir, review.code):
        jobs = review_jobs(store, review, policy)
        if not jobs:
            from .errors import ConfigError
            raise ConfigError(f"历史数据库中没有{review.block()['zh']}的记录：请先运行这些月份的月度评估",
                              f"the history store has no month of {review.block()['en']}: run the monthly review for those months first",
                              file=store._where())
        todo, reused = plan_documents(root, jobs)
        written = reused + render_and_write(root, todo)
        remove_stale(root, {w.path for w in written})
        recorded = sorted({r.period for r in store.current_results([m.code for m in review.months])})
        inputs = [{"path": f"history:{p}", "kind": "history", "sha256": "", "bytes": 0} for p in recorded]
        manifest = manifest_bytes(review.code, written, inputs, {"path": Path(policy.source).name, "sha256": policy.sha256})
        write_output(root, "manifest.json", manifest, "manifest")
    return ReviewSummary(review.code, root, len([j for j in jobs if j.doc_type == "periodic_review"]), len(written),
                         len(recorded), root / "manifest.json")
