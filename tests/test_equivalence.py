"""Equal to docxtpl, or it refuses (issue 18): never a silently different document.

For every docxtpl template feature a small template is built here with python-docx and
rendered through the compiled path (`render_docx`) and through docxtpl's own `render()`
(`render_docx_docxtpl`). The two documents are compared as summaries a reader and Word
care about: the visible text of every paragraph of every story part, each table's grid
and row widths, what every relationship id used in a part resolves to (type and target,
never dangling) and the pictures stored (sha256, as a multiset). A feature the compiled
path cannot make equal is either routed to docxtpl (the bytes are docxtpl's) or refused
with a RenderError that names the template and the feature.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from lxml import etree
from markupsafe import Markup
from test_fastrender import png

from pipeline.errors import RenderError
from pipeline.render.engine import Image, docxtpl_bound
from pipeline.render.environment import word_template
from pipeline.render.facade import _render_with, render_docx, render_docx_docxtpl

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
CELL_BREAK = "</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>"  # a value that splits its cell in two
RED, BLUE, GREEN = png(40, 20, (200, 30, 30)), png(10, 10, (30, 30, 200)), png(16, 16, (30, 160, 30))


# ---------------------------------------------------------------- what is compared


def _text(p) -> str:
    out = []
    for e in p.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"):
        out.append(e.text or "" if e.tag == f"{{{W}}}t" else "\t" if e.tag.endswith("tab") else "\n")
    return "".join(out)


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str, bool]]:
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    if name not in z.namelist():
        return {}
    out = {}
    for rel in etree.fromstring(z.read(name)).iter(f"{{{PKG}}}Relationship"):
        external = rel.get("TargetMode") == "External"
        target = rel.get("Target") if external else posixpath.normpath(posixpath.join(folder, rel.get("Target")))
        out[rel.get("Id")] = (rel.get("Type").rsplit("/", 1)[-1], target, external)
    return out


def summary(data: bytes) -> dict:
    """The document as the comparison sees it (a dict that prints as a readable diff)."""
    out: dict = {"parts": {}, "media": {}, "core": {}}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        for part in sorted(n for n in names if STORY.match(n)):
            root = etree.fromstring(z.read(part))
            rels = _rels(z, part)
            refs = []
            for element in root.iter():
                for attr, value in element.attrib.items():
                    if not attr.startswith(f"{{{R}}}"):
                        continue
                    where = f"{etree.QName(element).localname}@{etree.QName(attr).localname}"
                    if value not in rels:
                        refs.append(f"{where} -> DANGLING {value}")
                        continue
                    kind, target, external = rels[value]
                    if external:
                        refs.append(f"{where} -> {kind} {target}")
                    elif target not in names:
                        refs.append(f"{where} -> {kind} MISSING {target}")
                    elif target.endswith(".xml"):  # a part: its own summary compares it
                        refs.append(f"{where} -> {kind} {target}")
                    else:
                        refs.append(f"{where} -> {kind} {target} {hashlib.sha256(z.read(target)).hexdigest()[:10]}")
            tables = []
            for table in root.iter(f"{{{W}}}tbl"):
                grid = table.find(f"{{{W}}}tblGrid")
                rows = []
                for row in table.findall(f"{{{W}}}tr"):
                    spans = [int(s.get(f"{{{W}}}val")) for s in row.findall(f"{{{W}}}tc/{{{W}}}tcPr/{{{W}}}gridSpan")]
                    cells = len(row.findall(f"{{{W}}}tc"))
                    rows.append(f"{cells} cells, width {cells - len(spans) + sum(spans)}")
                columns = [] if grid is None else grid.findall(f"{{{W}}}gridCol")
                tables.append({"grid columns": len(columns), "rows": rows})
            out["parts"][part] = {
                "paragraphs": [_text(p) for p in root.iter(f"{{{W}}}p")],
                "tables": tables,
                "references": refs,
            }
        media = Counter(hashlib.sha256(z.read(n)).hexdigest()[:16] for n in names if n.startswith("word/media/"))
        out["media"] = dict(sorted(media.items()))
        if "docProps/core.xml" in names:
            core = etree.fromstring(z.read("docProps/core.xml"))
            out["core"] = {etree.QName(e).localname: e.text for e in core if "date" not in e.tag.lower()}
    return out


def assert_equivalent(ours: bytes, reference: bytes, label: str = "") -> None:
    """Equal summaries, or a unified diff of them (docxtpl's on the left)."""
    a = json.dumps(summary(reference), indent=1, ensure_ascii=False, sort_keys=True).splitlines()
    b = json.dumps(summary(ours), indent=1, ensure_ascii=False, sort_keys=True).splitlines()
    if a != b:
        diff = "\n".join(difflib.unified_diff(a, b, "docxtpl", "fast path", lineterm="", n=2))
        pytest.fail(f"{label}: the fast path differs from docxtpl\n{diff}", pytrace=False)


# ---------------------------------------------------------------- building templates


def table(document, rows: list[list[str]]):
    """A table whose cells hold these texts (a row may have fewer cells than the grid)."""
    width = max(len(r) for r in rows)
    t = document.add_table(rows=len(rows), cols=width)
    for row, texts in zip(t.rows, rows):
        for cell, text in zip(row.cells, texts):
            cell.text = text
        for extra in row._tr.findall(f"{{{W}}}tc")[len(texts) :]:
            row._tr.remove(extra)
    return t


def cell_paragraphs(cell, *texts: str) -> None:
    cell.paragraphs[0].text = texts[0]
    for text in texts[1:]:
        cell.add_paragraph(text)


def runs(document, *texts: str):
    """A paragraph with one run per text (docxtpl's {%r %} and {#r #} act on runs)."""
    p = document.add_paragraph()
    for text in texts:
        p.add_run(text)
    return p


FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:footnotes xmlns:w="{W}" xmlns:r="{R}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def with_footnotes(path: Path, text: str) -> None:
    """python-docx cannot write footnotes: add a footnotes part (and a reference to it) by hand."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["word/footnotes.xml"] = FOOTNOTES.replace("{text}", text).encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.footnotes+xml"/></Types>',
    )
    rels = "word/_rels/document.xml.rels"
    members[rels] = members[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rId900" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'footnotes" Target="footnotes.xml"/></Relationships>',
    )
    reference = '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    members["word/document.xml"] = members["word/document.xml"].replace(b"</w:p>", reference.encode(), 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def without_sections(path: Path) -> None:
    """A body without w:sectPr (Word always writes one; other writers may not)."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["word/document.xml"] = re.sub(rb"<w:sectPr.*?</w:sectPr>", b"", members["word/document.xml"], flags=re.S)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def picture_file(tmp: Path, data: bytes) -> str:
    path = tmp / f"{hashlib.sha1(data).hexdigest()[:8]}.png"
    path.write_bytes(data)
    return str(path)


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Case:
    """One feature: how its template is built, its context, and what the fast path must do:
    "equal" (to docxtpl), "routed" (docxtpl renders it) or the words a refusal must name."""

    id: str
    build: Callable[[Document, Path], None]
    context: Callable[[Path], dict] = lambda template: {}
    expect: str = "equal"
    patch: Callable[[Path], None] | None = None  # what python-docx cannot write, added to the saved file


def rich_text(template: Path) -> dict:
    from docxtpl import RichText

    rich = RichText("bold red", bold=True, color="FF0000")
    rich.add(" & <plain>", italic=True, underline="double")
    return {"rich": rich}


def rich_paragraph(template: Path) -> dict:
    from docxtpl import RichText, RichTextParagraph

    rp = RichTextParagraph()
    rp.add("first paragraph", parastyle="Heading1")
    rp.add(RichText("second & bold", bold=True))
    return {"rp": rp}


def listing(template: Path) -> dict:
    from docxtpl import Listing

    return {"listing": Listing("line one\nline two\ttabbed\aanother paragraph\fafter a page break")}


def hyperlink_to(url: str) -> Callable[[Path], dict]:
    """RichText with a hyperlink as docxtpl's documentation shows it: the relationship is
    made on a DocxTemplate the context never names, so no renderer of this context has it."""

    def context(template: Path) -> dict:
        from docxtpl import RichText

        return {"link": RichText("the site", url_id=word_template(str(template)).build_url_id(url))}

    return context


def template_hyperlink(document, path: Path) -> None:
    """A hyperlink already in the template, to https://example.com/a."""
    rid = document.part.relate_to(
        "https://example.com/a", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", True
    )
    p = document.add_paragraph("Template link: ")
    link = etree.SubElement(p._p, f"{{{W}}}hyperlink", {f"{{{R}}}id": rid})
    run = etree.SubElement(link, f"{{{W}}}r")
    etree.SubElement(run, f"{{{W}}}t").text = "example"
    document.add_paragraph("Context link: {{r link }}")


def picture_in_template(document, path: Path) -> None:
    document.add_picture(picture_file(path.parent, RED), width=Mm(20))
    document.sections[0].header.paragraphs[0].text = "Header {{ logo }}"
    document.add_paragraph("Same bytes again {{ logo }} and another {{ other }}")


def two_sections(text: str) -> Callable[[Document, Path], None]:
    def build(document, path: Path) -> None:
        document.add_paragraph(f"Body {text}")
        document.add_section()
        document.add_paragraph("Second section")

    return build


CASES = [
    Case(
        "variable",
        lambda d, p: d.add_paragraph("Hello {{ name }}, {{ amount }}"),
        lambda t: {"name": "A & B <Ltd>", "amount": 12},
    ),
    Case(
        "p-if-and-for",
        lambda d, p: [
            d.add_paragraph(t)
            for t in (
                "{%p if show %}",
                "shown {{ x }}",
                "{%p endif %}",
                "{%p for i in items %}",
                "item {{ i }}",
                "{%p endfor %}",
            )
        ],
        lambda t: {"show": True, "x": 1, "items": ["a", "b", "c"]},
    ),
    Case(
        "r-if", lambda d, p: runs(d, "A ", "{%r if show %}", "shown", "{%r endif %}", " B"), lambda t: {"show": False}
    ),
    Case("r-comment", lambda d, p: runs(d, "A ", "{#r a note #}", " B {{ x }}"), lambda t: {"x": 1}),
    Case("p-comment", lambda d, p: [d.add_paragraph(t) for t in ("before", "{#p a note #}", "after")]),
    Case("plain-comment", lambda d, p: d.add_paragraph("A {# a note #}B")),
    Case(
        "tr-for",
        lambda d, p: table(
            d, [["Name", "Amount"], ["{%tr for r in rows %}"], ["{{ r.name }}", "{{ r.amount }}"], ["{%tr endfor %}"]]
        ),
        lambda t: {"rows": [{"name": f"n{i}", "amount": i} for i in range(3)]},
    ),
    Case("tr-comment", lambda d, p: table(d, [["a", "b"], ["{#tr hidden row #}", "x"], ["c", "d"]])),
    Case("tr-comment-every-row", lambda d, p: table(d, [["{#tr only row #}", "x"]])),
    Case(
        "tc-for",
        lambda d, p: table(
            d,
            [
                ["Month", "{%tc for m in months %}", "{{ m }}", "{%tc endfor %}"],
                ["Score", "{%tc for m in months %}", "{{ m }}!", "{%tc endfor %}"],
            ],
        ),
        lambda t: {"months": ["05", "06", "07", "08", "09"]},
    ),
    Case(
        "tc-for-no-columns",
        lambda d, p: table(d, [["Month", "{%tc for m in months %}", "{{ m }}", "{%tc endfor %}"]]),
        lambda t: {"months": []},
    ),
    Case("tc-comment", lambda d, p: table(d, [["a", "{#tc hidden #}", "c"], ["d", "{#tc hidden #}", "f"]])),
    Case("tc-comment-one-row", lambda d, p: table(d, [["a", "{#tc hidden #}", "c"], ["d", "e", "f"]])),
    Case(
        "for-across-cells",
        lambda d, p: table(d, [["{% for x in xs %}{{ x }}", "{{ x }}!{% endfor %}"]]),
        lambda t: {"xs": ["a", "b", "c"]},
    ),
    Case(
        "if-across-cells", lambda d, p: table(d, [["a{% if show %}", "b{% endif %}", "c"]]), lambda t: {"show": False}
    ),
    Case("comment-across-cells", lambda d, p: table(d, [["a{# from here", "to here #}b", "c"]])),
    Case(
        "hm",
        lambda d, p: table(
            d,
            [
                ["{%tc for c in cols %}", "{% hm %}Merged", "{%tc endfor %}"],
                ["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"],
            ],
        ),
        lambda t: {"cols": ["x", "y", "z"]},
    ),
    Case(
        "vm",
        lambda d, p: table(
            d, [["{%tr for r in rows %}"], ["{% vm %}{{ r.group }}", "{{ r.name }}"], ["{%tr endfor %}"]]
        ),
        lambda t: {"rows": [{"group": "G", "name": f"n{i}"} for i in range(3)]},
    ),
    Case(
        "colspan",
        lambda d, p: table(d, [["{% colspan n %}{{ text }}", "b", "c"], ["d", "e", "f"]]),
        lambda t: {"n": 3, "text": "wide"},
    ),
    Case(
        "cellbg",
        lambda d, p: table(d, [["{% cellbg colour %}{{ text }}", "b"]]),
        lambda t: {"colour": "FF0000", "text": "red"},
    ),
    Case("richtext", lambda d, p: d.add_paragraph("Rich: {{r rich }} end"), rich_text),
    Case(
        "richtext-paragraph",
        lambda d, p: [d.add_paragraph(t) for t in ("before", "{{p rp }}", "after")],
        rich_paragraph,
    ),
    Case("listing", lambda d, p: d.add_paragraph("Listing: {{ listing }} end"), listing),
    Case("multiline-value", lambda d, p: d.add_paragraph("Value: {{ v }}"), lambda t: {"v": "one\ntwo\tthree"}),
    Case(
        "escaped-tags",
        lambda d, p: d.add_paragraph("Literal {_{ not a tag }_} and {_% neither %_} {{ x }}"),
        lambda t: {"x": 1},
    ),
    Case("tag-literal", lambda d, p: d.add_paragraph('{{ x|default("A & B < C") }}')),
]


def header_footer(document, path: Path) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = "Header {{ title }}"
    section.footer.paragraphs[0].text = "Footer {{ note }}"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "First page {{ title }}"
    document.add_paragraph("Body {{ title }}")


def core_properties(document, path: Path) -> None:
    props = document.core_properties
    props.title, props.subject, props.author = "Report {{ title }}", "Plain & simple", "Author {{ who }}"
    props.comments = "{# nothing #}kept"
    document.add_paragraph("Body {{ title }}")


def footnotes(text: str) -> Callable[[Path], None]:
    return lambda path: with_footnotes(path, text)


CASES += [
    Case("header-footer", header_footer, lambda t: {"title": "T & <1>", "note": "第 1 页"}),
    Case("core-properties", core_properties, lambda t: {"title": "October", "who": "Finance"}),
    Case(
        "footnotes",
        lambda d, p: d.add_paragraph("Body {{ x }}"),
        lambda t: {"x": "X", "y": "note & <y>"},
        patch=footnotes("Footnote {{ y }}"),
    ),
    Case(
        "footnotes-two-sections",
        two_sections("{{ x }}"),
        lambda t: {"x": "X", "y": "plain"},
        patch=footnotes("Footnote {{ y }}"),
    ),
    Case(
        "footnotes-two-sections-tag-in-data",
        two_sections("{{ x }}"),
        lambda t: {"x": "X", "y": "{{ 7*7 }}"},
        expect="footnotes hold a template tag",
        patch=footnotes("Footnote {{ y }}"),
    ),
    Case(
        "footnotes-no-section",
        lambda d, p: d.add_paragraph("Body {{ x }}"),
        lambda t: {"x": "X", "y": "Y"},
        patch=lambda path: (with_footnotes(path, "Footnote {{ y }}"), without_sections(path)),
    ),
    Case(
        "footnotes-picture",
        lambda d, p: d.add_paragraph("Body"),
        lambda t: {"pic": Image(BLUE, width_mm=5)},
        expect="a picture in the footnotes",
        patch=footnotes("Footnote {{ pic }}"),
    ),
    Case(
        "picture",
        lambda d, p: d.add_paragraph("Pic {{ pic }} twice {{ pic }}"),
        lambda t: {"pic": Image(BLUE, width_mm=5)},
    ),
    Case(
        "picture-in-header",
        lambda d, p: setattr(d.sections[0].header.paragraphs[0], "text", "Logo {{ pic }}"),
        lambda t: {"pic": Image(BLUE, height_mm=5)},
    ),
    Case(
        "picture-already-in-template",
        picture_in_template,
        lambda t: {"logo": Image(RED, width_mm=10), "other": Image(GREEN, width_mm=10)},
    ),
    Case(
        "picture-in-tr-loop",
        lambda d, p: table(d, [["{%tr for r in rows %}"], ["{{ r.name }}", "{{ r.pic }}"], ["{%tr endfor %}"]]),
        lambda t: {
            "rows": [{"name": "a", "pic": Image(RED, width_mm=5)}, {"name": "b", "pic": Image(BLUE, width_mm=5)}]
        },
    ),
    Case(
        "picture-in-core-properties",
        lambda d, p: setattr(d.core_properties, "title", "T {{ pic }}"),
        lambda t: {"pic": Image(BLUE, width_mm=5)},
        expect="a picture in the document properties",
    ),
    Case("richtext-in-cell", lambda d, p: table(d, [["Rich: {{r rich }}", "b"]]), rich_text),
    Case("listing-in-cell", lambda d, p: table(d, [["{{ listing }}", "b"]]), listing),
    Case(
        "p-for-in-cell",
        lambda d, p: cell_paragraphs(
            table(d, [["", "b"]]).cell(0, 0), "{%p for i in items %}", "{{ i }}", "{%p endfor %}"
        ),
        lambda t: {"items": [1, 2, 3]},
    ),
    Case("hyperlink-in-template-reused", template_hyperlink, hyperlink_to("https://example.com/a")),
    Case(
        "value-xml-adds-a-cell",
        lambda d, p: table(d, [["a {{ split }} b", "c"], ["d", "e"]]),
        lambda t: {"split": Markup(CELL_BREAK)},
    ),
    Case(
        "safe-filter-adds-a-cell",
        lambda d, p: table(d, [["a {{ split|safe }} b", "c"], ["d", "e"]]),
        lambda t: {"split": CELL_BREAK},
    ),
    Case(
        "value-xml-names-no-relationship",
        lambda d, p: d.add_paragraph("x {{ pic }}"),
        lambda t: {
            "pic": Markup('</w:t></w:r><w:hyperlink r:id="rId77"><w:r><w:t>y</w:t></w:r></w:hyperlink><w:r><w:t>')
        },
        expect="hyperlink r:id",
    ),
    Case(
        "hyperlink-richtext",
        lambda d, p: d.add_paragraph("Link: {{r link }}"),
        hyperlink_to("https://example.com/new"),
        expect="hyperlink r:id",
    ),
    Case(
        "hyperlink-to-a-picture-relationship",
        lambda d, p: d.add_paragraph("Link: {{r link }} and {{ pic }}"),
        lambda t: hyperlink_to("https://example.com/new")(t) | {"pic": Image(BLUE, width_mm=5)},
        expect="hyperlink r:id",
    ),
    Case(
        "hyperlink-to-the-styles",
        lambda d, p: d.add_paragraph("Link: {{r link }}"),
        lambda t: {"link": __import__("docxtpl").RichText("x", url_id="rId1")},
        expect="hyperlink r:id",
    ),
]


def inline_image(template: Path) -> dict:
    """docxtpl's own picture, bound to a DocxTemplate of this template."""
    from docxtpl import InlineImage

    return {"pic": InlineImage(word_template(str(template)), io.BytesIO(RED), width=Mm(10))}


def subdoc(template: Path) -> dict:
    pytest.importorskip("docxcompose", reason="docxtpl's Subdoc needs docxcompose")
    tpl = word_template(str(template))
    sub = tpl.new_subdoc()
    sub.add_paragraph("A paragraph from a subdocument")
    sub.add_table(rows=2, cols=3).cell(0, 0).text = "sub table"
    return {"sub": sub}


def without_core_properties(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}
    members["_rels/.rels"] = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", members["_rels/.rels"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def patching(template: Path) -> dict:
    tpl = word_template(str(template))
    tpl.replace_media(io.BytesIO(RED), io.BytesIO(BLUE))
    return {"tpl": tpl, "x": 1}


def another_template(template: Path) -> dict:
    other = template.with_name("other.docx")
    Document().save(str(other))
    return inline_image(other)


CASES += [
    Case("inline-image", lambda d, p: d.add_paragraph("Pic {{ pic }}"), inline_image, expect="routed"),
    Case(
        "subdoc", lambda d, p: [d.add_paragraph(t) for t in ("before", "{{p sub }}", "after")], subdoc, expect="routed"
    ),
    Case(
        "no-core-properties-part",
        core_properties,
        lambda t: {"title": "T", "who": "W"},
        expect="routed",
        patch=without_core_properties,
    ),
    Case(
        "replace-media-requested",
        lambda d, p: d.add_paragraph("Body {{ x }}"),
        patching,
        expect="replace_pic/replace_media/replace_embedded/replace_zipname",
    ),
    Case(
        "bound-to-another-template",
        lambda d, p: d.add_paragraph("Pic {{ pic }}"),
        another_template,
        expect="bound to a docxtemplate of other.docx",
    ),
    Case(
        "bound-to-two-templates",
        lambda d, p: d.add_paragraph("Pic {{ pic }} {{ again }}"),
        lambda t: inline_image(t) | {"again": inline_image(t)["pic"]},
        expect="more than one docxtemplate",
    ),
]


def with_picture_and_table(case: Case) -> Case:
    """The feature in a document that also has a picture and a row loop."""

    def build(document, path: Path) -> None:
        case.build(document, path)
        document.add_paragraph("Also a picture {{ extra_pic }}")
        table(document, [["{%tr for r in extra_rows %}"], ["{{ r }}", "{{ r }}!"], ["{%tr endfor %}"]])

    def context(template: Path) -> dict:
        return case.context(template) | {"extra_pic": Image(GREEN, width_mm=8), "extra_rows": ["r1", "r2"]}

    return Case(f"{case.id}+picture+table", build, context, case.expect, case.patch)


MATRIX = CASES + [with_picture_and_table(c) for c in CASES if c.expect == "equal" and "picture" not in c.id]


def make(tmp_path: Path, case: Case) -> Path:
    document = Document()
    template = tmp_path / f"{case.id}.docx"
    case.build(document, template)
    document.save(str(template))
    if case.patch:
        case.patch(template)
    return template


@pytest.mark.parametrize("case", MATRIX, ids=lambda c: c.id)
def test_the_fast_path_equals_docxtpl_or_refuses(tmp_path, case):
    template = make(tmp_path, case)
    if case.expect == "equal":
        ours = render_docx(str(template), case.context(template), "ours.docx")
        reference = render_docx_docxtpl(str(template), case.context(template), "reference.docx")
        assert_equivalent(ours, reference, case.id)
        return
    if case.expect == "routed":  # docxtpl's own render(): its bytes, on the DocxTemplate the context is bound to
        ours = render_docx(str(template), case.context(template), "doc.docx")
        context = case.context(template)
        bound = docxtpl_bound(context)
        tpl = bound.tpl if bound is not None else word_template(str(template))
        assert ours == _render_with(tpl, str(template), context, "doc.docx"), case.id
        assert_equivalent(ours, _render_with(tpl, str(template), context, "doc.docx"), case.id)
        return
    with pytest.raises(RenderError) as caught:
        render_docx(str(template), case.context(template), "ours.docx")
    message = str(caught.value)
    assert template.name in message and case.expect in message.lower(), message


REFUSED = {c.id: c for c in CASES if c.expect not in ("equal", "routed")}


@pytest.mark.parametrize(
    "name, docxtpl_does",
    [
        ("footnotes-two-sections-tag-in-data", "Footnote 49"),  # data run as template code
        ("hyperlink-richtext", "hyperlink@id -> DANGLING"),
        ("hyperlink-to-a-picture-relationship", "hyperlink@id -> image"),
        ("hyperlink-to-the-styles", "hyperlink@id -> customXml"),
        ("footnotes-picture", "no attribute 'new_pic_inline'"),
        ("picture-in-core-properties", "exceeded 255 char limit"),
    ],
)
def test_what_docxtpl_does_where_the_fast_path_refuses(tmp_path, name, docxtpl_does):
    """The refusals are not caution: docxtpl's own render() makes a wrong document, or fails."""
    case = REFUSED[name]
    template = make(tmp_path, case)
    try:
        shown = json.dumps(summary(render_docx_docxtpl(str(template), case.context(template))), ensure_ascii=False)
    except RenderError as exc:
        shown = str(exc)
    assert docxtpl_does in shown


def test_the_shipped_templates_stay_on_the_fast_path(monkeypatch):
    """No shipped template is routed to docxtpl, and none needs the table fix on every document
    but the one whose rows change their cells (its {%tc %} loops)."""
    from test_fastrender import TEMPLATES, fixture

    from pipeline.render import engine, facade

    def refuse(*args, **kwargs):
        raise AssertionError("routed to docxtpl")

    monkeypatch.setattr(facade, "_render_with", refuse)
    monkeypatch.setattr(facade, "render_docx_docxtpl", refuse)
    fixing = []
    for name in TEMPLATES:
        assert render_docx(f"{name}.docx", fixture(name))
        prep = engine.prepared(facade.template_path(f"{name}.docx"))
        if any(story.cells_can_change for story in prep.stories.values()):
            fixing.append(name)
    assert fixing == ["selection_report"]
