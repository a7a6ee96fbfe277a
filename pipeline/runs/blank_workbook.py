"""The `template` command: a blank input workbook written beside the user, never over a file."""

from __future__ import annotations

from pathlib import Path

from pipeline.documents.input_workbooks import resolve_kind, template_bytes
from pipeline.errors import ConfigError
from pipeline.publish.outputs import atomic_write


def write_template(kind: str, output: Path | None = None, force: bool = False) -> Path:
    """Write the blank workbook; an existing file is never overwritten unless asked."""

    kind = resolve_kind(kind)
    target = output or Path(f"{kind}_template.xlsx")
    if target.is_dir():
        target = target / f"{kind}_template.xlsx"
    if target.suffix.lower() != ".xlsx":
        raise ConfigError("模板文件名应以 .xlsx 结尾", "the template's file name must end in .xlsx", file=str(target))
    if target.exists() and not force:
        raise ConfigError(
            "文件已存在，未覆盖（如需覆盖请加 --force）",
            "the file exists and was not overwritten (add --force to replace it)",
            file=str(target),
        )
    atomic_write(target, template_bytes(kind))
    return target
