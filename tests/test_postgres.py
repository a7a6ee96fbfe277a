"""The history store on a real PostgreSQL server, and the period lock that holds across machines.

The store tests run twice, against SQLite and against PostgreSQL (a server `initdb`-ed into a
temporary folder for the session, see postgres_server.py); the lock tests need PostgreSQL.
"""

from __future__ import annotations

import os
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
from pipeline.publish.history import SCHEMA_HEAD, HistoryStore
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


def test_processes_opening_a_new_store_at_once_all_find_it_whole(store_url, tmp_path):
    """Two workers starting their first runs together: one creates the store, the others wait
    and find it at this release's schema (PostgreSQL's CREATE TABLE otherwise races in pg_type)."""
    script = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from pipeline.publish.history import HistoryStore
        time.sleep(max(0.0, float(sys.argv[3]) - time.time()))  # all start at the same moment
        store = HistoryStore.for_outputs(Path(sys.argv[1]), sys.argv[2] or None)
        print(store.schema)
        """
    )
    start = f"{time.time() + 3:.3f}"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "out"), store_url or "", start],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    done = [c.communicate(timeout=120) for c in children]
    assert [c.returncode for c in children] == [0] * 4, [err[-2000:] for _, err in done]
    assert [out.strip() for out, _ in done] == [SCHEMA_HEAD] * 4
    store = HistoryStore.for_outputs(tmp_path / "out", store_url)
    assert store.schema == SCHEMA_HEAD and store.audit() == []


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
    assert october["S002"].payable == Decimal("84885.13")  # the sample's attendance, settled

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


# --- a versioned store: an older one is migrated forward -----------------------------------

PREVIOUS = Path(__file__).resolve().parent / "fixtures" / "history" / "previous_release.sqlite"


def test_a_store_written_by_the_previous_release_is_migrated_and_still_works(tmp_path):
    """tests/fixtures/history/previous_release.sqlite: September and October 2026 of the sample,
    written by the release before schema versioning (scores and money as text)."""
    import sqlite3

    from pipeline.runs.history import history_view
    from pipeline.runs.monthly import run_month
    from pipeline.runs.review import run_review

    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(PREVIOUS, out / "history.sqlite")
    before = sqlite3.connect(out / "history.sqlite")
    assert before.execute("SELECT typeof(score) FROM results LIMIT 1").fetchone() == ("text",)
    assert "alembic_version" not in {r[0] for r in before.execute("SELECT name FROM sqlite_master")}
    before.close()

    store = HistoryStore.for_outputs(out)
    assert (store.schema_from, store.schema) == ("0000", SCHEMA_HEAD)
    after = sqlite3.connect(out / "history.sqlite")
    kinds = after.execute("SELECT typeof(score), typeof(payable) FROM results LIMIT 1").fetchone()
    assert "text" not in kinds, kinds  # numbers now (SQLite's NUMERIC keeps 197125.00 as an integer)
    after.close()
    october = {r.supplier_id: r for r in store.current_results(["2026-10"])}
    assert october["S003"].score == Decimal("46.56") and october["S002"].payable == Decimal("84867.48")
    assert len(store.audit()) == 2

    # and the store keeps working: another month, a review, the history command, the ledger
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    run_month(inputs, out, period="2026-08", settings=Settings())
    review = run_review(out, "2026-Q3", settings=Settings())
    assert review.months_recorded == 2
    view = history_view(out)
    assert view.history.periods == ("2026-08", "2026-09", "2026-10")
    assert HistoryStore.for_outputs(out).sent_documents("2026-10") == []


def test_an_older_store_is_refused_unchanged_when_migration_is_turned_off(tmp_path):
    from pipeline.errors import HistoryError

    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(PREVIOUS, out / "history.sqlite")
    data = (out / "history.sqlite").read_bytes()
    settings = Settings.from_env({"VENDORFLOW_HISTORY_MIGRATE": "never"})
    assert settings.history_migrate is False
    with pytest.raises(HistoryError) as refused:
        HistoryStore.for_outputs(out, None, settings.history_migrate)
    assert (
        "0000" in str(refused.value)
        and SCHEMA_HEAD in str(refused.value)
        and "VENDORFLOW_HISTORY_MIGRATE" in str(refused.value)
    )
    assert (out / "history.sqlite").read_bytes() == data  # nothing changed


def test_a_failed_migration_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    import pipeline.publish.history as history

    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(PREVIOUS, out / "history.sqlite")
    data = (out / "history.sqlite").read_bytes()
    real = history._stamp

    def upgrade_then_fail(conn, migrate, where):
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(history.MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")  # every step done…
        raise RuntimeError("power cut")  # …and then the process dies before the commit

    monkeypatch.setattr(history, "_bring_to_head", upgrade_then_fail)
    with pytest.raises(RuntimeError):
        HistoryStore.for_outputs(out)
    monkeypatch.setattr(history, "_bring_to_head", history._bring_to_head)
    import sqlite3

    con = sqlite3.connect(out / "history.sqlite")
    assert con.execute("SELECT typeof(score) FROM results LIMIT 1").fetchone() == ("text",)
    assert "alembic_version" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    assert real is history._stamp and len(data) > 0


def test_a_new_store_starts_at_this_releases_schema_on_each_backend(store_url, tmp_path):
    store = HistoryStore.for_outputs(tmp_path, store_url)
    assert (store.schema_from, store.schema) == (None, SCHEMA_HEAD)
    again = HistoryStore.for_outputs(tmp_path, store_url)
    assert (again.schema_from, again.schema) == (SCHEMA_HEAD, SCHEMA_HEAD)


def test_a_postgresql_store_at_the_baseline_is_migrated_with_its_text_figures_converted(postgres):  # noqa: F811
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    import pipeline.publish.history as history

    url = postgres.new_database()
    engine = sa.create_engine(history.engine_url(url))
    with engine.begin() as conn:  # the store as the previous release left it: revision 0001, text figures
        config = Config()
        config.set_main_option("script_location", str(history.MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            sa.text(
                "INSERT INTO runs (run_id, flow, period, started_at, finished_at, status) "
                "VALUES ('r1', 'monthly', '2026-10', '2026-11-01', '2026-11-01', 'completed')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO results (run_id, period, supplier_id, rated, score, grade, penalties, rewards, payable) "
                "VALUES ('r1', '2026-10', 'S003', true, '46.56', 'D', '25500.00', '', '544500.00')"
            )
        )
    engine.dispose()
    store = HistoryStore.for_outputs(Path("unused"), url)
    assert (store.schema_from, store.schema) == ("0001", SCHEMA_HEAD)
    (s003,) = store.current_results(["2026-10"])
    assert (s003.score, s003.penalties, s003.rewards, s003.payable) == (
        Decimal("46.56"),
        Decimal("25500.00"),
        None,
        Decimal("544500.00"),
    )
    store.engine.dispose()


def test_a_store_at_0002_gains_the_settled_amounts_empty_on_each_backend(store_url, tmp_path):
    """Revision 0003 adds the contract amount, net of VAT and VAT to results; rows recorded before stay NULL."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    import pipeline.publish.history as history

    url = store_url or history.default_url(tmp_path)
    engine = sa.create_engine(history.engine_url(url))
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(history.MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(
            sa.text(
                "INSERT INTO runs (run_id, flow, period, started_at, finished_at, status) "
                "VALUES ('r1', 'monthly', '2026-10', '2026-11-01', '2026-11-01', 'completed')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO results (run_id, period, supplier_id, rated, score, payable) "
                "VALUES ('r1', '2026-10', 'S003', true, 46.56, 544500.00)"
            )
        )
    engine.dispose()
    store = HistoryStore.for_outputs(tmp_path, store_url)
    assert (store.schema_from, store.schema) == ("0002", SCHEMA_HEAD)
    frame = store.current_frame("results")
    assert list(frame["payable"]) == [Decimal("544500.00")]
    assert frame[["base", "tax_exclusive", "vat"]].isna().all().all()
    store.engine.dispose()


def test_prefect_on_postgresql_with_two_process_workers_running_two_periods_at_once(postgres, tmp_path, monkeypatch):  # noqa: F811
    """The production set-up of docs/deployment.md on one machine: the Prefect server's database
    and the history store on PostgreSQL, one work pool, two process workers (as on two machines)
    each taking one run (`--limit 1`), September and October at the same time; both complete,
    each period's outputs are whole and the store holds both months."""
    import datetime as dt
    import json

    import sqlalchemy as sa
    from test_serve import BIN, ROOT, _clean_env, _get, _stop_group

    from pipeline.orchestration import serve

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
    store_url = postgres.new_database()
    prefect_url = postgres.new_database().replace("postgresql://", "postgresql+asyncpg://", 1)
    for key in [k for k in os.environ if k.startswith("PREFECT_")]:
        monkeypatch.delenv(key)  # the server below must not share the session harness's database
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", prefect_url)  # kept by LocalServer
    server = serve.LocalServer(tmp_path / "server-home")
    server.start(180)
    workers: list[subprocess.Popen] = []
    try:
        env = _clean_env(
            tmp_path / "client-home",
            PREFECT_API_URL=server.url,
            VENDORFLOW_HOME=str(ROOT),
            VENDORFLOW_RENDER_WORKERS="1",
            VENDORFLOW_HISTORY_URL=store_url,
        )

        def prefect(*args: str) -> str:
            done = subprocess.run(
                [str(BIN / "prefect"), "--no-prompt", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert done.returncode == 0, f"prefect {' '.join(args)}\n{done.stdout}\n{done.stderr}"
            return done.stdout

        prefect("work-pool", "create", "vendorflow-pool", "--type", "process")
        prefect("deploy", "--all")
        # two workers polling each second, each running one flow run at a time (as on two machines)
        logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
        for log in logs:
            with open(log, "wb") as sink:
                workers.append(
                    subprocess.Popen(
                        [str(BIN / "prefect"), "worker", "start", "--pool", "vendorflow-pool", "--limit", "1"],
                        cwd=tmp_path,
                        env={**env, "PREFECT_WORKER_QUERY_SECONDS": "1"},
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        create = (
            "import sys\n"
            "from prefect.deployments import run_deployment\n"
            "for period in sys.argv[3:]:\n"
            "    run = run_deployment('vendorflow-monthly/vendorflow-monthly', timeout=0, "
            "parameters={'inputs': sys.argv[1], 'outputs': sys.argv[2], 'period': period})\n"
            "    print(run.id)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", create, str(inputs), str(outputs), "2026-09", "2026-10"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        run_ids = done.stdout.split()[-2:]
        final = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            runs = [_get(f"{server.url}/flow_runs/{r}") for r in run_ids]
            if all(r["state"]["type"] in final for r in runs):
                break
            assert all(w.poll() is None for w in workers), "a worker stopped"
            time.sleep(1)
        tails = "\n".join(log.read_text(encoding="utf-8", errors="replace")[-3000:] for log in logs)
        assert [r["state"]["type"] for r in runs] == ["COMPLETED", "COMPLETED"], tails
        # the two ran at the same time: with --limit 1, on the two workers
        start = [dt.datetime.fromisoformat(r["start_time"]) for r in runs]
        end = [dt.datetime.fromisoformat(r["end_time"]) for r in runs]
        assert max(start) < min(end), f"the two periods did not run at once: {start} {end}\n{tails}"
        for period in ("2026-09", "2026-10"):
            manifest = json.loads((outputs / period / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["period"] == period
            assert all((outputs / period / f["path"]).stat().st_size == f["bytes"] for f in manifest["files"])
        engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            done_periods = conn.exec_driver_sql(
                "SELECT r.period, count(*) FROM results r JOIN runs u ON u.run_id = r.run_id "
                "WHERE u.status = 'completed' GROUP BY r.period ORDER BY r.period"
            ).fetchall()
        engine.dispose()
        assert [p for p, _ in done_periods] == ["2026-09", "2026-10"] and all(n == 15 for _, n in done_periods)
        assert not (outputs / "history.sqlite").exists()  # the store is PostgreSQL's alone
    finally:
        for w in workers:
            _stop_group(w)
        server.stop()
