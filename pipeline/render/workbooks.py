"""Workbook bytes: reproducible .xlsx files, formula-safe cells and the project's header style."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
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


TEXT_FORMAT = "@"


class StreamedWorkbook:
    """A workbook of large tables, written with XlsxWriter row after row (openpyxl, which the
    other workbooks use, costs about twice as much per cell: at thousands of suppliers the
    analytics workbook's detail sheets are a quarter of a million cells). Same conventions:
    the header row styled as `fill_sheet` styles it, frozen, filtered; each column's number
    format; text formula-safe and never read as a number, a formula or a link; amounts written
    from Decimal (two decimals of at most 15 significant digits round-trip exactly); fixed
    times, so the same figures give the same bytes."""

    def __init__(self) -> None:
        import xlsxwriter

        self._buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self._buffer,
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.book.set_properties({"author": "vendorflow", "created": dt.datetime(2026, 1, 1)})
        self._header = self.book.add_format(
            {"bold": True, "bg_color": "#D9D9D9", "text_wrap": True, "valign": "vcenter"}
        )
        self._formats: dict[str, Any] = {}

    def format(self, number_format: str | None, fill: str | None = None):
        """The cell format of a number format (and a background colour, "FFCDD2"), made once."""
        if not number_format and not fill:
            return None
        key = (number_format, fill)
        if key not in self._formats:
            spec = {"num_format": number_format} if number_format else {}
            if fill:
                spec |= {"bg_color": f"#{fill}", "pattern": 1}
            self._formats[key] = self.book.add_format(spec)
        return self._formats[key]

    def sheet(
        self,
        title: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        widths: Sequence[int] = (),
        formats: Sequence[str] = (),
        auto_filter: bool = True,
        fills: Callable[[Sequence[Any]], Mapping[int, str] | None] | None = None,
    ):
        """A sheet of `rows` under `headers`; `fills(row)` gives the cells of a row to fill
        (column index → colour, e.g. "FFCDD2"). Returns the sheet (more rows may follow with
        `write_row`) and the number of rows written."""
        ws = self.book.add_worksheet(title)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.write_row(0, 0, [safe_cell(h) for h in headers], self._header)
        ws.freeze_panes(1, 0)
        formats = list(formats) + [None] * (len(headers) - len(formats))
        styles = [self.format(f) for f in formats]
        n = 0
        for n, row in enumerate(rows, start=1):
            picked = fills(row) if fills is not None else None
            if picked:
                mine = [self.format(f, picked.get(c)) for c, f in enumerate(formats)]
                for c in picked:  # a filled cell is filled even when empty
                    if c >= len(row) or row[c] is None or row[c] == "":
                        ws.write_blank(n, c, None, mine[c])
                self.write_row(ws, n, row, mine)
            else:
                self.write_row(ws, n, row, styles)
        if n and auto_filter:
            ws.autofilter(0, 0, n, len(headers) - 1)
        return ws, n

    def write_row(self, ws, r: int, values: Sequence[Any], styles: Sequence[Any] = ()) -> None:
        """One row at row index `r` (0 is the header): numbers as numbers, text as text; empty
        cells (None, "", NaN) are not written."""
        for c, value in enumerate(values):
            style = styles[c] if c < len(styles) else None
            if value is None or (value.__class__ is str and not value) or value != value:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value, style)
            elif isinstance(value, (int, float, Decimal)):
                ws.write_number(r, c, float(value), style)
            else:
                ws.write_string(r, c, safe_cell(str(value)), style)

    def bytes(self) -> bytes:
        self.book.close()
        return normalise_zip(self._buffer.getvalue(), {"xl/styles.xml": schema_ordered_styles})
