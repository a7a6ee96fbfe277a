"""A large rendered part is checked as a stream, not held as a tree, and still makes docxtpl's document.

The portfolio summary of 5,000 suppliers has a body of 33 MB; parsed whole, lxml's tree of it
cost a render worker 280 MB. Above `engine.LARGE_PART` the body is scanned (each paragraph and
row dropped as it ends) and docxtpl's fixes are applied to the bytes; where only the tree can
make the document as docxtpl does (a table left without rows, raw XML from a value, cell loops,
drawings the substitution cannot match) the tree path runs as before. Here the threshold is 0,
so every shipped template takes the streamed path and is compared with docxtpl's own output.
"""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from docx import Document
from lxml import etree
from test_fastrender import (
    TEMPLATES,
    assert_same_document,
    both,
    build_rich_template,
    canonical_parts,
    fixture,
    png,
    rich_context,
    with_pictures,
)

from pipeline.errors import RenderError
from pipeline.render import engine
from pipeline.render.engine import Image
from pipeline.render.facade import render_docx

W = engine.W_NS
WP = engine.WP_NS


@pytest.fixture
def streamed(monkeypatch):
    """Every part is "large"; records what each scan found."""
    seen: list[engine._Scan] = []
    scan = engine._scan

    def recording(data: bytes) -> engine._Scan:
        seen.append(scan(data))
        seen[-1].body = b"<w:body>" in data  # which part it was
        return seen[-1]

    monkeypatch.setattr(engine, "LARGE_PART", 0)
    monkeypatch.setattr(engine, "_scan", recording)
    return seen


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_shipped_template_streamed_renders_as_docxtpl_renders_it(tmp_path, name, streamed):
    ours, reference = both(tmp_path, f"{name}.docx", fixture(name))
    assert streamed, "the streamed path was not taken"
    assert_same_document(ours, reference)


@pytest.mark.parametrize("name", TEMPLATES)
def test_streamed_and_tree_paths_make_the_same_parts_pictures_included(tmp_path, name, monkeypatch):
    context = with_pictures(fixture(name), Image(png(64, 32, (40, 90, 160)), width_mm=120))
    tree = render_docx(f"{name}.docx", context, "tree")
    monkeypatch.setattr(engine, "LARGE_PART", 0)
    stream = render_docx(f"{name}.docx", context, "stream")
    for label, data in (("tree", tree), ("stream", stream)):
        (tmp_path / f"{label}.docx").write_bytes(data)
    assert canonical_parts(tmp_path / "stream.docx") == canonical_parts(tmp_path / "tree.docx")
    ids = [e.get("id") for e in etree.fromstring(_document_xml(stream)).iter(f"{{{WP}}}docPr")]
    assert ids == [str(1001 + i) for i in range(len(ids))]  # docxtpl's numbering, on the bytes


def test_raw_xml_and_cell_loops_take_the_tree_path_and_match_docxtpl(tmp_path, monkeypatch, streamed):
    folder = tmp_path / "templates"
    folder.mkdir()
    build_rich_template(folder / "rich.docx")
    monkeypatch.setenv("VENDORFLOW_TEMPLATES", str(folder))
    ours, reference = both(tmp_path, "rich.docx", rich_context())
    assert_same_document(ours, reference, xml=False)
    assert streamed and not any(s.body for s in streamed)  # the header was; the body never


def test_a_table_left_without_rows_is_fixed_on_the_tree_as_docxtpl_does(tmp_path, monkeypatch, streamed):
    folder = tmp_path / "templates"
    folder.mkdir()
    document = Document()
    document.add_paragraph("Before {{ title }}")
    table = document.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for r in rows %}"
    table.rows[1].cells[0].text = "{{ r }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("After")
    document.save(str(folder / "empty.docx"))
    monkeypatch.setenv("VENDORFLOW_TEMPLATES", str(folder))
    ours, reference = both(tmp_path, "empty.docx", {"title": "T", "rows": []})
    assert any(s.empty_table for s in streamed)
    assert_same_document(ours, reference)


def test_malformed_xml_in_a_streamed_part_names_the_field(tmp_path):
    """Raw XML never streams (it is checked on the tree); the scan's own error still names the field."""
    folder = tmp_path / "templates"
    folder.mkdir()
    document = Document()
    document.add_paragraph("Fine {{ ok }}")
    document.add_paragraph("Broken {{ markup|safe }} here")
    document.save(str(folder / "broken.docx"))
    prep = engine.prepared(folder / "broken.docx")
    story = next(s for s in prep.stories.values() if s.is_body)
    context = {"ok": "yes", "markup": "<w:r><w:t>unclosed"}
    data = (story.prefix + story.template.render(context) + story.suffix).encode()
    with pytest.raises(RenderError) as caught:
        engine._streamed(prep, "notices/X_broken.docx", context, story, data, False)
    assert "markup|safe" in (caught.value.field or "") and "notices/X_broken.docx" in str(caught.value)


BODY = (
    f'<w:document xmlns:w="{W}" xmlns:wp="{WP}"><w:body>'
    "<w:p><w:pPr><w:sectPr/></w:pPr></w:p>"  # a section ends here
    "<w:tbl><w:tblGrid/><w:tr><w:tc><w:p><w:pPr><w:sectPr/></w:pPr></w:p>"  # not a section: in a cell
    "<w:tbl><w:tblGrid/></w:tbl>"  # a nested table without rows
    "</w:tc></w:tr></w:tbl>"
    '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="7" name="a"/></wp:inline></w:drawing></w:r></w:p>'
    "<w:p><w:r><w:drawing><wp:inline><wp:docPr name=\"b\" id='3'/></wp:inline></w:drawing></w:r></w:p>"
    "<w:sectPr/></w:body></w:document>"
)


def test_the_scan_learns_what_the_tree_path_reads_from_the_tree():
    data = BODY.encode()
    facts = engine._scan(data)
    tree = etree.fromstring(data)
    assert facts.sections == int(engine._SECTIONS(tree)) == 2
    assert facts.empty_table is bool(engine._EMPTY_TABLE(tree)) is True
    assert facts.docpr_ids == ["7", "3"] and facts.docpr_prefixes == ("wp",)
    fixed = engine._renumber_drawings(data, facts)
    engine._fix_docpr_ids(tree)
    assert etree.tostring(etree.fromstring(fixed), method="c14n") == etree.tostring(tree, method="c14n")
    full = BODY.replace("<w:tbl><w:tblGrid/></w:tbl>", "<w:tbl><w:tblGrid/><w:tr/></w:tbl>").encode()
    assert engine._scan(full).empty_table is bool(engine._EMPTY_TABLE(etree.fromstring(full))) is False


def test_drawings_the_substitution_cannot_match_are_left_to_the_tree():
    after = BODY.replace('id="7" name="a"', 'id="7" descr="x id=\'9\'"').encode()  # the id comes first: matched
    fixed, tree = engine._renumber_drawings(after, engine._scan(after)), etree.fromstring(after)
    engine._fix_docpr_ids(tree)
    assert etree.tostring(etree.fromstring(fixed), method="c14n") == etree.tostring(tree, method="c14n")
    tricky = BODY.replace('id="7" name="a"', 'descr="x id=\'9\'" id="7"').encode()  # an id inside another attribute
    facts = engine._scan(tricky)
    assert facts.docpr_ids == ["7", "3"]
    assert engine._renumber_drawings(tricky, facts) is None
    two_prefixes = BODY.replace(f'xmlns:wp="{WP}"', f'xmlns:wp="{WP}" xmlns:d="{WP}"').encode()
    assert engine._renumber_drawings(two_prefixes, engine._scan(two_prefixes)) is None


def test_a_malformed_part_fails_the_scan_as_it_fails_the_parser():
    broken = BODY.replace("</w:tbl>", "", 1).encode()
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(broken, engine._parser())
    with pytest.raises(etree.XMLSyntaxError):
        engine._scan(broken)
    entity = b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>'
    assert b"root:" not in etree.tostring(etree.fromstring(entity, engine._parser()))
    events = etree.iterparse(io.BytesIO(entity), resolve_entities=False, no_network=True)
    assert all(b"root:" not in etree.tostring(e) for _, e in events)  # the scan's settings: nothing resolved


def test_the_chunked_postprocess_equals_docxtpls_on_the_whole_text():
    """docxtpl removes the new line before each paragraph (`{%p %}` leaves them), resolves tabs and
    line breaks, and unescapes `{_ _}`: chunk by chunk the first is done wherever a chunk is cut,
    and the rest is left to the whole text (None)."""
    rng = random.Random(20261203)
    alphabet = ["\n", "<w:p>", "<w:p ", "<w:t>x</w:t>", "a", "中文", "{", "_", "}", "\t", "\n\n", "w:p>", "<"]
    chunked = whole = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randint(0, 6))))
        chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])] or [""]
        got = engine._postprocessed_bytes("<d>", list(chunks), "</d>")
        lines = text.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
        more = any(c in lines for c in "\n\t\a\f") or "{_" in lines or "_}" in lines
        if more:
            assert got is None, (text, chunks)
            whole += 1
        else:
            assert got == ("<d>" + engine._postprocess(text) + "</d>").encode(), (text, chunks)
            chunked += 1
    assert chunked > 200 and whole > 500  # both kinds were tried
