"""A compiled yes/no check per schema: the fast path for rows that are valid.

Most rows of a monthly file are fine. Asking jsonschema for every error of every row costs
tens of microseconds a row; this check answers "certainly valid?" in a few, returning on the
first doubt. Only a row it cannot pass goes through full `iter_errors`, so every error of
every bad row is still reported exactly as before. The check may send a valid row to the
full path (that only costs time) but never passes a row jsonschema would reject: each
keyword below mirrors jsonschema's meaning, and a schema using any other keyword gets no
fast path at all (`compile_schema` returns None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]

_ANNOTATIONS = {
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
}
_NUMBER_TYPES = (int, float, Decimal)


def _annotation(key: str) -> bool:
    return key in _ANNOTATIONS or key.startswith("x-")


def _property_check(prop: dict, formats: FormatChecker) -> Check | None:
    """One property's keywords as a single predicate (conservative: False means 'ask jsonschema')."""
    types: frozenset[type] | None = None
    choices: frozenset[str] | None = None
    low = high = None  # (bound, inclusive)
    min_len = max_len = None
    search = None
    fmt = None
    for key, value in prop.items():
        if _annotation(key):
            continue
        if key == "type":
            allowed: set[type] = set()
            for kind in value if isinstance(value, list) else [value]:
                if kind == "string":
                    allowed.add(str)
                elif kind == "number":
                    allowed.update(_NUMBER_TYPES)
                elif kind == "integer":
                    allowed.add(int)
                elif kind == "boolean":
                    allowed.add(bool)
                elif kind == "null":
                    allowed.add(type(None))
                else:
                    return None
            types = frozenset(allowed)
        elif key in ("enum", "const"):
            options = value if key == "enum" else [value]
            if not all(isinstance(o, str) for o in options) or choices is not None:
                return None
            choices = frozenset(options)
        elif key in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return None
            bound = (value, not key.startswith("exclusive"))
            if key.endswith("inimum"):
                if low is not None:
                    return None
                low = bound
            else:
                if high is not None:
                    return None
                high = bound
        elif key == "minLength":
            min_len = value
        elif key == "maxLength":
            max_len = value
        elif key == "pattern":
            search = re.compile(value).search
        elif key == "format":
            fmt = value
        else:
            return None
    conforms = formats.conforms
    numbers = _NUMBER_TYPES

    def check(v: Any) -> bool:
        cls = v.__class__
        if types is not None and cls not in types:
            return False
        if choices is not None and (cls is not str or v not in choices):
            return False
        if low is not None or high is not None:
            # jsonschema ignores bounds for non-numbers; here a non-number is not passed
            if cls not in numbers:
                return False
            if low is not None and not (v >= low[0] if low[1] else v > low[0]):
                return False
            if high is not None and not (v <= high[0] if high[1] else v < high[0]):
                return False
        if cls is str:
            if min_len is not None and len(v) < min_len:
                return False
            if max_len is not None and len(v) > max_len:
                return False
            if search is not None and search(v) is None:
                return False
        if fmt is not None and not conforms(v, fmt):
            return False
        return True

    return check


def _exact_condition(schema: dict) -> Check | None:
    """An `if` must be decided exactly (a wrong answer would skip its `then`): only the
    forms whose meaning is plain are accepted — string const/enum per property, required."""
    props: dict[str, frozenset[str]] = {}
    required: tuple[str, ...] = ()
    for key, value in schema.items():
        if _annotation(key):
            continue
        if key == "properties":
            for name, sub in value.items():
                options = None
                for k, v in sub.items():
                    if _annotation(k):
                        continue
                    if k == "const" and isinstance(v, str) and options is None:
                        options = frozenset([v])
                    elif k == "enum" and all(isinstance(o, str) for o in v) and options is None:
                        options = frozenset(v)
                    else:
                        return None
                if options is None:
                    return None
                props[name] = options
        elif key == "required":
            required = tuple(value)
        else:
            return None
    items = tuple(props.items())

    def condition(row: dict) -> bool:
        for name in required:
            if name not in row:
                return False
        for name, options in items:
            if name in row:
                v = row[name]
                if v.__class__ is not str or v not in options:
                    return False
        return True

    return condition


@dataclass
class Compiled:
    """`properties`: a predicate per top-level property; `rest`: everything else about a
    row (required, closed object, allOf, if/then) with its sub-schemas checked in full.
    A row passes when every present property passes its predicate and `rest(row)`."""

    properties: dict[str, Check]
    rest: Callable[[dict], bool]
    required: frozenset[str] = frozenset()
    closed: bool = False
    conditional: bool = False  # allOf / if-then: `rest` must look at each row

    def rest_is_trivial(self, fields: set[str]) -> bool:
        """For rows holding exactly `fields`, is `rest` certainly True? (no per-row call)"""
        return (
            not self.conditional
            and self.required <= fields
            and (not self.closed or set(self.properties).issuperset(fields))
        )

    def check(self, row: dict) -> bool:
        if row.__class__ is not dict:
            return False
        props = self.properties
        for name, value in row.items():
            test = props.get(name)
            if test is not None and not test(value):
                return False
        return self.rest(row)


def _object_parts(schema: dict, formats: FormatChecker) -> Compiled | None:
    checks: dict[str, Check] = {}
    required: tuple[str, ...] = ()
    closed = False
    extra: list[Check] = []
    if_then: tuple[Check, Check | None, Check | None] | None = None
    for key, value in schema.items():
        if _annotation(key):
            continue
        if key == "type":
            if value != "object":
                return None
        elif key == "properties":
            for name, prop in value.items():
                check = _property_check(prop, formats)
                if check is None:
                    return None
                checks[name] = check
        elif key == "required":
            required = tuple(value)
        elif key == "additionalProperties":
            if value is not False:
                return None
            closed = True
        elif key == "allOf":
            for sub in value:
                check = _object_check(sub, formats)
                if check is None:
                    return None
                extra.append(check)
        elif key == "if":
            condition = _exact_condition(value)
            then = _object_check(schema["then"], formats) if "then" in schema else None
            otherwise = _object_check(schema["else"], formats) if "else" in schema else None
            if condition is None or ("then" in schema and then is None) or ("else" in schema and otherwise is None):
                return None
            if_then = (condition, then, otherwise)
        elif key in ("then", "else"):
            continue
        else:
            return None
    extra_checks = tuple(extra)
    known = frozenset(checks)

    def rest(row: dict) -> bool:
        for name in required:
            if name not in row:
                return False
        if closed and not known.issuperset(row):
            return False
        for test in extra_checks:
            if not test(row):
                return False
        if if_then is not None:
            condition, then, otherwise = if_then
            branch = then if condition(row) else otherwise
            if branch is not None and not branch(row):
                return False
        return True

    return Compiled(checks, rest, frozenset(required), closed, bool(extra_checks) or if_then is not None)


def _object_check(schema: dict, formats: FormatChecker) -> Check | None:
    parts = _object_parts(schema, formats)
    return parts.check if parts is not None else None


def compile_schema(schema: dict, formats: FormatChecker) -> Compiled | None:
    """The schema as a predicate that is True only for records the schema accepts (split
    into per-property checks and the rest), or None when the schema uses a keyword this
    module does not mirror (then every row takes the full path)."""
    return _object_parts(schema, formats)
