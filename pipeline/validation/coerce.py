"""Turn cells as typed into the values the schema describes.

Excel date cells, 2026/10/31, 2026年10月31日; 95%, 95 or 0.95 for a rate; 1,234.50 and
￥1,234.50 for money; 是/否; enumerations in Chinese or English. A value that cannot be
understood is passed on unchanged, so that validation reports it exactly as the user typed it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.config.aliases import Aliases, fold

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_PERIOD_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_NUMBER_NOISE = re.compile(r"[,，_'\s¥￥$]|元$|RMB|CNY", re.IGNORECASE)
_UNIT_SUFFIX = re.compile(r"(天|日|次|人|项|个|小时|h|days?|hours?)$", re.IGNORECASE)


def nfkc(text: str) -> str:
    if text.isascii():  # ASCII is already in NFKC form
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def to_iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    if isinstance(value, str):
        text = nfkc(value)
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups())).isoformat()
                except ValueError:
                    return value
    return value


def to_period(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        text = nfkc(value)
        for pattern in _PERIOD_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month = (int(g) for g in match.groups())
                return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else value
    return value


def to_decimal(value: Any, *, allow_percent: bool = False) -> tuple[Decimal | None, bool]:
    """(number, had a % sign); None when the value is not a number."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, Decimal):
        return value, False
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, False
        return Decimal(repr(value + 0.0)), False  # + 0.0: a -0.0 cell is plain 0
    if isinstance(value, str):
        text = _NUMBER_NOISE.sub("", nfkc(value))
        percent = text.endswith("%")
        if percent:
            if not allow_percent:
                return None, False
            text = text[:-1]
        text = _UNIT_SUFFIX.sub("", text)
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            return None, False
        try:
            return Decimal(text), percent
        except InvalidOperation:
            return None, False
    return None, False


def to_text(value: Any, *, normalise: bool) -> Any:
    """Identifiers (codes, phones, e-mails) are NFKC-normalised; free text such as a company
    name keeps its full-width brackets."""
    if isinstance(value, float):
        if abs(value) >= 1e15:
            return value  # Excel kept only 15 digits of this number: report it, never guess
        if value.is_integer():
            value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value)
    return nfkc(text) if normalise else text.strip()


def coerce_value(value: Any, prop: dict, field: str, aliases: Aliases) -> Any:
    if "enum" in prop:
        table = aliases.values.get(field, {})
        folded = fold(str(value))
        return table.get(folded, next((e for e in prop["enum"] if fold(str(e)) == folded), value))
    how = prop.get("x-coerce")
    kind = prop.get("type")
    fmt = prop.get("format")
    if fmt == "date":
        return to_iso_date(value)
    if fmt == "date-or-permanent":
        if isinstance(value, str) and fold(value) in aliases.permanent_words:
            return "permanent"
        return to_iso_date(value)
    if fmt == "period":
        return to_period(value)
    if kind == "boolean":
        folded = fold(str(value))
        if value is True or folded in aliases.true_words:
            return True
        if value is False or folded in aliases.false_words:
            return False
        return value
    if kind in ("number", "integer"):
        number, percent = to_decimal(value, allow_percent=how in ("rate", "percent_points"))
        if number is None:
            return value
        if how == "rate" and (percent or number > 1):
            number = number / 100
        if kind == "integer":
            return int(number) if number == number.to_integral_value() else number
        return number
    if kind == "string":
        text = to_text(value, normalise=bool(fmt or prop.get("pattern")))
        if fmt in ("uscc", "id-number-cn") and isinstance(text, str):
            text = text.upper()  # capitals only: 91350100m… and …123x are the same codes as …M… and …X
        return text
    return value


def coercer_for(prop: dict, field: str, aliases: Aliases) -> Callable[[Any], Any]:
    """coerce_value(·, prop, field, aliases) with the schema's branches decided once: the
    same result, for a column of cells of one field."""
    if "enum" in prop:
        table = aliases.values.get(field, {})
        first: dict[str, Any] = {}
        for e in prop["enum"]:
            first.setdefault(fold(str(e)), e)

        def enum(value: Any) -> Any:
            folded = fold(str(value))
            return table.get(folded, first.get(folded, value))

        return enum
    kind, fmt = prop.get("type"), prop.get("format")
    if kind == "string" and fmt is None:
        normalise = bool(prop.get("pattern"))

        def text(value: Any) -> Any:
            if value.__class__ is str:
                return nfkc(value) if normalise else value.strip()
            return to_text(value, normalise=normalise)

        return text
    if kind in ("number", "integer") and fmt is None:
        how = prop.get("x-coerce")
        percent_ok = how in ("rate", "percent_points")
        rate, integer = how == "rate", kind == "integer"

        def number(value: Any) -> Any:
            if value.__class__ is float and value == value and value not in (_INF, -_INF):
                n, percent = Decimal(repr(value + 0.0)), False
            else:
                n, percent = to_decimal(value, allow_percent=percent_ok)
                if n is None:
                    return value
            if rate and (percent or n > 1):
                n = n / 100
            if integer:
                return int(n) if n == n.to_integral_value() else n
            return n

        return number
    return lambda value: coerce_value(value, prop, field, aliases)


_INF = float("inf")
MEMO_LIMIT = 50_000


def compile_coercer(prop: dict, field: str, aliases: Aliases) -> Callable[[Any], Any]:
    """coerce_value for one field, with its decisions taken once: a column of 100,000 cells
    repeats the same few spellings (劳务外包, 2026-10, 是), so each distinct text or number
    is worked out once per table. The result is always what coerce_value returns."""
    if "enum" in prop:
        table = aliases.values.get(field, {})
        first = {}
        for e in prop["enum"]:
            first.setdefault(fold(str(e)), e)

        def slow(value: Any) -> Any:
            folded = fold(str(value))
            return table.get(folded, first.get(folded, value))
    else:

        def slow(value: Any) -> Any:
            return coerce_value(value, prop, field, aliases)

    memo_text: dict[str, Any] = {}
    memo_float: dict[float, Any] = {}

    def coerce(value: Any) -> Any:
        cls = value.__class__
        if cls is str:
            memo = memo_text
        elif cls is float:
            memo = memo_float
        else:
            return slow(value)
        try:
            return memo[value]
        except KeyError:
            result = slow(value)
            if len(memo) < MEMO_LIMIT:
                memo[value] = result
            return result

    return coerce


def compile_coercers(schema: dict, aliases: Aliases) -> dict[str, Callable[[Any], Any]]:
    return {fld: compile_coercer(prop, fld, aliases) for fld, prop in schema["properties"].items()}
