"""The history store on a real PostgreSQL server, and the period lock that holds across machines.

The store tests run twice, against SQLite and against PostgreSQL (a server `initdb`-ed into a
temporary folder for the session, see postgres_server.py); the lock tests need PostgreSQL.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLE_INPUTS
from postgres_server import postgres  # noqa: F401  (the session's server)

from pipeline.errors import PeriodBusy
from pipeline.publish.history import HistoryStore
from pipeline.publish.locking import period_lock
from pipeline.settings import Settings


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str | None:
    """None: the SQLite file in the outputs folder; else a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database()


def _settings(url: str | None) -> Settings:
    return Settings.from_env({"VENDORFLOW_HISTORY_URL": url} if url else {})


def test_months_a_rerun_a_review_and_history_on_each_backend(store_url, tmp_path):
    from pipeline.analysis.history import matrix
    from pipeline.runs.history import history_view
    from pipeline.runs.monthly import run_month
    from pipeline.runs.review import run_review

    inputs, out = tmp_path / "inputs", tmp_path / "out"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    settings = _settings(store_url)
    for period in ("2026-09", "2026-10", "2026-10"):  # October run twice: the second supersedes the first
        run_month(inputs, out, period=period, settings=settings)
    if store_url:
        assert not (out / "history.sqlite").exists()  # everything went to the server
    store = HistoryStore.for_outputs(out, store_url)
    runs = store.audit()
    assert [(r["period"], r["status"]) for r in runs] == [
        ("2026-09", "completed"),
        ("2026-10", "completed"),
        ("2026-10", "completed"),
    ]
    assert runs[1]["superseded_by"] == runs[2]["run_id"] and runs[2]["superseded_by"] is None
    october = {r.supplier_id: r for r in store.current_results(["2026-10"])}
    assert len(october) == 15 and (october["S003"].score, october["S003"].grade) == (Decimal("46.56"), "D")
    assert october["S002"].payable == Decimal("84867.48")

    review = run_review(out, "2026-Q4", settings=settings)
    assert (review.outputs / "manifest.json").is_file() and review.months_recorded == 1

    view = history_view(out, store_url)
    assert view.history.periods == ("2026-09", "2026-10")
    scores = {r["supplier_id"]: r for r in matrix(view.history, "score").to_dict("records")}
    assert scores["S003"]["2026-09"] == Decimal("66.93") and scores["S003"]["2026-10"] == Decimal("46.56")
    assert list(view.runs["period"]) == ["2026-09", "2026-10", "2026-10"]


HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pipeline.publish.locking import period_lock
    with period_lock(Path(sys.argv[1]), sys.argv[2], 0, sys.argv[3]):
        print("held", flush=True)
        time.sleep(float(sys.argv[4]))
    print("released", flush=True)
    """
)


def _holder(tmp_path: Path, url: str, period: str, seconds: float) -> subprocess.Popen:
    """Another machine: its own outputs folder (so its own lock folder), the same database."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "machine-a"), period, url, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_the_period_lock_is_held_in_the_database_across_machines(postgres, tmp_path):  # noqa: F811
    url = postgres.new_database()
    other = _holder(tmp_path, url, "2026-10", 60)
    try:
        with pytest.raises(PeriodBusy) as busy:
            with period_lock(tmp_path / "machine-b", "2026-10", 0, url):
                pass
        assert f"pid {other.pid}" in str(busy.value) and "2026-10" in str(busy.value)
        with period_lock(tmp_path / "machine-b", "2026-09", 0, url):  # another period proceeds
            pass
        assert not (tmp_path / "machine-b" / ".locks").exists()  # no file lock: the database holds it
    finally:
        other.send_signal(signal.SIGKILL)  # a run killed outright: the server releases its lock
        other.wait()
    started = time.monotonic()
    with period_lock(tmp_path / "machine-b", "2026-10", 10, url):
        waited = time.monotonic() - started
    assert waited < 10


def test_a_run_waits_for_the_lock_with_wait(postgres, tmp_path):  # noqa: F811
    url = postgres.new_database()
    other = _holder(tmp_path, url, "2026-10", 2)
    started = time.monotonic()
    with period_lock(tmp_path / "machine-b", "2026-10", 30, url):
        waited = time.monotonic() - started
        assert other.wait(10) == 0 and other.stdout.read().strip() == "released"
    assert 0.5 < waited < 30


def test_a_second_run_of_the_same_period_exits_2_naming_the_first(postgres, sample_inputs, tmp_path, capsys):  # noqa: F811
    from pipeline.cli import main

    url = postgres.new_database()
    other = _holder(tmp_path, url, "2026-10", 120)
    args = ["run", "--inputs", str(sample_inputs), "--outputs", str(tmp_path / "b"), "--period", "2026-10"]
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("VENDORFLOW_HISTORY_URL", url)
            mp.setenv("VENDORFLOW_ORCHESTRATION", "plain")
            assert main(args) == 2
            said = " ".join(capsys.readouterr().err.split())
            assert f"pid {other.pid}" in said and "--wait" in said and "Traceback" not in said
            assert not (tmp_path / "b" / "2026-10" / "manifest.json").exists()
            other.kill()  # the first run dies: its lock goes with its connection
            other.wait()
            assert main([*args, "--wait", "30"]) in (0, 1)
        assert (tmp_path / "b" / "2026-10" / "manifest.json").is_file()
    finally:
        if other.poll() is None:
            other.kill()
            other.wait()
