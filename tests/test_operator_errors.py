"""Ordinary mistakes end in one bilingual message naming the thing, with DESIGN.md's exit code,
and never a traceback on the terminal (Prefect's log, tracebacks included, goes to a file)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from conftest import ROOT

from pipeline.publish.locking import period_lock


def vendorflow(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command as a user runs it, from another folder, with the test's Prefect home."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def cannot_run(done: subprocess.CompletedProcess, *named: str) -> str:
    text = done.stdout + done.stderr
    assert done.returncode == 2, text
    assert "Traceback" not in text and "无法运行 Cannot run" in text, text
    flat = " ".join(text.split())
    for thing in named:
        assert thing in flat, (thing, text)
    return flat


def test_a_missing_inputs_folder_is_named(tmp_path):
    cannot_run(
        vendorflow("run", "--inputs", str(tmp_path / "nowhere"), "--outputs", str(tmp_path / "out"), cwd=tmp_path),
        str(tmp_path / "nowhere"),
        "the inputs folder does not exist",
    )
    assert not (tmp_path / "out").exists()


def test_a_policy_typo_names_the_policy_before_anything_runs(sample_inputs, tmp_path):
    policy = sample_inputs / "policy.yaml"
    data = yaml.safe_load(policy.read_text(encoding="utf-8"))
    data["kpis"][0]["weight"] = "thirty"  # a typo in one weight
    policy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cannot_run(
        vendorflow("run", "--inputs", str(sample_inputs), "--outputs", str(tmp_path / "out"), cwd=tmp_path),
        "policy.yaml",
        "the policy does not match its schema",
        "kpis[0].weight：应为数字，实际为“thirty”",
        "kpis[0].weight: must be number, not 'thirty'",
    )


def test_validate_reports_a_policy_typo_once_per_language_with_its_line(sample_inputs, tmp_path):
    policy = sample_inputs / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    line = text[: text.index("    weight: 25")].count("\n") + 1
    policy.write_text(text.replace("    weight: 25", "    wieght: 25", 1), encoding="utf-8")
    done = vendorflow("validate", "--json", str(policy), cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stdout + done.stderr, done.stderr
    import json

    (issue,) = json.loads(done.stdout)["issues"]
    assert f"第{line}行第5列 kpis[0].wieght：不认识的键“wieght”，是否应为“weight”？" in issue["message_zh"], issue
    assert f"line {line}, column 5, kpis[0].wieght: unknown key 'wieght'; did you mean 'weight'?" in issue["message_en"]
    assert "did you mean" not in issue["message_zh"] and "是否应为" not in issue["message_en"]  # each language once


def test_an_outputs_folder_that_cannot_be_written_is_named(sample_inputs, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cannot_run(
        vendorflow("run", "--inputs", str(sample_inputs), "--outputs", str(blocker / "out"), cwd=tmp_path),
        "the outputs folder cannot be written",
    )


def test_review_without_history_and_distribute_without_outputs_say_what_to_run_first(sample_inputs, tmp_path):
    (tmp_path / "empty").mkdir()
    cannot_run(
        vendorflow("review", "--period", "2026-Q3", "--outputs", str(tmp_path / "empty"), cwd=tmp_path),
        "no history store",
        "vendorflow run --period",
    )
    cannot_run(
        vendorflow(
            "distribute",
            "--period",
            "2026-10",
            "--dry-run",
            "--inputs",
            str(sample_inputs),
            "--outputs",
            str(tmp_path / "empty"),
            cwd=tmp_path,
        ),
        "no outputs for 2026-10",
        "vendorflow run --period 2026-10",
    )


def test_an_error_inside_the_flow_reaches_the_terminal_as_one_message_and_the_log_has_the_rest(sample_inputs, tmp_path):
    out = tmp_path / "out"
    with period_lock(out, "2026-10"):  # another run holds the month
        flat = cannot_run(
            vendorflow(
                "run", "--period", "2026-10", "--inputs", str(sample_inputs), "--outputs", str(out), cwd=tmp_path
            ),
            "another run of period 2026-10 is in progress",
            "vendorflow.log",
        )
    log = out / ".logs" / "vendorflow.log"
    assert str(log) in flat and "PeriodBusy" in log.read_text(encoding="utf-8")


def test_a_rejected_month_is_reported_and_never_replaced_by_an_older_one(sample_inputs, tmp_path, capsys):
    import shutil

    from pipeline.cli import main

    # a copy of October's evaluations dropped beside the original: every October row is a duplicate
    shutil.copy(sample_inputs / "evaluations_2026-10.xlsx", sample_inputs / "evaluations_2026-10 (copy).xlsx")
    out = tmp_path / "out"
    assert main(["run", "--inputs", str(sample_inputs), "--outputs", str(out)]) == 1
    captured = capsys.readouterr()
    said = " ".join((captured.out + captured.err).split())
    assert "Period 2026-10" in said and "the latest period in the inputs" in said
    assert "every evaluation of 2026-10 was rejected" in said
    assert not (out / "2026-09").exists()  # September is not processed in October's place
    written = sorted(p.relative_to(out / "2026-10").as_posix() for p in (out / "2026-10").rglob("*") if p.is_file())
    assert written == ["errors/validation_report.json", "errors/validation_report.xlsx", "manifest.json"]


def test_a_month_with_contracts_in_force_but_no_evaluations_is_still_settled(sample_inputs, tmp_path):
    """The office pays monthly: November has no evaluations yet, its contracts are settled on
    their terms, not rated, with no reward, and every document says why."""
    from docx_reading import docx_text

    from pipeline.documents.formatting import money
    from pipeline.runs.monthly import compute_stage, run_month
    from pipeline.runs.stages import load_stage, validate_stage
    from pipeline.settings import Settings

    summary = run_month(sample_inputs, tmp_path / "out", period="2026-11")
    assert summary.exit_code == 0 and summary.grades == {"—": 15}
    assert summary.not_evaluated == tuple(f"S{n:03d}" for n in range(1, 16))
    root = tmp_path / "out" / "2026-11"
    settings = Settings.from_env()
    validated = validate_stage(load_stage(sample_inputs, settings.limits))
    from pipeline.config.policy import load_policy
    from pipeline.periods import Period

    result = compute_stage(validated, load_policy(sample_inputs / "policy.yaml"), Period.parse("2026-11"), [])
    for sm in result.suppliers:
        assert not sm.evaluated and not sm.card.rated and sm.settlement is not None
        assert all(line.kind != "reward" for line in sm.settlement.lines)
        statement = docx_text(root / "settlements" / f"{sm.supplier_id}_settlement_2026-11.docx")
        assert money(sm.settlement.payable) in statement
        assert "本期没有绩效评估：按合同结算，不评级、不计奖励" in statement
        assert "Not evaluated this period" in statement
        review = docx_text(root / "reports" / f"{sm.supplier_id}_review_2026-11.docx")
        assert "没有收到贵方的绩效评估记录" in review and "no grade and no reward are given" in review
    portfolio = docx_text(root / "summary" / "portfolio_2026-11.docx")
    assert portfolio.count("本期没有绩效评估：按合同结算") == 15


def test_a_month_with_nothing_in_force_and_no_evaluations_says_so(sample_inputs, tmp_path):
    import pytest

    from pipeline.errors import ConfigError
    from pipeline.runs.monthly import run_month

    with pytest.raises(ConfigError, match="no evaluations for 2020-01"):
        run_month(sample_inputs, tmp_path / "out", period="2020-01")
    assert not (tmp_path / "out" / "2020-01").exists()


def test_an_unexpected_fault_is_one_line_and_its_traceback_goes_to_the_log(monkeypatch, tmp_path, capsys):
    from pipeline import cli

    def broken(args):
        raise RuntimeError("the disk controller said no")

    monkeypatch.setattr(cli, "cmd_validate", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a command with no outputs folder logs
    assert cli.main(["validate", "whatever.xlsx"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Unexpected error" in err and "the disk controller said no" in err and "Traceback" not in err
    log = tmp_path / "vendorflow-error.log"
    assert str(log) in err and "RuntimeError: the disk controller said no" in log.read_text(encoding="utf-8")


def test_a_first_run_into_a_new_outputs_folder_works_and_the_folder_then_keeps_the_prefect_history(
    sample_inputs, tmp_path
):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}  # a user's shell
    out = tmp_path / "new" / "outputs"

    def select() -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "select",
                "--event",
                "SEL-2026-11",
                "--inputs",
                str(sample_inputs),
                "--outputs",
                str(out),
            ],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT), "DO_NOT_TRACK": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )

    first = select()  # the folder does not exist yet: Prefect's own home, and nothing created early
    assert first.returncode == 0, first.stdout + first.stderr
    assert (out / "selection" / "SEL-2026-11" / "manifest.json").is_file()
    again = select()  # from now on the folder keeps its runs, where `vendorflow serve` shows them
    assert again.returncode == 0, again.stdout + again.stderr
    assert (out / ".prefect").is_dir()


def test_argument_errors_are_bilingual_and_exit_2(capsys):
    import pytest

    from pipeline.cli import main

    with pytest.raises(SystemExit) as done:
        main(["review"])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2 and "缺少必需的参数" in err and "--period" in err and "Invalid arguments" in err
    with pytest.raises(SystemExit) as done:
        main(["serve", "--port", "many"])
    assert done.value.code == 2 and "应为整数" in capsys.readouterr().err


def test_a_workbook_is_used_whole_or_not_at_all(sample_inputs):
    from openpyxl import load_workbook

    from pipeline.runs.stages import load_stage, validate_stage

    book = sample_inputs / "contracts.xlsx"
    wb = load_workbook(book)
    for cell in wb["items"][1]:
        cell.value = f"列{cell.column}"  # the items sheet's header is unrecognisable
    wb.save(book)
    validated = validate_stage(load_stage(sample_inputs))
    (problem,) = [i for i in validated.issues if i.row is None]
    assert (problem.file, problem.sheet, problem.code) == ("contracts.xlsx", "items", "no_header")
    # its contracts sheet was fine, but the file is not used at all, as the report and rejected/ say
    assert validated.records.get("contracts", []) == [] and validated.records.get("contract_items", []) == []
    assert (sample_inputs / "rejected" / "contracts.xlsx").is_file() and not book.exists()


def test_columns_a_user_adds_are_read_past_and_named(sample_inputs, tmp_path):
    from openpyxl import load_workbook

    from pipeline.runs.monthly import run_month

    book = sample_inputs / "contracts.xlsx"
    wb = load_workbook(book)
    items = wb["items"]
    items.cell(row=1, column=items.max_column + 1, value="备注")
    items.cell(row=2, column=items.max_column, value="夜班")
    wb.save(book)
    summary = run_month(sample_inputs, tmp_path / "out", period="2026-10")
    assert summary.exit_code == 0 and summary.documents == 40  # nothing dropped for an extra column
    assert summary.ignored_columns == (("contracts.xlsx", "items", ("备注",)),)


def test_a_candidates_file_without_event_dates_is_evaluated_on_the_run_date_and_says_so(
    sample_inputs, tmp_path, capsys
):
    import datetime as dt

    from openpyxl import load_workbook

    from pipeline.runs.selection import run_selection

    book = sample_inputs / "candidates.xlsx"
    wb = load_workbook(book)
    ws = wb.worksheets[0]
    (header,) = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "评选日期" in c.value]
    for r in range(header.row + 1, ws.max_row + 1):
        ws.cell(row=r, column=header.column).value = None  # the header stays, every date is blank
    wb.save(book)
    summary = run_selection(sample_inputs, tmp_path / "out", "SEL-2026-11")
    assert summary.exit_code == 0 and not summary.result.date_given
    assert summary.result.event_date == dt.date.today().isoformat()
    assert summary.result.winner is not None and (summary.outputs / "manifest.json").is_file()
