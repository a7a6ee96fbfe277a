"""Prefect 3 flows: each run of `pipeline.runs` executed by a `PrefectRunner`.

A run is declared once (`pipeline.runs.monthly.monthly`, `contracts`, `selection`, `review`,
`distribution`); here each of its named stages becomes a task run, rendering goes to a
process pool on all cores (`parallel`) or, with VENDORFLOW_DASK_ADDRESS set, to that Dask
cluster (`dask`), and the run's facts become artifacts in the Prefect UI. Tasks are coarse,
one per stage, because a task run costs milliseconds and a flow run about a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from pipeline.compute.consequences import ACTION_LABELS
from pipeline.config.labels import label
from pipeline.config.policy import load_policy
from pipeline.distribute.delivery import group_label
from pipeline.errors import ConfigError
from pipeline.orchestration import dask as dask_render
from pipeline.orchestration import parallel
from pipeline.orchestration.schedule import period_for_run
from pipeline.publish.jobs import Job
from pipeline.publish.outputs import Written
from pipeline.render.environment import set_time_limit
from pipeline.runs.contracts import ContractRunSummary, contracts
from pipeline.runs.distribution import distribution
from pipeline.runs.monthly import MonthFacts, RunSummary, monthly
from pipeline.runs.review import ReviewSummary, review
from pipeline.runs.selection import SelectionSummary, selection
from pipeline.settings import Settings

_progress: Callable[..., None] | None = None


def set_progress(callback: Callable[..., None] | None) -> None:
    """The terminal's progress, fed in the flow's process: for the monthly run (0, total) once
    before rendering, then (n,) per n documents written; for distribution one call per message."""
    global _progress
    _progress = callback


class PrefectRunner:
    """Executes a run's declaration with each stage as a Prefect task run."""

    def __init__(self, settings: Settings, progress: Callable[..., None] | None = None) -> None:
        self.settings = settings
        self.progress = progress
        set_time_limit(settings.render_seconds)  # a flow run is an edge too (a deployment's worker)
        self._tasks: dict[tuple[str, Callable], Any] = {}

    def stage(self, name: str, fn: Callable, *args: Any, retries: int = 0, **kwargs: Any) -> Any:
        key = (name, fn)
        if key not in self._tasks:
            self._tasks[key] = task(
                fn, name=name, cache_policy=NONE, retries=retries, retry_delay_seconds=1 if retries else 0
            )
        # quote(): Prefect would otherwise walk every record of these values looking for futures
        # (seconds per task on thousands of suppliers); the task receives the value itself
        return self._tasks[key](*[quote(a) for a in args], **{k: quote(v) for k, v in kwargs.items()})

    def render(self, jobs: Iterable[Job], root: Path, total: int) -> list[Written]:
        logger = get_run_logger()
        address = self.settings.dask_address
        if address:
            logger.info("rendering up to %d documents on the Dask cluster at %s", total, address)
            return dask_render.render_on_dask(jobs, root, address, progress=self.progress, total=total)
        workers = parallel.default_workers(self.settings.render_workers)
        logger.info("rendering up to %d documents on %d processes", total, workers)
        return parallel.render_many(jobs, root, workers=workers, progress=self.progress, total=total)

    def announce(self, run: str, summary: Any, facts: Any = None) -> None:
        ANNOUNCE[run](summary, facts)


def warm_up_monthly() -> None:
    """What the monthly run's stages import at their first use (matplotlib and its fonts for the
    charts, docxtpl for the portfolio summary the run's own process renders, XlsxWriter for the
    workbooks, alembic for the history store), imported now: the command calls this while its
    temporary Prefect server boots, so the seconds are spent waiting rather than in the run."""
    import alembic.runtime.migration  # noqa: F401
    import docxtpl  # noqa: F401
    import xlsxwriter  # noqa: F401

    from pipeline.documents import charts

    charts.load()


# --------------------------------------------------------------------------- artifacts
# What shows in the Prefect UI: ids, names, scores and counts only, never personal data or addresses.


def _monthly_artifacts(summary: RunSummary, facts: MonthFacts) -> None:
    code = summary.period
    result = facts.result
    create_table_artifact(
        key=f"scoreboard-{code}",
        table=[
            {
                "供应商 supplier": sm.supplier_id,
                "名称 name": sm.supplier["name_zh"],
                "英文名称 English name": sm.supplier.get("name_en", ""),
                "总分 score": float(sm.card.total) if sm.card.rated else None,
                "评级 grade": sm.card.band.grade if sm.card.rated else "—",
                "风险 flags": len(sm.flags),
                "通知 notices": ", ".join(
                    f"{ACTION_LABELS[a.action][0]} {ACTION_LABELS[a.action][1]}" for a in sm.actions
                ),
                "应付 payable": float(sm.settlement.payable) if sm.settlement else None,
            }
            for sm in result.suppliers
        ],
        description=f"vendorflow 评分 scoreboard {code}",
    )
    grades = " | ".join(f"{g}: {n}" for g, n in sorted(summary.grades.items()))
    flags = result.all_flags()
    by_severity = " | ".join(
        f"{s}: {sum(1 for f in flags if f.severity == s)}" for s in ("critical", "high", "medium", "low")
    )
    actions = sum(len(sm.actions) for sm in result.suppliers)
    create_markdown_artifact(
        key=f"monthly-{code}",
        markdown=(
            f"# 月度评估 Monthly review {code}\n\n- 文档 documents: {summary.documents}（本次渲染 rendered this run: {summary.rendered}）\n"
            f"- 评级 grades: {grades}\n- 风险 risk flags: {len(flags)} ({by_severity})\n- 通知 notices: {actions}\n"
            f"- 被拒绝的行 rejected rows: {summary.rejected_rows}\n- 输出 outputs: `{summary.outputs}`\n"
        ),
        description="vendorflow 月度评估 monthly run summary",
    )
    _cost_artifact(summary.period, facts.costs)


def cost_table(costs: Any) -> list[dict[str, Any]]:
    """The month's cost table for the Prefect UI: one row per currency and category (the analytics
    workbook's `by_category`, budget beside it), amounts as text to the fen."""

    def m(value: Any) -> str | None:
        return None if value is None else f"{value:,.2f}"

    budget = {(b["currency"], b["category"]): b for b in costs.budget}
    return [
        {
            "币种 currency": r["currency"],
            "类别 category": " ".join(label("category", r["category"])),
            "供应商 suppliers": r["suppliers"],
            "合同金额 contract amount": m(r["base"]),
            "违约金 liquidated damages": m(r["penalties"]),
            "奖励 rewards": m(r["rewards"]),
            "应付 payable": m(r["payable"]),
            "不含税 net of VAT": m(r["tax_exclusive"]),
            "税额 VAT": m(r["vat"]),
            "预算 budget": m(budget[(r["currency"], r["category"])]["budget"])
            if (r["currency"], r["category"]) in budget
            else None,
            "差异 variance": m(budget[(r["currency"], r["category"])]["variance"])
            if (r["currency"], r["category"]) in budget
            else None,
        }
        for r in costs.by_category
    ]


def _cost_artifact(period: str, costs: Any) -> None:
    if costs is None:
        return
    create_table_artifact(
        key=f"costs-{period}",
        table=cost_table(costs),
        description=f"vendorflow 成本分析 cost analysis {period} (summary/analytics_{period}.xlsx)",
    )
    forecast = "\n".join(
        f"| {r['month']} | {r['currency']} | {r['contracts']} | {r['amount']:,.2f} |" for r in costs.forecast_totals
    )
    create_markdown_artifact(
        key=f"forecast-{period}",
        markdown=(
            f"# 未来三个月支出预测 Forecast {period}\n\n| 月份 month | 币种 currency | 合同 contracts | "
            f"预测支出 forecast |\n|---|---|---|---|\n{forecast}\n"
        ),
        description="vendorflow 支出预测 spend forecast",
    )


def _contracts_artifacts(summary: ContractRunSummary, _: Any) -> None:
    create_markdown_artifact(
        key=f"contracts-{summary.folder}".lower().replace("_", "-"),
        markdown=(
            f"# 合同 Contracts {summary.folder}\n\n- 合同 contracts: {summary.documents}\n- PDF: {summary.pdfs}\n"
            f"- 未生成 records left out: {len(summary.issues)}\n- 请复核 warnings: {len(summary.warnings)}\n"
            f"- 输出 outputs: `{summary.outputs}`\n"
        ),
        description="vendorflow 合同 contracts run summary",
    )


def _selection_artifacts(summary: SelectionSummary, _: Any) -> None:
    result = summary.result
    get_run_logger().info(
        "event %s: winner %s, back-up %s",
        result.event_id,
        result.winner.supplier_id if result.winner else "none",
        result.backup.supplier_id if result.backup else "none",
    )


def _review_artifacts(summary: ReviewSummary, _: Any) -> None:
    create_markdown_artifact(
        key=f"review-{summary.code.lower()}",
        markdown=(
            f"# 定期评审 Periodic review {summary.code}\n\n- 供应商 suppliers: {summary.suppliers}\n"
            f"- 有记录的月份 months recorded: {summary.months_recorded}\n- 文档 documents: {summary.documents}\n"
            f"- 输出 outputs: `{summary.outputs}`\n"
        ),
        description="vendorflow 定期评审 periodic review summary",
    )


def _distribution_artifacts(report: Any, _: Any) -> None:
    dry = " (dry run)" if report.dry_run else ""
    create_markdown_artifact(
        key=f"distribution-{report.period}",
        markdown=(
            f"# 分发 Distribution {report.period}{dry}\n\n"
            f"- 已发送 sent: {len(report.groups('sent'))} ({', '.join(map(group_label, report.groups('sent'))) or '—'})\n"
            f"- 已跳过（此前已发送）skipped (already sent): {len(report.groups('skipped'))}\n"
            f"- 失败 failed: {len(report.groups('failed'))} ({', '.join(map(group_label, report.groups('failed'))) or '—'})\n"
            f"- 邮件 messages: {len(report.outcomes)}\n"
        ),
        description="vendorflow 分发 distribution summary (ids and counts only)",
    )


ANNOUNCE = {
    "monthly": _monthly_artifacts,
    "contracts": _contracts_artifacts,
    "selection": _selection_artifacts,
    "review": _review_artifacts,
    "distribution": _distribution_artifacts,
}


# --------------------------------------------------------------------------- flows


def run_name(kind: str, parameter: str) -> Callable[[], str]:
    """A flow run named after what it does and its period or event (monthly-2026-10,
    review-2026-Q3, select-SEL-2026-11) instead of Prefect's random words."""

    def name() -> str:
        from prefect.runtime import flow_run  # inside a flow run only

        params = flow_run.parameters
        value = params.get(parameter)
        if kind == "monthly":
            value = period_for_run(value, params.get("timezone") or "Asia/Shanghai")
        return f"{kind}-{value or 'latest'}"

    return name


# Each flow is a worker's edge: it reads the deployment's settings once (`Settings.from_env()`)
# and passes them down with its parameters.


@flow(name="vendorflow-monthly", flow_run_name=run_name("monthly", "period"), log_prints=False)
def monthly_flow(
    inputs: str = "inputs",
    outputs: str = "outputs",
    period: str | None = None,
    policy: str | None = None,
    wait_seconds: float = 0,
    strict: bool = False,
    timezone: str = "Asia/Shanghai",
    pdf: bool = False,
) -> RunSummary:
    """The monthly review. `period`: YYYY-MM; none for the latest in the inputs; or
    "previous-month" (scheduled runs): the month before the run's scheduled time in `timezone`.
    `pdf`: a PDF beside every document."""
    settings = Settings.from_env()
    return monthly(
        PrefectRunner(settings, _progress),
        settings,
        Path(inputs),
        Path(outputs),
        period_for_run(period, timezone),
        Path(policy) if policy else None,
        wait_seconds,
        strict,
        pdf,
    )


@flow(name="vendorflow-review", flow_run_name=run_name("review", "period"), log_prints=False)
def review_flow(period: str, outputs: str = "outputs", policy: str | None = None) -> ReviewSummary:
    """Quarterly (YYYY-Qn) or annual (YYYY) roll-up of the months in the history store, scored
    with the policy the store kept for them unless `policy` (a policy.yaml) is given."""
    settings = Settings.from_env()
    return review(PrefectRunner(settings), settings, Path(outputs), period, load_policy(policy) if policy else None)


@flow(name="vendorflow-contracts", flow_run_name=run_name("contracts", "period"), log_prints=False)
def contracts_flow(
    inputs: str = "inputs",
    outputs: str = "outputs",
    period: str | None = None,
    templates: str | None = None,
    pdf: bool = False,
    policy: str | None = None,
) -> ContractRunSummary | ConfigError:
    """A template that would fail, or --pdf without LibreOffice, comes back as a value (the
    ConfigError) for the command line to report before anything is written."""
    try:
        settings = Settings.from_env()
        return contracts(
            PrefectRunner(settings),
            settings,
            Path(inputs),
            Path(outputs),
            period,
            templates,
            pdf,
            Path(policy) if policy else None,
        )
    except ConfigError as exc:
        get_run_logger().info("%s", exc)
        return exc


@flow(name="vendorflow-select", flow_run_name=run_name("select", "event"), log_prints=False)
def selection_flow(
    event: str, inputs: str = "inputs", outputs: str = "outputs", policy: str | None = None
) -> SelectionSummary | ConfigError:
    """An event ID that no candidates row carries is a user's typo, not a crash: it comes back
    as a value (UnknownEvent, a ConfigError) for the command line to report."""
    try:
        settings = Settings.from_env()
        return selection(
            PrefectRunner(settings), settings, Path(inputs), Path(outputs), event, Path(policy) if policy else None
        )
    except ConfigError as exc:
        get_run_logger().info("%s", exc)
        return exc


@flow(name="vendorflow-distribute", flow_run_name=run_name("distribute", "period"), log_prints=False)
def distribute_flow(
    period: str,
    outputs: str = "outputs",
    inputs: str = "inputs",
    policy: str | None = None,
    dry_run: bool = False,
    resend: Sequence[str] = (),
    wait_seconds: float = 0,
    resend_uncertain: bool = False,
    allow_shared_addresses: bool = False,
):
    settings = Settings.from_env()
    return distribution(
        PrefectRunner(settings, _progress),
        settings,
        period,
        Path(outputs),
        Path(inputs),
        Path(policy) if policy else None,
        dry_run,
        list(resend),
        wait_seconds,
        resend_uncertain=resend_uncertain,
        allow_shared=allow_shared_addresses,
    )
