"""`vendorflow template KIND`: a blank input workbook that the loader reads back.

Built from the schema, so it cannot drift from what validation expects: one column per
field with a bilingual header ("*供应商编号" above "supplier_id" in one cell; * = required),
a comment saying what the column takes, drop-down lists for enumerations and yes/no, date
and text formats on the columns (so Excel keeps 0 in front of an account number and does
not turn 2026-10 into a date), and a frozen header row.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.config.aliases import Aliases, fold, load_aliases
from pipeline.config.labels import label
from pipeline.config.resources import load_schema, schemas_dir
from pipeline.config.yamlfile import parse_yaml
from pipeline.errors import ConfigError
from pipeline.intake.folder import kind_of
from pipeline.render.workbooks import workbook_bytes

ROWS = 1000  # rows prepared with formats and drop-downs
# kind -> [(table kind, sheet name the loader looks for)]
LAYOUT = {
    "suppliers": [("suppliers", "供应商")],
    "contracts": [("contracts", "合同"), ("contract_items", "服务项目")],
    "evaluations": [("evaluations", "绩效评估")],
    "incidents": [("incidents", "事件")],
    "candidates": [("candidates", "候选评估")],
    "workers": [("workers", "人员花名册")],
    "attendance": [("attendance", "考勤")],
    "work_volume": [("work_volume", "工作量确认")],
    "surveys": [("surveys", "满意度调查")],
    "inspections": [("inspections", "现场检查")],
    "improvement_plans": [("improvement_plans", "整改计划")],
    "appeals": [("appeals", "申诉")],
    "distribution": [("distribution", "抄送地址")],
}
FORMAT_WORDS = {
    "uscc": (
        "18位统一社会信用代码（数字及除 I、O、Z、S、V 外的大写字母，末位为校验码）",
        "18-character unified social credit code with its check character",
    ),
    "phone-cn": ("11位手机号或带区号的固话，如 13812345678、021-62345678", "mobile or landline with area code"),
    "email": ("电子邮箱，如 name@example.com", "e-mail address"),
    "date": ("日期，如 2026-10-31（也可写 2026/10/31、2026年10月31日）", "date, e.g. 2026-10-31"),
    "date-or-permanent": ("日期，如 2029-12-31；无固定期限填“长期”", "date, or 长期 for no expiry"),
    "period": ("年月，如 2026-10", "year and month, e.g. 2026-10"),
    "id-number-cn": (
        "18位居民身份证号（末位可为X），请将单元格设为文本",
        "18-character resident ID number, typed as text",
    ),
}
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="A6A6A6")


def available_kinds() -> list[str]:
    return [k for k, tables in LAYOUT.items() if all((schemas_dir() / f"{t}.schema.json").is_file() for t, _ in tables)]


def resolve_kind(text: str) -> str:
    """suppliers, 供应商, Suppliers.xlsx … -> suppliers."""

    kind = text if text in LAYOUT else kind_of(text)
    if kind not in available_kinds():
        choices = ", ".join(available_kinds())
        raise ConfigError(
            f"没有“{text}”这种输入的模板；可选：{choices}", f"no template for '{text}'; choose one of: {choices}"
        )
    return kind


def _value_words() -> dict[str, dict[str, list[str]]]:
    data = yaml.safe_load((schemas_dir() / "aliases.yaml").read_text(encoding="utf-8")) or {}
    return {
        fld: {str(k): [str(w) for w in (v or [])] for k, v in (m or {}).items()}
        for fld, m in (data.get("values") or {}).items()
    }


def choice_words(fld: str, enum: list[Any], aliases: Aliases) -> list[str]:
    """What the drop-down offers: the Chinese word for each value, provided the loader reads
    it back as that value; the value itself otherwise."""
    spelled = _value_words().get(fld, {})
    table = aliases.values.get(fld, {})
    out = []
    for value in enum:
        candidates = [label(fld, value)[0], *(w for w in spelled.get(str(value), []) if not w.isascii())]
        word = next((c for c in candidates if c != value and table.get(fold(c)) == value), str(value))
        out.append(word)
    return out


def _conditional_required(schema: dict) -> dict[str, str]:
    """Fields required only in some cases (if/then), with the case in Chinese."""
    out = {}
    for part in schema.get("allOf", []):
        cond = part.get("if", {}).get("properties", {})
        for fld in part.get("then", {}).get("required", []):
            for cfld, rule in cond.items():
                if "const" in rule:
                    out[fld] = f"{label(cfld, rule['const'])[0]}类必填"
    return out


def describe(fld: str, prop: dict, required: bool, conditional: str | None, aliases: Aliases) -> str:
    """The cell comment: what the column takes, Chinese first, then a short English line."""
    zh: list[str] = []
    en: list[str] = []
    fmt, kind, how = prop.get("format"), prop.get("type"), prop.get("x-coerce")
    if "enum" in prop:
        words = choice_words(fld, prop["enum"], aliases)
        zh.append("从下拉列表选择：" + "、".join(words))
        en.append("choose from the list: " + ", ".join(str(e) for e in prop["enum"]))
    elif fmt in FORMAT_WORDS:
        zh.append(FORMAT_WORDS[fmt][0])
        en.append(FORMAT_WORDS[fmt][1])
    elif kind == "boolean":
        zh.append("是/否（从下拉列表选择）")
        en.append("yes or no")
    elif kind in ("number", "integer"):
        lo = prop.get("minimum", prop.get("exclusiveMinimum"))
        hi = prop.get("maximum", prop.get("exclusiveMaximum"))
        word = "整数" if kind == "integer" else "数字"
        if how == "rate":
            zh.append("比率：可写 95%、95 或 0.95" + (f"，最高 {hi * 100:g}%" if hi is not None and hi < 1 else ""))
            en.append("a rate: 95%, 95 or 0.95")
        elif lo is not None and hi is not None and hi < 1e9:
            zh.append(f"{word}，{lo:g} 到 {hi:g}" + ("（百分点，可写 2.5 或 2.5%）" if how == "percent_points" else ""))
            en.append(f"{'whole number' if kind == 'integer' else 'number'} from {lo:g} to {hi:g}")
        else:
            zh.append(
                f"{word}"
                + ("，不小于 0" if lo == 0 else "，大于 0" if "exclusiveMinimum" in prop else "")
                + "；金额可带千位分隔符，如 1,234.50"
            )
            en.append("number; thousands separators allowed")
    else:
        zh.append("文本" + (f"，最多 {prop['maxLength']} 个字符" if "maxLength" in prop else ""))
        en.append("text" + (f", at most {prop['maxLength']} characters" if "maxLength" in prop else ""))
        if prop.get("pattern") and fld.endswith(("_id", "_no")):
            zh.append("编号由字母、数字及 - _ . / 组成")
        elif fld == "bank_account":
            zh.append("8–32位数字，请勿加空格")
    status_zh = "必填" if required else (conditional or "选填")
    status_en = "required" if required else ("required in some cases" if conditional else "optional")
    return f"{status_zh}。{'；'.join(zh)}。\n{status_en}; {'; '.join(en)}."


def _validation(fld: str, prop: dict, aliases: Aliases) -> DataValidation | None:
    kind, fmt, how = prop.get("type"), prop.get("format"), prop.get("x-coerce")
    if "enum" in prop:
        words = choice_words(fld, prop["enum"], aliases)
        listed = ",".join(words)
        if len(listed) > 250:
            return None
        return DataValidation(
            type="list",
            formula1=f'"{listed}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="无效选项 Invalid choice",
            error="请从下拉列表中选择 / choose from the list",
        )
    if kind == "boolean":
        return DataValidation(
            type="list",
            formula1='"是,否"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="是/否 Yes/No",
            error="请选择“是”或“否” / choose 是 (yes) or 否 (no)",
        )
    if fmt == "date":
        return DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1990,1,1)",
            formula2="DATE(2099,12,31)",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="日期 Date",
            error="请填写日期，如 2026-10-31 / enter a date such as 2026-10-31",
        )
    if kind in ("number", "integer") and how != "rate":
        lo = prop.get("minimum", prop.get("exclusiveMinimum"))
        hi = prop.get("maximum", prop.get("exclusiveMaximum"))
        if lo is None or hi is None:
            return None
        return DataValidation(
            type="whole" if kind == "integer" else "decimal",
            operator="between",
            formula1=f"{lo:g}",
            formula2=f"{hi:g}" if hi < 1e9 else "999999999999",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="数值范围 Range",
            error=f"应在 {lo:g} 到 {hi:g} 之间 / between {lo:g} and {hi:g}",
        )
    return None


def _number_format(prop: dict) -> str | None:
    fmt, kind = prop.get("format"), prop.get("type")
    if fmt in ("date", "date-or-permanent"):
        return "yyyy-mm-dd"
    if prop.get("x-coerce") == "rate":
        return "0.0%"  # 0.95 shows as 95.0%
    if kind == "string":
        return "@"  # ids, codes, phone and account numbers stay exactly as typed
    return None


def fill_template_sheet(ws, kind: str, aliases: Aliases) -> None:
    schema = load_schema(kind)
    required = set(schema.get("required", []))
    conditional = _conditional_required(schema)
    fields = list(schema["properties"])
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 36
    for col, fld in enumerate(fields, start=1):
        prop = schema["properties"][fld]
        zh = aliases.label_zh(fld)
        cell = ws.cell(row=1, column=col, value=f"{'*' if fld in required else ''}{zh}\n{fld}")
        cell.font = Font(bold=True, color="C00000" if fld in required else "000000")
        cell.fill = REQUIRED_FILL if fld in required else OPTIONAL_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        comment = Comment(describe(fld, prop, fld in required, conditional.get(fld), aliases), "vendorflow")
        comment.width, comment.height = 320, 150
        cell.comment = comment
        letter = get_column_letter(col)
        # wide enough for the header and for the longest value the schema allows (a 19-digit account)
        longest = min(_longest(prop), 40) + 2
        ws.column_dimensions[letter].width = min(44, max(12, len(zh) * 2 + 4, len(fld) + 3, longest))
        number_format = _number_format(prop)
        if number_format:
            ws.column_dimensions[letter].number_format = number_format
        rule = _validation(fld, prop, aliases)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{ROWS + 1}")
            ws.add_data_validation(rule)
    _printable(ws)


def _longest(prop: dict) -> int:
    """The most characters a valid value has: maxLength, else the pattern's largest {m,n}."""
    if prop.get("type") != "string":
        return 0
    if "maxLength" in prop:
        return prop["maxLength"]
    bounds = [int(n) for n in re.findall(r"\{\d+,(\d+)\}", prop.get("pattern", ""))]
    return max(bounds, default=0)


def _printable(ws) -> None:
    """A clerk prints it: A4 landscape, one page wide, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


INSTRUCTIONS = (
    ("填写说明", "How to fill in this workbook"),
    (
        "每行一条记录；第一行是表头，请勿修改或删除表头。",
        "One record per row; row 1 is the header: do not change or delete it.",
    ),
    (
        "标 * 的列必填；表头的批注说明该列应填写的内容。",
        "Columns marked * are required; each header's comment says what it takes.",
    ),
    (
        "日期写作 2026-10-31（或 2026/10/31、2026年10月31日）；是/否 与枚举值请从下拉列表选择。",
        "Dates as 2026-10-31 (or 2026/10/31, 2026年10月31日); yes/no and listed values from the drop-downs.",
    ),
    (
        "编号、电话、银行账号等按文本保存，请勿加空格；比率可写 95%、95 或 0.95。",
        "IDs, phone and account numbers are kept as text: no spaces; rates as 95%, 95 or 0.95.",
    ),
    (
        "保存为 .xlsx，文件名以表格类型开头（如 suppliers_2026-10.xlsx），放入输入文件夹；可先用 vendorflow validate 检查。",
        "Save as .xlsx with a name starting with its kind (e.g. suppliers_2026-10.xlsx) in the inputs folder; "
        "check it first with vendorflow validate.",
    ),
)


@lru_cache(maxsize=1)
def example_rows() -> dict[str, dict[str, Any]]:
    """One fictional row per kind (schemas/examples.yaml), shown beside the column list."""
    return parse_yaml((schemas_dir() / "examples.yaml").read_bytes(), "examples.yaml").data


def example_text(value: Any) -> str:
    """An example as a clerk would type it (dates ISO, text as is)."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def instructions_sheet(wb, kinds: list[str], aliases: Aliases) -> None:
    """A last sheet (never read as data: it has no header the reader knows) that says how to fill
    the others and lists every column with what it takes."""
    ws = wb.create_sheet("填写说明 Instructions")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 22
    ws.column_dimensions["C"].width, ws.column_dimensions["D"].width = 10, 80
    ws.column_dimensions["E"].width = 30
    examples = example_rows()
    for n, (zh, en) in enumerate(INSTRUCTIONS, start=1):
        cell = ws.cell(row=n, column=1, value=f"{zh}\n{en}" if n > 1 else f"{zh} {en}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=4)
        ws.row_dimensions[n].height = 20 if n == 1 else 34
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    row = len(INSTRUCTIONS) + 2
    for kind in kinds:
        schema = load_schema(kind)
        required = set(schema.get("required", []))
        conditional = _conditional_required(schema)
        for col, text in enumerate(
            ("列（表头）Column", "字段 Field", "必填 Required", "填写内容 What it takes", "示例 Example"), start=1
        ):
            ws.cell(row=row, column=col, value=text).font = Font(bold=True)
        row += 1
        for fld, prop in schema["properties"].items():
            ws.cell(row=row, column=1, value=aliases.label_zh(fld))
            ws.cell(row=row, column=2, value=fld)
            ws.cell(
                row=row,
                column=3,
                value="是 yes" if fld in required else ("视情况 some cases" if fld in conditional else "否 no"),
            )
            what = ws.cell(row=row, column=4, value=describe(fld, prop, fld in required, conditional.get(fld), aliases))
            what.alignment = Alignment(wrap_text=True, vertical="top")
            example = examples.get(kind, {}).get(fld)
            if example is not None:
                cell = ws.cell(row=row, column=5, value=example_text(example))
                cell.number_format = "@"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        row += 1
    _printable(ws)
    ws.print_title_rows = None


def template_bytes(kind: str, aliases: Aliases | None = None) -> bytes:
    kind = resolve_kind(kind)
    aliases = aliases or load_aliases(None)
    wb = Workbook()
    for index, (table_kind, sheet) in enumerate(LAYOUT[kind]):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = sheet
        fill_template_sheet(ws, table_kind, aliases)
    instructions_sheet(wb, [table_kind for table_kind, _ in LAYOUT[kind]], aliases)
    return workbook_bytes(wb)
