"""Bilingual contracts: the context, the three templates, the command, the PDFs.

Every document is opened as a reader would (python-docx, pdftotext) and every amount in
words is read back and compared with its figures.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_INPUTS
from docx_reading import docx_tables, docx_text

from pipeline.config.contract_terms import load_terms
from pipeline.documents.amount_words import parse_chinese_uppercase, parse_english_words
from pipeline.documents.contracts import contract_context
from pipeline.render.facade import render_docx
from pipeline.runs.contracts import TEMPLATES

FIXTURES = ROOT / "tests" / "fixtures" / "contexts"
HOSTILE = "A & B <Ltd> {{x}}"
LONG_ADDRESS = ("江苏省苏州市工业园区" + "星湖街328号创意产业园" * 45 + "（测试地址）")[:500]
needs_soffice = pytest.mark.skipif(
    not shutil.which("soffice") and os.environ.get("VENDORFLOW_REQUIRE_PDF") != "1",
    reason="LibreOffice is not installed (CI installs it and requires this test)",
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Validated sample data, read from a private copy (runs archive their inputs)."""
    from pipeline.runs.stages import load_stage, validate_stage

    inputs = tmp_path_factory.mktemp("contracts") / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    validated = validate_stage(load_stage(inputs))
    assert not [i for i in validated.issues if i.kind in ("suppliers", "contracts", "contract_items")]
    return validated


@pytest.fixture(scope="module")
def terms():
    return load_terms()


def _records(sample, contract_no):
    contract = next(c for c in sample.data("contracts") if c["contract_no"] == contract_no)
    supplier = next(s for s in sample.data("suppliers") if s["supplier_id"] == contract["supplier_id"])
    items = [i for i in sample.data("contract_items") if i["contract_no"] == contract_no]
    return copy.deepcopy(contract), copy.deepcopy(supplier), copy.deepcopy(items)


def _render(tmp_path, context, name="c.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(render_docx(TEMPLATES[context["contract"]["type"]], context, name))
    return path


def _amounts(value, found=None):
    """Every {figures, words_zh, words_en} block in a context."""
    found = [] if found is None else found
    if isinstance(value, dict):
        if {"figures", "words_zh", "words_en"} <= value.keys():
            found.append(value)
        for v in value.values():
            _amounts(v, found)
    elif isinstance(value, list):
        for v in value:
            _amounts(v, found)
    return found


# --------------------------------------------------------------------------- context


def test_every_amount_in_words_reads_back_as_its_figures_in_both_languages(sample, policy, terms):
    checked = 0
    for contract in sample.data("contracts"):
        c, s, items = _records(sample, contract["contract_no"])
        for block in _amounts(contract_context(c, s, items, policy, terms)):
            figures = Decimal(block["figures"].replace(",", ""))
            assert parse_chinese_uppercase(block["words_zh"]) == (figures, "CNY"), block
            assert parse_english_words(block["words_en"]) == (figures, "CNY"), block
            checked += 1
    assert checked > 16 * 8


def test_amounts_follow_the_pboc_rules(sample, policy, terms):
    ctx = contract_context(*_records(sample, "HT-2026-LD-002"), policy, terms)
    fee = ctx["price"]["monthly_fee"]
    assert fee == {
        "figures": "86,455.50",
        "zh": "人民币86,455.50元",
        "en": "RMB 86,455.50",
        "words_zh": "人民币捌万陆仟肆佰伍拾伍元伍角",
        "words_en": "SAY RMB EIGHTY-SIX THOUSAND FOUR HUNDRED FIFTY-FIVE AND CENTS FIFTY ONLY",
    }
    # 12 months × 86,455.50: a zero inside the 万 group is written once, 整 after 元
    assert ctx["price"]["total"]["words_zh"] == "人民币壹佰零叁万柒仟肆佰陆拾陆元整"
    # tax split out of a tax-inclusive fee at 5%: net + tax add up to the fee
    net, tax = (Decimal(ctx["price"][k]["figures"].replace(",", "")) for k in ("net", "tax"))
    assert net + tax == Decimal("86455.50") and net == Decimal("82338.57")
    assert ctx["price"]["tax"]["words_zh"] == "人民币肆仟壹佰壹拾陆元玖角叁分"
    c, s, items = _records(sample, "HT-2026-LD-002")
    c["monthly_fee"], c["currency"] = Decimal("1000.05"), "USD"
    ctx = contract_context(c, s, items, policy, terms)
    assert ctx["price"]["monthly_fee"]["words_zh"] == "美元壹仟元零伍分"
    assert ctx["price"]["monthly_fee"]["words_en"] == "SAY USD ONE THOUSAND AND CENTS FIVE ONLY"
    assert ctx["price"]["monthly_fee"]["zh"] == "1,000.05美元"


def test_built_contexts_have_exactly_the_fields_of_the_fixtures(sample, policy, terms):
    """The fixtures are the contract between the templates and the code (and what
    `templates check` holds a company's template to)."""
    from test_render import _keys_match, _shape

    for name, contract_no in (
        ("contract_service", "HT-2026-IT-004"),
        ("contract_labor_outsourcing", "HT-2026-LO-001"),
        ("contract_labor_dispatch", "HT-2026-LD-014"),
    ):
        fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
        built = contract_context(*_records(sample, contract_no), policy, terms)
        assert _keys_match(_shape(fixture), _shape(built)) == [], name


def test_fee_from_items_lump_sum_and_tax(sample, policy, terms):
    s007 = contract_context(*_records(sample, "HT-2026-LO-007"), policy, terms)  # no 月服务费: Σ items
    assert s007["price"]["from_items"] and s007["price"]["monthly_fee"]["figures"] == s007["items_total"]["figures"]
    s011 = contract_context(*_records(sample, "HT-2026-IT-011"), policy, terms)  # 包干价 above Σ items
    assert s011["price"]["lump_sum"] and s011["price"]["monthly_fee"]["figures"] == "365,000.00"
    assert s011["items_total"]["figures"] == "349,000.00"
    lo13 = contract_context(*_records(sample, "HT-2026-LO-013"), policy, terms)  # stated fee = Σ per-head items
    assert not lo13["price"]["lump_sum"] and not lo13["price"]["from_items"] and lo13["price"]["fee_known"]
    assert lo13["price"]["months"] == "12" and lo13["price"]["total"]["figures"] == "2,514,000.00"
    lo1 = contract_context(*_records(sample, "HT-2026-LO-001"), policy, terms)  # per unit only, no stated fee
    assert lo1["price"]["from_items"] and lo1["price"]["results"] and lo1["price"]["has_per_unit"]
    assert not lo1["price"]["fee_known"] and not lo1["price"]["has_total"] and not lo1["price"]["lump_sum"]


def test_venue_term_language_and_sign_date_defaults(sample, policy, terms):
    c, s, items = _records(sample, "HT-2026-LD-002")
    ctx = contract_context(c, s, items, policy, terms)
    assert ctx["disputes"] == {
        "agreed": True,
        "arbitration": False,
        "venue_zh": "上海市闵行区人民法院",
        "venue_en": "the People's Court of Minhang District, Shanghai",
    }
    del c["dispute_venue"], c["end_date"], c["sign_date"]
    c["language_precedence"] = "en"
    ctx = contract_context(c, s, items, policy, terms)
    assert ctx["disputes"]["venue_zh"] == "乙方住所地（苏州市）有管辖权的人民法院"
    assert ctx["disputes"]["venue_en"] == "the competent people's court at Party B's domicile (Suzhou)"
    assert ctx["term"]["default"] and ctx["term"]["end_zh"] == "2027年12月31日" and ctx["term"]["length_zh"] == "24个月"
    assert ctx["language"]["prevailing_zh"] == "英文" and ctx["language"]["prevailing_en"] == "English"
    assert not ctx["contract"]["signed"] and "＿" in ctx["contract"]["sign_date_zh"]
    arb = contract_context(*_records(sample, "HT-2026-IT-003"), policy, terms)
    assert arb["disputes"]["arbitration"] and arb["disputes"]["venue_zh"] == "上海国际仲裁中心"


@pytest.mark.parametrize(
    "address, city",
    [
        ("上海市浦东新区张江路665号", "上海市"),
        ("江苏省苏州市高新区狮山路88号", "苏州市"),
        ("广东省深圳市南山区科技南十二路18号", "深圳市"),
        ("内蒙古自治区呼和浩特市新城区", "呼和浩特市"),
        ("苏州市工业园区星湖街328号", "苏州市"),
        ("A & B <Ltd> {{x}}", None),
        ("", None),
    ],
)
def test_city_of_an_address(address, city):
    from pipeline.documents.contracts import city_of

    assert city_of(address) == city


# --------------------------------------------------------------------------- documents


@pytest.mark.parametrize("contract_no", ["HT-2026-IT-011", "HT-2026-LO-007", "HT-2026-LD-002"])
def test_each_contract_type_renders_bilingual_with_numbered_articles(sample, policy, terms, tmp_path, contract_no):
    ctx = contract_context(*_records(sample, contract_no), policy, terms)
    text = docx_text(_render(tmp_path, ctx))
    assert "{{" not in text and "{%" not in text
    for zh, en in (
        ("第一条", "Article 1"),
        ("第二条", "Article 2"),
        ("第三条", "Article 3"),
        ("第四条", "Article 4"),
        ("第五条", "Article 5"),
        ("第六条", "Article 6"),
        ("第七条", "Article 7"),
        ("附件一", "Annex 1"),
        ("附件二", "Annex 2"),
    ):
        assert zh in text and en in text, zh
    for party in ("party_a", "party_b"):
        for key in ("name_zh", "name_en", "uscc", "legal_rep", "address_zh", "address_en"):
            assert ctx[party][key] in text, (party, key)
    if ctx["price"]["fee_known"]:  # a per-unit contract without a stated fee is priced on the accepted volume
        assert ctx["price"]["monthly_fee"]["words_zh"] in text and ctx["price"]["monthly_fee"]["words_en"] in text
    assert "以中文文本为准" in text and "the Chinese text prevails" in text
    assert ctx["contract"]["sign_date_zh"] in text and ctx["contract"]["sign_date_en"] in text
    assert "不因本合同的变更、解除或终止而失效" in text and "survive any amendment, rescission or termination" in text
    assert f"超过{ctx['termination']['force_majeure_days']}日" in text and "60 days" in text
    if contract_no.startswith("HT-2026-LD"):  # the dispatch agency's liquidated damages: capped at the management fee
        assert ctx["dispatch"]["management_fee"]["words_zh"] in text
    elif ctx["price"]["fee_known"]:
        assert ctx["sla"]["cap"]["words_zh"] in text


def test_side_by_side_clauses_chinese_left_english_right(sample, policy, terms, tmp_path):
    path = _render(tmp_path, contract_context(*_records(sample, "HT-2026-IT-004"), policy, terms))
    rows = [r for t in docx_tables(path) for r in t if len(r) == 2 and r[0].startswith("3.3")]
    assert rows and rows[0][1].startswith("3.3") and "甲方" in rows[0][0] and "Party A" in rows[0][1]


def test_dispatch_agreement_carries_permit_equal_pay_social_insurance_and_post_types(sample, policy, terms, tmp_path):
    ctx = contract_context(*_records(sample, "HT-2026-LD-002"), policy, terms)
    text = docx_text(_render(tmp_path, ctx))
    assert "苏人社派许字第0456号" in text and "2026年12月20日" in text and "December 20, 2026" in text
    assert "同工同酬" in text and "equal pay for equal work" in text
    assert "社会保险" in text and "social insurance" in text
    assert all(w in text for w in ("临时性", "辅助性", "替代性")) and "temporary, auxiliary or substitute" in text
    assert "应在届满前依法申请延续" in text  # the permit ends before the agreement does
    lo = docx_text(_render(tmp_path, contract_context(*_records(sample, "HT-2026-LO-001"), policy, terms), "lo.docx"))
    assert "同工同酬" not in lo and "劳务派遣经营许可证（编号" not in lo


def test_stricter_data_security_wording_for_confidential_and_restricted_access(sample, policy, terms, tmp_path):
    strict = docx_text(
        _render(tmp_path, contract_context(*_records(sample, "HT-2026-IT-011"), policy, terms), "s.docx")
    )
    normal = docx_text(
        _render(tmp_path, contract_context(*_records(sample, "HT-2026-IT-003"), policy, terms), "n.docx")
    )
    for words in ("实行访问控制", "审计", "销毁证明", "control access", "audit", "certificate of destruction"):
        assert words in strict
    assert "实行访问控制" not in normal and "certificate of destruction" not in normal
    assert "“绝密”" in strict and '"Restricted"' in strict


def test_header_has_the_contract_number_and_footer_real_page_fields(sample, policy, terms, tmp_path):
    path = _render(tmp_path, contract_context(*_records(sample, "HT-2026-LO-001"), policy, terms))
    with zipfile.ZipFile(path) as z:
        headers = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"word/header\d*\.xml", n)]
        footers = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
    assert any("HT-2026-LO-001" in h and "合同编号" in h for h in headers)
    footer = next(f for f in footers if "instrText" in f)
    assert re.findall(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", footer)
    assert re.findall(r"<w:instrText[^>]*>\s*NUMPAGES\s*</w:instrText>", footer)
    assert "第 " in footer and "Page " in footer and 'w:fldCharType="begin"' in footer


@pytest.mark.parametrize("contract_no", ["HT-2026-IT-004", "HT-2026-LO-001", "HT-2026-LD-008"])
def test_edge_cases_no_items_forty_items_hostile_name_long_address(sample, policy, terms, tmp_path, contract_no):
    c, s, items = _records(sample, contract_no)
    s["name_zh"] = s["name_en"] = HOSTILE
    s["address_zh"] = s["address_en"] = LONG_ADDRESS
    assert len(LONG_ADDRESS) == 500
    none = contract_context(c, s, [], policy, terms)
    path = _render(tmp_path, none, "none.docx")
    text = docx_text(path)
    assert HOSTILE in text and LONG_ADDRESS in text and "{{" not in text.replace(HOSTILE, "")
    assert "本合同不设服务项目明细" in text
    with zipfile.ZipFile(path) as z:
        assert "A &amp; B &lt;Ltd&gt; {{x}}" in z.read("word/document.xml").decode()
    forty = [
        {
            "contract_no": c["contract_no"],
            "role_zh": f"岗位{n:02d}",
            "role_en": f"Role {n:02d}",
            "headcount": n % 7 + 1,
            "unit_price": Decimal("6543.21") + n,
        }
        for n in range(40)
    ]
    c.pop("monthly_fee", None)  # priced from the 40 items
    ctx = contract_context(c, s, forty, policy, terms)
    path = _render(tmp_path, ctx, "forty.docx")
    annex = next(t for t in docx_tables(path) if t and "序号" in t[0][0])
    # header, 40 items, total (outsourcing: the total of fixed fees, and none when no item is fixed)
    assert len(annex) == 1 + 40 + (0 if ctx["contract"]["type"] == "labor_outsourcing" else 1)
    assert [r[0] for r in annex[1:41]] == [str(n) for n in range(1, 41)]
    expected = sum(Decimal(n % 7 + 1) * (Decimal("6543.21") + n) for n in range(40))
    assert Decimal(ctx["items_total"]["figures"].replace(",", "")) == expected
    assert Decimal(ctx["price"]["monthly_fee"]["figures"].replace(",", "")) == expected
    assert parse_chinese_uppercase(ctx["items_total"]["words_zh"])[0] == expected
    assert ctx["items_total"]["words_zh"] in docx_text(path)


# --------------------------------------------------------------------------- the command


def _manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def test_run_writes_one_contract_per_record_with_a_manifest_and_reruns_identically(sample_inputs, tmp_path):
    from pipeline.runs.contracts import run_contracts

    out = tmp_path / "out"
    first = run_contracts(sample_inputs, out)
    assert first.exit_code == 0 and first.folder == "2026-10-09"  # the newest sign date, not the clock
    root = out / "2026-10-09"
    files = _manifest(root)["files"]
    docs = [f for f in files if f["doc_type"] == "contract"]
    assert len(docs) == 16 and all(f["supplier_id"] for f in docs)
    assert {f["path"] for f in docs} == {f"contracts/{p.name}" for p in (root / "contracts").glob("*.docx")}
    assert any(i["kind"] == "contract_terms" for i in _manifest(root)["inputs"])
    assert any("LD-002" in w.message_en for w in first.warnings)  # permit ends before the agreement
    digests = {f["path"]: f["sha256"] for f in files}
    (root / "contracts" / "HT-2026-LO-001.docx").unlink()
    run_contracts(sample_inputs, out)
    assert {f["path"]: f["sha256"] for f in _manifest(root)["files"]} == digests


def test_a_dispatch_contract_without_a_valid_permit_is_left_out_and_reported(sample, policy, terms, tmp_path):
    from pipeline.runs.contracts import contract_jobs

    validated = copy.deepcopy(sample)
    s002 = next(r for r in validated.records["suppliers"] if r.data["supplier_id"] == "S002")
    s002.data["dispatch_permit_expiry"] = "2025-12-01"  # expired before signing
    s008 = next(r for r in validated.records["suppliers"] if r.data["supplier_id"] == "S008")
    del s008.data["dispatch_permit_no"]
    plan = contract_jobs(validated, policy, terms, ROOT / "contract_templates")
    rendered = {j.context["contract"]["no"] for j in plan.jobs}
    assert "HT-2026-LD-002" not in rendered and "HT-2026-LD-008" not in rendered and len(rendered) == 14
    expired = next(i for i in plan.issues if i.field == "dispatch_permit_expiry")
    assert (expired.file, expired.row, expired.value) == ("suppliers.xlsx", s002.row, "2025-12-01")
    assert "过期" in expired.message_zh and "expired" in expired.message_en
    missing = next(i for i in plan.issues if "HT-2026-LD-008" in i.message_en)
    assert missing.column and "许可证" in missing.message_zh


def test_cli_contracts_and_period_folder_shares_the_monthly_manifest(sample_inputs, tmp_path, prefect_harness, capsys):
    from pipeline.cli import main

    out = tmp_path / "out"
    root = out / "2026-10"
    root.mkdir(parents=True)
    (root / "reports").mkdir()
    (root / "reports" / "S001_review_2026-10.docx").write_bytes(b"monthly")
    (root / "manifest.json").write_text(
        json.dumps(
            {
                "files": [
                    {
                        "path": "reports/S001_review_2026-10.docx",
                        "sha256": "x",
                        "bytes": 7,
                        "doc_type": "review_report",
                        "supplier_id": "S001",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    assert main(["contracts", "--inputs", str(sample_inputs), "--outputs", str(out), "--period", "2026-10"]) == 0
    assert "16" in capsys.readouterr().out
    paths = {f["path"] for f in _manifest(root)["files"]}
    assert "reports/S001_review_2026-10.docx" in paths and "contracts/HT-2026-LD-002.docx" in paths
    assert (root / "reports" / "S001_review_2026-10.docx").exists()  # the monthly run's files are kept
    assert main(["contracts", "--inputs", str(sample_inputs), "--outputs", str(out), "--period", "2026-13"]) == 2


def test_a_monthly_rerun_keeps_the_contracts_written_into_its_folder(sample_inputs, tmp_path, prefect_harness):
    """contracts --period then run --period: the monthly manifest keeps listing the contracts."""
    from pipeline.cli import main

    out = tmp_path / "out"
    root = out / "2026-10"
    assert main(["run", "--inputs", str(sample_inputs), "--outputs", str(out), "--period", "2026-10"]) == 0
    assert main(["contracts", "--inputs", str(sample_inputs), "--outputs", str(out), "--period", "2026-10"]) == 0
    contract = root / "contracts" / "HT-2026-LD-002.docx"
    before = contract.read_bytes()
    assert main(["run", "--inputs", str(sample_inputs), "--outputs", str(out), "--period", "2026-10"]) == 0
    assert contract.read_bytes() == before
    listed = {f["path"]: f for f in _manifest(root)["files"]}
    assert "contracts/HT-2026-LD-002.docx" in listed and "reports/S001_review_2026-10.docx" in listed
    assert listed["contracts/HT-2026-LD-002.docx"]["doc_type"] == "contract"


def test_pdf_without_libreoffice_is_a_clear_message_and_nothing_is_written(sample_inputs, tmp_path, monkeypatch):
    from pipeline.errors import ConfigError
    from pipeline.render import pdf
    from pipeline.runs.contracts import run_contracts

    def missing():
        raise pdf.PdfUnavailable("not installed")

    monkeypatch.setattr(pdf, "soffice", missing)
    with pytest.raises(ConfigError) as err:
        run_contracts(sample_inputs, tmp_path / "out", pdf=True)
    assert "LibreOffice" in str(err.value) and "--pdf" in str(err.value) and "未安装" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_company_templates_replace_the_shipped_ones_and_an_unknown_field_stops_the_run(
    sample_inputs, tmp_path, prefect_harness, capsys
):
    from docx import Document

    from pipeline.cli import main

    company = tmp_path / "company"
    company.mkdir()
    for name in TEMPLATES.values():
        doc = Document(str(ROOT / "contract_templates" / name))
        doc.add_paragraph("本公司补充条款：供应商行为准则适用于本合同。")
        doc.save(str(company / name))
    out = tmp_path / "out"
    assert main(["contracts", "--inputs", str(sample_inputs), "--outputs", str(out), "--templates", str(company)]) == 0
    text = docx_text(out / "2026-10-09" / "contracts" / "HT-2026-IT-011.docx")
    assert "本公司补充条款" in text and "深圳智联创新科技有限公司" in text

    doc = Document(str(company / "contract_service.docx"))
    doc.add_paragraph("增值税登记号：{{ party_b.vat_registration_no }}")
    doc.save(str(company / "contract_service.docx"))
    out2 = tmp_path / "out2"
    capsys.readouterr()
    assert main(["contracts", "--inputs", str(sample_inputs), "--outputs", str(out2), "--templates", str(company)]) == 2
    err = capsys.readouterr().err
    assert "party_b.vat_registration_no" in err and "contract_service.docx" in err
    assert not out2.exists()  # an error at check time, not a blank


# --------------------------------------------------------------------------- PDF


@needs_soffice
def test_contracts_convert_to_pdf_in_one_batch_with_both_languages_cjk_fonts_and_page_numbers(
    sample_inputs, tmp_path, policy, terms, sample
):
    from pipeline.render.pdf import to_pdf
    from pipeline.runs.contracts import run_contracts

    summary = run_contracts(sample_inputs, tmp_path / "out", pdf=True)
    assert summary.pdfs == 16
    root = tmp_path / "out" / summary.folder
    assert len([f for f in _manifest(root)["files"] if f["doc_type"] == "contract_pdf"]) == 16
    # plus the edge cases, one of each type
    edge_docs = []
    for contract_no in ("HT-2026-IT-004", "HT-2026-LO-001", "HT-2026-LD-008"):
        c, s, items = _records(sample, contract_no)
        s["name_zh"], s["address_zh"] = HOSTILE, LONG_ADDRESS
        forty = [
            {
                "contract_no": contract_no,
                "role_zh": f"岗位{n}",
                "role_en": f"Role {n}",
                "headcount": 2,
                "unit_price": Decimal("7000.00"),
            }
            for n in range(40)
        ]
        edge_docs.append(_render(tmp_path, contract_context(c, s, forty, policy, terms), f"edge-{contract_no}.docx"))
    edge_pdfs = to_pdf(edge_docs, tmp_path / "pdf")
    for pdf in [
        root / "contracts" / "HT-2026-IT-011.pdf",
        root / "contracts" / "HT-2026-LO-007.pdf",
        root / "contracts" / "HT-2026-LD-002.pdf",
        *edge_pdfs,
    ]:
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "第一条" in text and "Article 1" in text, pdf.name
        assert "华东智造集团有限公司" in text and "East China Smart Manufacturing" in text, pdf.name
        assert "{{ " not in text and "{%" not in text, pdf.name
        pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
        assert pages >= 8 and f"第 {pages} 页 共 {pages} 页" in text, pdf.name
        number = pdf.stem.replace("edge-", "")
        assert text.count(f"Contract No.：{number}") >= pages, pdf.name  # the header, on every page
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"NotoSerifCJK\S*\s.*\syes\s", fonts), fonts  # Chinese set in an embedded CJK font
    edge = subprocess.run(["pdftotext", str(edge_pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert "A & B <Ltd> {{x}}" in edge and "Role 39" in edge
