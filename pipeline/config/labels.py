"""schemas/labels.yaml: the Chinese and English words for every enumerated value."""

from __future__ import annotations

from functools import cache

import yaml

from pipeline.config.resources import schemas_dir


@cache
def _labels() -> dict:
    with open(schemas_dir() / "labels.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def label(field: str, value: str) -> tuple[str, str]:
    """(Chinese, English) display words for an enumerated value."""
    pair = _labels().get(field, {}).get(value)
    return (pair[0], pair[1]) if pair else (str(value), str(value))
