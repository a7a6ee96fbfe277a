"""Generated documents open in LibreOffice, convert to PDF, and show Chinese glyphs.

Skipped where LibreOffice is not installed, except in CI (VENDORFLOW_REQUIRE_PDF=1),
where .ci/run installs it and a skip would hide a broken document.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import SAMPLE_INPUTS

pytestmark = pytest.mark.skipif(
    not shutil.which("soffice") and os.environ.get("VENDORFLOW_REQUIRE_PDF") != "1",
    reason="LibreOffice is not installed (CI installs it and requires this test)",
)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    from pipeline.runs.monthly import run_month

    out = tmp_path_factory.mktemp("pdf")
    inputs = out / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)  # runs archive their inputs: never the repository's
    summary = run_month(inputs, out)
    return summary.outputs


def test_every_generated_document_converts_to_pdf_with_cjk_fonts(month, tmp_path):
    from pipeline.render.pdf import to_pdf

    docs = sorted(month.rglob("*.docx"))
    pdfs = to_pdf(docs, tmp_path)
    assert len(pdfs) == len(docs) == 37
    for pdf in pdfs:
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "华东智造集团有限公司" in text and "East China Smart Manufacturing" in text, pdf.name
        assert "{{" not in text and "{%" not in text, pdf.name
    fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts, fonts  # Chinese set in Noto CJK, not in a fallback without glyphs


def test_settlement_pdf_shows_the_amount_in_words(month, tmp_path):
    from pipeline.render.pdf import to_pdf

    (pdf,) = to_pdf([month / "settlements" / "S001_settlement_2026-10.docx"], tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "人民币" in text and "SAY RMB" in text
