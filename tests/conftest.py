"""Shared fixtures. Tests never touch a user's Prefect database: PREFECT_HOME is a
temporary folder set before prefect is imported anywhere."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="vendorflow-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_API_DATABASE_CONNECTION_URL"] = f"sqlite+aiosqlite:///{_PREFECT_HOME}/prefect.db"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_INPUTS = ROOT / "inputs"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session: a server start costs seconds."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


@pytest.fixture
def policy():
    from pipeline.config.policy import load_policy

    return load_policy(SAMPLE_INPUTS / "policy.yaml")


@pytest.fixture
def sample_inputs(tmp_path: Path) -> Path:
    """A private copy of the shipped sample data, free to modify."""
    target = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, target, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
    return target


def _inputs_listing() -> set[str]:
    return {str(p.relative_to(SAMPLE_INPUTS)) for p in SAMPLE_INPUTS.rglob("*")}


_INPUTS_AT_START = _inputs_listing()


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
    # runs archive and quarantine their inputs: a test must run on a copy (fixture sample_inputs)
    added = _inputs_listing() - _INPUTS_AT_START
    if added:
        print(
            f"\nA test wrote into the repository's inputs/ folder (use the sample_inputs fixture): {sorted(added)[:5]}"
        )
        session.exitstatus = 1
