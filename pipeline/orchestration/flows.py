"""Prefect 3 flows: thin shells over the plain stages in `monthly.py`.

Tasks are coarse — one per stage, rendering in chunks of documents — because a task run
costs milliseconds and a flow run about a second; never a task per document.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from pipeline.runs import monthly
from pipeline.orchestration import parallel
from pipeline.compute.month import MonthResult
from pipeline.publish.locking import period_lock
from pipeline.runs.stages import Loaded
from pipeline.runs.monthly import RunSummary, reject_run
from pipeline.periods import Period
from pipeline.config.policy import Policy
from pipeline.publish.outputs import Written
from pipeline.validation.records import Validated

RENDER_CHUNK = 25
_progress: Callable[..., None] | None = None


def set_progress(callback: Callable[..., None] | None) -> None:
    """The terminal's progress bar, fed by the render tasks of this process:
    called once as (0, total) before rendering, then (n,) per n documents written."""
    global _progress
    _progress = callback


@task(name="load-policy", cache_policy=NONE)
def load_policy_task(inputs_dir: Path, policy_path: Path | None) -> Policy:
    return monthly.find_policy(inputs_dir, policy_path)


@task(name="intake-and-load", cache_policy=NONE)
def load_task(inputs_dir: Path) -> Loaded:
    loaded = monthly.load_stage(inputs_dir)
    get_run_logger().info("read %d input files, %d tables", len(loaded.files), len(loaded.tables))
    return loaded


@task(name="validate", cache_policy=NONE)
def validate_task(loaded: Loaded) -> Validated:
    validated = monthly.validate_stage(loaded)
    get_run_logger().info("%d problems in the inputs", len(validated.issues))
    return validated


@task(name="compute", cache_policy=NONE)
def compute_task(validated: Validated, policy: Policy, period: Period, past: list) -> MonthResult:
    return monthly.compute_stage(validated, policy, period, past)


@task(name="open-history", cache_policy=NONE)
def history_task(outputs_dir: Path, period: Period):
    return monthly.history_stage(outputs_dir, period)


@task(name="record-history", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def record_task(store, run_id: str, result: MonthResult, manifest: Path) -> None:
    monthly.record_stage(store, run_id, result, monthly.manifest_files(manifest))


@task(name="render-documents", cache_policy=NONE, retries=1, retry_delay_seconds=1)
def render_task(root: Path, result: MonthResult, policy: Policy, issues: list) -> tuple[list[Written], int]:
    """One task for all documents: contexts are built as the renderers ask for them (a
    month never holds them all), chunks go to a process pool on all cores (parallel.py) or,
    with VENDORFLOW_DASK_ADDRESS set, to that Dask cluster (dask_render.py). Returns the
    manifest entries of every document, rendered now or unchanged since an earlier run, and
    how many were rendered now;
    progress is reported here, in the flow's process, as each chunk is written."""
    from pipeline.orchestration import dask as dask_render
    total = monthly.count_documents(result)
    if _progress:
        _progress(0, total)
    plan = monthly.plan_stream(root, monthly.iter_document_jobs(result, policy, issues), _progress)
    address = dask_render.dask_address()
    if address:
        get_run_logger().info("rendering up to %d documents on the Dask cluster at %s", total, address)
        rendered = dask_render.render_on_dask(plan.todo, root, address, progress=_progress, total=total)
    else:
        workers = parallel.default_workers()
        get_run_logger().info("rendering up to %d documents on %d processes", total, workers)
        rendered = parallel.render_many(plan.todo, root, workers=workers, progress=_progress, total=total)
    get_run_logger().info("%d documents rendered, %d unchanged", len(rendered), len(plan.reused))
    return plan.reused + rendered, len(rendered)


@task(name="publish", cache_policy=NONE)
def publish_task(root: Path, result: MonthResult, policy: Policy, loaded: Loaded, validated: Validated,
                 documents: list[Written]) -> Path:
    return monthly.publish_stage(root, result, policy, loaded, validated.issues, documents)


def publish_artifacts(code: str, summary: RunSummary, result: MonthResult) -> None:
    """What shows in the Prefect UI: the scoreboard as a table and a short summary.
    Only ids, names, scores and counts: no personal data."""
    create_table_artifact(
        key=f"scoreboard-{code}",
        table=[{"supplier": sm.supplier_id, "name": sm.supplier["name_zh"],
                "score": float(sm.card.total) if sm.card.rated else None,
                "grade": sm.card.band.grade if sm.card.rated else "—",
                "flags": len(sm.flags), "actions": ", ".join(a.action for a in sm.actions),
                "payable": float(sm.settlement.payable) if sm.settlement else None} for sm in result.suppliers],
        description=f"vendorflow scoreboard {code}",
    )
    grades = " | ".join(f"{g}: {n}" for g, n in sorted(summary.grades.items()))
    flags = result.all_flags()
    by_severity = " | ".join(f"{s}: {sum(1 for f in flags if f.severity == s)}" for s in ("critical", "high", "medium", "low"))
    actions = sum(len(sm.actions) for sm in result.suppliers)
    create_markdown_artifact(
        key=f"monthly-{code}",
        markdown=(f"# Monthly review {code}\n\n- documents: {summary.documents} (rendered this run: {summary.rendered})\n"
                  f"- grades: {grades}\n- risk flags: {len(flags)} ({by_severity})\n- notices: {actions}\n"
                  f"- rejected rows: {summary.rejected_rows}\n- outputs: `{summary.outputs}`\n"),
        description="vendorflow monthly run summary",
    )


@flow(name="vendorflow-monthly", log_prints=False)
def monthly_flow(inputs: str = "inputs", outputs: str = "outputs", period: str | None = None,
                 policy: str | None = None, wait_seconds: float = 0, strict: bool = False,
                 timezone: str = "Asia/Shanghai") -> RunSummary:
    """The monthly review. `period`: YYYY-MM; none for the latest in the inputs; or
    "previous-month" (scheduled runs): the month before the run's scheduled time in `timezone`."""
    from pipeline.orchestration.schedule import period_for_run
    period = period_for_run(period, timezone)
    inputs_dir, outputs_dir = Path(inputs), Path(outputs)
    the_policy = load_policy_task(inputs_dir, Path(policy) if policy else None)
    loaded = load_task(inputs_dir)
    # quote(): Prefect would otherwise walk every record of these objects looking for futures
    # (seconds per task on thousands of suppliers); the task receives the value itself
    validated = validate_task(quote(loaded))
    chosen = monthly.choose_period(validated, period, loaded)
    if strict and validated.issues:     # --strict: the report only, no documents (reject_run)
        return reject_run(outputs_dir, chosen, the_policy, loaded, validated.issues, wait_seconds)
    root = outputs_dir / chosen.code
    with period_lock(outputs_dir, chosen.code, wait_seconds):
        store, past = history_task(outputs_dir, chosen)
        result = compute_task(quote(validated), the_policy, chosen, quote(past))
        run_id = store.begin_run("monthly", chosen.code, the_policy.sha256, monthly.input_fingerprints(loaded))
        try:
            # quote: Prefect does not walk thousands of records looking for futures
            documents, rendered = render_task(root, quote(result), the_policy, quote(validated.issues))
            manifest = publish_task(root, quote(result), the_policy, quote(loaded), quote(validated), quote(documents))
            record_task(store, run_id, quote(result), manifest)
        except BaseException:
            store.fail_run(run_id)
            raise
    summary = RunSummary(period=chosen.code, outputs=root, grades=result.by_grade(), documents=len(documents),
                         rejected_rows=monthly.rejected_row_count(validated.issues), issues=validated.issues,
                         manifest=manifest, rendered=rendered)
    publish_artifacts(chosen.code, summary, result)
    from pipeline.orchestration.distribute_flow import distribute_after_monthly   # does nothing unless the policy asks for it
    distribute_after_monthly(chosen.code, outputs, inputs, policy)
    return summary


@task(name="periodic-review", cache_policy=NONE)
def periodic_review_task(outputs_dir: Path, period: str, policy: Policy):
    from pipeline.runs.review import run_review
    return run_review(outputs_dir, period, policy)


@flow(name="vendorflow-review", log_prints=False)
def review_flow(period: str, outputs: str = "outputs", policy: str = "inputs/policy.yaml"):
    """Quarterly (YYYY-Qn) or annual (YYYY) roll-up of the months in the history store."""
    from pipeline.config.policy import load_policy
    summary = periodic_review_task(Path(outputs), period, load_policy(policy))
    create_markdown_artifact(
        key=f"review-{summary.code.lower()}",
        markdown=(f"# Periodic review {summary.code}\n\n- suppliers: {summary.suppliers}\n"
                  f"- months recorded: {summary.months_recorded}\n- documents: {summary.documents}\n"
                  f"- outputs: `{summary.outputs}`\n"),
        description="vendorflow periodic review summary",
    )
    return summary
