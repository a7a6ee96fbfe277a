"""Check every row against its kind's JSON Schema, then across records.

A row with any problem is left out of the run as a whole (never half-used) and reported
with its file, sheet, row, column and value, the rule that failed, in Chinese and English.
Rows that depend on a rejected row (an evaluation of a rejected supplier) are left out too,
and say why. Valid rows take a compiled fast path (fastcheck.py); only rows it cannot pass
are given to jsonschema for the full list of their errors.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from pipeline.compute.pricing import priced_on_results, pricing_of
from pipeline.compute.workforce import days_on_site, item_for_role
from pipeline.config.aliases import Aliases
from pipeline.config.labels import label
from pipeline.config.resources import load_schema
from pipeline.errors import Issue, display_value
from pipeline.identifiers import USCC_ALPHABET, id_birth_date, id_check_char, uscc_check_char
from pipeline.load.reader import RawRow, RawTable, gc_paused
from pipeline.periods import Period
from pipeline.validation.coerce import coercer_for, compile_coercers
from pipeline.validation.fastcheck import compile_schema
from pipeline.validation.formats import format_checker

KINDS = (
    "suppliers",
    "contracts",
    "contract_items",
    "evaluations",
    "incidents",
    "candidates",
    "distribution",
    "workers",
    "attendance",
    "work_volume",
    "surveys",
    "inspections",
    "improvement_plans",
    "appeals",
)


@dataclass(slots=True)
class Record:
    kind: str
    file: str
    row: int
    data: dict[str, Any]
    columns: dict[str, str]
    sheet: str | None = None

    @property
    def place(self) -> str:
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file


@dataclass
class Validated:
    records: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})
    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rows_rejected: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def data(self, kind: str) -> list[dict[str, Any]]:
        return [r.data for r in self.records.get(kind, [])]


_COMPILED: dict[str, tuple[dict, Draft202012Validator, Any]] = {}


def compiled(kind: str) -> tuple[dict, Draft202012Validator, Any]:
    """Schema, full validator and fast check of a kind, built once per process."""
    schema = load_schema(kind)
    cached = _COMPILED.get(kind)
    if cached is None or cached[0] is not schema:
        cached = (
            schema,
            Draft202012Validator(schema, format_checker=format_checker),
            compile_schema(schema, format_checker),
        )
        _COMPILED[kind] = cached
    return cached


FORMAT_HINTS = {
    "date": (
        "日期无效，应为 2026-10-31、2026/10/31 或 2026年10月31日 这样的日期",
        "not a valid date; expected e.g. 2026-10-31, 2026/10/31 or 2026年10月31日",
    ),
    "date-or-permanent": ("应为日期（如 2026-10-31）或“长期”", "expected a date (e.g. 2026-10-31) or 长期 (no expiry)"),
    "period": ("考核期间应为年月，如 2026-10", "expected a year and month, e.g. 2026-10"),
    "uscc": (
        "统一社会信用代码无效：应为18位（数字及除I、O、Z、S、V外的大写字母），且第18位校验码正确",
        "invalid unified social credit code: 18 characters (digits and capitals except I, O, Z, S, V) with a correct check character",
    ),
    "id-number-cn": (
        "居民身份证号无效：应为18位（17位数字加校验码，末位可为X），出生日期真实，且第18位校验码正确",
        "invalid resident ID number: 18 characters (17 digits and a check character, which may be X), "
        "a real birth date, and a correct check character",
    ),
    "email": ("电子邮箱格式无效，如 name@example.com", "not a valid e-mail address, e.g. name@example.com"),
    "phone-cn": (
        "电话号码无效：应为11位手机号（如 13812345678）或带区号的固话（如 021-62345678）",
        "not a valid phone number: an 11-digit mobile (e.g. 13812345678) or a landline with area code (e.g. 021-62345678)",
    ),
}
TYPE_WORDS = {
    "number": ("数字", "a number"),
    "integer": ("整数", "a whole number"),
    "string": ("文本", "text"),
    "boolean": ("是/否", "yes or no"),
}


def _fmt_bound(prop: dict, bound: Any) -> str:
    if prop.get("x-coerce") == "rate":
        return f"{bound * 100:g}%"
    return f"{bound:g}" if isinstance(bound, (int, float)) else str(bound)


def id_number_problem(value: Any) -> tuple[str, str] | None:
    """What exactly is wrong with a 居民身份证号 (length, characters, birth date, check character)."""

    if not isinstance(value, str):
        return None
    if len(value) != 18:
        extra = "（15位旧号码请换发为18位）" if len(value) == 15 else ""
        return (
            f"居民身份证号应为18位，此处为{len(value)}位{extra}",
            f"a resident ID number has 18 characters, not {len(value)}",
        )
    if not value[:17].isdigit() or not value[:17].isascii() or value[17] not in "0123456789X":
        return (
            "居民身份证号前17位应为数字，第18位为数字或X",
            "the first 17 characters are digits, the 18th a digit or X",
        )
    birth = id_birth_date(value)
    if birth is None or birth > _dt.date.today():
        return (
            f"第7至14位的出生日期{value[6:14]}不是真实日期",
            f"positions 7-14 ({value[6:14]}) are not a real birth date",
        )
    expected = id_check_char(value[:17])
    if expected != value[17]:
        return f"校验码错误：第18位应为 {expected}", f"check character (the 18th) should be {expected}"
    return None


def uscc_problem(value: Any) -> tuple[str, str] | None:
    """What exactly is wrong with a 统一社会信用代码, so the user can fix that one character."""
    if not isinstance(value, str):
        return None
    if len(value) != 18:
        return (
            f"统一社会信用代码应为18位，此处为{len(value)}位",
            f"a unified social credit code has 18 characters, not {len(value)}",
        )
    for pos, ch in enumerate(value, start=1):
        if ch not in USCC_ALPHABET:
            return (
                f"第{pos}位“{ch}”不是统一社会信用代码使用的字符（数字及除 I、O、Z、S、V 外的大写字母）",
                f"character {pos} '{ch}' cannot appear in a USCC (digits and capitals except I, O, Z, S, V)",
            )
    expected = uscc_check_char(value[:17])
    if expected != value[17]:
        return f"校验位错误：应为 {expected}", f"check character should be {expected}"
    return None


def rule_of(error: ValidationError) -> str:
    """The check that failed, named as the report shows it: the schema keyword (format:uscc),
    or the rule a conditional part of the schema declares with x-rule (dispatch_permit)."""
    if isinstance(error.schema, dict) and error.schema.get("x-rule"):
        return str(error.schema["x-rule"])
    if error.validator == "format":
        return f"format:{error.validator_value}"
    return str(error.validator)


def messages_for(error: ValidationError, fld: str, label_zh: str, aliases: Aliases, raw: Any) -> tuple[str, str]:
    prop = error.schema if isinstance(error.schema, dict) else {}
    v = error.validator
    if v == "required":
        if prop.get("x-rule") == "dispatch_permit":
            return (
                f"劳务派遣供应商必须填写「{label_zh}」（劳务派遣经营许可证）",
                f"a labour-dispatch supplier needs its dispatch permit: {fld} is empty",
            )
        return f"必填项「{label_zh}」为空", f"required field {fld} is empty"
    if v == "enum":
        allowed = error.validator_value
        return (
            "应为以下之一：" + "、".join(label(fld, c)[0] for c in allowed),
            "must be one of: " + ", ".join(str(c) for c in allowed),
        )
    if v == "type":
        zh, en = TYPE_WORDS.get(error.validator_value, (str(error.validator_value), str(error.validator_value)))
        if isinstance(raw, float) and abs(raw) >= 1e15:
            return (
                f"应为{zh}：该数字超过15位，Excel已丢失末尾数字，请将单元格设为文本格式后重新填写",
                f"must be {en}: Excel kept only 15 digits of this number; format the cell as text and type it again",
            )
        return f"应为{zh}", f"must be {en}"
    if v in ("minimum", "exclusiveMinimum"):
        return (
            f"应不小于{_fmt_bound(prop, error.validator_value)}",
            f"must be at least {_fmt_bound(prop, error.validator_value)}",
        )
    if v in ("maximum", "exclusiveMaximum"):
        if prop.get("x-coerce") == "rate":
            return "应在0%到100%之间（可写 95%、95 或 0.95）", "must be between 0% and 100% (95%, 95 or 0.95)"
        return (
            f"应不大于{_fmt_bound(prop, error.validator_value)}",
            f"must be at most {_fmt_bound(prop, error.validator_value)}",
        )
    if v == "format":
        if error.validator_value == "uscc" and (exact := uscc_problem(error.instance)):
            return exact
        if error.validator_value == "id-number-cn" and (exact := id_number_problem(error.instance)):
            return exact
        return FORMAT_HINTS.get(error.validator_value, ("格式无效", "invalid format"))
    if v == "pattern":
        if fld == "bank_account":
            return "银行账号应为8至32位数字（不含空格以外的符号）", "a bank account number is 8 to 32 digits"
        return (
            "编号只能包含字母、数字及 - _ . /，且以字母或数字开头",
            "a code may hold letters, digits and - _ . / and must start with a letter or digit",
        )
    if v == "maxLength":
        return (
            f"内容过长（最多{error.validator_value}个字符）",
            f"too long (at most {error.validator_value} characters)",
        )
    if v == "minLength":
        return "不能为空", "must not be empty"
    if v == "const":
        return f"应为{error.validator_value}", f"must be {error.validator_value}"
    if v == "additionalProperties":
        return "不是此类数据的字段", "not a field of this kind of data"
    return "取值无效", f"invalid value ({error.message[:120]})"


def _field_of(error: ValidationError) -> str:
    if error.validator == "required":
        match = re.match(r"'([^']+)' is a required property", error.message)
        return match.group(1) if match else ""
    return str(error.absolute_path[0]) if error.absolute_path else ""


# Characters XML 1.0 cannot carry (Word refuses such a document): C0 controls but tab/newline, NUL, U+FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def control_character_issues(table: RawTable, raw: RawRow, aliases: Aliases) -> list[Issue]:
    issues = []
    for fld, value in raw.cells.items():
        if isinstance(value, str) and (match := _NOT_XML.search(value)):
            issues.append(
                Issue(
                    file=table.file,
                    row=raw.row,
                    column=table.columns.get(fld, aliases.label_zh(fld)),
                    kind=table.kind,
                    field=fld,
                    value=display_value(value),
                    code="control_character",
                    rule="control_character",
                    sheet=table.sheet,
                    message_zh=f"含有不可见的控制字符（U+{ord(match.group()):04X}），文档无法承载，请删除后重新保存",
                    message_en=f"contains an invisible control character (U+{ord(match.group()):04X}) that documents cannot carry; remove it and save again",
                )
            )
    return issues


def row_issues(
    table: RawTable,
    raw: RawRow,
    data: dict[str, Any],
    validator: Draft202012Validator,
    key_fields: list[str],
    aliases: Aliases,
) -> list[Issue]:
    """Every problem of one row: control characters, then each schema error in field order."""
    errors = sorted(validator.iter_errors(data), key=lambda e: (_field_of(e), e.validator))
    found = control_character_issues(table, raw, aliases)
    key = "/".join(str(data.get(k, "")) for k in key_fields) or None
    for error in errors:
        fld = _field_of(error)
        label_zh = aliases.label_zh(fld)
        zh, en = messages_for(error, fld, label_zh, aliases, raw.cells.get(fld))
        found.append(
            Issue(
                file=table.file,
                row=raw.row,
                column=table.columns.get(fld, label_zh),
                kind=table.kind,
                field=fld,
                value=display_value(raw.cells.get(fld)),
                message_zh=zh,
                message_en=en,
                key=key,
                sheet=table.sheet,
                rule=rule_of(error),
            )
        )
    return _unique(found)


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()  # a cell the row does not have (blank)
# types of which no two values compare equal across types (1, 1.0 and True do): safe dict keys
_MEMO_SAFE = frozenset({str, float, type(None), _Missing})


def column_values(values: list[Any] | tuple, test, coerce, failed: set[int], gaps: set[int]) -> list[Any]:
    """One column of a table, coerced. Each distinct value is worked out once and looked up
    with a C-level dict.get (a column of 100,000 rows repeats the same few texts and
    numbers); a row whose value is not certainly valid goes into `failed`, a row whose cell
    is blank ("", spaces) into `gaps` (the value becomes MISSING)."""
    search = _NOT_XML.search
    types = set(map(type, values))
    if not types <= _MEMO_SAFE:  # 1, 1.0 and True are equal dict keys but coerce differently
        got = list(values)
        for i, value in enumerate(values):
            if value is MISSING or value is None or (value.__class__ is str and (not value or value.isspace())):
                got[i] = MISSING
                gaps.add(i)
                continue
            got[i] = coerced = coerce(value)
            if not test(coerced) or (value.__class__ is str and search(value)):
                failed.add(i)
        return got
    # each distinct value worked out once; then one C-level lookup per cell
    distinct = list(dict.fromkeys(values))
    blank = {v for v in distinct if v is MISSING or v is None or (v.__class__ is str and (not v or v.isspace()))}
    if blank:
        distinct = [v for v in distinct if v not in blank]
    coerced = list(map(coerce, distinct))
    good = list(map(test, coerced))
    if str in types:
        good = [ok and not (v.__class__ is str and search(v)) for v, ok in zip(distinct, good)]
    resolved = dict(zip(distinct, coerced))
    for v in blank:
        resolved[v] = MISSING
    got = list(map(resolved.__getitem__, values))
    doubtful = {v for v, ok in zip(distinct, good) if not ok}
    if doubtful:
        failed.update(i for i, v in enumerate(values) if v in doubtful)
    if blank:
        gaps.update(i for i, v in enumerate(values) if v in blank)
    return got


_values_of = attrgetter("values")
_data_of = attrgetter("data")
_file_of = attrgetter("file")
_supplier_of = itemgetter("supplier_id")
_period_of = itemgetter("period")


def _always(_value: Any) -> bool:
    return True


def _unknown_field(_value: Any) -> bool:
    return False  # a field the schema does not know: jsonschema will say so


def validate_table(table: RawTable, aliases: Aliases, fast: bool = True) -> tuple[list[Record], list[Issue]]:
    """Rows of one table: valid ones as records, the others as issues. `fast=False` sends
    every row through jsonschema (the reference the fast path is tested against)."""
    with gc_paused():
        return _validate_table(table, aliases, fast)


def _validate_table(table: RawTable, aliases: Aliases, fast: bool) -> tuple[list[Record], list[Issue]]:
    schema, validator, quick = compiled(table.kind)
    key_fields = schema.get("x-key", [])
    coercers = compile_coercers(schema, aliases)
    issues: list[Issue] = list(table.issues)
    records: list[Record] = []
    kind, file, sheet, columns = table.kind, table.file, table.sheet, table.columns
    rows = table.rows

    def slow(raw: RawRow, data: dict[str, Any]) -> None:
        found = row_issues(table, raw, data, validator, key_fields, aliases)
        if found:
            issues.extend(found)
        else:
            records.append(Record(kind, file, raw.row, data, columns, sheet))

    if not fast or quick is None or not rows:
        for raw in rows:
            if raw.cells:
                slow(raw, {f: coercers[f](v) if f in coercers else v for f, v in raw.cells.items()})
        return records, issues

    # column by column: coerce and check each distinct value once
    if table.fields and all(raw.values is not None for raw in rows):
        fields = table.fields
        raw_columns = list(zip(*map(_values_of, rows)))  # spreadsheets: a C-level transpose
    else:
        fields = list(dict.fromkeys(f for raw in rows for f in raw.cells))
        raw_columns = [[raw.cells.get(f, MISSING) for raw in rows] for f in fields]
    failed: set[int] = set()
    gaps: set[int] = set()
    properties = schema["properties"]
    coerced_columns = []
    for f, values in zip(fields, raw_columns):
        if f in properties:
            prop = properties[f]
            test = quick.properties.get(f, _always)
            coerce = coercer_for(prop, f, aliases)
        else:
            test, coerce = _unknown_field, (lambda v: v)
        coerced_columns.append(column_values(values, test, coerce, failed, gaps))
    rest = quick.rest
    datas = list(map(dict, map(zip, repeat(fields), zip(*coerced_columns)))) if fields else [{} for _ in rows]
    if quick.rest_is_trivial(set(fields)):
        # every row without a doubtful or blank cell is valid: made in one sweep
        doubtful = failed | gaps
        good = [i for i in range(len(rows)) if i not in doubtful]
        records.extend([Record(kind, file, rows[i].row, datas[i], columns, sheet) for i in good])
        if not doubtful:
            return records, issues
        checked = sorted(doubtful)
    else:
        good, checked = [], range(len(rows))
    extra: list[tuple[int, Record]] = []
    for i in checked:
        raw, data = rows[i], datas[i]
        if i in gaps:
            data = {f: v for f, v in data.items() if v is not MISSING}
        if not data:
            continue  # every cell blank (spaces): not a row
        if i not in failed and rest(data):
            extra.append((i, Record(kind, file, raw.row, data, columns, sheet)))
            continue
        before = len(records)
        slow(raw, data)
        if len(records) > before:  # valid after all (the fast check is cautious)
            extra.append((i, records.pop()))
    if extra:  # keep the rows' order
        merged = heapq.merge(zip(good, records), extra, key=lambda pair: pair[0]) if good else extra
        records = [rec for _, rec in merged]
    return records, issues


def _unique(issues: Iterable[Issue]) -> list[Issue]:
    seen, out = set(), []
    for issue in issues:
        if (issue.field, issue.message_en) not in seen:
            seen.add((issue.field, issue.message_en))
            out.append(issue)
    return out


def _issue(rec: Record, fld: str, aliases: Aliases, zh: str, en: str, rule: str) -> Issue:
    return Issue(
        file=rec.file,
        row=rec.row,
        column=rec.columns.get(fld, aliases.label_zh(fld)),
        value=display_value(rec.data.get(fld)),
        message_zh=zh,
        message_en=en,
        kind=rec.kind,
        field=fld,
        key=rec.data.get(fld) if fld.endswith(("_id", "_no")) else None,
        code="cross_record",
        sheet=rec.sheet,
        rule=rule,
    )


@lru_cache(maxsize=256)
def _period_in_name(file: str) -> str | None:
    match = re.search(r"(20\d{2})[-_.年]?(0[1-9]|1[0-2])(?!\d)", file)
    return f"{match.group(1)}-{match.group(2)}" if match else None


@dataclass(frozen=True)
class Rejected:
    """Where a key's row was rejected, to tell the rows that depend on it."""

    place: str
    row: int | None


def cross_record_problems(
    records: dict[str, list[Record]],
    aliases: Aliases,
    present: set[str] | None = None,
    rejected: dict[str, dict[str, Rejected]] | None = None,
    currencies: tuple[str, ...] | None = None,
) -> dict[int, list[Issue]]:
    """Rules between rows and between files. Returns issues keyed by id(record).
    References are checked only to kinds that were read (`present`; all when None).
    `rejected` (kind -> key -> where) tells a reference to a rejected row from an unknown one.
    `currencies`: the policy's allowed currencies (any the schema knows when None)."""
    found: dict[int, list[Issue]] = defaultdict(list)
    rejected = rejected or {}

    def flag(rec: Record, fld: str, zh: str, en: str, rule: str) -> None:
        found[id(rec)].append(_issue(rec, fld, aliases, zh, en, rule))

    for kind, recs in records.items():
        key = load_schema(kind).get("x-key", [])
        if not key or not recs:
            continue
        # key fields are required, so every valid record has them
        key_of = itemgetter(*key) if len(key) > 1 else (lambda d, k=key[0]: (d[k],))
        plain = itemgetter(*key)
        if len(set(map(plain, map(_data_of, recs)))) == len(recs):
            continue  # no duplicates: nothing to group
        first: dict[tuple, Record] = {}
        groups: dict[tuple, list[Record]] = {}
        for rec in recs:
            value = key_of(rec.data)
            seen = first.setdefault(value, rec)
            if seen is not rec:
                groups.setdefault(value, [seen]).append(rec)
        for value, dupes in groups.items():
            if len(dupes) > 1:
                where = "、".join(f"{d.place} 第{d.row}行" for d in dupes)
                where_en = ", ".join(f"{d.place} row {d.row}" for d in dupes)
                for rec in dupes:
                    flag(
                        rec,
                        key[-1],
                        f"编号重复：{'/'.join(map(str, value))} 出现在 {where}，无法判断以哪一行为准",
                        f"duplicate key {'/'.join(map(str, value))} in {where_en}; cannot tell which row is right",
                        "unique_key",
                    )

    suppliers = {r.data["supplier_id"]: r for r in records.get("suppliers", [])}
    contracts = {r.data["contract_no"]: r for r in records.get("contracts", [])}
    checks_suppliers = present is None or "suppliers" in present
    checks_contracts = present is None or "contracts" in present

    def missing(rec: Record, fld: str, ref_kind: str, value: str, zh_list: str, en_list: str) -> None:
        found[id(rec)].append(_missing_reference(rec, fld, ref_kind, value, zh_list, en_list, rejected, aliases))

    for kind in ("contracts", "evaluations", "incidents", "workers", *FOLLOW_UP_KINDS) if checks_suppliers else ():
        recs = records.get(kind, [])
        if set(map(_supplier_of, map(_data_of, recs))) <= suppliers.keys():
            continue
        for rec in recs:
            if rec.data["supplier_id"] not in suppliers:
                missing(rec, "supplier_id", "suppliers", rec.data["supplier_id"], "供应商名录", "supplier master")
    for rec in records.get("contract_items", []) if checks_contracts else ():
        if rec.data["contract_no"] not in contracts:
            missing(rec, "contract_no", "contracts", rec.data["contract_no"], "合同表", "contracts sheet")
    workforce_problems(records, present, rejected, contracts, flag, missing)
    dispatch_item_problems(records, contracts, flag)
    dispatch_breach_problems(records, contracts, flag, checks_contracts)
    if checks_contracts:
        pricing_problems(records, contracts, flag, missing)
    items_by_contract = {i.data["contract_no"] for i in records.get("contract_items", [])}
    for rec in records.get("contracts", []):
        d = rec.data
        if d["end_date"] < d["start_date"]:
            flag(
                rec,
                "end_date",
                f"结束日期{d['end_date']}早于开始日期{d['start_date']}",
                f"end date {d['end_date']} is before start date {d['start_date']}",
                "date_order",
            )
        if d.get("sign_date") and d["sign_date"] > d["end_date"]:
            flag(
                rec,
                "sign_date",
                f"签订日期{d['sign_date']}晚于合同结束日期{d['end_date']}",
                f"sign date {d['sign_date']} is after the contract's end date {d['end_date']}",
                "date_order",
            )
        if (
            "monthly_fee" not in d
            and d["contract_no"] not in items_by_contract
            and d["contract_no"] not in rejected.get("contract_items", {})  # said below: its item was rejected
        ):
            flag(
                rec,
                "monthly_fee",
                "未填写月服务费，且没有服务项目明细可计算费用",
                "no monthly fee and no service items to compute it from",
                "missing_fee",
            )
        item = rejected.get("contract_items", {}).get(d["contract_no"])
        if item is not None:
            flag(
                rec,
                "contract_no",
                f"合同{d['contract_no']}的服务项目明细（{item.place} 第{item.row}行）被拒绝，合同费用无法完整计算，本合同随之排除",
                f"a service item of contract {d['contract_no']} ({item.place} row {item.row}) was rejected, so its fee "
                f"cannot be computed in full and the contract is left out too",
                "rejected_item",
            )
        if currencies is not None and d.get("currency", "CNY") not in currencies:
            flag(
                rec,
                "currency",
                f"币种{d.get('currency', 'CNY')}不在评分规则允许的币种（settlement.currencies：{'、'.join(currencies)}）之内",
                f"currency {d.get('currency', 'CNY')} is not one the policy allows (settlement.currencies: "
                f"{', '.join(currencies)})",
                "currency_not_allowed",
            )
        supplier = suppliers.get(d["supplier_id"])
        if (
            d["contract_type"] == "labor_dispatch"
            and supplier is not None
            and not supplier.data.get("dispatch_permit_no")
        ):
            flag(
                rec,
                "contract_type",
                f"劳务派遣合同要求供应商持有劳务派遣经营许可证，但供应商{d['supplier_id']}未填写许可证编号",
                f"a labour-dispatch contract needs a supplier with a dispatch permit; supplier {d['supplier_id']} has none",
                "dispatch_permit",
            )
    for rec in records.get("suppliers", []):
        d = rec.data
        if d.get("dispatch_permit_expiry") and not d.get("dispatch_permit_no"):
            flag(
                rec,
                "dispatch_permit_no",
                "填写了劳务派遣许可证有效期，但缺少许可证编号",
                "a dispatch permit expiry date is given without the permit number",
                "dispatch_permit",
            )
    follow_up_problems(records, flag)
    appeal_problems(records, flag, missing, present is None or "incidents" in present)
    for kind in ("evaluations", "attendance", "work_volume", "surveys"):
        _period_matches_name(records.get(kind, []), flag)
    return found


# The kinds that follow a supplier up (反馈闭环): each row names its supplier; surveys carry a month.
FOLLOW_UP_KINDS = ("surveys", "inspections", "improvement_plans", "appeals")
PLAN_NOTICE = re.compile(r"^(?P<prefix>[A-Z]{2})-(?P<period>\d{4}-\d{2})-(?P<supplier>.+)$")
PLAN_PREFIXES = {"WL": "warning_letter", "IN": "improvement_notice"}  # the notices that demand a plan


def appeal_problems(records: dict[str, list[Record]], flag: Any, missing: Any, checks_incidents: bool) -> None:
    """An appeal cites an incident of its own supplier, is filed on or after it, and once decided
    says when and by whom; a partial decision says how much it reverses."""
    incidents = {r.data["incident_id"]: r.data for r in records.get("incidents", [])}
    for rec in records.get("appeals", []):
        d = rec.data
        incident = incidents.get(d["incident_id"])
        if incident is None:
            if checks_incidents:
                missing(rec, "incident_id", "incidents", d["incident_id"], "事件记录", "incidents log")
        elif incident["supplier_id"] != d["supplier_id"]:
            flag(
                rec,
                "incident_id",
                f"事件{d['incident_id']}属于供应商{incident['supplier_id']}，不是本行的供应商{d['supplier_id']}",
                f"incident {d['incident_id']} belongs to supplier {incident['supplier_id']}, not {d['supplier_id']}",
                "appeal_supplier",
            )
        elif d["filed_date"] < incident["date"]:
            flag(
                rec,
                "filed_date",
                f"申诉日期{d['filed_date']}早于事件发生日期{incident['date']}",
                f"filed on {d['filed_date']}, before the incident of {incident['date']}",
                "date_order",
            )
        decided = d["decision"] != "pending"
        for fld, zh, en in (("decided_date", "处理日期", "decision date"), ("decided_by", "处理人", "who decided")):
            if decided and not d.get(fld):
                flag(
                    rec,
                    fld,
                    f"申诉已处理（{d['decision']}），须填写{zh}",
                    f"a decided appeal ({d['decision']}) needs its {en}",
                    "appeal_decision",
                )
        if not decided and d.get("decided_date"):
            flag(
                rec,
                "decision",
                f"填写了处理日期{d['decided_date']}，但处理结果仍为待处理",
                f"a decision date {d['decided_date']} is given but the decision is still pending",
                "appeal_decision",
            )
        if d.get("decided_date") and d["decided_date"] < d["filed_date"]:
            flag(
                rec,
                "decided_date",
                f"处理日期{d['decided_date']}早于申诉日期{d['filed_date']}",
                f"decided on {d['decided_date']}, before the appeal was filed on {d['filed_date']}",
                "date_order",
            )
        if (d["decision"] == "partially_upheld") != (d.get("adjusted_amount") is not None):
            flag(
                rec,
                "adjusted_amount",
                "部分支持的申诉须填写调整金额，其他处理结果不填"
                if d["decision"] == "partially_upheld"
                else "只有部分支持的申诉填写调整金额",
                "a partially upheld appeal needs the amount to reverse"
                if d["decision"] == "partially_upheld"
                else "only a partially upheld appeal gives an amount to reverse",
                "appeal_amount",
            )


def follow_up_problems(records: dict[str, list[Record]], flag: Any) -> None:
    """Inspections that fail no more items than they check; improvement plans that cite a notice
    demanding a plan (a warning letter or improvement notice of their own supplier: WL-/IN-YYYY-MM-<id>)
    or an inspection of their supplier, and that say when they were closed and who verified them."""
    inspections = {r.data["inspection_id"]: r.data for r in records.get("inspections", [])}
    for rec in records.get("inspections", []):
        d = rec.data
        if d["items_failed"] > d["items_checked"]:
            flag(
                rec,
                "items_failed",
                f"不合格项数{d['items_failed']}大于检查项数{d['items_checked']}",
                f"{d['items_failed']} items failed, more than the {d['items_checked']} items checked",
                "failed_above_checked",
            )
    for rec in records.get("improvement_plans", []):
        d = rec.data
        doc, sid = d["source_doc"], d["supplier_id"]
        match = PLAN_NOTICE.match(doc)
        if doc in inspections:
            if inspections[doc]["supplier_id"] != sid:
                flag(
                    rec,
                    "source_doc",
                    f"检查{doc}属于供应商{inspections[doc]['supplier_id']}，不是{sid}",
                    f"inspection {doc} belongs to supplier {inspections[doc]['supplier_id']}, not {sid}",
                    "plan_source_supplier",
                )
        elif match is None or match["prefix"] not in PLAN_PREFIXES or not _is_period(match["period"]):
            flag(
                rec,
                "source_doc",
                f"来源文件编号{doc}不是要求提交整改计划的通知书编号（警告函 WL-年-月-供应商编号、整改通知书 "
                f"IN-年-月-供应商编号，如 IN-2026-10-{sid}），也不是现场检查编号",
                f"source document {doc} is not the number of a notice that demands an improvement plan (a warning "
                f"letter WL-YYYY-MM-<supplier>, an improvement notice IN-YYYY-MM-<supplier>, e.g. IN-2026-10-{sid}) "
                "nor an inspection id",
                "unknown_notice",
            )
        elif match["supplier"] != sid:
            flag(
                rec,
                "source_doc",
                f"通知书{doc}发给供应商{match['supplier']}，不是{sid}",
                f"notice {doc} was sent to supplier {match['supplier']}, not {sid}",
                "plan_source_supplier",
            )
        if d["status"] in ("done", "cancelled") and not d.get("closed_date"):
            flag(
                rec,
                "closed_date",
                "整改计划已完成或已取消，须填写关闭日期",
                "a plan that is done or cancelled needs its closed date",
                "closed_date_required",
            )
        if d["status"] == "done" and not d.get("verified_by"):
            flag(
                rec,
                "verified_by",
                "整改计划已完成，须填写验证人（谁核实了整改效果）",
                "a plan that is done needs the person who verified it (verified_by)",
                "verified_by_required",
            )
        if d["status"] == "open" and d.get("closed_date"):
            flag(
                rec,
                "closed_date",
                "整改计划仍在进行中，不应填写关闭日期（已完成请将状态改为“已完成”）",
                "an open plan has no closed date (set the status to done when it is)",
                "closed_date_open",
            )


def _is_period(code: str) -> bool:
    return 1 <= int(code[5:]) <= 12


TEMPORARY_POST_MAX_MONTHS = 6  # 劳务派遣暂行规定 §3: a temporary post lasts at most six months
COMPONENTS = (
    ("wage", "工资标准", "wage"),
    ("social_insurance", "社保公积金", "social insurance"),
    ("management_fee", "管理费", "management fee"),
)


DISPATCH_BREACH_DAYS = ("wage_late", "replacement_late")  # charged per day late (劳务派遣协议第4.3条)


def dispatch_breach_problems(
    records: dict[str, list[Record]], contracts: dict[str, Any], flag: Any, checks_contracts: bool
) -> None:
    """An agency's own breach (`dispatch_breach`) is charged at the dispatch agreement's rates, so
    it needs that agreement in force on the incident's date, the days late for a per-day rate and
    the workers not replaced for a per-worker rate: never guessed as one day or one worker."""
    dispatch = {}
    for c in contracts.values():
        c = getattr(c, "data", c)
        if c.get("contract_type") == "labor_dispatch":
            dispatch.setdefault(c["supplier_id"], []).append(c)
    for rec in records.get("incidents", []):
        d = rec.data
        breach = d.get("dispatch_breach")
        if breach is None:
            if d.get("workers") is not None:
                flag(
                    rec,
                    "workers",
                    f"填写了涉及人数{d['workers']}，但未填写派遣违约情形；涉及人数只用于“未在约定期限内补派人员”",
                    f"workers {d['workers']} given without a dispatch breach; the number of workers counts only for "
                    "replacement_late (a worker not replaced in time)",
                    "dispatch_breach_workers",
                )
            continue
        zh, en = label("dispatch_breach", breach)
        in_force = [c for c in dispatch.get(d["supplier_id"], ()) if c["start_date"] <= d["date"] <= c["end_date"]]
        if checks_contracts and not in_force:
            flag(
                rec,
                "dispatch_breach",
                f"派遣违约情形“{zh}”只适用于劳务派遣协议，但供应商{d['supplier_id']}在{d['date']}没有生效的劳务派遣协议",
                f"the dispatch breach {en.lower()} applies only under a labour-dispatch agreement, and supplier "
                f"{d['supplier_id']} had none in force on {d['date']}",
                "dispatch_breach_contract",
            )
        if breach in DISPATCH_BREACH_DAYS and not d.get("days_late"):
            flag(
                rec,
                "days_late",
                f"派遣违约情形“{zh}”按逾期天数计付违约金，请填写延误天数（至少1天）",
                f"the dispatch breach {en.lower()} is charged per day late: give the days late (at least 1)",
                "dispatch_breach_days",
            )
        if breach == "replacement_late" and d.get("workers") is None:
            flag(
                rec,
                "workers",
                f"派遣违约情形“{zh}”按人数和逾期天数计付违约金，请填写涉及人数",
                f"the dispatch breach {en.lower()} is charged per worker and day: give the number of workers",
                "dispatch_breach_workers",
            )
        elif breach != "replacement_late" and d.get("workers") is not None:
            flag(
                rec,
                "workers",
                f"涉及人数只用于“未在约定期限内补派人员”，派遣违约情形“{zh}”不按人数计付违约金",
                f"the number of workers counts only for replacement_late; {en.lower()} is not charged per worker",
                "dispatch_breach_workers",
            )


def dispatch_item_problems(records: dict[str, list[Record]], contracts: dict[str, Any], flag: Any) -> None:
    """A labour-dispatch post is priced as pay + social insurance + management fee, adding up to
    its unit price (DESIGN.md): the settlement's VAT base (差额征税) and the workers' pay depend on it."""
    for rec in records.get("contract_items", []):
        d = rec.data
        contract = contracts.get(d["contract_no"])
        contract = getattr(contract, "data", contract)
        if not contract or contract.get("contract_type") != "labor_dispatch":
            continue
        months = d.get("dispatch_months")
        if d.get("post_nature") == "temporary" and months is not None and months > TEMPORARY_POST_MAX_MONTHS:
            flag(
                rec,
                "dispatch_months",
                f"劳务派遣合同{d['contract_no']}的岗位“{d['role_zh']}”为临时性岗位，派遣期限{months}个月超过"
                f"{TEMPORARY_POST_MAX_MONTHS}个月（临时性岗位存续时间不超过六个月，《劳务派遣暂行规定》第三条）；"
                "请缩短派遣期限，或将岗位定为辅助性、替代性岗位",
                f"post {d.get('role_en') or d['role_zh']} of labour-dispatch contract {d['contract_no']} is temporary "
                f"but its dispatch period is {months} months, more than {TEMPORARY_POST_MAX_MONTHS} (a temporary post "
                "lasts at most six months, Interim Provisions on Labour Dispatch §3); shorten the period or classify "
                "the post as auxiliary or substitute",
                "dispatch_temporary_period",
            )
        absent = [c for c in COMPONENTS if d.get(c[0]) is None]
        if absent:
            flag(
                rec,
                absent[0][0],
                f"劳务派遣合同{d['contract_no']}的岗位“{d['role_zh']}”须列明"
                + "、".join(c[1] for c in COMPONENTS)
                + f"（每人每月），缺少{'、'.join(c[1] for c in absent)}",
                f"a post of labour-dispatch contract {d['contract_no']} ({d.get('role_en') or d['role_zh']}) needs its "
                + ", ".join(c[2] for c in COMPONENTS)
                + f" per head per month; missing: {', '.join(c[2] for c in absent)}",
                "dispatch_components",
            )
            continue
        total = sum((Decimal(str(d[c[0]])) for c in COMPONENTS), Decimal(0))
        if total != Decimal(str(d["unit_price"])):
            flag(
                rec,
                "unit_price",
                f"工资标准、社保公积金与管理费合计{total}，与单价{d['unit_price']}不符",
                f"wage, social insurance and management fee add up to {total}, not the unit price {d['unit_price']}",
                "dispatch_components",
            )


PRICING_WORDS = {
    "fixed": ("固定费用", "fixed fee"),
    "per_unit": ("按量计价", "per unit"),
    "per_head": ("按人月", "per head"),
}


def pricing_problems(records: dict[str, list[Record]], contracts: dict[str, Any], flag: Any, missing: Any) -> None:
    """Items priced as DESIGN.md says (a per-head item has a headcount, a per-unit item a unit, a
    dispatch post is priced per head, fixed items add up to a stated monthly fee, codes unique in
    a contract), and work_volume rows that cite a per-unit item of their contract with no more
    accepted than submitted."""
    items_of: dict[str, list[Record]] = defaultdict(list)
    for rec in records.get("contract_items", []):
        items_of[rec.data["contract_no"]].append(rec)
    coded: dict[str, dict[str, Record]] = {}
    for no, recs in items_of.items():
        contract = getattr(contracts.get(no), "data", contracts.get(no)) or {}
        seen: dict[str, Record] = {}
        for n, rec in enumerate(recs, 1):
            d = rec.data
            code = d.get("item_code") or str(n)
            pricing = pricing_of(d)
            if code in seen:
                flag(
                    rec,
                    "item_code",
                    f"合同{no}中项目编码{code}重复（另见第{seen[code].row}行）",
                    f"item code {code} appears twice in contract {no} (also row {seen[code].row})",
                    "unique_key",
                )
            seen.setdefault(code, rec)
            if pricing == "per_head" and d.get("headcount") is None:
                flag(
                    rec,
                    "headcount",
                    f"合同{no}的项目“{d['role_zh']}”按人月计价，须填写人数",
                    f"item {d.get('role_en') or d['role_zh']} of contract {no} is priced per head and needs a headcount",
                    "headcount_required",
                )
            if pricing == "per_unit" and not d.get("unit_zh"):
                flag(
                    rec,
                    "unit_zh",
                    f"合同{no}的项目“{d['role_zh']}”按量计价，须填写计量单位（如 件、单、平方米）",
                    f"item {d.get('role_en') or d['role_zh']} of contract {no} is priced per unit and needs its unit "
                    "(e.g. 件 piece, 单 order, 平方米 m²)",
                    "unit_required",
                )
            if contract.get("contract_type") == "labor_dispatch" and pricing != "per_head":
                zh, en = PRICING_WORDS[pricing]
                flag(
                    rec,
                    "pricing",
                    f"劳务派遣合同{no}的岗位按人月计价（工资、社保与管理费），不能为“{zh}”",
                    f"a post of labour-dispatch contract {no} is priced per head (pay, social insurance and management "
                    f"fee), not {en}",
                    "dispatch_pricing",
                )
        coded[no] = seen
        fee = contract.get("monthly_fee")
        if fee is not None and recs and all(pricing_of(r.data) == "fixed" for r in recs):
            total = sum((Decimal(str(r.data["unit_price"])) for r in recs), Decimal(0))
            if total != Decimal(str(fee)):
                flag(
                    contracts[no] if isinstance(contracts.get(no), Record) else recs[0],
                    "monthly_fee",
                    f"合同{no}各固定费用项目合计{total}，与月服务费{fee}不符",
                    f"the fixed-fee items of contract {no} add up to {total}, not the monthly fee {fee}",
                    "fixed_items_total",
                )
    for rec in records.get("work_volume", []):
        d = rec.data
        no = d["contract_no"]
        if no not in contracts:
            missing(rec, "contract_no", "contracts", no, "合同表", "contracts sheet")
            continue
        item = coded.get(no, {}).get(d["item_code"])
        if item is None:
            codes = "、".join(coded.get(no, {})) or "—"
            flag(
                rec,
                "item_code",
                f"合同{no}没有项目编码为{d['item_code']}的服务项目（该合同的项目编码：{codes}）",
                f"contract {no} has no item with code {d['item_code']} (its item codes: {codes.replace('、', ', ')})",
                "unknown_item",
            )
        elif pricing_of(item.data) != "per_unit":
            zh, en = PRICING_WORDS[pricing_of(item.data)]
            flag(
                rec,
                "item_code",
                f"合同{no}的项目{d['item_code']}（{item.data['role_zh']}）为“{zh}”，不按工作量结算",
                f"item {d['item_code']} of contract {no} ({item.data.get('role_en') or item.data['role_zh']}) is priced "
                f"{en}, not settled on work volume",
                "not_per_unit",
            )
        if d["accepted_quantity"] > d["quantity"]:
            flag(
                rec,
                "accepted_quantity",
                f"验收合格数量{d['accepted_quantity']}大于提交数量{d['quantity']}",
                f"accepted quantity {d['accepted_quantity']} is more than the quantity submitted ({d['quantity']})",
                "accepted_above_submitted",
            )
        if d["acceptance_date"] < Period.parse(d["period"]).start.isoformat():
            flag(
                rec,
                "acceptance_date",
                f"验收日期{d['acceptance_date']}早于工作量所属期间{d['period']}",
                f"acceptance date {d['acceptance_date']} is before the period {d['period']} the work belongs to",
                "date_order",
            )


def _missing_reference(
    rec: Record,
    fld: str,
    ref_kind: str,
    value: str,
    zh_list: str,
    en_list: str,
    rejected: dict[str, dict[str, Rejected]],
    aliases: Aliases,
) -> Issue:
    """A reference to a row that is not there: rejected (and where), or unknown."""
    gone = rejected.get(ref_kind, {}).get(value)
    noun_zh, noun_en = {"suppliers": ("供应商", "supplier"), "workers": ("人员", "worker")}.get(
        ref_kind, ("合同", "contract")
    )
    if gone is not None:
        where = f"（{gone.place} 第{gone.row}行）" if gone.row else f"（{gone.place}）"
        where_en = f" ({gone.place} row {gone.row})" if gone.row else f" ({gone.place})"
        return _issue(
            rec,
            fld,
            aliases,
            f"{noun_zh}{value}的记录已被拒绝{where}，本行随之排除；请先修正该{noun_zh}的记录",
            f"{noun_en} {value} was rejected{where_en}, so this row is left out too; fix that {noun_en} first",
            f"rejected_{noun_en}",
        )
    return _issue(
        rec,
        fld,
        aliases,
        f"{noun_zh}编号{value}不在{zh_list}中",
        f"{noun_en} {value} is not in the {en_list}",
        f"unknown_{noun_en}",
    )


# The references a row makes, checked on rows that failed their own checks too, so that one
# report names every problem of a row (a bad score and an unknown supplier) at once.
_REFERENCES = {
    "contracts": (("supplier_id", "suppliers", "供应商名录", "supplier master"),),
    "evaluations": (("supplier_id", "suppliers", "供应商名录", "supplier master"),),
    "incidents": (("supplier_id", "suppliers", "供应商名录", "supplier master"),),
    "workers": (
        ("supplier_id", "suppliers", "供应商名录", "supplier master"),
        ("contract_no", "contracts", "合同表", "contracts sheet"),
    ),
    "contract_items": (("contract_no", "contracts", "合同表", "contracts sheet"),),
    "attendance": (("worker_id", "workers", "人员花名册", "worker roster"),),
    "work_volume": (("contract_no", "contracts", "合同表", "contracts sheet"),),
    "surveys": (("supplier_id", "suppliers", "供应商名录", "supplier master"),),
    "inspections": (("supplier_id", "suppliers", "供应商名录", "supplier master"),),
    "improvement_plans": (("supplier_id", "suppliers", "供应商名录", "supplier master"),),
    "appeals": (("supplier_id", "suppliers", "供应商名录", "supplier master"),),
}


def _references_of_rejected_rows(
    failed: list[tuple[RawTable, RawRow, set[str]]],
    result: Validated,
    aliases: Aliases,
    present: set[str] | None,
    rejected: dict[str, dict[str, Rejected]],
) -> list[Issue]:
    """Unknown references on rows already rejected for another reason (their own fields
    with problems are not checked again)."""
    known = {
        "suppliers": {r.data["supplier_id"] for r in result.records.get("suppliers", [])},
        "contracts": {r.data["contract_no"] for r in result.records.get("contracts", [])},
        "workers": {r.data["worker_id"] for r in result.records.get("workers", [])},
    }
    out: list[Issue] = []
    for table, raw, bad_fields in failed:
        refs = [r for r in _REFERENCES.get(table.kind, ()) if r[0] not in bad_fields and r[0] in raw.cells]
        if not refs:
            continue
        schema = load_schema(table.kind)
        for fld, ref_kind, zh_list, en_list in refs:
            if present is not None and ref_kind not in present:
                continue
            value = coercer_for(schema["properties"][fld], fld, aliases)(raw.cells[fld])
            if not isinstance(value, str) or value in known[ref_kind]:
                continue
            if table.kind == "contract_items" and value in rejected.get("contracts", {}):
                continue  # its contract was left out because of this very item: nothing more to say
            rec = Record(table.kind, table.file, raw.row, {fld: value}, table.columns, table.sheet)
            out.append(_missing_reference(rec, fld, ref_kind, value, zh_list, en_list, rejected, aliases))
    return out


def _period_matches_name(evaluations: list[Record], flag) -> None:
    """A monthly file's rows belong to the month its name gives (evaluations_2026-10.xlsx)."""
    files = set(map(_file_of, evaluations))
    for file in files:
        expected = _period_in_name(file)
        if not expected:
            continue
        ours = evaluations if len(files) == 1 else [rec for rec in evaluations if rec.file == file]
        periods = list(map(_period_of, map(_data_of, ours)))
        if periods.count(expected) == len(periods):
            continue
        for rec in ours:
            if rec.data["period"] == expected:
                continue
            flag(
                rec,
                "period",
                f"考核期间{rec.data['period']}与文件名中的期间{expected}不一致",
                f"period {rec.data['period']} does not match the period {expected} in the file name",
                "period_mismatch",
            )


def workforce_problems(
    records: dict[str, list[Record]],
    present: set[str] | None,
    rejected: dict[str, dict[str, Rejected]],
    contracts: dict[str, Record],
    flag,
    missing,
) -> None:
    """Roster rows against their contracts, attendance rows against the roster."""

    checks_contracts = present is None or "contracts" in present
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in records.get("contract_items", []):
        items[i.data["contract_no"]].append(i.data)
    for rec in records.get("workers", []):
        d = rec.data
        if d.get("offboard_date") and d["offboard_date"] < d["onboard_date"]:
            flag(
                rec,
                "offboard_date",
                f"离职日期{d['offboard_date']}早于入职日期{d['onboard_date']}",
                f"offboarding date {d['offboard_date']} is before the onboarding date {d['onboard_date']}",
                "date_order",
            )
        if d.get("safety_training_date") and d.get("offboard_date") and d["safety_training_date"] > d["offboard_date"]:
            flag(
                rec,
                "safety_training_date",
                f"安全培训日期{d['safety_training_date']}晚于离职日期{d['offboard_date']}",
                f"safety training date {d['safety_training_date']} is after the offboarding date",
                "date_order",
            )
        if not checks_contracts:
            continue
        contract = contracts.get(d["contract_no"])
        if contract is None:
            missing(rec, "contract_no", "contracts", d["contract_no"], "合同表", "contracts sheet")
            continue
        c = contract.data
        if c["supplier_id"] != d["supplier_id"]:
            flag(
                rec,
                "contract_no",
                f"合同{d['contract_no']}属于供应商{c['supplier_id']}，不是本行的供应商{d['supplier_id']}",
                f"contract {d['contract_no']} belongs to supplier {c['supplier_id']}, not {d['supplier_id']}",
                "contract_supplier",
            )
        if (
            items.get(d["contract_no"])
            and not priced_on_results(items[d["contract_no"]])  # results-priced items are work, not posts
            and item_for_role(d["role"], items[d["contract_no"]]) is None
        ):
            roles = "、".join(i["role_zh"] for i in items[d["contract_no"]])
            flag(
                rec,
                "role",
                f"岗位“{d['role']}”不是合同{d['contract_no']}的服务项目（可选：{roles}）",
                f"role {d['role']!r} is not a service item of contract {d['contract_no']} "
                f"(one of: {', '.join(i.get('role_en') or i['role_zh'] for i in items[d['contract_no']])})",
                "unknown_role",
            )
        if c["contract_type"] == "labor_dispatch" and not d.get("post_nature"):
            flag(
                rec,
                "post_nature",
                "被派遣劳动者须填写岗位性质（临时性、辅助性或替代性）",
                "a dispatched worker needs the nature of the post (temporary, auxiliary or substitute)",
                "post_nature",
            )
    if "workers" not in records or (present is not None and "workers" not in present):
        if records.get("attendance"):
            for rec in records["attendance"]:
                flag(
                    rec,
                    "worker_id",
                    "未收到人员花名册，无法核对考勤；请一并提交 workers（人员花名册）文件",
                    "no worker roster was received, so attendance cannot be checked; send the workers file too",
                    "unknown_worker",
                )
        return
    roster = {r.data["worker_id"]: r.data for r in records.get("workers", [])}
    for rec in records.get("attendance", []):
        d = rec.data
        worker = roster.get(d["worker_id"])
        if worker is None:
            missing(rec, "worker_id", "workers", d["worker_id"], "人员花名册", "worker roster")
            continue
        for fld, noun_zh, noun_en in (("supplier_id", "供应商", "supplier"), ("contract_no", "合同", "contract")):
            if d.get(fld) and d[fld] != worker[fld]:
                flag(
                    rec,
                    fld,
                    f"{noun_zh}{d[fld]}与花名册不一致（花名册为{worker[fld]}）",
                    f"{noun_en} {d[fld]} differs from the roster ({worker[fld]})",
                    "roster_mismatch",
                )
        on_site = days_on_site(worker, Period.parse(d["period"]))
        if on_site == 0:
            flag(
                rec,
                "days_worked",
                f"人员{d['worker_id']}在{d['period']}不在岗（入职{worker['onboard_date']}"
                + (f"，离职{worker['offboard_date']}" if worker.get("offboard_date") else "")
                + "），不应有出勤",
                f"worker {d['worker_id']} was not on site in {d['period']} (onboarded {worker['onboard_date']}"
                + (f", left {worker['offboard_date']}" if worker.get("offboard_date") else "")
                + "); no attendance expected",
                "attendance_days",
            )
        elif d["days_worked"] > on_site:
            flag(
                rec,
                "days_worked",
                f"出勤{d['days_worked']}天，超过该人员本月在岗天数{on_site}天",
                f"{d['days_worked']} days worked, more than the {on_site} days the worker was on site this month",
                "attendance_days",
            )


def _remember(
    rejected: dict[str, dict[str, Rejected]], kind: str, data: dict[str, Any], place: str, row: int | None
) -> None:
    key = {
        "suppliers": "supplier_id",
        "contracts": "contract_no",
        "contract_items": "contract_no",
        "workers": "worker_id",
    }.get(kind)
    if key and isinstance(data.get(key), str):
        rejected.setdefault(kind, {}).setdefault(data[key], Rejected(place, row))


def validate_tables(
    tables: list[RawTable],
    aliases: Aliases,
    present: set[str] | None = None,
    fast: bool = True,
    currencies: tuple[str, ...] | None = None,
) -> Validated:
    """`currencies`: the policy's allowed contract currencies (any the schema knows when None)."""
    with gc_paused():
        return _validate_tables(tables, aliases, present, fast, currencies)


def _validate_tables(
    tables: list[RawTable], aliases: Aliases, present: set[str] | None, fast: bool, currencies: tuple[str, ...] | None
) -> Validated:
    result = Validated()
    rejected: dict[str, dict[str, Rejected]] = {}
    failed: list[tuple[RawTable, RawRow, set[str]]] = []
    for table in tables:
        records, issues = validate_table(table, aliases, fast=fast)
        result.rows_read[table.kind] += len(table.rows)
        result.records.setdefault(table.kind, []).extend(records)
        result.issues.extend(issues)
        bad_rows: dict[int, set[str]] = defaultdict(set)
        for i in issues:
            if i.row is not None:
                bad_rows[i.row].add(i.field or "")
        if not bad_rows:
            continue
        place = f"{table.file} [{table.sheet}]" if table.sheet else table.file
        for raw in table.rows:
            if raw.row in bad_rows:
                if table.kind in ("suppliers", "contracts", "contract_items", "workers"):
                    _remember(rejected, table.kind, compile_keys(raw.cells, table.kind, aliases), place, raw.row)
                if table.kind in _REFERENCES:
                    failed.append((table, raw, bad_rows[raw.row]))
    # Cross-record rules run until nothing more falls out: a rejected supplier takes its
    # contracts, evaluations and incidents with it, and a rejected contract its items.
    while True:
        problems = cross_record_problems(result.records, aliases, present, rejected, currencies)
        if not problems:
            break
        for kind, recs in result.records.items():
            kept = []
            for rec in recs:
                if id(rec) in problems:
                    result.issues.extend(problems[id(rec)])
                    _remember(rejected, kind, rec.data, rec.place, rec.row)
                else:
                    kept.append(rec)
            result.records[kind] = kept
    if failed:
        result.issues.extend(_references_of_rejected_rows(failed, result, aliases, present, rejected))
    rejected_rows = {(i.kind, i.file, i.sheet, i.row) for i in result.issues if i.row is not None}
    for kind, _file, _sheet, _row in rejected_rows:
        result.rows_rejected[kind] += 1
    return result


def compile_keys(cells: dict[str, Any], kind: str, aliases: Aliases) -> dict[str, Any]:
    """The key fields of a raw row, coerced as validation would (S001 typed as Ｓ００１)."""
    schema = load_schema(kind)
    coercers = compile_coercers({"properties": {k: schema["properties"][k] for k in schema.get("x-key", [])}}, aliases)
    return {k: coercers[k](v) for k, v in cells.items() if k in coercers}
