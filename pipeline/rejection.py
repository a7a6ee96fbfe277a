"""`--strict`: any rejected row rejects the whole run.

Some offices would rather pay nothing than pay on a partial month. Then the validation
report is written (so the office sees every problem at once) and no document is; documents
an earlier run of the period wrote stay, listed in the manifest with the report.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .errors import Issue
from .locking import period_lock
from .periods import Period
from .policy import Policy
from .publish import (Written, clean_temporaries, manifest_bytes, previous_entries, still_valid,
                      validation_report_json, validation_report_xlsx, write_output)

REPORTS = ("errors/validation_report.xlsx", "errors/validation_report.json")


def reject_run(outputs_dir: Path, period: Period, policy: Policy, loaded, issues: Sequence[Issue],
               wait_seconds: float = 0):
    """Write the validation report for `period` and nothing else; returns the run's summary."""
    from .monthly import RunSummary, rejected_row_count

    root = outputs_dir / period.code
    with period_lock(outputs_dir, period.code, wait_seconds):
        clean_temporaries(root)
        kept = [Written(e["path"], e["sha256"], e["bytes"], e.get("doc_type", ""), e.get("supplier_id"),
                        e.get("context_sha256"))
                for e in previous_entries(root).values()
                if e["path"] not in REPORTS and e["path"] != "manifest.json" and still_valid(root, e)]
        written = [write_output(root, REPORTS[0], validation_report_xlsx(issues), "validation_report"),
                   write_output(root, REPORTS[1], validation_report_json(issues, period.code), "validation_report")]
        inputs = [{"path": f.path.name, "kind": f.kind, "sha256": f.sha256, "bytes": f.bytes} for f in loaded.files]
        manifest = manifest_bytes(period.code, kept + written, inputs,
                                  {"path": Path(policy.source).name, "sha256": policy.sha256})
        write_output(root, "manifest.json", manifest, "manifest")
    return RunSummary(period=period.code, outputs=root, documents=0, rejected_rows=rejected_row_count(issues),
                      issues=list(issues), manifest=root / "manifest.json", rendered=0)
