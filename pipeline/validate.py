"""Check every row against its kind's JSON Schema, then across records.

A row with any problem is left out of the run as a whole (never half-used) and reported
with its file, row, column and value, in Chinese and English.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .aliases import Aliases
from .coerce import coerce_record
from .errors import Issue, display_value
from .formats import format_checker
from .formatting import label
from .load import RawTable
from .resources import load_schema

KINDS = ("suppliers", "contracts", "contract_items", "evaluations", "incidents", "candidates")


@dataclass
class Record:
    kind: str
    file: str
    row: int
    data: dict[str, Any]
    columns: dict[str, str]


@dataclass
class Validated:
    records: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})
    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rows_rejected: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def data(self, kind: str) -> list[dict[str, Any]]:
        return [r.data for r in self.records.get(kind, [])]


def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(kind), format_checker=format_checker)


FORMAT_HINTS = {
    "date": ("日期无效，应为 2026-10-31、2026/10/31 或 2026年10月31日 这样的日期",
             "not a valid date; expected e.g. 2026-10-31, 2026/10/31 or 2026年10月31日"),
    "date-or-permanent": ("应为日期（如 2026-10-31）或“长期”", "expected a date (e.g. 2026-10-31) or 长期 (no expiry)"),
    "period": ("考核期间应为年月，如 2026-10", "expected a year and month, e.g. 2026-10"),
    "uscc": ("统一社会信用代码无效：应为18位（数字及除I、O、Z、S、V外的大写字母），且第18位校验码正确",
             "invalid unified social credit code: 18 characters (digits and capitals except I, O, Z, S, V) with a correct check character"),
    "email": ("电子邮箱格式无效，如 name@example.com", "not a valid e-mail address, e.g. name@example.com"),
    "phone-cn": ("电话号码无效：应为11位手机号（如 13812345678）或带区号的固话（如 021-62345678）",
                 "not a valid phone number: an 11-digit mobile (e.g. 13812345678) or a landline with area code (e.g. 021-62345678)"),
}
TYPE_WORDS = {
    "number": ("数字", "a number"), "integer": ("整数", "a whole number"),
    "string": ("文本", "text"), "boolean": ("是/否", "yes or no"),
}


def _fmt_bound(prop: dict, bound: Any) -> str:
    if prop.get("x-coerce") == "rate":
        return f"{bound * 100:g}%"
    return f"{bound:g}" if isinstance(bound, (int, float)) else str(bound)


def messages_for(error: ValidationError, fld: str, label_zh: str, aliases: Aliases, raw: Any) -> tuple[str, str]:
    prop = error.schema if isinstance(error.schema, dict) else {}
    v = error.validator
    if v == "required":
        return f"必填项「{label_zh}」为空", f"required field {fld} is empty"
    if v == "enum":
        allowed = error.validator_value
        return ("应为以下之一：" + "、".join(label(fld, c)[0] for c in allowed),
                "must be one of: " + ", ".join(str(c) for c in allowed))
    if v == "type":
        zh, en = TYPE_WORDS.get(error.validator_value, (str(error.validator_value), str(error.validator_value)))
        if isinstance(raw, float) and abs(raw) >= 1e15:
            return (f"应为{zh}：该数字超过15位，Excel已丢失末尾数字，请将单元格设为文本格式后重新填写",
                    f"must be {en}: Excel kept only 15 digits of this number; format the cell as text and type it again")
        return f"应为{zh}", f"must be {en}"
    if v in ("minimum", "exclusiveMinimum"):
        return f"应不小于{_fmt_bound(prop, error.validator_value)}", f"must be at least {_fmt_bound(prop, error.validator_value)}"
    if v in ("maximum", "exclusiveMaximum"):
        if prop.get("x-coerce") == "rate":
            return "应在0%到100%之间（可写 95%、95 或 0.95）", "must be between 0% and 100% (95%, 95 or 0.95)"
        return f"应不大于{_fmt_bound(prop, error.validator_value)}", f"must be at most {_fmt_bound(prop, error.validator_value)}"
    if v == "format":
        return FORMAT_HINTS.get(error.validator_value, ("格式无效", "invalid format"))
    if v == "pattern":
        if fld == "bank_account":
            return "银行账号应为8至32位数字（不含空格以外的符号）", "a bank account number is 8 to 32 digits"
        return "编号只能包含字母、数字及 - _ . /，且以字母或数字开头", "a code may hold letters, digits and - _ . / and must start with a letter or digit"
    if v == "maxLength":
        return f"内容过长（最多{error.validator_value}个字符）", f"too long (at most {error.validator_value} characters)"
    if v == "minLength":
        return "不能为空", "must not be empty"
    if v == "const":
        return f"应为{error.validator_value}", f"must be {error.validator_value}"
    return "取值无效", f"invalid value ({error.message[:120]})"


def _field_of(error: ValidationError) -> str:
    if error.validator == "required":
        match = re.match(r"'([^']+)' is a required property", error.message)
        return match.group(1) if match else ""
    return str(error.absolute_path[0]) if error.absolute_path else ""


# Characters XML 1.0 cannot carry (Word refuses such a document): C0 controls but tab/newline, NUL, U+FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def control_character_issues(table: RawTable, raw, aliases: Aliases) -> list[Issue]:
    issues = []
    for fld, value in raw.cells.items():
        if isinstance(value, str) and (match := _NOT_XML.search(value)):
            issues.append(Issue(
                file=table.file, row=raw.row, column=table.columns.get(fld, aliases.label_zh(fld)), kind=table.kind,
                field=fld, value=display_value(value), code="control_character",
                message_zh=f"含有不可见的控制字符（U+{ord(match.group()):04X}），文档无法承载，请删除后重新保存",
                message_en=f"contains an invisible control character (U+{ord(match.group()):04X}) that documents cannot carry; remove it and save again",
            ))
    return issues


def validate_table(table: RawTable, aliases: Aliases) -> tuple[list[Record], list[Issue]]:
    schema = load_schema(table.kind)
    validator = _validator(table.kind)
    key_fields = schema.get("x-key", [])
    issues: list[Issue] = list(table.issues)
    records: list[Record] = []
    for raw in table.rows:
        data = coerce_record(raw.cells, schema, aliases)
        errors = sorted(validator.iter_errors(data), key=lambda e: (_field_of(e), e.validator))
        row_issues = control_character_issues(table, raw, aliases)
        for error in errors:
            fld = _field_of(error)
            label_zh = aliases.label_zh(fld)
            zh, en = messages_for(error, fld, label_zh, aliases, raw.cells.get(fld))
            row_issues.append(Issue(
                file=table.file, row=raw.row, column=table.columns.get(fld, label_zh), kind=table.kind, field=fld,
                value=display_value(raw.cells.get(fld)), message_zh=zh, message_en=en,
                key="/".join(str(data.get(k, "")) for k in key_fields) or None,
            ))
        if row_issues:
            issues.extend(_unique(row_issues))
        else:
            records.append(Record(table.kind, table.file, raw.row, data, table.columns))
    return records, issues


def _unique(issues: Iterable[Issue]) -> list[Issue]:
    seen, out = set(), []
    for issue in issues:
        if (issue.field, issue.message_en) not in seen:
            seen.add((issue.field, issue.message_en))
            out.append(issue)
    return out


def _issue(rec: Record, fld: str, aliases: Aliases, zh: str, en: str, code: str = "cross_record") -> Issue:
    return Issue(file=rec.file, row=rec.row, column=rec.columns.get(fld, aliases.label_zh(fld)),
                 value=display_value(rec.data.get(fld)), message_zh=zh, message_en=en, kind=rec.kind,
                 field=fld, key=rec.data.get(fld) if fld.endswith(("_id", "_no")) else None, code=code)


def _period_in_name(file: str) -> str | None:
    match = re.search(r"(20\d{2})[-_.]?(0[1-9]|1[0-2])(?!\d)", file)
    return f"{match.group(1)}-{match.group(2)}" if match else None


def cross_record_problems(records: dict[str, list[Record]], aliases: Aliases,
                          present: set[str] | None = None) -> dict[int, list[Issue]]:
    """Rules between rows and between files. Returns issues keyed by id(record).
    References are checked only to kinds that were read (`present`; all when None)."""
    found: dict[int, list[Issue]] = defaultdict(list)

    def flag(rec: Record, fld: str, zh: str, en: str) -> None:
        found[id(rec)].append(_issue(rec, fld, aliases, zh, en))

    for kind, recs in records.items():
        key = load_schema(kind).get("x-key", [])
        groups: dict[tuple, list[Record]] = defaultdict(list)
        for rec in recs:
            groups[tuple(rec.data.get(k) for k in key)].append(rec)
        for value, dupes in groups.items():
            if len(dupes) > 1:
                where = "、".join(f"{d.file} 第{d.row}行" for d in dupes)
                where_en = ", ".join(f"{d.file} row {d.row}" for d in dupes)
                for rec in dupes:
                    flag(rec, key[-1], f"编号重复：{'/'.join(map(str, value))} 出现在 {where}，无法判断以哪一行为准",
                         f"duplicate key {'/'.join(map(str, value))} in {where_en}; cannot tell which row is right")

    suppliers = {r.data["supplier_id"]: r for r in records["suppliers"]}
    contracts = {r.data["contract_no"]: r for r in records["contracts"]}
    checks_suppliers = present is None or "suppliers" in present
    checks_contracts = present is None or "contracts" in present
    for kind in ("contracts", "evaluations", "incidents") if checks_suppliers else ():
        for rec in records[kind]:
            if rec.data["supplier_id"] not in suppliers:
                flag(rec, "supplier_id", f"供应商编号{rec.data['supplier_id']}不在供应商名录中（或其记录被拒绝）",
                     f"supplier {rec.data['supplier_id']} is not in the supplier master (or its row was rejected)")
    for rec in records["contract_items"] if checks_contracts else ():
        if rec.data["contract_no"] not in contracts:
            flag(rec, "contract_no", f"合同编号{rec.data['contract_no']}不在合同表中（或其记录被拒绝）",
                 f"contract {rec.data['contract_no']} is not in the contracts sheet (or its row was rejected)")
    for rec in records["contracts"]:
        d = rec.data
        if d["end_date"] < d["start_date"]:
            flag(rec, "end_date", f"结束日期{d['end_date']}早于开始日期{d['start_date']}",
                 f"end date {d['end_date']} is before start date {d['start_date']}")
        if d.get("sign_date") and d["sign_date"] > d["end_date"]:
            flag(rec, "sign_date", "签订日期晚于合同结束日期", "sign date is after the contract's end date")
        if "monthly_fee" not in d and not any(i.data["contract_no"] == d["contract_no"] for i in records["contract_items"]):
            flag(rec, "monthly_fee", "未填写月服务费，且没有服务项目明细可计算费用",
                 "no monthly fee and no service items to compute it from")
    for rec in records["evaluations"]:
        expected = _period_in_name(rec.file)
        if expected and rec.data["period"] != expected:
            flag(rec, "period", f"考核期间{rec.data['period']}与文件名中的期间{expected}不一致",
                 f"period {rec.data['period']} does not match the period {expected} in the file name")
    return found


def validate_tables(tables: list[RawTable], aliases: Aliases, present: set[str] | None = None) -> Validated:
    result = Validated()
    for table in tables:
        records, issues = validate_table(table, aliases)
        result.rows_read[table.kind] += len(table.rows)
        result.records.setdefault(table.kind, []).extend(records)
        result.issues.extend(issues)
    # Cross-record rules run until nothing more falls out: a rejected supplier takes its
    # contracts, evaluations and incidents with it, and a rejected contract its items.
    while True:
        problems = cross_record_problems(result.records, aliases, present)
        if not problems:
            break
        for kind, recs in result.records.items():
            kept = []
            for rec in recs:
                if id(rec) in problems:
                    result.issues.extend(problems[id(rec)])
                else:
                    kept.append(rec)
            result.records[kind] = kept
    rejected_rows = {(i.kind, i.file, i.row) for i in result.issues if i.row is not None}
    for kind, _file, _row in rejected_rows:
        result.rows_rejected[kind] += 1
    return result
