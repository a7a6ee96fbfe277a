"""Templates render safely: data is never template code, and fonts carry Chinese."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from conftest import ROOT
from docx_reading import docx_text

from pipeline.render.facade import render_docx

FIXTURES = ROOT / "tests" / "fixtures" / "contexts"
TEMPLATES = [
    "review_report",
    "settlement_statement",
    "portfolio_summary",
    "warning_letter",
    "improvement_notice",
    "termination_notice",
    "commendation_letter",
    "exit_review",
    "periodic_review",
    "periodic_portfolio",
    "supplier_meeting",
]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_renders_its_representative_context(tmp_path, name):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(render_docx(f"{name}.docx", fixture(name)))
    text = docx_text(path)
    assert "{{" not in text.replace("{{ 7*7 }}", "") and "{%" not in text
    assert fixture(name)["org"]["name_zh"] in text and fixture(name)["org"]["name_en"] in text


def test_data_that_looks_like_template_code_or_markup_appears_literally(tmp_path):
    context = fixture("review_report")
    context["supplier"]["name_zh"] = "{{ 7*7 }}{% for x in range(3) %}X{% endfor %}"
    context["supplier"]["name_en"] = "A & B <Ltd> \"quoted\" 'single'"
    context["evaluation"]["comment"] = "{{ ''.__class__.__mro__ }} </w:t></w:r><w:r><w:t>injected"
    path = tmp_path / "hostile.docx"
    path.write_bytes(render_docx("review_report.docx", context))
    text = docx_text(path)
    assert "{{ 7*7 }}{% for x in range(3) %}X{% endfor %}" in text
    assert "49" not in text.split("Supplier")[0] and "XXX" not in text
    assert "A & B <Ltd> \"quoted\" 'single'" in text
    assert "</w:t></w:r><w:r><w:t>injected" in text
    with zipfile.ZipFile(path) as z:
        assert "&lt;Ltd&gt;" in z.read("word/document.xml").decode("utf-8")


def test_a_misspelt_field_fails_loudly(tmp_path):
    context = fixture("review_report")
    del context["total"]
    from pipeline.errors import RenderError

    with pytest.raises(RenderError, match="review_report"):
        render_docx("review_report.docx", context, "S1 review")


@pytest.mark.parametrize("name", TEMPLATES)
def test_chinese_font_in_the_east_asian_slot_with_zh_cn_language(name):
    with zipfile.ZipFile(ROOT / "contract_templates" / f"{name}.docx") as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        document = z.read("word/document.xml").decode("utf-8")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group()
    assert re.search(r'w:eastAsia="(SimSun|宋体|SimHei|黑体)"', defaults)
    assert 'w:eastAsia="zh-CN"' in defaults
    # no tag typed with a Chinese input method (full-width braces are not recognised by Jinja)
    assert "｛" not in document and "｝" not in document


def test_rendering_is_reproducible_byte_for_byte():
    a = render_docx("settlement_statement.docx", fixture("settlement_statement"))
    b = render_docx("settlement_statement.docx", fixture("settlement_statement"))
    assert a == b


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _keys_match(expected, actual, path="") -> list[str]:
    problems = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in expected.keys() | actual.keys():
            if k not in actual:
                problems.append(f"{path}/{k} missing from the built context")
            elif k not in expected:
                problems.append(f"{path}/{k} not in the fixture")
            else:
                problems += _keys_match(expected[k], actual[k], f"{path}/{k}")
    elif isinstance(expected, list) and isinstance(actual, list) and expected and actual:
        problems += _keys_match(expected[0], actual[0], f"{path}[0]")
    return problems


def test_built_contexts_have_exactly_the_fields_of_the_fixtures_the_templates_were_made_for(policy, sample_inputs):
    """The fixtures are the contract between templates and code; the code must keep it."""
    from pipeline.documents.monthly import portfolio_context, review_context
    from pipeline.documents.settlement import settlement_context
    from pipeline.runs.monthly import choose_period, compute_stage
    from pipeline.runs.stages import load_stage, validate_stage

    loaded = load_stage(sample_inputs)
    validated = validate_stage(loaded)
    period = choose_period(validated, None)
    result = compute_stage(validated, policy, period)
    s003 = next(s for s in result.suppliers if s.supplier_id == "S003")
    s004 = next(s for s in result.suppliers if s.supplier_id == "S004")
    assert _keys_match(_shape(fixture("review_report")), _shape(review_context(s003, policy, period))) == []
    assert _keys_match(_shape(fixture("settlement_statement")), _shape(settlement_context(s004, policy, period))) == []
    from pipeline.errors import Issue

    issue = Issue("f.xlsx", 2, "列", "v", "中文", "English")
    assert (
        _keys_match(_shape(fixture("portfolio_summary")), _shape(portfolio_context(result, policy, [issue], 1))) == []
    )
