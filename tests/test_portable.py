"""The office works on Windows: no POSIX-only module on the import path of any command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BLOCKED = """
import sys
for name in ("fcntl", "termios", "pwd", "grp", "resource"):
    sys.modules[name] = None   # importing one now raises ImportError, as on Windows
import pkgutil, importlib, pipeline
names = [m.name for m in pkgutil.walk_packages(pipeline.__path__, "pipeline.")]
for name in names:
    importlib.import_module(name)
from pathlib import Path
from pipeline.runs.monthly import run_month
summary = run_month(Path(sys.argv[1]), Path(sys.argv[2]), period="2026-10")
print(len(names), summary.documents, summary.exit_code)
"""


def test_every_module_imports_and_the_monthly_run_works_without_posix_modules(sample_inputs, tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-c", BLOCKED, str(sample_inputs), str(tmp_path / "out")],
        cwd=ROOT,
        env={**os.environ, "USERNAME": "clerk"},  # as Windows sets it (getpass reads it before trying pwd)
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules, documents, exit_code = map(int, done.stdout.split())
    assert modules > 60 and documents == 40 and exit_code == 0
