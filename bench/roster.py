#!/usr/bin/env python3
"""A dispatch agency's settlement statement with a large roster: every worker in Word against
the workbook annex (policy workforce.roster_in_word_max), side by side in one run.

    python bench/roster.py [--workers 500,2500,5000]

For each size, S002's month of the sample is cloned into one agency with that many workers (as
bench/workforce.py does), its statement rendered twice: with the roster in Word (the limit above
the size: the baseline, what every statement was before the annex) and with the default limit
(300: the per-worker lines go to settlements/<id>_attendance_<period>.xlsx and Word keeps each
post's totals). Each .docx is converted to PDF by LibreOffice, one file per call, as
`vendorflow run --pdf` would; the table gives pages and seconds of each, and the seconds to
write the workbook. Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from workforce import PERIOD, sample_records, scaled  # noqa: E402


def to_pdf(docx: Path, profile: Path) -> tuple[float, int]:
    """Seconds LibreOffice takes to convert `docx`, and the PDF's pages."""
    t = time.perf_counter()
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - t
    info = subprocess.run(["pdfinfo", str(docx.with_suffix(".pdf"))], capture_output=True, text=True).stdout
    pages = next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)
    return seconds, pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", default="500,2500,5000")
    args = ap.parse_args()
    if not shutil.which("soffice"):
        print("LibreOffice (soffice) is needed to convert the statements: apt-get install libreoffice-writer-nogui")
        return 2
    from pipeline.documents.workforce import roster_workbook_bytes
    from pipeline.periods import Period
    from pipeline.render.facade import render_docx
    from pipeline.runs.monthly import SHIPPED_TEMPLATES, TEMPLATES

    records, policy = sample_records()
    template = str(SHIPPED_TEMPLATES / TEMPLATES["settlement_statement"])
    period = Period.parse(PERIOD)
    print(f"settlement statement of one dispatch agency, {PERIOD}; machine: {platform.platform()}, ", end="")
    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{'workers':>8} | {'roster in Word (baseline)':>27} | {'workbook annex (limit 300)':>40}")
    print(
        f"{'':>8} | {'pages':>8} {'PDF s':>9} {'docx s':>8} | {'pages':>8} {'PDF s':>9} {'docx s':>8} {'xlsx s':>8} {'×':>4}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        profile = tmp / "lo-profile"
        to_pdf_warm = tmp / "warm.docx"  # LibreOffice's first start (profile creation) is not counted
        to_pdf_warm.write_bytes(render_docx(template, _context(records, policy, period, 10, 10**6)[0]))
        to_pdf(to_pdf_warm, profile)
        for n in (int(x) for x in args.workers.split(",")):
            row = []
            for limit in (n + 1, policy.workforce.roster_in_word_max):
                context, sm = _context(records, policy, period, n, limit)
                t = time.perf_counter()
                path = tmp / f"statement_{n}_{limit}.docx"
                path.write_bytes(render_docx(template, context))
                docx_s = time.perf_counter() - t
                pdf_s, pages = to_pdf(path, profile)
                row.append((pages, pdf_s, docx_s))
            t = time.perf_counter()
            roster_workbook_bytes(sm.settlements, sm.supplier_id, PERIOD)
            xlsx_s = time.perf_counter() - t
            (wp, wpdf, wdocx), (ap_, apdf, adocx) = row
            print(
                f"{n:>8,} | {wp:>8} {wpdf:>9.1f} {wdocx:>8.2f} | {ap_:>8} {apdf:>9.1f} {adocx:>8.2f} {xlsx_s:>8.2f} "
                f"{(wpdf + wdocx) / (apdf + adocx + xlsx_s):>4.0f}"
            )
    print("×: the baseline's docx + PDF seconds over the annex's docx + PDF + workbook seconds")
    return 0


def _context(records, policy, period, workers: int, limit: int):
    from pipeline.compute.month import compute_month
    from pipeline.documents.settlement import settlement_context

    rule = dataclasses.replace(policy.workforce, roster_in_word_max=limit)
    scaled_policy = dataclasses.replace(policy, workforce=rule)
    result = compute_month(scaled(records, workers, 1), scaled_policy, period)
    (sm,) = result.suppliers
    return settlement_context(sm, scaled_policy, period, sm.supplier_id), sm


if __name__ == "__main__":
    sys.exit(main())
