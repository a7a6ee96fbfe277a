"""Every process a command starts ends with it, however the command ends: each command is
killed outright (SIGKILL, no cleanup possible) while Prefect's temporary server is up, and
nothing it started may be left a few seconds later (it was: a 180 MB uvicorn per kill)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_serve import _clean_env

from pipeline.orchestration.reaper import descendants

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
BIN = Path(sys.executable).parent


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _is_prefect_server(pid: int) -> bool:
    """Prefect's temporary server (uvicorn prefect.server…) or the one `run` starts early (prefect server start)."""
    line = _cmdline(pid)
    return "prefect.server" in line or "prefect server start" in line


def _alive(pid: int, started: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != b"Z" and int(fields[19]) == started


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--period", "2026-10"],
        ["contracts"],
        ["select", "--event", "SEL-2026-11"],
        ["distribute", "--period", "2026-09", "--dry-run"],
    ],
    ids=lambda c: c[0],
)
def test_a_killed_command_leaves_nothing_running(sample_inputs, tmp_path, command):
    out = tmp_path / "out"
    if command[0] == "distribute":  # something to distribute: September's documents, without Prefect
        from pipeline.runs.monthly import run_month

        run_month(sample_inputs, out, period="2026-09")
    process = subprocess.Popen(
        [str(BIN / "vendorflow"), *command, "--inputs", str(sample_inputs), "--outputs", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env=_clean_env(tmp_path / "home"),
        start_new_session=True,
    )
    seen: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            seen.update(descendants(process.pid))
            if any(_is_prefect_server(pid) for pid in seen):
                break
            time.sleep(0.2)
        assert process.poll() is None, "the command ended before its Prefect server was seen"
        server = [pid for pid in seen if _is_prefect_server(pid)]
        assert server, "no Prefect server started"
        if command[0] == "run":  # started by the command itself, early, not at the flow's first call
            assert any("prefect server start" in _cmdline(pid) and "--no-ui" in _cmdline(pid) for pid in server)
        time.sleep(1.0)  # let the watcher note the server too
        seen.update(descendants(process.pid))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(p, s) for p, s in seen.items()):
            time.sleep(0.2)
        left = {pid: _cmdline(pid) for pid, started in seen.items() if _alive(pid, started)}
        assert not left, f"still running after the command was killed: {left}"
    finally:
        for pid, started in seen.items():
            if _alive(pid, started):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()


def test_the_watcher_itself_ends_with_a_command_that_ends_normally(sample_inputs, tmp_path):
    process = subprocess.Popen(
        [str(BIN / "vendorflow"), "run", "--period", "2026-10", "--inputs", str(sample_inputs)]
        + ["--outputs", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=_clean_env(tmp_path / "home"),
    )
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode("utf-8", "replace")[-2000:]

    def watchers() -> list[str]:
        return [
            p
            for p in os.listdir("/proc")
            if p.isdigit()
            and "pipeline.orchestration.reaper" in (line := _cmdline(int(p)))
            and line.split()[-1] == str(process.pid)
        ]

    deadline = time.monotonic() + 5
    while watchers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not watchers(), "the watcher outlived its command"
