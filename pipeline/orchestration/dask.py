"""Render chunks of documents on a Dask cluster when VENDORFLOW_DASK_ADDRESS is set.

Why dask.distributed's Client and not prefect-dask's DaskTaskRunner: the flow keeps its
one `render-documents` task and the same `parallel.render_chunk` function the local pool
runs, so the files and manifest entries are identical whichever runs them; Dask workers
need only vendorflow installed, not access to the Prefect API (a task runner would make a
Prefect task run per chunk, each reporting to the server from the Dask worker).

Workers write the documents themselves (atomic write) and send back manifest entries, so
every Dask worker must see the outputs folder at the same path as the flow (a shared
filesystem: NFS, SMB, CephFS …), and templates likewise if VENDORFLOW_TEMPLATES is set.
At most a few chunks per worker thread are in flight at once, so the scheduler never holds
the whole month's contexts.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.errors import DaskUnavailable
from pipeline.orchestration.parallel import RENDER_CHUNK, lazy_chunks, render_chunk, resolved
from pipeline.publish.outputs import Written
from pipeline.render.environment import time_limit
from pipeline.settings import ENV_DASK_ADDRESS

IN_FLIGHT_PER_THREAD = 2  # chunks queued per worker thread: busy workers, bounded memory


def connect(address: str, timeout: float = 30):
    try:
        from distributed import Client  # the optional [scale] extra
    except ImportError as exc:
        raise DaskUnavailable(
            f"已设置 {ENV_DASK_ADDRESS}，但未安装 dask.distributed；请安装 vendorflow[scale] / "
            f"{ENV_DASK_ADDRESS} is set but dask.distributed is not installed: pip install 'vendorflow[scale]'"
        ) from exc
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskUnavailable(
            f"无法连接 Dask 调度器 {address}（{ENV_DASK_ADDRESS}）/ cannot reach the Dask scheduler "
            f"{address} ({ENV_DASK_ADDRESS}): {exc}"
        ) from exc


def render_on_dask(
    jobs: Iterable,
    root: Path,
    address: str | None = None,
    client=None,
    chunk: int = RENDER_CHUNK,
    progress: Callable[[int], None] | None = None,
    total: int | None = None,
) -> list[Written]:
    """Render `jobs` into `root` on the cluster at `address` (or an open `client`);
    manifest entries in the order of `jobs`, as `parallel.render_many` returns them.
    `jobs` may be a generator (give `total`): it is consumed as chunks are submitted."""
    if total is None:
        jobs = list(jobs)
        total = len(jobs)
    if total == 0:
        return []
    own = client is None
    if own:
        client = connect(address or "")
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = max(1, min(chunk, math.ceil(total / threads)))
        parts = lazy_chunks(resolved(jobs), size)
        results: dict[int, list[Written]] = {}
        where = str(Path(root).resolve())
        from distributed import as_completed  # the optional [scale] extra

        limit = threads * IN_FLIGHT_PER_THREAD
        run = uuid.uuid4().hex
        index: dict[str, int] = {}
        counter = iter(range(1 << 62))

        def submit():
            part = next(parts, None)
            if part is None:
                return None
            i = next(counter)
            # pure=False: two chunks are never merged or cached by Dask; each writes its files
            future = client.submit(
                render_chunk, where, part, time_limit(), pure=False, key=f"vendorflow-render-{run}-{i}"
            )
            index[future.key] = i
            return future

        first = [f for f in (submit() for _ in range(limit)) if f is not None]
        queue = as_completed(first)
        for future in queue:
            i = index.pop(future.key)
            results[i] = future.result()  # a RenderError from a worker is raised here
            future.release()
            if progress:
                progress(len(results[i]))
            following = submit()
            if following is not None:
                queue.add(following)
        return [w for i in range(len(results)) for w in results[i]]
    finally:
        if own:
            client.close()
