"""Personal data stays in the documents that need it, never in logs or on screen.

Bank accounts, identity numbers and phone numbers are masked wherever a value is echoed
back (terminal, --json output, Prefect logs and artifacts); the validation report files
given to the office keep the row and column, so the cell can still be found.
"""

from __future__ import annotations

import re

SENSITIVE_FIELDS = {"bank_account", "id_number", "contact_phone", "phone"}
FREE_TEXT_FIELDS = {"comment", "description", "address_zh", "address_en", "certifications"}
# A worker's name and ID number are masked even in the validation reports given to the
# office: the row and column find the cell; the full values are printed only in the roster
# annex of the supplier's own settlement statement.
PERSONAL_FIELDS = {"id_number", "name"}
_LONG_DIGITS = re.compile(r"\d(?: ?\d){7,}")


def mask(text: str, keep_start: int = 4, keep_end: int = 4) -> str:
    compact = text.strip()
    if len(compact) <= keep_start + keep_end:
        return "*" * len(compact)
    return compact[:keep_start] + "*" * (len(compact) - keep_start - keep_end) + compact[-keep_end:]


def mask_field(field: str | None, value: str | None) -> str | None:
    if value is None:
        return None
    if field == "contact_phone" or field == "phone":
        return mask(value, 3, 4)
    if field == "name":
        return mask_name(value)
    if field in SENSITIVE_FIELDS:
        return mask(value)
    return mask_digits(value) if field in FREE_TEXT_FIELDS else value


def mask_digits(text: str) -> str:
    """Free text may still carry an account or ID number: mask any run of 8+ digits."""
    return _LONG_DIGITS.sub(lambda m: mask(m.group()), text)


def mask_name(name: str) -> str:
    """张三丰 → 张**: the surname stays so a supervisor can still tell people apart on site."""
    text = name.strip()
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*" * len(text)


def mask_personal(field: str | None, value: str | None) -> str | None:
    """For the office's own reports: only a worker's name and ID number are masked."""
    return mask_field(field, value) if field in PERSONAL_FIELDS and value is not None else value
