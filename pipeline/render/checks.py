"""`vendorflow templates check`: find what would break a template before anything is signed.

Nothing is rendered. Each .docx is read the way docxtpl reads it (body, headers, footers,
core properties, after docxtpl's own clean-up that rejoins most tags Word split across
runs), and three things are reported with the template and the text around them:

* tags that still do not parse as Jinja (split by Word beyond repair, mistyped);
* full-width braces typed with a Chinese input method (｛｛ … ｝｝, ｛％ … ％｝), which Jinja
  does not see as tags, so they would print literally in a contract;
* fields the template uses that the context does not provide. The context is given, or
  found by `known(template_name)`, a function the caller injects (the documents layer
  builds an example from each template's declared shape: render/ does not import
  documents/, and reads neither the environment nor any folder of examples). The walk is
  static, so every branch counts, not just the ones the example takes. A company's own
  template that needs more than the code provides fails here, not as a blank in a
  signed contract. Without a context or `known`, only syntax and braces are checked.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes

from pipeline.render.environment import jinja_env, word_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FULLWIDTH = re.compile(r"[｛{][｛{％%＃#]|[％%＃#}｝][}｝]")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PARAGRAPH = re.compile(r"<w:p[ >]")
_BLOCK_END = {
    "if": "endif",
    "for": "endfor",
    "with": "endwith",
    "macro": "endmacro",
    "call": "endcall",
    "filter": "endfilter",
    "block": "endblock",
    "autoescape": "endautoescape",
}
_GUARD_FILTERS = {"default", "d"}
_GUARD_TESTS = {"defined", "undefined"}
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # what docxtpl renders


@dataclass(frozen=True)
class Problem:
    template: str
    part: str
    kind: str  # syntax | fullwidth | missing | unreadable | no_context | missing_template | schema
    text: str  # the text around it, as a reader of the template sees it
    message_zh: str
    message_en: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.template} [{self.part}]" if self.part else self.template
        around = f"「{self.text}」 " if self.text else ""
        return f"{where}: {around}{self.message_zh} / {self.message_en}"


Known = Callable[[str], dict[str, Any] | None]
"""From a template's file name ("review_report.docx") to an example of its context, None
for a template the program does not use."""


def _shorten(text: str, around: int = 0, width: int = 90) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    start = max(0, min(around - width // 2, len(text) - width))
    return ("…" if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")


def _strip_xml(line: str) -> str:
    return re.sub(r"<[^>]+>", "", line).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --------------------------------------------------------------------------- reading


@dataclass
class Part:
    name: str
    raw: str  # the XML as stored
    source: str  # what Jinja sees: docxtpl's patched XML, one paragraph per line


def read_parts(path: Path) -> list[Part]:
    """The parts docxtpl renders, prepared exactly as docxtpl prepares them."""
    tpl = word_template(io.BytesIO(path.read_bytes()))
    tpl.init_docx()

    def prepare(xml: str) -> str:
        return _PARAGRAPH.sub(lambda m: "\n" + m.group(0), tpl.patch_xml(xml))

    parts = []
    body = tpl.get_xml()
    parts.append(Part("word/document.xml", body, prepare(body)))
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            parts.append(Part(str(part.partname).lstrip("/"), xml, prepare(xml)))
    props = tpl.docx.core_properties
    text = "\n".join(getattr(props, p) or "" for p in CORE_PROPERTIES)
    parts.append(Part("docProps/core.xml", text, text))
    return parts


def _paragraph_texts(raw: str) -> Iterator[str]:
    for line in _PARAGRAPH.split(raw):
        text = "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", line))
        if text:
            yield _strip_xml(f"<x>{text}</x>")


# --------------------------------------------------------------------------- checks


def fullwidth_problems(template: str, part: Part) -> list[Problem]:
    out = []
    for text in _paragraph_texts(part.raw) if part.name != "docProps/core.xml" else part.raw.splitlines():
        found = [m for m in _FULLWIDTH.finditer(text) if any(ord(c) > 0xFF00 for c in m.group())]
        if found:
            braces = "”“".join(m.group() for m in found)
            out.append(
                Problem(
                    template,
                    part.name,
                    "fullwidth",
                    _shorten(text, found[0].start()),
                    f"全角括号“{braces}”不是模板标记（用中文输入法输入的），会原样印在文件中；请切换到英文输入法重新输入 {{{{ }}}} 或 {{% %}}",
                    f"full-width braces {', '.join(m.group() for m in found)} (typed with a Chinese input method) are not tags and would "
                    "print as they are; retype them as {{ }} or {% %} with an English input method",
                )
            )
    return out


def _tag_problem(tag: str) -> str | None:
    """The Jinja error for one tag on its own, balancing block tags so only the tag is judged."""
    env = jinja_env()
    body = tag[2:-2].strip().lstrip("-+").rstrip("-+").strip()
    if tag.startswith("{#"):
        return None
    if tag.startswith("{%"):
        word = body.split(None, 1)[0] if body else ""
        if word.startswith("end"):
            return None
        if word in ("elif", "else"):
            src = "{% if true %}" + tag + "{% endif %}"
        elif word in _BLOCK_END:
            src = tag + "{% " + _BLOCK_END[word] + " %}"
        else:
            src = tag
    else:
        src = tag
    try:
        env.parse(src)
    except TemplateSyntaxError as exc:
        return exc.message or str(exc)
    return None


def syntax_problems(template: str, part: Part) -> tuple[list[Problem], nodes.Template | None]:
    env = jinja_env()
    lines = part.source.split("\n")
    out, bad = [], []
    for line in lines:
        text = _strip_xml(line)
        for m in _TAG.finditer(text):
            message = _tag_problem(m.group())
            if message:
                bad.append(m.group())
                tag = _shorten(m.group(), 0, 60)
                out.append(
                    Problem(
                        template,
                        part.name,
                        "syntax",
                        _shorten(text, m.start()),
                        f"标记 {tag} 无法解析（{message}）。常见原因：Word 将标记拆分到不同格式的文字中、括号不全或混入了全角/不间断空格；请删除整个标记后一次性重新输入",
                        f"tag {tag} does not parse ({message}). Usually Word split it across differently "
                        "formatted text, a brace is missing, or a full-width or non-breaking space crept in; "
                        "delete the whole tag and type it again in one go",
                    )
                )
    raw_texts = _paragraph_texts(part.raw) if part.name != "docProps/core.xml" else part.raw.splitlines()
    for text in raw_texts:
        tags = list(_TAG.finditer(text))
        for m in re.finditer(r"\{\{|\{%", text):
            if not any(t.start() <= m.start() < t.end() for t in tags):
                out.append(
                    Problem(
                        template,
                        part.name,
                        "syntax",
                        _shorten(text, m.start()),
                        f"“{m.group()}”在本段中没有对应的结束括号（标记被拆开或跨越了段落），请把整个标记放在同一段落内重新输入",
                        f'"{m.group()}" has no closing brace in its paragraph (the tag was split or runs across '
                        "paragraphs); type the whole tag again within one paragraph",
                    )
                )
    try:
        tree = env.parse(part.source)
    except TemplateSyntaxError as exc:
        if bad:  # the fields can still be checked once the broken tags are set aside
            source = part.source
            for tag in bad:
                source = source.replace(tag, "")
            try:
                return out, env.parse(source)
            except TemplateSyntaxError:
                pass
        if not out:
            line = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else ""
            out.append(
                Problem(
                    template,
                    part.name,
                    "syntax",
                    _shorten(_strip_xml(line)),
                    f"模板结构错误（{exc.message}），例如 if/for 缺少对应的 endif/endfor，或 {{%tr %}} 与 {{%p %}} 混用",
                    f"the template's structure is broken ({exc.message}), e.g. an if/for without its "
                    "endif/endfor, or {%tr %} paired with {%p %}",
                )
            )
        return out, None
    return out, tree


# --------------------------------------------------------------------------- fields used


class _Opaque:
    """A name bound inside the template whose shape we cannot follow (macro arguments,
    tuple unpacking): uses of it are not checked."""


OPAQUE = _Opaque()


def _path(node: nodes.Node, scope: dict[str, Any]) -> list[str] | None | _Opaque:
    """The context path an expression reads (party_b.name_zh → ["party_b", "name_zh"]),
    None when it is not a plain lookup."""
    if isinstance(node, nodes.Name):
        if node.name in scope:
            return scope[node.name]
        return [node.name]
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, scope)
        return base + [node.attr] if isinstance(base, list) else base
    if isinstance(node, nodes.Getitem):
        base = _path(node.node, scope)
        if not isinstance(base, list):
            return base
        if isinstance(node.arg, nodes.Const):
            return base + (["[]"] if isinstance(node.arg.value, int) else [str(node.arg.value)])
        return base
    return None


def used_fields(tree: nodes.Template, globals_: set[str]) -> list[tuple[list[str], int]]:
    """Every context path the template reads, with its line, across every branch."""
    found: list[tuple[list[str], int]] = []

    def record(path: Any, lineno: int) -> None:
        if isinstance(path, list) and path and path[0] not in globals_:
            found.append((path, lineno))

    def visit(node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            inner = dict(scope)
            base = _path(node.iter, scope)
            if isinstance(node.target, nodes.Name):
                inner[node.target.name] = base + ["[]"] if isinstance(base, list) else OPAQUE
            else:
                for n in node.target.find_all(nodes.Name):
                    inner[n.name] = OPAQUE
            inner["loop"] = OPAQUE
            for child in node.body + ([node.test] if node.test else []):
                visit(child, inner)
            for child in node.else_:
                visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            visit(node.node, scope)
            value = _path(node.node, scope)
            for n in node.target.find_all(nodes.Name):
                scope[n.name] = value if isinstance(node.target, nodes.Name) and isinstance(value, list) else OPAQUE
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                inner[arg.name] = OPAQUE
            for name in ("caller", "varargs", "kwargs"):
                inner[name] = OPAQUE
            if isinstance(node, nodes.Macro):
                scope[node.name] = OPAQUE
            for child in node.iter_child_nodes():
                visit(child, inner)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                visit(value, scope)
                for n in target.find_all(nodes.Name):
                    inner[n.name] = OPAQUE
            for child in node.body:
                visit(child, inner)
            return
        if isinstance(node, nodes.Filter) and node.name in _GUARD_FILTERS:
            for child in node.args + [kw.value for kw in node.kwargs]:
                visit(child, scope)
            return  # `x | default(…)` does not need x
        if isinstance(node, nodes.Test) and node.name in _GUARD_TESTS:
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path = _path(node, scope)
            if isinstance(path, list):
                if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                    visit(node.arg, scope)
                record(path, node.lineno)
                return
            if path is OPAQUE:
                return
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            # a method call (x.items()): the object is read, the method is not a field
            record(_path(node.node.node, scope), node.lineno)
            visit_children(node, scope, skip=node.node)
            return
        visit_children(node, scope)

    def visit_children(node: nodes.Node, scope: dict[str, Any], skip: nodes.Node | None = None) -> None:
        for child in node.iter_child_nodes():
            if child is not skip:
                visit(child, scope)

    scope: dict[str, Any] = {}
    for child in tree.body:
        visit(child, scope)
    return found


def missing_in(context: Any, path: list[str]) -> list[str] | None:
    """The shortest prefix of `path` the context does not have; None when all is there
    (or cannot be known: an empty example list)."""
    cur = context
    for i, key in enumerate(path):
        if key == "[]":
            if isinstance(cur, list):
                if not cur:
                    return None
                cur = cur[0]
                continue
            if isinstance(cur, (dict, str)):
                return None
            return path[: i + 1]
        if isinstance(cur, dict):
            if key not in cur:
                return path[: i + 1]
            cur = cur[key]
        else:
            return path[: i + 1]
    return None


def _dotted(path: list[str]) -> str:
    return ".".join(path).replace(".[]", "[]")


def field_problems(template: str, part: Part, tree: nodes.Template, context: dict[str, Any]) -> list[Problem]:
    globals_ = set(jinja_env().globals)
    lines = part.source.split("\n")
    out, seen = [], set()
    for path, lineno in used_fields(tree, globals_):
        gap = missing_in(context, path)
        if gap is None:
            continue
        name = _dotted(gap)
        if name in seen:
            continue
        seen.add(name)
        line = _strip_xml(lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
        at = line.find(gap[-1]) if gap[-1] != "[]" else 0
        out.append(
            Problem(
                template,
                part.name,
                "missing",
                _shorten(line, max(at, 0)),
                f"模板使用了字段 {name}，但程序不提供该字段（生成时会失败）；请改用已有字段，或先请开发人员在程序中提供",
                f"the template uses {name}, which the program does not provide (rendering would fail); use an "
                "existing field, or have it added to the program first",
            )
        )
    return out


# --------------------------------------------------------------------------- entry points


def check_template(
    path: Path, context: dict[str, Any] | None = None, *, known: Known | None = None, use_known: bool | None = None
) -> list[Problem]:
    """Problems of one template. Its fields are checked against `context`, else against
    `known(path.name)`; with neither, only tags and braces are checked. `use_known` is
    deprecated and ignored (the examples are injected through `known` now)."""
    if use_known is not None:
        warnings.warn("check_template(use_known=…) is ignored: pass known=", DeprecationWarning, stacklevel=2)
    name = path.name
    if not zipfile.is_zipfile(path):
        head = path.read_bytes()[:8] if path.is_file() else b""
        hint_zh, hint_en = (
            ("（这是旧版 Word .doc 文件）", " (it is an old Word .doc file)")
            if head.startswith(b"\xd0\xcf\x11\xe0")
            else ("", "")
        )
        return [
            Problem(
                name,
                "",
                "unreadable",
                "",
                f"不是 Word .docx 文件{hint_zh}：请在 Word 中“另存为 Word 文档 (.docx)”，或在 LibreOffice 中“另存为 Word 2007-365 (.docx)”",
                f'not a Word .docx file{hint_en}: save it as "Word Document (.docx)" in Word, or as '
                '"Word 2007-365 (.docx)" in LibreOffice',
            )
        ]
    try:
        parts = read_parts(path)
    except Exception as exc:  # a zip that is not a Word document (e.g. .odt renamed)
        return [
            Problem(
                name,
                "",
                "unreadable",
                "",
                f"无法作为 Word 文档读取（{exc}）；如果是用 LibreOffice 编辑的，请另存为 Word 2007-365 (.docx) 格式",
                f"cannot be read as a Word document ({exc}); if it was edited in LibreOffice, save it as "
                "Word 2007-365 (.docx)",
            )
        ]
    asked = context is None and known is not None
    if asked:
        context = known(name)
    problems: list[Problem] = []
    for part in parts:
        problems += fullwidth_problems(name, part)
        found, tree = syntax_problems(name, part)
        problems += found
        if tree is not None and context is not None:
            problems += field_problems(name, part, tree, context)
    if asked and context is None:
        problems.append(
            Problem(
                name,
                "",
                "no_context",
                "",
                "程序中没有该模板的上下文定义，无法核对字段；程序不会使用此文件名的模板",
                "the program declares no context for this template, so its fields cannot be "
                "checked; the program uses no template of this name",
                severity="warning",
            )
        )
    return problems


def check_dir(directory: Path, required: tuple[str, ...] = (), known: Known | None = None) -> list[Problem]:
    """Every .docx in the folder (Word's ~$ lock files skipped); `required` names the
    templates a run needs, each reported when absent; `known` as for check_template."""
    problems = []
    for name in required:
        if not (directory / name).is_file():
            problems.append(
                Problem(
                    name,
                    "",
                    "missing_template",
                    str(directory),
                    f"模板文件夹中缺少 {name}",
                    f"{name} is missing from the templates folder",
                )
            )
    for path in sorted(directory.glob("*.docx")):
        if path.name.startswith("~$"):
            continue
        problems += check_template(path, known=known)
    return problems


def schema_problems(directory: Path) -> list[Problem]:
    """Open XML SDK schema errors of the folder's templates: what Word would call unreadable
    content. A note instead when the validator is not installed."""
    from pipeline.render import ooxml

    paths = [p for p in sorted(directory.glob("*.docx")) if not p.name.startswith("~$") and zipfile.is_zipfile(p)]
    if not paths:
        return []
    if not ooxml.available():
        zh, en = ooxml.install_hint()
        return [
            Problem(
                "",
                "",
                "schema",
                "",
                zh + "；未按 Word 的文件格式标准检查模板",
                en + "; the templates were not checked against Word's schema",
                "warning",
            )
        ]
    problems = []
    for path, found in ooxml.validate(paths).items():
        for e in found:
            problems.append(
                Problem(
                    path.name,
                    e.part.lstrip("/"),
                    "schema",
                    e.xpath,
                    f"不符合 Word 文件格式标准（Open XML SDK）：{e.description} Word 打开时可能提示“无法读取的内容”",
                    f"does not match Word's file format (Open XML SDK): {e.description} Word may report unreadable content",
                )
            )
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
