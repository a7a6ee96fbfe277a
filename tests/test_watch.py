"""`vendorflow watch`: complete files only, each content once, and a bad file never stops it."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from conftest import SAMPLE_INPUTS

from pipeline.orchestration.watch import LEDGER_NAME, Ledger, Seen, Watcher, decide, new_content, observe, watch


def test_a_file_counts_once_its_size_and_time_stay_put_for_the_settling_time():
    ledger = Ledger()
    state = observe({}, [("evaluations_2026-10.xlsx", 100, 1.0)], now=0.0)
    assert decide(state, ledger, now=1.0, settle=2.0) == []  # just seen
    state = observe(state, [("evaluations_2026-10.xlsx", 900, 2.0)], now=1.5)  # still growing
    assert decide(state, ledger, now=3.0, settle=2.0) == []
    state = observe(state, [("evaluations_2026-10.xlsx", 900, 2.0)], now=3.6)
    assert decide(state, ledger, now=3.6, settle=2.0) == ["evaluations_2026-10.xlsx"]


def test_unfinished_names_and_lock_files_never_count_and_hold_nobody_back():
    obs = [
        ("evaluations_2026-10.xlsx.part", 10, 1.0),
        ("~$suppliers.xlsx", 1, 1.0),
        (".hidden", 1, 1.0),
        ("suppliers.xlsx.tmp", 5, 1.0),
        ("report.docx", 5, 1.0),
        ("suppliers.xlsx", 50, 1.0),
    ]
    state = observe({}, obs, now=0.0)
    assert decide(state, Ledger(), now=5.0, settle=2.0) == ["suppliers.xlsx"]


def test_no_run_while_any_input_is_still_being_written():
    state = observe({}, [("suppliers.xlsx", 50, 1.0)], now=0.0)
    state = observe(state, [("suppliers.xlsx", 50, 1.0), ("contracts.xlsx", 10, 4.0)], now=4.0)
    assert decide(state, Ledger(), now=5.0, settle=2.0) == []  # contracts.xlsx is settling
    assert decide(state, Ledger(), now=6.5, settle=2.0) == ["contracts.xlsx", "suppliers.xlsx"]


def test_the_same_content_is_processed_once_under_any_name():
    ledger = Ledger(digests={"aaa": {"name": "evaluations_2026-10.xlsx"}})
    assert new_content(
        [("evaluations_2026-10 (2).xlsx", "aaa"), ("suppliers.xlsx", "bbb"), ("copy.xlsx", "bbb")], ledger
    ) == [("suppliers.xlsx", "bbb")]
    ledger.stats["suppliers.xlsx"] = [50, 1.0, "aaa"]
    state = {"suppliers.xlsx": Seen(50, 1.0, 0.0)}
    assert decide(state, ledger, now=10.0, settle=2.0) == []  # known by size and time: not even hashed


def test_a_failing_run_is_reported_and_the_watcher_goes_on(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "evaluations_2026-10.xlsx").write_bytes(b"not yet a workbook")
    said: list[str] = []

    def broken(_inputs: Path, _outputs: Path) -> int:
        raise RuntimeError("policy.yaml is missing")

    clock = iter([0.0, 40.0, 50.0, 60.0])  # past the patience for a file that never looks complete
    watcher = Watcher(
        inputs, tmp_path / "out", runner=broken, settle=2.0, report=said.append, clock=lambda: next(clock)
    )
    assert not watcher.tick().ran  # first look: settling
    result = watcher.tick()
    assert result.ran and "policy.yaml is missing" in result.error and any("still watching" in s for s in said)
    assert not watcher.tick().ran  # processed once, not retried in a loop
    (inputs / "evaluations_2026-10.xlsx").write_bytes(b"fixed content")
    assert not watcher.tick().ran  # changed: settling again


def test_watch_runs_the_monthly_flow_when_a_file_lands_and_once_per_content(tmp_path, prefect_harness):
    inputs = tmp_path / "inputs"
    shutil.copytree(
        SAMPLE_INPUTS,
        inputs,
        ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*", "evaluations_2026-10.xlsx"),
    )
    outputs = tmp_path / "outputs"
    runs: list[int] = []
    said: list[str] = []

    def runner(inputs_dir: Path, outputs_dir: Path):
        from pipeline.orchestration.watch import run_monthly_flow

        summary = run_monthly_flow(inputs_dir, outputs_dir)  # the real Prefect flow
        runs.append(summary.exit_code)
        return summary

    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(inputs, outputs),
        daemon=True,
        kwargs=dict(runner=runner, settle=0.5, poll=0.1, stop_event=stop, report=said.append),
    )
    thread.start()
    try:
        wait_for(lambda: len(runs) == 1, 90)  # files already there are picked up
        assert (outputs / "2026-09" / "manifest.json").exists()  # the latest period then present
        part = inputs / "evaluations_2026-10.xlsx.part"
        part.write_bytes((SAMPLE_INPUTS / "evaluations_2026-10.xlsx").read_bytes())
        time.sleep(1.0)
        assert len(runs) == 1  # a .part file is not complete
        part.rename(inputs / "evaluations_2026-10.xlsx")
        wait_for(lambda: len(runs) == 2, 90)
        assert runs == [0, 0] and (outputs / "2026-10" / "manifest.json").exists()
        finished = [s for s in said if "Monthly flow finished" in s]
        assert "Period 2026-10" in finished[-1] and "S004 termination_notice" in finished[-1]
        # the same bytes dropped again (a re-save, a second copy) are not processed again
        (inputs / "evaluations_2026-10.xlsx").write_bytes((SAMPLE_INPUTS / "evaluations_2026-10.xlsx").read_bytes())
        time.sleep(2.0)
        assert len(runs) == 2 and any("already processed" in s for s in said)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()  # stopped cleanly
    assert (inputs / LEDGER_NAME).exists() and (inputs / "archive").is_dir()


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_every_input_kind_but_candidates_triggers_the_monthly_flow():
    from pipeline.orchestration.watch import triggers_monthly

    for name in ("attendance_2026-10.xlsx", "workers.xlsx", "evaluations_2026-10.xlsx", "policy.yaml", "notes.xlsx"):
        assert triggers_monthly(name), name
    assert not triggers_monthly("candidates.xlsx")  # announced: run vendorflow select


def test_putting_back_an_earlier_version_runs_again_and_a_copy_under_another_name_does_not():
    # the folder held v2 when last processed; v1 had been processed before that
    ledger = Ledger(digests={"v1": {}, "v2": {}}, folder=["v2"])
    assert new_content([("attendance_2026-10.xlsx", "v1")], ledger) == [("attendance_2026-10.xlsx", "v1")]
    assert new_content([("attendance_2026-10 (copy).xlsx", "v2")], ledger) == []


def test_sigterm_stops_watch_and_the_prefect_server_its_run_started(tmp_path):
    import os
    import signal
    import subprocess

    from test_serve import BIN, _clean_env, _group_alive, _stop_group, _wait_for

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
    log = tmp_path / "watch.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [
                str(BIN / "vendorflow"),
                "watch",
                "--inputs",
                str(inputs),
                "--outputs",
                str(tmp_path / "out"),
                "--settle",
                "0.5",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=_clean_env(tmp_path / "home", COLUMNS="200"),
            start_new_session=True,  # its own process group: whatever it starts is in it
        )
    try:
        text = lambda: log.read_text(encoding="utf-8", errors="replace")  # noqa: E731
        _wait_for(lambda: "Monthly flow finished" in text() or process.poll() is not None, 180, "the first run", log)
        process.send_signal(signal.SIGTERM)  # as systemd stops a service
        assert process.wait(60) == 0, text()
        assert "Stopped watching" in text() and "Traceback" not in text()
        deadline = time.monotonic() + 20
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group_alive(process.pid), "a process watch started outlived it"
    finally:
        _stop_group(process)
        assert not os.path.exists(tmp_path / "out" / ".prefect" / "server.json")


def test_a_file_whose_writer_paused_is_not_taken_until_it_is_complete(tmp_path):
    """A writer that paused longer than the settling time: half a CSV was read, then a second
    run. Now a CSV waits for its final line break, a workbook for its zip directory, and any
    file for the other program to close it."""
    import subprocess
    import sys

    from pipeline.orchestration.watch import incomplete

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    csv = inputs / "suppliers_new.csv"
    csv.write_bytes("供应商编号,供应商名称\nS1,甲".encode())  # paused mid-row
    said: list[str] = []
    runs: list[int] = []
    now = [0.0]
    watcher = Watcher(
        inputs,
        tmp_path / "out",
        runner=lambda i, o: runs.append(1) or 0,
        settle=1.0,
        report=said.append,
        clock=lambda: now[0],
    )
    for t in (0.0, 5.0, 10.0):
        now[0] = t
        assert not watcher.tick().ran
    assert runs == [] and sum("Waiting for suppliers_new.csv" in s for s in said) == 1  # said once
    csv.write_bytes("供应商编号,供应商名称\nS1,甲公司\n".encode())
    now[0] = 11.0
    watcher.tick()
    now[0] = 13.0
    assert watcher.tick().ran and runs == [1]

    workbook = inputs / "suppliers_half.xlsx"
    shutil.copy(SAMPLE_INPUTS / "suppliers.xlsx", workbook)
    whole = workbook.read_bytes()
    workbook.write_bytes(whole[: len(whole) // 2])
    assert incomplete(workbook) == "the workbook's zip directory is not whole"
    workbook.write_bytes(whole)
    assert incomplete(workbook) is None
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; f = open(sys.argv[1], 'ab'); print('open', flush=True); time.sleep(30)",
            str(workbook),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"open"
        if sys.platform == "linux":
            assert incomplete(workbook) == "another program still has it open for writing"
    finally:
        holder.kill()
        holder.wait()
    assert incomplete(workbook) is None
