#!/usr/bin/env python3
"""Bootstrap the bilingual (简体中文 + English) docxtpl templates in ``contract_templates/``.

    python tools/bootstrap/build_templates.py            # creates the three monthly templates
    python tools/bootstrap/build_templates.py --out DIR  # somewhere else (e.g. for a diff)
    python tools/bootstrap/build_templates.py --force    # overwrite templates edited since

The .docx files in ``contract_templates/`` are the source of truth, edited by the office in
Word or LibreOffice. This script only creates them from scratch: through ``_guard.py`` it
refuses to overwrite a template whose bytes differ from what it last wrote (recorded in
``contract_templates/.bootstrap.json``) unless given ``--force``.

The notices (警告函, 整改通知书, 解除合同通知书, 表扬信, 退出评审表) and the quarterly /
annual review templates are built by tools/bootstrap/build_notice_templates.py with the
helpers here.

The output is deterministic: the same python-docx version gives byte-identical files
(fixed core properties, fixed ZIP timestamps), so a re-run shows up in git only when
this script changed.

The templates are ordinary Word documents meant to be edited later by business users in
Word or LibreOffice: real named styles (Normal, Title, Subtitle, Heading 1/2, List Bullet,
"Table Text", "Table English", "Table Heading", the "Vendorflow Table" table style, ...),
no text boxes, and every Jinja tag typed in plain ASCII braces inside a single run.

The Jinja context of each template is documented by the fixtures in
``tests/fixtures/contexts/<template>.json``. Every value arrives preformatted, so the
templates only place strings; they do no arithmetic or number formatting.

docxtpl conventions used here:
  * ``{%tr ... %}``  in a table row   -> the whole row is replaced by the tag (row loops);
  * ``{%p ... %}``   in a paragraph   -> the whole paragraph is replaced by the tag.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, Twips
from docx.text.paragraph import Paragraph

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _guard  # noqa: E402  (the only way a template is written)

ROOT = Path(__file__).resolve().parents[2]  # tools/bootstrap/ -> the repository
DEFAULT_OUT = ROOT / "contract_templates"

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
AUTHOR = "vendorflow"

# Fonts: body serif (宋体), headings sans (黑体). On machines without the Chinese
# Windows fonts, pipeline/fonts.conf maps them to Noto Serif/Sans CJK SC.
BODY_LATIN, BODY_CJK = "Times New Roman", "SimSun"
HEAD_LATIN, HEAD_CJK = "Arial", "SimHei"

# A4 portrait, 2 cm margins -> 17 cm text width.
PAGE_W, PAGE_H, MARGIN = Cm(21.0), Cm(29.7), Cm(2.0)
TEXT_W_CM = 17.0

HEADER_FILL = "D9D9D9"  # table header row
LABEL_FILL = "F2F2F2"  # label column of key/value tables, subtotal rows

LEFT, CENTER, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


# --------------------------------------------------------------------------- styles


def _rpr(element):
    """The w:rPr of a style / docDefaults element, created if missing."""
    return element.get_or_add_rPr()


def _set_fonts(rPr, latin: str, east_asia: str) -> None:
    """Explicit w:rFonts (ascii/hAnsi/cs = latin, eastAsia = CJK); drops theme fonts,
    which would otherwise win over the explicit names."""
    rFonts = rPr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rFonts.attrib.pop(qn(attr), None)
    rFonts.set(qn("w:ascii"), latin)
    rFonts.set(qn("w:hAnsi"), latin)
    rFonts.set(qn("w:eastAsia"), east_asia)
    rFonts.set(qn("w:cs"), latin)


def _set_lang(rPr) -> None:
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rPr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.attrib.pop(qn("w:bidi"), None)


def _remove(parent, *tags) -> None:
    if parent is None:
        return
    for tag in tags:
        for el in parent.findall(qn(tag)):
            parent.remove(el)


def _para_style(
    doc,
    name,
    base="Normal",
    *,
    size=None,
    bold=None,
    align=None,
    before=None,
    after=None,
    line=None,
    fonts=None,
    keep_next=None,
    left_indent=None,
    next_style=None,
):
    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.quick_style = True
    if base is not None and st.name != "Normal":
        st.base_style = styles[base]
    if next_style:
        st.next_paragraph_style = styles[next_style]
    f, pf = st.font, st.paragraph_format
    if size is not None:
        f.size = Pt(size)
        rPr = _rpr(st.element)
        szCs = rPr.find(qn("w:szCs"))
        if szCs is None:
            szCs = OxmlElement("w:szCs")
            rPr.insert_element_before(
                szCs,
                "w:highlight",
                "w:u",
                "w:effect",
                "w:bdr",
                "w:shd",
                "w:fitText",
                "w:vertAlign",
                "w:rtl",
                "w:cs",
                "w:em",
                "w:lang",
                "w:eastAsianLayout",
                "w:specVanish",
                "w:oMath",
            )
        szCs.set(qn("w:val"), str(int(size * 2)))
    if bold is not None:
        f.bold = bold
    if align is not None:
        pf.alignment = align
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        pf.line_spacing = line
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if left_indent is not None:
        pf.left_indent = left_indent
    if fonts is not None:
        _set_fonts(_rpr(st.element), *fonts)
    return st


TABLE_STYLE_XML = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="VendorflowTable">
  <w:name w:val="Vendorflow Table"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr>
    <w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>
  </w:pPr>
  <w:rPr>
    <w:sz w:val="18"/>
    <w:szCs w:val="18"/>
  </w:rPr>
  <w:tblPr>
    <w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>
      <w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/>
      <w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>
      <w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/>
      <w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="28" w:type="dxa"/>
      <w:left w:w="57" w:type="dxa"/>
      <w:bottom w:w="28" w:type="dxa"/>
      <w:right w:w="57" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tcPr>
    <w:vAlign w:val="center"/>
  </w:tcPr>
  <w:tblStylePr w:type="firstRow">
    <w:pPr>
      <w:jc w:val="center"/>
    </w:pPr>
    <w:rPr>
      <w:b/>
      <w:bCs/>
    </w:rPr>
    <w:tblPr/>
    <w:tcPr>
      <w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>
    </w:tcPr>
  </w:tblStylePr>
</w:style>
"""


def setup_styles(doc) -> None:
    styles = doc.styles
    root = styles.element

    # Document defaults: 宋体 / Times New Roman, 10.5 pt (五号), en-US + zh-CN.
    rpr_default = root.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, BODY_LATIN, BODY_CJK)
    rpr_default.find(qn("w:sz")).set(qn("w:val"), "21")
    rpr_default.find(qn("w:szCs")).set(qn("w:val"), "21")
    _set_lang(rpr_default)
    ppr_default = root.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = _para_style(doc, "Normal", None, size=10.5, after=3, line=1.15, fonts=(BODY_LATIN, BODY_CJK))
    _set_lang(_rpr(normal.element))
    normal.paragraph_format.widow_control = True

    # Built-in heading styles: strip the theme colours / fonts / borders of the stock template.
    for sid in ("Title", "Subtitle", "Heading1", "Heading2"):
        el = root.find(f"{qn('w:style')}[@{qn('w:styleId')}='{sid}']")
        pPr, rPr = el.find(qn("w:pPr")), el.find(qn("w:rPr"))
        _remove(pPr, "w:pBdr", "w:numPr", "w:contextualSpacing")
        _remove(rPr, "w:color", "w:spacing", "w:kern", "w:i", "w:iCs")

    _para_style(
        doc,
        "Title",
        size=18,
        bold=True,
        align=CENTER,
        before=6,
        after=2,
        line=1.0,
        fonts=(HEAD_LATIN, HEAD_CJK),
        keep_next=True,
    )
    _para_style(
        doc,
        "Subtitle",
        size=12,
        bold=False,
        align=CENTER,
        before=0,
        after=10,
        line=1.0,
        fonts=(HEAD_LATIN, HEAD_CJK),
        keep_next=True,
    )
    _para_style(
        doc, "Heading 1", size=14, bold=True, before=12, after=6, line=1.0, fonts=(HEAD_LATIN, HEAD_CJK), keep_next=True
    )
    _para_style(
        doc, "Heading 2", size=12, bold=True, before=8, after=4, line=1.0, fonts=(HEAD_LATIN, HEAD_CJK), keep_next=True
    )
    for sid in ("TitleChar", "SubtitleChar", "Heading1Char", "Heading2Char"):
        el = root.find(f"{qn('w:style')}[@{qn('w:styleId')}='{sid}']")
        if el is not None:
            rPr = el.find(qn("w:rPr"))
            _remove(rPr, "w:color", "w:spacing", "w:kern", "w:i", "w:iCs")
            _set_fonts(rPr, HEAD_LATIN, HEAD_CJK)

    # Letterhead (organisation name above the title).
    _para_style(
        doc,
        "Organisation",
        size=14,
        bold=True,
        align=CENTER,
        before=0,
        after=0,
        line=1.0,
        fonts=(HEAD_LATIN, HEAD_CJK),
        keep_next=True,
    )
    _para_style(doc, "Organisation English", "Organisation", size=9, bold=False, after=8)
    # Document number / date line under the title, with a rule below it.
    meta = _para_style(doc, "Document Info", size=9, align=LEFT, before=0, after=12, line=1.0)
    meta.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_W_CM), WD_TAB_ALIGNMENT.RIGHT)
    _rule_below(meta.element.get_or_add_pPr())

    # English paragraph directly below its Chinese paragraph: slightly smaller.
    _para_style(doc, "English", size=9.5, after=6)
    _para_style(doc, "List English", "English", left_indent=Twips(360))
    lb = _para_style(doc, "List Bullet", after=0)
    _remove(lb.element.find(qn("w:pPr")), "w:contextualSpacing")
    _para_style(doc, "Key Figure", size=16, bold=True, align=CENTER, after=0, line=1.0, fonts=(HEAD_LATIN, HEAD_CJK))

    # Table paragraphs (9 pt).
    _para_style(doc, "Table Text", size=9, before=0, after=0, line=1.0)
    _para_style(doc, "Table English", "Table Text", size=8)
    _para_style(doc, "Table Heading", "Table Text", size=9, bold=True, align=CENTER)

    footer = _para_style(doc, "Footer", size=8, after=0, line=1.0)
    tabs = footer.element.find(qn("w:pPr")).find(qn("w:tabs"))
    if tabs is not None:
        footer.element.find(qn("w:pPr")).remove(tabs)
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_W_CM / 2), WD_TAB_ALIGNMENT.CENTER)
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_W_CM), WD_TAB_ALIGNMENT.RIGHT)

    root.append(parse_xml(TABLE_STYLE_XML))


def setup_settings(doc) -> None:
    settings = doc.settings.element
    tfl = settings.find(qn("w:themeFontLang"))
    if tfl is not None:
        tfl.set(qn("w:eastAsia"), "zh-CN")
    dts = settings.find(qn("w:defaultTabStop"))
    if dts is not None:
        dts.set(qn("w:val"), "420")


# Font table: the fonts the styles use, with the Chinese names Word shows (宋体 / 黑体)
# and the GB2312 charset, so Word and LibreOffice substitute sensibly where they are missing.
FONT_TABLE_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:font w:name="Times New Roman">
    <w:panose1 w:val="02020603050405020304"/>
    <w:charset w:val="00"/>
    <w:family w:val="roman"/>
    <w:pitch w:val="variable"/>
  </w:font>
  <w:font w:name="SimSun">
    <w:altName w:val="宋体"/>
    <w:panose1 w:val="02010600030101010101"/>
    <w:charset w:val="86"/>
    <w:family w:val="auto"/>
    <w:pitch w:val="variable"/>
  </w:font>
  <w:font w:name="Arial">
    <w:panose1 w:val="020B0604020202020204"/>
    <w:charset w:val="00"/>
    <w:family w:val="swiss"/>
    <w:pitch w:val="variable"/>
  </w:font>
  <w:font w:name="SimHei">
    <w:altName w:val="黑体"/>
    <w:panose1 w:val="02010609060101010101"/>
    <w:charset w:val="86"/>
    <w:family w:val="modern"/>
    <w:pitch w:val="fixed"/>
  </w:font>
  <w:font w:name="Symbol">
    <w:panose1 w:val="05050102010706020507"/>
    <w:charset w:val="02"/>
    <w:family w:val="roman"/>
    <w:pitch w:val="variable"/>
  </w:font>
</w:fonts>
"""

# The Application name is the builder's old path (before tools/bootstrap/): kept as it is,
# since every shipped template carries it and changing it would change all their bytes.
APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
  <Template>Normal.dotm</Template>
  <TotalTime>0</TotalTime>
  <Application>vendorflow tools/build_templates.py</Application>
  <DocSecurity>0</DocSecurity>
  <ScaleCrop>false</ScaleCrop>
  <LinksUpToDate>false</LinksUpToDate>
  <SharedDoc>false</SharedDoc>
  <HyperlinksChanged>false</HyperlinksChanged>
</Properties>
"""


def replace_parts(doc) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    doc.part.part_related_by(RT.FONT_TABLE)._blob = FONT_TABLE_XML.encode("utf-8")
    doc.part.package.part_related_by(RT.EXTENDED_PROPERTIES)._blob = APP_XML.encode("utf-8")


def drop_stale_parts(doc) -> None:
    """The stock python-docx template carries a thumbnail of an empty page and a
    Word-2010 styles copy (stylesWithEffects) that would not match our styles."""
    pkg = doc.part.package
    for rId, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            pkg.rels.pop(rId)
    for rId, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rId)


# --------------------------------------------------------------------------- document helpers


def new_document(title_zh: str, title_en: str, subject: str):
    doc = Document()
    drop_stale_parts(doc)
    replace_parts(doc)
    setup_styles(doc)
    setup_settings(doc)

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = MARGIN
    sec.header_distance = sec.footer_distance = Cm(1.0)

    # Footer: document number left, page x of y right.
    fp = sec.footer.paragraphs[0]
    fp.style = doc.styles["Footer"]
    fp.add_run("{{ doc.no }}")
    fp.add_run("\t\t第 ")
    _field(fp, "PAGE")
    fp.add_run(" 页，共 ")
    _field(fp, "NUMPAGES")
    fp.add_run(" 页　Page ")
    _field(fp, "PAGE")
    fp.add_run(" of ")
    _field(fp, "NUMPAGES")

    cp = doc.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.title = f"{title_zh} {title_en}"
    cp.subject = subject
    cp.keywords = "vendorflow; docxtpl template"
    # (the old path, before tools/bootstrap/: it is in every shipped template's properties,
    # kept so a rebuild gives the same bytes)
    cp.comments = "docxtpl template generated by tools/build_templates.py; context: tests/fixtures/contexts/*.json"
    cp.category = "template"
    cp.language = "zh-CN"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.revision = 1
    return doc


def _field(paragraph, instr: str) -> None:
    def fld(kind):
        r = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)

    fld("begin")
    r = paragraph.add_run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    r._r.append(it)
    fld("separate")
    paragraph.add_run("1")
    fld("end")


def P(container, text="", style="Normal", align=None, bold=False):
    """A paragraph; ``text`` is a string or a list of strings / (string, bold) pairs,
    each becoming one run (so a Jinja tag passed as one string stays in one run)."""
    p = container.add_paragraph(style=style)
    _runs(p, text, bold)
    if align is not None:
        p.alignment = align
    if style in ("English", "List English"):
        # keep the Chinese paragraph on the same page as its English version
        prev = p._p.getprevious()
        if prev is not None and prev.tag == qn("w:p"):
            Paragraph(prev, p._parent).paragraph_format.keep_with_next = True
    return p


def _runs(p, text, bold=False):
    parts = text if isinstance(text, list) else [text]
    for part in parts:
        if isinstance(part, tuple):
            s, b = part
        else:
            s, b = part, bold
        if s == "":
            continue
        r = p.add_run(s)
        if b:
            r.bold = True


# --------------------------------------------------------------------------- keeping things together
#
# Word and LibreOffice keep a paragraph with "keep with next" on the page of what follows it; a
# paragraph before a table stays with the table's first row, the paragraphs of a row with the next
# row. docxtpl's control paragraphs and rows ({%p ... %}, {%tr ... %}) vanish when rendered, so
# "what comes directly before" is found by walking back over them (into both branches of an if).


def _control(el) -> str | None:
    """``if``, ``endfor``, ... when ``el`` is a docxtpl control paragraph or row, else None."""
    if el.tag not in (qn("w:p"), qn("w:tr")):
        return None
    text = "".join(el.itertext()).strip()
    for lead in ("{%p ", "{%tr "):
        if text.startswith(lead) and text.endswith("%}"):
            return text[len(lead) :].split()[0]
    return None


def _keep_paragraphs(el) -> None:
    """keep-with-next on every paragraph of ``el`` (a paragraph, a row or a table's last row)."""
    if el.tag == qn("w:tbl"):
        el = el.findall(qn("w:tr"))[-1]
    paras = [el] if el.tag == qn("w:p") else el.iter(qn("w:p"))
    for p in paras:
        pPr = p.get_or_add_pPr()
        if pPr.find(qn("w:keepNext")) is None:
            pPr.insert_element_before(OxmlElement("w:keepNext"), *PPR_AFTER_KEEP_NEXT)


def keep_before(el, tables: bool = False, limit: int = 8) -> None:
    """Keep what renders directly before ``el`` (a table or a row) with it: the paragraph (or
    row) before it and, behind an ``{%p endif %}``/``{%p endfor %}``, the last one of the block
    as well as the one before the block. ``tables``: a table before it is kept too (its last row)."""
    depth, prev, n = 0, el.getprevious(), 0
    while prev is not None and n < limit:
        kind = _control(prev)
        if kind in ("endif", "endfor"):
            depth += 1
        elif kind in ("if", "for"):
            depth = max(depth - 1, 0)
        elif kind is not None:
            pass  # else / elif: the branch before it renders in its place
        elif prev.tag == qn("w:tbl"):
            if not tables:
                return
            _keep_paragraphs(prev)
            if depth == 0:
                return
        elif prev.tag in (qn("w:p"), qn("w:tr")):
            _keep_paragraphs(prev)
            n += 1
            if depth == 0:
                return
        prev = prev.getprevious()


def plain_look(tbl) -> None:
    """A layout table (signatures, seal, letter closing): no header row, no banding, so a
    table style applied in Word later does not make its first row a header."""
    look = tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        return
    for attr in ("w:firstRow", "w:lastRow", "w:firstColumn", "w:lastColumn"):
        look.set(qn(attr), "0")
    look.set(qn("w:noHBand"), "1")
    look.set(qn("w:noVBand"), "1")
    look.set(qn("w:val"), "0600")


def keep_rows(table) -> None:
    """Every row of a short block (approval, sign-off) keeps with the next: one page."""
    tbl = table.t._tbl if isinstance(table, Table) else table._tbl
    for tr in tbl.findall(qn("w:tr"))[:-1]:
        _keep_paragraphs(tr)


def bi(container, zh, en, style="Normal", en_style="English", align=None):
    """Chinese paragraph with its English version directly below, slightly smaller
    (kept on the same page)."""
    P(container, zh, style, align)
    return P(container, en, en_style, align)


def ctl(container, tag: str):
    """A paragraph holding only a docxtpl ``{%p ... %}`` control tag."""
    return P(container, tag, "Normal")


def heading(doc, zh: str, en: str, level=1):
    return doc.add_paragraph(f"{zh}\u3000{en}", style=f"Heading {level}")


def letterhead(doc, title_zh, title_en, meta_left, meta_right, note=None):
    P(doc, ["{{ org.name_zh }}", "\u3000", "{{ org.department_zh }}"], "Organisation")
    P(doc, ["{{ org.name_en }}", " · ", "{{ org.department_en }}"], "Organisation English")
    P(doc, title_zh, "Title")
    P(doc, title_en, "Subtitle")
    if note:
        P(doc, note, "Organisation English")
    P(doc, meta_left + ["\t"] + meta_right, "Document Info")


# --------------------------------------------------------------------------- table helpers


PPR_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


PPR_AFTER_KEEP_NEXT = (
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
) + PPR_AFTER_PBDR


def _rule_below(pPr, size=8) -> None:
    """A single black line below the paragraph (w:pBdr/w:bottom)."""
    pPr.insert_element_before(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="{size}" w:space="1" w:color="000000"/></w:pBdr>'
        ),
        *PPR_AFTER_PBDR,
    )


def _shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    _remove(tcPr, "w:shd")
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcPr.insert_element_before(
        shd,
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
        "w:headers",
        "w:cellIns",
        "w:cellDel",
        "w:cellMerge",
        "w:tcPrChange",
    )


class Table:
    """A full-width table in the "Vendorflow Table" style.

    Column widths are preferred widths (cm, adding up to the 17 cm text width); the table
    itself is 100 % of the page width with autofit layout ("AutoFit to window")."""

    def __init__(self, doc, widths_cm, aligns=None, header=None, style="Vendorflow Table", first_column=False):
        assert abs(sum(widths_cm) - TEXT_W_CM) < 0.01, (widths_cm, sum(widths_cm))
        self.widths = [Cm(w) for w in widths_cm]
        self.aligns = aligns or [LEFT] * len(widths_cm)
        self.t = doc.add_table(rows=0, cols=len(widths_cm))
        self.t.style = doc.styles[style]
        self.t.autofit = True
        tblPr = self.t._tbl.tblPr
        tblW = tblPr.find(qn("w:tblW"))
        tblW.set(qn("w:type"), "pct")
        tblW.set(qn("w:w"), "5000")
        look = tblPr.find(qn("w:tblLook"))
        look.set(qn("w:firstRow"), "1" if header else "0")
        look.set(qn("w:firstColumn"), "1" if first_column else "0")
        look.set(qn("w:lastRow"), "0")
        look.set(qn("w:lastColumn"), "0")
        look.set(qn("w:noHBand"), "1")
        look.set(qn("w:noVBand"), "1")
        look.set(qn("w:val"), "%04X" % ((0x20 if header else 0) | (0x80 if first_column else 0) | 0x200 | 0x400))
        for col, w in zip(self.t.columns, self.widths):
            col.width = w
        # the heading or sentence introducing the table stays on the page of its first row
        keep_before(self.t._tbl)
        if header:
            self.header(header)

    def _new_row(self, cant_split=True):
        row = self.t.add_row()
        for cell, w in zip(row.cells, self.widths):
            cell.width = w
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if cant_split:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        return row

    def header(self, cols):
        """Header row: "中文" line break "English", bold, grey, repeated on each page."""
        row = self._new_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, col in zip(row.cells, cols):
            zh, en = col
            p = cell.paragraphs[0]
            p.style = self.t.part.document.styles["Table Heading"]
            p.add_run(zh)
            if en:
                p.add_run().add_break()
                p.add_run(en)
            _shade(cell, HEADER_FILL)
        return row

    def control(self, tag: str):
        """A row that only carries a docxtpl ``{%tr ... %}`` tag (removed on render)."""
        row = self._new_row()  # (removed on render; cantSplit so that every row of the template has it)
        cell = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
        p = cell.paragraphs[0]
        p.style = self.t.part.document.styles["Table Text"]
        p.add_run(tag)
        return row

    def row(self, cells, span=None, bold=False, fill=None, aligns=None, total=False):
        """``cells``: one entry per (merged) cell; each entry is a string / run list
        (one "Table Text" paragraph), a ``(zh, en)`` tuple (Chinese paragraph + smaller
        English paragraph) or a list of ``(style, text)`` paragraphs.
        ``span`` optionally gives the number of grid columns of each entry.
        ``total``: a total row, never alone on a page: the row(s) before it keep with it."""
        row = self._new_row()
        if total:
            keep_before(row._tr)
        span = span or [1] * len(cells)
        aligns = aligns or []
        targets, col = [], 0
        for n in span:
            c = row.cells[col]
            if n > 1:
                c = c.merge(row.cells[col + n - 1])
            targets.append((c, col))
            col += n
        for i, ((cell, col), content) in enumerate(zip(targets, cells)):
            align = aligns[i] if i < len(aligns) and aligns[i] is not None else self.aligns[col]
            self._fill(cell, content, align, bold)
            if fill:
                _shade(cell, fill)
        return row

    def _fill(self, cell, content, align, bold):
        styles = self.t.part.document.styles
        if isinstance(content, tuple):
            paras = [("Table Text", content[0]), ("Table English", content[1])]
        elif (
            isinstance(content, list)
            and content
            and isinstance(content[0], tuple)
            and len(content[0]) == 2
            and content[0][0] in ("Table Text", "Table English", "Table Heading", "Key Figure", "Normal")
        ):
            paras = content
        else:
            paras = [("Table Text", content)]
        first = True
        for style, text in paras:
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            p.style = styles[style]
            _runs(p, text, bold)
            if align is not None and style != "Key Figure":
                p.alignment = align

    def none_row(self, text=("无", "None")):
        """Full-width "无 / None" row for an empty list."""
        return self.row([f"{text[0]} / {text[1]}"], span=[len(self.widths)], aligns=[CENTER])


def _cell_bottom_rule(cell) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    tcPr.insert_element_before(
        parse_xml(
            f'<w:tcBorders {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="0" '
            f'w:color="000000"/></w:tcBorders>'
        ),
        "w:shd",
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
    )


def signature_table(doc, blocks, gap_cm=0.8):
    """Borderless signature / seal block: one column per party, a narrow empty column
    between them. Every block has the same list of row specs:
    ``(style, text)`` a line of text; ``("space", pt)`` blank room to sign or seal;
    ``("line", label)`` a ruled line (cell bottom border) with the label sitting on it."""
    n = len(blocks)
    width = (TEXT_W_CM - gap_cm * (n - 1)) / n
    widths = []
    for i in range(n):
        widths += [width] + ([gap_cm] if i < n - 1 else [])
    t = doc.add_table(rows=len(blocks[0]), cols=len(widths))
    t.autofit = True
    tblW = t._tbl.tblPr.find(qn("w:tblW"))
    tblW.set(qn("w:type"), "pct")
    tblW.set(qn("w:w"), "5000")
    styles = doc.styles
    for col, w in zip(t.columns, widths):
        col.width = Cm(w)
    plain_look(t._tbl)
    # the closing paragraph (or the approval table) before the block stays on its page
    keep_before(t._tbl, tables=True)
    last = len(t.rows) - 1
    for r, row in enumerate(t.rows):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for c, cell in enumerate(row.cells):
            cell.width = Cm(widths[c])
            p = cell.paragraphs[0]
            p.style = styles["Table Text"]
            p.paragraph_format.keep_with_next = r < last  # keep the block on one page
            if r == 0:
                p.paragraph_format.space_before = Pt(12)  # distance from the text above
            if c % 2:
                continue  # gap column
            kind, value = blocks[c // 2][r]
            if kind == "space":
                p.paragraph_format.space_before = Pt(value)
            elif kind == "line":
                p.paragraph_format.space_before = Pt(14)
                _runs(p, value)
                _cell_bottom_rule(cell)
            else:
                p.style = styles[kind]
                _runs(p, value)
    return t


def chart(doc, expr: str, caption=None):
    """A picture field alone in its own centred paragraph, shown only when the code passes
    one: ``{%p if x %}`` / ``{{ x }}`` / ``{%p endif %}``. With "" nothing at all is left."""
    ctl(doc, f"{{%p if {expr} %}}")
    p = P(doc, f"{{{{ {expr} }}}}", align=CENTER)
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = bool(caption)
    if caption:
        P(doc, caption, "Table English", align=CENTER)
    ctl(doc, "{%p endif %}")


def bullets(doc, name: str, none=("无", "None"), item="a"):
    """A bulleted zh/en list over ``name`` (items with ``zh`` / ``en``), "无 / None" if empty."""
    ctl(doc, f"{{%p for {item} in {name} %}}")
    bi(doc, f"{{{{ {item}.zh }}}}", f"{{{{ {item}.en }}}}", "List Bullet", "List English")
    ctl(doc, "{%p endfor %}")
    ctl(doc, f"{{%p if not {name} %}}")
    P(doc, f"{none[0]} / {none[1]}")
    ctl(doc, "{%p endif %}")


def flags_table(doc, name: str, none=("无", "None")):
    """Risk flags (severity_zh/en, zh, en) as a two-column table."""
    t = Table(doc, [2.6, 14.4], aligns=[CENTER, LEFT], header=[("严重程度", "Severity"), ("风险描述", "Description")])
    t.control(f"{{%tr for f in {name} %}}")
    t.row([(["{{ f.severity_zh }}"], ["{{ f.severity_en }}"]), (["{{ f.zh }}"], ["{{ f.en }}"])])
    t.control("{%tr endfor %}")
    t.control(f"{{%tr if not {name} %}}")
    t.none_row(none)
    t.control("{%tr endif %}")
    return t


# --------------------------------------------------------------------------- review report


def build_review_report():
    doc = new_document(
        "供应商月度绩效评估报告",
        "Supplier Monthly Performance Review",
        "供应商月度绩效评估 / Supplier monthly performance review",
    )
    letterhead(
        doc,
        "供应商月度绩效评估报告",
        "Supplier Monthly Performance Review",
        ["文件编号 Doc. No.：", "{{ doc.no }}"],
        ["日期 Date：", "{{ doc.date_zh }}", " / ", "{{ doc.date_en }}"],
    )

    # 一、基本信息
    heading(doc, "一、基本信息", "General Information")
    t = Table(doc, [4.0, 13.0], first_column=True)
    info = [
        (("供应商", "Supplier"), (["{{ supplier.name_zh }}"], ["{{ supplier.name_en }}"])),
        (("供应商编号", "Supplier ID"), "{{ supplier.id }}"),
        (("类别", "Category"), (["{{ supplier.category_zh }}"], ["{{ supplier.category_en }}"])),
        (("供应商状态", "Supplier status"), (["{{ supplier.status_zh }}"], ["{{ supplier.status_en }}"])),
        (("合同编号", "Contract"), "{{ supplier.contract_nos }}"),
        (("供应商联系人", "Supplier contact"), (["{{ supplier.contact_name }}"], ["{{ supplier.contact_name_en }}"])),
        (
            ("考核期间", "Review period"),
            (
                ["{{ period.zh }}", "（", "{{ period.start_zh }}", "至", "{{ period.end_zh }}", "）"],
                ["{{ period.en }}", " (", "{{ period.start_en }}", " – ", "{{ period.end_en }}", ")"],
            ),
        ),
        (("评估人", "Evaluator"), "{{ evaluation.evaluator }}"),
    ]
    for label, value in info:
        r = t.row([label, value])
        _shade(r.cells[0], LABEL_FILL)

    # 二、关键绩效指标
    heading(doc, "二、关键绩效指标", "Key Performance Indicators")
    t = Table(
        doc,
        [3.7, 2.2, 2.1, 3.0, 1.7, 1.9, 2.4],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[
            ("指标", "KPI"),
            ("实际值", "Actual"),
            ("目标值", "Target"),
            ("零分线", "Floor"),
            ("得分", "Score"),
            ("权重", "Weight"),
            ("加权得分", "Weighted"),
        ],
    )
    t.control("{%tr for k in kpis %}")
    t.row(
        [
            (["{{ k.name_zh }}"], ["{{ k.name_en }}"]),
            "{{ k.actual }}",
            "{{ k.target }}",
            "{{ k.floor }}",
            "{{ k.score }}",
            "{{ k.weight }}",
            "{{ k.weighted }}",
        ]
    )
    t.control("{%tr endfor %}")
    ctl(doc, "{%p if weights_renormalised %}")
    P(doc, [("注：", True), "{{ na_note_zh }}"], "Normal").paragraph_format.space_before = Pt(4)
    P(doc, [("Note: ", True), "{{ na_note_en }}"], "English")
    ctl(doc, "{%p endif %}")

    # 三、综合评价
    heading(doc, "三、综合评价", "Overall Result")
    ctl(doc, "{%p if evaluation.rated %}")
    t = Table(doc, [3.4, 4.1, 3.4, 6.1], aligns=[CENTER] * 4)
    r = t.row(
        [
            ("综合得分", "Total score"),
            [("Key Figure", "{{ total.score }}")],
            ("评级", "Grade"),
            [
                ("Key Figure", "{{ total.grade }}"),
                ("Table Text", ["{{ total.grade_zh }}", " ", "{{ total.grade_en }}"]),
            ],
        ]
    )
    _shade(r.cells[0], LABEL_FILL)
    _shade(r.cells[2], LABEL_FILL)
    ctl(doc, "{%p if previous.available %}")
    P(
        doc,
        [
            "较上期（",
            "{{ previous.period_zh }}",
            "：",
            "{{ previous.score }}",
            "分，评级 ",
            "{{ previous.grade }}",
            "）变动 ",
            ("{{ previous.change }}", True),
            " 分（",
            "{{ previous.direction_zh }}",
            "）。",
        ],
    ).paragraph_format.space_before = Pt(6)
    P(
        doc,
        [
            "Change on the previous period (",
            "{{ previous.period_en }}",
            ": ",
            "{{ previous.score }}",
            ", grade ",
            "{{ previous.grade }}",
            "): ",
            ("{{ previous.change }}", True),
            " points (",
            "{{ previous.direction_en }}",
            ").",
        ],
        "English",
    )
    ctl(doc, "{%p else %}")
    P(doc, "上期无评估结果，本期不作环比。").paragraph_format.space_before = Pt(6)
    P(doc, "No result is available for the previous period, so no change is shown.", "English")
    ctl(doc, "{%p endif %}")
    heading(doc, "得分说明", "Score Explained", level=2)
    ctl(doc, "{%p for d in drivers %}")
    bi(doc, "{{ d.zh }}", "{{ d.en }}", "List Bullet", "List English")
    ctl(doc, "{%p endfor %}")
    ctl(doc, "{%p if not drivers %}")
    P(doc, "无 / None")
    ctl(doc, "{%p endif %}")
    ctl(doc, "{%p else %}")
    P(doc, [("本期未评级：", True), "不计算综合得分和评级。"])
    P(doc, [("Not rated this period: ", True), "no total score or grade is given."], "English")
    ctl(doc, "{%p endif %}")

    # 四、绩效趋势
    heading(doc, "四、绩效趋势", "Performance Trend")
    ctl(doc, "{%p if trend.available %}")
    P(doc, ["趋势得分（", "{{ trend.method_zh }}", "）：", ("{{ trend.score }}", True), " 分。"])
    P(doc, ["Trend score (", "{{ trend.method_en }}", "): ", ("{{ trend.score }}", True), "."], "English")
    t = Table(
        doc,
        [5.6, 3.8, 3.0, 4.6],
        aligns=[LEFT, RIGHT, CENTER, RIGHT],
        header=[("考核期间", "Period"), ("得分", "Score"), ("评级", "Grade"), ("较上期", "Change")],
    )
    t.control("{%tr for h in trend.rows %}")
    t.row([(["{{ h.period_zh }}"], ["{{ h.period_en }}"]), "{{ h.score }}", "{{ h.grade }}", "{{ h.change }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not trend.rows %}")
    t.none_row()
    t.control("{%tr endif %}")
    chart(doc, "trend.chart")
    ctl(doc, "{%p else %}")
    P(doc, "历史记录不足，本期不作趋势分析。")
    P(doc, "Not enough history for a trend this period.", "English")
    ctl(doc, "{%p endif %}")

    # 五、问题事件
    heading(doc, "五、问题事件", "Incidents")
    t = Table(
        doc,
        [2.5, 3.0, 2.2, 1.9, 1.5, 5.9],
        aligns=[LEFT, LEFT, LEFT, CENTER, RIGHT, LEFT],
        header=[
            ("编号", "ID"),
            ("日期", "Date"),
            ("类型", "Type"),
            ("严重程度", "Severity"),
            ("延误天数", "Days late"),
            ("描述", "Description"),
        ],
    )
    t.control("{%tr for i in incidents %}")
    t.row(
        [
            "{{ i.id }}",
            (["{{ i.date_zh }}"], ["{{ i.date_en }}"]),
            (["{{ i.type_zh }}"], ["{{ i.type_en }}"]),
            (["{{ i.severity_zh }}"], ["{{ i.severity_en }}"]),
            '{{ i.days_late or "—" }}',
            "{{ i.description }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not incidents %}")
    t.none_row(("本期无问题事件", "No incidents this period"))
    t.control("{%tr endif %}")

    # 六、违约金与奖励
    heading(doc, "六、违约金与奖励", "Liquidated Damages and Rewards")
    t = Table(
        doc,
        [2.6, 11.2, 3.2],
        aligns=[LEFT, LEFT, RIGHT],
        header=[
            ("类别", "Type"),
            ("事由", "Description"),
            ("金额（{{ money.currency }}）", "Amount ({{ money.currency }})"),
        ],
    )
    t.control("{%tr for p in penalties %}")
    t.row([("违约金", "Liquidated damages"), (["{{ p.zh }}"], ["{{ p.en }}"]), "{{ p.amount }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not penalties %}")
    t.row([("违约金", "Liquidated damages"), ("无", "None"), "—"])
    t.control("{%tr endif %}")
    t.row(
        [("违约金合计", "Total liquidated damages"), "{{ money.penalty_total }}"],
        span=[2, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[RIGHT, RIGHT],
    )
    t.control("{%tr for r in rewards %}")
    t.row([("奖励", "Reward"), (["{{ r.zh }}"], ["{{ r.en }}"]), "{{ r.amount }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not rewards %}")
    t.row([("奖励", "Reward"), ("无", "None"), "—"])
    t.control("{%tr endif %}")
    t.row(
        [("奖励合计", "Total rewards"), "{{ money.reward_total }}"],
        span=[2, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[RIGHT, RIGHT],
    )
    ctl(doc, "{%p if money.cap_applied %}")
    P(doc, [("封顶说明：", True), "{{ money.cap_note_zh }}"]).paragraph_format.space_before = Pt(4)
    P(doc, [("Cap: ", True), "{{ money.cap_note_en }}"], "English")
    ctl(doc, "{%p endif %}")

    # 七、风险预警
    heading(doc, "七、风险预警", "Risk Flags")
    flags_table(doc, "flags", ("本期无风险预警", "No risk flags this period"))

    # 八、处理措施
    heading(doc, "八、处理措施", "Actions")
    bullets(doc, "actions")

    # 九、评估意见
    heading(doc, "九、评估意见", "Evaluator's Comments")
    bi(doc, "{{ evaluation.comment }}", "{{ evaluation.comment_en }}").paragraph_format.keep_with_next = True
    P(doc, ["评估人 Evaluator：", "{{ evaluation.evaluator }} {{ evaluation.evaluator_en }}"], align=RIGHT)

    # 十、供应商反馈
    heading(doc, "十、供应商反馈", "Supplier Feedback")
    bi(doc, "{{ feedback_zh }}", "{{ feedback_en }}")

    # 十一、满意度调查 (surveys: distribution by rating and department, comments in both languages)
    heading(doc, "十一、满意度调查", "Satisfaction Survey")
    bi(doc, "{{ surveys.note_zh }}", "{{ surveys.note_en }}")
    t = Table(
        doc,
        [3.0, 3.0, 3.0, 8.0],
        aligns=[CENTER, RIGHT, RIGHT, LEFT],
        header=[("评分", "Rating"), ("份数", "Responses"), ("占比", "Share"), ("", "")],
    )
    t.control("{%tr for r in surveys.ratings %}")
    t.row(["{{ r.rating }}", "{{ r.count }}", "{{ r.share }}", ""])
    t.control("{%tr endfor %}")
    t.control("{%tr if not surveys.ratings %}")
    t.none_row(("本期无调查问卷", "No survey responses this period"))
    t.control("{%tr endif %}")
    t.control("{%tr if surveys.ratings %}")
    t.row(
        [("合计（加权平均分）", "Total (weighted mean)"), "{{ surveys.responses }}", "{{ surveys.mean }}", ""],
        bold=True,
        fill=LABEL_FILL,
        total=True,
    )
    t.control("{%tr endif %}")
    t = Table(
        doc,
        [8.0, 3.0, 3.0, 3.0],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT],
        header=[("部门", "Department"), ("份数", "Responses"), ("平均分", "Mean rating"), ("权重", "Weight")],
    )
    t.control("{%tr for d in surveys.departments %}")
    t.row(["{{ d.department }}", "{{ d.responses }}", "{{ d.mean }}", "{{ d.weight }}"])
    t.control("{%tr endfor %}")
    t.control("{%tr if not surveys.departments %}")
    t.none_row(("本期无调查问卷", "No survey responses this period"))
    t.control("{%tr endif %}")
    t = Table(
        doc,
        [3.0, 2.6, 1.4, 10.0],
        aligns=[LEFT, LEFT, CENTER, LEFT],
        header=[("部门", "Department"), ("答卷人", "Respondent"), ("评分", "Rating"), ("意见", "Comment")],
    )
    t.control("{%tr for c in surveys.comments %}")
    t.row(
        [
            "{{ c.department }}",
            (["{{ c.respondent }}"], ["{{ c.respondent_en }}"]),
            "{{ c.rating }}",
            (["{{ c.zh }}"], ["{{ c.en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not surveys.comments %}")
    t.none_row(("本期无调查意见", "No survey comments this period"))
    t.control("{%tr endif %}")

    # 十二、现场检查
    heading(doc, "十二、现场检查", "Site Inspections")
    t = Table(
        doc,
        [2.6, 2.6, 2.4, 2.0, 2.0, 5.4],
        aligns=[LEFT, LEFT, LEFT, RIGHT, CENTER, LEFT],
        header=[
            ("检查编号", "Inspection"),
            ("日期", "Date"),
            ("检查人", "Inspector"),
            ("不合格/检查项", "Failed / checked"),
            ("结论", "Result"),
            ("检查发现", "Findings"),
        ],
    )
    t.control("{%tr for i in inspections %}")
    t.row(
        [
            "{{ i.id }}",
            (["{{ i.date_zh }}"], ["{{ i.date_en }}"]),
            (["{{ i.inspector }}"], ["{{ i.inspector_en }}"]),
            (["{{ i.failed }} / {{ i.checked }}"], ["{{ i.pass_rate }}"]),
            (["{{ i.result_zh }}"], ["{{ i.result_en }}"]),
            (["{{ i.findings }}"], ["{{ i.findings_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not inspections %}")
    t.none_row(("本期无现场检查", "No site inspection this period"))
    t.control("{%tr endif %}")

    # 十三、整改跟踪 (every plan a notice or an inspection demands, as of the period's last day)
    heading(doc, "十三、整改跟踪", "Improvement Tracking")
    t = Table(
        doc,
        [2.6, 1.9, 4.6, 2.0, 2.3, 1.6, 2.0],
        aligns=[LEFT, LEFT, LEFT, LEFT, LEFT, CENTER, LEFT],
        header=[
            ("来源文件", "Source"),
            ("整改编号", "Plan"),
            ("问题 / 整改措施", "Issue / action"),
            ("责任人", "Owner"),
            ("计划提交 / 完成期限", "Plan due / action due"),
            ("状态", "Status"),
            ("关闭 / 验证人", "Closed / verified by"),
        ],
    )
    t.control("{%tr for p in plans %}")
    t.row(
        [
            "{{ p.source_doc }}",
            "{{ p.plan_id }}",
            [("Table Text", ["问题 Issue：", "{{ p.issue }}"]), ("Table Text", ["措施 Action：", "{{ p.action }}"])],
            (["{{ p.owner }}"], ["{{ p.owner_en }}"]),
            (["{{ p.deadline_zh }} / {{ p.due_zh }}"], ["{{ p.deadline_en }} / {{ p.due_en }}"]),
            (["{{ p.status_zh }}"], ["{{ p.status_en }}"]),
            (["{{ p.closed_zh }}", " ", "{{ p.verified_by }}"], ["{{ p.closed_en }}", " ", "{{ p.verified_by_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not plans %}")
    t.none_row(("无待跟踪的整改事项", "No improvement items to track"))
    t.control("{%tr endif %}")

    # the sign-off follows a sentence, never a table's last row alone on its page
    bi(
        doc,
        "本报告经评估人和审核人签字后生效。",
        "This report takes effect when signed by the evaluator and the reviewer.",
    )
    signature_table(
        doc,
        [
            [
                ("Table Text", ("评估人（签字）", True)),
                ("Table English", "Evaluator (signature)"),
                ("space", 18),
                ("line", ""),
            ],
            [
                ("Table Text", ("审核人（签字）", True)),
                ("Table English", "Reviewer (signature)"),
                ("space", 18),
                ("line", ""),
            ],
            [("Table Text", ("日期", True)), ("Table English", "Date"), ("space", 18), ("line", "")],
        ],
    )
    return doc


# --------------------------------------------------------------------------- settlement


def build_settlement_statement():
    doc = new_document(
        "供应商月度结算单", "Supplier Monthly Settlement Statement", "供应商月度结算 / Supplier monthly settlement"
    )
    letterhead(
        doc,
        "供应商月度结算单",
        "Supplier Monthly Settlement Statement",
        ["结算单编号 Statement No.：", "{{ doc.no }}"],
        ["日期 Date：", "{{ doc.date_zh }}", " / ", "{{ doc.date_en }}"],
    )
    # finance sees first when a payment must wait
    ctl(doc, "{%p if hold.on_hold %}")
    P(doc, [("暂缓支付 PAYMENT ON HOLD", True)], align=CENTER)
    bi(doc, "{{ hold.zh }}", "{{ hold.en }}")
    ctl(doc, "{%p endif %}")

    heading(doc, "一、结算双方", "Parties")
    t = Table(doc, [4.0, 13.0], first_column=True)
    rows = [
        (("甲方（付款方）", "Party A (Buyer)"), (["{{ org.name_zh }}"], ["{{ org.name_en }}"])),
        (("乙方（收款方）", "Party B (Supplier)"), (["{{ supplier.name_zh }}"], ["{{ supplier.name_en }}"])),
        (("供应商编号", "Supplier ID"), "{{ supplier.id }}"),
        (("类别", "Category"), (["{{ supplier.category_zh }}"], ["{{ supplier.category_en }}"])),
        (("统一社会信用代码", "Unified social credit code"), "{{ supplier.uscc }}"),
        (("户名", "Account name"), "{{ supplier.account_name }}"),
        (("开户银行", "Bank"), "{{ supplier.bank_name }}"),
        (("银行账号", "Bank account"), "{{ supplier.bank_account }}"),
        (
            ("结算期间", "Settlement period"),
            (
                ["{{ period.start_zh }}", "至", "{{ period.end_zh }}", "（", "{{ period.zh }}", "）"],
                ["{{ period.start_en }}", " – ", "{{ period.end_en }}", " (", "{{ period.en }}", ")"],
            ),
        ),
    ]
    for label, value in rows:
        r = t.row([label, value])
        _shade(r.cells[0], LABEL_FILL)

    heading(doc, "二、合同信息", "Contracts")
    t = Table(
        doc,
        [2.8, 3.0, 2.5, 1.9, 1.6, 2.4, 2.8],
        aligns=[LEFT, LEFT, RIGHT, CENTER, CENTER, CENTER, CENTER],
        header=[
            ("合同编号", "Contract No."),
            ("合同类型", "Type"),
            ("月服务费", "Monthly fee"),
            ("币种", "Currency"),
            ("税率", "Tax rate"),
            ("付款期限（天）", "Payment (days)"),
            ("违约金上限", "Cap on damages"),
        ],
    )
    t.control("{%tr for c in contracts %}")
    t.row(
        [
            "{{ c.no }}",
            [
                ("Table Text", "{{ c.type_zh }}"),
                ("Table English", "{{ c.type_en }}"),
                ("Table Text", "{%p if c.prorated_zh %}"),
                ("Table Text", "{{ c.prorated_zh }}"),
                ("Table English", "{{ c.prorated_en }}"),
                ("Table Text", "{%p endif %}"),
            ],
            "{{ c.monthly_fee }}",
            "{{ c.currency }}",
            "{{ c.tax_rate }}",
            "{{ c.payment_days }}",
            (["{{ c.cap_zh }}"], ["{{ c.cap_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")

    heading(doc, "三、服务明细", "Service Items")
    t = Table(
        doc,
        [3.0, 5.6, 2.0, 3.0, 3.4],
        aligns=[LEFT, LEFT, RIGHT, RIGHT, RIGHT],
        header=[
            ("合同编号", "Contract No."),
            ("服务项目 / 岗位", "Item / post"),
            ("计价方式", "Pricing"),
            ("单价", "Unit price"),
            ("本期金额（按合同）", "Amount by the contract"),
        ],
    )
    t.control("{%tr for it in items %}")
    t.row(
        [
            "{{ it.contract_no }}",
            [
                ("Table Text", "{{ it.role_zh }}"),
                ("Table English", "{{ it.role_en }}"),
                ("Table Text", "{%p if it.components_zh %}"),
                ("Table Text", "{{ it.components_zh }}"),
                ("Table English", "{{ it.components_en }}"),
                ("Table Text", "{%p endif %}"),
            ],
            [("Table Text", "{{ it.basis_zh }}"), ("Table English", "{{ it.basis_en }}")],
            "{{ it.unit_price }}",
            "{{ it.amount }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not items %}")
    t.none_row()
    t.control("{%tr endif %}")

    # Items priced per unit (劳务外包): the acceptance records the lines are settled on
    ctl(doc, "{%p if volumes %}")
    heading(doc, "工作量验收", "Accepted Work Volume", level=2)
    t = Table(
        doc,
        [2.6, 4.0, 1.9, 1.9, 1.9, 4.7],
        aligns=[LEFT, LEFT, RIGHT, RIGHT, RIGHT, LEFT],
        header=[
            ("合同编号", "Contract No."),
            ("服务项目", "Item"),
            ("提交数量", "Submitted"),
            ("验收合格", "Accepted"),
            ("不合格", "Not accepted"),
            ("验收人及日期", "Accepted by, on"),
        ],
    )
    t.control("{%tr for v in volumes %}")
    t.row(
        [
            "{{ v.contract_no }}",
            [
                ("Table Text", "{{ v.item_code }} {{ v.role_zh }}（{{ v.unit_zh }}）"),
                ("Table English", "{{ v.role_en }} ({{ v.unit_en }})"),
            ],
            "{{ v.submitted }}",
            "{{ v.accepted }}",
            "{{ v.rejected }}",
            [
                ("Table Text", "{{ v.accepted_by }} {{ v.date_zh }}"),
                ("Table English", "{{ v.date_en }}"),
                ("Table Text", "{%p if v.note %}"),
                ("Table Text", "{{ v.note }}"),
                ("Table Text", "{%p endif %}"),
            ],
        ]
    )
    t.control("{%tr endfor %}")
    ctl(doc, "{%p endif %}")

    # Labour contracts settled on attendance (workforce.py): the rule, then the reconciliation
    ctl(doc, "{%p for a in attendance %}")
    heading(
        doc, "按实际出勤结算：合同 {{ a.contract_no }}", "Settled on attendance: contract {{ a.contract_no }}", level=2
    )
    bi(doc, "{{ a.rule_zh }}", "{{ a.rule_en }}")
    P(
        doc, [("与合同月服务费核对", True), "　", ("Reconciliation with the contract fee", True)]
    ).paragraph_format.keep_with_next = True
    t = Table(doc, [13.0, 4.0], aligns=[LEFT, RIGHT], header=[("项目", "Item"), ("金额", "Amount")])
    t.control("{%tr for x in a.reconcile %}")
    t.row([(["{{ x.zh }}"], ["{{ x.en }}"]), "{{ x.amount }}"])
    t.control("{%tr endfor %}")
    t.row(
        [("差额（按出勤结算金额－合同月服务费）", "Difference (on attendance − contract fee)"), "{{ a.difference }}"],
        bold=True,
        fill=LABEL_FILL,
        total=True,
    )
    bi(doc, "{{ a.explain_zh }}", "{{ a.explain_en }}")
    ctl(doc, "{%p endfor %}")

    # One settlement per currency: its lines, its total, its invoices; never added together
    ctl(doc, "{%p for cur in currencies %}")
    heading(doc, "四、结算明细（{{ cur.name_zh }}）", "Settlement Details ({{ cur.code }})")
    P(
        doc, ["金额单位：", "{{ cur.name_zh }}", "　Amounts in ", "{{ cur.code }}"], "Table English", align=RIGHT
    ).paragraph_format.keep_with_next = True
    t = Table(
        doc,
        [0.9, 5.0, 1.9, 2.4, 0.8, 2.4, 3.6],
        aligns=[CENTER, LEFT, RIGHT, RIGHT, CENTER, RIGHT, LEFT],
        header=[
            ("序号", "No."),
            ("项目", "Item"),
            ("数量", "Quantity"),
            ("单价", "Rate"),
            ("增减", "±"),
            ("金额", "Amount"),
            ("大写", "In words"),
        ],
    )
    t.control("{%tr for l in cur.lines %}")
    t.row(
        [
            "{{ l.no }}",
            (["{{ l.item_zh }}"], ["{{ l.item_en }}"]),
            (["{{ l.quantity }}", " ", "{{ l.unit_zh }}"], ["{{ l.unit_en }}"]),
            "{{ l.rate }}",
            "{{ l.sign }}",
            "{{ l.amount }}",
            (["{{ l.words_zh }}"], ["{{ l.words_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.row(
        [
            ("合计（应付金额）", "Total payable"),
            "{{ cur.total.amount }}",
            (["{{ cur.total.words_zh }}"], ["{{ cur.total.words_en }}"]),
        ],
        span=[5, 1, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[CENTER, RIGHT, LEFT],
    )
    ctl(doc, "{%p if cur.carried_forward %}")
    bi(
        doc,
        "其中转入下期抵扣的违约金（应收款）：{{ cur.carried_forward }}",
        "Of the deductions, carried forward to the next settlement (receivable): {{ cur.carried_forward }}",
    )
    ctl(doc, "{%p endif %}")

    heading(doc, "五、税费与发票（{{ cur.name_zh }}）", "Tax and Invoices ({{ cur.code }})")
    ctl(doc, "{%p if cur.tax.included %}")
    P(
        doc,
        [
            "上述合计金额为含税金额，增值税税率 ",
            "{{ cur.tax.rate }}",
            "；税额按每张发票（同一发票类型、同一税率）的合计金额计算。",
        ],
    )
    P(
        doc,
        [
            "The total above includes VAT at ",
            "{{ cur.tax.rate }}",
            "; VAT is computed on the total of each invoice (one kind of invoice at one rate).",
        ],
        "English",
    )
    ctl(doc, "{%p else %}")
    P(doc, ["上述合计金额为不含税金额，增值税按税率 ", "{{ cur.tax.rate }}", " 另行计收。"])
    P(doc, ["The amounts above are net of tax; VAT at ", "{{ cur.tax.rate }}", " is added on top."], "English")
    ctl(doc, "{%p endif %}")
    t = Table(
        doc,
        [4.6, 2.5, 1.5, 2.2, 2.6, 3.6],
        aligns=[LEFT, RIGHT, CENTER, RIGHT, RIGHT, LEFT],
        header=[
            ("发票类型", "Invoice"),
            ("不含税金额", "Net of VAT"),
            ("税率", "Rate"),
            ("税额", "VAT"),
            ("开票金额", "Amount to invoice"),
            ("大写", "In words"),
        ],
    )
    t.control("{%tr for v in cur.invoices %}")
    t.row(
        [
            (["{{ v.type_zh }}"], ["{{ v.type_en }}"]),
            "{{ v.net }}",
            "{{ v.rate }}",
            "{{ v.vat }}",
            "{{ v.gross }}",
            (["{{ v.words_zh }}"], ["{{ v.words_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.row(
        [
            ("合计", "Total"),
            "{{ cur.tax.net }}",
            "",
            "{{ cur.tax.tax }}",
            "{{ cur.total.amount }}",
            (["{{ cur.total.words_zh }}"], ["{{ cur.total.words_en }}"]),
        ],
        bold=True,
        fill=LABEL_FILL,
        total=True,
    )
    P(
        doc,
        [
            "付款到期日：",
            "{{ cur.due_zh }}",
            "（发票于结算单日期收到时；否则自收到合规发票之日起",
            "{{ cur.payment_days }}",
            "日）",
        ],
    )
    P(
        doc,
        [
            "Due date: ",
            "{{ cur.due_en }}",
            " (with the invoice received on the statement date; otherwise ",
            "{{ cur.payment_days }}",
            " days from its receipt)",
        ],
        "English",
    )
    ctl(doc, "{%p endfor %}")

    heading(doc, "六、付款条件", "Payment Terms")
    bi(doc, "{{ payment.zh }}", "{{ payment.en }}")

    heading(doc, "七、备注", "Notes")
    ctl(doc, "{%p for n in notes %}")
    bi(doc, "{{ n.zh }}", "{{ n.en }}", "List Bullet", "List English")
    ctl(doc, "{%p endfor %}")
    ctl(doc, "{%p if not notes %}")
    P(doc, "无 / None")
    ctl(doc, "{%p endif %}")

    # the company's own payment approval (经办、审核、财务、批准), before the parties sign
    heading(doc, "八、甲方内部审批", "Party A's Approval")
    t = Table(doc, [4.25, 4.25, 4.25, 4.25], aligns=[CENTER] * 4)
    t.row(
        [("经办", "Prepared by"), ("审核", "Reviewed by"), ("财务", "Finance"), ("批准", "Approved by")],
        fill=LABEL_FILL,
    )
    t.row(
        [
            "{{ approval[0].name }}",
            "{{ approval[1].name }}",
            "{{ approval[2].name }}",
            "{{ approval[3].name }}",
        ]
    )
    t.row([("签字：", "Signature"), ("签字：", "Signature"), ("签字：", "Signature"), ("签字：", "Signature")])
    t.row([("日期：", "Date"), ("日期：", "Date"), ("日期：", "Date"), ("日期：", "Date")])
    keep_rows(t)  # one block with the parties' signatures below (signature_table keeps its last row)

    signature_table(
        doc,
        [
            [
                ("Table Text", ("甲方（盖章）", True)),
                ("Table English", "Party A – Buyer (seal)"),
                ("Table Text", "{{ org.name_zh }}"),
                ("Table English", "{{ org.name_en }}"),
                ("space", 24),
                ("line", "授权代表签字 Signature："),
                ("line", "日期 Date："),
            ],
            [
                ("Table Text", ("乙方（盖章）", True)),
                ("Table English", "Party B – Supplier (seal)"),
                ("Table Text", "{{ supplier.name_zh }}"),
                ("Table English", "{{ supplier.name_en }}"),
                ("space", 24),
                ("line", "授权代表签字 Signature："),
                ("line", "日期 Date："),
            ],
        ],
    )

    # The attendance annex: each worker's days (the quantities of part 4), ID numbers masked
    ctl(doc, "{%p if roster %}")
    heading(doc, "附件：人员考勤明细", "Annex: Worker Attendance").paragraph_format.page_break_before = True
    bi(
        doc,
        "本附件载有个人信息（身份证号已部分隐藏），仅供双方核对本期结算使用，请妥善保管，不得转作他用。各岗位出勤天数、加班时长合计即第四部分相应行的数量。",
        "This annex holds personal data (ID numbers partly hidden), for both parties to check this statement only; keep "
        "it safe and use it for nothing else. Each role's days and overtime hours add up to the quantities of its lines "
        "in part 4.",
    )
    t = Table(
        doc,
        [0.9, 1.6, 1.5, 3.6, 3.8, 1.3, 1.3, 3.0],
        aligns=[CENTER, LEFT, LEFT, LEFT, LEFT, RIGHT, RIGHT, LEFT],
        header=[
            ("序号", "No."),
            ("工号", "Worker ID"),
            ("姓名", "Name"),
            ("身份证号", "ID number"),
            ("岗位", "Role"),
            ("出勤", "Days"),
            ("加班", "OT hours"),
            ("备注", "Note"),
        ],
    )
    t.control("{%tr for w in roster %}")
    t.row(
        [
            "{{ w.no }}",
            "{{ w.worker_id }}",
            "{{ w.name }}",
            "{{ w.id_number }}",
            (
                ["{{ w.role_zh }}", "{% if w.post_nature_zh %}（{{ w.post_nature_zh }}）{% endif %}"],
                ["{{ w.role_en }}", "{% if w.post_nature_en %} ({{ w.post_nature_en|lower }}){% endif %}"],
            ),
            "{{ w.days }}",
            "{{ w.overtime_hours }}",
            (["{{ w.note_zh }}"], ["{{ w.note_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    ctl(doc, "{%p endif %}")

    # Above workforce.roster_in_word_max workers: the per-worker annex is a workbook sent with
    # the statement, and Word keeps each post's totals (the quantities of part 4)
    ctl(doc, "{%p if roster_file.name %}")
    heading(doc, "附件：人员考勤汇总", "Annex: Attendance by Post").paragraph_format.page_break_before = True
    bi(
        doc,
        "本期结算人员共{{ roster_total.workers }}人，超过{{ roster_file.limit }}人，逐人考勤明细不在本结算单中列示，载于随本结算单"
        "一并发送的工作簿“{{ roster_file.name }}”（含个人信息，身份证号已部分隐藏，仅供双方核对本期结算使用）。"
        "下表为各岗位合计，即第四部分相应行的数量{% if roster_total.refused != '0' %}；因未达最低用工年龄拒绝用工的"
        "{{ roster_total.refused }}人在工作簿中列示，不计入{% endif %}。",
        "The {{ roster_total.workers }} workers settled this period are more than {{ roster_file.limit }}, so their "
        "attendance one by one is not listed in this statement: it is in the workbook “{{ roster_file.name }}” sent "
        "with it (personal data, ID numbers partly hidden, for both parties to check this statement only). The table "
        "below gives each post's totals, the quantities of its lines in part 4{% if roster_total.refused != '0' %}; "
        "the {{ roster_total.refused }} workers refused for being under the minimum age are listed in the workbook, "
        "not counted{% endif %}.",
    )
    t = Table(
        doc,
        [3.2, 6.8, 2.2, 2.4, 2.4],
        aligns=[LEFT, LEFT, RIGHT, RIGHT, RIGHT],
        header=[
            ("合同编号", "Contract No."),
            ("岗位", "Post"),
            ("人数", "Workers"),
            ("出勤天数", "Days"),
            ("加班小时", "OT hours"),
        ],
    )
    t.control("{%tr for r in roster_totals %}")
    t.row(
        [
            "{{ r.contract_no }}",
            (["{{ r.role_zh }}"], ["{{ r.role_en }}"]),
            "{{ r.workers }}",
            "{{ r.days }}",
            "{{ r.overtime_hours }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.row(
        [
            ("合计", "Total"),
            "{{ roster_total.workers }}",
            "{{ roster_total.days }}",
            "{{ roster_total.overtime_hours }}",
        ],
        span=[2, 1, 1, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[RIGHT, RIGHT, RIGHT, RIGHT],
    )
    ctl(doc, "{%p endif %}")
    return doc


# --------------------------------------------------------------------------- portfolio


def supplier_table(doc, name, widths, header, cells, aligns=None, none=("无", "None")):
    """A row-per-item table over ``name`` whose first column is the supplier
    (``supplier`` / ``supplier_en``, "S004 南京数衡…"), with a "无 / None" row when empty."""
    t = Table(doc, widths, aligns=aligns or [LEFT] * len(widths), header=[("供应商", "Supplier")] + header)
    t.control(f"{{%tr for x in {name} %}}")
    t.row([(["{{ x.supplier }}"], ["{{ x.supplier_en }}"])] + cells)
    t.control("{%tr endfor %}")
    t.control(f"{{%tr if not {name} %}}")
    t.none_row(none)
    t.control("{%tr endif %}")
    return t


def supplier_cell(var: str):
    """ "S001 上海锦程…" / English name / category, in one table cell."""
    return [
        ("Table Text", [(f"{{{{ {var}.id }}}}", True), " ", f"{{{{ {var}.name_zh }}}}"]),
        ("Table English", f"{{{{ {var}.name_en }}}}"),
        ("Table English", [f"{{{{ {var}.category_zh }}}}", " · ", f"{{{{ {var}.category_en }}}}"]),
    ]


def build_portfolio_summary():
    doc = new_document(
        "供应商月度绩效汇总",
        "Supplier Portfolio Summary",
        "供应商月度绩效汇总（管理层） / Supplier portfolio summary for management",
    )
    letterhead(
        doc,
        "供应商月度绩效汇总",
        "Supplier Portfolio Summary",
        ["文件编号 Doc. No.：", "{{ doc.no }}"],
        ["日期 Date：", "{{ doc.date_zh }}", " / ", "{{ doc.date_en }}"],
        note="报送：公司管理层　For the attention of management",
    )

    heading(doc, "一、概况", "Overview")
    P(
        doc,
        [
            "考核期间：",
            "{{ period.zh }}",
            "（",
            "{{ period.start_zh }}",
            "至",
            "{{ period.end_zh }}",
            "）。纳入考核供应商 ",
            ("{{ counts.suppliers }}", True),
            " 家，已评估 ",
            ("{{ counts.evaluated }}", True),
            " 家，其中已评级 ",
            ("{{ counts.rated }}", True),
            " 家；数据校验未通过、被拒绝的输入行 ",
            ("{{ counts.rejected_rows }}", True),
            " 行（见第十部分）。",
        ],
    )
    P(
        doc,
        [
            "Review period: ",
            "{{ period.en }}",
            " (",
            "{{ period.start_en }}",
            " – ",
            "{{ period.end_en }}",
            "). Suppliers in scope: ",
            ("{{ counts.suppliers }}", True),
            "; evaluated: ",
            ("{{ counts.evaluated }}", True),
            "; rated: ",
            ("{{ counts.rated }}", True),
            "; input rows rejected by validation: ",
            ("{{ counts.rejected_rows }}", True),
            " (see Section 10).",
        ],
        "English",
    )

    heading(doc, "二、评级分布", "Grade Distribution")
    t = Table(
        doc,
        [2.5, 7.5, 3.5, 3.5],
        aligns=[CENTER, LEFT, RIGHT, RIGHT],
        header=[("评级", "Grade"), ("含义", "Meaning"), ("供应商数", "Suppliers"), ("占比", "Share")],
    )
    t.control("{%tr for g in grades %}")
    t.row(
        [
            [("Table Text", ("{{ g.grade }}", True))],
            (["{{ g.label_zh }}"], ["{{ g.label_en }}"]),
            "{{ g.count }}",
            "{{ g.share }}",
        ]
    )
    t.control("{%tr endfor %}")
    chart(doc, "grade_chart")

    heading(doc, "三、供应商绩效明细", "Supplier Results")
    P(doc, "金额单位：人民币元　Amounts in CNY", "Table English", align=RIGHT).paragraph_format.keep_with_next = True
    # id and category ride in the supplier cell: ten narrow columns made headers and
    # amounts wrap letter by letter on a portrait page
    t = Table(
        doc,
        [1.1, 5.8, 1.4, 1.2, 1.5, 1.8, 1.8, 2.4],
        aligns=[CENTER, LEFT, RIGHT, CENTER, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[
            ("排名", "Rank"),
            ("供应商", "Supplier"),
            ("得分", "Score"),
            ("评级", "Grade"),
            ("较上期", "Change"),
            ("违约金", "Liquidated damages"),
            ("奖励", "Rewards"),
            ("应付金额", "Payable"),
        ],
    )
    t.control("{%tr for s in rows %}")
    t.row(
        [
            "{{ s.rank }}",
            supplier_cell("s"),
            "{{ s.score }}",
            "{{ s.grade }}",
            "{{ s.change }}",
            "{{ s.penalties }}",
            "{{ s.rewards }}",
            "{{ s.payable }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not rows %}")
    t.none_row()
    t.control("{%tr endif %}")
    t.row(
        [("合计", "Total"), "{{ totals.penalties }}", "{{ totals.rewards }}", "{{ totals.payable }}"],
        span=[5, 1, 1, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[RIGHT, RIGHT, RIGHT, RIGHT],
    )
    P(doc, [("应付金额合计（大写）：", True), "{{ totals.payable_words_zh }}"]).paragraph_format.space_before = Pt(4)
    P(doc, [("Total payable in words: ", True), "{{ totals.payable_words_en }}"], "English")

    heading(doc, "四、需关注事项", "Needs Attention")
    bullets(doc, "attention")

    heading(doc, "五、风险预警", "Risk Flags")
    supplier_table(
        doc,
        "risks",
        [5.0, 2.2, 9.8],
        [("严重程度", "Severity"), ("风险描述", "Risk")],
        [(["{{ x.severity_zh }}"], ["{{ x.severity_en }}"]), (["{{ x.zh }}"], ["{{ x.en }}"])],
        aligns=[LEFT, CENTER, LEFT],
        none=("本期无风险预警", "No risk flags this period"),
    )

    heading(doc, "六、处理措施", "Actions Taken")
    supplier_table(
        doc,
        "actions",
        [5.0, 3.6, 8.4],
        [("措施", "Action"), ("事由", "Reason")],
        [(["{{ x.action_zh }}"], ["{{ x.action_en }}"]), (["{{ x.zh }}"], ["{{ x.en }}"])],
        none=("本期无处理措施", "No actions this period"),
    )

    heading(doc, "七、证照到期提醒", "Licences and Permits Expiring")
    supplier_table(
        doc,
        "expiring",
        [5.0, 4.6, 4.6, 2.8],
        [("证照", "Document"), ("到期日", "Expires on"), ("剩余天数", "Days left")],
        [(["{{ x.item_zh }}"], ["{{ x.item_en }}"]), (["{{ x.date_zh }}"], ["{{ x.date_en }}"]), "{{ x.days }}"],
        aligns=[LEFT, LEFT, LEFT, RIGHT],
        none=("近期无到期证照", "Nothing expiring soon"),
    )

    heading(doc, "八、供应商状态调整", "Supplier Status Changes")
    supplier_table(
        doc,
        "status_changes",
        [5.0, 2.4, 2.4, 7.2],
        [("原状态", "From"), ("调整为", "To"), ("原因", "Reason")],
        [
            (["{{ x.from_zh }}"], ["{{ x.from_en }}"]),
            (["{{ x.to_zh }}"], ["{{ x.to_en }}"]),
            (["{{ x.reason_zh }}"], ["{{ x.reason_en }}"]),
        ],
        aligns=[LEFT, CENTER, CENTER, LEFT],
        none=("本期无状态调整", "No status changes this period"),
    )

    heading(doc, "九、外包用工", "Outsourced Workforce")
    bi(doc, "{{ workforce.dispatch_zh }}", "{{ workforce.dispatch_en }}")
    ctl(doc, "{%p if workforce.rows %}")
    P(doc, "金额单位：人民币元　Amounts in CNY", "Table English", align=RIGHT).paragraph_format.keep_with_next = True
    supplier_table(
        doc,
        "workforce.rows",
        [4.0, 1.5, 1.7, 1.5, 2.4, 2.4, 2.2, 1.3],
        [
            ("在岗", "On site"),
            ("出勤", "Worked"),
            ("天数", "Days"),
            ("合同月服务费", "Contract fee"),
            ("按出勤结算", "On attendance"),
            ("差额", "Difference"),
            ("风险", "Flags"),
        ],
        [
            "{{ x.on_site }}",
            "{{ x.headcount }}",
            "{{ x.days }}",
            "{{ x.contract_fee }}",
            "{{ x.amount }}",
            "{{ x.difference }}",
            "{{ x.flags }}",
        ],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
    )
    bi(
        doc,
        "用工风险（体检、背景调查、安全培训、年龄、临时性岗位期限、重复在册、考勤缺失）逐项列于第五部分风险预警。",
        "Workforce flags (health check, background check, safety training, age, temporary posts, double rosters, "
        "missing attendance) are listed one by one under Risk Flags (Section 5).",
    )
    ctl(doc, "{%p endif %}")

    heading(doc, "十、成本分析与预测", "Cost Analysis and Forecast")
    ctl(doc, "{%p if costs.available %}")
    bi(
        doc,
        "本章数字与分析工作簿 summary/analytics_{{ period.code }}.xlsx 一致（同一计算，精确到分），金额单位：{{ costs.currency }} 元；"
        "不同币种的金额从不相加。",
        "The figures of this chapter are those of the analytics workbook summary/analytics_{{ period.code }}.xlsx (one "
        "computation, to the fen), in {{ costs.currency }}; amounts in different currencies are never added.",
    ).paragraph_format.keep_with_next = True
    heading(doc, "（一）本月支出（按类别）", "Spend by Category", level=2)
    t = Table(
        doc,
        [3.0, 2.3, 1.8, 1.8, 2.3, 2.3, 1.8, 1.7],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[
            ("类别", "Category"),
            ("合同金额", "Contract amount"),
            ("违约金", "Liquidated damages"),
            ("奖励", "Rewards"),
            ("应付金额", "Payable"),
            ("不含税金额", "Net of VAT"),
            ("税额", "VAT"),
            ("占比", "Share"),
        ],
    )
    t.control("{%tr for c in costs.categories %}")
    t.row(
        [
            (["{{ c.category_zh }}"], ["{{ c.category_en }}"]),
            "{{ c.base }}",
            "{{ c.penalties }}",
            "{{ c.rewards }}",
            "{{ c.payable }}",
            "{{ c.tax_exclusive }}",
            "{{ c.vat }}",
            "{{ c.share }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.row(
        [
            ("合计", "Total"),
            "{{ costs.total.base }}",
            "{{ costs.total.penalties }}",
            "{{ costs.total.rewards }}",
            "{{ costs.total.payable }}",
            "{{ costs.total.tax_exclusive }}",
            "{{ costs.total.vat }}",
            "",
        ],
        bold=True,
        fill=LABEL_FILL,
        total=True,
    )

    heading(doc, "（二）预算执行", "Budget against Actual", level=2)
    t = Table(
        doc,
        [3.0, 2.0, 2.0, 2.0, 1.6, 2.2, 2.2, 2.0],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[
            ("类别", "Category"),
            ("本月预算", "Budget"),
            ("本月实际", "Actual"),
            ("差异", "Variance"),
            ("差异率", "Var. %"),
            ("年累计预算", "YTD budget"),
            ("年累计实际", "YTD actual"),
            ("年累计差异", "YTD variance"),
        ],
    )
    t.control("{%tr for b in costs.budget %}")
    t.row(
        [
            (["{{ b.category_zh }}"], ["{{ b.category_en }}"]),
            "{{ b.budget }}",
            "{{ b.actual }}",
            "{{ b.variance }}",
            "{{ b.variance_pct }}",
            "{{ b.ytd_budget }}",
            "{{ b.ytd_actual }}",
            "{{ b.ytd_variance }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not costs.budget %}")
    t.none_row(("评分规则未设预算（budgets）", "The policy sets no budgets"))
    t.control("{%tr endif %}")
    bi(
        doc,
        "差异＝实际−预算，正数为超支；年累计为本年度历史库中已记录的月份（含本月）。",
        "Variance = actual − budget: positive is an overspend; year to date covers the months of the year the history "
        "store recorded, this one included.",
    )

    heading(doc, "（三）月度支出", "Spend by Month", level=2)
    t = Table(
        doc,
        [3.0, 3.5, 3.5, 3.5, 3.5],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT],
        header=[
            ("期间", "Period"),
            ("合同金额", "Contract amount"),
            ("应付金额", "Payable"),
            ("不含税金额", "Net of VAT"),
            ("税额", "VAT"),
        ],
    )
    t.control("{%tr for m in costs.months %}")
    t.row(["{{ m.period }}", "{{ m.base }}", "{{ m.payable }}", "{{ m.tax_exclusive }}", "{{ m.vat }}"])
    t.control("{%tr endfor %}")

    heading(doc, "（四）单位成本", "Cost per Unit of Work and per Head", level=2)
    t = Table(
        doc,
        [5.0, 6.0, 3.0, 3.0],
        aligns=[LEFT, LEFT, RIGHT, RIGHT],
        header=[
            ("供应商", "Supplier"),
            ("合同与岗位", "Contract and post"),
            ("数量", "Quantity"),
            ("单位成本", "Cost per unit"),
        ],
    )
    t.control("{%tr for u in costs.unit_costs %}")
    t.row(
        [
            (["{{ u.supplier }}"], ["{{ u.supplier_en }}"]),
            (["{{ u.contract_no }} {{ u.role_zh }}"], ["{{ u.role_en }}"]),
            (["{{ u.quantity }} {{ u.unit_zh }}"], ["{{ u.unit_en }}"]),
            "{{ u.cost_per_unit }}",
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not costs.unit_costs %}")
    t.none_row()
    t.control("{%tr endif %}")

    heading(doc, "（五）集中度", "Concentration by Category", level=2)
    t = Table(
        doc,
        [4.0, 2.5, 3.5, 3.0, 4.0],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, LEFT],
        header=[
            ("类别", "Category"),
            ("供应商数", "Suppliers"),
            ("最大份额", "Largest share"),
            ("HHI", "HHI"),
            ("集中度", "Concentration"),
        ],
    )
    t.control("{%tr for h in costs.concentration %}")
    t.row(
        [
            (["{{ h.category_zh }}"], ["{{ h.category_en }}"]),
            "{{ h.suppliers }}",
            "{{ h.top_share }}",
            "{{ h.hhi }}",
            (["{{ h.level_zh }}"], ["{{ h.level_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    bi(
        doc,
        "HHI＝各供应商份额（%）平方和：低于 1,500 为分散，1,500–2,500 为中度集中，高于 2,500 为高度集中。",
        "HHI = the sum of the suppliers' squared shares (in %): below 1,500 unconcentrated, 1,500 to 2,500 moderate, "
        "above 2,500 high.",
    )

    heading(doc, "（六）未来三个月支出预测", "Forecast of the Next Three Months", level=2)
    t = Table(
        doc,
        [4.0, 3.0, 5.0, 5.0],
        aligns=[LEFT, RIGHT, RIGHT, RIGHT],
        header=[
            ("月份", "Month"),
            ("合同数", "Contracts"),
            ("合同金额", "Contract amount"),
            ("预测支出", "Forecast spend"),
        ],
    )
    t.control("{%tr for f in costs.forecast %}")
    t.row(["{{ f.month }}", "{{ f.contracts }}", "{{ f.base }}", "{{ f.amount }}"])
    t.control("{%tr endfor %}")
    t.row(
        [("三个月合计", "Three months"), "{{ costs.forecast_total }}"],
        span=[3, 1],
        bold=True,
        fill=LABEL_FILL,
        total=True,
        aligns=[RIGHT, RIGHT],
    )
    bi(
        doc,
        "预测依据：在执行合同的月服务费或各项目（固定费用；按人月：人数×单价；按量：近三个月平均验收量×单价），按在执行天数折算，"
        "合同到期即停止；乘以该供应商近三个月应付金额与合同金额之比（税、违约金与奖励的近期趋势）。每项数字的依据见分析工作簿 forecast_detail 表。",
        "Basis: each contract in force at its monthly fee or its items (fixed; per head: headcount × rate; per unit: "
        "the mean accepted volume of the last three months × rate), prorated to the days in force and stopping when "
        "the contract ends, times the supplier's ratio of payable to contract amount over the last three months (the "
        "recent trend of VAT, damages and rewards). The basis of each figure is in the analytics workbook, sheet "
        "forecast_detail.",
    )
    ctl(doc, "{%p for n in costs.notes %}")
    bi(doc, "{{ n.zh }}", "{{ n.en }}")
    ctl(doc, "{%p endfor %}")
    ctl(doc, "{%p else %}")
    bi(doc, "本期未作成本分析。", "No cost analysis was made this period.")
    ctl(doc, "{%p endif %}")

    heading(doc, "十一、被拒绝的输入数据", "Rejected Input")
    t = Table(
        doc,
        [4.6, 1.0, 2.6, 1.6, 7.2],
        aligns=[LEFT, RIGHT, LEFT, LEFT, LEFT],
        header=[("文件", "File"), ("行", "Row"), ("列", "Column"), ("值", "Value"), ("问题", "Issue")],
    )
    t.control("{%tr for x in rejected %}")
    t.row(
        [
            "{{ x.file }}",
            "{{ x.row }}",
            "{{ x.column }}",
            "{{ x.value }}",
            (["{{ x.message_zh }}"], ["{{ x.message_en }}"]),
        ]
    )
    t.control("{%tr endfor %}")
    t.control("{%tr if not rejected %}")
    t.none_row()
    t.control("{%tr endif %}")

    P(
        doc, ["编制：", "{{ org.name_zh }}", " ", "{{ org.department_zh }}"], align=RIGHT
    ).paragraph_format.space_before = Pt(18)
    P(doc, ["Prepared by: ", "{{ org.department_en }}", ", ", "{{ org.name_en }}"], "English", align=RIGHT)
    return doc


# --------------------------------------------------------------------------- output

TEMPLATES = {
    "review_report.docx": build_review_report,
    "settlement_statement.docx": build_settlement_statement,
    "portfolio_summary.docx": build_portfolio_summary,
}


def deterministic_bytes(doc) -> bytes:
    """The document's .docx bytes, the ZIP rewritten with fixed timestamps so they are
    reproducible."""
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zi = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            zout.writestr(zi, zin.read(item.filename))
    return out.getvalue()


def save_deterministic(doc, path: Path, *, force: bool = False) -> str:
    """Write the document's reproducible bytes to ``path`` through the guard
    (``_guard.write_template``: never over a template edited since the last build)."""
    return _guard.write_template(path, deterministic_bytes(doc), force=force)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _guard.add_arguments(ap, DEFAULT_OUT)
    args = ap.parse_args(argv)
    return _guard.build_all(
        ((name, lambda build=build: deterministic_bytes(build())) for name, build in TEMPLATES.items()),
        args.out,
        force=args.force,
    )


if __name__ == "__main__":
    sys.exit(main())
