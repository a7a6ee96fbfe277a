"""The compiled-template renderer makes the documents docxtpl's own render() makes.

Every shipped template that has a representative context in tests/fixtures/contexts/
is rendered both ways and compared as a reader sees it (paragraphs, tables, headers and
footers, pictures) and as XML (canonical form of every rendered part). A template built
here exercises what the shipped ones may not: pictures in the body and a header,
RichText, Listing, {%tr %} and {%p %} loops and conditions.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import ROOT
from docx import Document
from docx_reading import docx_tables, docx_text
from lxml import etree

from pipeline.errors import RenderError
from pipeline.render import engine as fastrender
from pipeline.render.engine import Image
from pipeline.render.facade import render_docx, render_docx_docxtpl

FIXTURES = ROOT / "tests" / "fixtures" / "contexts"
TEMPLATES = sorted(
    p.stem for p in (ROOT / "contract_templates").glob("*.docx") if (FIXTURES / f"{p.stem}.json").is_file()
)
STORY = ("word/document.xml", "word/header", "word/footer", "word/footnotes")


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def headers_footers(path: Path) -> list[str]:
    document = Document(str(path))
    return [p.text for s in document.sections for part in (s.header, s.footer) for p in part.paragraphs]


def media(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return sorted(hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith("word/media/"))


def drawings(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).count(b"<w:drawing>") for n in z.namelist() if n.startswith(STORY)}


def grids(path: Path) -> list[list[str]]:
    """Column widths of every table: docxtpl widens or narrows a grid after cell loops."""
    document = Document(str(path))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return [[c.get(f"{w}w") for c in t.iter(f"{w}gridCol")] for t in document.element.body.iter(f"{w}tbl")]


def canonical_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {
            n: etree.tostring(etree.fromstring(z.read(n)), method="c14n")
            for n in z.namelist()
            if n.startswith(STORY) and n.endswith(".xml")
        }


def both(tmp_path: Path, template: str, context: dict) -> tuple[Path, Path]:
    ours, reference = tmp_path / "ours.docx", tmp_path / "docxtpl.docx"
    ours.write_bytes(render_docx(template, context, "ours"))
    reference.write_bytes(render_docx_docxtpl(template, context, "reference"))
    return ours, reference


def assert_same_document(ours: Path, reference: Path, *, xml: bool = True) -> None:
    assert docx_text(ours) == docx_text(reference)
    assert docx_tables(ours) == docx_tables(reference)
    assert headers_footers(ours) == headers_footers(reference)
    assert media(ours) == media(reference)
    assert drawings(ours) == drawings(reference)
    assert grids(ours) == grids(reference)
    if xml:
        assert canonical_parts(ours) == canonical_parts(reference)
    with zipfile.ZipFile(ours) as z:
        assert z.testzip() is None


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_shipped_template_renders_as_docxtpl_renders_it(tmp_path, name):
    ours, reference = both(tmp_path, f"{name}.docx", fixture(name))
    assert_same_document(ours, reference)
    text = docx_text(ours)
    assert "{{" not in text.replace("{{ 7*7 }}", "") and "{%" not in text


HOSTILE = "{{ 7*7 }} A & B <Ltd> \"引号\" 'x' </w:t></w:r>"


def leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    elif isinstance(value, str):
        yield path, value


@pytest.mark.parametrize("name", TEMPLATES)
def test_hostile_values_come_out_literally_on_both_paths(tmp_path, name):
    context = fixture(name)
    plain = tmp_path / "plain.docx"
    plain.write_bytes(render_docx(f"{name}.docx", context))
    text = docx_text(plain)
    path = next(p for p, v in leaves(context) if len(v) >= 6 and v in text)  # a value the reader sees
    target = context
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = HOSTILE
    ours, reference = both(tmp_path, f"{name}.docx", context)
    assert_same_document(ours, reference)
    assert HOSTILE in docx_text(ours)


def with_pictures(value, picture: Image):
    """The fixture with a real picture wherever a chart goes (JSON cannot hold one)."""
    if isinstance(value, dict):
        return {
            k: picture if k.endswith("chart") and isinstance(v, str) else with_pictures(v, picture)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [with_pictures(v, picture) for v in value]
    return value


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_shipped_template_with_its_charts_as_pictures(tmp_path, name):
    chart = Image(png(64, 32, (40, 90, 160)), width_mm=120)
    ours, reference = both(tmp_path, f"{name}.docx", with_pictures(fixture(name), chart))
    # drawing and relationship ids are numbered differently: compared as a reader sees them
    assert_same_document(ours, reference, xml=False)


def test_the_shipped_templates_are_all_covered():
    assert {"review_report", "settlement_statement", "portfolio_summary"} <= set(TEMPLATES)


# ---------------------------------------------------------------- a template with everything


def build_rich_template(path: Path, title: str = "Rich {{ title }}") -> None:
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Header {{ title }} {{ badge }}"
    section.footer.paragraphs[0].text = "Footer {{ footer_note }}"
    document.add_paragraph(title)
    document.add_paragraph("Logo {{ logo }} end")
    document.add_paragraph("Second use of the same picture {{ logo }} and another {{ chart }}")
    document.add_paragraph("Rich: {{r rich }}")
    document.add_paragraph("Listing: {{ listing }}")
    document.add_paragraph("Multi-line plain value: {{ multiline }}")
    document.add_paragraph("{%p if show_extra %}")
    document.add_paragraph("Extra paragraph for {{ title }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for item in items %}")
    document.add_paragraph("Item {{ item.name }} = {{ item.amount }}")
    document.add_paragraph("{%p endfor %}")
    table = document.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ["名称 Name", "金额 Amount", "图 Pic"]):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for row in rows %}"
    for cell, text in zip(table.rows[2].cells, ["{{ row.name }}", "{{ row.amount }}", "{{ row.pic }}"]):
        cell.text = text
    extra = table.add_row()
    extra.cells[0].text = "{%tr endfor %}"
    months = document.add_table(rows=2, cols=4)  # a column loop: docxtpl widens the grid
    for row, label, value in zip(months.rows, ["月份 Month", "得分 Score"], ["{{ m.name }}", "{{ m.score }}"]):
        for cell, text in zip(row.cells, [label, "{%tc for m in months %}", value, "{%tc endfor %}"]):
            cell.text = text
    document.add_paragraph("The end {{ title }}")
    document.save(str(path))


def rich_context() -> dict:
    from docxtpl import Listing, RichText

    red, blue = png(40, 20, (200, 30, 30)), png(10, 10, (30, 30, 200))
    rich = RichText("bold red", bold=True, color="FF0000")
    rich.add(" & plain <text>")
    return {
        "title": "T & <1>",
        "badge": Image(blue, width_mm=5),
        "footer_note": "第 1 页说明",
        "logo": Image(red, width_mm=30),
        "chart": Image(blue, height_mm=12),
        "rich": rich,
        "listing": Listing("line one\nline two\ttabbed"),
        "multiline": "first\nsecond",
        "show_extra": True,
        "items": [{"name": f"item {i}", "amount": f"{i},000.00"} for i in range(3)],
        "rows": [
            {"name": "甲 A", "amount": "1.00", "pic": Image(red, width_mm=8)},
            {"name": "乙 B", "amount": "2.00", "pic": ""},
        ],
        "months": [{"name": f"2026-{m:02d}", "score": f"{80 + m}.00"} for m in range(5, 11)],
    }


@pytest.fixture
def rich_templates(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    build_rich_template(folder / "rich.docx")
    monkeypatch.setenv("VENDORFLOW_TEMPLATES", str(folder))
    return folder


def test_pictures_rich_text_listings_and_loops_match_docxtpl(tmp_path, rich_templates):
    ours, reference = both(tmp_path, "rich.docx", rich_context())
    # drawing ids and relationship ids are numbered differently: compare as a reader would
    assert_same_document(ours, reference, xml=False)
    text = docx_text(ours)
    assert "Rich T & <1>" in text and "Extra paragraph for T & <1>" in text
    assert "Item item 2 = 2,000.00" in text and "甲 A" in text
    assert "bold red & plain <text>" in text
    assert drawings(ours)["word/document.xml"] == 4 and sum(drawings(ours).values()) == 5
    assert len(media(ours)) == 2  # the same picture used three times is stored once
    document = Document(str(ours))  # python-docx resolves every picture relationship
    blobs = {
        hashlib.sha256(r.target_part.blob).hexdigest()
        for r in document.part.rels.values()
        if r.reltype.endswith("/image")
    }
    assert blobs == set(media(ours))
    header = document.sections[0].header
    assert any(r.reltype.endswith("/image") for r in header.part.rels.values())
    ids = [int(e.get("id")) for e in document.element.body.iter(f"{{{fastrender.WP_NS}}}docPr")]
    assert ids == sorted(set(ids))
    assert docx_tables(ours)[1][0] == ["月份 Month"] + [f"2026-{m:02d}" for m in range(5, 11)]
    assert grids(ours) == grids(reference) and len(grids(ours)[1]) == 7  # widened as docxtpl does


def test_rich_template_turned_off_branches(tmp_path, rich_templates):
    context = rich_context() | {"show_extra": False, "items": [], "rows": []}
    ours, reference = both(tmp_path, "rich.docx", context)
    assert_same_document(ours, reference, xml=False)
    assert "Extra paragraph" not in docx_text(ours) and "Item " not in docx_text(ours)


def test_docxtpl_inline_images_render_through_their_own_docxtemplate(tmp_path, rich_templates):
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(str(rich_templates / "rich.docx"))
    context = rich_context()
    context["logo"] = InlineImage(tpl, io.BytesIO(png(20, 20, (0, 128, 0))), width=Mm(10))
    path = tmp_path / "bound.docx"
    path.write_bytes(render_docx("rich.docx", context))
    assert hashlib.sha256(png(20, 20, (0, 128, 0))).hexdigest() in media(path)


def test_an_edited_template_is_picked_up_without_a_restart(tmp_path, rich_templates):
    template = rich_templates / "rich.docx"
    first = tmp_path / "first.docx"
    first.write_bytes(render_docx("rich.docx", rich_context()))
    build_rich_template(template, title="Edited {{ title }}")
    stat = template.stat()
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    second = tmp_path / "second.docx"
    second.write_bytes(render_docx("rich.docx", rich_context()))
    assert "Rich T & <1>" in docx_text(first)
    assert "Edited T & <1>" in docx_text(second) and "Rich T & <1>" not in docx_text(second)


def test_a_missing_field_names_the_document_and_the_field():
    context = fixture("review_report")
    del context["supplier"]["name_en"]
    with pytest.raises(RenderError) as caught:
        render_docx("review_report.docx", context, "reports/S001_review_2026-10.docx")
    error = caught.value
    assert error.document == "reports/S001_review_2026-10.docx" and error.template == "review_report.docx"
    assert "supplier.name_en" in (error.field or "")
    assert "S001_review" in str(error) and "name_en" in str(error)


def test_malformed_xml_is_an_error_naming_the_field_never_silently_recovered(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    document = Document()
    document.add_paragraph("Fine {{ ok }}")
    document.add_paragraph("Broken {{ markup|safe }} here")
    document.save(str(folder / "broken.docx"))
    monkeypatch.setenv("VENDORFLOW_TEMPLATES", str(folder))
    with pytest.raises(RenderError) as caught:
        render_docx("broken.docx", {"ok": "yes", "markup": "<w:r><w:t>unclosed"}, "notices/X_broken.docx")
    assert "markup|safe" in (caught.value.field or "")
    assert "notices/X_broken.docx" in str(caught.value)
    assert render_docx("broken.docx", {"ok": "yes", "markup": "fine"}, "ok.docx")


def test_a_mistyped_tag_in_a_template_names_the_template_and_the_tag(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    document = Document()
    document.add_paragraph("Good {{ ok }}")
    document.add_paragraph("Bad {{ unclosed ")
    document.add_paragraph("More }} and {% if %}")
    document.save(str(folder / "typo.docx"))
    monkeypatch.setenv("VENDORFLOW_TEMPLATES", str(folder))
    with pytest.raises(RenderError, match="typo.docx"):
        render_docx("typo.docx", {"ok": 1}, "x.docx")


def test_render_errors_cross_process_boundaries_whole():
    error = RenderError("review_report.docx", "reports/S1.docx", KeyError("x"), "{{ x }}", "word/document.xml")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.field == "{{ x }}" and again.document == "reports/S1.docx"


def test_images_and_jobs_are_plain_picklable_data(rich_templates):
    context = rich_context()
    context.pop("rich"), context.pop("listing")
    assert pickle.loads(pickle.dumps(context))["logo"] == context["logo"]
    # a logged context shows a picture's size, not its bytes
    assert repr(context["logo"]) == str(context["logo"]) == f"Image({len(context['logo'].data)} bytes, 30 mm)"


def test_output_is_reproducible_and_a_plain_zip():
    context = fixture("settlement_statement")
    a = render_docx("settlement_statement.docx", context)
    fastrender.clear_cache()
    b = render_docx("settlement_statement.docx", context)
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert z.testzip() is None
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        assert b"2026-01-01T00:00:00Z" in z.read("docProps/core.xml")
        with zipfile.ZipFile(ROOT / "contract_templates" / "settlement_statement.docx") as t:
            assert z.namelist() == [n for n in t.namelist() if not n.endswith("/")]
            # parts that do not change are the template's bytes
            assert z.read("word/styles.xml") == t.read("word/styles.xml")


def test_a_template_with_tags_in_its_core_properties(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    document = Document()
    document.core_properties.title = "Report {{ title }}"
    document.add_paragraph("Body {{ title }}")
    document.save(str(folder / "props.docx"))
    monkeypatch.setenv("VENDORFLOW_TEMPLATES", str(folder))
    ours, reference = both(tmp_path, "props.docx", {"title": "October"})
    assert Document(str(ours)).core_properties.title == "Report October"
    assert Document(str(reference)).core_properties.title == "Report October"


@pytest.mark.skipif(
    not any(os.access(os.path.join(p, "soffice"), os.X_OK) for p in os.environ.get("PATH", "").split(os.pathsep)),
    reason="LibreOffice not installed",
)
def test_documents_with_pictures_open_in_libreoffice(tmp_path, rich_templates):
    from pipeline.render.pdf import to_pdf

    path = tmp_path / "rich.docx"
    path.write_bytes(render_docx("rich.docx", rich_context()))
    shutil.copy(ROOT / "contract_templates" / "review_report.docx", rich_templates)
    shipped = tmp_path / "review.docx"
    shipped.write_bytes(render_docx("review_report.docx", fixture("review_report")))
    pdfs = to_pdf([path, shipped], tmp_path / "pdf")
    assert all(p.stat().st_size > 1000 for p in pdfs)


def test_a_literal_typed_in_a_tag_is_unescaped_once_on_both_paths(tmp_path):
    """Word stores `A & B` typed inside a tag as `A &amp; B`; it must print as typed (issue 18)."""
    doc = Document()
    doc.add_paragraph('X: {{ x|default("A & B < C") }} Y: {{ "R&D \'q\' \\"d\\"" }} Z: {{ z }}')
    path = tmp_path / "literal.docx"
    doc.save(path)
    for render in (render_docx, render_docx_docxtpl):
        out = tmp_path / f"{render.__name__}.docx"
        out.write_bytes(render(str(path), {"z": "data & <more>"}))
        text = docx_text(out)
        assert "X: A & B < C" in text and "Y: R&D 'q' \"d\"" in text and "Z: data & <more>" in text, render
        with zipfile.ZipFile(out) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        assert "A &amp; B &lt; C" in xml and "&amp;amp;" not in xml
