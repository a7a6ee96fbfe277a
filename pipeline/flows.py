"""Prefect 3 flows: thin shells over the plain stages in `monthly.py`.

Tasks are coarse — one per stage, rendering in chunks of documents — because a task run
costs milliseconds and a flow run about a second; never a task per document.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from . import monthly
from .compute import MonthResult
from .locking import period_lock
from .monthly import Job, Loaded, RunSummary
from .periods import Period
from .policy import Policy
from .publish import Written
from .validate import Validated

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
def compute_task(validated: Validated, policy: Policy, period: Period) -> MonthResult:
    return monthly.compute_stage(validated, policy, period)


@task(name="render-documents", cache_policy=NONE, retries=1, retry_delay_seconds=1)
def render_task(root: Path, jobs: list[Job]) -> list[Written]:
    return monthly.render_and_write(root, jobs, _progress)


@task(name="publish", cache_policy=NONE)
def publish_task(root: Path, result: MonthResult, policy: Policy, loaded: Loaded, validated: Validated,
                 documents: list[Written]) -> Path:
    return monthly.publish_stage(root, result, policy, loaded, validated.issues, documents)


def _chunks(jobs: list[Job], size: int) -> list[list[Job]]:
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


@flow(name="vendorflow-monthly", log_prints=False)
def monthly_flow(inputs: str = "inputs", outputs: str = "outputs", period: str | None = None,
                 policy: str | None = None, wait_seconds: float = 0) -> RunSummary:
    inputs_dir, outputs_dir = Path(inputs), Path(outputs)
    the_policy = load_policy_task(inputs_dir, Path(policy) if policy else None)
    loaded = load_task(inputs_dir)
    validated = validate_task(loaded)
    chosen = monthly.choose_period(validated, period, loaded)
    result = compute_task(validated, the_policy, chosen)
    root = outputs_dir / chosen.code
    with period_lock(outputs_dir, chosen.code, wait_seconds):
        jobs, reused = monthly.plan_documents(root, monthly.document_jobs(result, the_policy, validated.issues))
        if _progress:
            _progress(0, len(jobs))
        futures = render_task.map(unmapped(root), _chunks(jobs, RENDER_CHUNK))
        documents = reused + [w for chunk in futures.result() for w in chunk]
        manifest = publish_task(root, result, the_policy, loaded, validated, documents)
    summary = RunSummary(period=chosen.code, outputs=root, grades=result.by_grade(), documents=len(documents),
                         rejected_rows=monthly.rejected_row_count(validated.issues), issues=validated.issues,
                         manifest=manifest, rendered=len(jobs))
    grades = " | ".join(f"{g}: {n}" for g, n in sorted(summary.grades.items()))
    create_markdown_artifact(
        key=f"monthly-{chosen.code}",
        markdown=(f"# Monthly review {chosen.code}\n\n- documents: {summary.documents}\n- grades: {grades}\n"
                  f"- rejected rows: {summary.rejected_rows}\n- outputs: `{root}`\n"),
        description="vendorflow monthly run summary",
    )
    return summary
