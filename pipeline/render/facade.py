"""Render .docx templates safely and reproducibly.

Data is never template code: the Jinja environment is sandboxed and autoescaped, so a
supplier called `{{ 7*7 }}` or `A & B <Ltd>` appears literally. The zip is written with
fixed timestamps so the same inputs always give byte-identical documents.

`render_docx` uses the compiled templates of `engine` (prepared once per process);
`render_docx_docxtpl` is docxtpl's own render(), kept as the reference the equivalence
test and the benchmark compare against. For every docxtpl feature `render_docx` gives
docxtpl's document (tests/test_equivalence.py), hands the context to docxtpl's render()
(objects bound to a DocxTemplate; a template without core properties), or raises
RenderError naming the template and the feature (what neither can make right: see
pipeline/render/__init__.py) — never a silently different document.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pipeline.errors import RenderError
from pipeline.render.engine import DocxtplImageHost, NeedsDocxtpl, docxtpl_objects, docxtpl_refusal
from pipeline.render.engine import render as render_compiled
from pipeline.render.environment import deadline, file_bytes, jinja_env, normalise_zip, word_template
from pipeline.settings import Settings


def template_path(name: str | Path, templates: Path | None = None) -> Path:
    """A template given by path stays as it is (the runs resolve theirs from the settings); a
    bare name is looked up in `templates`, else in the folder VENDORFLOW_TEMPLATES names (read
    here, at the public API's edge, for callers embedding the renderer), else the shipped one."""
    path = Path(name)
    if path.is_absolute():
        return path
    return (templates or Settings.from_env().templates) / path


def template_bytes(name: str) -> bytes:
    """The template file's bytes, read again when the file changes (mtime or size)."""
    return file_bytes(template_path(name))


def render_docx(template: str, context: dict[str, Any], document: str = "") -> bytes:
    """A document from a template in contract_templates/, through the compiled template.
    Contexts holding docxtpl objects bound to a DocxTemplate (InlineImage, Subdoc) go
    through docxtpl's own render() on that DocxTemplate; use `Image` for pictures instead.
    docxtpl's replace_pic / replace_media / replace_embedded / replace_zipname are not
    supported (they patch one DocxTemplate object's save(), not a template file): a context
    carrying a DocxTemplate with such requests is refused."""
    document = document or template
    found = docxtpl_objects(context)
    if found:
        refused = docxtpl_refusal(found)
        if refused:
            raise RenderError(template, document, refused)
        bound = next((item for item in found if getattr(item, "tpl", None) is not None), None)
        if bound is not None:
            refused = _not_this_template(bound.tpl, template)
            if refused:
                raise RenderError(template, document, refused)
            return _render_with(bound.tpl, template, context, document)
    try:
        with deadline():
            return render_compiled(template_path(template), context, document)
    except NeedsDocxtpl:
        return render_docx_docxtpl(template, context, document)
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(template, document, exc) from exc


def render_docx_docxtpl(template: str, context: dict[str, Any], document: str = "") -> bytes:
    """docxtpl's own render(): a new DocxTemplate per document (the reference)."""
    return _render_with(word_template(io.BytesIO(template_bytes(template))), template, context, document or template)


def _render_with(tpl, template: str, context: dict[str, Any], document: str) -> bytes:
    try:
        with DocxtplImageHost(tpl), deadline():
            tpl.render(context, jinja_env=jinja_env(), autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
    except Exception as exc:
        raise RenderError(template, document, exc) from exc
    return normalise_zip(buffer.getvalue())


def _not_this_template(tpl, template: str) -> str:
    """Why a DocxTemplate the context's objects are bound to cannot render `template`: it was
    made from another file (its output would be another template's document)."""
    source = tpl.template_file
    if isinstance(source, (str, Path)) and Path(source).resolve() != template_path(template).resolve():
        return f"the context's docxtpl objects are bound to a DocxTemplate of {Path(source).name}, not of this template"
    return ""
