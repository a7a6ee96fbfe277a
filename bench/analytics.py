#!/usr/bin/env python3
"""The cost analysis and `vendorflow history --xlsx` over a large store, beside the monthly run's other stages.

    python bench/analytics.py [--suppliers 5000] [--periods 24]

Writes a drop folder of N suppliers (bench/monthly.py's generator), builds a history store of
`--periods` months ending 2026-09 synthetically (each month's results inserted in one statement,
as a monthly run's record stage writes them: scores, grades, contract amount, damages, rewards,
payable, net of VAT, VAT), then times, in this process on the same data: load + validate,
compute (the month 2026-10), the analytics stage (pandas over the store + the forecast), the
analytics workbook and the dashboard, the rendering of the month's documents on all cores
(`--no-render` leaves it out), the record stage; and `vendorflow history --xlsx` as a fresh
process. Prints one table; the goal (issue 19): the analytics step under 5% of the monthly run.
Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PERIOD = "2026-10"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_monthly", ROOT / "bench" / "monthly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_store(outputs: Path, suppliers: list[dict], periods: list[str], seed: int = 19) -> float:
    """`periods` months of results for every supplier, inserted directly; returns seconds."""
    import sqlalchemy as sa

    from pipeline.publish import history

    started = time.perf_counter()
    store = history.HistoryStore.for_outputs(outputs)
    rng = random.Random(seed)
    with store.engine.begin() as conn:
        for code in periods:
            run_id = str(uuid.uuid4())
            conn.execute(
                history.runs.insert().values(
                    run_id=run_id, flow="monthly", period=code, started_at=f"{code}T00", finished_at=f"{code}T01",
                    status="completed", run_by="bench", policy_sha256="", inputs_json="[]",
                )
            )  # fmt: skip
            rows = []
            for s in suppliers:
                base = D(rng.randrange(20_000_00, 500_000_00)) / 100
                penalties = D(rng.choice((0, 0, 0, 500, 2000)))
                rewards = D(rng.choice((0, 0, 1000)))
                payable = base - penalties + rewards
                net = (payable / D("1.06")).quantize(D("0.01"))
                score = D(rng.randrange(4000, 9800)) / 100
                rows.append(
                    {
                        "run_id": run_id, "period": code, "supplier_id": s["supplier_id"], "name_zh": s["name_zh"],
                        "name_en": s.get("name_en", ""), "category": s["category"], "rated": True, "score": score,
                        "grade": "A" if score >= 90 else "B" if score >= 75 else "C" if score >= 60 else "D",
                        "kpis_json": "{}", "penalties": penalties, "rewards": rewards, "payable": payable,
                        "currency": "CNY", "incidents_json": "[]", "base": base, "tax_exclusive": net,
                        "vat": payable - net,
                    }
                )  # fmt: skip
            conn.execute(history.results.insert(), rows)
    store.engine.dispose()
    del sa
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=5000)
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument(
        "--no-render", dest="render", action="store_false", help="leave out rendering the month's documents"
    )
    args = parser.parse_args(argv)

    from pipeline.config.policy import load_policy
    from pipeline.documents.analytics_workbook import analytics_bytes
    from pipeline.documents.dashboard import dashboard_bytes
    from pipeline.periods import Period
    from pipeline.runs import monthly
    from pipeline.runs.stages import load_stage, validate_stage
    from pipeline.settings import Settings

    scratch = Path(tempfile.mkdtemp(prefix="vf-bench-analytics-"))
    inputs, outputs = scratch / "inputs", scratch / "outputs"
    inputs.mkdir()
    _generator().generate(inputs, args.suppliers)
    times: dict[str, float] = {}

    def timed(name, fn, *a):
        t = time.perf_counter()
        out = fn(*a)
        times[name] = time.perf_counter() - t
        print(f"  {name}: {times[name]:.2f} s", flush=True)
        return out

    settings = Settings.from_env()
    policy = load_policy(inputs / "policy.yaml")
    loaded = timed("load", load_stage, inputs, settings.limits)
    validated = timed("validate", validate_stage, loaded, policy.currencies)
    period = Period.parse(PERIOD)
    months, p = [], period
    for _ in range(args.periods):
        p = p.previous()
        months.append(p.code)
    seconds = build_store(outputs, validated.data("suppliers"), sorted(months))
    store, past, carried = timed("open-history", monthly.history_stage, outputs, period)
    result = timed("compute", monthly.compute_stage, validated, policy, period, past, loaded, carried)
    costs = timed("analytics", monthly.analytics_stage, store, result, policy, validated)
    timed("analytics workbook", analytics_bytes, costs, policy)
    timed("dashboard", dashboard_bytes, costs, result, policy)
    if args.render:  # the month's documents on all cores, as the run renders them (most of a month)
        from pipeline.orchestration import parallel

        root = outputs / PERIOD
        root.mkdir(parents=True, exist_ok=True)
        jobs = monthly.iter_document_jobs(result, policy, validated.issues, costs=costs)
        total = monthly.count_documents(result)
        written = timed("render documents (all cores)", lambda: parallel.render_many(jobs, root, None, total=total))
        assert len(written) == total, (len(written), total)
    run_id = store.begin_run("monthly", PERIOD, policy.sha256, [])
    timed("record-history", monthly.record_stage, store, run_id, result, [])
    env = dict(os.environ)
    t = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "vendorflow"), "history", "--outputs", str(outputs), "--xlsx",
         str(scratch / "history.xlsx")],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    times["vendorflow history --xlsx (process)"] = time.perf_counter() - t

    print(f"store: {args.periods} months × {args.suppliers} suppliers = {args.periods * args.suppliers:,} results "
          f"(built in {seconds:.1f} s); month {PERIOD}: {len(result.suppliers)} suppliers settled")  # fmt: skip
    stage_total = sum(v for k, v in times.items() if not k.startswith("vendorflow"))
    analytics = times["analytics"] + times["analytics workbook"] + times["dashboard"]
    print(f"{'step':40} {'seconds':>9} {'share':>7}")
    for name, value in times.items():
        print(f"{name:40} {value:9.2f} {value / stage_total:7.1%}")
    print(f"{'analytics step (analysis + workbook + dashboard)':40} {analytics:9.2f} {analytics / stage_total:7.1%}")
    if not args.render:
        print("shares are of the in-process stages above (the rendering of the month's documents, minutes at this "
              "size, is left out: the share of a whole run is smaller still)")  # fmt: skip
    else:
        print("shares are of the monthly run's stages above, rendering included (its publishing, the PDFs and "
              "Prefect are not: the share of a whole run is smaller still)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
