"""Hostile and broken files: each is refused with a clear bilingual reason, nothing crashes,
and nothing is parsed that should not be (limits: README, "Hostile input")."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest
from builders import supplier, write_rows
from craft_xlsx import write_xlsx

from pipeline.config.aliases import load_aliases
from pipeline.intake.folder import InputFile, kind_of, sha256_of
from pipeline.load.reader import read_input
from pipeline.settings import ENV_MAX_FILE_MB, ENV_MAX_ROWS, ENV_MAX_UNCOMPRESSED_MB, ENV_MAX_ZIP_RATIO, Settings


def refusal(path: Path):
    """The single file-level issue reading `path` gives (and no rows), with the limits the
    environment sets (read at the edge, as the command line does)."""
    file = InputFile(path, kind_of(path.name), sha256_of(path), path.stat().st_size)
    tables = read_input(file, load_aliases(None), Settings.from_env().limits)
    assert all(not t.rows for t in tables)
    (issue,) = [i for t in tables for i in t.issues]
    assert issue.row is None and issue.message_zh and issue.message_en and issue.file == path.name
    return issue


@pytest.fixture
def calamine_must_not_run(monkeypatch):
    """A refusal decided before parsing: opening the workbook would fail the test."""
    import python_calamine

    def forbidden(*a, **k):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", forbidden)


def test_a_sheet_of_a_million_rows_is_refused_from_the_compressed_stream(tmp_path, calamine_must_not_run):
    rows = (["S1", "2026-10", 90] if n else ["供应商编号", "考核期间", "服务质量得分"] for n in range(1_000_000))
    path = write_xlsx(tmp_path / "evaluations_2026-10.xlsx", {"绩效评估": rows}, compresslevel=1)  # no <dimension>
    start = time.monotonic()
    issue = refusal(path)
    assert time.monotonic() - start < 20
    assert (issue.code, issue.rule) == ("refused", "max_rows")
    assert "绩效评估" in issue.message_zh and "200,000" in issue.message_zh and ENV_MAX_ROWS in issue.message_en


def test_a_declared_dimension_over_the_limit_is_refused_at_once(tmp_path, calamine_must_not_run, monkeypatch):
    monkeypatch.setenv(ENV_MAX_ROWS, "1000")
    path = write_xlsx(
        tmp_path / "suppliers.xlsx", {"S": [["供应商编号", "供应商名称"], ["S1", "甲"]]}, dimension={"S": "A1:B5000"}
    )
    assert refusal(path).rule == "max_rows"


def test_an_understated_dimension_does_not_hide_rows(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_MAX_ROWS, "1000")
    rows = [["供应商编号", "供应商名称"]] + [[f"S{n}", "甲"] for n in range(3000)]
    path = write_xlsx(tmp_path / "suppliers.xlsx", {"S": rows}, dimension={"S": "A1:B2"})
    assert refusal(path).rule == "max_rows"


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path, calamine_must_not_run):
    path = write_rows(tmp_path / "suppliers.xlsx", [supplier("S1")])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/image1.png", b"\0" * (40 * 1024 * 1024))  # 40 MB of zeros in ~40 KB
    issue = refusal(path)
    assert (issue.code, issue.rule) == ("refused", "zip_bomb") and "压缩炸弹" in issue.message_zh
    assert "zip bomb" in issue.message_en


def test_total_uncompressed_size_is_limited(tmp_path, calamine_must_not_run, monkeypatch):
    monkeypatch.setenv(ENV_MAX_UNCOMPRESSED_MB, "0.01")
    path = write_rows(tmp_path / "suppliers.xlsx", [supplier(f"S{n}") for n in range(100)])
    assert refusal(path).rule == "zip_bomb"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, calamine_must_not_run, monkeypatch):
    monkeypatch.setenv(ENV_MAX_FILE_MB, "0.005")  # 5 KB
    path = write_rows(tmp_path / "suppliers.xlsx", [supplier(f"S{n}") for n in range(50)])
    issue = refusal(path)
    assert (issue.code, issue.rule) == ("refused", "file_size") and ENV_MAX_FILE_MB in issue.message_zh


def test_macro_workbooks_are_refused_however_they_are_named(tmp_path, calamine_must_not_run):
    plain = write_rows(tmp_path / "suppliers.xlsx", [supplier("S1")])
    xlsm = tmp_path / "suppliers.xlsm"
    xlsm.write_bytes(plain.read_bytes())
    assert (refusal(xlsm).code, refusal(xlsm).rule) == ("refused", "macros")
    with zipfile.ZipFile(plain, "a") as z:  # an .xlsm renamed to .xlsx
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA")
    issue = refusal(plain)
    assert issue.rule == "macros" and "VBA" in issue.message_zh


@pytest.mark.parametrize(
    "name,data,rule",
    [
        ("suppliers.xlsx", b"", "empty_file"),
        ("suppliers.xlsx", b"this is not a workbook", "corrupt_file"),
        ("suppliers.xlsx", None, "corrupt_file"),  # truncated copy
        ("suppliers.xls", b"\xd0\xcf\x11\xe0 old excel", "file_format"),
        ("suppliers.csv", b"", "empty_file"),
        ("suppliers.json", b'[{"supplier_id": "S1",', "json_syntax"),
    ],
)
def test_broken_files_get_a_clear_reason_and_no_crash(tmp_path, name, data, rule):
    path = tmp_path / name
    if data is None:
        whole = write_rows(tmp_path / "whole.xlsx", [supplier(f"S{n}") for n in range(30)]).read_bytes()
        data = whole[: len(whole) // 2]
    path.write_bytes(data)
    issue = refusal(path)
    assert issue.rule == rule


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "suppliers.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")  # a .docx renamed
    assert refusal(path).rule == "corrupt_file"


def test_csv_and_json_have_the_same_row_limit(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_MAX_ROWS, "100")
    csv_path = tmp_path / "suppliers.csv"
    csv_path.write_text("supplier_id,name_zh\n" + "".join(f"S{n},甲\n" for n in range(500)), encoding="utf-8")
    assert refusal(csv_path).rule == "max_rows"
    json_path = tmp_path / "suppliers.json"
    json_path.write_text(json.dumps([{"supplier_id": f"S{n}"} for n in range(500)]), encoding="utf-8")
    assert refusal(json_path).rule == "max_rows"


def test_limits_come_from_the_environment_and_a_bad_value_is_a_configuration_error(monkeypatch):
    from pipeline.errors import ConfigError

    def limits():
        return Settings.from_env().limits

    assert limits().max_file_bytes == 50 * 1024 * 1024 and limits().max_rows == 200_000
    monkeypatch.setenv(ENV_MAX_ZIP_RATIO, "250")
    assert limits().max_zip_ratio == 250
    monkeypatch.setenv(ENV_MAX_ROWS, "lots")
    with pytest.raises(ConfigError, match=ENV_MAX_ROWS):
        limits()


def _far_cell_workbook(path: Path, ref: str) -> Path:
    """2 KB: a header and one inline cell at `ref`, no <dimension> (so no row count betrays it)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>供应商编号</t></is></c></row>'
        f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        "</Types>"
    )
    root = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", root)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


@pytest.mark.parametrize(
    ("ref", "rule"),
    [("XFD20000", "max_columns"), ("XFD2", "max_columns"), ("IV30000", "max_cells"), ("B900000", "max_rows")],
)
def test_a_tiny_workbook_with_one_far_cell_is_refused_before_any_grid_is_built(
    tmp_path, calamine_must_not_run, ref, rule
):
    """One cell at XFD20000 made a 2 KB file take 1.4 GB (and abort the process at 20,000 rows):
    the used range is measured from the cells, in a millisecond, before calamine is called."""
    path = _far_cell_workbook(tmp_path / "suppliers.xlsx", ref)
    assert path.stat().st_size < 3000
    started = time.monotonic()
    issue = refusal(path)
    assert time.monotonic() - started < 1
    assert (issue.code, issue.rule) == ("refused", rule)
    assert "'S'" in issue.message_en and "“S”" in issue.message_zh


def test_the_far_cell_workbook_is_quarantined_and_the_next_run_is_clean(sample_inputs, tmp_path):
    """In the drop folder the hostile file is moved aside with its reason; the month goes on."""
    from pipeline.runs.monthly import run_month

    _far_cell_workbook(sample_inputs / "suppliers_extra.xlsx", "XFD20000")
    first = run_month(sample_inputs, tmp_path / "out", period="2026-10")
    assert any(i.rule == "max_columns" and i.file == "suppliers_extra.xlsx" for i in first.issues)
    assert not (sample_inputs / "suppliers_extra.xlsx").exists()
    assert (sample_inputs / "rejected").is_dir() and any((sample_inputs / "rejected").rglob("suppliers_extra.xlsx"))
    second = run_month(sample_inputs, tmp_path / "out", period="2026-10")
    assert not any(i.file == "suppliers_extra.xlsx" for i in second.issues)


def test_column_and_cell_limits_come_from_the_environment(monkeypatch):
    from pipeline.settings import ENV_MAX_CELLS, ENV_MAX_COLUMNS

    monkeypatch.setenv(ENV_MAX_COLUMNS, "64")
    monkeypatch.setenv(ENV_MAX_CELLS, "1000000")
    limits = Settings.from_env().limits
    assert (limits.max_columns, limits.max_cells) == (64, 1_000_000)


def test_links_pipes_and_folders_in_the_drop_folder_are_never_followed(sample_inputs, tmp_path):
    """`suppliers_x.csv -> /etc/passwd` copied the target into the archive (and /proc/self/environ
    the run's SMTP password): now each is refused with its reason and moved aside as it is."""
    import os

    from pipeline.runs.monthly import run_month

    secret = tmp_path / "secret.txt"
    secret.write_text("supplier_id,name_zh\nS999,VENDORFLOW_SMTP_PASSWORD=hunter2\n", encoding="utf-8")
    (sample_inputs / "suppliers_x.csv").symlink_to(secret)
    (sample_inputs / "contracts_y.csv").symlink_to("/proc/self/environ")
    os.mkfifo(sample_inputs / "incidents_pipe.csv")  # a read would block forever
    (sample_inputs / "workers_folder.csv").mkdir()
    summary = run_month(sample_inputs, tmp_path / "out", period="2026-10")
    refused = {i.file: i for i in summary.issues if i.rule == "not_a_regular_file"}
    assert set(refused) == {"suppliers_x.csv", "contracts_y.csv", "incidents_pipe.csv", "workers_folder.csv"}
    assert (
        "symbolic link" in refused["suppliers_x.csv"].message_en and "符号链接" in refused["suppliers_x.csv"].message_zh
    )
    assert "named pipe" in refused["incidents_pipe.csv"].message_en
    assert "a folder" in refused["workers_folder.csv"].message_en
    for path in (sample_inputs / "archive").rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert b"hunter2" not in path.read_bytes() and b"PATH=/" not in path.read_bytes(), path
    moved = sample_inputs / "rejected" / "suppliers_x.csv"
    assert moved.is_symlink() and os.readlink(moved) == str(secret)  # moved as it is, never read
    assert secret.read_text(encoding="utf-8").startswith("supplier_id")  # the target is untouched
    assert not list((tmp_path / "out" / "2026-10").rglob("S999*"))  # and nothing of it was used
    text = (sample_inputs / "rejected" / "suppliers_x.csv.errors.txt").read_text(encoding="utf-8")
    assert "not a regular file" in text and "hunter2" not in text


def test_a_policy_that_is_a_link_is_refused_not_followed(sample_inputs, tmp_path):
    import pytest

    from pipeline.errors import ConfigError
    from pipeline.runs.monthly import run_month

    real = tmp_path / "real-policy.yaml"
    (sample_inputs / "policy.yaml").rename(real)
    (sample_inputs / "policy.yaml").symlink_to(real)
    with pytest.raises(ConfigError, match="symbolic link"):
        run_month(sample_inputs, tmp_path / "out", period="2026-10")
    assert not (tmp_path / "out" / "2026-10").exists()
    # the operator may still name the real file
    assert run_month(sample_inputs, tmp_path / "out", period="2026-10", policy_path=real).documents > 0


def test_a_file_swapped_for_a_link_after_it_was_listed_is_not_read_through_it(tmp_path):
    from pipeline.safefiles import open_regular

    target = tmp_path / "target"
    target.write_text("secret")
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(OSError):
        open_regular(tmp_path / "link")


def test_control_characters_in_names_and_headers_are_shown_escaped_and_break_nothing(sample_inputs, tmp_path):
    """`suppliers_\\x01x.csv` or a header `name_zh（\\x01）` made the portfolio fail to render
    (PCDATA invalid Char value 1) and no manifest was written; escape sequences in a name reached
    the terminal raw. Now each is shown escaped, in the report, the documents and the terminal."""
    import os
    import subprocess
    import sys

    from conftest import ROOT
    from docx_reading import docx_text
    from openpyxl import load_workbook

    (sample_inputs / "suppliers_\x01x.csv").write_text("supplier_id,name_zh\nS901,甲\n", encoding="utf-8")
    (sample_inputs / "suppliers_hdr.csv").write_text("supplier_id,name_zh（\x01）\nS902,乙\n", encoding="utf-8")
    (sample_inputs / "suppliers_\x1b[2J\u202eesc.csv").write_text("supplier_id,name_zh\nS903,丙\n", encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--period", "2026-10", "--inputs", str(sample_inputs)]
        + ["--outputs", str(out)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        capture_output=True,
        timeout=300,
    )
    terminal = done.stdout + done.stderr
    assert done.returncode == 1, terminal.decode("utf-8", "replace")
    assert b"\x1b[2J" not in terminal and b"\x01" not in terminal and "\u202e".encode() not in terminal
    assert b"suppliers_\\x01x.csv" in terminal and b"suppliers_\\x1b[2J\\u202eesc.csv" in terminal
    root = out / "2026-10"
    assert (root / "manifest.json").exists()
    portfolio = docx_text(root / "summary" / "portfolio_2026-10.docx")
    assert "suppliers_\\x01x.csv" in portfolio and "\x01" not in portfolio
    report = load_workbook(root / "errors" / "validation_report.xlsx").active
    files = {row[0] for row in report.iter_rows(min_row=2, values_only=True)}
    assert {"suppliers_\\x01x.csv", "suppliers_\\x1b[2J\\u202eesc.csv", "suppliers_hdr.csv"} <= files


def test_a_value_xml_cannot_hold_is_shown_escaped_in_a_document():
    from docx_reading import docx_text

    from pipeline.render import render_docx
    from pipeline.render.environment import xml_safe

    assert xml_safe("A\x01B\ufffe") == "A\\x01B\\ufffe" and xml_safe("甲 & <乙>") == "甲 & <乙>"
    assert xml_safe(5) == 5
    import tempfile
    from pathlib import Path

    from docx import Document

    template = Document()
    template.add_paragraph("{{ name }}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.docx"
        template.save(str(path))
        data = render_docx(str(path), {"name": "供应商\x0b名\x1f"})
        (Path(folder) / "out.docx").write_bytes(data)
        assert "供应商\\x0b名\\x1f" in docx_text(Path(folder) / "out.docx")


def test_a_255_byte_input_name_is_quarantined_under_a_name_that_fits(sample_inputs, tmp_path):
    """A 255-byte name made every run exit 2 with an empty reason (its .errors.json name was too
    long) until someone removed the file by hand."""
    import json as _json

    from pipeline.runs.monthly import run_month

    name = "suppliers_" + "x" * 241 + ".csv"
    assert len(name.encode()) == 255
    (sample_inputs / name).write_text("foo,bar\n1,2\n", encoding="utf-8")
    summary = run_month(sample_inputs, tmp_path / "out", period="2026-10")
    assert summary.exit_code == 1 and any(i.file == name and i.row is None for i in summary.issues)
    assert not (sample_inputs / name).exists()
    (report,) = (sample_inputs / "rejected").glob("*.errors.json")
    body = _json.loads(report.read_text(encoding="utf-8"))
    assert body["file"] == name and (sample_inputs / body["moved_to"]).read_text() == "foo,bar\n1,2\n"
    assert all(len(p.name.encode()) <= 255 for p in (sample_inputs / "rejected").iterdir())
    assert run_month(sample_inputs, tmp_path / "out", period="2026-10").exit_code == 0  # the next run is clean


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ('[{"supplier_id": "S1", "quality_score": NaN}]', "NaN", "holds NaN"),
        ('[{"supplier_id": "S1", "quality_score": -Infinity}]', "-Infinity", "holds -Infinity"),
        ('[{"supplier_id": "S1", "quality_score": 1e999}]', "超出范围", "out of range"),
        ('[{"supplier_id": "S1", "complaints": ' + "9" * 5000 + "}]", "整数过长", "too long (5,000 digits)"),
        ('[{"supplier_id": "S1", "supplier_id": "S2"}]', "“supplier_id”出现两次", "'supplier_id' appears twice"),
    ],
)
def test_json_that_python_accepts_but_a_record_must_not_hold_is_refused(tmp_path, text, zh, en):
    """NaN passed validation (every comparison with it is false) and crashed settlement; a
    5,000-digit integer raised an uncaught ValueError; a duplicate key silently won."""
    path = tmp_path / "evaluations_2026-10.json"
    path.write_text(text, encoding="utf-8")
    issue = refusal(path)
    assert issue.code == "refused" and issue.rule.startswith("json_")
    assert zh in issue.message_zh and en in issue.message_en, (issue.message_zh, issue.message_en)


def _docx_template(folder: Path, *paragraphs: str) -> Path:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = folder / "company.docx"
    document.save(str(path))
    return path


def test_a_template_that_never_ends_is_stopped_at_the_time_limit(tmp_path):
    """A company template with a nested range(100000) loop ran forever."""
    from pipeline.errors import RenderError
    from pipeline.render import render_docx
    from pipeline.render.environment import set_time_limit, time_limit

    path = _docx_template(
        tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}done"
    )
    before = time_limit()
    set_time_limit(1)
    try:
        started = time.monotonic()
        with pytest.raises(RenderError) as exc:
            render_docx(str(path), {})
        assert time.monotonic() - started < 10
        assert "longer than 1 s" in str(exc.value) and "VENDORFLOW_RENDER_SECONDS" in str(exc.value)
        assert render_docx(str(_docx_template(tmp_path, "{{ x }}")), {"x": "fine"})  # the next one renders
    finally:
        set_time_limit(before)


def test_a_template_cannot_change_its_context(tmp_path):
    from pipeline.errors import RenderError
    from pipeline.render import render_docx

    contract = {"no": "HT-1", "items": [1, 2]}
    for tag in ("{{ contract.clear() }}", "{{ contract['items'].append(3) }}", "{{ contract.update(no='X') }}"):
        with pytest.raises(RenderError):
            render_docx(str(_docx_template(tmp_path, tag)), {"contract": contract})
    assert contract == {"no": "HT-1", "items": [1, 2]}


@pytest.mark.parametrize("renderer", ["compiled", "docxtpl"])
def test_data_that_looks_like_docxtpls_escaped_tags_is_written_as_it_is(tmp_path, renderer):
    """`{_{ 7*7 }_}` in a supplier's name came out as `{{ 7*7 }}`: docxtpl's post-processing
    rewrote data, not only the template's own literals."""
    from docx_reading import docx_text

    from pipeline.render import render_docx
    from pipeline.render.facade import render_docx_docxtpl

    render = render_docx if renderer == "compiled" else render_docx_docxtpl
    name = "{_{ 7*7 }_} & {_% if %_} <甲>"
    path = _docx_template(tmp_path, "{{ name }}", "literal: {_{ kept }_}")
    out = tmp_path / "out.docx"
    out.write_bytes(render(str(path), {"name": name}))
    text = docx_text(out)
    assert name in text
    assert "literal: {{ kept }}" in text  # a template's own escaped tag still prints as a tag
