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
    assert any(d.startswith("kpis/1/method") for d in exc.value.details)


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
