"""Quarterly review of the sample's third quarter, from months recorded in the history store."""

from __future__ import annotations

import shutil

from conftest import SAMPLE_INPUTS
from docx_reading import docx_text

from pipeline.config.policy import load_policy
from pipeline.runs.monthly import run_month
from pipeline.runs.review import run_review


def test_quarter_covers_its_three_recorded_months_and_notices_follow(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected"))
    out = tmp_path / "out"
    for period in ("2026-07", "2026-08", "2026-09", "2026-10"):
        run_month(inputs, out, period=period)
    assert (out / "2026-09" / "notices" / "S003_warning_letter_2026-09.docx").exists()
    assert (out / "2026-10" / "notices" / "S003_improvement_notice_2026-10.docx").exists()
    assert (out / "2026-09" / "notices" / "S001_commendation_letter_2026-09.docx").exists()
    summary = run_review(out, "2026-Q3", load_policy(inputs / "policy.yaml"))
    assert summary.months_recorded == 3 and summary.suppliers == 15
    text = docx_text(summary.outputs / "reports" / "S003_review_2026-Q3.docx")
    for score in ("94.37", "83.44", "66.93"):
        assert score in text
    assert "2026年第三季度" in text and "Q3 2026" in text
    annual = run_review(out, "2026", load_policy(inputs / "policy.yaml"))
    year = docx_text(annual.outputs / "reports" / "S003_review_2026.docx")
    assert "46.56" in year and "不计入平均分" in year  # Jan–Jun missing, not zero


def test_review_uses_the_policy_the_months_were_scored_with_from_any_folder(tmp_path):
    """The history store keeps each run's policy: `vendorflow review` needs no inputs folder, and
    gives the same documents as with the policy given explicitly."""
    import json
    import os
    import subprocess
    import sys

    import sqlalchemy as sa
    from conftest import ROOT

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected"))
    out = tmp_path / "out"
    for period in ("2026-07", "2026-08", "2026-09"):
        run_month(inputs, out, period=period)
    explicit = run_review(out, "2026-Q3", load_policy(inputs / "policy.yaml"))
    by_explicit = {e["path"]: e["sha256"] for e in json.loads(explicit.manifest.read_text())["files"]}
    shutil.rmtree(out / "2026-Q3")
    policy_text = (inputs / "policy.yaml").read_text(encoding="utf-8")
    shutil.rmtree(inputs)  # the months' policy is now only in the store
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "review", "--period", "2026-Q3", "--outputs", str(out)],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((out / "2026-Q3" / "manifest.json").read_text())
    assert {e["path"]: e["sha256"] for e in manifest["files"]} == by_explicit
    engine = sa.create_engine(f"sqlite:///{out / 'history.sqlite'}")
    with engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT text FROM policies").scalars().all()
    assert kept == [policy_text]  # one policy, kept once for the three runs


def test_a_store_without_the_months_policy_asks_for_one(tmp_path):
    import pytest
    import sqlalchemy as sa

    from pipeline.errors import ConfigError

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("archive", "rejected"))
    out = tmp_path / "out"
    run_month(inputs, out, period="2026-09")
    engine = sa.create_engine(f"sqlite:///{out / 'history.sqlite'}")
    with engine.begin() as conn:  # as an earlier release left it
        conn.exec_driver_sql("DELETE FROM policies")
    with pytest.raises(ConfigError, match="give it with --policy"):
        run_review(out, "2026-Q3")
    assert run_review(out, "2026-Q3", load_policy(inputs / "policy.yaml")).months_recorded == 1
