"""Header and value aliases from the mapping files (schemas/aliases.yaml, plus an
optional aliases.yaml in the inputs folder), so new spellings need no code."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config.resources import schemas_dir
from pipeline.config.yamlfile import parse_yaml
from pipeline.errors import ConfigError
from pipeline.safefiles import regular_config


def fold(text: str) -> str:
    """Compare headers and enumerations the way a person reads them: full-width and
    half-width forms alike, case and spaces ignored, （） the same as ()."""
    text = unicodedata.normalize("NFKC", str(text))
    return "".join(text.split()).casefold()


@dataclass
class Aliases:
    headers: dict[str, str] = field(default_factory=dict)  # folded alias -> field
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> folded alias -> canonical
    true_words: set[str] = field(default_factory=set)
    false_words: set[str] = field(default_factory=set)
    permanent_words: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # field -> Chinese header

    def label_zh(self, fld: str) -> str:
        return self.labels.get(fld, fld)

    def merge(self, data: dict, source: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError("别名映射文件格式错误", "the alias mapping file must be a mapping", file=source)
        for fld, names in (data.get("headers") or {}).items():
            self.headers[fold(fld)] = fld
            if names and fld not in self.labels:
                self.labels[fld] = str(names[0])
            for name in names or []:
                self.headers[fold(name)] = fld
        for fld, mapping in (data.get("values") or {}).items():
            table = self.values.setdefault(fld, {})
            for canonical, names in (mapping or {}).items():
                table[fold(canonical)] = canonical
                for name in names or []:
                    table[fold(name)] = canonical
        booleans = data.get("booleans") or {}
        self.true_words |= {fold(w) for w in booleans.get(True, booleans.get("true", [])) or []}
        self.false_words |= {fold(w) for w in booleans.get(False, booleans.get("false", [])) or []}
        self.permanent_words |= {fold(w) for w in data.get("permanent") or []}


def load_aliases(inputs_dir: Path | None = None) -> Aliases:
    aliases = Aliases()
    paths = [schemas_dir() / "aliases.yaml"]
    if inputs_dir is not None and regular_config(inputs_dir / "aliases.yaml"):
        paths.append(inputs_dir / "aliases.yaml")
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ConfigError(
                "无法读取别名映射文件", f"cannot read the alias mapping file ({exc.strerror})", file=str(path)
            ) from exc
        aliases.merge(parse_yaml(raw, str(path)).data or {}, str(path))
    return aliases
