"""A migrated, empty Prefect database kept once per Prefect version, copied into each new Prefect home.

A Prefect server on a new SQLite database first runs all of Prefect's migrations and registers
its block types: 12 s of CPU on this project's two-core machine, against 4 s for a server on a
database that has them. Every new outputs folder has a new Prefect home (`<outputs>/.prefect`),
so without this each first run in it paid those seconds on the core the pipeline needs. The
first server started on a new database (`vendorflow run`, `vendorflow serve`) leaves a copy of
it here as soon as it answers, before anything is recorded in it; every later new home starts
from that copy. The copy is keyed by Prefect's version, so an upgrade migrates once again.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DATABASE = "prefect.db"  # Prefect's own default: sqlite+aiosqlite:///${PREFECT_HOME}/prefect.db
DATABASE_URLS = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")


def default_cache(environ: Mapping[str, str]) -> Path:
    """Where the copy is kept (the edge reads the environment): $XDG_CACHE_HOME/vendorflow, else ~/.cache/vendorflow."""
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vendorflow"


def own_database(environ: Mapping[str, str]) -> bool:
    """Whether Prefect uses its default SQLite file in its home (an operator's database URL, say
    PostgreSQL, is theirs: it is never seeded)."""
    return not any(environ.get(name) for name in DATABASE_URLS)


def template(cache: Path) -> Path | None:
    try:
        return cache / f"prefect-{version('prefect')}.db"
    except PackageNotFoundError:  # pragma: no cover - Prefect is a dependency
        return None


def _readable(path: Path) -> bool:
    """A whole SQLite file that Prefect's migrations have stamped."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        ok = db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return ok and db.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
    except sqlite3.Error:
        return False
    finally:
        db.close()


def seed(home: Path, cache: Path) -> bool:
    """Copy the kept database into `home` when it has none yet; whether it did. A copy that is
    missing, damaged or of another Prefect version is never used: the server then migrates."""
    target, kept = home / DATABASE, template(cache)
    if target.exists() or kept is None or not kept.is_file() or not _readable(kept):
        return False
    home.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=home, prefix=".prefect-db-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, open(kept, "rb") as src:
            while block := src.read(1 << 20):
                out.write(block)
        if target.exists():  # another process seeded it meanwhile
            return False
        os.replace(tmp, target)
        return True
    finally:
        _remove(tmp)


def _remove(path: str) -> None:
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        if os.path.exists(name):
            os.unlink(name)


def keep(home: Path, cache: Path) -> bool:
    """Keep a copy of `home`'s database when none is kept yet (call it when a server started on a
    new database first answers: migrated, block types registered, nothing recorded); whether it did.
    SQLite's online backup makes a consistent copy while the server has it open."""
    source, kept = home / DATABASE, template(cache)
    if kept is None or kept.exists() or not source.is_file():
        return False
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=".prefect-db-", suffix=".tmp")
        os.close(fd)
    except OSError:  # no writable cache: every new home migrates, as Prefect does
        return False
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file (Prefect sets WAL when it opens it)
        finally:
            dst.close()
            src.close()
        if not _readable(Path(tmp)):
            return False
        os.replace(tmp, kept)
        return True
    except (sqlite3.Error, OSError):
        return False
    finally:
        _remove(tmp)
