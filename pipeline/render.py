"""Render .docx templates safely and reproducibly.

Data is never template code: the Jinja environment is sandboxed and autoescaped, so a
supplier called `{{ 7*7 }}` or `A & B <Ltd>` appears literally. The zip is written with
fixed timestamps so the same inputs always give byte-identical documents.

`render_docx` uses the compiled templates of `fastrender` (prepared once per process);
`render_docx_docxtpl` is docxtpl's own render(), kept as the reference the equivalence
test and the benchmark compare against.
"""
from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .resources import templates_dir

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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


def jinja_env() -> SandboxedEnvironment:
    # StrictUndefined: a field misspelt in a template fails loudly instead of printing nothing.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def template_path(name: str) -> Path:
    return templates_dir() / name


_BYTES: dict[str, tuple[tuple[int, int], bytes]] = {}
_BYTES_LOCK = threading.Lock()


def template_bytes(name: str) -> bytes:
    """The template file's bytes, read again when the file changes (mtime or size)."""
    path = template_path(name)
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    hit = _BYTES.get(str(path))
    if hit is None or hit[0] != key:
        with _BYTES_LOCK:
            hit = (key, path.read_bytes())
            _BYTES[str(path)] = hit
    return hit[1]


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
    """A document from a template in contract_templates/, through the compiled template.
    Contexts holding docxtpl objects bound to a DocxTemplate (InlineImage, Subdoc) go
    through docxtpl's own render() on that DocxTemplate; use `Image` for pictures instead."""
    from . import fastrender
    document = document or template
    bound = fastrender.docxtpl_bound(context)
    if bound is not None:
        return _render_with(bound.tpl, template, context, document)
    try:
        return fastrender.render(template_path(template), context, document)
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(template, document, exc) from exc


def render_docx_docxtpl(template: str, context: dict[str, Any], document: str = "") -> bytes:
    """docxtpl's own render(): a new DocxTemplate per document (the reference)."""
    from docxtpl import DocxTemplate
    return _render_with(DocxTemplate(io.BytesIO(template_bytes(template))), template, context, document or template)


def _render_with(tpl, template: str, context: dict[str, Any], document: str) -> bytes:
    from .fastrender import DocxtplImageHost
    try:
        with DocxtplImageHost(tpl):
            tpl.render(context, jinja_env=jinja_env(), autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
    except Exception as exc:
        raise RenderError(template, document, exc) from exc
    return normalise_zip(buffer.getvalue())


def __getattr__(name: str):
    if name == "Image":        # pipeline.render.Image: a picture in a context
        from .fastrender import Image
        return Image
    raise AttributeError(name)
