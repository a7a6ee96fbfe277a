"""The kept Prefect database: a new Prefect home starts migrated instead of migrating (12 s of CPU).

A server that creates a new database leaves a copy once it answers; the next new home is seeded
from it, and its server answers on it; a copy that is damaged, of another Prefect version, or an
operator's own database URL is never used.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.orchestration import database, serve


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _stamped(path: Path, revision: str = "abc123") -> Path:
    """A small SQLite file stamped the way Prefect's migrations stamp theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alembic_version (version_num TEXT)")
        db.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
        db.execute("CREATE TABLE flow_run (id TEXT)")
    return path


@pytest.fixture
def no_operator_database(monkeypatch):
    for name in database.DATABASE_URLS:
        monkeypatch.delenv(name, raising=False)


def test_the_kept_copy_is_named_after_prefects_version(tmp_path):
    assert database.template(tmp_path) == tmp_path / f"prefect-{version('prefect')}.db"
    assert database.default_cache({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "vendorflow"
    assert database.default_cache({}) == Path.home() / ".cache" / "vendorflow"


def test_a_new_home_is_seeded_from_the_kept_copy_and_an_existing_database_is_never_replaced(tmp_path):
    cache = tmp_path / "cache"
    _stamped(database.template(cache))
    home = tmp_path / "home"
    assert database.seed(home, cache)
    assert _tables(home / "prefect.db") == {"alembic_version", "flow_run"}
    with sqlite3.connect(home / "prefect.db") as db:
        db.execute("INSERT INTO flow_run VALUES ('run-1')")
    assert not database.seed(home, cache)  # the home's own history stays
    with sqlite3.connect(home / "prefect.db") as db:
        assert db.execute("SELECT id FROM flow_run").fetchall() == [("run-1",)]
    assert sorted(p.name for p in home.iterdir()) == ["prefect.db"]  # no temporary left


def test_a_damaged_copy_or_one_of_another_version_is_not_used(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    database.template(cache).write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert not database.seed(tmp_path / "a", cache)
    assert not (tmp_path / "a" / "prefect.db").exists()
    database.template(cache).unlink()
    _stamped(cache / "prefect-0.0.1.db")  # an older Prefect's migrations
    assert not database.seed(tmp_path / "b", cache)
    assert not (tmp_path / "b" / "prefect.db").exists()
    unstamped = database.template(cache)
    sqlite3.connect(unstamped).execute("CREATE TABLE t (x)").connection.close()  # never migrated
    assert not database.seed(tmp_path / "c", cache)


def test_keep_copies_a_database_once_as_one_self_contained_file(tmp_path):
    home, cache = tmp_path / "home", tmp_path / "cache"
    _stamped(home / "prefect.db")
    with sqlite3.connect(home / "prefect.db") as db:
        db.execute("PRAGMA journal_mode = WAL")
    assert database.keep(home, cache)
    kept = database.template(cache)
    assert _tables(kept) == {"alembic_version", "flow_run"}
    with sqlite3.connect(kept) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(p.name for p in cache.iterdir()) == [kept.name]
    with sqlite3.connect(home / "prefect.db") as db:
        db.execute("INSERT INTO flow_run VALUES ('run-1')")
    assert not database.keep(home, cache)  # the first copy stays: it has nothing recorded
    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT count(*) FROM flow_run").fetchone()[0] == 0


def test_an_operators_database_url_is_theirs(monkeypatch):
    assert database.own_database({})
    assert not database.own_database({"PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://x/y"})
    assert not database.own_database({"PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://x/y"})


def test_the_command_line_seeds_a_new_outputs_folders_prefect_home(tmp_path, monkeypatch, no_operator_database):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    _stamped(database.template(tmp_path / "xdg" / "vendorflow"))
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    cli.quiet_prefect(outputs=outputs)
    assert os.environ["PREFECT_HOME"] == str((outputs / ".prefect").resolve())
    assert _tables(outputs / ".prefect" / "prefect.db") == {"alembic_version", "flow_run"}


def test_an_operators_database_is_never_seeded_by_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://u@127.0.0.1/prefect")
    _stamped(database.template(tmp_path / "xdg" / "vendorflow"))
    (tmp_path / "outputs").mkdir()
    cli.quiet_prefect(outputs=tmp_path / "outputs")
    assert not (tmp_path / "home" / "prefect.db").exists()


def test_a_server_on_a_new_database_leaves_a_copy_and_the_next_new_home_starts_from_it(
    tmp_path, monkeypatch, no_operator_database
):
    for key in [k for k in os.environ if k.startswith("PREFECT_")]:
        monkeypatch.delenv(key)  # the servers below must not share the session harness's database
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    cache = tmp_path / "cache"
    first = serve.LocalServer(tmp_path / "first", ui=False, database_cache=cache)
    with first:
        assert not first.migrates  # it migrated, answered, and the copy was kept
    kept = database.template(cache)
    assert {"alembic_version", "flow_run", "task_run", "block_type"} <= _tables(kept)
    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT count(*) FROM flow_run").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM block_type").fetchone()[0] > 0  # registered at its start

    second = serve.LocalServer(tmp_path / "second", ui=False, database_cache=cache)
    second.launch()
    try:
        assert (tmp_path / "second" / "prefect.db").is_file()  # seeded before the server started
        assert not second.migrates
        second.wait_healthy(120)
        with urllib.request.urlopen(f"{second.url}/block_types/slug/secret", timeout=10) as answer:
            assert answer.status == 200
    finally:
        second.stop()
    assert sorted(p.name for p in cache.iterdir()) == [kept.name]
