"""Write outputs whole or not at all, and the manifest that lists them.

Every file goes to a temporary name in its own folder and is renamed into place after
it is flushed to disk, so a crash never leaves a half-written document; the manifest is
written last, so a manifest always describes complete files.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import Issue, OutputError, shown
from pipeline.privacy import mask_personal

TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class Written:
    path: str  # relative to the period folder, forward slashes
    sha256: str
    bytes: int
    doc_type: str
    supplier_id: str | None = None
    context_sha256: str | None = None  # what it was rendered from: unchanged → not rendered again

    def as_dict(self) -> dict[str, Any]:
        entry = {
            "path": self.path,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "doc_type": self.doc_type,
            "supplier_id": self.supplier_id,
        }
        if self.context_sha256:
            entry["context_sha256"] = self.context_sha256
        return entry


def _umask() -> int:
    """The process's umask (reading it means setting it: set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """`data` at `path` whole or not at all: written to a temporary name beside it, flushed to
    disk, then renamed; readable as the user's umask allows (0644 under 0022), as a file written
    the ordinary way would be, not the 0600 a temporary file starts with."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(path, exc) from exc
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


def write_output(
    root: Path,
    relative: str,
    data: bytes,
    doc_type: str,
    supplier_id: str | None = None,
    context_sha256: str | None = None,
) -> Written:
    atomic_write(root / relative, data)
    return Written(relative, hashlib.sha256(data).hexdigest(), len(data), doc_type, supplier_id, context_sha256)


def clean_temporaries(root: Path) -> list[Path]:
    """Temporary files a killed run left behind (never visible as documents): removed."""
    if not root.is_dir():
        return []
    leftovers = [p for p in root.rglob(f".*{TEMP_SUFFIX}") if p.is_file()]
    for p in leftovers:
        p.unlink(missing_ok=True)
    return leftovers


# A manifest is only ever true: before a rerun overwrites the first document, the period's
# manifest.json is moved aside to this name (what the rerun may reuse, and what a run killed
# half-way leaves for the next one), and the new manifest is written only once every file it
# lists is in place and history has recorded the run.
RETIRED_MANIFEST = ".manifest.previous.json"


def retire_manifest(root: Path) -> None:
    """manifest.json out of the way before anything of the period is written."""
    current = root / "manifest.json"
    if current.is_file():
        os.replace(current, root / RETIRED_MANIFEST)


def publish_manifest(root: Path, data: bytes) -> Path:
    """The new manifest, whole; the retired one is then gone."""
    write_output(root, "manifest.json", data, "manifest")
    (root / RETIRED_MANIFEST).unlink(missing_ok=True)
    return root / "manifest.json"


def previous_entries(root: Path) -> dict[str, dict[str, Any]]:
    """The last complete run's manifest entries by path (empty if there is none): manifest.json,
    or the one a run in progress (or killed) retired."""
    for name in ("manifest.json", RETIRED_MANIFEST):
        try:
            listed = json.loads((root / name).read_text(encoding="utf-8")).get("files", [])
            return {f["path"]: f for f in listed if isinstance(f, dict) and "path" in f}
        except FileNotFoundError:
            continue
        except (OSError, ValueError, AttributeError):
            return {}
    return {}


def still_valid(root: Path, entry: dict[str, Any]) -> bool:
    """The file on disk is the one the manifest describes (not edited, not truncated)."""
    path = root / entry["path"]
    try:
        if path.stat().st_size != entry.get("bytes"):
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")
    except OSError:
        return False


def issue_summary(issues: Sequence[Issue]) -> list[dict[str, Any]]:
    """Per file and sheet: problems, rows left out, and whether the whole file was refused."""
    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    for i in issues:
        g = groups.setdefault(
            (i.file, i.sheet),
            {"file": shown(i.file), "sheet": shown(i.sheet), "problems": 0, "rows": set(), "whole_file": False},
        )
        g["problems"] += 1
        if i.row is None:
            g["whole_file"] = g["whole_file"] or i.code in ("unreadable", "refused", "unknown_kind", "no_header")
        else:
            g["rows"].add(i.row)
    return [{**g, "rows": len(g["rows"])} for g in groups.values()]


def validation_report_xlsx(issues: Sequence[Issue]) -> bytes:
    """One row per problem, in the office's terms: file, sheet, row as the spreadsheet numbers
    it, column as headed, the value, the rule, and the message in Chinese and English."""
    # imported here: every render worker imports this module for its atomic writes, and openpyxl
    # (numpy with it) would add 20 MB to each of them
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from pipeline.render.workbooks import fill_sheet, workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单 Issues"
    fill_sheet(
        ws,
        [
            "文件 File",
            "工作表 Sheet",
            "行 Row",
            "列 Column",
            "值 Value",
            "规则 Rule",
            "问题 Problem",
            "Problem (English)",
            "类型 Kind",
            "字段 Field",
        ],
        (
            [
                shown(i.file),
                shown(i.sheet),
                i.row,
                shown(i.column),
                shown(mask_personal(i.field, i.value)),
                i.rule or i.code,
                i.text_zh(),
                i.text_en(),
                i.kind,
                i.field,
            ]
            for i in issues
        ),
        [26, 14, 7, 18, 24, 18, 56, 56, 13, 18],
    )
    for row in ws.iter_rows(min_row=2):
        for cell in row[6:8]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.auto_filter.ref = ws.dimensions
    summary = wb.create_sheet("汇总 Summary")
    fill_sheet(
        summary,
        [
            "文件 File",
            "工作表 Sheet",
            "问题数 Problems",
            "被排除的行 Rows left out",
            "整个文件被拒绝 Whole file rejected",
        ],
        (
            [g["file"], g["sheet"], g["problems"], g["rows"], "是 yes" if g["whole_file"] else "否 no"]
            for g in issue_summary(issues)
        ),
        [30, 16, 14, 22, 26],
    )
    return workbook_bytes(wb)


def validation_report_json(issues: Sequence[Issue], period: str) -> bytes:
    body = {
        "period": period,
        "issue_count": len(issues),
        "files": issue_summary(issues),
        "issues": [i.as_dict() for i in issues],
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_bytes(
    period: str, files: Sequence[Written], inputs: Sequence[dict[str, Any]], policy: dict[str, Any]
) -> bytes:
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
    removed = []
    for rel in previous_entries(root):
        target = (root / rel).resolve()
        if rel not in keep and target.is_file() and root.resolve() in target.parents:
            target.unlink()
            removed.append(rel)
    return removed


def manifest_files(manifest: Path) -> list[Written]:
    entries = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    return [
        Written(e["path"], e["sha256"], e["bytes"], e["doc_type"], e.get("supplier_id"), e.get("context_sha256"))
        for e in entries
    ]
