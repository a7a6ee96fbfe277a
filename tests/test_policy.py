"""A bad edit to policy.yaml stops the run with a bilingual explanation (exit 2)."""

from __future__ import annotations

import copy

import pytest
import yaml
from conftest import SAMPLE_INPUTS

from pipeline.config.policy import policy_from_dict
from pipeline.errors import ConfigError


@pytest.fixture
def raw():
    return yaml.safe_load((SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8"))


def test_shipped_policy_is_coherent(raw):
    policy = policy_from_dict(raw)
    assert sum(k.weight for k in policy.kpis) == 100
    assert [b.grade for b in policy.grades] == ["A", "B", "C", "D"]


def test_weights_must_add_up_to_100(raw):
    raw["kpis"][0]["weight"] = 30
    with pytest.raises(ConfigError) as exc:
        policy_from_dict(raw)
    assert any("105" in d and "100" in d for d in exc.value.details)


def test_weights_within_tolerance_are_accepted(raw):
    raw["kpis"][0]["weight"] = 25.005
    policy_from_dict(raw)


def test_grade_bands_must_start_at_zero(raw):
    raw["grades"][-1]["min"] = 10
    with pytest.raises(ConfigError) as exc:
        policy_from_dict(raw)
    assert any("0" in d for d in exc.value.details)


def test_linear_direction_must_match_floor_and_target(raw):
    raw["kpis"][0]["direction"] = "lower"
    with pytest.raises(ConfigError, match="inconsistent"):
        policy_from_dict(raw)


def test_schema_errors_name_the_path(raw):
    bad = copy.deepcopy(raw)
    bad["kpis"][1]["method"] = "magic"
    with pytest.raises(ConfigError) as exc:
        policy_from_dict(bad)
    assert any(zh.startswith("kpis[1].method：“magic”不是可选值") for zh in exc.value.details_zh), exc.value.details
    assert any(en.startswith("kpis[1].method: 'magic' is not one of") for en in exc.value.details_en)


def _edited(tmp_path, old: str, new: str):
    text = (SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    return path, line


def test_a_misspelt_key_is_named_with_its_line_and_the_key_meant(tmp_path):
    from pipeline.config.policy import load_policy

    path, line = _edited(tmp_path, "    weight: 25", "    wieght: 25")
    with pytest.raises(ConfigError) as exc:
        load_policy(path)
    zh, en = exc.value.details_zh, exc.value.details_en
    assert f"第{line}行第5列 kpis[0].wieght：不认识的键“wieght”，是否应为“weight”？" in zh, zh
    assert f"line {line}, column 5, kpis[0].wieght: unknown key 'wieght'; did you mean 'weight'?" in en, en
    assert any("缺少必填项“weight”（“wieght”是否为它的误写？）" in d for d in zh)
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in en)  # the English half is English


def test_a_wrong_type_names_the_line(tmp_path):
    from pipeline.config.policy import load_policy

    path, line = _edited(tmp_path, "    weight: 25", "    weight: lots")
    with pytest.raises(ConfigError) as exc:
        load_policy(path)
    assert any(d.startswith(f"第{line}行第5列 kpis[0].weight：应为数字") for d in exc.value.details_zh), (
        exc.value.details
    )


@pytest.mark.parametrize(
    ("yaml_text", "zh", "en"),
    [
        ("a: 1\nb: 2\na: 3\n", "第3行第1列：键“a”重复出现", "line 3, column 1: the key 'a' appears twice"),
        ("a: .nan\n", "不接受数值“.nan”", "is not accepted"),
        ("a: -.inf\n", "不接受数值", "is not accepted"),
        ("a: " + "9" * 5000 + "\n", "数值过大", "number too large"),
        ("a: [1, 2\n", "不是有效的YAML", "not valid YAML"),
        ("a: &x [*x]\n", "别名引用了自身", "an alias refers to itself"),
        ("a: !!python/object:os.system {}\n", "不接受YAML标签", "is not accepted"),
    ],
)
def test_hostile_or_broken_yaml_is_refused_with_a_reason(tmp_path, yaml_text, zh, en):
    from pipeline.config.policy import read_policy

    path = tmp_path / "policy.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        read_policy(path)
    assert zh in exc.value.message_zh and en in exc.value.message_en, (exc.value.message_zh, exc.value.message_en)


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    """Nine levels of nine aliases would be 387 million strings: measured, never expanded."""
    import time

    from pipeline.config.policy import read_policy

    lines = ['l0: &l0 "lol"']
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    path = tmp_path / "policy.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ConfigError) as exc:
        read_policy(path)
    assert time.perf_counter() - started < 5
    assert "nodes (nested aliases?)" in exc.value.message_en and "别名嵌套" in exc.value.message_zh


def test_an_oversized_policy_file_is_not_read(tmp_path):
    from pipeline.config.policy import read_policy

    path = tmp_path / "policy.yaml"
    path.write_bytes(b"# " + b"x" * 1_100_000 + b"\n")
    with pytest.raises(ConfigError, match="too large"):
        read_policy(path)


def test_merge_keys_and_dates_read_as_before():
    from pipeline.config.yamlfile import parse_yaml

    doc = parse_yaml(b"base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\nwhen: 2026-10-01\n", "t.yaml")
    import datetime as dt

    assert doc.data == {"base": {"x": 1}, "item": {"x": 1, "y": 2}, "when": dt.date(2026, 10, 1)}
    assert doc.where(("item", "y")) == (4, 3)


def test_kpi_must_name_an_evaluation_field(raw):
    raw["kpis"][0]["field"] = "happiness"
    with pytest.raises(ConfigError) as exc:
        policy_from_dict(raw)
    assert any("happiness" in d for d in exc.value.details)


def test_adding_a_kpi_needs_no_code(raw):
    """turnover_rate is an evaluation field; give it weight by editing the policy only."""
    from decimal import Decimal

    from pipeline.compute.scoring import score_evaluation

    raw["kpis"][0]["weight"] = 15
    raw["kpis"].append(
        {
            "field": "turnover_rate",
            "name_zh": "人员流失率",
            "name_en": "Staff turnover",
            "weight": 10,
            "method": "linear",
            "direction": "lower",
            "floor": 0.3,
            "target": 0.05,
            "unit": "percent",
        }
    )
    policy = policy_from_dict(raw)
    card = score_evaluation(
        {
            "supplier_id": "S",
            "period": "2026-10",
            "quality_score": Decimal(95),
            "on_time_rate": Decimal("0.98"),
            "cost_variance_pct": Decimal(0),
            "satisfaction": Decimal("4.5"),
            "compliance_issues": 0,
            "complaints": 0,
            "turnover_rate": Decimal("0.175"),
        },
        policy,
    )
    assert card.total == Decimal("95.00")  # turnover halfway between floor and target: 50 × 10%


def test_parsing_keeps_nothing_of_the_file_and_the_contract_settings_are_read_once(monkeypatch):
    """A month at 2,000 suppliers grew its process by tens of MB of YAML nodes: the one loader
    used for scalars cached every node it had built (each holding the file's whole text), and
    every notice read and parsed the contract settings again."""
    import datetime as dt
    import gc
    import weakref

    from pipeline.config import contract_terms, yamlfile
    from pipeline.documents import monthly as monthly_docs

    doc = yamlfile.parse_yaml(b"a: 1\nb: [2026-10-01, x, 3.5]\n", "t.yaml")
    assert doc.data == {"a": 1, "b": [dt.date(2026, 10, 1), "x", 3.5]}
    assert not yamlfile._SCALARS.constructed_objects  # nothing of the file stays behind
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None

    monthly_docs._TERMS.clear()
    calls = []
    real = contract_terms.load_terms
    monkeypatch.setattr(contract_terms, "load_terms", lambda *a: calls.append(1) or real(*a))
    first = monthly_docs._contract_terms()
    assert monthly_docs._contract_terms() is first and monthly_docs._contract_terms() is first
    assert calls == [1]
