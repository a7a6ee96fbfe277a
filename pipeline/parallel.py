"""Render many documents on all cores: a process pool, chunks of documents per task.

Rendering is CPU-bound Python, so threads do not help; each worker process prepares the
templates once and renders chunk after chunk, writing each document itself (atomic
write) and sending back only its manifest entry (path, sha256, size), never the bytes.
Workers are recycled after `max_tasks_per_child` chunks so memory stays flat however
long the run. A run too small to pay for starting processes renders in this process.

Workers start by "forkserver" (a clean, single-threaded process forks them; safe beside
Prefect's threads) or by "spawn" where that is not available.
"""
from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Sequence

from .publish import Written

RENDER_CHUNK = 25
MAX_TASKS_PER_CHILD = 200
WORKERS_ENV = "VENDORFLOW_RENDER_WORKERS"
_PRELOAD = ["pipeline.monthly", "pipeline.fastrender"]


def default_workers() -> int:
    """VENDORFLOW_RENDER_WORKERS if set (1 = render in this process), else the usable cores."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ValueError(f"{WORKERS_ENV} 应为正整数 / must be a positive integer, got {configured!r}") from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:       # not Linux
        return max(1, os.cpu_count() or 1)


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def render_chunk(root: str, jobs: Sequence) -> list[Written]:
    """One task: render and write a chunk of documents (runs in a worker process)."""
    from .monthly import render_and_write
    return render_and_write(Path(root), jobs)


def chunks(jobs: Sequence, size: int) -> list[list]:
    return [list(jobs[i:i + size]) for i in range(0, len(jobs), size)]


def render_many(jobs: Sequence, root: Path, workers: int | None = None, chunk: int = RENDER_CHUNK,
                max_tasks_per_child: int = MAX_TASKS_PER_CHILD,
                progress: Callable[[int], None] | None = None) -> list[Written]:
    """Render `jobs` (monthly.Job) into `root`; manifest entries in the order of `jobs`.
    `progress(n)` is called in this process as each chunk of n documents is written."""
    jobs = list(jobs)
    workers = workers or default_workers()
    if not jobs:
        return []
    if workers <= 1 or len(jobs) <= chunk:
        from .monthly import render_and_write
        return render_and_write(root, jobs, progress)
    size = max(1, min(chunk, math.ceil(len(jobs) / workers)))     # every core busy on small runs
    parts = chunks(jobs, size)
    results: list[list[Written] | None] = [None] * len(parts)
    with ProcessPoolExecutor(max_workers=min(workers, len(parts)), mp_context=_context(),
                             max_tasks_per_child=max_tasks_per_child) as pool:
        pending = {pool.submit(render_chunk, str(root), part): i for i, part in enumerate(parts)}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_EXCEPTION)
                for future in done:
                    index = pending.pop(future)
                    results[index] = future.result()       # a RenderError from a worker is raised here
                    if progress:
                        progress(len(results[index]))
        except BrokenProcessPool as exc:
            raise RuntimeError("渲染进程意外退出（内存不足？）/ a rendering process died (out of memory?)") from exc
        finally:
            for future in pending:
                future.cancel()
    return [w for part in results for w in part]
