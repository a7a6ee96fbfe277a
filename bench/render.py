#!/usr/bin/env python3
"""Rendering throughput: naive docxtpl against the project's renderer, in one run.

    python bench/render.py [--n 200] [--workers N] [--memory-docs 2000]

For every template in contract_templates/ that has a representative context in
tests/fixtures/contexts/, N documents (each with a different context) are rendered and
written to files three ways:

  naive docxtpl   a new DocxTemplate per document, render(), save() to the file — with the
                  same sandboxed, autoescaped Jinja environment the project uses;
  one process     pipeline.orchestration.parallel.render_many(workers=1): compiled templates, strict XML
                  check, reproducible zip, atomic write with fsync, sha256 for the manifest;
  all cores       the same on a process pool (pool start-up included, a fresh pool per run
                  as in a monthly run; the forkserver's own start, once per process, is not).

It prints documents per second and the ratios to naive docxtpl (goals: ≥ 4× on one core,
≥ 7× with two cores), then the peak memory of this process and all its children while
rendering --memory-docs documents on all cores. Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures" / "contexts"


def template_names() -> list[str]:
    from pipeline.config.resources import SHIPPED_TEMPLATES

    return sorted(p.stem for p in SHIPPED_TEMPLATES.glob("*.docx") if (FIXTURES / f"{p.stem}.json").is_file())


def contexts(name: str, n: int) -> list[dict]:
    """n contexts of one template, each a little different (no two documents the same)."""
    base = (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    out = []
    for i in range(n):
        context = json.loads(base)
        if isinstance(context.get("org"), dict):
            context["org"]["name_en"] = f"{context['org'].get('name_en', '')} #{i}"
        context["_bench_index"] = i
        out.append(context)
    return out


def make_jobs(name: str, n: int) -> list:
    from pipeline.publish.jobs import Job

    return [
        Job(f"{name}/{i:05d}_{name}.docx", f"{name}.docx", c, name, f"S{i:05d}")
        for i, c in enumerate(contexts(name, n))
    ]


def naive(jobs: list, out: Path) -> float:
    from docxtpl import DocxTemplate

    from pipeline.render.environment import jinja_env
    from pipeline.render.facade import template_path

    start = time.perf_counter()
    for job in jobs:
        tpl = DocxTemplate(template_path(job.template))
        tpl.render(job.context, jinja_env=jinja_env(), autoescape=True)
        target = out / job.relative_path
        target.parent.mkdir(parents=True, exist_ok=True)
        tpl.save(target)
    return time.perf_counter() - start


def ours(jobs: list, out: Path, workers: int) -> float:
    from pipeline.orchestration.parallel import render_many

    start = time.perf_counter()
    written = render_many(jobs, out, workers=workers, min_parallel=0)
    elapsed = time.perf_counter() - start
    assert len(written) == len(jobs)
    return elapsed


# ----------------------------------------------------------------------------- memory


def _tree(pid: int) -> list[int]:
    """pid and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def _kib(pid: int, path: str, key: bytes) -> int:
    try:
        with open(f"/proc/{pid}/{path}", "rb") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class PeakMemory:
    """Samples RSS of a process and every descendant every 50 ms (PSS, which shares
    copy-on-write pages fairly, every 250 ms); keeps the peak of the sums."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss = self.pss = 0
        self.main_rss = self.worker_rss = 0  # the process itself; the largest other one
        self.processes = 0
        self.at_peak: dict[str, list[int]] = {}  # role -> RSS (KiB) of each such process when the sum peaked
        self._roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _role(self, pid: int) -> str:
        if pid not in self._roles:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    command = f.read().replace(b"\0", b" ")
            except OSError:
                command = b""
            if pid == self.pid:
                role = "main"
            elif b"prefect server start" in command or b"uvicorn" in command:
                role = "Prefect server"
            elif b"soffice" in command or b"oosplash" in command:
                role = "LibreOffice"
            elif b"multiprocessing" in command:
                role = "render pool"
            else:
                role = "other"
            self._roles[pid] = role
        return self._roles[pid]

    def composition(self) -> str:
        """The peak, process by process: "main 536 + Prefect server 233 + render pool 3 × 107 …" (MB)."""
        parts = []
        for role, sizes in sorted(self.at_peak.items(), key=lambda kv: -sum(kv[1])):
            mb = [round(v / 1024) for v in sorted(sizes, reverse=True)]
            parts.append(f"{role} {mb[0]}" if len(mb) == 1 else f"{role} {len(mb)} processes {'/'.join(map(str, mb))}")
        return " + ".join(parts)

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            tick += 1
            pids = _tree(self.pid)
            rss = {p: _kib(p, "status", b"VmRSS:") for p in pids}
            if sum(rss.values()) > self.rss:
                self.at_peak = {}
                for p, v in rss.items():
                    if v:
                        self.at_peak.setdefault(self._role(p), []).append(v)
            self.rss = max(self.rss, sum(rss.values()))
            self.main_rss = max(self.main_rss, rss.get(self.pid, 0))
            self.worker_rss = max([self.worker_rss] + [v for p, v in rss.items() if p != self.pid])
            if tick % 5 == 1:  # PSS walks page tables: sampled less often, to disturb less
                self.pss = max(self.pss, sum(_kib(p, "smaps_rollup", b"Pss:") for p in pids))
            self.processes = max(self.processes, len(pids))
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def memory_run(size: int, workers: int | None) -> int:
    """The measured process: builds `size` jobs over all templates and renders them."""
    from pipeline.orchestration.parallel import default_workers

    workers = workers or default_workers()
    names = template_names()
    per = -(-size // len(names))
    jobs = [j for name in names for j in make_jobs(name, per)][:size]
    scratch = Path(tempfile.mkdtemp(prefix="vendorflow-bench-memory-"))
    try:
        elapsed = ours(jobs, scratch, workers)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{len(jobs)} documents on {workers} processes ({len(jobs) / elapsed:.0f} docs/s)")
    return 0


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="documents per template type (default 200)")
    parser.add_argument(
        "--workers", type=int, default=None, help="processes for 'all cores' (default: the usable cores)"
    )
    parser.add_argument(
        "--memory-docs", default="2000", help="documents for the memory run(s), e.g. 500,2000 (0: skip)"
    )
    parser.add_argument("--memory-run", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_run:
        return memory_run(args.memory_run, args.workers)

    import docxtpl

    from pipeline.orchestration.parallel import default_workers, render_many

    workers = args.workers or default_workers()
    names = template_names()
    print(
        f"vendorflow render benchmark — {args.n} documents per template, {len(names)} templates; "
        f"{os.cpu_count()} CPUs, all cores = {workers} processes; Python {platform.python_version()}, "
        f"docxtpl {docxtpl.__version__ if hasattr(docxtpl, '__version__') else '?'}"
    )

    scratch = Path(tempfile.mkdtemp(prefix="vendorflow-bench-"))
    try:
        start = time.perf_counter()  # the forkserver starts once per process: not a per-run cost
        render_many(make_jobs(names[0], 4), scratch / "warm", workers=min(workers, 2), chunk=1, min_parallel=0)
        forkserver = time.perf_counter() - start
        shutil.rmtree(scratch / "warm")

        header = (
            f"{'template':<24}{'naive docxtpl':>15}{'one process':>14}{'all cores':>12}{'1 proc ×':>10}{'all ×':>8}"
        )
        print("\ndocuments per second (render + write file)")
        print(header)
        naive_total = 0.0
        every = []
        for name in names:
            jobs = make_jobs(name, args.n)
            every += jobs
            t_naive = naive(jobs, scratch / "naive")
            t_one = ours(jobs, scratch / "one", 1)
            t_all = ours(jobs, scratch / "all", workers)
            naive_total += t_naive
            n = len(jobs)
            print(
                f"{name:<24}{n / t_naive:>15.1f}{n / t_one:>14.1f}{n / t_all:>12.1f}"
                f"{t_naive / t_one:>10.1f}{t_naive / t_all:>8.1f}"
            )
            for folder in ("naive", "one", "all"):
                shutil.rmtree(scratch / folder, ignore_errors=True)
        # all templates as one month would have them: one mixed run, one pool
        every = every[0::2] + every[1::2]
        t_one = ours(every, scratch / "one", 1)
        t_all = ours(every, scratch / "all", workers)
        n = len(every)
        print(
            f"{'all, one mixed run':<24}{n / naive_total:>15.1f}{n / t_one:>14.1f}{n / t_all:>12.1f}"
            f"{naive_total / t_one:>10.1f}{naive_total / t_all:>8.1f}"
        )
        one_ratio, all_ratio = naive_total / t_one, naive_total / t_all
        print(
            f"\nms per document: naive {naive_total / n * 1000:.2f}, one process {t_one / n * 1000:.2f}, "
            f"all cores {t_all / n * 1000:.2f} (wall clock; per-template rows each start their own pool)"
        )
        print(f"goal one core ≥ 4×: {one_ratio:.1f}× — {'met' if one_ratio >= 4 else 'MISSED'}")
        print(
            f"goal two cores ≥ 7×: {all_ratio:.1f}× on {workers} processes — "
            f"{'met' if all_ratio >= 7 else 'MISSED'}"
            + ("" if workers == 2 else " (goal is stated for two cores; use --workers 2)")
        )
        print(f"forkserver start (once per process, not in the figures): {forkserver:.2f} s")

        sizes = [int(s) for s in args.memory_docs.split(",") if s.strip() and int(s) > 0]
        if sizes and not Path("/proc/self/status").exists():
            print("\nmemory: /proc not available on this system; skipped")
            sizes = []
        for size in sizes:
            # in a fresh process, so what the naive runs above left in this one does not count
            command = [sys.executable, __file__, "--memory-run", str(size), "--workers", str(workers)]
            child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            with PeakMemory(child.pid) as peak:
                out, _ = child.communicate()
            if child.returncode:
                print(f"\nmemory run of {size} documents failed (exit {child.returncode})")
                continue
            print(
                f"\nmemory, {out.strip()}: peak RSS of the process + its workers {peak.rss / 1024:.0f} MB "
                f"(PSS {peak.pss / 1024:.0f} MB; up to {peak.processes} processes); the calling process "
                f"alone {peak.main_rss / 1024:.0f} MB (it holds every job's context), "
                f"largest worker {peak.worker_rss / 1024:.0f} MB"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
