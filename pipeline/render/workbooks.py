"""Workbook bytes: reproducible .xlsx files, formula-safe cells and the project's header style."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.render.environment import normalise_zip

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that Excel would run as a formula is stored as text, visibly."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# CT_Font's children in the order the schema requires (ECMA-376 §18.8.22); openpyxl writes the
# default font as name, family, color, sz, scheme, which Excel tolerates and the Open XML SDK
# validator (what Word and Excel check against) reports as an error.
FONT_ORDER = (
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign",
    "sz", "color", "name", "family", "charset", "scheme",
)  # fmt: skip
_SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def schema_ordered_styles(xml: bytes) -> bytes:
    """xl/styles.xml with every font's children in schema order."""
    root = etree.fromstring(xml)
    rank = {f"{_SML}{name}": n for n, name in enumerate(FONT_ORDER)}
    for font in root.iter(f"{_SML}font", f"{_SML}rPr"):
        children = list(font)
        ordered = sorted(children, key=lambda c: rank.get(c.tag, len(rank)))
        if ordered != children:
            for child in children:
                font.remove(child)
            font.extend(ordered)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def workbook_bytes(wb: Workbook) -> bytes:
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "vendorflow"
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_zip(buffer.getvalue(), {"xl/styles.xml": schema_ordered_styles})


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
