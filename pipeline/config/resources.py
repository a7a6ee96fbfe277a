"""Where the project's data files live: schemas, mapping files and templates.

They sit beside the package in the repository (the layout of DESIGN.md) so business
users edit them in place; an environment variable can point elsewhere for a deployment.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def schemas_dir() -> Path:
    return Path(os.environ.get("VENDORFLOW_SCHEMAS", PROJECT_ROOT / "schemas"))


def templates_dir() -> Path:
    return Path(os.environ.get("VENDORFLOW_TEMPLATES", PROJECT_ROOT / "contract_templates"))


@cache
def load_schema(name: str) -> dict:
    path = schemas_dir() / f"{name}.schema.json"
    with open(path, encoding="utf-8") as f:
        return json.load(f)
