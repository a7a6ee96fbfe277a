"""YAML read as a hostile drop folder requires and as a clerk needs it explained.

policy.yaml lives beside the inputs, so anyone who can drop a file can edit it. It is read
through PyYAML's safe composer (no Python objects), with a size limit, a limit on the nodes it
would expand to (an alias bomb is refused in milliseconds, not after gigabytes), duplicate keys
refused (PyYAML lets the last one win silently), and NaN/Infinity refused. Every node keeps its
line and column, so a schema error can point at the line to edit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline.errors import ConfigError

MAX_BYTES = 1_000_000  # a policy file is a few KB
MAX_NODES = 100_000  # after expanding aliases


@dataclass(frozen=True)
class YamlDocument:
    """The parsed data and where each value was written (path -> 1-based line, column)."""

    data: Any
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: tuple | list) -> tuple[int, int] | None:
        """The line and column of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while True:
            if path in self.marks:
                return self.marks[path]
            if not path:
                return None
            path = path[:-1]


class _Loader(yaml.SafeLoader):
    """Safe composition only; values are constructed by `_build` below."""


def _problem(source: str, zh: str, en: str, mark: Any = None) -> ConfigError:
    if mark is not None:
        zh = f"第{mark.line + 1}行第{mark.column + 1}列：{zh}"
        en = f"line {mark.line + 1}, column {mark.column + 1}: {en}"
    return ConfigError(zh, en, file=source)


def parse_yaml(raw: bytes, source: str, *, max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES) -> YamlDocument:
    """Bytes to data and marks, or a bilingual ConfigError naming the file, line and column."""
    if len(raw) > max_bytes:
        raise _problem(
            source,
            f"文件过大（{len(raw):,} 字节，上限 {max_bytes:,}），不予读取",
            f"the file is too large ({len(raw):,} bytes, the limit is {max_bytes:,}); not read",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _problem(
            source,
            f"不是UTF-8编码的文本（第{exc.start}字节）；请用UTF-8保存",
            f"not UTF-8 text (byte {exc.start}); save it as UTF-8",
        ) from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "syntax error"
        raise _problem(source, f"不是有效的YAML（{what}）", f"not valid YAML ({what})", mark) from exc
    except yaml.YAMLError as exc:
        raise _problem(source, f"不是有效的YAML（{exc}）", f"not valid YAML ({exc})") from exc
    if node is None:
        return YamlDocument(None, {})
    _check_size(node, source, max_nodes)
    marks: dict[tuple, tuple[int, int]] = {}
    data = _build(node, (), marks, source)
    return YamlDocument(data, marks)


def _check_size(root: Node, source: str, max_nodes: int) -> None:
    """The number of nodes the document expands to, counted over the shared graph (each node's
    size once), so a bomb of nested aliases is measured without being expanded."""
    sizes: dict[int, int] = {}
    # iterative post-order: children before their parent
    stack: list[tuple[Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        if done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > max_nodes:
                raise _problem(
                    source,
                    f"展开后超过 {max_nodes:,} 个节点（别名嵌套？），不予读取",
                    f"expands to more than {max_nodes:,} nodes (nested aliases?); not read",
                    node.start_mark,
                )
            sizes[key] = total
            continue
        if key in on_path:  # a recursive alias: PyYAML can build it, nobody can read it
            raise _problem(source, "别名引用了自身", "an alias refers to itself", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        yield from node.value
    elif isinstance(node, MappingNode):
        for k, v in node.value:
            yield k
            yield v


_SCALARS = yaml.SafeLoader("")  # only its scalar constructors are used (ints, floats, bools, dates)


def _scalar(node: ScalarNode, source: str) -> Any:
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(node.value) > 40:
        raise _problem(
            source, f"数值过大：{node.value[:40]}…", f"number too large: {node.value[:40]}…", node.start_mark
        )
    try:
        value = _SCALARS.construct_object(node)
        # the loader caches every node it constructs (with marks holding the whole text): one
        # loader for every file kept each file's nodes for the life of the process
        _SCALARS.constructed_objects.clear()
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        _SCALARS.constructed_objects.clear()
        raise _problem(
            source, f"无法读取的值“{node.value[:40]}”", f"unreadable value {node.value[:40]!r}", node.start_mark
        ) from exc
    if isinstance(value, float) and not math.isfinite(value):
        raise _problem(
            source, f"不接受数值“{node.value}”", f"the value {node.value!r} is not accepted", node.start_mark
        )
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**18:
        raise _problem(source, f"数值过大：{node.value[:40]}", f"number too large: {node.value[:40]}", node.start_mark)
    return value


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")
}


def _build(node: Node, path: tuple, marks: dict[tuple, tuple[int, int]], source: str) -> Any:
    if node.tag not in _PLAIN_TAGS:  # !!python/object and friends: data is never code
        raise _problem(
            source, f"不接受YAML标签 {node.tag}", f"the YAML tag {node.tag} is not accepted", node.start_mark
        )
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, ScalarNode):
        return _scalar(node, source)
    if isinstance(node, SequenceNode):
        return [_build(child, (*path, i), marks, source) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        _Loader.flatten_mapping(_SCALARS, node)  # merge keys (<<: *defaults), as safe_load does
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _problem(source, "键必须是文字", "a key must be plain text", key_node.start_mark)
            key = _scalar(key_node, source)
            if key in out:
                raise _problem(
                    source,
                    f"键“{key}”重复出现（后一个会悄悄覆盖前一个）；请只保留一个",
                    f"the key {key!r} appears twice (the second would silently replace the first); keep one",
                    key_node.start_mark,
                )
            # a key's value is found where its key is written (the line a clerk edits)
            marks.setdefault((*path, key), (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
            out[key] = _build(value_node, (*path, key), marks, source)
        return out
    raise _problem(source, "无法识别的YAML节点", "unrecognised YAML node", node.start_mark)
