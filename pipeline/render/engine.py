"""Compiled docx templates: docxtpl's language, without docxtpl's per-document set-up.

(docxtpl and python-docx are imported inside the functions that prepare a template or place a
picture, so a worker that renders from prepared templates never pays for loading them.)

docxtpl reloads the .docx, re-patches its XML and compiles a new Jinja template on every
render(); for our templates that is most of the time a document costs. Here each template
is prepared once per process (docxtpl's own patch_xml output for the body, every header,
footer and footnotes part, compiled in one sandboxed, autoescaped, StrictUndefined
environment; every other part deflated once), and each document costs only the Jinja
render, docxtpl's post-processing (listing characters, table grids, drawing ids), a
strict XML parse and a zip write that copies the unchanged parts' compressed bytes.

A template is keyed by path, mtime and size, so a business user's edit is picked up by
the next document without restarting anything.
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import posixpath
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from jinja2 import Template
from lxml import etree

from pipeline.errors import RenderError
from pipeline.render.environment import CORE_TIMES, FIXED_CORE_TIME, RAW_XML, RawXml, jinja_env, word_template

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE_REL = f"{R_NS}/image"
HEADER_REL = f"{R_NS}/header"
FOOTER_REL = f"{R_NS}/footer"
HYPERLINK_REL = f"{R_NS}/hyperlink"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
CORE_PROPS = ("author", "comments", "identifier", "language", "subject", "title")  # what docxtpl renders
_JINJA_MARK = re.compile(r"\{[{%#]")
_PART_INDEX = re.compile(r"[a-zA-Z]+([1-9][0-9]*)?")  # python-docx's PackURI.idx
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_XML_TAG = re.compile(r"<[^>]*>")
_MARKER = "<!--vf:{}-->"
_MARKER_RE = re.compile(r"<!--vf:(\d+)-->")
_DOS_DATE, _DOS_TIME = (0 << 9) | (1 << 5) | 1, 0  # 1980-01-01 00:00:00, as normalise_zip writes


# --------------------------------------------------------------------------- pictures


@dataclass(frozen=True, repr=False)
class Image:
    """A picture in a template context, as plain data (it crosses process boundaries,
    unlike docxtpl's InlineImage, which is bound to one DocxTemplate object).
    Place it with `{{ name }}` in a run; give a width or a height to scale it."""

    data: bytes
    width_mm: float | None = None
    height_mm: float | None = None
    checked_xml = True  # its XML names only relationships the document made (see RawXml)

    def __html__(self) -> str:
        host = _IMAGE_HOST.get()
        if host is None:
            raise RuntimeError("Image rendered outside a document")
        return host.insert_image(self)

    def __str__(self) -> str:
        return self.__html__() if _IMAGE_HOST.get() is not None else repr(self)

    def __repr__(self) -> str:  # never the bytes: contexts get logged
        size = "×".join(f"{v:g} mm" for v in (self.width_mm, self.height_mm) if v) or "natural size"
        return f"Image({len(self.data)} bytes, {size})"


_IMAGE_HOST: contextvars.ContextVar[Any] = contextvars.ContextVar("vendorflow_image_host", default=None)


class DocxtplImageHost:
    """Images through docxtpl's own InlineImage, for the reference path."""

    def __init__(self, tpl) -> None:
        self.tpl = tpl

    def insert_image(self, image: Image) -> str:
        from docx.shared import Mm
        from docxtpl import InlineImage

        return InlineImage(
            self.tpl,
            io.BytesIO(image.data),
            Mm(image.width_mm) if image.width_mm else None,
            Mm(image.height_mm) if image.height_mm else None,
        )._insert_image()

    def __enter__(self):
        self._token = _IMAGE_HOST.set(self)
        return self

    def __exit__(self, *exc) -> None:
        _IMAGE_HOST.reset(self._token)


# --------------------------------------------------------------------------- prepared templates


@dataclass(frozen=True)
class _Stored:
    """A zip member deflated once: its local header, data and central-directory record
    are written from these for every document."""

    name: bytes
    crc: int
    size: int
    data: bytes  # deflated


@dataclass
class _Story:
    """One part of the document that is a Jinja template (body, header, footer, footnotes)."""

    name: str  # zip member, e.g. word/document.xml
    template: Template
    source: str  # the compiled source, for naming the field of an error
    prefix: str
    suffix: str
    kind: str  # body, header, footer or footnotes
    rels_name: str  # word/_rels/document.xml.rels
    original: bytes = b""  # the part as the template has it (docxtpl leaves footnotes so without a section)
    cells_can_change: bool = False  # the template's own tags can change a row's cells (body only)
    raw_always: bool = False  # the template prints raw XML itself (|safe, autoescape off)
    debug: Template | None = None

    @property
    def is_body(self) -> bool:
        return self.kind == "body"


@dataclass(frozen=True)
class _Rel:
    type: str
    target: str  # the zip member, or the URL of an external target
    external: bool


@dataclass
class Prepared:
    name: str
    key: tuple
    order: list[str]  # zip members in the template's order
    stored: dict[str, _Stored]  # members copied as they are
    raw: dict[str, bytes]  # relationships and content types, rewritten when pictures are added
    stories: dict[str, _Story]
    core: dict[str, Template] = field(default_factory=dict)
    core_xml: bytes = b""  # docProps/core.xml as docxtpl writes it (every property it renders set)
    rels: dict[str, dict[str, _Rel]] = field(default_factory=dict)  # rels member -> rId -> relationship
    images: dict[str, str] = field(default_factory=dict)  # the template's image parts: member -> sha1
    route: str = ""  # why docxtpl's own render() must make this template's documents


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _store(name: str, data: bytes) -> _Stored:
    return _Stored(name.encode("utf-8"), zlib.crc32(data), len(data), _deflate(data))


def _strip_redundant_ns(source: str, root_nsmap: dict) -> str:
    """The body serialised on its own repeats the document's namespace declarations;
    drop those so it can go back between the document's own start and end tags."""
    end = source.index(">")
    start_tag = source[:end]
    for prefix, uri in root_nsmap.items():
        decl = f' xmlns:{prefix}="{uri}"' if prefix else f' xmlns="{uri}"'
        start_tag = start_tag.replace(decl, "", 1)
    return start_tag + source[end:]


def _row_width(row, ns: str) -> int:
    total = 0
    for cell in row.findall(ns + "tc"):
        tc_pr = cell.find(ns + "tcPr")
        span = None if tc_pr is None else tc_pr.find(ns + "gridSpan")
        total += int(span.get(ns + "val")) if span is not None else 1
    return total


_STRUCTURE = re.compile(
    r"<(/?)w:(tbl|tr|tc)[ >]|<w:gridCol[ />]|<w:gridSpan w:val=\"([^\"]*)\""
    r"|\{%-?\s*(\w*)(.*?)-?%\}|\{#.*?#\}|\{#",
    re.S,
)
_OPENS = {"for", "if", "macro", "call", "filter", "with", "autoescape", "block", "raw", "trans"}
_MIDDLE = {"else", "elif", "pluralize"}
_RAW_SOURCE = re.compile(r"\|\s*safe\b|\bautoescape\b")


def _cells_can_change(source: str) -> bool:
    """Whether the template itself can make docxtpl's table fix change a grid, read from the
    patched source (patch_xml can join cells itself): a row that does not fill its grid, a
    table in a table, a span from a value ({% hm %}, {% colspan %}), a tag between cells (a
    {%tc %} loop, as patched), or a block or comment that opens in one cell and closes or goes
    on elsewhere. (Values that print their own XML are seen as they print: RawXml.)"""
    places: list[list] = []  # open w:tbl / w:tr / w:tc: [element, serial, grid columns or row width]
    blocks: list[tuple] = []  # open Jinja blocks, with the place each opened in
    serial = 0
    for m in _STRUCTURE.finditer(source):
        closing, element, span, word = m.group(1), m.group(2), m.group(3), m.group(4)
        tag = m.group(0)
        here = (places[-1][0], places[-1][1]) if places else ("", 0)
        if element:
            if not closing:
                if element == "tbl" and any(p[0] == "tbl" for p in places):
                    return True  # docxtpl's fix counts a nested table's rows in the outer one
                if element == "tc" and here[0] == "tr":
                    places[-1][2] += 1
                serial += 1
                places.append([element, serial, 0])
                continue
            if not places or places[-1][0] != element:
                return True  # not the XML expected: let the fix decide on every document
            done = places.pop()
            table = next((p for p in reversed(places) if p[0] == "tbl"), None)
            if element == "tr" and (table is None or done[2] != table[2]):
                return True
        elif tag.startswith("<w:gridCol"):
            if here[0] == "tbl":
                places[-1][2] += 1
        elif span is not None:
            row = places[-2] if len(places) > 1 and here[0] == "tc" else None
            if row is None or row[0] != "tr" or not span.isdigit() or int(span) < 1:
                return True  # a span from a value, or one docxtpl's fix cannot read
            row[2] += int(span) - 1
        elif here[0] == "tr":
            return True  # a tag or a comment between cells: cells repeated or dropped ({%tc %})
        elif tag.startswith("{#"):
            if not tag.endswith("#}"):
                return True
        elif word in _OPENS or (word == "set" and "=" not in m.group(5)):
            blocks.append(here)
        elif word in _MIDDLE or word.startswith("end"):
            if not blocks or blocks[-1] != here:
                return True  # the block's body spans cells, rows or tables
            if word.startswith("end"):
                blocks.pop()
    return bool(blocks) or bool(places)


def _rels_name(part_name: str) -> str:
    folder, base = posixpath.split(part_name)
    return posixpath.join(folder, "_rels", base + ".rels")


def _source_part(rels_name: str) -> str:
    """word/_rels/document.xml.rels -> word/document.xml (_rels/.rels -> the package root, "")."""
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _read_rels(member: str, body: bytes) -> dict[str, _Rel]:
    """A part's relationships with internal targets resolved to zip members."""
    folder = posixpath.dirname(_source_part(member))
    out = {}
    for rel in etree.fromstring(body, _parser()).iter(f"{{{REL_NS}}}Relationship"):
        external = rel.get("TargetMode") == "External"
        target = rel.get("Target", "")
        if not external:
            target = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
        out[rel.get("Id")] = _Rel(rel.get("Type", ""), target, external)
    return out


def _compile(env, source: str, template_name: str, part: str) -> Template:
    try:
        return env.from_string(source)
    except Exception as exc:  # a tag a business user mistyped: say where
        raise RenderError(
            template_name, template_name, exc, _field_of(source, getattr(exc, "lineno", None)), part
        ) from exc


def _core_part(blob: bytes):
    from docx.opc.packuri import PackURI
    from docx.opc.parts.coreprops import CorePropertiesPart

    return CorePropertiesPart.load(
        PackURI("/docProps/core.xml"), "application/vnd.openxmlformats-package.core-properties+xml", blob, None
    )


def _prepare_core(env, name: str, blob: bytes) -> tuple[dict[str, Template], bytes]:
    """docxtpl renders six core properties of every document, tags or not (an empty one is
    written as an empty element, Jinja drops a final new line): the ones without tags are
    rendered here once, the others are compiled for each document."""
    part = _core_part(blob)
    props = part.core_properties
    templated: dict[str, Template] = {}
    for prop in CORE_PROPS:
        value = getattr(props, prop) or ""
        if _JINJA_MARK.search(value):
            templated[prop] = _compile(env, value, name, "docProps/core.xml")
        else:
            setattr(props, prop, env.from_string(value).render())
    return templated, CORE_TIMES.sub(FIXED_CORE_TIME, part.blob)


def _story_source(tpl, xml: str) -> str:
    """docxtpl's own patching, and its "\\n<w:p" trick that gives each paragraph a line."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))


def prepare(path: Path, env=None) -> Prepared:
    """Everything that is the same for every document made from this template."""
    stat = path.stat()
    data = path.read_bytes()
    env = env or jinja_env()
    name = path.name
    tpl = word_template(io.BytesIO(data))
    tpl.init_docx()
    document = tpl.docx
    stories: dict[str, _Story] = {}

    # body
    root = document.element
    body_source = _strip_redundant_ns(_story_source(tpl, tpl.get_xml()), root.nsmap)
    shell = etree.fromstring(etree.tostring(root))
    shell_body = shell.find(f"{{{W_NS}}}body")
    for child in list(shell_body):
        shell_body.remove(child)
    shell_body.text = "x"
    shell_text = etree.tostring(shell, encoding="unicode")
    start, stop = shell_text.index("<w:body"), shell_text.index("</w:body>") + len("</w:body>")
    main_name = document.part.partname.lstrip("/")
    stories[main_name] = _Story(
        main_name,
        _compile(env, body_source, name, main_name),
        body_source,
        XML_DECL + shell_text[:start],
        shell_text[stop:],
        "body",
        _rels_name(main_name),
        cells_can_change=_cells_can_change(body_source),
    )

    # headers and footers, as docxtpl finds them
    for rel in document.part.rels.values():
        if rel.reltype in (HEADER_REL, FOOTER_REL) and not rel.is_external and rel.target_part.blob:
            part = rel.target_part
            source = _story_source(tpl, tpl.get_part_xml(part))
            part_name = part.partname.lstrip("/")
            kind = "header" if rel.reltype == HEADER_REL else "footer"
            compiled = _compile(env, source, name, part_name)
            stories[part_name] = _Story(part_name, compiled, source, XML_DECL, "", kind, _rels_name(part_name))
    # footnotes
    for part in document.part.package.iter_parts():
        if part.content_type == FOOTNOTES_CT:
            blob = part.blob
            source = _story_source(tpl, blob.decode("utf-8") if isinstance(blob, bytes) else blob)
            part_name = part.partname.lstrip("/")
            compiled = _compile(env, source, name, part_name)
            stories[part_name] = _Story(
                part_name, compiled, source, "", "", "footnotes", _rels_name(part_name), original=bytes(blob)
            )

    for story in stories.values():
        story.raw_always = bool(_RAW_SOURCE.search(story.source))

    order, stored, raw, rels = [], {}, {}, {}
    core: dict[str, Template] = {}
    core_xml = b""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            member = info.filename
            order.append(member)
            if member in stories:
                continue
            body = z.read(member)
            if member == "docProps/core.xml":
                core, body = _prepare_core(env, name, body)
                core_xml = body
            if member.endswith(".rels") or member == "[Content_Types].xml":
                raw[member] = body
            if member.endswith(".rels"):
                rels[member] = _read_rels(member, body)
            stored[member] = _store(member, body)
        images: dict[str, str] = {}  # python-docx's image parts: every internal image relationship's target
        for rel in (r for part in rels.values() for r in part.values()):
            if rel.type == IMAGE_REL and not rel.external and rel.target in stored and rel.target not in images:
                images[rel.target] = hashlib.sha1(z.read(rel.target)).hexdigest()
    # python-docx adds a core properties part to a package that has none: docxtpl's render() it is
    route = "" if core_xml else "the template has no core properties part (docProps/core.xml)"
    return Prepared(
        name,
        (str(path), stat.st_mtime_ns, stat.st_size),
        order,
        stored,
        raw,
        stories,
        core,
        core_xml,
        rels,
        images,
        route,
    )


_CACHE: dict[str, Prepared] = {}
_CACHE_LOCK = threading.Lock()
_ENV = None


def prepared(path: Path) -> Prepared:
    """The prepared template for this path, prepared again if the file changed."""
    global _ENV
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    hit = _CACHE.get(key[0])
    if hit is not None and hit.key == key:
        return hit
    with _CACHE_LOCK:
        hit = _CACHE.get(key[0])
        if hit is None or hit.key != key:
            if _ENV is None:
                _ENV = jinja_env()
            hit = prepare(path, _ENV)
            _CACHE[key[0]] = hit
    return hit


# --------------------------------------------------------------------------- per document


_PARSER = threading.local()


def _parser() -> etree.XMLParser:
    """Strict: a malformed result is an error, never silently 'recovered'."""
    parser = getattr(_PARSER, "parser", None)
    if parser is None:
        parser = _PARSER.parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return parser


def _listing(xml: str) -> str:
    """docxtpl's resolve_listing (tabs, new lines, page and paragraph breaks in values);
    an identity when the rendered part holds none of those characters."""
    if "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml:
        from docxtpl import DocxTemplate

        return DocxTemplate.resolve_listing(None, xml)
    return xml


def _rendered(pieces: Iterator[str], batch: int = 8192) -> list[str]:
    """What Template.render returns, as chunks joined a batch of pieces at a time: render()
    first lists every piece (a large part has millions, each a Python string), then joins them."""
    chunks = ["".join(islice(pieces, batch))]
    while part := "".join(islice(pieces, batch)):
        chunks.append(part)
    return chunks


_LEFT_FOR_LISTING = re.compile(r"[\n\t\a\f]|\{_|_\}")  # what _postprocess changes beyond the new lines


def _paragraph_lines(chunks: list[str]) -> Iterator[str]:
    """The chunks with docxtpl's first fix applied to each (the new line before every `<w:p>`
    that `{%p %}` tags leave is removed); a new line near a chunk's end goes with the next
    chunk, so no occurrence is split between two."""
    carry = ""
    for i, chunk in enumerate(chunks):
        chunk = carry + chunk
        carry = ""
        if i + 1 < len(chunks):
            cut = chunk.rfind("\n", max(0, len(chunk) - 5))
            if cut >= 0:
                chunk, carry = chunk[:cut], chunk[cut:]
        yield chunk.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")


def _postprocessed_bytes(prefix: str, chunks: list[str], suffix: str) -> bytes | None:
    """`prefix + _postprocess("".join(chunks)) + suffix`, encoded, without the part ever being one
    string (a large part's text is twice its UTF-8 size, and each replace copies it): each chunk
    is fixed, encoded and freed in turn. None when `_postprocess` would change more than the new
    lines before paragraphs (a value's tab or line break, a `{_ _}` literal): the caller then
    postprocesses the whole text. The chunks are left as they are until that is known."""
    last = ""
    for chunk in _paragraph_lines(chunks):
        if _LEFT_FOR_LISTING.search(chunk) or (chunk and _LEFT_FOR_LISTING.search(last + chunk[0])):
            return None
        last = chunk[-1:] or last
    encoded = [prefix.encode("utf-8")]
    for i, chunk in enumerate(_paragraph_lines(chunks)):
        encoded.append(chunk.encode("utf-8"))
        if i:
            chunks[i - 1] = ""  # its text has gone to the bytes (the next chunk may have taken its end)
    chunks.clear()
    encoded.append(suffix.encode("utf-8"))
    return b"".join(encoded)


def _postprocess(xml: str) -> str:
    # what docxtpl's render_xml_part does after Jinja
    xml = xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
    if "{_" in xml or "_}" in xml:
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return _listing(xml)


def _field_of(source: str, lineno: int | None) -> str | None:
    """The template tags on a line of the compiled source: what a user looks for in Word."""
    if not lineno:
        return None
    lines = source.split("\n")
    if not 0 < lineno <= len(lines):
        return None
    line = lines[lineno - 1]
    tags = [_XML_TAG.sub("", t) for t in _TAG.findall(line)]
    if tags:
        return " ".join(dict.fromkeys(tags))[:300]
    text = _XML_TAG.sub("", line).strip()
    return f"“{text[:120]}”" if text else None


def _template_lineno(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _xml_error_field(story: _Story, context: dict, full: bytes, exc: etree.XMLSyntaxError) -> str | None:
    """Render again with a marker at the start of every template line, and find the last
    marker before the error: the tags of that line are the field to look at."""
    if story.debug is None:
        lines = story.source.split("\n")
        marked = "\n".join(line if i == 0 else _MARKER.format(i) + line for i, line in enumerate(lines))
        story.debug = (_ENV or jinja_env()).from_string(marked)
    try:
        text = story.prefix + story.debug.render(context) + story.suffix
        etree.fromstring(text.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as again:
        line, column = again.position
        lines = text.split("\n")
        offset = sum(len(l) + 1 for l in lines[: max(line - 1, 0)]) + max(column, 0)
        found = list(_MARKER_RE.finditer(text, 0, offset))
        lineno = int(found[-1].group(1)) + 1 if found else 1
        return _field_of(story.source, lineno)
    except Exception:
        return None
    return None


class NeedsDocxtpl(Exception):
    """This template's documents are made by docxtpl's own render() (the facade does that)."""


A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_REFERENCES = etree.XPath("/descendant::*/@r:*", namespaces={"r": R_NS})
_EXPECTED_REL = {  # the relationship type an element's reference must name
    f"{{{W_NS}}}hyperlink": HYPERLINK_REL,
    f"{{{A_NS}}}hlinkClick": HYPERLINK_REL,
    f"{{{A_NS}}}hlinkHover": HYPERLINK_REL,
    f"{{{A_NS}}}blip": IMAGE_REL,
    "{urn:schemas-microsoft-com:vml}imagedata": IMAGE_REL,
    f"{{{W_NS}}}headerReference": HEADER_REL,
    f"{{{W_NS}}}footerReference": FOOTER_REL,
}
_SECTIONS = etree.XPath("count(/*/w:body/w:p/w:pPr/w:sectPr | /*/w:body/w:sectPr)", namespaces={"w": W_NS})


def _part_index(member: str) -> int | None:
    match = _PART_INDEX.match(posixpath.splitext(posixpath.basename(member))[0])
    return int(match.group(1)) if match and match.group(1) else None


class _Document:
    """Per-document state: pictures added to which parts, as python-docx adds them."""

    def __init__(self, prep: Prepared):
        self.prep = prep
        self.current: _Story | None = None
        self.media: dict[str, str] = {}  # sha1 -> member name of a picture this document added
        self.media_data: dict[str, bytes] = {}
        self.rels: dict[str, list[tuple[str, str]]] = {}  # rels member -> [(rId, target member)] added
        self.content_types: dict[str, str] = {}  # extension -> content type
        self.next_shape = 5000

    def _image_member(self, data: bytes, img) -> str:
        """python-docx's image part for these bytes: the template's or an earlier picture's with
        the same sha1, else word/media/imageN with the first number no image part has."""
        digest = hashlib.sha1(data).hexdigest()
        known = next((m for m, d in self.prep.images.items() if d == digest), None) or self.media.get(digest)
        if known:
            return known
        parts = [*self.prep.images, *self.media.values()]
        used = {_part_index(m) for m in parts}
        n = next((n for n in range(1, len(parts) + 1) if n not in used), len(parts) + 1)
        taken = set(self.prep.order) | set(self.media_data)
        while f"word/media/image{n}.{img.ext}" in taken:  # a member python-docx does not count as a picture
            n += 1
        member = f"word/media/image{n}.{img.ext}"
        self.media[digest] = member
        self.media_data[member] = data
        self.content_types[img.ext] = img.content_type
        return member

    def _relate(self, story: _Story, member: str) -> str:
        """python-docx's relate_to: the part's image relationship to that member if it has one,
        else a new one with the first free rId."""
        existing = self.prep.rels.get(story.rels_name, {})
        for rid, rel in existing.items():
            if rel.type == IMAGE_REL and not rel.external and rel.target == member:
                return rid
        added = self.rels.setdefault(story.rels_name, [])
        for rid, target in added:
            if target == member:
                return rid
        used = set(existing) | {r for r, _ in added}
        rid = next(f"rId{n}" for n in range(1, len(used) + 2) if f"rId{n}" not in used)
        added.append((rid, member))
        return rid

    def insert_image(self, image: Image) -> str:
        from docx.image.image import Image as DocxImage
        from docx.oxml.shape import CT_Inline
        from docx.shared import Mm

        story = self.current
        if story is None:
            raise ValueError("a picture in the document properties: docxtpl cannot place one there either")
        if story.kind == "footnotes":
            raise ValueError("a picture in the footnotes: docxtpl cannot place one there (no new_pic_inline)")
        img = DocxImage.from_blob(image.data)
        rid = self._relate(story, self._image_member(image.data, img))
        cx, cy = img.scaled_dimensions(
            Mm(image.width_mm) if image.width_mm else None, Mm(image.height_mm) if image.height_mm else None
        )
        self.next_shape += 1
        inline = CT_Inline.new_pic_inline(self.next_shape, rid, img.filename, cx, cy)
        pic = etree.tostring(inline, encoding="unicode")
        return '</w:t></w:r><w:r><w:drawing>%s</w:drawing></w:r><w:r><w:t xml:space="preserve">' % pic

    def unresolved(self, story: _Story, tree) -> str | None:
        """docxtpl writes whatever r:id a value carries: a RichText url_id made by another
        DocxTemplate's build_url_id dangles, or names this document's picture or styles.
        What a reference in the rendered part names, unless it is a relationship of the
        part of the type its element needs."""
        existing = self.prep.rels.get(story.rels_name, {})
        added = {rid: IMAGE_REL for rid, _ in self.rels.get(story.rels_name, [])}
        seen = set()
        for attr in _REFERENCES(tree):
            element = attr.getparent()
            key = (element.tag, attr.attrname, str(attr))
            if key in seen:
                continue
            seen.add(key)
            rel = existing.get(key[2])
            kind = rel.type if rel is not None else added.get(key[2])
            what = f'{etree.QName(element).localname} r:{etree.QName(attr.attrname).localname}="{key[2]}"'
            if kind is None:
                return (
                    f"{what} names no relationship of {story.name} (a RichText url_id from a DocxTemplate's "
                    "build_url_id belongs to that DocxTemplate: hyperlinks cannot come from a context)"
                )
            expected = _EXPECTED_REL.get(element.tag)
            if expected and kind != expected:
                return (
                    f"{what} names {story.name}'s relationship of type {kind.rsplit('/', 1)[-1]}, not "
                    f"{expected.rsplit('/', 1)[-1]} (a RichText url_id from another DocxTemplate's build_url_id?)"
                )
        return None

    def rels_bytes(self, member: str) -> bytes:
        body = self.prep.raw.get(member) or (XML_DECL + f'<Relationships xmlns="{REL_NS}"></Relationships>').encode()
        folder = posixpath.dirname(_source_part(member))
        extra = "".join(
            f'<Relationship Id="{rid}" Type="{IMAGE_REL}" Target="{posixpath.relpath(target, folder)}"/>'
            for rid, target in self.rels[member]
        )
        if body.rstrip().endswith(b"/>") and b"</Relationships>" not in body:  # <Relationships .../>
            body = body.rstrip()[:-2] + b">" + b"</Relationships>"
        return body.replace(b"</Relationships>", extra.encode() + b"</Relationships>")

    def content_types_bytes(self) -> bytes:
        body = self.prep.raw["[Content_Types].xml"]
        present = {m.lower() for m in re.findall(rb'Default Extension="([^"]+)"', body)}
        extra = "".join(
            f'<Default Extension="{ext}" ContentType="{ct}"/>'
            for ext, ct in sorted(self.content_types.items())
            if ext.lower().encode() not in present
        )
        return re.sub(rb"(<Types[^>]*>)", lambda m: m.group(1) + extra.encode(), body, count=1)


def _fix_tables(tree) -> bool:
    """docxtpl's fix_tables: a grid with as many columns as the widest row (row loops over
    cells can change that). Returns whether anything changed."""
    ns = f"{{{W_NS}}}"
    changed = False
    for t in tree.iter(ns + "tbl"):
        grid = t.find(ns + "tblGrid")
        if grid is None:
            raise ValueError("a table without w:tblGrid (docxtpl's fix_tables fails on it)")
        columns = grid.findall(ns + "gridCol")
        to_add = 0
        for r in t.iter(ns + "tr"):
            cells = r.findall(ns + "tc")
            if len(columns) + to_add < len(cells):
                to_add = len(cells) - len(columns)
        if to_add > 0:
            changed = True
            width = sum(float(c.get(ns + "w")) for c in columns if c.get(ns + "w") is not None)
            new_average = None
            if width > 0:
                old_average = width / len(columns)
                new_average = width / (len(columns) + to_add)
                for c in columns:
                    c.set(ns + "w", str(int(float(c.get(ns + "w")) * new_average / old_average)))
                for _ in range(to_add):
                    etree.SubElement(grid, ns + "gridCol", {ns + "w": str(int(new_average))})
        columns = grid.findall(ns + "gridCol")
        widest = max((_row_width(r, ns) for r in t.iter(ns + "tr")), default=0)
        to_remove = len(columns) - widest
        if to_remove > 0:
            changed = True
            removed = 0.0
            for c in columns[-to_remove:]:
                removed += float(c.get(ns + "w"))
                grid.remove(c)
            left = grid.findall(ns + "gridCol")
            extra = int(removed / len(left)) if left else 0
            for c in left:
                c.set(ns + "w", str(int(float(c.get(ns + "w")) + extra)))
    return changed


def _fix_docpr_ids(tree) -> bool:
    """docxtpl's fix_docpr_ids: drawings numbered 1001, 1002, … so ids never collide."""
    found = tree.iter(f"{{{WP_NS}}}docPr")
    changed = False
    for n, element in enumerate(found, start=1001):
        element.set("id", str(n))
        changed = True
    return changed


_EMPTY_TABLE = etree.XPath("boolean(/descendant::w:tbl[not(descendant::w:tr)])", namespaces={"w": W_NS})


LARGE_PART = 4 * 1024 * 1024  # a rendered part above this is checked as a stream, not held as a tree
_W_P, _W_TR, _W_TBL, _W_SECTPR = (f"{{{W_NS}}}{n}" for n in ("p", "tr", "tbl", "sectPr"))
_W_BODY, _W_PPR, _WP_DOCPR = f"{{{W_NS}}}body", f"{{{W_NS}}}pPr", f"{{{WP_NS}}}docPr"
_HAS_ROWS = "{urn:vendorflow:scan}rows"  # set on a table of the scanned stream once a row of it ends


@dataclass
class _Scan:
    """What the tree path would learn from a large part, learnt from a stream (`_scan`)."""

    sections: int = 0  # what _SECTIONS counts
    empty_table: bool = False  # what _EMPTY_TABLE finds
    docpr_ids: list[str] = field(default_factory=list)  # each wp:docPr's id, in document order
    docpr_prefixes: tuple[str, ...] = ()  # the root's prefixes for the drawing namespace


def _scan(data: bytes) -> _Scan:
    """One pass over a rendered part with the same strict parser settings as the tree path
    (raises the same XMLSyntaxError), each finished paragraph and row dropped as it ends, so a
    part of tens of MB (the portfolio summary's table of every supplier) costs a few MB instead
    of a tree of ten times its size."""
    facts = _Scan()
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=(_W_P, _W_TR, _W_TBL, _W_SECTPR, _WP_DOCPR),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    for _, element in events:
        tag = element.tag
        if tag == _WP_DOCPR:
            facts.docpr_ids.append(element.get("id"))
            continue
        if tag == _W_SECTPR:
            parent = element.getparent()
            if parent is not None and parent.tag == _W_PPR:
                parent = parent.getparent()
                parent = parent.getparent() if parent is not None and parent.tag == _W_P else None
            if parent is not None and parent.tag == _W_BODY and parent.getparent() is not None:
                facts.sections += parent.getparent().getparent() is None  # /*/w:body
            continue
        if tag == _W_TR:
            ancestor = element.getparent()
            while ancestor is not None:
                if ancestor.tag == _W_TBL:
                    ancestor.set(_HAS_ROWS, "")
                ancestor = ancestor.getparent()
        elif tag == _W_TBL and element.get(_HAS_ROWS) is None:
            facts.empty_table = True
        if element.getparent() is not None:  # done with it: drop it and what came before it
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
    root = events.root
    facts.docpr_prefixes = tuple(sorted(p or "" for p, ns in root.nsmap.items() if ns == WP_NS))
    return facts


def _renumber_drawings(data: bytes, facts: _Scan) -> bytes | None:
    """docxtpl's fix_docpr_ids on the bytes of a scanned part: drawings numbered 1001, 1002, …
    The substitution must meet exactly the ids the parser saw, in order, or it is not used
    (None: the caller builds the tree instead)."""
    if not facts.docpr_ids:
        return data
    if len(facts.docpr_prefixes) != 1 or not facts.docpr_prefixes[0]:
        return None
    prefix = re.escape(facts.docpr_prefixes[0].encode())
    pattern = re.compile(rb"(<" + prefix + rb":docPr\b[^>]*?\sid=)([\"'])([^\"'<>]*)\2")
    found = pattern.findall(data)
    if [m[2].decode("utf-8") for m in found] != facts.docpr_ids:
        return None
    numbers = iter(range(1001, 1001 + len(found)))
    return pattern.sub(lambda m: m.group(1) + m.group(2) + str(next(numbers)).encode() + m.group(2), data)


def _fix_body(story: _Story, tree, raw: bool) -> bool:
    """docxtpl's fixes of the body after rendering; whether the tree changed. The table fix
    runs where it can change something: the template's tags can change cells, a value printed
    its own XML, or a table lost all its rows (docxtpl then empties its grid)."""
    changed = False
    if story.cells_can_change or raw or _EMPTY_TABLE(tree):
        changed = _fix_tables(tree)
    return _fix_docpr_ids(tree) or changed


def _render_core(prep: Prepared, context: dict) -> bytes:
    part = _core_part(prep.core_xml)
    for prop, template in prep.core.items():
        setattr(part.core_properties, prop, template.render(context))
    return CORE_TIMES.sub(FIXED_CORE_TIME, part.blob)


def _footnotes_rendered_again(text: str) -> bool:
    """docxtpl renders the footnotes once per section, each time the last time's output
    patched as a template: whether that would change it (a tag in the output, say from data)."""
    return bool(_JINJA_MARK.search(text)) and bool(_JINJA_MARK.search(word_template(None).patch_xml(text)))


def render(path: Path, context: dict[str, Any], document: str) -> bytes:
    """One document's bytes from a prepared template (raises RenderError, or NeedsDocxtpl for
    a template only docxtpl's own render() makes equal)."""
    prep = prepared(path)
    if prep.route:
        raise NeedsDocxtpl(prep.route)
    doc = _Document(prep)
    token = _IMAGE_HOST.set(doc)
    out: dict[str, bytes] = {}
    sections = 1  # docxtpl renders the footnotes once per section of the rendered body
    footnotes = any(story.kind == "footnotes" for story in prep.stories.values())
    try:
        for story in prep.stories.values():
            doc.current = story
            if story.kind == "footnotes" and sections == 0:
                out[story.name] = story.original  # docxtpl renders footnotes once per section: here, never
                continue
            printed = RawXml()
            raw_token = RAW_XML.set(printed)
            try:
                chunks = _rendered(story.template.generate(context))
            except Exception as exc:
                raise RenderError(
                    prep.name, document, exc, _field_of(story.source, _template_lineno(exc)), story.name
                ) from exc
            finally:
                RAW_XML.reset(raw_token)
            raw = printed.seen or story.raw_always
            footnotes_again = story.kind == "footnotes" and sections > 1
            data = None if footnotes_again else _postprocessed_bytes(story.prefix, chunks, story.suffix)
            if data is None:
                text = _postprocess("".join(chunks))
                del chunks
                if footnotes_again and _footnotes_rendered_again(story.prefix + text + story.suffix):
                    raise RenderError(
                        prep.name,
                        document,
                        f"the footnotes hold a template tag after rendering (from data, or a {{_{{ }}_}} literal), and "
                        f"docxtpl renders footnotes once per section ({sections}): it would run that tag as template "
                        "code; the compiled path never does, so neither makes this document",
                        None,
                        story.name,
                    )
                # a month's portfolio body is tens of MB: as few copies of it at a time as can be
                data = b"".join((story.prefix.encode("utf-8"), text.encode("utf-8"), story.suffix.encode("utf-8")))
                del text
            else:
                del chunks
            if len(data) > LARGE_PART and not raw and not (story.is_body and story.cells_can_change):
                streamed = _streamed(prep, document, context, story, data, footnotes)
                if streamed is not None:
                    data, found = streamed
                    sections = found if story.is_body else sections
                    out[story.name] = data
                    continue
            try:
                tree = etree.fromstring(data, _parser())
            except etree.XMLSyntaxError as exc:
                raise RenderError(
                    prep.name, document, exc, _xml_error_field(story, context, data, exc), story.name
                ) from exc
            problem = doc.unresolved(story, tree) if raw else None  # else: the template's and our pictures'
            if problem:
                raise RenderError(prep.name, document, problem, None, story.name)
            if story.is_body:
                sections = int(_SECTIONS(tree)) if footnotes else 1
                try:
                    changed = _fix_body(story, tree, raw)
                except (TypeError, ValueError, AttributeError) as exc:  # docxtpl's fix_tables fails on these too
                    raise RenderError(prep.name, document, f"table grid: {exc}", None, story.name) from exc
                if changed:
                    data = None
                    data = etree.tostring(tree, encoding="UTF-8", standalone=True)
            del tree
            out[story.name] = data
        doc.current = None  # a picture in a core property has no part to go to
        if prep.core:
            try:
                out["docProps/core.xml"] = _render_core(prep, context)
            except Exception as exc:
                raise RenderError(prep.name, document, exc, None, "docProps/core.xml") from exc
    finally:
        _IMAGE_HOST.reset(token)
    for member in doc.rels:
        out[member] = doc.rels_bytes(member)
    if doc.content_types:
        out["[Content_Types].xml"] = doc.content_types_bytes()
    order = list(prep.order)
    order += [m for m in doc.rels if m not in prep.stored and m not in order]
    order += list(doc.media_data)
    for member, data in doc.media_data.items():
        out[member] = data
    return write_zip(order, prep.stored, out)


def _streamed(
    prep: Prepared, document: str, context: dict, story: _Story, data: bytes, footnotes: bool
) -> tuple[bytes, int] | None:
    """A large part checked and fixed as a stream: (its bytes, the sections the tree path would
    count), or None where only the tree can make it as docxtpl does (a table left without rows,
    drawings the byte substitution cannot match). Raw XML printed by a value, and cell loops,
    never come here: those take the tree path."""
    try:
        facts = _scan(data)
    except etree.XMLSyntaxError as exc:
        raise RenderError(prep.name, document, exc, _xml_error_field(story, context, data, exc), story.name) from exc
    if story.is_body:
        if facts.empty_table:
            return None
        renumbered = _renumber_drawings(data, facts)
        if renumbered is None:
            return None
        return renumbered, (facts.sections if footnotes else 1)
    return data, 0


def write_zip(order: list[str], stored: dict[str, _Stored], fresh: dict[str, bytes]) -> bytes:
    """The zip normalise_zip would write (fixed times and attributes, deflated), with the
    unchanged members' compressed bytes copied instead of compressed again."""
    buffer = io.BytesIO()
    central = []
    for member in order:
        if member in fresh:
            entry = _store(member, fresh[member])
        else:
            entry = stored[member]
        if entry.size > 0xFFFFFFFF or len(entry.data) > 0xFFFFFFFF:
            raise ValueError(f"{member} is too large for a document")
        offset = buffer.tell()
        flags = 0 if entry.name.isascii() else 0x800  # UTF-8 member name
        buffer.write(
            struct.pack(
                "<4s2B4HL2L2H",
                b"PK\003\004",
                20,
                0,
                flags,
                zipfile.ZIP_DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.data),
                entry.size,
                len(entry.name),
                0,
            )
        )
        buffer.write(entry.name)
        buffer.write(entry.data)
        central.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\001\002",
                20,
                0,
                20,
                0,
                flags,
                zipfile.ZIP_DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.data),
                entry.size,
                len(entry.name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                offset,
            )
            + entry.name
        )
    start = buffer.tell()
    for record in central:
        buffer.write(record)
    size = buffer.tell() - start
    buffer.write(struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, len(central), len(central), size, start, 0))
    return buffer.getvalue()


def docxtpl_objects(value: Any) -> list:
    """Every docxtpl object (InlineImage, Subdoc, RichText, DocxTemplate, …) anywhere in a context."""
    return list(_docxtpl_objects(value))


def _docxtpl_objects(value: Any):
    stack = [value]
    plain = (str, int, float, bool, type(None))
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in plain:
            continue
        if kind is dict:
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif any(k.__module__.startswith("docxtpl") for k in kind.__mro__):  # or a subclass (word_template)
            yield item


def docxtpl_bound(value: Any) -> Any:
    """A docxtpl object tied to one DocxTemplate (InlineImage, Subdoc) anywhere in a context:
    those can only be rendered by that DocxTemplate, through docxtpl's own render()."""
    return next((item for item in docxtpl_objects(value) if getattr(item, "tpl", None) is not None), None)


REPLACEMENTS = ("crc_to_new_media", "crc_to_new_embedded", "zipname_to_replace", "pics_to_replace")


def docxtpl_refusal(objects: list) -> str:
    """Why no renderer can make the document of a context with these docxtpl objects equal to
    docxtpl's: objects bound to two DocxTemplates, or a DocxTemplate carrying replace_pic /
    replace_media / replace_embedded / replace_zipname requests (docxtpl applies those in its
    own save(), to that object's template; render_docx renders the named template file from
    plain data). Empty if none."""
    bound, replacing = set(), []
    for item in objects:
        if callable(getattr(type(item), "replace_pic", None)):  # a DocxTemplate itself
            if any(getattr(item, name, None) for name in REPLACEMENTS):
                replacing.append(item)
        elif getattr(item, "tpl", None) is not None:
            bound.add(id(item.tpl))
    if len(bound) > 1:
        return "the context's docxtpl objects are bound to more than one DocxTemplate; one document has one"
    if any(id(tpl) not in bound for tpl in replacing):  # those of the DocxTemplate rendering are docxtpl's
        return (
            "the context carries a DocxTemplate with replace_pic/replace_media/replace_embedded/replace_zipname "
            "requests: render_docx does not support docxtpl's template patching (change the template file, "
            "or put an Image in the context)"
        )
    return ""


def prepare_all(folder: Path) -> list[str]:
    """Prepare every template in the folder now (a pool's forkserver does this once).
    A template that cannot be prepared is left for its first document to report."""
    done = []
    for path in sorted(folder.glob("*.docx")):
        if path.name.startswith("~$"):
            continue
        try:
            prepared(path)
            done.append(path.name)
        except Exception:
            continue
    return done


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()
