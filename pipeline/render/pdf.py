"""Convert documents to PDF with LibreOffice, with Chinese fonts that match Word's.

Word documents name SimSun/SimHei; on Linux, LibreOffice would fall back to DejaVu and
print boxes. `fonts.conf` beside this module maps them to Noto CJK, and a private
LibreOffice profile per process lets conversions run side by side.

Two ways to convert, one interface (`convert(paths) -> list[bytes]`):
- `OfficePool`: LibreOffice started once per slot and kept (`_office_worker.py`, driven over
  UNO through unoserver's converter), so a month of documents or a day of distributions pays
  for one start per slot, and slots convert in parallel. Needs a Python with LibreOffice's
  `uno` module (Debian: python3-uno).
- `BatchConverter`: `soffice --convert-to pdf` once per batch (no `uno` needed).
`converter()` gives the pool where it can run, else the batch converter.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from pipeline.errors import ConfigError, PdfUnavailable

FONTS_CONF = Path(__file__).with_name("fonts.conf")
WORKER = Path(__file__).with_name("_office_worker.py")
START_TIMEOUT = 90.0


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise PdfUnavailable("未安装 LibreOffice（soffice）/ LibreOffice (soffice) is not installed")
    return path


def require_libreoffice() -> str:
    """soffice's path, or the error a user can act on (exit 2, before anything is written)."""
    try:
        return soffice()
    except PdfUnavailable as exc:
        raise ConfigError(
            "未安装 LibreOffice（soffice），无法生成 PDF；去掉 --pdf 可只生成 Word 文件，或先安装 LibreOffice"
            "（Debian/Ubuntu: apt-get install libreoffice-writer-nogui fonts-noto-cjk python3-uno）",
            "LibreOffice (soffice) is not installed, so no PDF can be made; drop --pdf to write the Word "
            "files only, or install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui "
            "fonts-noto-cjk python3-uno)",
        ) from exc


def _office_env() -> dict[str, str]:
    return dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))


def to_pdf(documents: list[Path], outdir: Path, timeout: int = 300) -> list[Path]:
    """One LibreOffice start for the whole batch; the PDFs land in `outdir` by stem."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vendorflow-lo-") as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation={Path(profile).as_uri()}",  # file:///C:/… on Windows too
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, documents),
            ],
            check=True,
            env=_office_env(),
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    pdfs = [outdir / (d.stem + ".pdf") for d in documents]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(missing)}")
    return pdfs


class BatchConverter:
    """`soffice --convert-to pdf` once per call: what a machine without `uno` can do."""

    kind = "batch"

    def __init__(self, timeout_per_document: float = 60.0):
        self.timeout_per_document = timeout_per_document

    def convert(self, documents: Sequence[Path]) -> list[bytes]:
        if not documents:
            return []
        stems = [d.stem for d in documents]
        if len(set(stems)) != len(stems):  # one output folder: stems must differ
            return [self.convert([d])[0] for d in documents]
        with tempfile.TemporaryDirectory(prefix="vendorflow-pdf-") as scratch:
            timeout = int(120 + self.timeout_per_document * len(documents))
            return [p.read_bytes() for p in to_pdf(list(documents), Path(scratch), timeout=timeout)]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def close(self) -> None:
        return None


@cache
def uno_python() -> str | None:
    """An interpreter that can import LibreOffice's `uno`: this one, the system's python3, or
    the one LibreOffice bundles (Windows, macOS). None when there is none."""
    candidates = [sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"]
    try:
        program = Path(soffice()).resolve().parent
        candidates += [str(program / "python"), str(program / "python.exe")]
    except PdfUnavailable:
        return None
    for candidate in dict.fromkeys(candidates):
        if not Path(candidate).is_file():
            continue
        try:
            probe = subprocess.run(
                [candidate, "-c", "import uno"], capture_output=True, timeout=30, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return candidate
    return None


def _unoserver_path() -> str:
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        raise PdfUnavailable("未安装 unoserver / unoserver is not installed (pip install unoserver)")
    return str(Path(next(iter(spec.submodule_search_locations))).parent)


def pool_available() -> bool:
    """LibreOffice, a Python with `uno`, and unoserver: what the pool needs."""
    try:
        _unoserver_path()
    except PdfUnavailable:
        return False
    return uno_python() is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Slot:
    """One LibreOffice and its UNO worker; restarted after a failure or a timeout."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.profile: tempfile.TemporaryDirectory | None = None
        self.lines: queue.Queue = queue.Queue()
        self.office_pid: int | None = None  # soffice itself (the worker's child)

    def start(self) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="vendorflow-lo-pool-")
        python = uno_python()
        if python is None:
            raise PdfUnavailable(
                "找不到带 LibreOffice uno 模块的 Python（Debian：apt install python3-uno）/ "
                "no Python with LibreOffice's uno module (Debian: apt install python3-uno)"
            )
        self.proc = subprocess.Popen(
            [
                python,
                str(WORKER),
                soffice(),
                str(_free_port()),
                Path(self.profile.name).as_uri(),
                str(START_TIMEOUT),
                _unoserver_path(),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_office_env(),
            text=True,
            start_new_session=True,  # its own process group: stop() takes LibreOffice with it
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, self.lines), daemon=True).start()
        ready = self._answer(START_TIMEOUT + 10)
        if not ready.get("ready"):
            self.stop()
            raise RuntimeError(f"LibreOffice did not start: {ready.get('error', ready)}")
        self.office_pid = ready.get("pid")

    @staticmethod
    def _read(proc: subprocess.Popen, lines: queue.Queue) -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def _answer(self, timeout: float) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return {"error": f"no answer within {timeout:.0f} s"}
        if line is None:
            return {"error": "LibreOffice stopped"}
        return json.loads(line)

    def convert(self, document: Path, scratch: Path) -> bytes:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        out = scratch / f"{os.getpid()}-{threading.get_ident()}-{document.stem}.pdf"
        try:
            self.proc.stdin.write(json.dumps({"in": str(document.resolve()), "out": str(out)}) + "\n")
            self.proc.stdin.flush()
        except OSError:
            self.stop()
            raise
        answer = self._answer(self.timeout)
        if not answer.get("ok"):
            self.stop()  # a LibreOffice that failed or hung is not reused
            raise RuntimeError(f"{document.name}: {answer.get('error', answer)}")
        try:
            return out.read_bytes()
        finally:
            out.unlink(missing_ok=True)

    def pids(self) -> list[int]:
        """The worker's and LibreOffice's process ids (for tests and diagnostics)."""
        return [p for p in (self.proc.pid if self.proc else None, self.office_pid) if p]

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # soffice too, whatever state it is in
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
        self.office_pid = None
        if self.profile is not None:
            self.profile.cleanup()
            self.profile = None


class OfficePool:
    """Persistent LibreOffice processes, one per slot, each converting one document at a
    time; started on first use (all slots at once) and stopped on close, or when the
    command ends (use it as a context manager)."""

    kind = "pool"

    def __init__(self, size: int = 0, timeout: float = 300.0):
        self.size = size or max(1, min(4, os.cpu_count() or 1))
        self.timeout = timeout
        self._slots: queue.Queue[_Slot] = queue.Queue()
        self._all: list[_Slot] = []
        self._started = False
        self._scratch: tempfile.TemporaryDirectory | None = None

    def _start(self) -> None:
        if self._started:
            return
        self._scratch = tempfile.TemporaryDirectory(prefix="vendorflow-pdf-")
        slots = [_Slot(self.timeout) for _ in range(self.size)]
        self._all = slots
        with ThreadPoolExecutor(self.size) as ex:
            for f in [ex.submit(s.start) for s in slots]:
                f.result()
        for s in slots:
            self._slots.put(s)
        self._started = True

    def _one(self, document: Path) -> bytes:
        """One document on a free slot; once more on a fresh LibreOffice if that one failed
        (it may have crashed or hung on an earlier document: a bad document fails twice)."""
        slot = self._slots.get()
        try:
            try:
                return slot.convert(document, Path(self._scratch.name))
            except RuntimeError:
                return slot.convert(document, Path(self._scratch.name))
        finally:
            self._slots.put(slot)

    def convert(self, documents: Sequence[Path]) -> list[bytes]:
        """The PDFs' bytes, in the order of `documents`."""
        if not documents:
            return []
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        if len(documents) == 1 or self.size == 1:
            return [self._one(d) for d in documents]
        with ThreadPoolExecutor(self.size) as ex:
            return list(ex.map(self._one, documents))

    def pids(self) -> list[int]:
        return [pid for slot in self._all for pid in slot.pids()]

    def close(self) -> None:
        for slot in self._all:
            slot.stop()
        self._all, self._started = [], False
        self._slots = queue.Queue()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def converter(size: int = 0) -> OfficePool | BatchConverter:
    """The pool where this machine can run it, else one LibreOffice start per batch."""
    soffice()  # no LibreOffice at all: say so now
    return OfficePool(size) if pool_available() else BatchConverter()
