"""The history store's months as tables: who scored what, when, and what it cost.

Everything here is a plain function over DataFrames `HistoryStore.current_frame` and
`runs_frame` read (pandas.read_sql); figures are made Decimal from the text the store keeps,
so a score or a payable here is the one the period's documents show, to the fen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

IDENTITY = ["supplier_id", "name_zh", "name_en", "category"]


def _decimal(value) -> Decimal | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class History:
    """The current run of each month in a range, one row per supplier and month (`results`),
    with the month's flags and notices."""

    periods: tuple[str, ...]
    results: pd.DataFrame
    flags: pd.DataFrame
    actions: pd.DataFrame
    follow_ups: pd.DataFrame | None = None  # appeals decided, improvement plans and inspections, month by month

    @property
    def suppliers(self) -> pd.DataFrame:
        """Each supplier once, named as in its latest month."""
        if self.results.empty:
            return pd.DataFrame(columns=IDENTITY)
        latest = self.results.sort_values("period").groupby("supplier_id", sort=True).tail(1)
        return latest[IDENTITY].sort_values("supplier_id").reset_index(drop=True)


def in_range(frame: pd.DataFrame, start: str | None, end: str | None) -> pd.DataFrame:
    """Rows whose period (YYYY-MM, which sorts as text) lies in [start, end]."""
    keep = pd.Series(True, index=frame.index)
    if start:
        keep &= frame["period"] >= start
    if end:
        keep &= frame["period"] <= end
    return frame[keep]


def build(
    results: pd.DataFrame,
    flags: pd.DataFrame,
    actions: pd.DataFrame,
    start: str | None = None,
    end: str | None = None,
    supplier: str | None = None,
    follow_ups: pd.DataFrame | None = None,
) -> History:
    """The months in [start, end] (all when not given), for one supplier when given."""
    results, flags, actions = (in_range(f, start, end) for f in (results, flags, actions))
    if follow_ups is not None:
        follow_ups = in_range(follow_ups, start, end)
    if supplier is not None:
        results = results[results["supplier_id"] == supplier]
        flags = flags[flags["supplier_id"] == supplier]
        actions = actions[actions["supplier_id"] == supplier]
        if follow_ups is not None:
            follow_ups = follow_ups[follow_ups["supplier_id"] == supplier]
    if follow_ups is not None:
        follow_ups = follow_ups.sort_values(["supplier_id", "period", "kind", "ref"]).reset_index(drop=True)
    results = results.copy()
    for column in ("score", "payable", "penalties", "rewards"):
        results[column] = results[column].map(_decimal)
    results["rated"] = results["rated"].astype(bool)
    results["incidents"] = results["incidents_json"].map(lambda t: len(json.loads(t or "[]")))
    counts = flags.groupby(["period", "supplier_id"]).size().rename("flags")
    high = flags[flags["severity"].isin(["high", "critical"])].groupby(["period", "supplier_id"]).size()
    results = results.join(counts, on=["period", "supplier_id"]).join(
        high.rename("high_flags"), on=["period", "supplier_id"]
    )
    results[["flags", "high_flags"]] = results[["flags", "high_flags"]].fillna(0).astype(int)
    periods = tuple(sorted(results["period"].unique()))
    keep = [
        "period", *IDENTITY, "rated", "score", "grade", "payable", "currency", "penalties", "rewards",
        "flags", "high_flags", "incidents", "incidents_json",
    ]  # fmt: skip
    ordered = results[keep].sort_values(["supplier_id", "period"]).reset_index(drop=True)
    return History(periods, ordered, flags.reset_index(drop=True), actions.reset_index(drop=True), follow_ups)


def matrix(history: History, value: str) -> pd.DataFrame:
    """One row per supplier (its identity first), one column per month: `score`, `grade`,
    `payable` or `flags`; blank where the supplier was not in that month (or not rated)."""
    data = history.results
    if value == "score":
        data = data.assign(score=[s if r else None for s, r in zip(data["score"], data["rated"])])
    if data.empty:
        return pd.DataFrame(columns=IDENTITY + list(history.periods))
    wide = data.pivot(index="supplier_id", columns="period", values=value)
    wide = wide.reindex(columns=list(history.periods))
    wide.columns = [str(c) for c in wide.columns]
    out = history.suppliers.set_index("supplier_id").join(wide).reset_index()
    return out.astype(object).where(pd.notna(out), None)


@dataclass(frozen=True)
class Movement:
    supplier_id: str
    first: Decimal
    last: Decimal

    @property
    def change(self) -> Decimal:
        return self.last - self.first


def movements(history: History) -> list[Movement]:
    """Each supplier's first and last rated score in the range, largest change first."""
    rated = history.results[history.results["rated"] & history.results["score"].notna()]
    out = []
    for sid, rows in rated.groupby("supplier_id", sort=True):
        rows = rows.sort_values("period")
        if len(rows) >= 2:
            out.append(Movement(sid, rows["score"].iloc[0], rows["score"].iloc[-1]))
    return sorted(out, key=lambda m: (-abs(m.change), m.supplier_id))


def incidents_of(history: History) -> list[dict]:
    """The incidents each month recorded, with the month."""
    out = []
    for period, text in zip(history.results["period"], history.results["incidents_json"]):
        for incident in json.loads(text or "[]"):
            out.append({"period": period, **incident})
    return out


def months_of(period: str) -> tuple[str, str] | None:
    """The first and last month a run's period covers (2026-10; 2026-Q3 → 2026-07..2026-09;
    2026 → 2026-01..2026-12; a contracts folder 2026-10-01 → its month); None for a selection
    event, which no month range leaves out."""
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return period, period
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        return period[:7], period[:7]
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        q = int(m.group(2))
        return f"{m.group(1)}-{3 * q - 2:02d}", f"{m.group(1)}-{3 * q:02d}"
    if re.fullmatch(r"\d{4}", period):
        return f"{period}-01", f"{period}-12"
    return None


def audit(runs: pd.DataFrame, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """The runs, oldest first: who ran what, when, on which inputs (by sha256), and which run
    superseded it; those whose months overlap [start, end]."""

    def overlaps(period: str) -> bool:
        span = months_of(period)
        return span is None or ((not start or span[1] >= start) and (not end or span[0] <= end))

    runs = runs[runs["period"].map(overlaps)].copy()

    def inputs(text: str | None) -> str:
        listed = json.loads(text or "[]")
        return "; ".join(f"{i.get('path')} {str(i.get('sha256', ''))[:12]}" for i in listed)

    runs["inputs"] = runs["inputs_json"].map(inputs)
    columns = [
        "run_id", "flow", "period", "started_at", "finished_at", "status", "run_by", "host",
        "policy_sha256", "inputs", "superseded_by", "superseded_at",
    ]  # fmt: skip
    out = runs[columns].reset_index(drop=True).astype(object)
    return out.where(pd.notna(out), None)
