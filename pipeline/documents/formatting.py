"""How numbers, money, dates and enumerations read in the documents, in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from pipeline.documents.amount_words import chinese_uppercase, english_words
from pipeline.periods import Period

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MINUS = "−"


def date_zh(day: dt.date | str) -> str:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.year}年{day.month}月{day.day}日"


def date_en(day: dt.date | str) -> str:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def period_zh(period: Period) -> str:
    return f"{period.year}年{period.month}月"


def period_en(period: Period) -> str:
    return f"{MONTHS_EN[period.month - 1]} {period.year}"


def period_block(period: Period) -> dict[str, str]:
    return {
        "code": period.code,
        "zh": period_zh(period),
        "en": period_en(period),
        "start_zh": date_zh(period.start),
        "start_en": date_en(period.start),
        "end_zh": date_zh(period.end),
        "end_en": date_en(period.end),
    }


def money(amount: Decimal) -> str:
    """1,234,567.80: rounded half-up to the fen, thousands separated."""
    value = amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = f"{value.copy_abs():,.2f}"
    return f"{MINUS}{text}" if value < 0 else text


def fixed(value: Decimal, places: int = 2) -> str:
    q = Decimal(1).scaleb(-places)
    text = f"{value.quantize(q, ROUND_HALF_UP):.{places}f}"
    return text.replace("-", MINUS)


def signed(value: Decimal, places: int = 2) -> str:
    text = fixed(value, places)
    return text if text.startswith(MINUS) or value == 0 else f"+{text}"


def pct(value: Decimal, places: int = 2) -> str:
    """A percentage given in percent (25 → 25.00%)."""
    return f"{fixed(value, places)}%"


def rate_pct(rate: Decimal, places: int = 1) -> str:
    """A rate given as a fraction (0.06 → 6%); trailing zeros dropped."""
    text = fixed(rate * 100, places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def words(amount: Decimal, currency: str) -> tuple[str, str]:
    return chinese_uppercase(amount, currency), english_words(amount, currency)


def kpi_value(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "不适用 N/A"
    if unit == "percent":
        return fixed(value * 100, 1) + "%"
    if unit == "percent_points":
        return fixed(value, 1) + "%"
    if unit == "count":
        return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    if unit == "rating":
        return fixed(value, 1)
    return fixed(value, 1)
