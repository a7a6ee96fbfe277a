"""One run per period at a time: two runs writing the same folder would interleave files.

With a PostgreSQL history store the lock is the database's advisory lock for the period
(`history.advisory_lock`): two machines with their own view of the outputs folder, or a file
system without working locks, still never run the same period at once. Otherwise:

A lock file per period under outputs/.locks/, held through `filelock` (an advisory lock the
operating system releases when the process ends, on Linux, macOS and Windows alike, so a killed
run never leaves a stale lock behind). Beside it, `<period>.holder` says who holds it, for the
message a second run shows.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.errors import PeriodBusy
from pipeline.publish.history import advisory_lock, is_postgres


def _holder() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (a container, a service account)
        user = "?"
    return f"pid {os.getpid()} ({user}@{socket.gethostname()})"


@contextmanager
def period_lock(
    outputs_dir: Path, period: str, wait_seconds: float = 0, store_url: str | None = None
) -> Iterator[None]:
    """Hold `period`'s lock, waiting up to `wait_seconds` for another run to finish (PeriodBusy after);
    in the database when `store_url` (the history store) is PostgreSQL."""
    if is_postgres(store_url):
        with advisory_lock(store_url, period, f"vendorflow {_holder()}", wait_seconds):
            yield
        return
    lock_dir = outputs_dir / ".locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    holder = lock_dir / f"{period}.holder"
    lock = FileLock(lock_dir / f"{period}.lock", is_singleton=False)
    try:
        lock.acquire(timeout=max(wait_seconds, 0), poll_interval=0.2)
    except Timeout:
        try:
            who = holder.read_text(encoding="utf-8").strip()
        except OSError:
            who = ""
        raise PeriodBusy(period, who or "unknown process") from None
    try:
        holder.write_text(_holder(), encoding="utf-8")
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()
