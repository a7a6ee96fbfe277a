"""Hostile or broken files are refused before a parser sees them.

A dropped file is checked from the outside first: its size, and for a workbook the zip
directory (uncompressed sizes, compression ratio, macros) and the number of rows of each
sheet, counted from the compressed stream without building the sheet. The limits (`Limits`)
come from the deployment's settings (`pipeline.settings`), so an office with bigger files can
raise them without a code change.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from pipeline.errors import Issue, display_value
from pipeline.settings import ENV_MAX_CELLS, ENV_MAX_COLUMNS, ENV_MAX_FILE_MB, ENV_MAX_ROWS, MB, Limits

MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlsb", ".xlam"}
# spreadsheet formats we do not read: the office can re-save them as .xlsx in one step
RESAVE_SUFFIXES = {".xls", ".et", ".ods", ".numbers", ".wps", ".ett", ".xlt", ".xltx"}
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _issue(file: str, kind: str, zh: str, en: str, code: str, rule: str) -> Issue:
    return Issue(
        file=file, row=None, column=None, value=None, message_zh=zh, message_en=en, kind=kind, code=code, rule=rule
    )


def _mb(n: float) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def check_file(path: Path, kind: str, lim: Limits) -> Issue | None:
    """The first reason to refuse `path` as a whole, or None when it may be parsed."""
    name, suffix = path.name, path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        return _issue(
            name,
            kind,
            "含宏的工作簿（.xlsm 等）出于安全考虑不予读取：请在 Excel/WPS 中另存为“Excel 工作簿 (*.xlsx)”后重新提交",
            "macro-enabled workbooks (.xlsm etc.) are refused for safety: save it as an Excel Workbook (*.xlsx) and drop it again",
            "refused",
            "macros",
        )
    if suffix in RESAVE_SUFFIXES:
        return _issue(
            name,
            kind,
            f"不支持 {suffix} 格式：请另存为 .xlsx（Excel 工作簿）或 .csv 后重新提交",
            f"{suffix} files are not read: save it as .xlsx (Excel Workbook) or .csv and drop it again",
            "refused",
            "file_format",
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _issue(
            name,
            kind,
            f"无法读取文件：{exc.strerror or exc}",
            f"cannot read the file: {exc.strerror or exc}",
            "unreadable",
            "unreadable",
        )
    if size == 0:
        return _issue(
            name,
            kind,
            "文件为空（0 字节）：可能尚未保存完成或复制失败，请重新保存后提交",
            "the file is empty (0 bytes): it may not have been saved or copied completely; save it again",
            "unreadable",
            "empty_file",
        )
    if size > lim.max_file_bytes:
        return _issue(
            name,
            kind,
            f"文件过大（{_mb(size)}，上限 {_mb(lim.max_file_bytes)}）：请拆分后提交，或由管理员调整 {ENV_MAX_FILE_MB}",
            f"the file is too large ({_mb(size)}, limit {_mb(lim.max_file_bytes)}): split it, or ask the administrator to raise {ENV_MAX_FILE_MB}",
            "refused",
            "file_size",
        )
    if suffix == ".xlsx":
        return check_workbook(path, kind, lim)
    return None


def check_workbook(path: Path, kind: str, lim: Limits) -> Issue | None:
    """Zip directory first (nothing inflated), then rows per sheet from the compressed stream."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                return _issue(
                    name,
                    kind,
                    "不是有效的 xlsx 工作簿（可能是改了扩展名的其他文件）：请在 Excel/WPS 中另存为 .xlsx",
                    "not a valid .xlsx workbook (perhaps another file renamed): save it as .xlsx in Excel or WPS",
                    "unreadable",
                    "corrupt_file",
                )
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return _issue(
                    name,
                    kind,
                    "工作簿中含有宏（VBA）：出于安全考虑不予读取，请删除宏后另存为 .xlsx",
                    "the workbook contains macros (VBA): refused for safety; remove them and save as .xlsx",
                    "refused",
                    "macros",
                )
            total = sum(m.file_size for m in members)
            if total > lim.max_uncompressed_bytes:
                return _issue(
                    name,
                    kind,
                    f"工作簿解压后过大（{_mb(total)}，上限 {_mb(lim.max_uncompressed_bytes)}），疑似压缩炸弹，不予读取",
                    f"the workbook inflates to {_mb(total)} (limit {_mb(lim.max_uncompressed_bytes)}): refused as a possible zip bomb",
                    "refused",
                    "zip_bomb",
                )
            for m in members:
                ratio = m.file_size / max(m.compress_size, 1)
                if m.file_size > MB and ratio > lim.max_zip_ratio:
                    return _issue(
                        name,
                        kind,
                        f"工作簿中的 {m.filename} 压缩比异常（{ratio:.0f} 倍，上限 {lim.max_zip_ratio:g} 倍），疑似压缩炸弹，不予读取",
                        f"{m.filename} in the workbook is compressed {ratio:.0f}:1 (limit {lim.max_zip_ratio:g}:1): refused as a possible zip bomb",
                        "refused",
                        "zip_bomb",
                    )
            sheet_names = _sheet_names(z)
            for m in members:
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                    sheet = display_value(sheet_names.get(m.filename, m.filename)) or m.filename
                    declared = _declared_rows(z, m)
                    # the grid a parser builds spans A1 to the farthest cell, whatever <dimension>
                    # says: measured from the cells themselves, stopping once past a limit
                    rows, columns = (declared, 0) if declared and declared > lim.max_rows else _extent(z, m, lim)
                    if rows > lim.max_rows:
                        return _issue(
                            name,
                            kind,
                            f"工作表“{sheet}”超过 {lim.max_rows:,} 行，不予读取：请拆分文件，或由管理员调整 {ENV_MAX_ROWS}",
                            f"sheet '{sheet}' has more than {lim.max_rows:,} rows: split the file, or ask the administrator to raise {ENV_MAX_ROWS}",
                            "refused",
                            "max_rows",
                        )
                    if columns > lim.max_columns:
                        return _issue(
                            name,
                            kind,
                            f"工作表“{sheet}”使用到第 {columns:,} 列（上限 {lim.max_columns:,} 列），疑似恶意构造，不予读取：请只保留需要的列，或由管理员调整 {ENV_MAX_COLUMNS}",
                            f"sheet '{sheet}' reaches column {columns:,} (limit {lim.max_columns:,}): refused as hostile; keep only the columns needed, or ask the administrator to raise {ENV_MAX_COLUMNS}",
                            "refused",
                            "max_columns",
                        )
                    if rows * columns > lim.max_cells:
                        return _issue(
                            name,
                            kind,
                            f"工作表“{sheet}”的使用范围为 {rows:,} 行 × {columns:,} 列，超过 {lim.max_cells:,} 个单元格的上限，不予读取：请删除多余的行列，或由管理员调整 {ENV_MAX_CELLS}",
                            f"sheet '{sheet}' spans {rows:,} rows × {columns:,} columns, over the limit of {lim.max_cells:,} cells: delete unused rows and columns, or ask the administrator to raise {ENV_MAX_CELLS}",
                            "refused",
                            "max_cells",
                        )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,
        OSError,
        ValueError,
    ) as exc:
        return _issue(
            name,
            kind,
            f"工作簿已损坏或不完整（可能复制中断），无法打开：{exc}",
            f"the workbook is corrupt or truncated (an interrupted copy?) and cannot be opened: {exc}",
            "unreadable",
            "corrupt_file",
        )
    return None


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")


def _declared_rows(z: zipfile.ZipFile, member: zipfile.ZipInfo) -> int | None:
    """The last row the sheet's <dimension ref="A1:L100003"/> declares (Excel, WPS and
    LibreOffice write it first), read from the first kilobytes only."""
    with z.open(member) as stream:
        head = stream.read(4096)
    match = _DIMENSION.search(head)
    return int(match.group(1)) if match else None


_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr=\"(\d+)\"")
_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\sr=\"([A-Z]+)(\d+)\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _largest(tokens: tuple[bytes, ...]) -> bytes:
    """The largest column name or row number of many, compared as written (longer is larger)."""
    longest = max(map(len, tokens))
    return max(t for t in tokens if len(t) == longest)


def _extent(z: zipfile.ZipFile, member: zipfile.ZipInfo, lim: Limits) -> tuple[int, int]:
    """(rows, columns) of the sheet's used range: the farthest row and column any <row> or <c>
    names (rows without a number counted), read from the inflating stream a megabyte at a time,
    stopping as soon as a limit is passed. Nothing is built but two integers."""
    rows = counted = columns = 0
    tail = b""
    with z.open(member) as stream:
        while block := stream.read(1 << 20):
            data = tail + block
            cut = data.rfind(b"<")
            if cut >= 0 and data.find(b">", cut) < 0:  # a tag cut at the block edge: next round
                data, tail = data[:cut], data[cut:]
            else:
                tail = b""
            counted += (
                data.count(b"<row ") + data.count(b"<row>") if b":row" not in data else len(_ROW_TAG.findall(data))
            )
            numbers = _ROW_NUMBER.findall(data)
            if numbers:
                rows = max(rows, max(map(int, numbers)))
            refs = _CELL_REF.findall(data)
            if refs:
                letters, numbers = zip(*refs)
                columns = max(columns, _column_number(_largest(letters)))
                rows = max(rows, int(_largest(numbers)))
            rows = max(rows, counted)
            if rows > lim.max_rows or columns > lim.max_columns or rows * columns > lim.max_cells:
                break
    return rows, columns


def _sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """worksheet part -> sheet name as the user sees it on the tab (best effort)."""
    try:
        ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        out = {}
        for sheet in workbook.iter(f"{ns_main}sheet"):
            target = targets.get(sheet.get(f"{ns_rel}id"), "").lstrip("/")
            out[target if target.startswith("xl/") else f"xl/{target}"] = sheet.get("name", "")
        return out
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return {}
