"""The one way the bootstrap builders write a template: never over a Word edit.

The .docx files in ``contract_templates/`` are the source of truth: the vendor-management
office edits them in Word or LibreOffice. The builders in this folder only create them from
scratch. Each output folder keeps ``.bootstrap.json``, mapping a template's file name to the
sha256 of the bytes a builder last wrote there, and :func:`write_template` decides:

  * file absent                                  -> write it, record its sha256;
  * file already holds exactly the new bytes     -> nothing to write (recorded);
  * file's sha256 is the recorded one (untouched
    since the last build)                        -> overwrite, record the new sha256;
  * anything else (edited in Word, or no record) -> refuse: leave the file alone and say so
    on stderr; ``force=True`` (``--force``) overwrites and records.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), so a template
or the record is never half-written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

RECORD_NAME = ".bootstrap.json"

CREATED, UPDATED, UNCHANGED, FORCED, REFUSED = "created", "updated", "unchanged", "forced", "refused"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_path(folder: Path) -> Path:
    return Path(folder) / RECORD_NAME


def load_record(folder: Path) -> dict[str, str]:
    """The record of ``folder`` ({} when there is none yet)."""
    path = record_path(folder)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    record = json.loads(text)
    if not isinstance(record, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in record.items()):
        raise SystemExit(f"{path}: 不是 文件名 → sha256 的映射 / not a mapping of file name to sha256")
    return record


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _save_record(folder: Path, name: str, digest: str) -> None:
    record = load_record(folder)
    if record.get(name) == digest:
        return
    record[name] = digest
    text = json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    _atomic_write(record_path(folder), text.encode("utf-8"))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def refusal_message(path: Path, *, recorded: bool) -> str:
    why = (
        "与上次构建记录的 sha256 不同 / its sha256 differs from the one recorded at the last build"
        if recorded
        else f"{RECORD_NAME} 中没有它的构建记录 / {RECORD_NAME} has no record of building it"
    )
    return (
        f"{_shown(path)}: 模板已在 Word 中修改，未覆盖 / the template was edited since it was last built; "
        f"not overwritten ({why}).\n"
        f"  用 --force 覆盖 / --force overwrites it; "
        f"用 --out DIR 在别处生成以便比较 / --out DIR builds elsewhere to compare."
    )


def write_template(path: Path, data: bytes, *, force: bool) -> str:
    """Write ``data`` to ``path`` unless that would destroy an edit; returns what happened:
    ``created``, ``updated``, ``unchanged``, ``forced`` or ``refused`` (then nothing was
    written and the reason is on stderr)."""
    path = Path(path)
    folder, name = path.parent, path.name
    digest = sha256(data)
    if not path.exists():
        _atomic_write(path, data)
        _save_record(folder, name, digest)
        return CREATED
    current = sha256(path.read_bytes())
    if current == digest:
        _save_record(folder, name, digest)
        return UNCHANGED
    recorded = load_record(folder).get(name)
    if current == recorded:
        status = UPDATED
    elif force:
        status = FORCED
    else:
        print(refusal_message(path, recorded=recorded is not None), file=sys.stderr)
        return REFUSED
    _atomic_write(path, data)
    _save_record(folder, name, digest)
    return status


def add_arguments(ap: argparse.ArgumentParser, default_out: Path) -> None:
    ap.add_argument(
        "--out",
        type=Path,
        default=default_out,
        help=f"输出文件夹 / output folder (default: {default_out}); its {RECORD_NAME} records what was built there",
    )
    ap.add_argument(
        "--force", action="store_true", help="覆盖已修改的模板 / overwrite templates edited since the last build"
    )


def build_all(builds: Iterable[tuple[str, Callable[[], bytes]]], out: Path, *, force: bool) -> int:
    """Build every ``(file name, make bytes)`` into ``out`` through :func:`write_template`;
    0 when all were written or already current, 1 when any was refused (the others are
    still built)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    refused = []
    for name, make in builds:
        path = out / name
        status = write_template(path, make(), force=force)
        print(f"{status:<9} {path}")
        if status == REFUSED:
            refused.append(name)
    if refused:
        print(
            f"未覆盖 {len(refused)} 个模板 / {len(refused)} template(s) not overwritten: " + ", ".join(refused),
            file=sys.stderr,
        )
        return 1
    return 0
