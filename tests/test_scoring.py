from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.compute.scoring import kpi_score, main_deductions, score_evaluation


def evaluation(**overrides):
    base = {
        "supplier_id": "S1",
        "period": "2026-10",
        "quality_score": D("95"),
        "on_time_rate": D("0.98"),
        "cost_variance_pct": D("0"),
        "satisfaction": D("4.5"),
        "compliance_issues": 0,
        "complaints": 0,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def test_perfect_month_scores_100_and_grade_a(policy):
    card = score_evaluation(evaluation(), policy)
    assert card.total == D("100.00")
    assert card.band.grade == "A" and card.band.label_zh == "优秀"


def test_linear_higher_is_better_between_floor_and_target(policy):
    quality = next(k for k in policy.kpis if k.field == "quality_score")  # floor 60, target 95
    assert kpi_score(quality, D("60")) == 0
    assert kpi_score(quality, D("95")) == 100
    assert kpi_score(quality, D("77.5")) == 50
    assert kpi_score(quality, D("40")) == 0  # clamped below
    assert kpi_score(quality, D("100")) == 100  # clamped above


def test_linear_lower_is_better(policy):
    cost = next(k for k in policy.kpis if k.field == "cost_variance_pct")  # floor 10, target 0
    assert kpi_score(cost, D("0")) == 100
    assert kpi_score(cost, D("-3")) == 100  # under budget is not extra credit
    assert kpi_score(cost, D("2.5")) == 75
    assert kpi_score(cost, D("10")) == 0


def test_counts_deduct_points(policy):
    complaints = next(k for k in policy.kpis if k.field == "complaints")  # 20 per complaint
    assert kpi_score(complaints, D(2)) == 60
    assert kpi_score(complaints, D(9)) == 0


def test_weighted_total_by_hand(policy):
    # quality 82 → 62.857…; on-time 0.88 → 44.444…; cost 3.5 → 65; satisfaction 4 → 80; compliance 1 → 75; complaints 2 → 60
    card = score_evaluation(
        evaluation(
            quality_score=D("82"),
            on_time_rate=D("0.88"),
            cost_variance_pct=D("3.5"),
            satisfaction=D("4"),
            compliance_issues=1,
            complaints=2,
        ),
        policy,
    )
    # each weighted score as the report shows it (to 0.01), and the total their sum:
    # 15.714 → 15.71, 11.111 → 11.11, 9.75, 12, 7.5, 6 → 62.07 (not 62.075 rounded to 62.08)
    weighted = [D(440) / 7 * 25, D(400) / 9 * 25, 65 * 15, 80 * 15, 75 * 10, 60 * 10]
    assert card.total == sum(((D(w) / 100).quantize(D("0.01")) for w in weighted), D(0))
    assert card.total == D("62.07")
    assert [r.weighted.quantize(D("0.01")) for r in card.kpis] == [
        D("15.71"),
        D("11.11"),
        D("9.75"),
        D("12.00"),
        D("7.50"),
        D("6.00"),
    ]
    assert card.band.grade == "C"


def test_missing_kpi_is_not_applicable_and_weights_renormalise(policy):
    card = score_evaluation(evaluation(satisfaction=None, quality_score=D("77.5")), policy)
    na = [r.kpi.field for r in card.not_applicable]
    assert na == ["satisfaction"]
    assert card.renormalised
    # quality scores 50 with weight 25/85; the other four applicable KPIs score 100
    assert card.total == (D(100) - D(50) * D(25) / D(85)).quantize(D("0.01"))
    weights = [r.weight for r in card.kpis if r.weight is not None]
    assert sum(weights) == pytest.approx(D(100))
    # not scored as 0 and not as 100
    assert card.total != score_evaluation(evaluation(satisfaction=D("2"), quality_score=D("77.5")), policy).total
    assert card.total != score_evaluation(evaluation(satisfaction=D("4.5"), quality_score=D("77.5")), policy).total


def test_too_few_kpis_means_not_rated(policy):
    card = score_evaluation({"supplier_id": "S1", "period": "2026-10", "quality_score": D("90")}, policy)
    assert not card.rated and card.total is None and card.band is None


def test_grade_boundaries_use_the_rounded_total(policy):
    assert policy.band(D("90.00")).grade == "A"
    assert policy.band(D("89.99")).grade == "B"
    assert policy.band(D("60")).grade == "C"
    assert policy.band(D("59.99")).grade == "D"
    assert policy.band(D("0")).grade == "D"
    assert policy.band(D("100")).grade == "A"


def test_explanation_names_the_biggest_deductions(policy):
    card = score_evaluation(evaluation(on_time_rate=D("0.80"), complaints=1), policy)
    top = main_deductions(card, 3)
    assert [r.kpi.field for r in top] == ["on_time_rate", "complaints"]
    assert top[0].points_lost == D(25)


KPI_FIELDS = ["quality_score", "on_time_rate", "cost_variance_pct", "satisfaction", "compliance_issues", "complaints"]
kpi_values = st.fixed_dictionaries(
    {
        "quality_score": st.decimals(0, 100, places=1),
        "on_time_rate": st.decimals(0, 1, places=3),
        "cost_variance_pct": st.decimals(-20, 30, places=1),
        "satisfaction": st.decimals(1, 5, places=1),
        "compliance_issues": st.integers(0, 6),
        "complaints": st.integers(0, 6),
    }
)


@settings(max_examples=200, deadline=None)
@given(values=kpi_values, field=st.sampled_from(KPI_FIELDS), step=st.integers(1, 5))
def test_score_within_range_and_never_falls_when_a_kpi_improves(values, field, step):
    from conftest import SAMPLE_INPUTS

    from pipeline.config.policy import load_policy

    policy = load_policy(SAMPLE_INPUTS / "policy.yaml")
    before = score_evaluation({"supplier_id": "S", "period": "2026-10", **values}, policy)
    better = dict(values)
    improve = {
        "quality_score": D(step),
        "on_time_rate": D(step) / 100,
        "satisfaction": D(step) / 10,
        "cost_variance_pct": -D(step),
        "compliance_issues": -step,
        "complaints": -step,
    }[field]
    better[field] = values[field] + improve
    if field in ("compliance_issues", "complaints") and better[field] < 0:
        better[field] = 0
    after = score_evaluation({"supplier_id": "S", "period": "2026-10", **better}, policy)
    assert D(0) <= before.total <= D(100)
    assert D(0) <= after.total <= D(100)
    assert after.total >= before.total
