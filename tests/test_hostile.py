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
