"""Every code the functional core emits, with the facts it carries (the catalogue,
schemas/messages.yaml, must have words for each: checked when it is loaded)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

RISK = {
    "licence_expired": ("date", "days"),
    "licence_expiring": ("date", "days"),
    "permit_expired": ("date", "days"),
    "permit_expiring": ("date", "days"),
    "permit_renewal_due": ("date", "days", "renewal_days"),
    "nda_missing": ("level",),
    "security_breach": ("incident_id", "incident_severity"),
    "score_drop": ("drop", "previous", "current", "threshold"),
    "grade_lowest": ("grade", "band_zh", "band_en"),
    "consecutive_low": ("grades",),
    "contract_ending": ("contract_no", "date", "days"),
    "single_source": ("category",),
    "concentration": ("category", "share", "limit"),
    # follow-up (反馈闭环): inspections, improvement plans, surveys
    "inspection_failed": ("inspection_id", "date", "items_failed", "items_checked"),
    "inspection_conditional": ("inspection_id", "date", "items_failed", "items_checked"),
    "improvement_plan_missing": ("source_doc", "deadline"),
    "improvement_overdue": ("plan_id", "source_doc", "due_date"),
    "improvement_plan_unmatched": ("plan_id", "source_doc"),
    "survey_below_minimum": ("responses", "minimum"),
}
_PEOPLE = ("count", "workers", "people")
WORKFORCE = {
    "worker_health_check": _PEOPLE,
    "worker_background_check": _PEOPLE,
    "worker_safety_training": _PEOPLE,
    "worker_under_age": _PEOPLE + ("min_age",),
    "worker_minor": _PEOPLE + ("min_age", "adult_age"),
    "worker_minor_overtime": _PEOPLE,
    "worker_overtime": _PEOPLE + ("limit",),
    "dispatch_temporary_too_long": _PEOPLE + ("months",),
    "dispatch_ratio": ("date", "dispatched", "direct", "pct", "limit", "allowed"),
    "worker_on_two_rosters": ("count", "workers", "rosters"),
    "worker_listed_twice": ("workers", "masked_id", "first", "second"),
    "attendance_missing": ("contract_no", "present"),
    "outsourcing_per_head": ("contract_no", "items_zh", "items_en"),
    "work_volume_pending": ("contract_no", "items_zh", "items_en"),
}
REASONS = {
    "reason_grade": ("grade", "band_zh", "band_en"),
    "reason_grade_run": ("grades", "periods"),
    "reason_incident": ("incident_id", "type", "incident_severity", "description", "description_en", "zh_only"),
    "reason_repeat_warning": ("count", "months", "previous"),
    "reason_uncured": ("notice_no", "issued", "deadline", "grade"),
    "reason_repeat_improvement": ("count", "months", "previous"),
    "reason_inspection": (
        "inspection_id",
        "date",
        "result",
        "items_failed",
        "items_checked",
        "findings",
        "findings_en",
        "zh_only",
    ),
    "reason_plan_missing": ("source_doc", "issued", "deadline"),
    "reason_plan_overdue": ("plan_id", "source_doc", "due_date"),
}
GATES = {
    code: ()
    for code in (
        "gate_no_uscc",
        "gate_no_licence_expiry",
        "gate_licence_permanent",
        "gate_permit_na",
        "gate_permit_missing",
        "gate_background_check_passed",
        "gate_background_check_failed",
        "gate_background_check_missing",
        "gate_site_inspection_passed",
        "gate_site_inspection_failed",
        "gate_site_inspection_missing",
        "gate_blacklist_clear",
    )
}
GATES.update(
    {
        "gate_licence_expired": ("date",),
        "gate_licence_valid": ("date",),
        "gate_permit_expired": ("date",),
        "gate_permit_valid": ("permit_no", "date"),
        "gate_blacklisted": ("reason_zh", "reason_en"),
        "gate_blacklist_status": ("master_status",),
        "gate_min_total_failed": ("total", "minimum"),
        "gate_min_total_passed": ("minimum",),
    }
)
TIES = {
    code: ("own", "other_score")
    for code in (
        "tie_exact_higher",
        "tie_exact_lower",
        "tie_higher_technical",
        "tie_lower_technical",
        "tie_lower_quote",
        "tie_higher_quote",
    )
}
TIES.update({code: () for code in ("tie_quoted", "tie_not_quoted", "tie_supplier_order")})
TIE_SENTENCES = {
    "tie_above": ("other", "total", "reason_zh", "reason_en"),
    "tie_below": ("other", "total", "reason_zh", "reason_en"),
    "rounded_above": ("other", "total", "reason_zh", "reason_en"),
    "rounded_below": ("other", "total", "reason_zh", "reason_en"),
}
FLAGS = {**RISK, **WORKFORCE}
CODES = {**FLAGS, **REASONS, **GATES, **TIES, **TIE_SENTENCES}

_renderer: Callable[[str, Mapping[str, Any]], tuple[str, str]] | None = None


def set_renderer(render_fn: Callable[[str, Mapping[str, Any]], tuple[str, str]]) -> None:
    """pipeline.documents.messages registers its `text` here when it is imported (the core never imports it)."""
    global _renderer
    _renderer = render_fn


def render(code: str, facts: Mapping[str, Any]) -> tuple[str, str]:
    """For the compatibility properties kept for callers not yet switched to the catalogue
    renderer (pipeline/cli.py): the words of a code, through the registered renderer."""
    if _renderer is None:
        raise RuntimeError("no message renderer registered: import pipeline.documents.messages first")
    return _renderer(code, facts)
