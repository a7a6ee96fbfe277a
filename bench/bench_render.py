"""Rendering speed: our safe, reproducible path beside plain docxtpl in the same run.

Prints per-document milliseconds (median of repeated rounds) for each template, so the
cost of sandboxing, autoescape and zip normalisation is visible against the baseline,
then the whole sample month without Prefect.
"""
from __future__ import annotations

import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.monthly import run_month  # noqa: E402
from pipeline.render import render_docx, template_bytes  # noqa: E402

TEMPLATES = ["review_report", "settlement_statement", "portfolio_summary"]
ROUNDS, PER_ROUND = 5, 10


def baseline(name: str, context: dict) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template_bytes(f"{name}.docx")))
    tpl.render(context)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def ours(name: str, context: dict) -> bytes:
    return render_docx(f"{name}.docx", context)


def per_doc_ms(fn, name: str, context: dict) -> float:
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(PER_ROUND):
            fn(name, context)
        rounds.append((time.perf_counter() - start) / PER_ROUND * 1000)
    return statistics.median(rounds)


def main() -> None:
    print(f"{'template':<24}{'docxtpl (ms/doc)':>18}{'vendorflow (ms/doc)':>22}{'ratio':>8}")
    for name in TEMPLATES:
        context = json.loads((ROOT / "tests" / "fixtures" / "contexts" / f"{name}.json").read_text(encoding="utf-8"))
        base, mine = per_doc_ms(baseline, name, context), per_doc_ms(ours, name, context)
        print(f"{name:<24}{base:>18.1f}{mine:>22.1f}{mine / base:>8.2f}")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        summary = run_month(ROOT / "inputs", Path(out))
        elapsed = time.perf_counter() - start
    print(f"sample month without Prefect: {summary.documents} documents in {elapsed:.2f} s "
          f"({summary.documents / elapsed:.1f} docs/s)")


if __name__ == "__main__":
    main()
