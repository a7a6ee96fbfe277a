"""Everything that can go wrong, in one place: the bilingual `Issue` a spreadsheet user can
act on, and the one exception hierarchy, each class with the exit code it maps to.

An `Issue` is a rejected value: the file, the row as the spreadsheet numbers it, the column
as it is headed in that file, the value, and what was expected, in Chinese and in English.
Nothing is silently dropped: a rejected row becomes an `Issue` and the run exits 1.

An exception is a run that cannot go on. Every one derives from `VendorflowError`, whose
`exit_code` (2: could not run) the command line returns after printing the message, never
a traceback:

    VendorflowError
    ├── ConfigError          policy, mapping files, arguments, folders (UnknownEvent: a typo in --event)
    ├── UnreadableFile       an input that cannot be read at all (becomes an Issue; never reaches the CLI)
    ├── RenderError          a document could not be made from its template and context
    ├── PdfUnavailable       --pdf without LibreOffice
    ├── PdfFailed            LibreOffice could not convert a document (the Word file stays)
    ├── OutputError          an output could not be written (disk full, permissions)
    ├── PeriodBusy           another run holds the period's lock
    ├── HistoryError         the history store cannot be used
    ├── IsolationError       a message would carry another recipient's document: nothing is sent
    ├── DocumentChanged      a file is not the one its manifest describes
    ├── FatalTransportError  no message can be sent with these SMTP settings
    ├── WorkerError          a worker's error whose own class could not cross the process boundary
    └── DaskUnavailable      the Dask cluster cannot be used
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.privacy import mask_field, mask_personal


@dataclass(frozen=True)
class Issue:
    file: str
    row: int | None  # spreadsheet row number (1-based, header counted); None for file-level
    column: str | None  # the header as written in the file
    value: str | None
    message_zh: str
    message_en: str
    kind: str = ""  # input kind (suppliers, evaluations, …)
    field: str | None = None  # canonical field name
    key: str | None = None  # record key, e.g. supplier_id
    code: str = "invalid"  # broad class: invalid, unreadable, unknown_kind, refused, cross_record, …
    sheet: str | None = None  # worksheet name (workbooks only); `file` is the bare file name
    rule: str = ""  # the check that failed: required, enum, maximum, format:uscc, unique_key, …

    def as_dict(self) -> dict[str, Any]:

        return asdict(self) | {
            "file": shown(self.file),
            "column": shown(self.column),
            "sheet": shown(self.sheet),
            "message_zh": shown(self.message_zh),
            "message_en": shown(self.message_en),
            "value": mask_personal(self.field, self.value),
            "text_zh": self.text_zh(),
            "text_en": self.text_en(),
        }

    @property
    def place(self) -> str:
        """File and sheet as one label, for tables that have no sheet column."""
        return shown(f"{self.file} [{self.sheet}]" if self.sheet else self.file)

    def text_zh(self) -> str:
        """The message as one sentence that still makes sense when copied out of the report."""
        where = f"第 {self.row} 行" if self.row is not None else ""
        if self.column:
            where += f"‘{self.column}’"
        return shown(f"{where}{self.message_zh}" if where else self.message_zh)

    def text_en(self) -> str:
        where = [f"Row {self.row}"] if self.row is not None else []
        if self.column:
            where.append(english_column(self.field, self.column))
        return shown(f"{', '.join(where)}: {self.message_en}" if where else self.message_en)

    def location(self) -> str:
        parts = [self.place]
        if self.row is not None:
            parts.append(f"第{self.row}行 row {self.row}")
        if self.column:
            parts.append(f"列 column「{shown(self.column)}」")
        return ", ".join(parts)

    def __str__(self) -> str:

        value = "" if self.value is None else f" 值 value「{mask_field(self.field, self.value)}」:"
        return f"{self.location()}:{value} {shown(self.message_zh)} / {shown(self.message_en)}"


_ENGLISH_NAMES = {"uscc": "USCC", "name_zh": "Chinese name", "name_en": "English name"}


def english_column(field: str | None, column: str) -> str:
    """A column header as an English reader knows it: the header itself when it is already
    ASCII (the user wrote English), else the field's canonical name."""
    if column.isascii() or not field:
        return column
    return _ENGLISH_NAMES.get(field, field)


def shown(text: str | None, newlines: bool = False) -> str | None:
    """Text from an input (a file, sheet or header name, a value) made safe to show in a report,
    a terminal or a document: control characters, bidirectional overrides and zero-width marks
    become visible escapes (\\x01, \\u202e), so a name can neither break a document's XML nor
    move a terminal's cursor. The one place this is decided."""
    if text is None:
        return None
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or (newlines and ch == "\n"):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def display_value(value: Any, limit: int = 80) -> str | None:
    """A value as a user typed it, shortened so one bad cell cannot flood a report."""
    if value is None:
        return None
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    else:
        text = value if isinstance(value, str) else str(value)
    text = shown(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- exceptions

EXIT_OK, EXIT_REJECTED, EXIT_CANNOT_RUN = 0, 1, 2


class VendorflowError(Exception):
    """A run that cannot go on. The command line prints the message and exits with `exit_code`."""

    exit_code = EXIT_CANNOT_RUN


class ConfigError(VendorflowError):
    """Configuration (policy, mapping files, arguments, folders) is unusable: the run cannot start."""

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        file: str = "",
        details: Sequence[str | tuple[str, str]] | None = None,
    ):
        self.message_zh = message_zh
        self.message_en = message_en
        self.file = file
        # each detail a (Chinese, English) pair; a plain string is already bilingual ("… / …")
        self.details = list(details or [])
        text = f"{file}: {message_zh} / {message_en}" if file else f"{message_zh} / {message_en}"
        for d in self.details:
            text += f"\n  - {d[0]}\n    {d[1]}" if isinstance(d, tuple) else f"\n  - {d}"
        super().__init__(text)

    def _pairs(self) -> list[tuple[str, str]]:
        out = []
        for d in self.details:
            if isinstance(d, tuple):
                out.append(d)
            else:  # "中文 / English", as the older checks write them
                zh, sep, en = d.partition(" / ")
                out.append((zh, en) if sep else (d, d))
        return out

    @property
    def details_zh(self) -> list[str]:
        return [zh for zh, _ in self._pairs()]

    @property
    def details_en(self) -> list[str]:
        return [en for _, en in self._pairs()]


class UnknownEvent(ConfigError):
    """The event asked for has no row in any candidates file (a typo in --event)."""


class UnreadableFile(VendorflowError):
    """An input that cannot be read at all; the loader turns it into a file-level Issue."""

    def __init__(self, issue: Issue):
        self.issue = issue
        super().__init__(str(issue))


class RenderError(VendorflowError):
    """A document could not be made: names the template, the document, the part and,
    where it can be told, the template field to look at."""

    def __init__(
        self, template: str, document: str, cause: Exception | str, field: str | None = None, part: str | None = None
    ):
        self.template, self.document, self.field, self.part = template, document, field, part
        self.reason = cause if isinstance(cause, str) else f"{type(cause).__name__}: {cause}"
        where_zh = f"（{part}，字段 {field}）" if field else (f"（{part}）" if part else "")
        where_en = f" ({part}, field {field})" if field else (f" ({part})" if part else "")
        super().__init__(
            f"模板 {template} 渲染 {document} 失败{where_zh} / "
            f"rendering {document} from {template} failed{where_en}: {self.reason}"
        )

    def __reduce__(self):
        # picklable, so an error in a worker process reaches the parent whole
        return (type(self), (self.template, self.document, self.reason, self.field, self.part))


class PdfUnavailable(VendorflowError, RuntimeError):
    """LibreOffice (soffice) is not installed, so no PDF can be made."""


class PdfFailed(VendorflowError):
    """LibreOffice could not convert a document; its Word file is in place, no PDF half-written."""

    def __init__(self, document: str, reason: str):
        self.document, self.reason = document, reason
        super().__init__(
            f"无法将 {document} 转换为 PDF（Word 文件已生成，可用 Word 或 LibreOffice 打开检查）/ "
            f"could not convert {document} to PDF (the Word file is in place; open it to check): {reason}"
        )

    def __reduce__(self):
        return (type(self), (self.document, self.reason))


class OutputError(VendorflowError):
    """An output could not be written (disk full, permissions): the run stops, nothing half-written stays."""

    def __init__(self, path: Path, cause: OSError):
        self.path, self.cause = path, cause
        super().__init__(
            f"无法写入输出文件 {path}（磁盘已满或没有写权限？）：{cause.strerror or cause} / "
            f"cannot write output file {path} (disk full or not writable?): {cause.strerror or cause}"
        )


class PeriodBusy(VendorflowError):
    """Another run holds the period's lock."""

    def __init__(self, period: str, holder: str):
        self.period, self.holder = period, holder
        super().__init__(
            f"期间 {period} 正在由另一个运行处理（{holder}），请稍后再试或使用 --wait / "
            f"another run of period {period} is in progress ({holder}); try later or use --wait"
        )


class HistoryError(VendorflowError):
    """The store cannot be used (damaged file, unreachable server): the run stops before writing."""

    def __init__(self, where: str, cause: Exception | str):
        if isinstance(cause, str):  # a reason already in both languages (the schema, say)
            super().__init__(f"{where}: {cause}")
            return
        super().__init__(
            f"历史数据库无法使用（文件损坏或无法连接）：{where}；输入文件未被改动，请修复或移走该数据库后重试 / "
            f"the history database cannot be used (damaged or unreachable): {where}; the inputs were not touched — "
            f"repair or move the database away and run again ({cause.__class__.__name__}: {str(cause)[:200]})"
        )


class IsolationError(VendorflowError):
    """A message would carry a document that is not its recipient's: nothing is sent."""

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {zh} / {en}" for zh, en in problems)
        super().__init__(
            "分发前检查发现文件与收件方不符，未发送任何邮件 / the check before sending found documents that "
            f"do not belong to their recipient; nothing was sent:\n{lines}"
        )


class DocumentChanged(VendorflowError):
    """A file on disk is not the one its manifest entry describes (edited or damaged since the run)."""


class FatalTransportError(VendorflowError):
    """No message can be sent with these settings (login refused, TLS impossible, server unreachable)."""


class WorkerError(VendorflowError, RuntimeError):
    """An error from a worker whose own class cannot cross the process boundary."""


class DaskUnavailable(VendorflowError, RuntimeError):
    """The Dask cluster cannot be used: not installed or not reachable."""
