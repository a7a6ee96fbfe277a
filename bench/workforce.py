#!/usr/bin/env python3
"""Workforce months: the compute stage at 10,000 and 100,000 workers over 20 and 100 suppliers.

    python bench/workforce.py [--workers 10000,100000] [--suppliers 20,100]

Builds the month in memory from the sample: its labour-dispatch agency S002 (contract,
service items, evaluation) cloned into --suppliers suppliers, and --workers workers spread over
them, each on site all month with a row of attendance. Then times `compute_month` (scores,
attendance settlements, workforce checks, risk) on each size and prints them side by side with
the ratio of the larger supplier count to the smaller at the same rows: linear in the rows means
about 1× (the goal is under 2×). Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERIOD = "2026-10"


def sample_records():
    from pipeline.runs.stages import load_stage, policy_file, validate_stage

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs"
        shutil.copytree(ROOT / "inputs", inputs, ignore=shutil.ignore_patterns("archive", "quarantine"))
        policy = policy_file(inputs, None).policy
        validated = validate_stage(load_stage(inputs), policy.currencies)
    return {k: validated.data(k) for k in validated.records}, policy


def scaled(records, workers: int, suppliers: int) -> dict:
    """S002's month cloned into `suppliers` suppliers sharing `workers` workers."""
    from pipeline.identifiers import id_check_char

    sid = "S002"  # a dispatch agency: only labour dispatch is settled on attendance
    supplier = next(s for s in records["suppliers"] if s["supplier_id"] == sid)
    contract = next(c for c in records["contracts"] if c["supplier_id"] == sid)
    items = [i for i in records["contract_items"] if i["contract_no"] == contract["contract_no"]]
    evaluation = next(e for e in records["evaluations"] if e["supplier_id"] == sid and e["period"] == PERIOD)
    template = next(w for w in records["workers"] if w["supplier_id"] == sid)
    out = {k: [] for k in records}
    out["evaluations"] = []
    per = workers // suppliers
    for n in range(suppliers):
        s = f"S{n + 1:05d}"
        no = f"HT-B-{n + 1:05d}"
        out["suppliers"].append(dict(supplier, supplier_id=s, uscc=supplier["uscc"]))
        out["contracts"].append(dict(contract, supplier_id=s, contract_no=no))
        out["contract_items"] += [dict(i, contract_no=no, headcount=max(1, per // len(items))) for i in items]
        out["evaluations"].append(dict(evaluation, supplier_id=s))
        for k in range(per):
            wid = f"W{n:05d}{k:06d}"
            role = items[k % len(items)]["role_zh"]
            serial = n * per + k  # a distinct person each: ID number and name
            birth = dt.date(1980, 1, 1) + dt.timedelta(days=serial % 7000)
            first17 = f"{110101 + serial // (7000 * 999):06d}{birth:%Y%m%d}{100 + serial // 7000 % 899:03d}"
            out["workers"].append(
                dict(
                    template,
                    worker_id=wid,
                    supplier_id=s,
                    contract_no=no,
                    role=role,
                    name=f"工人{serial}",
                    id_number=first17 + id_check_char(first17),
                )
            )
            out["attendance"].append(
                {
                    "period": PERIOD,
                    "worker_id": wid,
                    "supplier_id": s,
                    "contract_no": no,
                    "days_worked": 22,
                    "overtime_hours": 8,
                }  # fmt: skip
            )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", default="10000,100000")
    ap.add_argument("--suppliers", default="20,100")
    args = ap.parse_args()
    from pipeline.compute.month import compute_month
    from pipeline.periods import Period

    records, policy = sample_records()
    sizes = [int(x) for x in args.workers.split(",")]
    counts = [int(x) for x in args.suppliers.split(",")]
    print(
        f"compute_month, {PERIOD}; machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{'workers':>10}" + "".join(f"{f'{c} suppliers':>16}" for c in counts) + f"{'ratio':>10}")
    for w in sizes:
        seconds = []
        for c in counts:
            data = scaled(records, w, c)
            t = time.perf_counter()
            result = compute_month(data, policy, Period.parse(PERIOD))
            seconds.append(time.perf_counter() - t)
            assert len(result.suppliers) == c and all(sm.settlement.payable > 0 for sm in result.suppliers)
        print(f"{w:>10,}" + "".join(f"{s:>15.2f}s" for s in seconds) + f"{seconds[-1] / seconds[0]:>9.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
