"""The history store: append-only runs, superseded reruns, trends across periods, and a damaged store."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook

from pipeline.errors import HistoryError
from pipeline.publish.history import HistoryStore
from pipeline.runs.monthly import run_month


@pytest.fixture(scope="module")
def month_by_month(tmp_path_factory):
    """The sample's months run in order, as an office would over a quarter and a month."""
    base = tmp_path_factory.mktemp("history")
    inputs = base / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    out = base / "out"
    summaries = {p: run_month(inputs, out, period=p) for p in ("2026-07", "2026-08", "2026-09", "2026-10")}
    return out, inputs, summaries


def test_each_run_is_recorded_with_its_inputs_and_policy(month_by_month):
    out, _, _ = month_by_month
    store = HistoryStore.for_outputs(out)
    runs = store.audit()
    assert [r["period"] for r in runs] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert all(r["status"] == "completed" and r["policy_sha256"] and r["run_by"] for r in runs)
    results = store.current_results(["2026-10"])
    assert len(results) == 15
    s003 = next(r for r in results if r.supplier_id == "S003")
    assert (str(s003.score), s003.grade) == ("46.56", "D")
    assert s003.kpis["satisfaction"]["actual"] is None  # N/A stays N/A in the record


def test_rerun_supersedes_but_keeps_the_earlier_run(month_by_month, tmp_path):
    out, inputs, _ = month_by_month
    work = tmp_path / "out"
    shutil.copytree(out, work)
    again = run_month(inputs, work, period="2026-10")
    assert again.rendered == 0  # unchanged inputs: nothing but the audit trail changes
    store = HistoryStore.for_outputs(work)
    october = store.audit("2026-10")
    assert len(october) == 2
    first, second = october
    assert first["superseded_by"] == second["run_id"] and second["superseded_by"] is None
    assert len(store.current_results(["2026-10"])) == 15  # no duplicate results


def test_trend_uses_months_recorded_earlier(month_by_month):
    out, _, summaries = month_by_month
    from docx_reading import docx_text

    text = docx_text(summaries["2026-10"].outputs / "reports" / "S003_review_2026-10.docx")
    assert "83.44" in text and "66.93" in text and "46.56" in text
    assert "移动平均" in text and "moving average" in text


def test_damaged_history_store_stops_the_run_before_anything_is_written(sample_inputs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "history.sqlite").write_bytes(b"this is not a database" * 100)
    before = {p.name: p.read_bytes() for p in sample_inputs.iterdir() if p.is_file()}
    with pytest.raises(HistoryError) as exc:
        run_month(sample_inputs, out)
    assert "history.sqlite" in str(exc.value) and "损坏" in str(exc.value)
    assert not (out / "2026-10").exists() or not any((out / "2026-10").rglob("*.docx"))
    assert {p.name: p.read_bytes() for p in sample_inputs.iterdir() if p.is_file()} == before
    from pipeline.cli import main

    assert main(["run", "--inputs", str(sample_inputs), "--outputs", str(out)]) == 2


def test_scoreboard_has_filters_grade_colours_and_numbers(month_by_month):
    out, _, summaries = month_by_month
    wb = load_workbook(summaries["2026-10"].outputs / "summary" / "scoreboard_2026-10.xlsx")
    ws = wb.worksheets[0]
    assert ws.auto_filter.ref and ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    grade_col = header.index("评级 Grade")
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "S004")
    assert row[grade_col].value == "D" and row[grade_col].fill.fgColor.rgb.endswith("FFCDD2")
    assert isinstance(row[header.index("总分 Total")].value, float)
