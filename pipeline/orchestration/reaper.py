"""Nothing a command starts outlives it, however it ends — SIGKILL included.

A command killed with SIGKILL (an operator's `kill -9`, the OOM killer, a CI timeout) runs no
cleanup, so the temporary Prefect server its first flow run started (`uvicorn … prefect.server`,
about 180 MB) and any render workers stayed alive, reparented to init. Prefect starts that server
itself, so the project cannot hand it a parent-death signal. Instead each command starts this
small watcher (`start_reaper()`): it notes the command's descendants every half second and, once
the command is gone, stops the ones still running (SIGTERM, then SIGKILL), checking each
process's start time so a reused pid is never touched. On a normal exit it finds nothing left
and exits within a second. Linux only (it reads /proc); elsewhere `start_reaper` does nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.5
GRACE_SECONDS = 5.0


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time in clock ticks) from /proc/<pid>/stat, or None when gone/zombie."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = raw.rsplit(b")", 1)[1].split()
    if fields[0] == b"Z":
        return None
    return int(fields[1]), int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """pid -> start time of every live process below `root`."""
    parents: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info is not None:
                parents.setdefault(info[0], []).append(int(entry))
                starts[int(entry)] = info[1]
    out: dict[int, int] = {}
    todo = list(parents.get(root, ()))
    while todo:
        pid = todo.pop()
        if pid in out or pid == os.getpid():
            continue
        out[pid] = starts[pid]
        todo.extend(parents.get(pid, ()))
    return out


def _still(pid: int, started: int) -> bool:
    info = _stat(pid)
    return info is not None and info[1] == started


def watch(command_pid: int) -> None:
    """Follow `command_pid`'s descendants until it ends, then stop those left."""
    seen: dict[int, int] = {}
    while _stat(command_pid) is not None:
        seen.update(descendants(command_pid))
        seen = {pid: started for pid, started in seen.items() if _still(pid, started)}
        time.sleep(POLL_SECONDS)
    left = {pid: started for pid, started in seen.items() if _still(pid, started)}
    for sig, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, 1.0)):
        for pid, started in left.items():
            if _still(pid, started):
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(_still(p, s) for p, s in left.items()):
            time.sleep(0.1)
        left = {p: s for p, s in left.items() if _still(p, s)}
        if not left:
            return


def start_reaper() -> subprocess.Popen | None:
    """Start the watcher for this process (Linux), in its own session so that a Ctrl+C or a
    signal to the command's process group leaves it to do its work."""
    if sys.platform != "linux" or not Path("/proc/self/stat").exists():
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.orchestration.reaper", str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        return None  # no watcher is no reason not to run


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's Ctrl+C is for the command
    watch(int(sys.argv[1]))
