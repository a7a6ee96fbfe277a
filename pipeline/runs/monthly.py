"""The monthly review as plain stages: load → validate → compute → documents → publish.

Each stage is an ordinary function over plain data, so it is tested without Prefect;
`flows.py` wraps them in tasks for retries, logging and parallel rendering.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.analysis.costs import COLUMNS_READ, CostAnalysis, analyse, months_read
from pipeline.compute.month import MonthResult, PastResult, compute_month
from pipeline.config.policy import Policy
from pipeline.config.resources import SHIPPED_TEMPLATES
from pipeline.documents.analytics_workbook import analytics_bytes
from pipeline.documents.appeals import appeal_context
from pipeline.documents.dashboard import dashboard_bytes
from pipeline.documents.messages import joined, text
from pipeline.documents.monthly import notice_context, portfolio_context, review_context
from pipeline.documents.payments import payments_bytes
from pipeline.documents.scoreboard import scoreboard_bytes
from pipeline.documents.settlement import settlement_context
from pipeline.documents.workforce import roster_in_workbook, roster_workbook_bytes, roster_workbook_name
from pipeline.errors import ConfigError, Issue
from pipeline.periods import Period
from pipeline.publish.history import HistoryStore
from pipeline.publish.jobs import Job, distinct_names, make_job, plan_stream, render_and_write
from pipeline.publish.locking import period_lock
from pipeline.publish.outputs import (
    Written,
    clean_temporaries,
    manifest_bytes,
    previous_entries,
    publish_manifest,
    remove_stale,
    retire_manifest,
    still_valid,
    validation_report_json,
    validation_report_xlsx,
    write_output,
)
from pipeline.publish.pdfs import pdf_stage
from pipeline.render.pdf import require_libreoffice
from pipeline.runs.distribution import distribute_after_monthly
from pipeline.runs.memory import give_back_memory
from pipeline.runs.runner import PlainRunner, Runner
from pipeline.runs.stages import Loaded, input_fingerprints, load_stage, policy_file, validate_stage
from pipeline.settings import Settings
from pipeline.validation.coerce import to_period
from pipeline.validation.records import Validated, compile_keys

TEMPLATES = {
    "review_report": "review_report.docx",
    "settlement_statement": "settlement_statement.docx",
    "portfolio_summary": "portfolio_summary.docx",
}
_PERIOD_TEXT = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass
class RunSummary:
    period: str
    outputs: Path
    grades: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    rejected_rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    manifest: Path | None = None
    rendered: int = 0  # documents rendered this run (the rest were unchanged)
    chosen: str = "requested"  # requested (--period) | latest (the latest period in the inputs)
    stopped: bool = False  # the period's evaluations were all rejected: the report only, no documents
    notices: tuple[tuple[str, str], ...] = ()  # (supplier_id, notice) issued this run, in document order
    ignored_columns: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (file, sheet, headers no field matched)
    not_evaluated: tuple[str, ...] = ()  # suppliers settled on their contracts with no evaluation row
    pdfs: int = 0  # PDFs beside the documents (converted now or kept from an earlier run)

    @property
    def exit_code(self) -> int:
        return 1 if self.issues else 0


def contracts_in_force(validated: Validated, period: Period) -> list[str]:
    """The contracts in force at some day of `period`: a month with these is settled even
    when nothing was evaluated."""
    start, end = period.start.isoformat(), period.end.isoformat()
    return [c["contract_no"] for c in validated.data("contracts") if c["start_date"] <= end and c["end_date"] >= start]


def ignored_columns(loaded: Loaded) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Columns a user added that no field matches (a 备注 column): read past, and said so."""
    return tuple(
        (t.file, t.sheet or "", tuple(t.ignored_columns)) for t in loaded.tables if t.ignored_columns and t.rows
    )


def named_periods(validated: Validated, loaded: Loaded | None) -> set[Period]:
    """Every period an evaluation row names, valid or rejected."""
    named = {Period.parse(e["period"]) for e in validated.data("evaluations")}
    for table in loaded.tables if loaded is not None else ():
        if table.kind == "evaluations":
            texts = {p for r in table.rows if isinstance(p := to_period(r.cells.get("period")), str)}
            named |= {Period.parse(p) for p in texts if _PERIOD_TEXT.match(p)}
    return named


def choose_period(validated: Validated, requested: str | None, loaded: Loaded | None = None) -> Period:
    """The period asked for; else the latest period any evaluation row names, valid or not. It is
    never an older month because the latest one's rows were rejected: that month is reported."""
    if requested:
        return Period.parse(requested)
    latest = max(named_periods(validated, loaded), default=None)
    if latest is None:
        raise ConfigError(
            "输入中没有有效的绩效评估记录，无法确定考核期间；请用 --period 指定",
            "no valid evaluation in the inputs to take the period from; give --period",
        )
    return latest


def history_stage(
    outputs_dir: Path, period: Period, url: str | None = None, migrate: bool = True
) -> tuple[HistoryStore, list[PastResult], dict[str, dict[str, Decimal]]]:
    """Open the store before anything is written (a damaged store, or an older one it may not
    migrate, stops the run cleanly) and read what earlier periods recorded."""
    store = HistoryStore.for_outputs(outputs_dir, url, migrate)
    return store, [r for r in store.current_results() if r.period < period.code], store.carried_into(period.code)


def compute_stage(
    validated: Validated,
    policy: Policy,
    period: Period,
    past: Sequence[PastResult] = (),
    loaded: Loaded | None = None,
    carried: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> MonthResult:
    held = rejected_evaluations(loaded, period) if loaded is not None else frozenset()
    return compute_month({k: validated.data(k) for k in validated.records}, policy, period, past, held, carried)


def analytics_stage(store: HistoryStore, result: MonthResult, policy: Policy, validated: Validated) -> CostAnalysis:
    """The month's cost analysis and forecast (pandas over the store's earlier months, read once)."""
    records = {k: validated.data(k) for k in ("contracts", "contract_items", "work_volume", "suppliers")}
    past = store.current_frame("results", periods=months_read(result.period), columns=COLUMNS_READ)
    return analyse(result, policy, records, past)


def rejected_evaluations(loaded: Loaded, period: Period) -> frozenset[str]:
    """Suppliers named by an evaluation row of `period` (valid or not). One whose row was rejected
    waits for the corrected row; it is not settled as "not evaluated" in the meantime."""
    named = set()
    for table in loaded.tables:
        if table.kind != "evaluations":
            continue
        for raw in table.rows:
            if to_period(raw.cells.get("period")) == period.code:
                sid = compile_keys(raw.cells, "evaluations", loaded.aliases).get("supplier_id")
                if isinstance(sid, str):
                    named.add(sid)
    return frozenset(named)


def record_stage(store: HistoryStore, run_id: str, result: MonthResult, written: Sequence[Written]) -> None:
    """The period's results, flags, actions and documents, superseding an earlier run of it."""

    rows, flag_rows, action_rows = [], [], []
    for sm in result.suppliers:
        s = sm.settlement
        rows.append(
            {
                "supplier_id": sm.supplier_id,
                "name_zh": sm.supplier["name_zh"],
                "name_en": sm.supplier.get("name_en", ""),
                "category": sm.supplier["category"],
                "rated": sm.card.rated,
                "score": sm.card.total if sm.card.rated else None,
                "grade": sm.card.band.grade if sm.card.rated else None,
                "kpis_json": json.dumps(
                    {
                        r.kpi.field: {
                            "actual": None if r.actual is None else str(r.actual),
                            "score": None if r.score is None else str(r.score.quantize(Decimal("0.01"))),
                        }
                        for r in sm.card.kpis
                    },
                    ensure_ascii=False,
                    sort_keys=True,
                ),
                "penalties": s.penalty_net if s else None,
                "rewards": s.reward_total if s else None,
                "payable": s.payable if s else None,
                "base": s.contract_total if s else None,
                "tax_exclusive": s.net_of_tax if s else None,
                "vat": s.tax if s else None,
                "currency": s.currency if s else None,
                "incidents_json": json.dumps(
                    [{k: str(v) for k, v in i.items()} for i in sm.incidents], ensure_ascii=False
                ),
            }
        )
        for a in sm.actions:
            action_rows.append(
                {
                    "supplier_id": sm.supplier_id,
                    "action": a.action,
                    "status_from": a.status_from,
                    "status_to": a.status_to,
                    "reason_zh": joined(a.reasons)[0],
                    "reason_en": joined(a.reasons)[1],
                }
            )
    for f in result.all_flags():
        zh, en = text(f.code, f.facts)  # phrased once: a large month has tens of thousands of flags
        flag_rows.append(
            {"supplier_id": f.supplier_id, "code": f.code, "severity": f.severity, "message_zh": zh, "message_en": en}
        )
    docs = [{"path": w.path, "sha256": w.sha256, "doc_type": w.doc_type, "supplier_id": w.supplier_id} for w in written]
    receivable_rows = [
        {"supplier_id": sm.supplier_id, "currency": st.currency, "amount": st.carried_forward}
        for sm in result.suppliers
        for st in sm.settlements
        if st.carried_forward > 0
    ]
    store.complete_run(
        run_id,
        result.period.code,
        "monthly",
        rows,
        flag_rows,
        action_rows,
        docs,
        receivable_rows,
        follow_up_rows(result),
    )


def _detail(record: Mapping[str, Any] | None, fields: Sequence[str], **extra: Any) -> str:
    """The facts of a follow-up row for the store: the record's non-blank `fields`, as JSON."""
    facts = {f: record[f] for f in fields if record and record.get(f) not in (None, "")}
    facts.update({k: v for k, v in extra.items() if v not in (None, "")})
    return json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str)


PLAN_FACTS = ("issue", "action", "owner", "due_date", "status", "closed_date", "verified_by")
APPEAL_FACTS = ("filed_date", "grounds", "grounds_en", "reason_zh", "reason_en", "adjusted_amount")
INCIDENT_FACTS = ("type", "severity", "date", "description", "description_en")
INSPECTION_FACTS = ("inspector", "items_checked", "items_failed", "findings", "findings_en")


def follow_up_rows(result: MonthResult) -> list[dict[str, Any]]:
    """What became of the findings this month, for the store (an auditor's trail, and what the
    quarterly supplier meeting brief discusses): each appeal decided, against its incident's
    original period; each improvement plan as of the month's last day (open, done with who
    verified it, overdue, or a notice still without one); each site inspection of the month.
    `detail_json` keeps the facts behind the status."""
    out: list[dict[str, Any]] = []
    for sm in result.suppliers:
        for d in sm.appeals:
            out.append(
                {
                    "supplier_id": sm.supplier_id,
                    "kind": "appeal",
                    "ref": d.appeal_id,
                    "source": d.incident["incident_id"],
                    "original_period": d.original_period,
                    "status": d.decision,
                    "date": d.appeal["decided_date"],
                    "by": d.appeal.get("decided_by"),
                    "amount": d.reversed,
                    "detail_json": _detail(
                        d.appeal,
                        APPEAL_FACTS,
                        incident={f: d.incident[f] for f in INCIDENT_FACTS if d.incident.get(f) not in (None, "")},
                        charged=d.charged,
                    ),
                }
            )
        for p in sm.follow_up.plans:
            plan = p.plan or {}
            out.append(
                {
                    "supplier_id": sm.supplier_id,
                    "kind": "plan",
                    "ref": plan.get("plan_id") or p.source_doc,
                    "source": p.source_doc,
                    "original_period": None,
                    "status": p.status,
                    "date": plan.get("closed_date"),
                    "by": plan.get("verified_by"),
                    "amount": None,
                    "detail_json": _detail(
                        plan, PLAN_FACTS, deadline=p.deadline.isoformat() if p.deadline else None, plan=bool(p.plan)
                    ),
                }
            )
        for i in sm.follow_up.inspections:
            out.append(
                {
                    "supplier_id": sm.supplier_id,
                    "kind": "inspection",
                    "ref": i["inspection_id"],
                    "source": None,
                    "original_period": None,
                    "status": i["result"],
                    "date": i["date"],
                    "by": i.get("inspector"),
                    "amount": None,
                    "detail_json": _detail(i, INSPECTION_FACTS),
                }
            )
    return out


def rejected_row_count(issues: Sequence[Issue]) -> int:
    """Rows left out: a row is its file, sheet and number (contracts and items share a workbook)."""
    return len({(i.file, i.sheet, i.row) for i in issues if i.row is not None})


def document_jobs(
    result: MonthResult,
    policy: Policy,
    issues: Sequence[Issue],
    templates: Path = SHIPPED_TEMPLATES,
    costs: CostAnalysis | None = None,
) -> list[Job]:
    return list(iter_document_jobs(result, policy, issues, templates, costs))


def count_documents(result: MonthResult) -> int:
    """How many documents `iter_document_jobs` gives, without building a context."""
    n = 1  # the portfolio summary
    for sm in result.suppliers:
        n += 1 + (sm.settlement is not None)
        n += sum(1 + bool(a.rule.exit_review) for a in sm.actions) + bool(sm.appeals)
    return n


def iter_document_jobs(
    result: MonthResult,
    policy: Policy,
    issues: Sequence[Issue],
    templates: Path = SHIPPED_TEMPLATES,
    costs: CostAnalysis | None = None,
    portfolio: bool = True,
) -> Iterator[Job]:
    """The month's documents one at a time: each context (chart pictures included) is built
    only when the renderer asks for it, so a large month never holds them all. The portfolio
    summary comes last (`portfolio=False`: without it, see `portfolio_job`)."""
    period = result.period
    code = period.code
    jobs = _Emitter()
    names = distinct_names(sm.supplier_id for sm in result.suppliers)  # or stop: two ids, one file
    for sm in result.suppliers:
        name = names[sm.supplier_id]
        jobs.append(
            make_job(
                f"reports/{name}_review_{code}.docx",
                str(templates / TEMPLATES["review_report"]),
                review_context(sm, policy, period),
                "review_report",
                sm.supplier_id,
            )
        )
        if sm.settlement is not None:
            jobs.append(
                make_job(
                    f"settlements/{name}_settlement_{code}.docx",
                    str(templates / TEMPLATES["settlement_statement"]),
                    settlement_context(sm, policy, period, name),
                    "settlement_statement",
                    sm.supplier_id,
                )
            )
        for action in sm.actions:
            jobs.append(
                make_job(
                    f"notices/{name}_{action.action}_{code}.docx",
                    str(templates / f"{action.action}.docx"),
                    notice_context(sm, action, policy, period),
                    action.action,
                    sm.supplier_id,
                )
            )
            if action.rule.exit_review:  # internal: for the vendor office, never sent to the supplier
                jobs.append(
                    make_job(
                        f"notices/{name}_exit_review_{code}.docx",
                        str(templates / "exit_review.docx"),
                        notice_context(sm, action, policy, period, "exit_review"),
                        "exit_review",
                        sm.supplier_id,
                    )
                )
        if sm.appeals:  # the decisions of the month, sent with the supplier's other documents
            jobs.append(
                make_job(
                    f"notices/{name}_appeal_decision_{code}.docx",
                    str(templates / "appeal_decision.docx"),
                    appeal_context(sm, policy, period),
                    "appeal_decision",
                    sm.supplier_id,
                )
            )
        yield from jobs.drain()
    if portfolio:
        yield portfolio_job(result, policy, issues, templates, costs)


def portfolio_job(
    result: MonthResult,
    policy: Policy,
    issues: Sequence[Issue],
    templates: Path = SHIPPED_TEMPLATES,
    costs: CostAnalysis | None = None,
) -> Job:
    """The portfolio summary's job: every supplier's result, every flag, the cost chapter."""
    return make_job(
        f"summary/portfolio_{result.period.code}.docx",
        str(templates / TEMPLATES["portfolio_summary"]),
        portfolio_context(result, policy, issues, rejected_row_count(issues), costs),
        "portfolio_summary",
    )


class _Emitter(list):
    """A list that hands over what was appended since the last drain (keeps the job code above readable)."""

    def drain(self) -> list:
        out = list(self)
        self.clear()
        return out


CONTRACT_DOC_TYPES = ("contract", "contract_pdf")  # written by `vendorflow contracts --period`


def contract_files(root: Path) -> list[Written]:
    """Contracts that `vendorflow contracts --period` wrote into this period's folder: not the
    monthly run's to remove; kept (when still intact) so one manifest lists all."""
    return [
        Written(e["path"], e["sha256"], e["bytes"], e["doc_type"], e.get("supplier_id"), e.get("context_sha256"))
        for e in previous_entries(root).values()
        if e.get("doc_type") in CONTRACT_DOC_TYPES and still_valid(root, e)
    ]


def roster_workbooks(root: Path, result: MonthResult, policy: Policy) -> list[Written]:
    """The attendance workbooks of the statements with more workers than Word should list
    (workforce.roster_in_word_max), beside their statements, each the supplier's own."""
    names = distinct_names(sm.supplier_id for sm in result.suppliers)
    return [
        write_output(
            root,
            roster_workbook_name(names[sm.supplier_id], result.period.code),
            roster_workbook_bytes(sm.settlements, sm.supplier_id, result.period.code),
            "attendance_annex",
            sm.supplier_id,
        )
        for sm in result.suppliers
        if sm.settlements and roster_in_workbook(sm.settlements, policy)
    ]


def publish_stage(
    root: Path,
    result: MonthResult,
    policy: Policy,
    inputs: Sequence[Mapping[str, Any]],
    issues: Sequence[Issue],
    documents: Sequence[Written],
    costs: CostAnalysis | None = None,
) -> Published:
    """Scoreboard, payments and analytics workbooks, the dashboard, validation report when input was rejected; stale
    files removed; the manifest's bytes (written last, by `publish_manifest`)."""
    code = result.period.code
    written = list(documents)
    written += roster_workbooks(root, result, policy)
    written.append(
        write_output(root, f"summary/scoreboard_{code}.xlsx", scoreboard_bytes(result, policy), "scoreboard")
    )
    written.append(write_output(root, f"summary/payments_{code}.xlsx", payments_bytes(result, policy), "payments"))
    if costs is not None:
        written.append(
            write_output(root, f"summary/analytics_{code}.xlsx", analytics_bytes(costs, policy), "analytics_workbook")
        )
        written.append(
            write_output(root, f"summary/dashboard_{code}.html", dashboard_bytes(costs, result, policy), "dashboard")
        )
    if issues:
        written.append(
            write_output(root, "errors/validation_report.xlsx", validation_report_xlsx(issues), "validation_report")
        )
        written.append(
            write_output(
                root, "errors/validation_report.json", validation_report_json(issues, code), "validation_report"
            )
        )
    written += contract_files(root)
    remove_stale(root, {w.path for w in written})
    manifest = manifest_bytes(code, written, inputs, {"path": Path(policy.source).name, "sha256": policy.sha256})
    return Published(manifest, written)


class MonthFacts:
    """The month's results and cost analysis, for the runner's announcement. A plain object, not a
    dataclass: Prefect does not walk into it."""

    __slots__ = ("result", "costs")

    def __init__(self, result: MonthResult, costs: CostAnalysis | None) -> None:
        self.result, self.costs = result, costs


@dataclass(frozen=True)
class Published:
    """The period's files, all in place, and the manifest that will list them (written after
    history has recorded the run, so the two never disagree)."""

    manifest: bytes
    files: list[Written]


def render_stage(
    run: Runner,
    root: Path,
    result: MonthResult,
    policy: Policy,
    issues: Sequence[Issue],
    templates: Path,
    costs: CostAnalysis | None = None,
) -> tuple[list[Written], int]:
    """Every document of the month: contexts built as the renderer asks for them (a month never
    holds them all), unchanged documents kept; returns every manifest entry and how many were
    rendered now."""
    total = count_documents(result)
    if run.progress:
        run.progress(0, total)
    plan = plan_stream(
        root, iter_document_jobs(result, policy, issues, templates, costs, portfolio=False), run.progress
    )
    rendered = run.render(plan.todo, root, total)
    # The document that lists the whole portfolio (every supplier, every flag: 33 MB of XML at 5,000
    # suppliers) is built and rendered in the run's own process once the render workers have stopped,
    # so the month's largest context and document never add to the memory of a pool at work.
    last = plan_stream(root, [portfolio_job(result, policy, issues, templates, costs)], run.progress)
    rendered += render_and_write(root, last.todo, run.progress)
    return plan.reused + last.reused + rendered, len(rendered)


def monthly(
    run: Runner,
    settings: Settings,
    inputs_dir: Path,
    outputs_dir: Path,
    period: str | None = None,
    policy_path: Path | None = None,
    wait_seconds: float = 0,
    strict: bool = False,
    pdf: bool = False,
) -> RunSummary:
    """The monthly review, declared once: intake and load → validate → compute → render →
    publish → record. `run` executes each stage (plainly, or as Prefect tasks); `settings` are
    the deployment's (templates folder, history store, input limits), read once at the edge."""
    if pdf:
        require_libreoffice()  # before anything is read or written
    config = run.stage("load-policy", policy_file, inputs_dir, policy_path)
    policy = config.policy
    loaded = run.stage("intake-and-load", load_stage, inputs_dir, settings.limits)
    validated = run.stage("validate", validate_stage, loaded, policy.currencies)
    chosen = choose_period(validated, period, loaded)
    how = "requested" if period else "latest"
    evaluated = any(e["period"] == chosen.code for e in validated.data("evaluations"))

    # the validation report for the month and nothing else (see reject_run)
    report_args = (outputs_dir, chosen, policy, loaded, validated.issues, wait_seconds, settings.history_url)

    if not evaluated and (validated.issues or chosen in named_periods(validated, loaded)):
        # the month's evaluations were rejected (or depend on rejected rows): report that, and never
        # fall back to an older month
        return replace(run.stage("reject-run", reject_run, *report_args), chosen=how, stopped=True)
    in_force = contracts_in_force(validated, chosen)
    if not evaluated and not in_force:
        raise ConfigError(
            f"输入中没有 {chosen.code} 的绩效评估：请放入该月的评估表（如 evaluations_{chosen.code}.xlsx），或用 --period 指定其他月份",
            f"the inputs have no evaluations for {chosen.code}: add that month's evaluations "
            f"(e.g. evaluations_{chosen.code}.xlsx) or give another month with --period",
            file=str(inputs_dir),
        )
    if strict and validated.issues:  # --strict: the report only, no documents (reject_run)
        return replace(run.stage("reject-run", reject_run, *report_args), chosen=how)
    root = outputs_dir / chosen.code
    # what is kept of the inputs once they are computed: a large month's rows and records are freed
    # before rendering, the longest stage (the process holds the month's results, not every intermediate)
    inputs, ignored, issues = input_fingerprints(loaded), ignored_columns(loaded), validated.issues
    del report_args
    with period_lock(outputs_dir, chosen.code, wait_seconds, settings.history_url):
        store, past, carried = run.stage(
            "open-history", history_stage, outputs_dir, chosen, settings.history_url, settings.history_migrate
        )
        result = run.stage("compute", compute_stage, validated, policy, chosen, past, loaded, carried)
        del past, carried, loaded
        costs = run.stage("analytics", analytics_stage, store, result, policy, validated)
        del validated
        give_back_memory()
        run_id = store.begin_run(
            "monthly",
            chosen.code,
            policy.sha256,
            inputs,
            policy_text=config.text,
            policy_source=Path(config.source).name,
        )
        try:
            retire_manifest(root)  # from here until the new one is written, no manifest can be wrong
            written, rendered = run.stage(
                "render-documents",
                render_stage,
                run,
                root,
                result,
                policy,
                issues,
                settings.templates,
                costs,
                retries=1,
            )
            # a PDF beside each document with --pdf; without it, earlier PDFs of unchanged documents stay
            pdfs = run.stage("pdf", pdf_stage, root, written, pdf)
            published = run.stage("publish", publish_stage, root, result, policy, inputs, issues, written + pdfs, costs)
            run.stage("record-history", record_stage, store, run_id, result, published.files, retries=2)
            manifest = publish_manifest(root, published.manifest)
        except BaseException:
            store.fail_run(run_id)
            raise
    summary = RunSummary(
        period=chosen.code,
        outputs=root,
        grades=result.by_grade(),
        documents=len(written),
        rejected_rows=rejected_row_count(issues),
        issues=issues,
        manifest=manifest,
        rendered=rendered,
        chosen=how,
        notices=tuple((sm.supplier_id, a.action) for sm in result.suppliers for a in sm.actions),
        ignored_columns=ignored,
        not_evaluated=tuple(sm.supplier_id for sm in result.suppliers if not sm.evaluated),
        pdfs=len(pdfs),
    )
    # the month's facts go to the runner's announcement (the flow's artifacts), not into the summary:
    # Prefect walks a flow's return value looking for futures (2.3 s over a month's cost tables)
    run.announce("monthly", summary, MonthFacts(result, costs))
    # the last step, after the lock is released, when the policy says so
    distribute_after_monthly(run, settings, config, chosen.code, outputs_dir, inputs_dir, policy_path)
    return summary


def run_month(
    inputs_dir: Path,
    outputs_dir: Path,
    period: str | None = None,
    policy_path: Path | None = None,
    progress: Callable[..., None] | None = None,
    wait_seconds: float = 0,
    strict: bool = False,
    settings: Settings | None = None,
    pdf: bool = False,
) -> RunSummary:
    """The whole month without Prefect, in one call (the Python API's edge: without `settings`,
    the environment's)."""
    settings = settings or Settings.from_env()
    return monthly(
        PlainRunner(progress), settings, inputs_dir, outputs_dir, period, policy_path, wait_seconds, strict, pdf
    )


REPORTS = ("errors/validation_report.xlsx", "errors/validation_report.json")


# --------------------------------------------------------------------------- --strict
# Some offices would rather pay nothing than pay on a partial month. Then the validation
# report is written (so the office sees every problem at once) and no document is; documents
# an earlier run of the period wrote stay, listed in the manifest with the report.


def reject_run(
    outputs_dir: Path,
    period: Period,
    policy: Policy,
    loaded,
    issues: Sequence[Issue],
    wait_seconds: float = 0,
    store_url: str | None = None,
):
    """Write the validation report for `period` and nothing else; returns the run's summary."""
    root = outputs_dir / period.code
    with period_lock(outputs_dir, period.code, wait_seconds, store_url):
        clean_temporaries(root)
        retire_manifest(root)
        kept = [
            Written(
                e["path"], e["sha256"], e["bytes"], e.get("doc_type", ""), e.get("supplier_id"), e.get("context_sha256")
            )
            for e in previous_entries(root).values()
            if e["path"] not in REPORTS and e["path"] != "manifest.json" and still_valid(root, e)
        ]
        written = [
            write_output(root, REPORTS[0], validation_report_xlsx(issues), "validation_report"),
            write_output(root, REPORTS[1], validation_report_json(issues, period.code), "validation_report"),
        ]
        inputs = input_fingerprints(loaded)
        manifest = manifest_bytes(
            period.code, kept + written, inputs, {"path": Path(policy.source).name, "sha256": policy.sha256}
        )
        publish_manifest(root, manifest)
    return RunSummary(
        period=period.code,
        outputs=root,
        documents=0,
        rejected_rows=rejected_row_count(issues),
        issues=list(issues),
        manifest=root / "manifest.json",
        rendered=0,
    )
