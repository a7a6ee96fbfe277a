"""The message catalogue (schemas/messages.yaml): the core returns codes and facts, the
catalogue has the words; the README's list of rules and the portfolio's attention list follow it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLE_INPUTS

from pipeline.compute.codes import CODES, FLAGS
from pipeline.compute.consequences import Reason
from pipeline.compute.month import compute_month
from pipeline.compute.risk import Flag
from pipeline.config.messages import CatalogueError, load, parse
from pipeline.config.policy import policy_from_dict
from pipeline.config.resources import schemas_dir
from pipeline.documents.messages import catalogue, joined, rules_markdown, text
from pipeline.documents.monthly import attention_items
from pipeline.periods import Period

OCT = Period.parse("2026-10")
CORE = ROOT / "pipeline" / "compute"


def _catalogue_data() -> dict:
    return yaml.safe_load((schemas_dir() / "messages.yaml").read_text(encoding="utf-8"))


def _codes_in_core() -> set[str]:
    """Codes written in the core's source: first arguments of Flag/_flag/Reason/GateResult/add, tie codes."""
    found = set()
    for path in CORE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\b(?:Flag|_flag|Reason)\(\s*"([a-z_]+)"', source))
        found |= set(re.findall(r'"((?:gate|tie)_[a-z_]+)"', source))
        for prefix in re.findall(r'Flag\(f"\{code\}(_[a-z]+)"', source):  # licence_/permit_ + suffix
            found |= {f"licence{prefix}", f"permit{prefix}"}
        for suffix in re.findall(r'f"gate_\{key\}(_[a-z]+)"', source):
            found |= {f"gate_background_check{suffix}", f"gate_site_inspection{suffix}"}
    return found


def test_the_catalogue_loads_and_has_words_for_every_code_the_core_emits():
    cat = catalogue()
    in_core = _codes_in_core()
    assert in_core, "no codes found in pipeline/compute"
    assert in_core <= set(CODES), f"codes emitted but not registered in pipeline.compute.codes: {in_core - set(CODES)}"
    for code in CODES:
        m = cat[code]
        assert m.zh.strip() and m.en.strip()
    for code in FLAGS:  # every flag has a severity and a rule line for the README
        assert cat[code].severity and cat[code].rule_zh and cat[code].rule_en


def test_the_catalogue_is_parsed_once_per_process(monkeypatch):
    """Rendering one sample month asked for the catalogue ~300 times and parsed the YAML each time
    (10.9 s of a 1.5 s run): text() reuses the one catalogue."""
    import pipeline.documents.messages as document_messages

    assert catalogue() is catalogue()
    monkeypatch.setattr(document_messages, "load", lambda *a, **k: pytest.fail("the catalogue was parsed again"))
    zh, en = text("licence_expired", {"date": "2026-10-01", "days": -30})
    assert "2026年10月1日" in zh and "October 1, 2026" in en


def test_the_core_imports_nothing_from_documents():
    for path in CORE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+pipeline\.documents", source, re.M), path.name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_missing_language_fails_loading(lang):
    data = _catalogue_data()
    del data["messages"]["score_drop"][lang]
    with pytest.raises(CatalogueError, match=rf"score_drop: the {lang} template is missing"):
        parse(data, required=CODES)


def test_an_unknown_placeholder_fails_loading(tmp_path: Path):
    data = _catalogue_data()
    data["messages"]["nda_missing"]["en"] = "Data access level {levle} without an NDA."
    path = tmp_path / "messages.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"nda_missing \(en\): unknown placeholder \{levle\}"):
        load(path, required=CODES)


def test_an_unknown_filter_or_a_missing_code_fails_loading():
    data = _catalogue_data()
    data["messages"]["score_drop"]["zh"] = "下降{drop:percent}分"
    with pytest.raises(CatalogueError, match="unknown filter 'percent'"):
        parse(data)
    data = _catalogue_data()
    del data["messages"]["worker_minor"]
    with pytest.raises(CatalogueError, match="no entry for code 'worker_minor'"):
        parse(data, required=CODES)


def test_a_flag_reads_the_same_in_both_languages_as_before():
    flag = Flag(
        "score_drop",
        "medium",
        "S1",
        {"drop": Decimal("12.5"), "previous": Decimal("80"), "current": Decimal("67.5"), "threshold": Decimal(10)},
    )
    assert text(flag.code, flag.facts) == (
        "得分较上期下降12.50分（80.00 → 67.50，阈值10分）。",
        "Score fell 12.50 points on the previous period (80.00 → 67.50; threshold 10).",
    )
    assert text("permit_renewal_due", {"date": "2026-11-26", "days": 26, "renewal_days": 60}) == (
        "劳务派遣经营许可证将于2026年11月26日到期（剩余26天），应于到期前60日申请延续，现已到期限。",
        "The labour-dispatch permit expires on November 26, 2026 (26 days left); its renewal is due 60 days "
        "before expiry, which is now.",
    )
    assert text(
        "dispatch_ratio",
        {
            "date": "2026-10-31",
            "dispatched": 1312,
            "direct": 1180,
            "pct": Decimal("52.648"),
            "limit": Decimal(10),
            "allowed": 131,
        },
    )[1].startswith("1,312 dispatched workers on site on October 31, 2026: 52.6% of the total workforce (1,180 direct")
    reasons = [
        Reason("reason_grade", {"grade": "D", "band_zh": "不合格", "band_en": "Unsatisfactory"}),
        Reason(
            "reason_incident",
            {"incident_id": "I-1", "type": "security_breach", "incident_severity": "critical", "description": ""},
        ),
    ]
    assert joined(reasons) == (
        "本期评级D（不合格）；I-1 安全事件（严重）",  # a sentence's full stop gives way to the separator
        "Grade D (Unsatisfactory) this period; I-1 security breach (critical)",
    )


def test_the_readme_lists_the_rules_of_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", readme, re.S)
    assert found, "README.md has no <!-- rules:start --> / <!-- rules:end --> block"
    assert found.group(1) == rules_markdown()
    for code in FLAGS:
        assert f"`{code}`" in found.group(1)


# ----------------------------------------------------------------------------- the attention list


SUPPLIER = {
    "supplier_id": "S1",
    "name_zh": "某服务公司",
    "name_en": "Some Services",
    "category": "it_services",
    "status": "approved",
    "license_expiry": "2027-01-10",
}  # 71 days after October 31
CONTRACT = {
    "contract_no": "HT-1",
    "supplier_id": "S1",
    "contract_type": "service",
    "start_date": "2026-01-01",
    "end_date": "2027-12-31",
    "monthly_fee": Decimal("10000.00"),
    "tax_rate": Decimal("0.06"),
}


def _evaluation(period: str, quality: int) -> dict:
    return {
        "supplier_id": "S1",
        "period": period,
        "quality_score": Decimal(quality),
        "on_time_rate": Decimal("0.95"),
        "cost_variance_pct": Decimal(2),
        "satisfaction": Decimal(4),
        "compliance_issues": 0,
        "complaints": 0,
    }


def _attention(risk: dict) -> list[str]:
    data = yaml.safe_load((SAMPLE_INPUTS / "policy.yaml").read_text(encoding="utf-8"))
    data["risk"].update(risk)
    policy = policy_from_dict(data)
    records = {
        "suppliers": [SUPPLIER],
        "contracts": [CONTRACT],
        "contract_items": [],
        "incidents": [],
        "evaluations": [_evaluation("2026-09", 95), _evaluation("2026-10", 75)],
        "workers": [],
        "attendance": [],
    }
    result = compute_month(records, policy, OCT)
    return [item["en"] for item in attention_items(result, policy)]


def test_the_attention_list_follows_the_policys_thresholds():
    shipped = _attention({})
    assert any("score down" in item for item in shipped)  # the drop is above 10 points
    assert any("business licence expires on January 10, 2027" in item for item in shipped)  # within 90 days
    stricter = _attention({"score_drop_points": 50, "expiry_notice_days": [30, 60, 70]})
    assert not any("score down" in item for item in stricter)  # the office raised the threshold
    assert not any("business licence" in item for item in stricter)  # and shortened the notice
    assert len(stricter) == len(shipped) - 2
