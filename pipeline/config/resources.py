"""Where the program's own data files live: schemas, mapping files, labels, the message
catalogue and the shipped templates.

They sit beside the package in the repository (the layout of docs/design.md) and are part of
the program; an office points at its own templates with `--templates` or VENDORFLOW_TEMPLATES
(read once, by `pipeline.settings`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = PROJECT_ROOT / "schemas"
SHIPPED_TEMPLATES = PROJECT_ROOT / "contract_templates"


def schemas_dir() -> Path:
    return SCHEMAS


@cache
def load_schema(name: str) -> dict:
    with open(SCHEMAS / f"{name}.schema.json", encoding="utf-8") as f:
        return json.load(f)
