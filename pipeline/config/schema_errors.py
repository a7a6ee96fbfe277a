"""jsonschema's findings on a configuration file, told to the clerk who edits it.

jsonschema speaks English and JSON paths (`kpis/0: 'weight' is a required property`). The office
edits YAML in Chinese: each finding becomes one sentence per language, with the line and column
to edit and, for a misspelt key, the key that was probably meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError

from pipeline.config.yamlfile import YamlDocument

_TYPES_ZH = {
    "object": "键值表",
    "array": "列表",
    "string": "文字",
    "number": "数字",
    "integer": "整数",
    "boolean": "true 或 false",
    "null": "空值",
}


def dotted(path: Sequence[Any]) -> str:
    """kpis[0].weight — how the YAML reads, not a JSON pointer."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:59] + "…"


def suggestion(word: str, choices: Iterable[str]) -> str | None:
    """The known key a misspelt one was probably meant to be."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else None


def _types(expected: Any) -> tuple[str, str]:
    names = expected if isinstance(expected, list) else [expected]
    return "或".join(_TYPES_ZH.get(n, n) for n in names), " or ".join(names)


def explain(error: ValidationError, prefix: Sequence[Any] = ()) -> list[tuple[tuple, str, str]]:
    """(path of the value to edit, Chinese, English) for one finding. A misspelt key gives two
    findings in jsonschema (the key it lacks, the key it does not know); each says what to do."""
    path = (*prefix, *error.absolute_path)
    keyword, value, expected = error.validator, error.instance, error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = list(schema.get("properties", {}))
    if keyword == "required":
        missing = next((k for k in expected if isinstance(value, dict) and k not in value), str(expected))
        typo = suggestion(missing, [k for k in value if k not in known]) if isinstance(value, dict) else None
        hint_zh = f"（“{typo}”是否为它的误写？）" if typo else ""
        hint_en = f" (is {typo!r} a misspelling of it?)" if typo else ""
        return [(path, f"缺少必填项“{missing}”{hint_zh}", f"{missing!r} is required{hint_en}")]
    if keyword == "additionalProperties" and isinstance(value, dict):
        out = []
        for key in [k for k in value if k not in known and not _matches_pattern(k, schema)]:
            guess = suggestion(key, known)
            hint_zh = f"，是否应为“{guess}”？" if guess else f"；可用的键：{'、'.join(known)}"
            hint_en = f"; did you mean {guess!r}?" if guess else f"; the keys it takes: {', '.join(known)}"
            out.append(((*path, key), f"不认识的键“{key}”{hint_zh}", f"unknown key {key!r}{hint_en}"))
        return out
    if keyword == "type":
        zh, en = _types(expected)
        return [(path, f"应为{zh}，实际为“{_shown(value)}”", f"must be {en}, not {_shown(value)!r}")]
    if keyword == "enum":
        options = "、".join(map(str, expected))
        guess = suggestion(value, map(str, expected)) if isinstance(value, str) else None
        hint_zh, hint_en = (f"，是否应为“{guess}”？", f"; did you mean {guess!r}?") if guess else ("", "")
        return [
            (
                path,
                f"“{_shown(value)}”不是可选值（可选：{options}）{hint_zh}",
                f"{_shown(value)!r} is not one of {', '.join(map(str, expected))}{hint_en}",
            )
        ]
    if keyword == "const":
        return [(path, f"应为“{expected}”", f"must be {expected!r}")]
    bounds = {
        "minimum": ("不能小于", "must be at least"),
        "maximum": ("不能大于", "must be at most"),
        "exclusiveMinimum": ("应大于", "must be more than"),
        "exclusiveMaximum": ("应小于", "must be less than"),
    }
    if keyword in bounds:
        zh, en = bounds[keyword]
        return [(path, f"“{_shown(value)}”{zh}{expected}", f"{_shown(value)} {en} {expected}")]
    sizes = {
        "minItems": ("至少需要{n}项", "needs at least {n} entries"),
        "maxItems": ("最多{n}项", "takes at most {n} entries"),
        "minLength": ("不能为空", "must not be empty"),
        "maxLength": ("最长{n}个字符", "takes at most {n} characters"),
        "minProperties": ("至少需要{n}个键", "needs at least {n} keys"),
    }
    if keyword in sizes:
        zh, en = sizes[keyword]
        return [(path, zh.format(n=expected), en.format(n=expected))]
    if keyword == "pattern":
        return [(path, f"“{_shown(value)}”格式不对", f"{_shown(value)!r} is not in the expected form")]
    if keyword == "uniqueItems":
        return [(path, "列表中有重复项", "the list has an entry twice")]
    if keyword in ("oneOf", "anyOf") and error.context:
        # the alternative that came closest: its own findings
        best = min(error.context, key=lambda e: (len(e.absolute_path) * -1, e.validator in ("type", "required")))
        return explain(best, prefix) if best.absolute_path or best.validator != "type" else _generic(path, error)
    return _generic(path, error)


def _generic(path: tuple, error: ValidationError) -> list[tuple[tuple, str, str]]:
    return [(path, f"不符合格式要求（规则 {error.validator}）", error.message)]


def _matches_pattern(key: str, schema: dict) -> bool:
    import re

    return any(re.search(p, str(key)) for p in schema.get("patternProperties", {}))


def findings(
    errors: Iterable[ValidationError], document: YamlDocument | None, prefix: Sequence[Any] = ()
) -> list[tuple[str, str]]:
    """Every finding as a (Chinese, English) pair, with line and column where the file gave them,
    in the order of the file."""
    rows = []
    for error in errors:
        for path, zh, en in explain(error, prefix):
            mark = document.where(path) if document is not None else None
            rows.append((mark or (0, 0), path, zh, en))
    rows.sort(key=lambda r: (r[0], dotted(r[1])))
    out, seen = [], set()
    for (line, column), path, zh, en in rows:
        where_zh = f"第{line}行第{column}列 {dotted(path)}" if line else dotted(path)
        where_en = f"line {line}, column {column}, {dotted(path)}" if line else dotted(path)
        pair = (f"{where_zh}：{zh}", f"{where_en}: {en}")
        if pair not in seen:
            seen.add(pair)
            out.append(pair)
    return out
