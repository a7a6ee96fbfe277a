"""Render: templates and contexts in, document bytes out.

The stable API (DESIGN.md): `render_docx(template, context, document="") -> bytes` renders
a .docx template with the project's sandboxed, autoescaped engine, equal to docxtpl's own
`render()` or raising `RenderError`; `Image(data, width_mm=None, height_mm=None)` is a
picture in a context; `jinja_env()` is the environment both use.

Not supported, and refused with a RenderError rather than rendered differently: docxtpl's
template patching (`replace_pic`, `replace_media`, `replace_embedded`, `replace_zipname`),
which acts on one DocxTemplate object in its save() while `render_docx` renders a template
file from plain data (edit the template, or put an `Image` in the context); hyperlinks from a
context (a RichText `url_id` is a relationship of the DocxTemplate that made it, so in any
other document it dangles or names something else); pictures in footnotes or core
properties (docxtpl cannot place them either); and footnotes that still hold a tag after
rendering in a document of several sections (docxtpl renders footnotes once per section, so
it would run that tag, say from data, as template code).
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
