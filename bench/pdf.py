#!/usr/bin/env python3
"""PDF conversion throughput: one LibreOffice start per batch against the persistent pool, in one run.

    python bench/pdf.py [--documents 60] [--pool 2]

Runs the sample's October (no Prefect) into a temporary folder and takes its Word documents
(review reports, settlements, notices; the portfolio summary left out so every document is of
a supplier's size), repeated up to --documents. Then converts them:

  batch per supplier   `soffice --convert-to pdf` once per supplier's documents (what sending
                       without a pool costs: one LibreOffice start per message);
  one batch            `soffice --convert-to pdf` once for every document (the floor without a pool);
  pool                 OfficePool(--pool): LibreOffice started once per slot, kept running,
                       slots converting in parallel; its start is counted;
  pool, warm           the same pool converting the documents again (a long-running
                       worker or the next distribution).

It prints documents per second and the ratio to one start per supplier's batch, and checks
that every conversion wrote a PDF with the supplier's id in its text. Not a test: figures
vary by machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def sample_documents(folder: Path, wanted: int) -> list[Path]:
    from pipeline.runs.monthly import run_month

    shutil.copytree(ROOT / "inputs", folder / "inputs", ignore=shutil.ignore_patterns("archive", "quarantine"))
    summary = run_month(folder / "inputs", folder / "outputs", period="2026-10")
    docs = sorted(p for p in summary.outputs.rglob("*.docx") if p.parent.name != "summary")
    out, n = [], 0
    while len(out) < wanted:  # copies under other names: LibreOffice caches nothing by name
        for d in docs:
            if len(out) == wanted:
                break
            copy = folder / "docs" / f"{d.stem}__{n}.docx"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(d, copy)
            out.append(copy)
        n += 1
    return out


def supplier_of(path: Path) -> str:
    return path.name.split("_")[0]


def check(documents: list[Path], pdfs: list[bytes], folder: Path) -> None:
    for doc, data in zip(documents, pdfs, strict=True):
        probe = folder / "probe.pdf"
        probe.write_bytes(data)
        text = subprocess.run(["pdftotext", str(probe), "-"], capture_output=True, text=True, check=True).stdout
        if supplier_of(doc) not in text:
            raise SystemExit(f"{doc.name}: the PDF does not show {supplier_of(doc)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--documents", type=int, default=60)
    ap.add_argument("--pool", type=int, default=2, help="LibreOffice processes in the pool")
    args = ap.parse_args()

    os.environ.setdefault("VENDORFLOW_ORCHESTRATION", "plain")
    from pipeline.render.pdf import BatchConverter, OfficePool, pool_available, soffice

    soffice()
    if not pool_available():
        raise SystemExit("the pool needs a Python with LibreOffice's uno module (Debian: apt-get install python3-uno)")
    with tempfile.TemporaryDirectory(prefix="vendorflow-bench-pdf-") as tmp:
        folder = Path(tmp)
        docs = sample_documents(folder, args.documents)
        by_supplier: dict[str, list[Path]] = defaultdict(list)
        for d in docs:
            by_supplier[supplier_of(d)].append(d)
        batch = BatchConverter()
        rows = []

        t = time.perf_counter()
        pdfs = [data for group in by_supplier.values() for data in batch.convert(group)]
        rows.append(("batch per supplier", len(by_supplier), time.perf_counter() - t))
        check([d for g in by_supplier.values() for d in g], pdfs, folder)

        t = time.perf_counter()
        pdfs = batch.convert(docs)
        rows.append(("one batch", 1, time.perf_counter() - t))
        check(docs, pdfs, folder)

        with OfficePool(args.pool) as pool:
            t = time.perf_counter()
            pdfs = [data for group in by_supplier.values() for data in pool.convert(group)]
            rows.append((f"pool ×{args.pool}, per supplier", args.pool, time.perf_counter() - t))
            check([d for g in by_supplier.values() for d in g], pdfs, folder)
            t = time.perf_counter()
            pdfs = pool.convert(docs)
            rows.append((f"pool ×{args.pool}, warm", 0, time.perf_counter() - t))
            check(docs, pdfs, folder)

    print(f"PDF conversion, {len(docs)} documents of {len(by_supplier)} suppliers")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print()
    print(f"{'converter':<28}{'LibreOffice starts':>20}{'seconds':>10}{'docs/s':>10}{'× per supplier':>16}")
    base = rows[0][2]
    for name, starts, seconds in rows:
        print(f"{name:<28}{starts:>20}{seconds:>10.1f}{len(docs) / seconds:>10.2f}{base / seconds:>15.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
