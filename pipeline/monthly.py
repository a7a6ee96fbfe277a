"""The monthly review as plain stages: load → validate → compute → documents → publish.

Each stage is an ordinary function over plain data, so it is tested without Prefect;
`flows.py` wraps them in tasks for retries, logging and parallel rendering.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from .aliases import Aliases, load_aliases
from .coerce import to_period
from .compute import MonthResult, compute_month, latest_period
from .documents import notice_context, portfolio_context, review_context, settlement_context
from .errors import ConfigError, Issue
from .formatting import fixed, label, money
from .intake import InputFile, archive_and_quarantine, discover, read_input
from .load import RawTable
from .periods import Period
from .policy import Policy, load_policy
from .history import HistoryStore, PastResult
from .locking import period_lock
from .publish import (Written, clean_temporaries, fill_sheet, manifest_bytes, previous_entries, remove_stale,
                      still_valid, validation_report_json, validation_report_xlsx, workbook_bytes, write_output)
from .render import render_docx, template_bytes
from . import workforce_docs
from .validate import Validated, validate_tables

TEMPLATES = {
    "review_report": "review_report.docx",
    "settlement_statement": "settlement_statement.docx",
    "portfolio_summary": "portfolio_summary.docx",
}
GRADE_FILLS = {"A": "C8E6C9", "B": "BBDEFB", "C": "FFE0B2", "D": "FFCDD2"}
_PERIOD_TEXT = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_name(identifier: str, limit: int = 80) -> str:
    """A file-name form of an id: no separators, no traversal, no device names. An id that
    had to change gets a short hash of the original, so two ids never share a file."""
    name = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_.\-]|\.{2,}", "_", identifier)).strip("._")[:limit] or "_"
    if _RESERVED.match(name):
        name = f"_{name}"
    if name != identifier:
        name = f"{name}-{hashlib.sha256(identifier.encode('utf-8')).hexdigest()[:8]}"
    return name


@dataclass
class Loaded:
    files: list[InputFile]
    tables: list[RawTable]
    issues: list[Issue]
    aliases: Aliases


RENDERER_VERSION = "vendorflow-render-2"   # bump when rendering changes output for the same context


@dataclass(frozen=True)
class Job:
    """One document to render: where it goes, from which template, with what."""
    relative_path: str
    template: str
    context: dict[str, Any]
    doc_type: str
    supplier_id: str | None = None
    fingerprint: str = ""      # sha256 of template + context + renderer version


def fingerprint(template: str, context: dict[str, Any]) -> str:
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    digest.update(template_bytes(template))
    digest.update(json.dumps(context, sort_keys=True, ensure_ascii=False, default=_fingerprint_of).encode("utf-8"))
    return digest.hexdigest()


def _fingerprint_of(value: Any) -> str:
    """Pictures (and any other bytes-carrying object) enter the fingerprint by content."""
    data = getattr(value, "data", None)
    if isinstance(data, bytes):
        return f"{type(value).__name__}:{hashlib.sha256(data).hexdigest()}:{getattr(value, 'width_mm', '')}"
    return str(value)


def make_job(relative_path: str, template: str, context: dict[str, Any], doc_type: str,
             supplier_id: str | None = None) -> Job:
    return Job(relative_path, template, context, doc_type, supplier_id, fingerprint(template, context))


@dataclass
class RunSummary:
    period: str
    outputs: Path
    grades: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    rejected_rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    manifest: Path | None = None
    rendered: int = 0          # documents rendered this run (the rest were unchanged)

    @property
    def exit_code(self) -> int:
        return 1 if self.issues else 0


def load_stage(inputs_dir: Path, today=None) -> Loaded:
    if not inputs_dir.is_dir():
        raise ConfigError("输入文件夹不存在", "the inputs folder does not exist", file=str(inputs_dir))
    aliases = load_aliases(inputs_dir)
    files, issues = discover(inputs_dir)
    # every input is archived before it is read; files unusable as a whole go to rejected/
    archive_and_quarantine(inputs_dir, files, issues, today)
    tables = [t for f in files for t in read_input(f, aliases)]
    archive_and_quarantine(inputs_dir, [], [i for t in tables for i in t.issues], today)
    return Loaded(files, tables, issues, aliases)


def validate_stage(loaded: Loaded) -> Validated:
    validated = validate_tables(loaded.tables, loaded.aliases)
    validated.issues = loaded.issues + validated.issues
    return validated


def find_policy(inputs_dir: Path, policy_path: Path | None) -> Policy:
    path = policy_path or inputs_dir / "policy.yaml"
    return load_policy(path)


def choose_period(validated: Validated, requested: str | None, loaded: Loaded | None = None) -> Period:
    """The period asked for; else the latest valid evaluation's; else, when every evaluation
    was rejected, the latest period the evaluation files name, so the rejection is still reported."""
    if requested:
        return Period.parse(requested)
    latest = latest_period(validated.data("evaluations"))
    if latest is None and loaded is not None:
        named = set()
        for table in loaded.tables:
            if table.kind == "evaluations":
                named |= {p for r in table.rows if isinstance(p := to_period(r.cells.get("period")), str)}
        latest = max((Period.parse(p) for p in named if _PERIOD_TEXT.match(p)), default=None)
    if latest is None:
        raise ConfigError("输入中没有有效的绩效评估记录，无法确定考核期间；请用 --period 指定",
                          "no valid evaluation in the inputs to take the period from; give --period")
    return latest


def history_stage(outputs_dir: Path, period: Period) -> tuple[HistoryStore, list[PastResult]]:
    """Open the store before anything is written (a damaged store stops the run cleanly) and
    read what earlier periods recorded."""
    store = HistoryStore.for_outputs(outputs_dir)
    return store, [r for r in store.current_results() if r.period < period.code]


def compute_stage(validated: Validated, policy: Policy, period: Period, past: Sequence[PastResult] = ()) -> MonthResult:
    return compute_month({k: validated.data(k) for k in validated.records}, policy, period, past)


def input_fingerprints(loaded: Loaded) -> list[dict[str, Any]]:
    return [{"path": f.path.name, "kind": f.kind, "sha256": f.sha256, "bytes": f.bytes} for f in loaded.files]


def record_stage(store: HistoryStore, run_id: str, result: MonthResult, written: Sequence[Written]) -> None:
    """The period's results, flags, actions and documents, superseding an earlier run of it."""
    rows, flag_rows, action_rows = [], [], []
    for sm in result.suppliers:
        s = sm.settlement
        rows.append({
            "supplier_id": sm.supplier_id, "name_zh": sm.supplier["name_zh"], "name_en": sm.supplier.get("name_en", ""),
            "category": sm.supplier["category"], "rated": sm.card.rated,
            "score": str(sm.card.total) if sm.card.rated else None, "grade": sm.card.band.grade if sm.card.rated else None,
            "kpis_json": json.dumps({r.kpi.field: {"actual": None if r.actual is None else str(r.actual),
                                                   "score": None if r.score is None else str(r.score.quantize(Decimal("0.01")))}
                                     for r in sm.card.kpis}, ensure_ascii=False, sort_keys=True),
            "penalties": str(s.penalty_net) if s else None, "rewards": str(s.reward_total) if s else None,
            "payable": str(s.payable) if s else None, "currency": s.currency if s else None,
            "incidents_json": json.dumps([{k: str(v) for k, v in i.items()} for i in sm.incidents], ensure_ascii=False),
        })
        for a in sm.actions:
            action_rows.append({"supplier_id": sm.supplier_id, "action": a.action, "status_from": a.status_from,
                                "status_to": a.status_to, "reason_zh": "；".join(z for z, _ in a.reasons),
                                "reason_en": "; ".join(e for _, e in a.reasons)})
    for f in result.all_flags():
        flag_rows.append({"supplier_id": f.supplier_id, "code": f.code, "severity": f.severity,
                          "message_zh": f.message_zh, "message_en": f.message_en})
    docs = [{"path": w.path, "sha256": w.sha256, "doc_type": w.doc_type, "supplier_id": w.supplier_id} for w in written]
    store.complete_run(run_id, result.period.code, "monthly", rows, flag_rows, action_rows, docs)


def rejected_row_count(issues: Sequence[Issue]) -> int:
    """Rows left out: a row is its file, sheet and number (contracts and items share a workbook)."""
    return len({(i.file, i.sheet, i.row) for i in issues if i.row is not None})


def document_jobs(result: MonthResult, policy: Policy, issues: Sequence[Issue]) -> list[Job]:
    return list(iter_document_jobs(result, policy, issues))


def count_documents(result: MonthResult) -> int:
    """How many documents `iter_document_jobs` gives, without building a context."""
    n = 1                                                   # the portfolio summary
    for sm in result.suppliers:
        n += 1 + (sm.settlement is not None)
        n += sum(1 + bool(a.rule.exit_review) for a in sm.actions)
    return n


def iter_document_jobs(result: MonthResult, policy: Policy, issues: Sequence[Issue]) -> Iterator[Job]:
    """The month's documents one at a time: each context (chart pictures included) is built
    only when the renderer asks for it, so a large month never holds them all."""
    period = result.period
    code = period.code
    jobs = _Emitter()
    for sm in result.suppliers:
        name = safe_name(sm.supplier_id)
        jobs.append(make_job(f"reports/{name}_review_{code}.docx", TEMPLATES["review_report"],
                             review_context(sm, policy, period), "review_report", sm.supplier_id))
        if sm.settlement is not None:
            jobs.append(make_job(f"settlements/{name}_settlement_{code}.docx", TEMPLATES["settlement_statement"],
                                 settlement_context(sm, policy, period), "settlement_statement", sm.supplier_id))
        for action in sm.actions:
            jobs.append(make_job(f"notices/{name}_{action.action}_{code}.docx", f"{action.action}.docx",
                                 notice_context(sm, action, policy, period), action.action, sm.supplier_id))
            if action.rule.exit_review:     # internal: for the vendor office, never sent to the supplier
                jobs.append(make_job(f"notices/{name}_exit_review_{code}.docx", "exit_review.docx",
                                     notice_context(sm, action, policy, period, "exit_review"), "exit_review", sm.supplier_id))
        yield from jobs.drain()
    jobs.append(make_job(f"summary/portfolio_{code}.docx", TEMPLATES["portfolio_summary"],
                         portfolio_context(result, policy, issues, rejected_row_count(issues)), "portfolio_summary"))
    yield from jobs.drain()


class _Emitter(list):
    """A list that hands over what was appended since the last drain (keeps the job code above readable)."""

    def drain(self) -> list:
        out = list(self)
        self.clear()
        return out


@dataclass
class Plan:
    """Documents to render, given lazily, and those an earlier run already wrote (filled in
    as `todo` is consumed: complete once it is exhausted)."""
    todo: Iterator[Job]
    reused: list[Written]


def plan_stream(root: Path, jobs: Iterable[Job], on_reused: Callable[[int], None] | None = None) -> Plan:
    """`plan_documents` for a generator of jobs: the same decisions, one job at a time."""
    clean_temporaries(root)
    before = previous_entries(root)
    reused: list[Written] = []

    def todo() -> Iterator[Job]:
        for job in jobs:
            entry = before.get(job.relative_path)
            if entry and entry.get("context_sha256") == job.fingerprint and still_valid(root, entry):
                reused.append(Written(job.relative_path, entry["sha256"], entry["bytes"], job.doc_type,
                                      job.supplier_id, job.fingerprint))
                if on_reused:
                    on_reused(1)
            else:
                yield job
    return Plan(todo(), reused)


def plan_documents(root: Path, jobs: Sequence[Job]) -> tuple[list[Job], list[Written]]:
    """Split jobs into those to render and documents a complete earlier run already wrote
    from the same template and context (checked against the file on disk)."""
    clean_temporaries(root)
    before = previous_entries(root)
    todo, reused = [], []
    for job in jobs:
        entry = before.get(job.relative_path)
        if entry and entry.get("context_sha256") == job.fingerprint and still_valid(root, entry):
            reused.append(Written(job.relative_path, entry["sha256"], entry["bytes"], job.doc_type,
                                  job.supplier_id, job.fingerprint))
        else:
            todo.append(job)
    return todo, reused


def render_and_write(root: Path, jobs: Iterable[Job], progress: Callable[[int], None] | None = None) -> list[Written]:
    written = []
    for job in jobs:
        data = render_docx(job.template, job.context, job.relative_path)
        written.append(write_output(root, job.relative_path, data, job.doc_type, job.supplier_id, job.fingerprint))
        if progress:
            progress(1)
    return written


def scoreboard_bytes(result: MonthResult, policy: Policy) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"评分 {result.period.code}"
    kpi_headers = []
    for k in policy.kpis:
        kpi_headers += [f"{k.name_zh} 实际 {k.name_en} actual", f"{k.name_zh} 得分 {k.name_en} score"]
    headers = (["供应商编号 Supplier ID", "供应商名称 Name", "英文名称 English name", "类别 Category", "期间 Period"]
               + kpi_headers + ["总分 Total", "评级 Grade", "上期得分 Previous", "变化 Change",
                                "扣款 Penalties", "奖励 Rewards", "应付金额 Payable", "币种 Currency"])
    rows = []
    for sm in result.suppliers:
        card, s = sm.card, sm.settlement
        kpi_cells = []
        for r in card.kpis:
            kpi_cells += [float(r.actual) if r.actual is not None else "N/A",
                          float(fixed(r.score)) if r.score is not None else "N/A"]
        prev = sm.previous.total if sm.previous is not None and sm.previous.rated else None
        rows.append([sm.supplier_id, sm.supplier["name_zh"], sm.supplier.get("name_en", ""),
                     label("category", sm.supplier["category"])[0], result.period.code, *kpi_cells,
                     float(card.total) if card.rated else "N/A", card.band.grade if card.rated else "—",
                     float(prev) if prev is not None else None,
                     float(card.total - prev) if prev is not None and card.rated else None,
                     float(s.penalty_net) if s else None, float(s.reward_total) if s else None,
                     float(s.payable) if s else None, s.currency if s else None])
    fill_sheet(ws, headers, rows, [12, 30, 36, 12, 10] + [12] * len(kpi_headers) + [10, 8, 10, 10, 14, 14, 16, 8])
    money_cols = range(len(headers) - 3, len(headers))
    grade_col = headers.index("评级 Grade") + 1
    for row in ws.iter_rows(min_row=2):
        for idx in money_cols:
            row[idx - 1].number_format = "#,##0.00"
        colour = GRADE_FILLS.get(row[grade_col - 1].value)
        if colour:
            row[grade_col - 1].fill = PatternFill("solid", fgColor=colour)
    ws.auto_filter.ref = ws.dimensions
    checks = workforce_docs.check_rows(result)
    if checks or result.dispatch is not None:
        hr = wb.create_sheet("用工合规 Workforce checks")
        fill_sheet(hr, ["供应商编号 Supplier ID", "工号 Worker ID (或合同 or contract)", "检查项", "Check",
                        "严重程度 Severity", "说明", "Explanation"], checks, [12, 18, 26, 30, 10, 60, 60])
        hr.auto_filter.ref = hr.dimensions
    return workbook_bytes(wb)


CONTRACT_DOC_TYPES = ("contract", "contract_pdf")     # written by `vendorflow contracts --period`


def contract_files(root: Path) -> list[Written]:
    """Contracts that `vendorflow contracts --period` wrote into this period's folder: not the
    monthly run's to remove; kept (when still intact) so one manifest lists all."""
    return [Written(e["path"], e["sha256"], e["bytes"], e["doc_type"], e.get("supplier_id"), e.get("context_sha256"))
            for e in previous_entries(root).values()
            if e.get("doc_type") in CONTRACT_DOC_TYPES and still_valid(root, e)]


def publish_stage(root: Path, result: MonthResult, policy: Policy, loaded: Loaded,
                  issues: Sequence[Issue], documents: Sequence[Written]) -> Path:
    """Scoreboard, validation report when input was rejected, then the manifest, last."""
    code = result.period.code
    written = list(documents)
    written.append(write_output(root, f"summary/scoreboard_{code}.xlsx", scoreboard_bytes(result, policy), "scoreboard"))
    if issues:
        written.append(write_output(root, "errors/validation_report.xlsx", validation_report_xlsx(issues), "validation_report"))
        written.append(write_output(root, "errors/validation_report.json", validation_report_json(issues, code), "validation_report"))
    written += contract_files(root)
    remove_stale(root, {w.path for w in written})
    manifest = manifest_bytes(code, written, input_fingerprints(loaded), {"path": Path(policy.source).name, "sha256": policy.sha256})
    write_output(root, "manifest.json", manifest, "manifest")
    return root / "manifest.json"


def manifest_files(manifest: Path) -> list[Written]:
    entries = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    return [Written(e["path"], e["sha256"], e["bytes"], e["doc_type"], e.get("supplier_id"), e.get("context_sha256"))
            for e in entries]


def run_month(inputs_dir: Path, outputs_dir: Path, period: str | None = None, policy_path: Path | None = None,
              progress: Callable[[int], None] | None = None, wait_seconds: float = 0, strict: bool = False) -> RunSummary:
    """The whole month without Prefect: what the flow does, in one call."""
    policy = find_policy(inputs_dir, policy_path)
    loaded = load_stage(inputs_dir)
    validated = validate_stage(loaded)
    chosen = choose_period(validated, period, loaded)
    if strict and validated.issues:     # --strict: the report only, no documents (rejection.py)
        from .rejection import reject_run
        return reject_run(outputs_dir, chosen, policy, loaded, validated.issues, wait_seconds)
    root = outputs_dir / chosen.code
    with period_lock(outputs_dir, chosen.code, wait_seconds):
        store, past = history_stage(outputs_dir, chosen)
        result = compute_stage(validated, policy, chosen, past)
        run_id = store.begin_run("monthly", chosen.code, policy.sha256, input_fingerprints(loaded))
        try:
            plan = plan_stream(root, iter_document_jobs(result, policy, validated.issues), progress)
            rendered = render_and_write(root, plan.todo, progress)
            written = plan.reused + rendered
            manifest = publish_stage(root, result, policy, loaded, validated.issues, written)
            record_stage(store, run_id, result, manifest_files(manifest))
        except BaseException:
            store.fail_run(run_id)
            raise
    return RunSummary(period=chosen.code, outputs=root, grades=result.by_grade(), documents=len(written),
                      rejected_rows=rejected_row_count(validated.issues), issues=validated.issues, manifest=manifest,
                      rendered=len(rendered))
