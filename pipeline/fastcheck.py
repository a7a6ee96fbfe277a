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
from decimal import Decimal
from typing import Any, Callable

from jsonschema import FormatChecker

Check = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated",
                "readOnly", "writeOnly"}
_NUMBER_TYPES = (int, float, Decimal)


def _annotation(key: str) -> bool:
    return key in _ANNOTATIONS or key.startswith("x-")


def _property_check(prop: dict, formats: FormatChecker) -> Check | None:
    """One property's keywords as a single predicate (conservative: False means 'ask jsonschema')."""
    tests: list[Check] = []
    for key, value in prop.items():
        if _annotation(key):
            continue
        if key == "type":
            kinds = value if isinstance(value, list) else [value]
            allowed: set[type] = set()
            for kind in kinds:
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
            frozen = frozenset(allowed)
            tests.append(lambda v, t=frozen: v.__class__ in t)
        elif key in ("enum", "const"):
            options = value if key == "enum" else [value]
            if not all(isinstance(o, str) for o in options):
                return None
            choices = frozenset(options)
            tests.append(lambda v, c=choices: v.__class__ is str and v in c)
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return None
            compare = {"minimum": lambda v, b: v >= b, "maximum": lambda v, b: v <= b,
                       "exclusiveMinimum": lambda v, b: v > b, "exclusiveMaximum": lambda v, b: v < b}[key]
            # jsonschema ignores bounds for non-numbers; here a non-number is not passed
            tests.append(lambda v, b=value, cmp=compare: v.__class__ in _NUMBER_TYPES and cmp(v, b))
        elif key in ("minLength", "maxLength"):
            if key == "minLength":
                tests.append(lambda v, n=value: v.__class__ is not str or len(v) >= n)
            else:
                tests.append(lambda v, n=value: v.__class__ is not str or len(v) <= n)
        elif key == "pattern":
            search = re.compile(value).search
            tests.append(lambda v, s=search: v.__class__ is not str or s(v) is not None)
        elif key == "format":
            conforms = formats.conforms
            tests.append(lambda v, f=value, ok=conforms: ok(v, f))
        else:
            return None
    if not tests:
        return lambda v: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda v: a(v) and b(v)
    frozen_tests = tuple(tests)
    return lambda v: all(t(v) for t in frozen_tests)


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


def _object_check(schema: dict, formats: FormatChecker) -> Check | None:
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

    def check(row: dict) -> bool:
        if row.__class__ is not dict:
            return False
        for name in required:
            if name not in row:
                return False
        for name, value in row.items():
            test = checks.get(name)
            if test is None:
                if closed:
                    return False
            elif not test(value):
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
    return check


def compile_schema(schema: dict, formats: FormatChecker) -> Check | None:
    """A predicate that is True only for records the schema accepts, or None when the
    schema uses a keyword this module does not mirror (then every row takes the full path)."""
    return _object_check(schema, formats)
