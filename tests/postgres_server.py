"""A real PostgreSQL server for the tests: `initdb` into a temporary folder, started on
127.0.0.1 on a free port, stopped at the end (`pg_ctl stop -m immediate` if a fast stop hangs).

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (Debian's
package creates it). Skipped where PostgreSQL is not installed, except in CI
(VENDORFLOW_REQUIRE_POSTGRES=1), where .ci/run installs it and a skip would hide a gap.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.initdb, self.pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise FileNotFoundError("initdb / pg_ctl")
        self.as_user: list[str] = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="vendorflow-pg-"))
        self.data, self.socket_dir = self.folder / "data", self.folder / "run"
        self.port = _free_port()
        self.user = "vendorflow"

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=timeout, cwd=self.folder)

    def start(self) -> PostgresServer:
        self.socket_dir.mkdir(parents=True)
        if self.as_user:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run(self.initdb, "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start"
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database: each test's store starts empty."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=30)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    try:
        import psycopg  # noqa: F401

        server = PostgresServer().start()
    except (FileNotFoundError, ImportError, subprocess.CalledProcessError) as exc:
        if os.environ.get("VENDORFLOW_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"PostgreSQL is not available here ({exc}); CI installs it")
    try:
        yield server
    finally:
        server.stop()
