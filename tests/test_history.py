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


# --- vendorflow history --------------------------------------------------------------------


def _result(sid: str, score: str | None, grade: str | None, payable: str, **extra) -> dict:
    return {
        "supplier_id": sid,
        "name_zh": {"S1": "甲公司", "S2": "乙公司", "S3": "丙公司"}[sid],
        "name_en": {"S1": "Alpha Ltd", "S2": "Beta Ltd", "S3": "Gamma Ltd"}[sid],
        "category": "it_services",
        "rated": score is not None,
        "score": score,
        "grade": grade,
        "kpis_json": "{}",
        "penalties": extra.get("penalties", "0.00"),
        "rewards": "0.00",
        "payable": payable,
        "currency": "CNY",
        "incidents_json": extra.get("incidents", "[]"),
    }


@pytest.fixture
def known_store(tmp_path):
    """Three months of three suppliers with figures chosen by hand; August run twice (the
    second run corrects S2), S3 not rated in September."""
    store = HistoryStore.for_outputs(tmp_path)
    months = {
        "2026-07": ([_result("S1", "90.00", "A", "1000.00"), _result("S2", "70.50", "C", "2000.10")], []),
        "2026-08": ([_result("S1", "91.25", "A", "1000.00"), _result("S2", "60.00", "C", "1999.99")], []),
        "2026-09": (
            [
                _result("S1", "80.00", "B", "1000.00"),
                _result("S2", "85.00", "B", "2500.00", penalties="100.00"),
                _result("S3", None, None, "300.00", incidents='[{"incident_id": "INC-1", "severity": "high"}]'),
            ],
            [
                {
                    "supplier_id": "S2",
                    "code": "score_drop",
                    "severity": "medium",
                    "message_zh": "下降",
                    "message_en": "fell",
                },
                {
                    "supplier_id": "S3",
                    "code": "incident",
                    "severity": "high",
                    "message_zh": "事件",
                    "message_en": "incident",
                },
                {
                    "supplier_id": "S3",
                    "code": "not_rated",
                    "severity": "low",
                    "message_zh": "未评级",
                    "message_en": "not rated",
                },
            ],
        ),
    }
    for period, (rows, flag_rows) in months.items():
        run = store.begin_run("monthly", period, "f" * 64, [{"path": f"evaluations_{period}.xlsx", "sha256": "a" * 64}])
        store.complete_run(run, period, "monthly", rows, flag_rows, [], [])
        if period == "2026-08":  # the correction: S2 scored 65.00, not 60.00
            run = store.begin_run(
                "monthly", period, "f" * 64, [{"path": "evaluations_2026-08.xlsx", "sha256": "b" * 64}]
            )
            rows = [_result("S1", "91.25", "A", "1000.00"), _result("S2", "65.00", "C", "1999.99")]
            actions = [
                {
                    "supplier_id": "S2",
                    "action": "warning_letter",
                    "status_from": None,
                    "status_to": None,
                    "reason_zh": "评级C",
                    "reason_en": "grade C",
                }
            ]
            store.complete_run(run, period, "monthly", rows, [], actions, [])
    return tmp_path


def test_history_matrix_holds_each_months_current_figures(known_store):
    from decimal import Decimal

    from pipeline.analysis.history import matrix, movements
    from pipeline.runs.history import history_view

    view = history_view(known_store)
    assert view.history.periods == ("2026-07", "2026-08", "2026-09")
    scores = {r["supplier_id"]: r for r in matrix(view.history, "score").to_dict("records")}
    assert [scores["S1"][p] for p in view.history.periods] == [Decimal("90.00"), Decimal("91.25"), Decimal("80.00")]
    assert [scores["S2"][p] for p in view.history.periods] == [Decimal("70.50"), Decimal("65.00"), Decimal("85.00")]
    assert [scores["S3"][p] for p in view.history.periods] == [None, None, None]  # not rated is blank, never 0
    payable = {r["supplier_id"]: r for r in matrix(view.history, "payable").to_dict("records")}
    assert sum(payable[s]["2026-09"] for s in ("S1", "S2", "S3")) == Decimal("3800.00")
    assert payable["S2"]["2026-07"] == Decimal("2000.10")  # to the fen, as stored
    flags = {r["supplier_id"]: r for r in matrix(view.history, "flags").to_dict("records")}
    assert (flags["S3"]["2026-09"], flags["S2"]["2026-09"], flags["S1"]["2026-09"]) == (2, 1, 0)
    moved = movements(view.history)
    assert [(m.supplier_id, m.change) for m in moved] == [("S2", Decimal("14.50")), ("S1", Decimal("-10.00"))]
    assert len(view.runs) == 4 and view.runs["superseded_by"].notna().sum() == 1


def test_history_range_and_one_suppliers_record(known_store):
    from pipeline.runs.history import history_view

    view = history_view(known_store, supplier="S2", start="2026-08", end="2026-09")
    assert view.history.periods == ("2026-08", "2026-09")
    assert list(view.history.results["supplier_id"].unique()) == ["S2"]
    assert view.history.actions["action"].tolist() == ["warning_letter"]
    assert view.history.flags["code"].tolist() == ["score_drop"]
    assert list(view.runs["period"]) == ["2026-08", "2026-08", "2026-09"]


def test_history_xlsx_scores_sheet_has_one_row_per_supplier_and_a_column_per_month(known_store, capsys):
    from pipeline.cli import main

    target = known_store / "history.xlsx"
    assert main(["history", "--outputs", str(known_store), "--xlsx", str(target)]) == 0
    wb = load_workbook(target)
    assert {"scores", "grades", "payable", "flags", "notices", "runs", "about"} <= set(wb.sheetnames)
    ws = wb["scores"]
    header = [c.value for c in ws[1]]
    assert header[0] == "供应商编号 Supplier ID" and header[4:] == ["2026-07", "2026-08", "2026-09"]
    rows = {r[0]: r[4:] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows == {"S1": (90.0, 91.25, 80.0), "S2": (70.5, 65.0, 85.0), "S3": (None, None, None)}
    assert ws.cell(2, 5).number_format == "0.00"
    pay = {r[0]: r[4:] for r in wb["payable"].iter_rows(min_row=2, values_only=True)}
    assert pay["S2"] == (2000.1, 1999.99, 2500.0)
    assert [r[2] for r in wb["runs"].iter_rows(min_row=2, values_only=True)].count("2026-08") == 2
    shown = capsys.readouterr().out
    assert "S2" in shown and "65.00 C" in shown and "2026-09" in shown


def test_history_of_an_unknown_supplier_or_without_a_store_says_what_to_do(known_store, tmp_path, capsys):
    from pipeline.cli import main

    assert main(["history", "--outputs", str(known_store), "--supplier", "S9"]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "没有供应商 S9 的记录" in said and "no record of supplier S9" in said and "S1" in said
    assert "Traceback" not in said
    assert main(["history", "--outputs", str(tmp_path / "empty")]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "vendorflow run" in said and "history.sqlite" in said
    assert main(["history", "--outputs", str(known_store), "--from", "2026-9"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_history_scores_are_those_of_each_months_review_reports(month_by_month, tmp_path):
    from docx_reading import docx_text

    from pipeline.runs.history import history_view

    out, _, summaries = month_by_month
    view = history_view(out, xlsx=tmp_path / "h.xlsx")
    assert view.history.periods == ("2026-07", "2026-08", "2026-09", "2026-10")
    ws = load_workbook(tmp_path / "h.xlsx")["scores"]
    periods = [c.value for c in ws[1]][4:]
    grades = {r[0]: r[4:] for r in load_workbook(tmp_path / "h.xlsx")["grades"].iter_rows(min_row=2, values_only=True)}
    checked = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        sid = row[0]
        for period, score, grade in zip(periods, row[4:], grades[sid]):
            report = summaries[period].outputs / "reports" / f"{sid}_review_{period}.docx"
            if score is None:
                continue
            text = docx_text(report)
            assert f"{score:.2f}" in text and grade in text, (sid, period, score)
            checked += 1
    assert checked >= 50
