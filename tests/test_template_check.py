"""`vendorflow templates check`: broken tags, full-width braces and unknown fields are
found before anything is rendered, each with its template and the text around it.

Fields are checked against an example built from each template's declared shape
(pipeline.documents.shapes), injected as `known`: the checker reads no fixtures folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from docx import Document
from docx_reading import docx_text

from pipeline.cli import main
from pipeline.documents.shapes import SHAPES, example_context
from pipeline.render.checks import check_dir, check_template, errors
from pipeline.render.facade import render_docx

TEMPLATES = ROOT / "contract_templates"
FIXTURES = ROOT / "tests" / "fixtures" / "contexts"  # for rendering only, never for checking


def KNOWN(name: str) -> dict | None:
    """What the callers inject: an example context from the template's declared shape."""
    return example_context(SHAPES[name]) if name in SHAPES else None


def _company_copy(tmp_path: Path, name: str = "contract_service.docx") -> tuple[Path, Document]:
    folder = tmp_path / "company"
    folder.mkdir(exist_ok=True)
    path = folder / name
    shutil.copy(TEMPLATES / name, path)
    return path, Document(str(path))


def _kinds(problems) -> list[str]:
    return [p.kind for p in errors(problems)]


def test_every_shipped_template_is_clean():
    """Contracts, review, settlement, portfolio and every other shipped template."""
    names = {p.name for p in TEMPLATES.glob("*.docx")}
    assert {
        "contract_service.docx",
        "contract_labor_outsourcing.docx",
        "contract_labor_dispatch.docx",
        "review_report.docx",
        "settlement_statement.docx",
        "portfolio_summary.docx",
    } <= names
    assert [str(p) for p in check_dir(TEMPLATES, known=KNOWN)] == []


def test_full_width_braces_from_a_chinese_input_method(tmp_path):
    path, doc = _company_copy(tmp_path)
    doc.add_paragraph("乙方开户行：｛｛ party_b.bank_name ｝｝，见｛％ if items ％｝附件")
    doc.save(str(path))
    found = [p for p in check_template(path, known=KNOWN) if p.kind == "fullwidth"]
    assert len(found) == 1
    assert found[0].template == "contract_service.docx" and "乙方开户行" in found[0].text
    assert (
        "｛｛" in found[0].message_zh
        and "｛％" in found[0].message_en
        and "English input method" in found[0].message_en
    )


def test_a_tag_split_across_runs_that_no_longer_parses(tmp_path):
    path, doc = _company_copy(tmp_path)
    p = doc.add_paragraph()
    p.add_run("合同编号：{{ contract.no }")  # Word split the closing braces, and a space slipped in
    p.add_run(" }")
    p = doc.add_paragraph()
    p.add_run("生效日期：{{ term.")  # the tag ends in the next paragraph
    doc.add_paragraph("start_zh }}")
    doc.save(str(path))
    found = [p for p in check_template(path, known=KNOWN) if p.kind == "syntax"]
    texts = " | ".join(p.text for p in found)
    assert "合同编号：{{ contract.no } }" in texts and "生效日期：{{ term." in texts
    assert all(p.template == "contract_service.docx" and p.part == "word/document.xml" for p in found)
    assert any("does not parse" in p.message_en for p in found)
    assert any("across paragraphs" in p.message_en for p in found)


def test_a_tag_word_split_but_docxtpl_rejoins_is_not_reported_and_renders(tmp_path):
    path, doc = _company_copy(tmp_path)
    p = doc.add_paragraph()
    for piece in ("乙方：{", "{ party_b.", "name_zh }", "}"):
        run = p.add_run(piece)
        run.bold = piece.startswith("{ ")  # different formatting: Word keeps separate runs
    doc.save(str(path))
    assert errors(check_template(path, known=KNOWN)) == []
    context = json.loads((FIXTURES / "contract_service.json").read_text(encoding="utf-8"))
    out = tmp_path / "out.docx"
    out.write_bytes(render_docx(str(path), context))
    assert f"乙方：{context['party_b']['name_zh']}" in docx_text(out)


def test_fields_a_company_template_needs_beyond_the_context(tmp_path):
    path, doc = _company_copy(tmp_path, "contract_labor_dispatch.docx")
    doc.add_paragraph("增值税登记号：{{ party_b.vat_registration_no }}")
    doc.add_paragraph("{% for it in items %}{{ it.role_fr }}{% endfor %}")
    doc.add_paragraph("{% if special_terms %}特别约定{% endif %}{{ party_b.fax | default('—') }}")
    doc.save(str(path))
    missing = {p.message_en.split(" ")[3].rstrip(",") for p in check_template(path, known=KNOWN) if p.kind == "missing"}
    assert missing == {"party_b.vat_registration_no", "items[].role_fr", "special_terms"}
    problem = next(p for p in check_template(path, known=KNOWN) if "vat_registration_no" in p.message_en)
    assert "增值税登记号" in problem.text and "程序不提供" in problem.message_zh


def test_header_and_footer_are_checked_too(tmp_path):
    path, doc = _company_copy(tmp_path)
    doc.sections[0].header.paragraphs[0].add_run(" {{ contract.internal_ref }}")
    doc.save(str(path))
    (problem,) = [p for p in check_template(path, known=KNOWN) if p.kind == "missing"]
    assert problem.part.startswith("word/header") and "contract.internal_ref" in problem.message_en


def test_not_a_docx_is_a_clear_message(tmp_path):
    doc = tmp_path / "contract_service.docx"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)  # an old binary .doc renamed
    (problem,) = check_template(doc, known=KNOWN)
    assert problem.kind == "unreadable" and ".doc" in problem.message_en and "另存为" in problem.message_zh


@pytest.mark.skipif(
    not shutil.which("soffice") and os.environ.get("VENDORFLOW_REQUIRE_PDF") != "1",
    reason="LibreOffice is not installed",
)
@pytest.mark.parametrize("name", ["contract_service.docx", "contract_labor_dispatch.docx"])
def test_a_template_saved_by_libreoffice_still_checks_and_renders(tmp_path, name):
    """A business user opens the template in LibreOffice Writer and saves it as .docx."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(TEMPLATES / name, src / name)
    saved = tmp_path / "saved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(saved),
            str(src / name),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert [str(p) for p in check_template(saved / name, known=KNOWN)] == []
    context = json.loads((FIXTURES / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
    out = tmp_path / "rendered.docx"
    out.write_bytes(render_docx(str(saved / name), context))
    text = docx_text(out)
    assert context["party_b"]["name_zh"] in text and context["contract"]["no"] in text
    assert "{{" not in text and "{%" not in text


def test_cli_templates_check_exit_codes(tmp_path, capsys):
    assert main(["templates", "check", str(TEMPLATES)]) == 0
    assert "问题 Problems: 0" in capsys.readouterr().out
    path, doc = _company_copy(tmp_path)
    doc.add_paragraph("｛｛ contract.no ｝｝ {{ party_b.vat_registration_no }}")
    doc.save(str(path))
    assert main(["templates", "check", str(path.parent)]) == 1
    out = capsys.readouterr().out
    assert "contract_service.docx" in out and "｛｛" in out
    assert main(["templates", "check", str(tmp_path / "nowhere")]) == 2


def test_cli_templates_check_reports_fields_the_program_does_not_provide(tmp_path, capsys):
    path, doc = _company_copy(tmp_path)
    doc.add_paragraph("{{ party_b.vat_registration_no }}")
    doc.save(str(path))
    assert main(["templates", "check", str(path.parent)]) == 1
    assert "party_b.vat_registration_no" in capsys.readouterr().out


def test_fields_are_checked_only_against_an_injected_context(tmp_path, monkeypatch):
    """No fixtures folder and no environment variable: without a context or `known`,
    only tags and braces are checked; a template the program does not use is a note."""
    path, doc = _company_copy(tmp_path)
    doc.add_paragraph("{{ party_b.vat_registration_no }}")
    doc.save(str(path))
    monkeypatch.setenv("VENDORFLOW_CONTEXTS", str(tmp_path / "nowhere"))
    assert check_template(path) == []
    assert [p.kind for p in check_template(path, known=KNOWN)] == ["missing"]
    given = {**KNOWN("contract_service.docx")}
    given["party_b"] = {**given["party_b"], "vat_registration_no": "x"}
    assert check_template(path, given) == []  # a given context wins over `known`
    assert check_template(path, given, known=KNOWN) == []
    other = tmp_path / "company" / "our_own_letter.docx"
    shutil.copy(path, other)
    (note,) = check_template(other, known=KNOWN)
    assert note.kind == "no_context" and note.severity == "warning" and "tests/fixtures" not in str(note)
    assert check_template(other) == []
    with pytest.warns(DeprecationWarning):
        assert check_template(path, use_known=True) == []


def test_check_dir_passes_known_to_every_template(tmp_path):
    path, doc = _company_copy(tmp_path)
    doc.add_paragraph("{{ party_b.vat_registration_no }}")
    doc.save(str(path))
    assert check_dir(path.parent) == []
    (problem,) = check_dir(path.parent, known=KNOWN)
    assert problem.kind == "missing" and "party_b.vat_registration_no" in problem.message_en
    asked = []
    check_dir(TEMPLATES, known=lambda name: asked.append(name))
    assert sorted(asked) == sorted(p.name for p in TEMPLATES.glob("*.docx"))


def test_the_checker_does_not_read_the_environment_or_the_tests_folder():
    source = (ROOT / "pipeline" / "render" / "checks.py").read_text(encoding="utf-8")
    for reading in ("import os", "os.environ", "getenv", "VENDORFLOW_CONTEXTS", "fixtures", "PROJECT_ROOT"):
        assert reading not in source, reading
    assert "pipeline.documents" not in source  # render/ does not import documents/
