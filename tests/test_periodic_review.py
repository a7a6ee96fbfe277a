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
    assert not list((annual.outputs / "reports").glob("*_meeting_*"))  # meeting briefs are quarterly
    check_meeting_briefs(out, summary.outputs, inputs)


def check_meeting_briefs(out, q3, inputs):
    """The quarterly supplier meeting brief (供应商沟通会议纪要, policy review.meeting_briefs: all):
    per supplier, the quarter's scores against the previous quarter, the plans open at its end and
    those closed in it, the appeals decided, the inspections and the notices — from the store."""
    import dataclasses

    from pipeline.compute.rollup import ReviewPeriod
    from pipeline.publish.history import HistoryStore
    from pipeline.runs.review import review_jobs

    assert len(list((q3 / "reports").glob("*_meeting_2026-Q3.docx"))) == 15
    s009 = docx_text(q3 / "reports" / "S009_meeting_2026-Q3.docx")
    assert "供应商季度沟通会议纪要" in s009 and "MB-2026-Q3-S009" in s009
    # the conditional inspection of September 15, its findings in both languages, and the plan closed on it
    assert "INSP-2026-09-001" in s009 and "限期整改" in s009 and "3／30" in s009
    assert "后厨留样记录不全，两台冰柜温度超标。" in s009 and "two freezers above temperature" in s009
    assert "整改计划ZG-2026-002已于2026年9月28日关闭（验证人：刘洋）" in s009
    assert "ZG-2026-002" in s009.split("本季度已关闭的整改计划")[1].split("五、申诉处理")[0]
    assert "85.42" in s009  # (86.97 + 86.97 + 82.31) / 3
    s011 = docx_text(q3 / "reports" / "S011_meeting_2026-Q3.docx")
    assert "申诉SS-2026-003（事件INC-2608-006）处理结果：申诉不成立，予以驳回。" in s011

    q4 = run_review(out, "2026-Q4").outputs  # the policy the store kept
    s005 = docx_text(q4 / "reports" / "S005_meeting_2026-Q4.docx")
    # October 64.25 against the third quarter's 80.14, stated in both languages
    assert "较上季度（80.14分）下降15.89分" in s005 and "down 15.89 points on the previous quarter (80.14)" in s005
    opened = s005.split("季度末未关闭的整改事项")[1].split("本季度已关闭的整改计划")[0]
    closed = s005.split("本季度已关闭的整改计划")[1].split("五、申诉处理")[0]
    assert "ZG-2026-006" in opened and "IN-2026-10-S005" in opened and "2026年11月30日" in opened
    assert "ZG-2026-004" in closed and "2026年10月15日" in closed and "ZG-2026-006" not in closed
    assert "INSP-2026-10-002" in s005 and "7／24" in s005 and "70.8%" in s005
    assert "IN-2026-10-S005" in s005.split("七、本季度文书")[1]
    assert "ER-" not in s005  # the internal exit review is never in a document the supplier signs
    s015 = docx_text(q4 / "reports" / "S015_meeting_2026-Q4.docx")
    assert "申诉SS-2026-002（事件INC-2609-006）处理结果：申诉部分成立，已退还违约金2,000.00元" in s015
    assert "针对IN-2026-10-S015的书面整改计划应于2026年11月13日前提交" in s015
    s001 = docx_text(q4 / "reports" / "S001_meeting_2026-Q4.docx")
    assert "SS-2026-001" in s001 and "申诉成立" in s001 and "200.00" in s001

    store = HistoryStore.for_outputs(out)
    policy = load_policy(inputs / "policy.yaml")
    q4_period = ReviewPeriod.parse("2026-Q4")

    def briefed(mode: str) -> set[str]:
        jobs = review_jobs(store, q4_period, dataclasses.replace(policy, meeting_briefs=mode))
        return {j.supplier_id for j in jobs if j.doc_type == "meeting_brief"}

    assert briefed("none") == set()
    assert len(briefed("all")) == 15
    with_items = briefed("with_items")
    assert {"S001", "S005", "S015"} <= with_items < briefed("all")


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
