"""Prefect shell over `distribute.run_distribution`: one task for the whole batch.

Not a task per message: the ledger, not Prefect, is what makes a retry safe, and the
transport already retries each message with backoff. The artifact carries ids and counts
only, never addresses.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from pipeline.distribute.delivery import Outcome, Report, group_label, load_settings
from pipeline.runs.distribution import run_distribution

_progress: Callable[[Outcome], None] | None = None


def set_progress(callback: Callable[[Outcome], None] | None) -> None:
    """The terminal's per-message line, fed as each message is sent."""
    global _progress
    _progress = callback


@task(name="distribute", cache_policy=NONE)
def distribute_task(period: str, outputs: Path, inputs: Path, policy: Path | None, dry_run: bool,
                    resend: Sequence[str], wait_seconds: float) -> Report:
    report = run_distribution(period, outputs, inputs, policy, dry_run=dry_run, resend=resend,
                              wait_seconds=wait_seconds, progress=_progress)
    logger = get_run_logger()
    logger.info("distribution %s%s: sent %d, skipped %d, failed %d", period, " (dry run)" if dry_run else "",
                len(report.groups("sent")), len(report.groups("skipped")), len(report.groups("failed")))
    for group in report.groups("failed"):
        logger.info("not (fully) delivered: %s", group_label(group))
    return report


@flow(name="vendorflow-distribute", log_prints=False)
def distribute_flow(period: str, outputs: str = "outputs", inputs: str = "inputs", policy: str | None = None,
                    dry_run: bool = False, resend: Sequence[str] = (), wait_seconds: float = 0) -> Report:
    report = distribute_task(period, Path(outputs), Path(inputs), Path(policy) if policy else None, dry_run,
                             list(resend), wait_seconds)
    create_markdown_artifact(
        key=f"distribution-{period}",
        markdown=(f"# Distribution {period}{' (dry run)' if dry_run else ''}\n\n"
                  f"- sent: {len(report.groups('sent'))} ({', '.join(map(group_label, report.groups('sent'))) or '—'})\n"
                  f"- skipped (already sent): {len(report.groups('skipped'))}\n"
                  f"- failed: {len(report.groups('failed'))} ({', '.join(map(group_label, report.groups('failed'))) or '—'})\n"
                  f"- messages: {len(report.outcomes)}\n"),
        description="vendorflow distribution summary (ids and counts only)",
    )
    return report


def distribute_after_monthly(period: str, outputs: str, inputs: str, policy: str | None = None) -> Report | None:
    """The monthly flow's last step when the policy says `distribution.send_after_monthly_run: true`
    (call it after the period lock is released). Returns None when not configured."""
    settings = load_settings(Path(policy) if policy else Path(inputs) / "policy.yaml")
    if not settings.send_after_monthly_run:
        return None
    return distribute_task(period, Path(outputs), Path(inputs), Path(policy) if policy else None, False, [], 0)
