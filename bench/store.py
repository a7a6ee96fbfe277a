#!/usr/bin/env python3
"""The history store's share of the monthly run at scale, SQLite against PostgreSQL, in one run.

    python bench/store.py [--suppliers 5000] [--backends sqlite,postgresql] [--months 3] [--workers N]

Writes bench/monthly.py's drop folder of N suppliers, then for each backend: a fresh store
(outputs/history.sqlite; a new database on a PostgreSQL server `initdb`-ed here into a
temporary folder, on 127.0.0.1, stopped at the end), the `--months` months before October
recorded as earlier runs would have recorded them (not timed), and October's run as
`vendorflow run` declares it (`pipeline.runs.monthly.monthly`, rendering on all cores, without
Prefect, whose share bench/monthly.py measures) with every call into the store and the period
lock timed. Prints the stages and the store's time side by side for each backend; the goal
(issue 20): the store's share of the run under 10% on either. Not a test: figures vary by
machine.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # postgres_server: the tests' PostgreSQL, started the same way
PERIOD = "2026-10"


def _monthly_bench():
    spec = importlib.util.spec_from_file_location("bench_monthly", ROOT / "bench" / "monthly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class StoreClock:
    """Seconds spent inside the store's methods and the period lock (outermost calls only)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._depth = 0
        self._undo: list = []

    def _timed(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1
                self._depth -= 1

        return wrapper

    def _timed_lock(self, lock):
        clock = self

        @contextlib.contextmanager
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            manager = lock(*args, **kwargs)
            manager.__enter__()
            clock.seconds += time.perf_counter() - started
            try:
                yield
            finally:
                started = time.perf_counter()
                manager.__exit__(*sys.exc_info())
                clock.seconds += time.perf_counter() - started
                clock.calls += 2

        return wrapper

    def __enter__(self) -> StoreClock:
        from pipeline.publish.history import HistoryStore
        from pipeline.runs import monthly

        for name, fn in list(vars(HistoryStore).items()):
            plain = callable(fn) and not isinstance(fn, (classmethod, staticmethod, property))
            if plain and not name.startswith("__") and name not in ("_connect", "_begin"):
                self._undo.append((HistoryStore, name, fn))
                setattr(HistoryStore, name, self._timed(fn))
        for name in ("for_outputs",):  # opening the store (engine, schema check, migrations)
            raw = vars(HistoryStore)[name]
            self._undo.append((HistoryStore, name, raw))
            setattr(HistoryStore, name, classmethod(self._timed(raw.__func__)))
        self._undo.append((monthly, "period_lock", monthly.period_lock))
        monthly.period_lock = self._timed_lock(monthly.period_lock)
        return self

    def __exit__(self, *exc) -> None:
        for owner, name, fn in reversed(self._undo):
            setattr(owner, name, fn)


def record_months(inputs: Path, outputs: Path, url: str | None, months: list[str]) -> None:
    """The months before October, recorded as their runs would have (results, flags, actions)."""
    from pipeline.periods import Period
    from pipeline.runs import monthly
    from pipeline.runs.stages import find_policy

    policy = find_policy(inputs, None)
    loaded = monthly.load_stage(inputs)
    validated = monthly.validate_stage(loaded)
    for code in months:
        store, past, carried = monthly.history_stage(outputs, Period.parse(code), url)
        result = monthly.compute_stage(validated, policy, Period.parse(code), past, loaded, carried)
        run_id = store.begin_run("monthly", code, policy.sha256, monthly.input_fingerprints(loaded))
        monthly.record_stage(store, run_id, result, [])
        store.engine.dispose()


def timed_run(inputs: Path, outputs: Path, url: str | None, workers: int | None) -> dict:
    """October as `vendorflow run` declares it, each stage and each store call timed."""
    from pipeline.orchestration import parallel
    from pipeline.runs import monthly
    from pipeline.runs.runner import PlainRunner
    from pipeline.settings import Settings

    stages: dict[str, float] = {}

    class TimedRunner(PlainRunner):
        def stage(self, name, fn, *args, retries=0, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started

        def render(self, jobs, root, total):
            return parallel.render_many(jobs, root, workers=workers or parallel.default_workers(), total=total)

    settings = Settings(history_url=url)
    with StoreClock() as clock:
        started = time.perf_counter()
        summary = monthly.monthly(TimedRunner(), settings, inputs, outputs, PERIOD)
        wall = time.perf_counter() - started
    return {
        "wall": wall,
        "store": clock.seconds,
        "calls": clock.calls,
        "stages": stages,
        "documents": summary.documents,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--months", type=int, default=3, help="months recorded before October (default 3)")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    from pipeline.periods import Period

    months, p = [], Period.parse(PERIOD)
    for _ in range(args.months):
        p = p.previous()
        months.append(p.code)
    months.reverse()
    scratch = Path(tempfile.mkdtemp(prefix="vf-bench-store-"))
    server = None
    try:
        inputs = scratch / "inputs"
        inputs.mkdir()
        _monthly_bench().generate(inputs, args.suppliers)
        results = {}
        for backend in backends:
            outputs = scratch / f"out-{backend}"
            url = None
            if backend == "postgresql":
                from postgres_server import PostgresServer

                server = server or PostgresServer().start()
                url = server.new_database()
            elif backend != "sqlite":
                raise SystemExit(f"unknown backend {backend!r}: sqlite or postgresql")
            print(f"{backend}: recording {', '.join(months)} …", flush=True)
            record_months(inputs, outputs, url, months)
            print(f"{backend}: October …", flush=True)
            results[backend] = timed_run(inputs, outputs, url, args.workers)
            print(f"{backend}: {results[backend]['wall']:.1f} s, store {results[backend]['store']:.2f} s", flush=True)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    names = list(results)
    print(
        f"\nmonthly run {PERIOD}, {args.suppliers:,} suppliers, {args.months} months in the store before it "
        f"({next(iter(results.values()))['documents']:,} documents; rendering on all cores, no Prefect)"
    )
    print(f"{'':34}" + "".join(f"{n:>14}" for n in names))
    stage_names = list(dict.fromkeys(s for r in results.values() for s in r["stages"]))
    for s in stage_names:
        print(f"{'stage ' + s:34}" + "".join(f"{results[n]['stages'].get(s, 0):13.2f}s" for n in names))
    print(f"{'whole run':34}" + "".join(f"{results[n]['wall']:13.2f}s" for n in names))
    print(f"{'in the store and its lock':34}" + "".join(f"{results[n]['store']:13.2f}s" for n in names))
    print(f"{'  calls':34}" + "".join(f"{results[n]['calls']:14d}" for n in names))
    print(
        f"{'store share of the run':34}" + "".join(f"{results[n]['store'] / results[n]['wall']:14.1%}" for n in names)
    )
    print("goal (issue 20): the store's share under 10% on either backend")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
