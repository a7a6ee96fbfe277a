"""Every file vendorflow writes passes Microsoft's Open XML SDK validator (issue 18): the
templates, one generated document of every type and every generated workbook. LibreOffice opens
what Word reports as unreadable content, so the PDF tests cannot catch this.

Needs Node and `npm install` in tools/ooxml (`.ci/run` does both); skipped without them unless
VENDORFLOW_REQUIRE_OOXML=1, as in CI."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from builders import contract, evaluation, make_inputs, supplier
from conftest import SAMPLE_INPUTS

from pipeline.render import ooxml

ROOT = Path(__file__).resolve().parent.parent

if not ooxml.available():
    if os.environ.get("VENDORFLOW_REQUIRE_OOXML") == "1":
        raise RuntimeError(ooxml.install_hint()[1])
    pytest.skip(ooxml.install_hint()[1], allow_module_level=True)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """One file of every doc_type the program writes, by doc_type (several for workbooks)."""
    from pipeline.documents.input_workbooks import available_kinds, template_bytes
    from pipeline.runs.contracts import run_contracts
    from pipeline.runs.monthly import run_month
    from pipeline.runs.review import run_review
    from pipeline.runs.selection import run_selection

    root = tmp_path_factory.mktemp("ooxml")
    inputs, out = root / "in", root / "out"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    for period in ("2026-07", "2026-08", "2026-09", "2026-10"):
        run_month(inputs, out, period)
    run_review(out, "2026-Q3")
    run_selection(inputs, out, "SEL-2026-11")
    run_contracts(inputs, out)
    bad = make_inputs(root / "bad", [supplier("S1")], [contract("S1")], [evaluation("S1", quality_score=900)])
    run_month(bad, root / "bad-out", "2026-10")  # a rejected row: the validation report
    picked: dict[str, Path] = {}
    for manifest in sorted([*out.rglob("manifest.json"), *(root / "bad-out").rglob("manifest.json")]):
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            path = manifest.parent / entry["path"]
            if path.suffix in (".docx", ".xlsx"):
                picked.setdefault(f"{entry['doc_type']}{path.suffix}", path)
    from pipeline.runs.history import history_view

    history_view(out, xlsx=root / "history.xlsx")  # vendorflow history --xlsx
    history_view(out, supplier="S003", xlsx=root / "history_S003.xlsx")  # one supplier: with the trend chart
    picked["history.xlsx"], picked["history_supplier.xlsx"] = root / "history.xlsx", root / "history_S003.xlsx"
    for kind in available_kinds():
        path = root / "templates" / f"{kind}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(template_bytes(kind))
        picked[f"input_template:{kind}"] = path
    return picked


def test_every_shipped_template_is_valid_for_word():
    templates = sorted((ROOT / "contract_templates").glob("*.docx"))
    assert len(templates) == 16
    found = ooxml.validate(templates)
    assert {p.name: [str(e) for e in errors] for p, errors in found.items() if errors} == {}


def test_one_document_of_every_type_and_every_workbook_is_valid(generated):
    expected = {
        "review_report.docx",
        "settlement_statement.docx",
        "warning_letter.docx",
        "improvement_notice.docx",
        "termination_notice.docx",
        "exit_review.docx",
        "commendation_letter.docx",
        "portfolio_summary.docx",
        "periodic_review.docx",
        "periodic_portfolio.docx",
        "meeting_brief.docx",
        "selection_report.docx",
        "contract.docx",
        "scoreboard.xlsx",
        "payments.xlsx",
        "analytics_workbook.xlsx",
        "validation_report.xlsx",
        "selection_table.xlsx",
        "supplier_row.xlsx",
        "history.xlsx",
        "history_supplier.xlsx",
    }
    assert expected <= set(generated), sorted(expected - set(generated))
    found = ooxml.validate(list(generated.values()))
    named = {path: kind for kind, path in generated.items()}
    assert {named[p]: [str(e) for e in errors] for p, errors in found.items() if errors} == {}


def test_every_contract_type_is_valid(generated):
    folder = generated["contract.docx"].parent
    contracts = sorted(folder.glob("*.docx"))
    kinds = {zipfile.ZipFile(p).read("word/document.xml").count(b"<w:tbl>") > 0 for p in contracts}
    assert kinds == {True}
    by_type = {}
    for p in contracts:  # one of each contract type: the sample's numbers say which (-LO-, -LD-, -IT-…)
        by_type.setdefault(p.stem.split("-")[2], p)
    assert {"LO", "LD", "IT"} <= set(by_type)
    found = ooxml.validate(list(by_type.values()))
    assert {p.name: [str(e) for e in errors] for p, errors in found.items() if errors} == {}


def test_templates_check_reports_a_schema_error_word_would_reject(tmp_path):
    from pipeline.cli import main

    (tmp_path / "t").mkdir()
    for name in ("warning_letter.docx", "review_report.docx"):
        shutil.copy(ROOT / "contract_templates" / name, tmp_path / "t" / name)
    path = tmp_path / "t" / "warning_letter.docx"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    # the mistake the bootstrap builders once made: a second tblLayout after tblLook
    xml = xml.replace("</w:tblPr>", '<w:tblLayout w:type="fixed"/></w:tblPr>', 1)
    parts["word/document.xml"] = xml.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    from pipeline.render.checks import schema_problems

    problems = schema_problems(tmp_path / "t")
    assert [p.template for p in problems] == ["warning_letter.docx"]
    assert "tblLayout" in problems[0].message_en and problems[0].part == "word/document.xml"
    assert "无法读取的内容" in problems[0].message_zh
    assert main(["templates", "check", str(tmp_path / "t")]) == 1
