"""Render .docx templates safely and reproducibly.

Data is never template code: the Jinja environment is sandboxed and autoescaped, so a
supplier called `{{ 7*7 }}` or `A & B <Ltd>` appears literally. The zip is rewritten with
fixed timestamps so the same inputs always give byte-identical documents.
"""
from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .resources import templates_dir

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class RenderError(Exception):
    def __init__(self, template: str, document: str, cause: Exception):
        self.template, self.document = template, document
        super().__init__(f"模板 {template} 渲染 {document} 失败 / rendering {document} from {template} failed: {cause}")


def jinja_env() -> SandboxedEnvironment:
    # StrictUndefined: a field misspelt in a template fails loudly instead of printing nothing.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


@lru_cache(maxsize=None)
def template_bytes(name: str) -> bytes:
    return (templates_dir() / name).read_bytes()


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalise_zip(data: bytes) -> bytes:
    """Same entries in the same order with fixed times and attributes: reproducible bytes.
    Writers that stamp the save time into docProps/core.xml (openpyxl does) get it fixed too."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIMES.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", body)
            dst.writestr(entry, body)
    return out.getvalue()


def render_docx(template: str, context: dict[str, Any], document: str = "") -> bytes:
    try:
        tpl = DocxTemplate(io.BytesIO(template_bytes(template)))
        tpl.render(context, jinja_env=jinja_env(), autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
    except Exception as exc:
        raise RenderError(template, document or template, exc) from exc
    return normalise_zip(buffer.getvalue())


def template_path(name: str) -> Path:
    return templates_dir() / name
