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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template
from lxml import etree

from pipeline.errors import RenderError
from pipeline.render.environment import CORE_TIMES, FIXED_CORE_TIME, jinja_env, word_template

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
CORE_PROPS = ("author", "comments", "identifier", "language", "subject", "title")  # what docxtpl renders
_JINJA_MARK = re.compile(r"\{[{%#]")
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
    is_body: bool
    rels_name: str  # word/_rels/document.xml.rels
    fix_tables: bool = False  # rows can change their cell count: docxtpl's table fix on every document
    debug: Template | None = None


@dataclass
class Prepared:
    name: str
    key: tuple
    order: list[str]  # zip members in the template's order
    stored: dict[str, _Stored]  # members copied as they are
    raw: dict[str, bytes]  # relationships and content types, rewritten when pictures are added
    stories: dict[str, _Story]
    core: dict[str, Template] = field(default_factory=dict)
    core_xml: bytes = b""


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


_CELL_TAGS = re.compile(r"\{[{%]-?\s*(tc\s|hm\b|colspan\b)")


def _cells_can_change(body_xml: str, root) -> bool:
    """Whether docxtpl's table fix can change anything but an emptied table: cell loops or
    merges in the template, or a table whose rows do not already fill its grid."""
    if _CELL_TAGS.search(_XML_TAG.sub("", body_xml)):  # tags as Word shows them, runs joined
        return True
    ns = f"{{{W_NS}}}"
    for table in root.iter(ns + "tbl"):
        grid = table.find(ns + "tblGrid")
        width = len(grid.findall(ns + "gridCol")) if grid is not None else 0
        for row in table.iter(ns + "tr"):
            if _row_width(row, ns) != width:
                return True
    return False


def _row_width(row, ns: str) -> int:
    total = 0
    for cell in row.findall(ns + "tc"):
        tc_pr = cell.find(ns + "tcPr")
        span = None if tc_pr is None else tc_pr.find(ns + "gridSpan")
        total += int(span.get(ns + "val")) if span is not None else 1
    return total


def _rels_name(part_name: str) -> str:
    folder, base = posixpath.split(part_name)
    return posixpath.join(folder, "_rels", base + ".rels")


def _compile(env, source: str, template_name: str, part: str) -> Template:
    try:
        return env.from_string(source)
    except Exception as exc:  # a tag a business user mistyped: say where
        raise RenderError(
            template_name, template_name, exc, _field_of(source, getattr(exc, "lineno", None)), part
        ) from exc


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

    # body: docxtpl's own patching, and its "\n<w:p" trick that gives each paragraph a line
    body_source = tpl.patch_xml(tpl.get_xml())
    body_source = re.sub(r"<w:p([ >])", r"\n<w:p\1", body_source)
    root = document.element
    body_source = _strip_redundant_ns(body_source, root.nsmap)
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
        True,
        _rels_name(main_name),
        _cells_can_change(tpl.get_xml(), root),
    )

    # headers and footers, as docxtpl finds them
    for rel in document.part.rels.values():
        if rel.reltype in (HEADER_REL, FOOTER_REL) and not rel.is_external and rel.target_part.blob:
            part = rel.target_part
            source = tpl.patch_xml(tpl.get_part_xml(part))
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
            part_name = part.partname.lstrip("/")
            stories[part_name] = _Story(
                part_name, _compile(env, source, name, part_name), source, XML_DECL, "", False, _rels_name(part_name)
            )
    # footnotes
    for part in document.part.package.iter_parts():
        if part.content_type == FOOTNOTES_CT:
            blob = part.blob
            source = tpl.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob)
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
            part_name = part.partname.lstrip("/")
            stories[part_name] = _Story(
                part_name, _compile(env, source, name, part_name), source, "", "", False, _rels_name(part_name)
            )

    # core properties that hold tags (docxtpl renders these six)
    core: dict[str, Template] = {}
    props = document.core_properties
    for prop in CORE_PROPS:
        value = getattr(props, prop) or ""
        if _JINJA_MARK.search(value):
            core[prop] = _compile(env, value, name, "docProps/core.xml")

    order, stored, raw = [], {}, {}
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
                body = CORE_TIMES.sub(FIXED_CORE_TIME, body)
                core_xml = body
            if member.endswith(".rels") or member == "[Content_Types].xml":
                raw[member] = body
            stored[member] = _store(member, body)
    return Prepared(name, (str(path), stat.st_mtime_ns, stat.st_size), order, stored, raw, stories, core, core_xml)


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


class _Document:
    """Per-document state: pictures added to which parts."""

    def __init__(self, prep: Prepared):
        self.prep = prep
        self.current: _Story | None = None
        self.media: dict[str, str] = {}  # sha1 -> member name
        self.media_data: dict[str, bytes] = {}
        self.rels: dict[str, list[tuple[str, str]]] = {}  # rels member -> [(rId, target)]
        self.content_types: dict[str, str] = {}  # extension -> content type
        self.next_shape = 5000

    def insert_image(self, image: Image) -> str:
        from docx.image.image import Image as DocxImage
        from docx.oxml.shape import CT_Inline
        from docx.shared import Mm

        story = self.current
        img = DocxImage.from_blob(image.data)
        digest = hashlib.sha1(image.data).hexdigest()
        member = self.media.get(digest)
        if member is None:
            n = 1
            taken = set(self.prep.order) | set(self.media.values())
            while f"word/media/image{n}.{img.ext}" in taken:
                n += 1
            member = f"word/media/image{n}.{img.ext}"
            self.media[digest] = member
            self.media_data[member] = image.data
            self.content_types[img.ext] = img.content_type
        target = posixpath.relpath(member, posixpath.dirname(story.name))
        added = self.rels.setdefault(story.rels_name, [])
        rid = next((r for r, t in added if t == target), None)
        if rid is None:
            used = set(re.findall(rb'Id="([^"]+)"', self.prep.raw.get(story.rels_name, b"")))
            used |= {r.encode() for r, _ in added}
            n = 1
            while f"rId{n}".encode() in used:
                n += 1
            rid = f"rId{n}"
            added.append((rid, target))
        cx, cy = img.scaled_dimensions(
            Mm(image.width_mm) if image.width_mm else None, Mm(image.height_mm) if image.height_mm else None
        )
        self.next_shape += 1
        inline = CT_Inline.new_pic_inline(self.next_shape, rid, img.filename, cx, cy)
        pic = etree.tostring(inline, encoding="unicode")
        return '</w:t></w:r><w:r><w:drawing>%s</w:drawing></w:r><w:r><w:t xml:space="preserve">' % pic

    def rels_bytes(self, member: str) -> bytes:
        body = self.prep.raw.get(member) or (XML_DECL + f'<Relationships xmlns="{REL_NS}"></Relationships>').encode()
        extra = "".join(
            f'<Relationship Id="{rid}" Type="{IMAGE_REL}" Target="{target}"/>' for rid, target in self.rels[member]
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
            continue
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


_EMPTY_TABLE = etree.XPath("boolean(//w:tbl[not(.//w:tr)])", namespaces={"w": W_NS})


def _fix_docpr_ids(tree) -> bool:
    """docxtpl's fix_docpr_ids: drawings numbered 1001, 1002, … so ids never collide."""
    found = tree.iter(f"{{{WP_NS}}}docPr")
    changed = False
    for n, element in enumerate(found, start=1001):
        element.set("id", str(n))
        changed = True
    return changed


def _fix_body(story: _Story, tree) -> bool:
    """docxtpl's fixes of the body after rendering; whether the tree changed. The table fix
    runs only where it can change something (see _cells_can_change), or a table lost all rows."""
    changed = False
    if story.fix_tables or _EMPTY_TABLE(tree):
        changed = _fix_tables(tree)
    return _fix_docpr_ids(tree) or changed


def _render_core(prep: Prepared, context: dict) -> bytes:
    from docx.opc.packuri import PackURI
    from docx.opc.parts.coreprops import CorePropertiesPart

    part = CorePropertiesPart.load(
        PackURI("/docProps/core.xml"), "application/vnd.openxmlformats-package.core-properties+xml", prep.core_xml, None
    )
    for prop, template in prep.core.items():
        setattr(part.core_properties, prop, template.render(context))
    return CORE_TIMES.sub(FIXED_CORE_TIME, part.blob)


def render(path: Path, context: dict[str, Any], document: str) -> bytes:
    """One document's bytes from a prepared template (raises RenderError)."""
    prep = prepared(path)
    doc = _Document(prep)
    token = _IMAGE_HOST.set(doc)
    out: dict[str, bytes] = {}
    try:
        for story in prep.stories.values():
            doc.current = story
            try:
                text = story.template.render(context)
            except Exception as exc:
                raise RenderError(
                    prep.name, document, exc, _field_of(story.source, _template_lineno(exc)), story.name
                ) from exc
            data = (story.prefix + _postprocess(text) + story.suffix).encode("utf-8")
            del text  # a month's portfolio body is tens of MB: hold one copy at a time
            try:
                tree = etree.fromstring(data, _parser())
            except etree.XMLSyntaxError as exc:
                raise RenderError(
                    prep.name, document, exc, _xml_error_field(story, context, data, exc), story.name
                ) from exc
            if story.is_body and _fix_body(story, tree):
                data = None
                data = etree.tostring(tree, encoding="UTF-8", standalone=True)
            del tree
            out[story.name] = data
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


def docxtpl_bound(value: Any) -> Any:
    """A docxtpl object tied to one DocxTemplate (InlineImage, Subdoc) anywhere in a context:
    those can only be rendered by that DocxTemplate, through docxtpl's own render()."""
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
        elif kind.__module__.startswith("docxtpl") and getattr(item, "tpl", None) is not None:
            return item
    return None


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
