"""schemas/messages.yaml: the message catalogue (code → severity, Chinese and English templates).

Loaded once and checked: every entry has both languages, its placeholders name only the
facts it declares and filters the renderer knows. The words live there, not in code."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.config.resources import schemas_dir

SEVERITIES = ("critical", "high", "medium", "low")
FILTERS = {
    "plain",
    "date",
    "fixed",
    "fixed0",
    "fixed1",
    "money",
    "count",
    "lower",
    "people",
    "rosters",
    "label",
    "join",
    "prefix",
}


class CatalogueError(ValueError):
    """The catalogue file is not usable: which entry, and what is wrong with it."""


@dataclass(frozen=True)
class Message:
    code: str
    kind: str
    severity: str | None  # None: not a flag; "computed": decided from the facts (severity_rule says how)
    facts: tuple[str, ...]
    zh: str
    en: str
    severity_rule: str = ""
    rule_zh: str = ""
    rule_en: str = ""


@dataclass(frozen=True)
class Catalogue:
    messages: Mapping[str, Message]

    def __getitem__(self, code: str) -> Message:
        try:
            return self.messages[code]
        except KeyError:
            raise CatalogueError(f"no message for code {code!r} in messages.yaml") from None

    def __contains__(self, code: str) -> bool:
        return code in self.messages


def placeholders(template: str) -> list[tuple[str, str]]:
    """(fact, format spec) of each placeholder of a template."""
    out = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name or not name.isidentifier() or conversion:
            raise CatalogueError(f"placeholder {{{name}}} is not a plain fact name")
        out.append((name, spec or ""))
    return out


def _check(code: str, entry: Mapping, where: str) -> Message:
    if not isinstance(entry, Mapping):
        raise CatalogueError(f"{where}: {code}: an entry must be a mapping")
    facts = tuple(entry.get("facts") or ())
    for lang in ("zh", "en"):
        template = entry.get(lang)
        if not isinstance(template, str) or not template.strip():
            raise CatalogueError(f"{where}: {code}: the {lang} template is missing")
        try:
            found = placeholders(template)
        except (ValueError, CatalogueError) as exc:
            raise CatalogueError(f"{where}: {code} ({lang}): {exc}") from None
        for name, spec in found:
            if name not in facts:
                raise CatalogueError(
                    f"{where}: {code} ({lang}): unknown placeholder {{{name}}} "
                    f"(declared facts: {', '.join(facts) or 'none'})"
                )
            for f in filter(None, spec.split("|")):
                if f.split("=", 1)[0] not in FILTERS:
                    raise CatalogueError(f"{where}: {code} ({lang}): unknown filter {f!r} in {{{name}:{spec}}}")
    severity = entry.get("severity")
    if severity is not None and severity not in SEVERITIES + ("computed",):
        raise CatalogueError(
            f"{where}: {code}: severity {severity!r} is not one of {', '.join(SEVERITIES)} or computed"
        )
    if severity == "computed" and not entry.get("severity_rule"):
        raise CatalogueError(f"{where}: {code}: a computed severity needs a severity_rule saying how")
    return Message(
        code,
        str(entry.get("kind", "")),
        severity,
        facts,
        entry["zh"],
        entry["en"],
        str(entry.get("severity_rule", "")),
        str(entry.get("rule_zh", "")),
        str(entry.get("rule_en", "")),
    )


def parse(
    data: Mapping, where: str = "messages.yaml", required: Mapping[str, Iterable[str]] | None = None
) -> Catalogue:
    """Check a catalogue; `required`: code → the facts the core gives it (each needs an entry that uses no others)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("messages"), Mapping):
        raise CatalogueError(f"{where}: expected a top-level 'messages' mapping")
    messages = {str(code): _check(str(code), entry, where) for code, entry in data["messages"].items()}
    for code, given in (required or {}).items():
        if code not in messages:
            raise CatalogueError(f"{where}: no entry for code {code!r}, which the core emits")
        extra = set(messages[code].facts) - set(given)
        if extra:
            raise CatalogueError(f"{where}: {code}: declares facts the core does not give: {', '.join(sorted(extra))}")
    return Catalogue(messages)


def load(path: Path | None = None, required: Mapping[str, Iterable[str]] | None = None) -> Catalogue:
    path = path or schemas_dir() / "messages.yaml"
    with open(path, encoding="utf-8") as f:
        return parse(yaml.safe_load(f), path.name, required)
