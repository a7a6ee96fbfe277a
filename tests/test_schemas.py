"""Every schema is valid JSON Schema draft 2020-12 and describes what the loader expects."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from jsonschema import Draft202012Validator

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


def test_a_schema_for_every_kind_of_the_monthly_review():
    names = {p.name.removesuffix(".schema.json") for p in SCHEMAS}
    assert {"suppliers", "contracts", "contract_items", "evaluations", "incidents", "policy"} <= names


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_against_the_2020_12_meta_schema(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", [p for p in SCHEMAS if p.name != "policy.schema.json"], ids=lambda p: p.name)
def test_every_input_field_has_a_chinese_header(path):
    from pipeline.config.aliases import load_aliases

    aliases = load_aliases(None)
    schema = json.loads(path.read_text(encoding="utf-8"))
    for field in schema["properties"]:
        assert aliases.label_zh(field) != field, f"{path.name}: {field} has no Chinese header in aliases.yaml"
