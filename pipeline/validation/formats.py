"""Custom JSON Schema formats: the identifiers a Chinese vendor file carries."""

from __future__ import annotations

import datetime as dt
import re

from jsonschema import FormatChecker

from pipeline.identifiers import is_valid_id_number, is_valid_uscc

_MOBILE = re.compile(r"^(\+?86[- ]?)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(\+?86[- ]?)?0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_SERVICE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

format_checker = FormatChecker(formats=())


@format_checker.checks("date")
def is_date(value: object) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@format_checker.checks("date-or-permanent")
def is_date_or_permanent(value: object) -> bool:
    return value == "permanent" or is_date(value)


@format_checker.checks("period")
def is_period(value: object) -> bool:
    return isinstance(value, str) and bool(_PERIOD.match(value))


@format_checker.checks("uscc")
def is_uscc(value: object) -> bool:
    return isinstance(value, str) and is_valid_uscc(value)


@format_checker.checks("id-number-cn")
def is_id_number_cn(value: object) -> bool:
    return isinstance(value, str) and is_valid_id_number(value)


@format_checker.checks("email")
def is_email(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 254 and bool(_EMAIL.match(value))


@format_checker.checks("phone-cn")
def is_phone_cn(value: object) -> bool:
    if not isinstance(value, str):
        return False
    compact = value.replace(" ", "")
    return bool(_MOBILE.match(compact) or _LANDLINE.match(compact) or _SERVICE.match(compact))
