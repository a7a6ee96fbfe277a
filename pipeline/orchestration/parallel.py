"""Render many documents on all cores: a process pool, chunks of documents per task.

Rendering is CPU-bound Python, so threads do not help; each worker process prepares the
templates once and renders chunk after chunk, writing each document itself (atomic
write) and sending back only its manifest entry (path, sha256, size), never the bytes.
Workers are replaced after `max_tasks_per_child` chunks, or sooner once one of them has grown
past `max_worker_mb` (a month's portfolio summary lists every supplier), so memory stays flat
however long the run. A run too small to pay for starting processes renders in this process.
Scripts that call this must guard their entry point with `if __name__ == "__main__":`
(worker processes import the main module, as with any multiprocessing code).

Workers start by "forkserver" (a clean, single-threaded process forks them; safe beside
Prefect's threads) or by "spawn" where that is not available.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from itertools import islice
from pathlib import Path

from pipeline.errors import WorkerError
from pipeline.publish.jobs import Job, render_and_write
from pipeline.publish.outputs import Written
from pipeline.render import template_path
from pipeline.render.environment import set_time_limit, time_limit

RENDER_CHUNK = 25
MAX_TASKS_PER_CHILD = 200  # chunks a worker renders before it is replaced
MAX_WORKER_MB = 250  # a worker this large after a chunk is replaced (about 110 MB after ordinary documents)
MIN_PARALLEL = 300  # fewer documents than this render in the calling process
IN_FLIGHT_PER_WORKER = 2  # chunks submitted ahead per worker: busy workers, bounded memory
# imported once by the forkserver, so every worker starts with the renderer and compiled templates
PRELOAD = ["pipeline.publish.jobs", "pipeline.render.engine", "pipeline.orchestration.prewarm"]


def default_workers(configured: int | None = None) -> int:
    """The settings' VENDORFLOW_RENDER_WORKERS when given (1 = render in this process), else the usable cores."""
    if configured:
        return max(1, configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def resolved(jobs: Iterable[Job]) -> Iterator[Job]:
    """Jobs whose template is a bare name get its path here, in the caller's process, so a
    worker never has to know the templates folder (the runs already give paths)."""
    for job in jobs:
        path = template_path(job.template)
        yield job if str(path) == job.template else replace(job, template=str(path))


def render_chunk(root: str, jobs: Sequence[Job], seconds: float | None = None) -> list[Written]:
    """One task: render and write a chunk of documents (runs in a worker process, with the
    parent's time limit per document)."""
    if seconds is not None:
        set_time_limit(seconds)
    try:
        return render_and_write(Path(root), jobs)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise WorkerError(f"{type(exc).__name__}: {exc}") from None
        raise


def _resident_bytes() -> int:
    """This process's resident memory now (Linux), else its peak."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def render_measured(root: str, jobs: Sequence[Job], seconds: float | None = None) -> tuple[list[Written], int]:
    """`render_chunk` in a pool worker, and how large the worker is after it (bytes)."""
    return render_chunk(root, jobs, seconds), _resident_bytes()


def chunks(jobs: Sequence, size: int) -> list[list]:
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


def lazy_chunks(jobs: Iterable, size: int) -> Iterator[list]:
    """Chunks taken from `jobs` only as they are needed: a month's contexts (pictures
    included) are built while earlier chunks render, never all held at once."""
    it = iter(jobs)
    while part := list(islice(it, size)):
        yield part


def render_many(
    jobs: Iterable,
    root: Path,
    workers: int | None = None,
    chunk: int = RENDER_CHUNK,
    max_tasks_per_child: int = MAX_TASKS_PER_CHILD,
    progress: Callable[[int], None] | None = None,
    min_parallel: int | None = None,
    total: int | None = None,
    max_worker_mb: float = MAX_WORKER_MB,
) -> list[Written]:
    """Render `jobs` (monthly.Job) into `root`; manifest entries in the order of `jobs`.

    `jobs` may be a generator: with `total` (how many it will give) it is consumed lazily,
    a few chunks per worker ahead of the rendering, so memory stays flat however large the
    month. `progress(n)` is called in this process as each chunk of n documents is written.
    Each worker renders at most `max_tasks_per_child` chunks and is then replaced; once a worker
    is larger than `max_worker_mb` after a chunk, the pool takes no more chunks and a fresh one
    continues (a worker that rendered the portfolio summary keeps its grown heap). Fewer than
    `min_parallel` documents render in this process: starting workers costs more than it
    saves (about 0.1–0.4 s against 1–2 ms a document).
    """
    if total is None:
        jobs = list(jobs)
        total = len(jobs)
    workers = workers or default_workers()
    min_parallel = MIN_PARALLEL if min_parallel is None else min_parallel
    if total == 0 or workers <= 1 or total < max(min_parallel, 2):
        return render_and_write(root, jobs, progress)
    size = max(1, min(chunk, math.ceil(total / workers)))  # every core busy on small runs
    parts = lazy_chunks(resolved(jobs), size)
    results: dict[int, list[Written]] = {}
    # Workers are recycled in waves: a fresh pool per `workers × max_tasks_per_child` chunks.
    # (ProcessPoolExecutor's own max_tasks_per_child hung on Python 3.11.7 once workers
    # began to be replaced: 200 documents, 2 workers, 2 tasks per child never finished.)
    per_wave = max(1, max_tasks_per_child) * workers
    context = _context()
    start = 0
    limit = int(max_worker_mb * 1024 * 1024)
    while True:
        done_here = _run_wave(parts, per_wave, start, str(root), workers, context, progress, results, limit)
        if done_here == 0:
            break
        start += done_here
    return [w for i in range(len(results)) for w in results[i]]


def _run_wave(
    parts: Iterator[list],
    per_wave: int,
    start: int,
    root: str,
    workers: int,
    context,
    progress,
    results: dict[int, list[Written]],
    limit: int,
) -> int:
    """Up to `per_wave` chunks on a fresh pool, at most IN_FLIGHT_PER_WORKER per worker
    submitted ahead, fewer when a worker grows past `limit` bytes; returns how many chunks it
    rendered (0: nothing was left)."""
    first = next(parts, None)
    if first is None:
        return 0
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    submitted = 0
    try:
        pending = {pool.submit(render_measured, root, first, time_limit()): start}
        submitted = 1
        while pending:
            while submitted < per_wave and len(pending) < workers * IN_FLIGHT_PER_WORKER:
                part = next(parts, None)
                if part is None:
                    break
                pending[pool.submit(render_measured, root, part, time_limit())] = start + submitted
                submitted += 1
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                results[index], resident = future.result()  # a RenderError from a worker is raised here
                if resident > limit:
                    per_wave = submitted  # no more on this pool: the next wave starts fresh workers
                if progress:
                    progress(len(results[index]))
    except BrokenProcessPool as exc:
        raise RuntimeError(f"渲染进程意外退出（内存不足？）/ a rendering process died (out of memory?): {exc}") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return submitted
