"""Read dropped files into rows of cells keyed by canonical field names.

Spreadsheets arrive from Excel and WPS with title rows above the header, Chinese
headers, blank rows and columns; CSV files in UTF-8, UTF-8 with BOM or GBK/GB18030.
Loading only finds the header and maps columns: values stay as typed, and coercion and
validation decide what they mean, so every problem can still name the cell it came from.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import charset_normalizer
import python_calamine

from pipeline.config.aliases import Aliases, fold
from pipeline.config.resources import load_schema
from pipeline.errors import Issue, UnreadableFile, display_value
from pipeline.intake.folder import InputFile
from pipeline.intake.guard import check_file
from pipeline.settings import ENV_MAX_ROWS, Limits

HEADER_SCAN_ROWS = 30
_HEADER_PARTS = re.compile(r"[\r\n/|]+")
_TRAILING_NOTE = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]\s*$")


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a sheet's 100,000s of rows become objects: none of
    them form cycles, and collections triggered by every few hundred new objects would scan
    the growing table again and again (they cost more than reading the cells)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _blank_cell(value: Any) -> bool:
    return value is None or value == "" or (value.__class__ is str and value.isspace())


class RawRow:
    """One data row. `cells`: canonical field -> value as read, blank cells left out. A
    spreadsheet row keeps the tuple of its mapped cells (`values`, in `fields` order) and
    builds `cells` only when asked — a valid row of a 100,000-row sheet never needs it."""

    __slots__ = ("row", "values", "fields", "_cells")

    def __init__(
        self,
        row: int,
        cells: dict[str, Any] | None = None,
        values: tuple | None = None,
        fields: list[str] | None = None,
    ):
        self.row = row  # as the spreadsheet numbers it (JSON: 1-based item number)
        self.values, self.fields, self._cells = values, fields, cells

    @property
    def cells(self) -> dict[str, Any]:
        if self._cells is None:
            self._cells = {f: v for f, v in zip(self.fields or (), self.values or ()) if not _blank_cell(v)}
        return self._cells

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawRow) and (self.row, self.cells) == (other.row, other.cells)

    def __repr__(self) -> str:
        return f"RawRow(row={self.row}, cells={self.cells!r})"


@dataclass
class RawTable:
    kind: str
    file: str  # the bare file name as the user knows it
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    rows: list[RawRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # file-level problems
    sheet: str | None = None  # worksheet name (workbooks only)
    fields: list[str] = field(default_factory=list)  # the order of RawRow.values


def _file_issue(
    file: str, kind: str, zh: str, en: str, code: str = "unreadable", rule: str | None = None, sheet: str | None = None
) -> Issue:
    return Issue(
        file=file,
        row=None,
        column=None,
        value=None,
        message_zh=zh,
        message_en=en,
        kind=kind,
        code=code,
        rule=rule or code,
        sheet=sheet,
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _loose_headers(aliases: Aliases) -> dict[str, str]:
    """Aliases with separators dropped too, so 'Supplier ID' and 'supplier-id' find supplier_id."""
    cached = aliases.__dict__.get("_loose")
    if cached is None or cached[0] != len(aliases.headers):
        cached = (len(aliases.headers), {re.sub(r"[_\-.]", "", k): v for k, v in aliases.headers.items()})
        aliases.__dict__["_loose"] = cached
    return cached[1]


def header_field(cell: Any, aliases: Aliases) -> str | None:
    """The field a header cell names. Besides the aliases themselves: a bilingual cell
    ("供应商编号\nsupplier_id", "供应商编号/Supplier ID") by either part, a leading * (required)
    and a trailing note in brackets ("月服务费（元）") ignored."""
    if not isinstance(cell, str):
        cell = str(cell)
    found = aliases.headers.get(fold(cell))
    if found:
        return found
    loose = _loose_headers(aliases)
    for part in [cell, *_HEADER_PARTS.split(cell)]:
        part = part.strip().lstrip("*＊※").strip()  # * marks a required column in many templates
        for text in (part, _TRAILING_NOTE.sub("", part)):
            folded = fold(text)
            if not folded:
                continue
            found = aliases.headers.get(folded) or loose.get(re.sub(r"[_\-.]", "", folded))
            if found:
                return found
    return None


def _row_fields(row: list[Any], known: set[str], aliases: Aliases) -> tuple[list[tuple[int, Any]], dict[int, str]]:
    filled = [(col, cell) for col, cell in enumerate(row) if not _blank(cell)]
    hits = {}
    for col, cell in filled:
        if isinstance(cell, (str, int)) and not isinstance(cell, bool):
            fld = header_field(cell, aliases)
            if fld in known:
                hits[col] = fld
    return filled, hits


def _find_header(grid: list[list[Any]], kind: str, aliases: Aliases) -> tuple[int, dict[int, str]] | None:
    """The header is the first row where most filled cells name a field of this kind."""
    known = set(load_schema(kind)["properties"])
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        filled, hits = _row_fields(row, known, aliases)
        if len(hits) >= 2 and len(hits) * 2 >= len(filled):
            return index, hits
    return None


def _repeats_header(row: list[Any], columns: dict[int, str], known: set[str], aliases: Aliases) -> bool:
    """A second header row (English names under Chinese ones) names the same fields in the same columns."""
    filled, hits = _row_fields(row, known, aliases)
    same = sum(1 for col, fld in hits.items() if columns.get(col) == fld)
    return same >= 2 and same * 2 >= len(filled)


def _header_text(cell: Any) -> str:
    """A header as the user wrote it, on one line (a bilingual cell keeps both parts)."""
    return " ".join(str(cell).split())


def table_from_grid(
    grid: list[list[Any]], *, kind: str, file: str, aliases: Aliases, sheet: str | None = None
) -> RawTable:
    table = RawTable(kind=kind, file=file, sheet=sheet)
    found = _find_header(grid, kind, aliases)
    if found is None:
        table.issues.append(
            _file_issue(
                file,
                kind,
                f"找不到表头行：前{HEADER_SCAN_ROWS}行中没有一行包含「{load_schema(kind)['x-title-zh']}」的列名（如 供应商编号）",
                f"no header row found: none of the first {HEADER_SCAN_ROWS} rows names the columns of {kind} (e.g. supplier_id)",
                code="no_header",
                sheet=sheet,
            )
        )
        return table
    header_index, columns = found
    header = grid[header_index]
    seen: dict[str, int] = {}
    for col, fld in sorted(columns.items()):
        if fld in seen:
            table.issues.append(
                Issue(
                    file=file,
                    row=header_index + 1,
                    column=_header_text(header[col]),
                    value=None,
                    kind=kind,
                    field=fld,
                    message_zh=f"列「{_header_text(header[col])}」与列「{_header_text(header[seen[fld]])}」表示同一字段，已使用第一列",
                    message_en=f"columns '{_header_text(header[col])}' and '{_header_text(header[seen[fld]])}' both mean {fld}; the first is used",
                    code="duplicate_column",
                    rule="duplicate_column",
                    sheet=sheet,
                )
            )
            continue
        seen[fld] = col
        table.columns[fld] = _header_text(header[col])
    table.ignored_columns = [_header_text(c) for i, c in enumerate(header) if not _blank(c) and i not in columns]
    first = header_index + 1
    known = set(load_schema(kind)["properties"])
    while first < len(grid) and first < header_index + 3 and _repeats_header(grid[first], columns, known, aliases):
        first += 1
    fields = list(seen)
    need = max(seen.values()) + 1
    body = grid[first:]
    if body and min(map(len, body)) < need:  # CSV rows may be short; workbook grids are not
        body = [row if len(row) >= need else list(row) + [""] * (need - len(row)) for row in body]
    pick = itemgetter(*seen.values()) if len(seen) > 1 else (lambda r, c=next(iter(seen.values())): (r[c],))
    empty = ("",) * len(fields)
    # blank rows between the data are skipped (a row of spaces only is skipped by validation)
    table.rows.extend(
        RawRow(offset, None, values, fields)
        for offset, values in enumerate(map(pick, body), start=first + 1)
        if values != empty
    )
    table.fields = fields
    return table


def read_workbook(
    path: Path, *, kind: str, aliases: Aliases, sheets: dict[str, tuple[str, ...]], max_rows: int = Limits.max_rows
) -> list[RawTable]:
    """One table per kind in `sheets` (kind -> preferred sheet names): the sheet so named,
    else the first unused sheet whose header row names that kind's fields."""

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for corrupt or encrypted files
        raise UnreadableFile(
            _file_issue(
                path.name,
                kind,
                f"无法打开工作簿（文件损坏、加密或不是xlsx格式）：{exc}",
                f"cannot open the workbook (corrupt, encrypted or not .xlsx): {exc}",
                rule="corrupt_file",
            )
        ) from exc
    names = list(workbook.sheet_names)
    grids: dict[str, list[list[Any]]] = {}

    def table(sheet: str, table_kind: str) -> RawTable:
        if sheet not in grids:
            try:
                with gc_paused():
                    grids[sheet] = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                if len(grids[sheet]) > max_rows + HEADER_SCAN_ROWS:  # a <dimension> that understated it
                    raise _too_many_rows(path.name, kind, max_rows)
            except UnreadableFile:
                raise
            except Exception as exc:  # a sheet part that is damaged although the zip opened
                raise UnreadableFile(
                    _file_issue(
                        path.name,
                        kind,
                        f"工作表“{sheet}”已损坏，无法读取：{exc}",
                        f"sheet '{sheet}' is damaged and cannot be read: {exc}",
                        rule="corrupt_file",
                        sheet=sheet,
                    )
                ) from exc
        with gc_paused():
            return table_from_grid(grids[sheet], kind=table_kind, file=path.name, aliases=aliases, sheet=sheet)

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
            tables.append(
                RawTable(
                    kind=kind,
                    file=path.name,
                    issues=[
                        _file_issue(
                            path.name,
                            kind,
                            "工作簿中没有可识别表头的工作表",
                            "no sheet in the workbook has a recognisable header row",
                            code="no_header",
                        )
                    ],
                )
            )
    return tables


ENCODING_NAMES = {
    "big5": "Big5（繁体）",
    "big5hkscs": "Big5-HKSCS（繁体）",
    "cp950": "Big5（繁体）",
    "shift_jis": "Shift-JIS（日文）",
    "cp932": "Shift-JIS（日文）",
    "euc_jp": "EUC-JP（日文）",
    "euc_kr": "EUC-KR（韩文）",
    "cp949": "EUC-KR（韩文）",
}


def _gb2312_share(text: str) -> tuple[int, float]:
    """How many non-ASCII characters, and the share of them in GB2312 (common simplified
    Chinese and full-width punctuation). Text really written in GBK scores near 1; Big5 or
    Shift-JIS bytes read as GB18030 score far lower."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0, 1.0
    common = 0
    for c in set(wide):
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += wide.count(c)
    return len(wide), common / len(wide)


def decode_text(raw: bytes, file: str, kind: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's "Unicode text"), then
    GB18030 (a superset of GBK), each strictly. GB18030 accepts almost any bytes, so its
    result must also read as simplified Chinese; otherwise the file is refused rather than
    read as mojibake, naming the encoding it seems to be in."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        wide, share = _gb2312_share(text)
        if wide < 8 or share >= 0.8:
            return text
    guess = ""
    try:
        best = charset_normalizer.from_bytes(raw[:200_000]).best()
        guess = best.encoding if best is not None else ""
    except Exception:  # detection is only for the message
        guess = ""
    named = ENCODING_NAMES.get(guess, guess)
    raise UnreadableFile(
        _file_issue(
            file,
            kind,
            "文件编码不是 UTF-8 或 GBK"
            + (f"（可能是 {named} 等）" if named else "")
            + "，为免读成乱码未予读取：请在 Excel/WPS 中另存为“CSV UTF-8”或 GBK 编码的CSV",
            "the file is not in UTF-8 or GBK"
            + (f" (perhaps {guess})" if guess else "")
            + " and was not read, to avoid garbled text: save it as CSV UTF-8 or as GBK CSV",
            rule="encoding",
        )
    )


def _too_many_rows(file: str, kind: str, rows: int) -> UnreadableFile:
    return UnreadableFile(
        _file_issue(
            file,
            kind,
            f"记录超过 {rows:,} 行，不予读取：请拆分文件，或由管理员调整 {ENV_MAX_ROWS}",
            f"more than {rows:,} records: split the file, or ask the administrator to raise {ENV_MAX_ROWS}",
            code="refused",
            rule="max_rows",
        )
    )


def read_csv(path: Path, *, kind: str, aliases: Aliases, max_rows: int = Limits.max_rows) -> RawTable:
    text = decode_text(path.read_bytes(), path.name, kind)
    if text.count("\n") > max_rows + HEADER_SCAN_ROWS:
        raise _too_many_rows(path.name, kind, max_rows)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        with gc_paused():
            grid = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise UnreadableFile(
            _file_issue(
                path.name,
                kind,
                f"CSV 格式错误，无法读取：{exc}",
                f"the CSV is malformed and cannot be read: {exc}",
                rule="corrupt_file",
            )
        ) from exc
    if len(grid) > max_rows + HEADER_SCAN_ROWS:
        raise _too_many_rows(path.name, kind, max_rows)
    with gc_paused():
        return table_from_grid(grid, kind=kind, file=path.name, aliases=aliases)


class NotStrictJson(ValueError):
    """JSON that Python's parser accepts but a record must not hold."""

    def __init__(self, zh: str, en: str, rule: str):
        super().__init__(en)
        self.zh, self.en, self.rule = zh, en, rule


MAX_NUMBER_DIGITS = 30  # a fee of 10^30 fen is no one's invoice; 5,000 digits was a crash


def _no_constant(name: str):
    raise NotStrictJson(
        f"JSON中含有 {name}：不是有效的数值（JSON标准不允许），请改为数字或留空",
        f"the JSON holds {name}, which is not a number (standard JSON has none): write a number or leave it out",
        "json_number",
    )


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise NotStrictJson(
            f"JSON中的整数过长（{len(text):,} 位），不予读取",
            f"an integer in the JSON is too long ({len(text):,} digits); not read",
            "json_number",
        )
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if len(text) > 64 or value in (float("inf"), float("-inf")):
        raise NotStrictJson(
            f"JSON中的数值超出范围：{text[:40]}",
            f"a number in the JSON is out of range: {text[:40]}",
            "json_number",
        )
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown_key = display_value(key)
            raise NotStrictJson(
                f"JSON对象中键“{shown_key}”出现两次（后一个会悄悄覆盖前一个）：请只保留一个",
                f"the key {shown_key!r} appears twice in one JSON object (the second would silently replace "
                "the first): keep one",
                "json_duplicate_key",
            )
        out[key] = value
    return out


def strict_json(text: str) -> Any:
    """json.loads, refusing NaN and Infinity, numbers beyond a sane size and duplicate keys."""
    return json.loads(
        text,
        parse_constant=_no_constant,
        parse_int=_bounded_int,
        parse_float=_finite_float,
        object_pairs_hook=_no_duplicate_keys,
    )


def read_json(
    path: Path, *, kind: str, aliases: Aliases, nested: dict[str, str] | None = None, max_rows: int = Limits.max_rows
) -> list[RawTable]:
    """A list of objects, or an object holding the list under the kind's name or "records".
    `nested` names child lists to lift into their own kind (contract items)."""
    try:
        data = strict_json(decode_text(path.read_bytes(), path.name, kind))
    except NotStrictJson as exc:
        raise UnreadableFile(_file_issue(path.name, kind, exc.zh, exc.en, code="refused", rule=exc.rule)) from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise UnreadableFile(
            _file_issue(path.name, kind, f"不是有效的JSON：{exc}", f"not valid JSON: {exc}", rule="json_syntax")
        ) from exc
    if isinstance(data, dict):
        data = data.get(kind, data.get("records"))
    if not isinstance(data, list):
        raise UnreadableFile(
            _file_issue(
                path.name,
                kind,
                f'JSON应为记录列表（或含"{kind}"列表的对象）',
                f'JSON must be a list of records (or an object with a "{kind}" list)',
                rule="json_shape",
            )
        )
    if len(data) > max_rows:
        raise _too_many_rows(path.name, kind, max_rows)
    main = RawTable(kind=kind, file=path.name)
    children = {child: RawTable(kind=child, file=path.name) for child in (nested or {}).values()}
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            main.issues.append(
                Issue(
                    path.name,
                    number,
                    None,
                    display_value(item),
                    "记录应为对象",
                    "a record must be an object",
                    kind=kind,
                    rule="type",
                )
            )
            continue
        cells: dict[str, Any] = {}
        for key, value in item.items():
            if nested and key in nested and isinstance(value, list):
                child = children[nested[key]]
                for sub in value:
                    if isinstance(sub, dict):
                        sub_cells = _map_keys(sub, child, aliases)
                        sub_cells.setdefault("contract_no", item.get("contract_no"))
                        child.rows.append(
                            RawRow(row=number, cells={k: v for k, v in sub_cells.items() if not _blank(v)})
                        )
                continue
            fld = header_field(key, aliases)
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
        fld = header_field(key, aliases)
        if fld is not None:
            table.columns.setdefault(fld, key)
            cells[fld] = value
    return cells


def read_input(file: InputFile, aliases: Aliases, limits: Limits = Limits()) -> list[RawTable]:
    """All tables in one input file; a file refused or unreadable becomes one file-level issue."""
    refused = check_file(file.path, file.kind, limits)
    if refused is not None:
        return [RawTable(kind=file.kind, file=file.path.name, issues=[refused])]
    suffix = file.path.suffix.lower()
    try:
        if suffix == ".xlsx":
            sheets = WORKBOOK_SHEETS.get(file.kind, {file.kind: ()})
            return read_workbook(file.path, kind=file.kind, aliases=aliases, sheets=sheets, max_rows=limits.max_rows)
        if suffix == ".csv":
            return [read_csv(file.path, kind=file.kind, aliases=aliases, max_rows=limits.max_rows)]
        nested = {"items": "contract_items"} if file.kind == "contracts" else None
        return read_json(file.path, kind=file.kind, aliases=aliases, nested=nested, max_rows=limits.max_rows)
    except UnreadableFile as exc:
        return [RawTable(kind=file.kind, file=file.path.name, issues=[exc.issue])]
    except MemoryError:
        return [
            RawTable(
                kind=file.kind,
                file=file.path.name,
                issues=[
                    Issue(
                        file=file.path.name,
                        row=None,
                        column=None,
                        value=None,
                        kind=file.kind,
                        code="refused",
                        rule="memory",
                        message_zh="文件内容过大，内存不足以读取：请拆分文件",
                        message_en="the file is too large to read in memory: split it",
                    )
                ],
            )
        ]


WORKBOOK_SHEETS = {
    "contracts": {
        "contracts": ("contracts", "合同", "合同信息"),
        "contract_items": ("items", "服务项目", "明细", "合同明细"),
    },
}
