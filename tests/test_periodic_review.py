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
    for score in ("94.37", "83.44", "66.92"):
        assert score in text
    assert "2026年第三季度" in text and "Q3 2026" in text
    annual = run_review(out, "2026", load_policy(inputs / "policy.yaml"))
    year = docx_text(annual.outputs / "reports" / "S003_review_2026.docx")
    assert "46.57" in year and "不计入平均分" in year  # Jan–Jun missing, not zero
