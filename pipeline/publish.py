"""Write outputs whole or not at all, and the manifest that lists them.

Every file goes to a temporary name in its own folder and is renamed into place after
it is flushed to disk, so a crash never leaves a half-written document; the manifest is
written last, so a manifest always describes complete files.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import Issue
from .render import normalise_zip

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Written:
    path: str            # relative to the period folder, forward slashes
    sha256: str
    bytes: int
    doc_type: str
    supplier_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "bytes": self.bytes,
                "doc_type": self.doc_type, "supplier_id": self.supplier_id}


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(root: Path, relative: str, data: bytes, doc_type: str, supplier_id: str | None = None) -> Written:
    atomic_write(root / relative, data)
    return Written(relative, hashlib.sha256(data).hexdigest(), len(data), doc_type, supplier_id)


def safe_cell(value: Any) -> Any:
    """Text that Excel would run as a formula is stored as text, visibly."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def workbook_bytes(wb: Workbook) -> bytes:
    import datetime as dt
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "vendorflow"
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_zip(buffer.getvalue())


def fill_sheet(ws, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] | None = None) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def validation_report_xlsx(issues: Sequence[Issue]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单 Issues"
    fill_sheet(ws, ["文件 File", "行 Row", "列 Column", "值 Value", "问题 Problem", "Problem (English)", "类型 Kind", "字段 Field"],
               ([i.file, i.row, i.column, i.value, i.message_zh, i.message_en, i.kind, i.field] for i in issues),
               [28, 8, 18, 24, 50, 50, 14, 18])
    return workbook_bytes(wb)


def validation_report_json(issues: Sequence[Issue], period: str) -> bytes:
    body = {"period": period, "issue_count": len(issues), "issues": [i.as_dict() for i in issues]}
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_bytes(period: str, files: Sequence[Written], inputs: Sequence[dict[str, Any]], policy: dict[str, Any]) -> bytes:
    body = {
        "period": period,
        "generator": "vendorflow",
        "policy": policy,
        "inputs": sorted(inputs, key=lambda i: i["path"]),
        "files": [f.as_dict() for f in sorted(files, key=lambda f: f.path)],
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def remove_stale(root: Path, keep: set[str]) -> list[str]:
    """Files an earlier run of this period wrote that this run did not (a supplier no longer
    evaluated, errors since fixed): removed so the folder matches its manifest."""
    previous = root / "manifest.json"
    if not previous.is_file():
        return []
    try:
        listed = [f["path"] for f in json.loads(previous.read_text(encoding="utf-8")).get("files", [])]
    except (ValueError, KeyError, TypeError):
        return []
    removed = []
    for rel in listed:
        target = (root / rel).resolve()
        if rel not in keep and target.is_file() and root.resolve() in target.parents:
            target.unlink()
            removed.append(rel)
    return removed
