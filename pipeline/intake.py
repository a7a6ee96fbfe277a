"""Find what was dropped in the inputs folder, tell each file's kind, fingerprint it.

Originals are only ever read: nothing in the drop folder is moved, rewritten or deleted.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .aliases import Aliases, fold
from .errors import Issue
from .load import RawTable, UnreadableFile, read_csv, read_json, read_workbook

# file-name prefix -> kind; Chinese prefixes are what the office's own file names start with
PREFIXES = {
    "suppliers": "suppliers", "供应商": "suppliers",
    "contracts": "contracts", "合同": "contracts",
    "evaluations": "evaluations", "绩效评估": "evaluations", "绩效": "evaluations",
    "incidents": "incidents", "事件": "incidents",
    "candidates": "candidates", "候选评估": "candidates",
}
DATA_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".json"}
CONFIG_FILES = {"policy.yaml", "policy.yml", "aliases.yaml"}
WORKBOOK_SHEETS = {
    "contracts": {"contracts": ("contracts", "合同", "合同信息"), "contract_items": ("items", "服务项目", "明细", "合同明细")},
}


@dataclass(frozen=True)
class InputFile:
    path: Path
    kind: str
    sha256: str
    bytes: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def kind_of(name: str) -> str | None:
    folded = fold(name)
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if folded.startswith(fold(prefix)):
            return PREFIXES[prefix]
    return None


def discover(inputs_dir: Path) -> tuple[list[InputFile], list[Issue]]:
    """Data files of known kinds, sorted by name; unknown files are reported, not guessed."""
    files, issues = [], []
    for path in sorted(p for p in inputs_dir.iterdir() if p.is_file()):
        name = path.name
        if name.startswith((".", "~$")) or name in CONFIG_FILES or path.suffix.lower() not in DATA_SUFFIXES:
            continue
        kind = kind_of(name)
        if kind is None:
            issues.append(Issue(
                file=name, row=None, column=None, value=None, code="unknown_kind",
                message_zh="无法从文件名判断数据类型：文件名应以 suppliers/供应商、contracts/合同、evaluations/绩效评估 或 incidents/事件 开头，本文件未处理",
                message_en="cannot tell the kind from the file name: it must start with suppliers, contracts, evaluations or incidents; the file was not read",
            ))
            continue
        files.append(InputFile(path=path, kind=kind, sha256=sha256_of(path), bytes=path.stat().st_size))
    return files, issues


def read_input(file: InputFile, aliases: Aliases) -> list[RawTable]:
    """All tables in one input file; an unreadable file becomes one file-level issue."""
    suffix = file.path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            sheets = WORKBOOK_SHEETS.get(file.kind, {file.kind: ()})
            return read_workbook(file.path, kind=file.kind, aliases=aliases, sheets=sheets)
        if suffix == ".csv":
            return [read_csv(file.path, kind=file.kind, aliases=aliases)]
        nested = {"items": "contract_items"} if file.kind == "contracts" else None
        return read_json(file.path, kind=file.kind, aliases=aliases, nested=nested)
    except UnreadableFile as exc:
        return [RawTable(kind=file.kind, file=file.path.name, issues=[exc.issue])]
