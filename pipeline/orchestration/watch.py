"""`vendorflow watch`: run the monthly flow when complete files land in the drop folder.

A file counts once it is complete: its size and modification time unchanged for `settle`
seconds (a copy in progress keeps changing), and not named as unfinished (`.part`, `.tmp`,
`~$` lock files; written under such a name and renamed, it counts from the rename). A run
starts only when every input file in the folder is complete, so no run reads half a file.
Files already there at start are picked up. The sha256 of what was processed is kept in
inputs/.vendorflow-processed.json, so the same content dropped twice is processed once.
A run that fails (a bad policy, no evaluations yet) is reported and the watcher goes on.

The decisions are plain functions over (name, size, mtime) observations (`observe`,
`decide`, `new_content`); `watch` only feeds them from watchfiles and runs the flow.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake.folder import CONFIG_FILES, is_input_name, kind_of, sha256_of
from pipeline.publish.outputs import atomic_write

LEDGER_NAME = ".vendorflow-processed.json"
SELECTION_KINDS = {"candidates"}  # announced: a selection event is run by hand, for its --event


@dataclass(frozen=True)
class Seen:
    size: int
    mtime: float
    since: float  # when this (size, mtime) was first observed


@dataclass
class Ledger:
    """What was processed: sha256 -> first name and time; (name, size, mtime) -> sha256 so
    an unchanged file is not hashed again on every tick; and `folder`, the contents (sha256s)
    of the drop folder when it was last processed: a run is due when that content changes,
    so putting back an earlier version of a file runs again, while the same bytes dropped a
    second time under another name do not."""

    digests: dict[str, dict[str, str]] = field(default_factory=dict)
    stats: dict[str, list] = field(default_factory=dict)
    folder: list[str] | None = None  # None: a ledger from before (then what was ever processed counts)

    def known_stat(self, name: str, size: int, mtime: float) -> bool:
        entry = self.stats.get(name)
        return bool(entry) and entry[0] == size and entry[1] == mtime and entry[2] in self.digests

    @classmethod
    def load(cls, inputs_dir: Path) -> Ledger:
        try:
            data = json.loads((inputs_dir / LEDGER_NAME).read_text(encoding="utf-8"))
            folder = data.get("folder")
            return cls(
                digests=dict(data.get("digests", {})),
                stats=dict(data.get("stats", {})),
                folder=list(folder) if isinstance(folder, list) else None,
            )
        except (OSError, ValueError, AttributeError):
            return cls()

    def save(self, inputs_dir: Path) -> None:

        body = {"digests": self.digests, "stats": self.stats, "folder": self.folder}
        atomic_write(inputs_dir / LEDGER_NAME, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def scan(inputs_dir: Path) -> list[tuple[str, int, float]]:
    """(name, size, mtime) of every file directly in the folder (archive/ and rejected/ are not)."""
    out = []
    for path in inputs_dir.iterdir():
        try:
            if path.is_file():
                st = path.stat()
                out.append((path.name, st.st_size, st.st_mtime))
        except OSError:  # gone between listing and stat: a rename in progress
            continue
    return out


def observe(state: Mapping[str, Seen], observations: Iterable[tuple[str, int, float]], now: float) -> dict[str, Seen]:
    """The new state: a file whose size or mtime changed starts its settling time again."""
    new = {}
    for name, size, mtime in observations:
        old = state.get(name)
        new[name] = old if old is not None and old.size == size and old.mtime == mtime else Seen(size, mtime, now)
    return new


def decide(state: Mapping[str, Seen], ledger: Ledger, now: float, settle: float) -> list[str]:
    """Input files to look at now: complete, and not known to the ledger by name, size and
    mtime. Nothing while any input file is still settling (a run would read it half-written)."""
    inputs = {n: s for n, s in state.items() if is_input_name(n)}
    if any(now - s.since < settle for s in inputs.values()):
        return []
    return sorted(n for n, s in inputs.items() if not ledger.known_stat(n, s.size, s.mtime))


def open_for_writing(path: Path) -> bool:
    """Whether another process holds `path` open for writing (Linux: /proc/*/fd and fdinfo);
    False where the OS cannot tell."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return False
    try:
        target = os.path.realpath(path)
    except OSError:
        return False
    me = str(os.getpid())
    for pid in os.listdir(proc):
        if not pid.isdigit() or pid == me:
            continue
        try:
            fds = os.listdir(proc / pid / "fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(proc / pid / "fd" / fd) != target:
                    continue
                flags = next(
                    line for line in (proc / pid / "fdinfo" / fd).read_text().splitlines() if line.startswith("flags:")
                )
                if int(flags.split()[1], 8) & 3:  # O_WRONLY or O_RDWR
                    return True
            except (OSError, StopIteration, ValueError):
                continue
    return False


def incomplete(path: Path) -> str | None:
    """Why a file that stopped changing may still be unfinished (a writer that paused longer than
    the settling time), or None: a workbook whose zip directory is not whole, a CSV or JSON that
    does not end as one does, a file another process still holds open for writing."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as z:  # the central directory is written last
                z.infolist()
        elif suffix in (".csv", ".json"):
            with open(path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(f.tell() - 16, 0))
                tail = f.read().rstrip(b" \t\x00")
            if suffix == ".csv" and not tail.endswith((b"\n", b"\r")):
                return "no line break at the end"
            if suffix == ".json" and not tail.rstrip(b"\r\n").endswith((b"]", b"}")):
                return "the JSON is not closed"
    except (zipfile.BadZipFile, OSError, EOFError):
        return "the workbook's zip directory is not whole"
    if open_for_writing(path):
        return "another program still has it open for writing"
    return None


def new_content(hashed: Iterable[tuple[str, str]], ledger: Ledger) -> list[tuple[str, str]]:
    """(name, sha256) pairs whose content the folder did not hold when it was last processed
    (the same bytes under another name, or dropped again, count as processed)."""
    current = set(ledger.folder) if ledger.folder is not None else set(ledger.digests)
    seen: set[str] = set()
    out = []
    for name, digest in hashed:
        if digest not in current and digest not in seen:
            seen.add(digest)
            out.append((name, digest))
    return out


def triggers_monthly(name: str) -> bool:
    """Every input kind but a selection's candidates (rosters and attendance re-settle the month),
    the office's configuration, and files the run must report (unknown kind)."""
    return name in CONFIG_FILES or kind_of(name) not in SELECTION_KINDS


def run_monthly_flow(inputs_dir: Path, outputs_dir: Path):
    """The default runner: the Prefect monthly flow over the whole drop folder (its RunSummary)."""

    from pipeline.orchestration import flows  # Prefect (~0.7 s) only once a run is due, not to watch

    return flows.monthly_flow(inputs=str(inputs_dir), outputs=str(outputs_dir))


def summary_text(summary) -> str:
    """A run's outcome in one line: period, grades, notices, problems and where the report is."""
    grades = " ".join(f"{g}:{n}" for g, n in sorted(summary.grades.items())) or "—"
    notices = ", ".join(f"{sid} {notice}" for sid, notice in summary.notices) or "—"
    text = (
        f"期间 Period {summary.period}  评级 Grades {grades}  文档 Documents {summary.documents}  "
        f"通知 Notices {notices}  (exit {summary.exit_code})"
    )
    if summary.issues:
        report = summary.outputs / "errors" / "validation_report.xlsx"
        text += f"\n  问题 Problems: {len(summary.issues)}（{summary.rejected_rows} 行 rows）→ {report}"
    if summary.stopped:
        text += "\n  该月的评估全部被拒绝，未生成文档 / every evaluation of the month was rejected: no documents"
    return text


@dataclass
class Tick:
    """What one look at the folder did (for the terminal and for tests)."""

    processed: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    ran: bool = False
    exit_code: int | None = None
    error: str | None = None


class Watcher:
    def __init__(
        self,
        inputs_dir: Path,
        outputs_dir: Path,
        runner: Callable[[Path, Path], int] | None = None,
        settle: float = 2.0,
        report: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.inputs_dir, self.outputs_dir = inputs_dir, outputs_dir
        self.runner = runner or run_monthly_flow
        self.settle, self.report, self.clock = settle, report, clock
        self.state: dict[str, Seen] = {}
        self.ledger = Ledger.load(inputs_dir)
        self.runs = 0
        self._waiting: dict[str, str] = {}  # file -> why it is not taken yet (said once)

    def tick(self) -> Tick:
        now = self.clock()
        self.state = observe(self.state, scan(self.inputs_dir), now)
        result = Tick()
        ready = decide(self.state, self.ledger, now, self.settle)
        if not ready:
            return result
        waiting = {n: why for n in ready if (why := incomplete(self.inputs_dir / n))}
        # a file that stays "incomplete" with no change for a long while is taken as it is (a CSV
        # saved without a final line break): the run then reports whatever is wrong with it
        patience = max(30.0, 10 * self.settle)
        waiting = {n: why for n, why in waiting.items() if now - self.state[n].since < patience}
        if waiting:
            for name, why in waiting.items():
                if self._waiting.get(name) != why:
                    self.report(f"等待文件写完 Waiting for {name} to be complete: {why}")
            self._waiting = dict(waiting)
            return result
        self._waiting = {}
        hashed = []
        for name in ready:
            try:
                hashed.append((name, sha256_of(self.inputs_dir / name)))
            except OSError:
                continue
        fresh = new_content(hashed, self.ledger)
        fresh_names = {n for n, _ in fresh}
        result.duplicates = [n for n, _ in hashed if n not in fresh_names]
        for name in result.duplicates:
            self.report(f"已处理过相同内容，跳过 Same content already processed, skipped: {name}")
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        for name, digest in hashed:
            seen = self.state[name]
            self.ledger.stats[name] = [seen.size, seen.mtime, digest]
        for name, digest in fresh:
            self.ledger.digests.setdefault(digest, {"name": name, "processed": stamp})
        result.processed = [n for n, _ in fresh]
        for name in result.processed:
            if kind_of(name) == "candidates":
                self.report(
                    f"收到候选评估文件 {name}：请运行 vendorflow select --event <评选编号> / "
                    f"candidates received: run vendorflow select --event <ID>"
                )
        if any(triggers_monthly(n) for n in result.processed):
            self.report(f"新文件 New files: {', '.join(result.processed)} → 运行月度流程 running the monthly flow")
            result.ran = True
            self.runs += 1
            try:
                outcome = self.runner(self.inputs_dir, self.outputs_dir)
                result.exit_code = getattr(outcome, "exit_code", outcome)
                if hasattr(outcome, "period"):
                    self.report(f"月度流程完成 Monthly flow finished: {summary_text(outcome)}")
                else:
                    self.report(f"月度流程完成 Monthly flow finished (exit {result.exit_code})")
            except Exception as exc:  # a bad file or policy must not stop the watcher
                result.error = str(exc)
                self.report(f"月度流程失败，继续监视 Monthly flow failed, still watching: {exc}")
        # a rejected file has moved to rejected/; forget what is no longer in the folder
        present = {n for n, _, _ in scan(self.inputs_dir)}
        self.ledger.stats = {n: v for n, v in self.ledger.stats.items() if n in present}
        self.ledger.folder = sorted({v[2] for n, v in self.ledger.stats.items() if is_input_name(n)})
        self.ledger.save(self.inputs_dir)
        return result


def watch(
    inputs_dir: Path,
    outputs_dir: Path,
    *,
    runner: Callable[[Path, Path], int] | None = None,
    settle: float = 2.0,
    poll: float = 1.0,
    stop_event: threading.Event | None = None,
    report: Callable[[str], None] = print,
    force_polling: bool | None = None,
) -> Watcher:
    """Watch until `stop_event` is set (or Ctrl+C). watchfiles wakes the loop on changes; a
    tick every `poll` seconds lets settling files become complete without a new event."""
    import watchfiles  # only while watching

    watcher = Watcher(inputs_dir, outputs_dir, runner=runner, settle=settle, report=report)
    report(f"监视 Watching {inputs_dir}（文件稳定 {settle:g} 秒后处理 / files count after {settle:g}s unchanged）")
    watcher.tick()
    for _changes in watchfiles.watch(
        inputs_dir,
        stop_event=stop_event,
        rust_timeout=max(50, int(poll * 1000)),
        yield_on_timeout=True,
        recursive=False,
        debounce=200,
        step=50,
        force_polling=force_polling,
        raise_interrupt=False,
    ):
        watcher.tick()
        if stop_event is not None and stop_event.is_set():
            break
    return watcher
