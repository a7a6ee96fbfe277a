"""Bilingual problem reports that a spreadsheet user can act on.

Every rejected value is reported with the file, the row as the spreadsheet numbers it,
the column as it is headed in that file, the value, and what was expected, in Chinese
and in English. Nothing is silently dropped: a rejected row becomes an `Issue`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    file: str
    row: int | None          # spreadsheet row number (1-based, header counted); None for file-level
    column: str | None       # the header as written in the file
    value: str | None
    message_zh: str
    message_en: str
    kind: str = ""           # input kind (suppliers, evaluations, …)
    field: str | None = None  # canonical field name
    key: str | None = None    # record key, e.g. supplier_id
    code: str = "invalid"     # broad class: invalid, unreadable, unknown_kind, refused, cross_record, …
    sheet: str | None = None  # worksheet name (workbooks only); `file` is the bare file name
    rule: str = ""            # the check that failed: required, enum, maximum, format:uscc, unique_key, …

    def as_dict(self) -> dict[str, Any]:
        from pipeline.privacy import mask_personal
        return asdict(self) | {"value": mask_personal(self.field, self.value),
                               "text_zh": self.text_zh(), "text_en": self.text_en()}

    @property
    def place(self) -> str:
        """File and sheet as one label, for tables that have no sheet column."""
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file

    def text_zh(self) -> str:
        """The message as one sentence that still makes sense when copied out of the report."""
        where = f"第 {self.row} 行" if self.row is not None else ""
        if self.column:
            where += f"‘{self.column}’"
        return f"{where}{self.message_zh}" if where else self.message_zh

    def text_en(self) -> str:
        where = [f"Row {self.row}"] if self.row is not None else []
        if self.column:
            where.append(english_column(self.field, self.column))
        return f"{', '.join(where)}: {self.message_en}" if where else self.message_en

    def location(self) -> str:
        parts = [self.place]
        if self.row is not None:
            parts.append(f"第{self.row}行 row {self.row}")
        if self.column:
            parts.append(f"列 column「{self.column}」")
        return ", ".join(parts)

    def __str__(self) -> str:
        from pipeline.privacy import mask_field
        value = "" if self.value is None else f" 值 value「{mask_field(self.field, self.value)}」:"
        return f"{self.location()}:{value} {self.message_zh} / {self.message_en}"


class InputError(Exception):
    """A whole input (file, policy) cannot be used; carries the issues that say why."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class ConfigError(Exception):
    """Configuration (policy, mapping files) is unusable: the run cannot start (exit 2)."""

    def __init__(self, message_zh: str, message_en: str, *, file: str = "", details: list[str] | None = None):
        self.message_zh = message_zh
        self.message_en = message_en
        self.file = file
        self.details = details or []
        text = f"{file}: {message_zh} / {message_en}" if file else f"{message_zh} / {message_en}"
        if self.details:
            text += "\n" + "\n".join(f"  - {d}" for d in self.details)
        super().__init__(text)


_ENGLISH_NAMES = {"uscc": "USCC", "name_zh": "Chinese name", "name_en": "English name"}


def english_column(field: str | None, column: str) -> str:
    """A column header as an English reader knows it: the header itself when it is already
    ASCII (the user wrote English), else the field's canonical name."""
    if column.isascii() or not field:
        return column
    return _ENGLISH_NAMES.get(field, field)


def display_value(value: Any, limit: int = 80) -> str | None:
    """A value as a user typed it, shortened so one bad cell cannot flood a report."""
    if value is None:
        return None
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    else:
        text = value if isinstance(value, str) else str(value)
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ValidationReport:
    """What validation found across all inputs of a run."""

    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    rows_rejected: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues

    def extend(self, issues: list[Issue]) -> None:
        self.issues.extend(issues)


class RenderError(Exception):
    """A document could not be made: names the template, the document, the part and,
    where it can be told, the template field to look at."""

    def __init__(self, template: str, document: str, cause: Exception | str, field: str | None = None,
                 part: str | None = None):
        self.template, self.document, self.field, self.part = template, document, field, part
        self.reason = cause if isinstance(cause, str) else f"{type(cause).__name__}: {cause}"
        where_zh = f"（{part}，字段 {field}）" if field else (f"（{part}）" if part else "")
        where_en = f" ({part}, field {field})" if field else (f" ({part})" if part else "")
        super().__init__(f"模板 {template} 渲染 {document} 失败{where_zh} / "
                         f"rendering {document} from {template} failed{where_en}: {self.reason}")

    def __reduce__(self):
        # picklable, so an error in a worker process reaches the parent whole
        return (type(self), (self.template, self.document, self.reason, self.field, self.part))
