"""What every renderer shares: the sandboxed Jinja environment, the template files and
reproducible zip bytes.

Data is never template code: the environment is sandboxed and autoescaped, so a supplier
called `{{ 7*7 }}` or `A & B <Ltd>` appears literally. Zips are written with fixed
timestamps, so the same inputs always give byte-identical files.
"""

from __future__ import annotations

import contextvars
import io
import re
import threading
import time
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_CORE_TIME = rb"\g<1>2026-01-01T00:00:00Z\g<2>"
CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


# Characters XML 1.0 cannot hold (C0 controls but tab, newline and return; U+FFFE, U+FFFF; lone
# surrogates): one in a supplier's name or a file name made the whole portfolio fail to render.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _visible(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}"


# docxtpl rewrites {_{ }_} {_% %_} to {{ }} {% %} in the whole rendered part (a template's way
# to print a tag literally); in data they are written with a character reference instead, so
# the rewriting never changes what a supplier wrote.
_REWRITTEN = re.compile(r"\{_|_\}")


class RawXml:
    """Set while a part renders: whether a value printed its own XML (RichText, Markup, |safe…),
    which can bring relationship ids or table cells the template does not have."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen = False


RAW_XML: contextvars.ContextVar[RawXml | None] = contextvars.ContextVar("vendorflow_raw_xml", default=None)


def xml_safe(value):
    """Every value a template prints: text with a character XML cannot hold shows it escaped,
    and text that docxtpl's post-processing would rewrite is kept as written. Also where a
    long-running template is stopped (the deadline is checked at each value printed)."""
    _check_deadline()
    if type(value) is not str:
        if hasattr(value, "__html__") and not getattr(value, "checked_xml", False):
            raw = RAW_XML.get()
            if raw is not None:
                raw.seen = True
        return value
    if _NOT_XML.search(value):
        value = _NOT_XML.sub(_visible, value)
    if _REWRITTEN.search(value):
        return Markup(str(escape(value)).replace("{_", "&#123;_").replace("_}", "_&#125;"))
    return value


# --------------------------------------------------------------------------- time limit
# A company template with a nested range(100000) loop ran forever. Each document has a time
# limit: checked at every value printed, every call and every step of range().
DEFAULT_RENDER_SECONDS = 120.0
_LIMIT = {"seconds": DEFAULT_RENDER_SECONDS}
_DEADLINE = threading.local()


class RenderTimeout(RuntimeError):
    """A document took longer than the time limit to render (a template loop that does not end)."""


def set_time_limit(seconds: float | None) -> None:
    """Seconds a document may take to render in this process (None or 0: no limit)."""
    _LIMIT["seconds"] = float(seconds) if seconds else 0.0


def time_limit() -> float:
    return _LIMIT["seconds"]


class deadline:
    """`with deadline():` around rendering one document."""

    def __enter__(self):
        self.outer = getattr(_DEADLINE, "at", None)
        seconds = _LIMIT["seconds"]
        _DEADLINE.at = time.monotonic() + seconds if seconds else None
        return self

    def __exit__(self, *exc):
        _DEADLINE.at = self.outer


def _check_deadline() -> None:
    at = getattr(_DEADLINE, "at", None)
    if at is not None and time.monotonic() > at:
        _DEADLINE.at = None  # raised once; the error unwinds the render
        raise RenderTimeout(
            f"渲染超过时间上限 {_LIMIT['seconds']:g} 秒（模板中的循环是否不会结束？）/ rendering took longer than "
            f"{_LIMIT['seconds']:g} s (a loop in the template that does not end?); the limit is VENDORFLOW_RENDER_SECONDS"
        )


class _BoundedRange:
    """range() for templates, as the sandbox bounds it (a length, an index, `in`), checking the
    deadline every 256 steps as a loop goes through it."""

    def __init__(self, *args: int):
        from jinja2.sandbox import safe_range

        self._range = safe_range(*args)

    def __iter__(self):
        for n, value in enumerate(self._range):
            if not n & 255:
                _check_deadline()
            yield value

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index):
        return self._range[index]

    def __contains__(self, value) -> bool:
        return value in self._range

    def __reversed__(self):
        return reversed(self._range)


_bounded_range = _BoundedRange


class _TemplateEnvironment(ImmutableSandboxedEnvironment):
    """Sandboxed (no attribute or call a template could escape through), immutable (a template
    cannot change its context: `{{ contract.clear() }}` is refused), with a time limit."""

    def call(self, __context, __obj, *args, **kwargs):
        _check_deadline()
        return super().call(__context, __obj, *args, **kwargs)


def jinja_env() -> ImmutableSandboxedEnvironment:
    # StrictUndefined: a field misspelt in a template fails loudly instead of printing nothing.
    env = _TemplateEnvironment(autoescape=True, undefined=StrictUndefined, finalize=xml_safe)
    env.globals["range"] = _bounded_range
    return env


_BYTES: dict[str, tuple[tuple[int, int], bytes]] = {}
_BYTES_LOCK = threading.Lock()


def file_bytes(path: Path) -> bytes:
    """A template file's bytes, read again when the file changes (mtime or size)."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    hit = _BYTES.get(str(path))
    if hit is None or hit[0] != key:
        with _BYTES_LOCK:
            hit = (key, path.read_bytes())
            _BYTES[str(path)] = hit
    return hit[1]


def normalise_zip(data: bytes, rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Same entries in the same order with fixed times and attributes: reproducible bytes.
    Writers that stamp the save time into docProps/core.xml (openpyxl does) get it fixed too;
    `rewrite` maps an entry's name to a function that corrects its bytes."""
    rewrite = rewrite or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = CORE_TIMES.sub(FIXED_CORE_TIME, body)
            if info.filename in rewrite:
                body = rewrite[info.filename](body)
            dst.writestr(entry, body)
    return out.getvalue()


_TAG_BODY = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.S)
_XML_ENTITIES = (("&quot;", '"'), ("&apos;", "'"), ("&#39;", "'"), ("&amp;", "&"))  # &amp; last: once only


def unescape_tag_literals(xml: str) -> str:
    """Inside {{ }} and {% %}, the text as the author typed it: Word stores `A & B` typed in a
    tag as `A &amp; B`; docxtpl turns &lt; and &gt; back but not &amp;, so a literal such as
    `default("A & B")` came out as `A &amp;amp; B` once autoescaped. Each entity is undone once."""

    def plain(m: re.Match) -> str:
        text = m.group(0)
        for entity, char in _XML_ENTITIES:
            text = text.replace(entity, char)
        return text

    return _TAG_BODY.sub(plain, xml)


_WORD_TEMPLATE = None


def word_template(source):
    """docxtpl's DocxTemplate with tag literals unescaped once (`unescape_tag_literals`): the
    one template class both render paths (and the template checker) patch XML with."""
    global _WORD_TEMPLATE
    if _WORD_TEMPLATE is None:
        from docxtpl import DocxTemplate  # lazily: importing docxtpl costs time the compiled path saves

        class WordTemplate(DocxTemplate):
            def patch_xml(self, src_xml: str) -> str:
                return unescape_tag_literals(super().patch_xml(src_xml))

        _WORD_TEMPLATE = WordTemplate
    return _WORD_TEMPLATE(source)
