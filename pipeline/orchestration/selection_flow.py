"""Prefect 3 flow for `vendorflow select`: a thin shell over pipeline/selection_report.py.

Three coarse tasks (policy, load + validate, evaluate + publish): one event yields a
handful of files, so finer tasks would only add overhead. An event ID that no candidates
row carries is a user's typo, not a crash: it comes back as a value (the ConfigError) for
the command line to report, instead of a failed task with a traceback in the log.
"""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from pipeline.runs import monthly
from pipeline.errors import ConfigError
from pipeline.compute.selection import SelectionPolicy, UnknownEvent
from pipeline.runs.selection import SelectionSummary, evaluate_stage, find_selection_policy, publish_selection


@task(name="load-selection-policy", cache_policy=NONE)
def load_selection_policy_task(inputs_dir: Path, policy_path: Path | None) -> SelectionPolicy:
    return find_selection_policy(inputs_dir, policy_path)


@task(name="intake-load-validate", cache_policy=NONE)
def load_and_validate_task(inputs_dir: Path):
    loaded = monthly.load_stage(inputs_dir)
    validated = monthly.validate_stage(loaded)
    get_run_logger().info("read %d input files; %d problems", len(loaded.files), len(validated.issues))
    return loaded, validated


@task(name="evaluate-and-publish", cache_policy=NONE)
def evaluate_and_publish_task(outputs_dir: Path, loaded, validated, policy: SelectionPolicy,
                              event_id: str) -> SelectionSummary | UnknownEvent:
    try:
        result = evaluate_stage(validated, loaded.aliases, policy, event_id)
    except UnknownEvent as exc:
        return exc
    return publish_selection(outputs_dir, result, loaded, dict(loaded.aliases.labels))


@flow(name="vendorflow-select", log_prints=False)
def selection_flow(event: str, inputs: str = "inputs", outputs: str = "outputs",
                   policy: str | None = None) -> SelectionSummary | ConfigError:
    inputs_dir = Path(inputs)
    the_policy = load_selection_policy_task(inputs_dir, Path(policy) if policy else None)
    loaded, validated = load_and_validate_task(inputs_dir)
    summary = evaluate_and_publish_task(Path(outputs), loaded, validated, the_policy, event)
    if isinstance(summary, ConfigError):
        get_run_logger().info("%s", summary)
        return summary
    get_run_logger().info("event %s: winner %s, back-up %s", event,
                          summary.result.winner.supplier_id if summary.result.winner else "none",
                          summary.result.backup.supplier_id if summary.result.backup else "none")
    return summary
