"""The selection event's outputs: comparison report (.docx), the same table (.xlsx), the
winner as a supplier-master row, and the manifest — plus `run_selection`, the whole
`vendorflow select` without Prefect.

Every figure is formatted here, so the template only places strings. The chart is drawn
with matplotlib's own DejaVu font and ASCII labels only (supplier IDs, numbers): the same
PNG on any machine, with no missing-glyph boxes; its bilingual caption is in the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.compute.selection import EventResult, SelectionPolicy, evaluate_event, load_selection_policy
from pipeline.config.resources import SHIPPED_TEMPLATES
from pipeline.documents.selection import chart_png, render_report, report_context, table_workbook, winner_row_workbook
from pipeline.errors import Issue
from pipeline.publish.jobs import safe_name
from pipeline.publish.locking import period_lock
from pipeline.publish.outputs import (
    Written,
    manifest_bytes,
    remove_stale,
    validation_report_json,
    validation_report_xlsx,
    write_output,
)
from pipeline.runs.runner import PlainRunner, Runner
from pipeline.runs.stages import Loaded, input_fingerprints, load_stage, validate_stage
from pipeline.settings import Limits, Settings
from pipeline.validation.records import Validated

# --------------------------------------------------------------------------- the run


@dataclass
class SelectionSummary:
    event_id: str
    outputs: Path
    result: EventResult
    issues: list[Issue] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)
    manifest: Path | None = None

    @property
    def errors(self) -> list[tuple[str, str]]:
        """Outcomes that need the office's attention even though the run finished."""
        out = []
        if self.result.winner is None:
            out.append(
                (
                    "本次评选没有通过全部准入条件的候选供应商，无法推荐中选供应商",
                    f"event {self.event_id} has no valid candidate: none passed every admission gate, so none is recommended",
                )
            )
        return out

    @property
    def exit_code(self) -> int:
        return 1 if self.issues or self.errors else 0


def evaluate_stage(validated, aliases, policy: SelectionPolicy, event_id: str) -> EventResult:
    masters = {s["supplier_id"]: s for s in validated.data("suppliers")}
    return evaluate_event(
        event_id,
        validated.records.get("candidates", []),
        masters,
        policy,
        labels=dict(aliases.labels),
        rejected=validated.issues,
        default_date=dt.date.today().isoformat(),  # the shell reads the clock; said so when used
    )


def publish_selection(
    outputs_dir: Path, result: EventResult, loaded, labels: dict[str, str], templates: Path = SHIPPED_TEMPLATES
) -> SelectionSummary:
    """Report, table, winner row, error report when input was rejected; manifest last."""

    name = safe_name(result.event_id)
    root = outputs_dir / "selection" / name
    issues = result.issues
    context = report_context(result, issues)
    written = [
        write_output(
            root,
            f"selection_{name}.docx",
            render_report(context, chart_png(result), f"selection {result.event_id}", templates),
            "selection_report",
        ),
        write_output(root, f"selection_{name}.xlsx", table_workbook(result), "selection_table"),
    ]
    row = winner_row_workbook(result, labels)
    if row is not None:
        written.append(write_output(root, "winner_supplier_row.xlsx", row, "supplier_row", result.winner.supplier_id))
    if issues:
        written.append(
            write_output(root, "errors/validation_report.xlsx", validation_report_xlsx(issues), "validation_report")
        )
        written.append(
            write_output(
                root,
                "errors/validation_report.json",
                validation_report_json(issues, result.event_id),
                "validation_report",
            )
        )
    remove_stale(root, {w.path for w in written})
    inputs = input_fingerprints(loaded, kinds=("candidates", "suppliers"))
    policy = result.policy
    write_output(
        root,
        "manifest.json",
        manifest_bytes(result.event_id, written, inputs, {"path": Path(policy.source).name, "sha256": policy.sha256}),
        "manifest",
    )
    return SelectionSummary(result.event_id, root, result, list(issues), written, root / "manifest.json")


def find_selection_policy(inputs_dir: Path, policy_path: Path | None) -> SelectionPolicy:
    return load_selection_policy(policy_path or inputs_dir / "policy.yaml")


def load_candidates(inputs_dir: Path, limits: Limits = Limits()) -> tuple[Loaded, Validated]:
    loaded = load_stage(inputs_dir, limits)
    return loaded, validate_stage(loaded)


def evaluate_and_publish(
    outputs_dir: Path,
    loaded: Loaded,
    validated: Validated,
    policy: SelectionPolicy,
    event_id: str,
    templates: Path = SHIPPED_TEMPLATES,
    store_url: str | None = None,
) -> SelectionSummary:
    result = evaluate_stage(validated, loaded.aliases, policy, event_id)
    with period_lock(outputs_dir, f"selection-{safe_name(result.event_id)}", store_url=store_url):
        return publish_selection(outputs_dir, result, loaded, dict(loaded.aliases.labels), templates)


def selection(
    run: Runner,
    settings: Settings,
    inputs_dir: Path,
    outputs_dir: Path,
    event_id: str,
    policy_path: Path | None = None,
) -> SelectionSummary:
    """`vendorflow select`, declared once: the selection policy, the inputs, then the event's
    gates and ranking with its report, table, winner row and manifest (under the event's lock).
    An event ID that no candidates row carries raises UnknownEvent (a ConfigError)."""
    policy = run.stage("load-selection-policy", find_selection_policy, inputs_dir, policy_path)
    loaded, validated = run.stage("intake-load-validate", load_candidates, inputs_dir, settings.limits)
    summary = run.stage(
        "evaluate-and-publish",
        evaluate_and_publish,
        outputs_dir,
        loaded,
        validated,
        policy,
        event_id,
        settings.templates,
        settings.history_url,
    )
    run.announce("selection", summary)
    return summary


def run_selection(
    inputs_dir: Path,
    outputs_dir: Path,
    event_id: str,
    policy_path: Path | None = None,
    settings: Settings | None = None,
) -> SelectionSummary:
    """`vendorflow select` without Prefect, in one call."""
    return selection(PlainRunner(), settings or Settings.from_env(), inputs_dir, outputs_dir, event_id, policy_path)
