"""Render: templates and contexts in, document bytes out.

The stable API (DESIGN.md): `render_docx(template, context, document="") -> bytes` renders
a .docx template with the project's sandboxed, autoescaped engine, equal to docxtpl's own
`render()` or raising `RenderError`; `Image(data, width_mm=None, height_mm=None)` is a
picture in a context; `jinja_env()` is the environment both use.
"""

from pipeline.errors import RenderError
from pipeline.render.engine import Image
from pipeline.render.environment import jinja_env, normalise_zip
from pipeline.render.facade import render_docx, render_docx_docxtpl, template_bytes, template_path

__all__ = [
    "Image",
    "RenderError",
    "jinja_env",
    "normalise_zip",
    "render_docx",
    "render_docx_docxtpl",
    "template_bytes",
    "template_path",
]
