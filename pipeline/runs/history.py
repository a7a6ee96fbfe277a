"""`vendorflow history`: read the history store, never write it; a workbook when asked.

A read of the store needs no Prefect run: it changes nothing and costs a second, so it is a
plain function the command line (and a notebook) calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.analysis.history import History, audit, build
from pipeline.documents.history_workbook import history_bytes
from pipeline.errors import ConfigError
from pipeline.publish.history import HistoryStore, default_url
from pipeline.publish.outputs import atomic_write

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class HistoryView:
    history: History
    runs: object  # pandas.DataFrame: the audit trail in the range
    store: str  # where the store is (never a password)
    xlsx: Path | None = None
    supplier: str | None = None


def _month(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    if not MONTH.fullmatch(value):
        raise ConfigError(
            f"{option} 应为 YYYY-MM 格式的月份（如 2026-10），而不是「{value}」",
            f"{option} must be a month as YYYY-MM (e.g. 2026-10), not '{value}'",
        )
    return value


def history_view(
    outputs_dir: Path,
    history_url: str | None = None,
    supplier: str | None = None,
    start: str | None = None,
    end: str | None = None,
    xlsx: Path | None = None,
) -> HistoryView:
    """The store's current months in [start, end], for one supplier when given; with `xlsx`,
    the workbook written whole at that path."""
    start, end = _month(start, "--from"), _month(end, "--to")
    if start and end and start > end:
        raise ConfigError(f"--from {start} 晚于 --to {end}", f"--from {start} is after --to {end}")
    if history_url is None and not Path(default_url(outputs_dir).removeprefix("sqlite:///")).is_file():
        raise ConfigError(
            "该文件夹中没有历史数据库（history.sqlite）：请先运行月度评估（vendorflow run --period YYYY-MM），"
            "或用 --outputs 指定月度评估写入的文件夹",
            "there is no history store (history.sqlite) in this folder: run the monthly review first "
            "(vendorflow run --period YYYY-MM), or give the folder it wrote to with --outputs",
            file=str(outputs_dir),
        )
    store = HistoryStore.for_outputs(outputs_dir, history_url)
    results = store.current_frame("results")
    if supplier is not None and not (results["supplier_id"] == supplier).any():
        known = sorted(results["supplier_id"].unique())
        more = " …" if len(known) > 10 else ""
        raise ConfigError(
            f"历史数据库中没有供应商 {supplier} 的记录（有记录的供应商：{'、'.join(known[:10]) + more or '无'}）",
            f"the history store has no record of supplier {supplier} "
            f"(suppliers on record: {', '.join(known[:10]) + more or 'none'})",
            file=store.where(),
        )
    history = build(
        results,
        store.current_frame("flags"),
        store.current_frame("actions"),
        start,
        end,
        supplier,
        store.current_frame("follow_ups"),
    )
    runs = audit(store.runs_frame(), start, end)
    if xlsx is not None:
        scope = " ".join(
            part
            for part in (
                f"供应商 supplier {supplier}" if supplier else "全部供应商 all suppliers",
                f"自 from {start}" if start else "",
                f"至 to {end}" if end else "",
            )
            if part
        )
        atomic_write(xlsx, history_bytes(history, runs, scope))
    return HistoryView(history, runs, store.where(), xlsx, supplier)
