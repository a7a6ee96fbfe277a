"""Every template's context has a declared shape (pipeline.documents.shapes): the fixtures
the templates were made for and the contexts the builders really fill both conform to it,
and the shapes cover every field the shipped templates use."""

from __future__ import annotations

import ast
import copy
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import NotRequired, TypedDict

import pytest
from conftest import ROOT, SAMPLE_INPUTS

from pipeline.documents.shapes import (
    SHAPES,
    TINY_PNG,
    ReviewReportContext,
    SettlementStatementContext,
    conforms,
    example_context,
)
from pipeline.render import Image
from pipeline.render.checks import check_dir, check_template, errors

TEMPLATES = ROOT / "contract_templates"
FIXTURES = ROOT / "tests" / "fixtures" / "contexts"
NAMES = sorted(SHAPES)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{Path(name).stem}.json").read_text(encoding="utf-8"))


def known(name: str) -> dict | None:
    """What `vendorflow templates check` and the contract preflight inject."""
    return example_context(SHAPES[name]) if name in SHAPES else None


def with_pictures(value, picture: Image):
    """The fixture with a real picture wherever a chart goes (JSON cannot hold one)."""
    if isinstance(value, dict):
        return {
            k: picture if k.endswith("chart") and isinstance(v, str) else with_pictures(v, picture)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [with_pictures(v, picture) for v in value]
    return value


def test_every_shipped_template_has_a_shape_and_a_fixture():
    shipped = {p.name for p in TEMPLATES.glob("*.docx")}
    assert len(shipped) == 16 and set(SHAPES) == shipped
    assert {f"{p.stem}.docx" for p in FIXTURES.glob("*.json")} == shipped
    assert all(shape.__name__.endswith("Context") and shape.__doc__ for shape in SHAPES.values())


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_conforms_to_its_shape(name):
    assert conforms(fixture(name), SHAPES[name], Path(name).stem) == []
    picture = Image(TINY_PNG, width_mm=20)
    assert conforms(with_pictures(fixture(name), picture), SHAPES[name]) == []


# --------------------------------------------------------------------------- the builders' truth


@pytest.fixture(scope="module")
def real_contexts(tmp_path_factory) -> dict[str, list[dict]]:
    """Contexts as the runs build them from the sample data: the monthly documents of four
    months, every contract, the selection report, and the quarterly and annual reviews."""
    from pipeline.compute.rollup import ReviewPeriod
    from pipeline.config.contract_terms import load_terms
    from pipeline.documents.selection import report_context
    from pipeline.periods import Period
    from pipeline.publish.history import HistoryStore
    from pipeline.runs.contracts import contract_jobs
    from pipeline.runs.monthly import compute_stage, iter_document_jobs, run_month
    from pipeline.runs.review import review_jobs
    from pipeline.runs.selection import evaluate_stage, find_selection_policy
    from pipeline.runs.stages import find_policy, load_stage, validate_stage

    def copy_inputs(label: str) -> Path:
        target = tmp_path_factory.mktemp(label) / "inputs"  # runs archive their inputs
        shutil.copytree(SAMPLE_INPUTS, target, ignore=shutil.ignore_patterns("archive", "rejected", ".vendorflow-*"))
        return target

    found: dict[str, list[dict]] = {}

    def add(template: str, context: dict) -> None:
        found.setdefault(Path(template).name, []).append(context)

    inputs = copy_inputs("shapes")
    loaded = load_stage(inputs)
    validated = validate_stage(loaded)
    policy = find_policy(inputs, None)
    for code in ("2026-07", "2026-08", "2026-09", "2026-10"):
        result = compute_stage(validated, policy, Period.parse(code))
        for job in iter_document_jobs(result, policy, validated.issues):
            add(job.template, job.context)
    for job in contract_jobs(validated, policy, load_terms(), TEMPLATES).jobs:
        add(job.template, job.context)
    event = evaluate_stage(validated, loaded.aliases, find_selection_policy(inputs, None), "SEL-2026-11")
    add("selection_report.docx", report_context(event, validated.issues))
    add("selection_report.docx", report_context(event, []))

    history = copy_inputs("shapes-history")
    out = history.parent / "out"
    for code in ("2026-09", "2026-10"):
        run_month(history, out, period=code)
    store = HistoryStore.for_outputs(out)
    for code in ("2026-Q3", "2026-Q4", "2026"):
        for job in review_jobs(store, ReviewPeriod.parse(code), policy):
            add(job.template, job.context)
    return found


def test_the_sample_data_fills_every_template(real_contexts):
    assert set(real_contexts) == set(SHAPES)


@pytest.mark.parametrize("name", NAMES)
def test_real_contexts_conform_to_their_shape(real_contexts, name):
    problems = {
        p
        for i, context in enumerate(real_contexts[name])
        for p in conforms(context, SHAPES[name], f"{Path(name).stem}[{i}]")
    }
    assert sorted(problems) == []


def test_real_pictures_are_images_or_blank(real_contexts):
    charts = [c["trend"]["chart"] for c in real_contexts["review_report.docx"]]
    charts += [c["grade_chart"] for c in real_contexts["portfolio_summary.docx"]]
    charts += [c["chart"] for c in real_contexts["periodic_review.docx"] + real_contexts["periodic_portfolio.docx"]]
    assert any(isinstance(c, Image) for c in charts)
    assert all(isinstance(c, Image) or c == "" for c in charts)


# --------------------------------------------------------------------------- the checker


def test_a_wrong_type_is_reported_with_its_path():
    context = fixture("settlement_statement.docx")
    context["currencies"][0]["lines"][2]["amount"] = Decimal("1.00")
    context["currencies"][0]["tax"]["included"] = "yes"
    assert conforms(context, SettlementStatementContext, "settlement") == [
        "settlement.currencies[0].lines[2].amount: expected str, got Decimal",
        "settlement.currencies[0].tax.included: expected bool, got str",
    ]
    context = fixture("review_report.docx")
    context["trend"]["chart"] = None
    context["kpis"] = {"name_zh": "x"}
    assert conforms(context, ReviewReportContext) == [
        "kpis: expected list[ReviewKpiRow], got dict",
        "trend.chart: expected Image | str, got None",
    ]


def test_a_missing_key_is_reported():
    context = fixture("review_report.docx")
    del context["kpis"]
    del context["supplier"]["name_en"]
    assert conforms(context, ReviewReportContext, "review") == [
        "review: missing key 'kpis'",
        "review.supplier: missing key 'name_en'",
    ]
    assert conforms(context, ReviewReportContext)[0] == "missing key 'kpis'"


def test_an_extra_key_is_reported():
    context = fixture("review_report.docx")
    context["supplier"]["foo"] = "bar"
    context["incidents"][0]["extra"] = 1
    context["top"] = ""
    assert conforms(context, ReviewReportContext) == [
        "unexpected key 'foo' in supplier",
        "unexpected key 'extra' in incidents[0]",
        "unexpected key 'top'",
    ]


class Row(TypedDict):
    n: int
    x: float


class Shape(TypedDict):  # under `from __future__ import annotations`, as a builder might write it
    name: str | None
    note: NotRequired[str]
    rows: list[Row]


def test_optional_keys_unions_and_numbers():
    assert conforms({"name": None, "rows": [{"n": 1, "x": 2}]}, Shape) == []
    assert conforms({"name": "a", "note": "b", "rows": []}, Shape) == []
    assert conforms({"name": 3, "note": None, "rows": [{"n": True, "x": "1"}]}, Shape) == [
        "name: expected str | None, got int",
        "note: expected str, got None",
        "rows[0].n: expected int, got bool",
        "rows[0].x: expected float, got str",
    ]
    assert conforms([], Shape) == ["context: expected Shape, got list"]
    assert example_context(Shape) == {"name": "x", "note": "x", "rows": [{"n": 0, "x": 0.0}]}


# --------------------------------------------------------------------------- examples from shapes


@pytest.mark.parametrize("name", NAMES)
def test_the_example_of_a_shape_conforms_to_it(name):
    example = example_context(SHAPES[name])
    assert conforms(example, SHAPES[name]) == []
    assert conforms(example_context(SHAPES[name], images=False), SHAPES[name]) == []
    assert json.dumps(example_context(SHAPES[name], images=False))  # plain data without pictures


def test_the_shapes_cover_every_field_the_shipped_templates_use():
    problems = check_dir(TEMPLATES, known=known)
    assert [str(p) for p in problems] == []


def test_a_field_the_shape_lacks_is_reported():
    path = TEMPLATES / "review_report.docx"
    context = known(path.name)
    del context["supplier"]["name_en"]
    del context["trend"]["chart"]
    missing = {p.message_en.split(" ")[3].rstrip(",") for p in check_template(path, context) if p.kind == "missing"}
    assert missing == {"supplier.name_en", "trend.chart"}
    contract = TEMPLATES / "contract_labor_dispatch.docx"
    context = known(contract.name)
    del context["dispatch"]
    assert "dispatch" in {p.message_en.split(" ")[3].rstrip(",") for p in errors(check_template(contract, context))}


def test_a_picture_in_an_example_renders(tmp_path):
    from docx import Document

    from pipeline.render.facade import render_docx

    context = fixture("periodic_portfolio.docx")
    context["chart"] = example_context(SHAPES["periodic_portfolio.docx"])["chart"]
    out = tmp_path / "out.docx"
    out.write_bytes(render_docx("periodic_portfolio.docx", context))
    assert Document(str(out)).inline_shapes


def test_shapes_import_only_the_render_layer():
    tree = ast.parse((ROOT / "pipeline" / "documents" / "shapes.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for m in imported if m.startswith("pipeline")} == {"pipeline.render"}


def test_a_copied_context_is_checked_not_changed():
    context = fixture("review_report.docx")
    before = copy.deepcopy(context)
    conforms(context, ReviewReportContext)
    assert context == before
