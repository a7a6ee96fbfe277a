"""Read dropped files into rows of cells keyed by canonical field names.

Spreadsheets arrive from Excel and WPS with title rows above the header, Chinese
headers, blank rows and columns; CSV files in UTF-8, UTF-8 with BOM or GBK/GB18030.
Loading only finds the header and maps columns: values stay as typed, and coercion and
validation decide what they mean, so every problem can still name the cell it came from.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .aliases import Aliases, fold
from .errors import Issue, display_value
from .resources import load_schema

HEADER_SCAN_ROWS = 30


@dataclass
class RawRow:
    row: int                      # as the spreadsheet numbers it (JSON: 1-based item number)
    cells: dict[str, Any]         # canonical field -> value as read


@dataclass
class RawTable:
    kind: str
    file: str                     # file name as the user knows it (sheet appended for workbooks)
    columns: dict[str, str] = field(default_factory=dict)    # field -> header as written
    rows: list[RawRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)        # file-level problems


class UnreadableFile(Exception):
    def __init__(self, issue: Issue):
        self.issue = issue
        super().__init__(str(issue))


def _file_issue(file: str, kind: str, zh: str, en: str, code: str = "unreadable") -> Issue:
    return Issue(file=file, row=None, column=None, value=None, message_zh=zh, message_en=en, kind=kind, code=code)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(grid: list[list[Any]], kind: str, aliases: Aliases) -> tuple[int, dict[int, str]] | None:
    """The header is the first row where most filled cells name a field of this kind."""
    known = set(load_schema(kind)["properties"])
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        filled = [(col, cell) for col, cell in enumerate(row) if not _blank(cell)]
        mapped = {col: aliases.headers.get(fold(cell)) for col, cell in filled}
        hits = {col: f for col, f in mapped.items() if f in known}
        if len(hits) >= 2 and len(hits) * 2 >= len(filled):
            return index, hits
    return None


def table_from_grid(grid: list[list[Any]], *, kind: str, file: str, aliases: Aliases) -> RawTable:
    table = RawTable(kind=kind, file=file)
    found = _find_header(grid, kind, aliases)
    if found is None:
        table.issues.append(_file_issue(
            file, kind,
            f"找不到表头行：前{HEADER_SCAN_ROWS}行中没有一行包含「{load_schema(kind)['x-title-zh']}」的列名（如 供应商编号）",
            f"no header row found: none of the first {HEADER_SCAN_ROWS} rows names the columns of {kind} (e.g. supplier_id)",
            code="no_header",
        ))
        return table
    header_index, columns = found
    header = grid[header_index]
    seen: dict[str, int] = {}
    for col, fld in sorted(columns.items()):
        if fld in seen:
            table.issues.append(Issue(
                file=file, row=header_index + 1, column=str(header[col]), value=None, kind=kind, field=fld,
                message_zh=f"列「{header[col]}」与列「{header[seen[fld]]}」表示同一字段，已使用第一列",
                message_en=f"columns '{header[col]}' and '{header[seen[fld]]}' both mean {fld}; the first is used",
                code="duplicate_column",
            ))
            continue
        seen[fld] = col
        table.columns[fld] = str(header[col]).strip()
    table.ignored_columns = [str(c).strip() for i, c in enumerate(header) if not _blank(c) and i not in columns]
    for offset, row in enumerate(grid[header_index + 1:], start=header_index + 2):
        cells = {fld: (row[col] if col < len(row) else None) for fld, col in seen.items()}
        if all(_blank(v) for v in cells.values()):
            continue
        table.rows.append(RawRow(row=offset, cells={k: v for k, v in cells.items() if not _blank(v)}))
    return table


def read_workbook(path: Path, *, kind: str, aliases: Aliases, sheets: dict[str, tuple[str, ...]]) -> list[RawTable]:
    """One table per kind in `sheets` (kind -> preferred sheet names): the sheet so named,
    else the first unused sheet whose header row names that kind's fields."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for corrupt or encrypted files
        raise UnreadableFile(_file_issue(
            path.name, kind, f"无法打开工作簿（文件损坏、加密或不是xlsx格式）：{exc}",
            f"cannot open the workbook (corrupt, encrypted or not .xlsx): {exc}")) from exc
    names = list(workbook.sheet_names)
    grids: dict[str, list[list[Any]]] = {}

    def table(sheet: str, table_kind: str) -> RawTable:
        if sheet not in grids:
            grids[sheet] = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        label = path.name if len(names) == 1 else f"{path.name} [{sheet}]"
        return table_from_grid(grids[sheet], kind=table_kind, file=label, aliases=aliases)

    tables: list[RawTable] = []
    used: set[str] = set()
    for table_kind, preferred in sheets.items():
        wanted = {fold(w) for w in preferred}
        named = [n for n in names if fold(n) in wanted and n not in used]
        found = table(named[0], table_kind) if named else None
        if found is None:
            for sheet in (n for n in names if n not in used):
                candidate = table(sheet, table_kind)
                if candidate.columns:
                    found, named = candidate, [sheet]
                    break
        if found is not None:
            used.add(named[0])
            tables.append(found)
        elif table_kind == kind:
            tables.append(RawTable(kind=kind, file=path.name, issues=[_file_issue(
                path.name, kind, "工作簿中没有可识别表头的工作表", "no sheet in the workbook has a recognisable header row",
                code="no_header")]))
    return tables


def decode_text(raw: bytes, file: str, kind: str) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK), each strictly;
    a file that is neither is refused rather than read as mojibake."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_file_issue(
        file, kind, "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的CSV",
        "cannot tell the file's encoding: save it as CSV in UTF-8 or GBK"))


def read_csv(path: Path, *, kind: str, aliases: Aliases) -> RawTable:
    text = decode_text(path.read_bytes(), path.name, kind)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    return table_from_grid(grid, kind=kind, file=path.name, aliases=aliases)


def read_json(path: Path, *, kind: str, aliases: Aliases, nested: dict[str, str] | None = None) -> list[RawTable]:
    """A list of objects, or an object holding the list under the kind's name or "records".
    `nested` names child lists to lift into their own kind (contract items)."""
    try:
        data = json.loads(decode_text(path.read_bytes(), path.name, kind))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise UnreadableFile(_file_issue(path.name, kind, f"不是有效的JSON：{exc}", f"not valid JSON: {exc}")) from exc
    if isinstance(data, dict):
        data = data.get(kind, data.get("records"))
    if not isinstance(data, list):
        raise UnreadableFile(_file_issue(
            path.name, kind, f"JSON应为记录列表（或含\"{kind}\"列表的对象）",
            f"JSON must be a list of records (or an object with a \"{kind}\" list)"))
    main = RawTable(kind=kind, file=path.name)
    children = {child: RawTable(kind=child, file=path.name) for child in (nested or {}).values()}
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            main.issues.append(Issue(path.name, number, None, display_value(item), "记录应为对象", "a record must be an object", kind=kind))
            continue
        cells: dict[str, Any] = {}
        for key, value in item.items():
            if nested and key in nested and isinstance(value, list):
                child = children[nested[key]]
                for sub in value:
                    if isinstance(sub, dict):
                        sub_cells = _map_keys(sub, child, aliases)
                        sub_cells.setdefault("contract_no", item.get("contract_no"))
                        child.rows.append(RawRow(row=number, cells={k: v for k, v in sub_cells.items() if not _blank(v)}))
                continue
            fld = aliases.headers.get(fold(key))
            if fld is None:
                if key not in main.ignored_columns:
                    main.ignored_columns.append(key)
                continue
            main.columns.setdefault(fld, key)
            cells[fld] = value
        main.rows.append(RawRow(row=number, cells={k: v for k, v in cells.items() if not _blank(v)}))
    return [main, *children.values()]


def _map_keys(item: dict, table: RawTable, aliases: Aliases) -> dict[str, Any]:
    cells = {}
    for key, value in item.items():
        fld = aliases.headers.get(fold(key))
        if fld is not None:
            table.columns.setdefault(fld, key)
            cells[fld] = value
    return cells
