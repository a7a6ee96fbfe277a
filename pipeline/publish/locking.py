"""One run per period at a time: two runs writing the same folder would interleave files.

An advisory lock (flock) per period under outputs/.locks/; it is released by the kernel
when the process ends, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import PeriodBusy


@contextmanager
def period_lock(outputs_dir: Path, period: str, wait_seconds: float = 0) -> Iterator[None]:
    lock_dir = outputs_dir / ".locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    path = lock_dir / f"{period}.lock"
    with open(path, "a+") as handle:
        deadline = time.monotonic() + max(wait_seconds, 0)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    raise PeriodBusy(period, handle.read().strip() or "unknown process") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
