"""Scheduling: the previous-month rule, `vendorflow serve` with its own Prefect server, and the
monthly deployment of prefect.yaml run through a real server and a process worker.

The server tests start real processes (`prefect server start`, `prefect worker start`,
`vendorflow serve`) in their own process groups with their own PREFECT_HOME, never the
session's test harness, and stop every one of them (try/finally) before they end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT, SAMPLE_INPUTS
from docx import Document

from pipeline.errors import ConfigError
from pipeline.orchestration import schedule, serve

SHANGHAI = ZoneInfo("Asia/Shanghai")
BIN = Path(sys.executable).parent


# ----------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    "moment, zone, expected",
    [
        # 06:00 on 1 December in Shanghai is 22:00 on 30 November in UTC: the month before is October
        (dt.datetime(2026, 12, 1, 6, 0, tzinfo=SHANGHAI), "Asia/Shanghai", "2026-11"),
        (dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC), "Asia/Shanghai", "2026-11"),
        (dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC), "UTC", "2026-10"),
        (dt.datetime(2026, 11, 30, 22, 0), "Asia/Shanghai", "2026-11"),  # naive = UTC
        (dt.datetime(2027, 1, 1, 6, 0, tzinfo=SHANGHAI), "Asia/Shanghai", "2026-12"),  # across the year
        (dt.datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI), "Asia/Shanghai", "2026-02"),
        (dt.datetime(2026, 3, 1, 0, 30, tzinfo=ZoneInfo("America/New_York")), "America/New_York", "2026-02"),
    ],
)
def test_previous_month_is_taken_in_the_schedules_time_zone(moment, zone, expected):
    assert schedule.previous_month(moment, zone) == expected


def test_a_run_gets_the_month_before_its_scheduled_time_and_a_given_period_is_kept():
    fired = lambda: dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)  # noqa: E731
    assert schedule.period_for_run("previous-month", "Asia/Shanghai", fired) == "2026-11"
    assert schedule.period_for_run("2026-07", "Asia/Shanghai", fired) == "2026-07"
    assert schedule.period_for_run(None, "Asia/Shanghai", fired) is None


def test_the_default_schedule_fires_at_six_on_the_first_in_shanghai():
    after = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)
    runs = serve.next_runs(serve.Schedule(), after, 3)
    assert [t.isoformat() for t in runs] == [
        "2026-12-01T06:00:00+08:00",
        "2027-01-01T06:00:00+08:00",
        "2027-02-01T06:00:00+08:00",
    ]
    assert [schedule.previous_month(t, "Asia/Shanghai") for t in runs] == ["2026-11", "2026-12", "2027-01"]


def test_schedule_comes_from_the_command_line_then_policy_then_default(tmp_path):
    assert schedule.resolve_schedule(None, None, None) == serve.Schedule("0 6 1 * *", "Asia/Shanghai")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        (SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8")
        + '\nschedule:\n  cron: "30 7 2 * *"\n  timezone: Asia/Urumqi\n',
        encoding="utf-8",
    )
    assert schedule.resolve_schedule(None, None, policy) == serve.Schedule("30 7 2 * *", "Asia/Urumqi")
    assert schedule.resolve_schedule("0 5 1 * *", None, policy) == serve.Schedule("0 5 1 * *", "Asia/Urumqi")
    assert schedule.resolve_schedule(None, "UTC", policy) == serve.Schedule("30 7 2 * *", "UTC")


def test_a_bad_cron_or_time_zone_is_a_bilingual_error_naming_where_it_came_from(tmp_path):
    with pytest.raises(ConfigError) as caught:
        schedule.resolve_schedule("0 6 32 * *", None, None)
    assert caught.value.file == "--cron" and "0 6 32 * *" in str(caught.value)
    assert "cron 表达式无效" in caught.value.message_zh and "invalid cron" in caught.value.message_en
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        (SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8") + "\nschedule:\n  timezone: Asia/Beijing\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        schedule.resolve_schedule(None, None, policy)
    assert caught.value.file == str(policy) and "Asia/Beijing" in str(caught.value)
    assert "未知时区" in caught.value.message_zh and "unknown time zone" in caught.value.message_en
    policy.write_text(
        (SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8") + "\nschedule:\n  every: month\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="schema"):  # the policy's schema knows `schedule:`
        schedule.resolve_schedule(None, None, policy)


def test_serve_refuses_a_bad_schedule_before_starting_anything(tmp_path, sample_inputs):
    done = subprocess.run(
        [
            str(BIN / "vendorflow"),
            "serve",
            "--inputs",
            str(sample_inputs),
            "--outputs",
            str(tmp_path / "out"),
            "--timezone",
            "Mars/Olympus",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=_clean_env(tmp_path / "home"),
    )
    assert done.returncode == 2
    assert "未知时区" in done.stderr and "unknown time zone" in done.stderr and "--timezone" in done.stderr
    assert not (tmp_path / "out" / ".prefect").exists()


# ----------------------------------------------------------------------------- processes


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: none of the session harness's Prefect settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and not k.startswith("VENDORFLOW_")}
    env.update(PREFECT_HOME=str(home), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None or _group_alive(process.pid):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(15)
                break
            except subprocess.TimeoutExpired:
                continue
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _wait_for(condition, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_vendorflow_serve_starts_its_own_server_and_stops_it_on_sigterm(tmp_path, sample_inputs):
    out, log = tmp_path / "out", tmp_path / "serve.log"
    given = serve.free_port()
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [
                str(BIN / "vendorflow"),
                "serve",
                "--inputs",
                str(sample_inputs),
                "--outputs",
                str(out),
                "--port",
                str(given),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=_clean_env(tmp_path / "home", COLUMNS="200"),
            start_new_session=True,
        )
    server_pid = None
    try:
        text = lambda: log.read_text(encoding="utf-8", errors="replace")  # noqa: E731
        _wait_for(lambda: "being served" in text() or process.poll() is not None, 150, "serve to start", log)
        assert process.poll() is None, text()
        server_pid = int(text().split("(进程 pid ")[1].split(")")[0])
        port = int(text().split("Server ready: http://127.0.0.1:")[1].split()[0])
        assert _alive(server_pid) and (out / ".prefect" / "server.log").is_file()
        deployment = _get(f"http://127.0.0.1:{port}/api/deployments/name/vendorflow-monthly/vendorflow-monthly")
        (schedule,) = deployment["schedules"]
        assert schedule["schedule"]["cron"] == "0 6 1 * *" and schedule["schedule"]["timezone"] == "Asia/Shanghai"
        assert schedule["active"] is True
        assert deployment["parameters"]["period"] == "previous-month"
        assert deployment["parameters"]["inputs"] == str(sample_inputs.resolve())
        assert _get(f"http://127.0.0.1:{port}/api/deployments/name/vendorflow-review/vendorflow-review")["name"]
        assert "0 6 1 * * (Asia/Shanghai)" in text() and "-01 06:00 CST" in text()  # the next runs it will make
        assert port == given and (out / ".prefect" / "server.json").is_file()

        # a run from the command line reports to this server: it shows in its UI, named for its month
        run = subprocess.run(
            [
                str(BIN / "vendorflow"),
                "run",
                "--period",
                "2026-10",
                "--inputs",
                str(sample_inputs),
                "--outputs",
                str(out),
            ],
            cwd=tmp_path,
            env=_clean_env(tmp_path / "cli-home"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/flow_runs/filter",
            data=json.dumps({"flow_runs": {"name": {"any_": ["monthly-2026-10"]}}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as answer:
            (seen,) = json.loads(answer.read())
        assert seen["state"]["type"] == "COMPLETED"

        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0, text()
        assert "已停止 Stopped" in text() and "Stopping the local Prefect server" in text()
        assert not _alive(server_pid), "the Prefect server outlived `vendorflow serve`"
        assert not _group_alive(server_pid) and not _port_open(port)
        assert not (out / ".prefect" / "server.json").exists()  # no CLI run looks for a stopped server
    finally:
        _stop_group(process)
        if server_pid and _alive(server_pid):
            os.killpg(server_pid, signal.SIGKILL)


def test_the_server_dies_with_a_killed_serve(tmp_path, sample_inputs):
    """SIGKILL leaves no time to clean up: the server has asked the kernel to be stopped with its parent."""
    out, log = tmp_path / "out", tmp_path / "serve.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [
                str(BIN / "vendorflow"),
                "serve",
                "--port",
                str(serve.free_port()),
                "--inputs",
                str(sample_inputs),
                "--outputs",
                str(out),
                "--cron",
                "15 3 * * *",
                "--timezone",
                "UTC",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=_clean_env(tmp_path / "home", COLUMNS="200"),
            start_new_session=True,
        )
    server_pid = None
    try:
        text = lambda: log.read_text(encoding="utf-8", errors="replace")  # noqa: E731
        _wait_for(lambda: "(进程 pid " in text() or process.poll() is not None, 150, "the server", log)
        server_pid = int(text().split("(进程 pid ")[1].split(")")[0])
        _wait_for(lambda: "being served" in text(), 120, "serve to start", log)
        assert "15 3 * * * (UTC)" in text()
        process.kill()
        process.wait(10)
        _wait_for(lambda: not _alive(server_pid), 30, "the orphaned server to stop")
    finally:
        _stop_group(process)
        if server_pid and _group_alive(server_pid):
            os.killpg(server_pid, signal.SIGKILL)


def test_the_monthly_deployment_runs_through_a_real_server_and_a_process_worker(tmp_path, monkeypatch):
    """prefect.yaml as an operator uses it: work pool, `prefect deploy --all`, a worker, a
    scheduled run of 06:00 on 1 November (Shanghai) that processes October."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
    for key in [k for k in os.environ if k.startswith("PREFECT_")]:
        monkeypatch.delenv(key)  # the server below must not share the session harness's database
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    server = serve.LocalServer(tmp_path / "server-home")
    server.start(150)
    worker = None
    try:
        env = _clean_env(
            tmp_path / "client-home",
            PREFECT_API_URL=server.url,
            VENDORFLOW_HOME=str(ROOT),
            VENDORFLOW_RENDER_WORKERS="1",
        )

        def prefect(*args: str, timeout: float = 180) -> str:
            done = subprocess.run(
                [str(BIN / "prefect"), "--no-prompt", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            assert done.returncode == 0, f"prefect {' '.join(args)}\n{done.stdout}\n{done.stderr}"
            return done.stdout

        prefect("work-pool", "create", "vendorflow-pool", "--type", "process")
        prefect("deploy", "--all")
        deployment = _get(f"{server.url}/deployments/name/vendorflow-monthly/vendorflow-monthly")
        assert deployment["work_pool_name"] == "vendorflow-pool"
        assert deployment["schedules"][0]["schedule"]["cron"] == "0 6 1 * *"
        assert deployment["schedules"][0]["schedule"]["timezone"] == "Asia/Shanghai"
        assert (
            _get(f"{server.url}/deployments/name/vendorflow-review/vendorflow-review")["work_pool_name"]
            == "vendorflow-pool"
        )

        fired = dt.datetime(2026, 11, 1, 6, 0, tzinfo=SHANGHAI)  # the run that processes October
        assert fired < dt.datetime.now(dt.UTC), "the clock is before 2026-11-01: the run would not be due"
        create = (
            "import datetime as dt, sys, zoneinfo\n"
            "from prefect.deployments import run_deployment\n"
            "run = run_deployment('vendorflow-monthly/vendorflow-monthly', timeout=0, "
            "parameters={'inputs': sys.argv[1], 'outputs': sys.argv[2]}, "
            "scheduled_time=dt.datetime.fromisoformat(sys.argv[3]))\n"
            "print(run.id)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", create, str(inputs), str(outputs), fired.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        run_id = done.stdout.strip().splitlines()[-1]

        log = tmp_path / "worker.log"
        with open(log, "wb") as sink:
            worker = subprocess.Popen(
                [str(BIN / "prefect"), "worker", "start", "--pool", "vendorflow-pool", "--run-once"],
                cwd=tmp_path,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker.wait(240)
        run = _get(f"{server.url}/flow_runs/{run_id}")
        assert run["state"]["type"] == "COMPLETED", log.read_text(encoding="utf-8", errors="replace")[-4000:]
        assert run["parameters"]["period"] == "previous-month"  # the deployment's, resolved at run time

        manifest = json.loads((outputs / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["period"] == "2026-10"
        documents = [f for f in manifest["files"] if f["path"].endswith(".docx")]
        assert len(documents) > 20
        assert all((outputs / "2026-10" / f["path"]).stat().st_size == f["bytes"] for f in manifest["files"])
        review = next(f["path"] for f in documents if f["path"].startswith("reports/S001_review"))
        text = "\n".join(p.text for p in Document(outputs / "2026-10" / review).paragraphs)
        assert "2026" in text and "S001" in text
    finally:
        if worker is not None:
            _stop_group(worker)
        pid = server.process.pid if server.process else None
        server.stop()
        assert pid is None or not _alive(pid)
