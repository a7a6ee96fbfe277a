#!/usr/bin/env python3
"""Workforce months: reading, validation and the compute stage at 10,000 and 100,000 workers
over 20 and 100 suppliers.

    python bench/workforce.py [--workers 10000,100000] [--suppliers 20,100] [--compute-only]

Builds the month from the sample: its labour-dispatch agency S002 (contract, service items,
evaluation) cloned into --suppliers suppliers, and --workers workers spread over them, each on
site all month with a row of attendance. It writes them as a drop folder (contracts.xlsx with
its items sheet; suppliers, evaluations, the roster and the attendance as CSV, each supplier with
its own valid 统一社会信用代码), then times `load_stage` + `validate_stage` (reading, schema and
cross-record checks: rosters, ID numbers, attendance against the roster) and `compute_month`
(scores, attendance settlements, workforce checks, risk) on each size, and prints them side by
side with the ratio of the larger supplier count to the smaller at the same rows: linear in the
rows means about 1× (the goal is under 2×). Not a test: figures vary by machine.
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
    from pipeline.identifiers import id_check_char, uscc_check_char

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
        first17 = "91310115" + _org_check(f"{20000000 + n * 37:08d}")  # 91 + region + organisation code
        out["suppliers"].append(
            dict(supplier, supplier_id=s, uscc=first17 + uscc_check_char(first17), name_zh=f"{supplier['name_zh']}{n}")
        )
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


def _org_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code (as tools/make_sample_data.py)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = lambda c: int(c) if c.isdigit() else ord(c) - 55  # noqa: E731
    c = 11 - sum(value(ch) * w for ch, w in zip(body8, weights)) % 11
    return body8 + ("0" if c == 11 else "X" if c == 10 else str(c))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def write_inputs(records, folder: Path) -> Path:
    """The scaled month as a drop folder: contracts.xlsx (contracts and items sheets), the
    rest as CSV with the canonical field names as headers, and the sample's policy."""
    import csv

    from openpyxl import Workbook

    folder.mkdir(parents=True)
    shutil.copy(ROOT / "inputs" / "policy.yaml", folder / "policy.yaml")
    wb = Workbook()
    for title, kind in (("contracts", "contracts"), ("items", "contract_items")):
        ws = wb.active if kind == "contracts" else wb.create_sheet()
        ws.title = title
        heads = list(dict.fromkeys(k for r in records[kind] for k in r))
        ws.append(heads)
        for r in records[kind]:
            ws.append([_cell(r.get(h)) for h in heads])
    wb.save(folder / "contracts.xlsx")
    for kind, name in (
        ("suppliers", "suppliers.csv"),
        ("evaluations", f"evaluations_{PERIOD}.csv"),
        ("workers", "workers.csv"),
        ("attendance", f"attendance_{PERIOD}.csv"),
    ):
        heads = list(dict.fromkeys(k for r in records[kind][:50] for k in r))
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(heads)
            w.writerows([_cell(r.get(h)) for h in heads] for r in records[kind])
    return folder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", default="10000,100000")
    ap.add_argument("--suppliers", default="20,100")
    ap.add_argument("--compute-only", action="store_true", help="time compute_month alone (no files written)")
    args = ap.parse_args()
    from pipeline.compute.month import compute_month
    from pipeline.periods import Period

    records, policy = sample_records()
    sizes = [int(x) for x in args.workers.split(",")]
    counts = [int(x) for x in args.suppliers.split(",")]
    print(f"{PERIOD}; machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    stages = ["compute"] if args.compute_only else ["load+validate", "compute"]
    head = "".join(f"{f'{stage}, {c} suppliers':>31}" for stage in stages for c in counts)
    print(f"{'workers':>10}{head}{'ratio':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for w in sizes:
            seconds: dict[str, list[float]] = {stage: [] for stage in stages}
            for c in counts:
                data = scaled(records, w, c)
                if not args.compute_only:
                    from pipeline.runs.stages import load_stage, validate_stage

                    folder = write_inputs(data, Path(tmp) / f"{w}-{c}")
                    t = time.perf_counter()
                    validated = validate_stage(load_stage(folder), policy.currencies)
                    seconds["load+validate"].append(time.perf_counter() - t)
                    assert not validated.issues, validated.issues[:3]
                    assert len(validated.data("workers")) == len(data["workers"])
                    data = {k: validated.data(k) for k in validated.records}
                t = time.perf_counter()
                result = compute_month(data, policy, Period.parse(PERIOD))
                seconds["compute"].append(time.perf_counter() - t)
                assert len(result.suppliers) == c and all(sm.settlement.payable > 0 for sm in result.suppliers)
            cells = "".join(f"{x:>30.2f}s" for stage in stages for x in seconds[stage])
            total = [sum(seconds[stage][i] for stage in stages) for i in range(len(counts))]
            print(f"{w:>10,}{cells}{total[-1] / total[0]:>8.2f}×")
    print(f"ratio: {' + '.join(stages)} over {counts[-1]} suppliers against {counts[0]}, at the same rows (goal < 2×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
