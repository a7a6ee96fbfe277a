"""What every renderer shares: the sandboxed Jinja environment, the template files and
reproducible zip bytes.

Data is never template code: the environment is sandboxed and autoescaped, so a supplier
called `{{ 7*7 }}` or `A & B <Ltd>` appears literally. Zips are written with fixed
timestamps, so the same inputs always give byte-identical files.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_CORE_TIME = rb"\g<1>2026-01-01T00:00:00Z\g<2>"
CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


# Characters XML 1.0 cannot hold (C0 controls but tab, newline and return; U+FFFE, U+FFFF; lone
# surrogates): one in a supplier's name or a file name made the whole portfolio fail to render.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _visible(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}"


def xml_safe(value):
    """Every value a template prints: text with a character XML cannot hold shows it escaped."""
    if type(value) is str and _NOT_XML.search(value):
        return _NOT_XML.sub(_visible, value)
    return value


def jinja_env() -> SandboxedEnvironment:
    # StrictUndefined: a field misspelt in a template fails loudly instead of printing nothing.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=xml_safe)


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


def normalise_zip(data: bytes) -> bytes:
    """Same entries in the same order with fixed times and attributes: reproducible bytes.
    Writers that stamp the save time into docProps/core.xml (openpyxl does) get it fixed too."""
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
            dst.writestr(entry, body)
    return out.getvalue()
