"""Periods (YYYY-MM) and their dates; the run's calendar never comes from the clock."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text or "")
        if not match:
            raise ValueError(f"期间应为 YYYY-MM，如 2026-10 / a period is YYYY-MM, e.g. 2026-10 (got {text!r})")
        return cls(int(match.group(1)), int(match.group(2)))

    @cached_property  # asked for millions of times in a month of 100,000 workers
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @cached_property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return self.end.day

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.code
