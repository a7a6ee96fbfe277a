"""Faults and hostile input: each test here fails without the protection it names.

The README's reliability section lists them with what each proves.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from builders import contract, evaluation, make_inputs, supplier
from conftest import ROOT
from docx import Document
from docx_reading import docx_text
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.runs.monthly import run_month


def _all_docx_open(root: Path) -> None:
    for path in root.rglob("*.docx"):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None, path
        Document(str(path))


def test_template_code_markup_rtl_zero_width_and_emoji_appear_literally(tmp_path):
    hostile_zh = "{{ 7*7 }}{% for i in range(3) %}X{% endfor %}公司"
    hostile_en = "A & B <Ltd> \u202eevil\u202c zero\u200bwidth 🚚"
    inputs = make_inputs(
        tmp_path / "in",
        [supplier("S1", name_zh=hostile_zh, name_en=hostile_en)],
        [contract("S1")],
        [evaluation("S1", comment="</w:t><w:t>{{ ''.__class__ }} & <b>")],
    )
    summary = run_month(inputs, tmp_path / "out")
    assert summary.exit_code == 0
    _all_docx_open(summary.outputs)
    for path in summary.outputs.rglob("*.docx"):
        text = docx_text(path)
        assert hostile_zh in text and hostile_en in text, path.name
        assert "XXX" not in text
    report = docx_text(summary.outputs / "reports" / "S1_review_2026-10.docx")
    assert "</w:t><w:t>{{ ''.__class__ }} & <b>" in report


def test_control_characters_and_nul_are_rejected_naming_the_cell(tmp_path):
    inputs = make_inputs(
        tmp_path / "in",
        [supplier("S1"), supplier("S2")],
        [contract("S1"), contract("S2")],
        [evaluation("S1"), evaluation("S2")],
    )
    (inputs / "suppliers.xlsx").unlink()  # Excel cannot even hold a NUL; CSV and JSON can
    rows = [supplier("S1"), supplier("S2", name_en="Bad\x00Name\x07")]
    with open(inputs / "suppliers.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = run_month(inputs, tmp_path / "out")
    assert summary.exit_code == 1
    issue = next(i for i in summary.issues if i.code == "control_character")
    assert (issue.file, issue.row, issue.column) == ("suppliers.csv", 3, "name_en")
    assert issue.value == "Bad\\x00Name\\x07"
    assert "U+0000" in issue.message_zh and "control character" in issue.message_en
    assert (summary.outputs / "reports" / "S1_review_2026-10.docx").exists()
    assert not (summary.outputs / "reports" / "S2_review_2026-10.docx").exists()
    _all_docx_open(summary.outputs)


def test_ten_thousand_character_name_is_rejected_not_rendered(tmp_path):
    inputs = make_inputs(tmp_path / "in", [supplier("S1", name_zh="长" * 10_000)], [contract("S1")], [evaluation("S1")])
    summary = run_month(inputs, tmp_path / "out")
    issue = next(i for i in summary.issues if i.field == "name_zh")
    assert issue.row == 2 and "200" in issue.message_zh and len(issue.value) <= 80


def test_ids_that_look_like_paths_or_devices_stay_inside_the_outputs_folder(tmp_path):
    ids = ["A/../../../etc/passwd", "CON", "nul.txt"]
    inputs = make_inputs(
        tmp_path / "in",
        [supplier(i) for i in ids],
        [contract(i, f"HT-{n}") for n, i in enumerate(ids)],
        [evaluation(i) for i in ids],
    )
    out = tmp_path / "out"
    summary = run_month(inputs, out)
    assert summary.exit_code == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not str(p).startswith(str(inputs))]
    assert all(out.resolve() in p.resolve().parents for p in written)
    manifest = json.loads(summary.manifest.read_text(encoding="utf-8"))
    by_supplier = {f["supplier_id"]: f["path"] for f in manifest["files"] if f["doc_type"] == "review_report"}
    assert set(by_supplier) == set(ids)  # the manifest maps names back to ids
    for _sid, rel in by_supplier.items():
        name = Path(rel).name
        assert "/" not in name and ".." not in name.split("_review")[0].split("_")
        assert not name.upper().startswith(("CON_", "CON.", "NUL.", "NUL_"))
    assert "../" not in "".join(by_supplier.values())


def test_an_id_that_had_to_change_never_takes_another_ids_file_name(tmp_path):
    """`A/B` became `A_B-998d3ed8`, itself a valid id: both suppliers' documents went to one
    path, the manifest listed it twice and one supplier got nothing. Changed names now carry a
    `~`, which no id that stays as it is can contain."""
    import hashlib

    ids = ["A/B", "A_B-" + hashlib.sha256(b"A/B").hexdigest()[:8], "A_B"]  # the name A/B used to get
    inputs = make_inputs(
        tmp_path / "in",
        [supplier(i) for i in ids],
        [contract(i, f"HT-{n}") for n, i in enumerate(ids)],
        [evaluation(i) for i in ids],
    )
    summary = run_month(inputs, tmp_path / "out")
    assert summary.exit_code == 0
    manifest = json.loads(summary.manifest.read_text(encoding="utf-8"))
    paths = [f["path"] for f in manifest["files"]]
    assert len(paths) == len(set(paths))  # every path once
    reports = {f["supplier_id"]: f["path"] for f in manifest["files"] if f["doc_type"] == "review_report"}
    assert set(reports) == set(ids) and len(set(reports.values())) == 3
    for sid, rel in reports.items():  # each supplier's own report is at its path
        assert sid in docx_text(summary.outputs / rel)


def test_ids_that_differ_only_in_case_stop_the_run_naming_both(tmp_path):
    """On Windows and macOS `ab1` and `AB1` are one file: refused before anything is written."""
    import pytest

    from pipeline.errors import ConfigError

    ids = ["ab1", "AB1"]
    inputs = make_inputs(
        tmp_path / "in",
        [supplier(i) for i in ids],
        [contract(i, f"HT-{n}") for n, i in enumerate(ids)],
        [evaluation(i) for i in ids],
    )
    with pytest.raises(ConfigError) as exc:
        run_month(inputs, tmp_path / "out", period="2026-10")
    assert "'AB1'" in exc.value.message_en and "'ab1'" in exc.value.message_en and "“AB1”" in exc.value.message_zh
    assert not (tmp_path / "out" / "2026-10" / "manifest.json").exists()


def test_dot_leading_traversal_id_is_rejected(tmp_path):
    inputs = make_inputs(tmp_path / "in", [supplier("../../etc/passwd")], [], [])
    summary_issues = run_month(inputs, tmp_path / "out", period="2026-10").issues
    assert any(i.field == "supplier_id" and i.value == "../../etc/passwd" for i in summary_issues)


def test_formula_like_text_is_written_to_xlsx_as_text(tmp_path):
    inputs = make_inputs(
        tmp_path / "in",
        [supplier("S1", name_zh='=HYPERLINK("http://x","点我")', name_en="+cmd|' /C calc'!A0")],
        [contract("S1")],
        [evaluation("S1", evaluator="@SUM(1+1)")],
    )
    summary = run_month(inputs, tmp_path / "out")
    wb = load_workbook(summary.outputs / "summary" / "scoreboard_2026-10.xlsx")
    ws = wb.worksheets[0]
    cells = [
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and ("HYPERLINK" in c.value or "cmd" in c.value)
    ]
    assert len(cells) == 2
    assert all(c.data_type == "s" and c.value.startswith("'") for c in cells)


def test_deeply_nested_and_oversized_json_give_a_clear_error(tmp_path, monkeypatch):
    inputs = make_inputs(tmp_path / "in", [supplier("S1")], [contract("S1")], [evaluation("S1")])
    (inputs / "incidents.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    summary = run_month(inputs, tmp_path / "out")
    issue = next(i for i in summary.issues if i.file == "incidents.json")
    assert "JSON" in issue.message_zh and issue.row is None
    assert (summary.outputs / "reports" / "S1_review_2026-10.docx").exists()


def test_personal_data_is_masked_on_the_terminal(sample_inputs, capsys):
    path = sample_inputs / "suppliers.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 5) if any(c.value == "银行账号" for c in ws[r]))
    col = next(c.column for c in ws[header_row] if c.value == "银行账号")
    ws.cell(header_row + 1, col, "6225-8812-3456-7890X")
    wb.save(path)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "6225-8812-3456-7890X" not in err and "6225" in err and "***" in err
    assert main(["validate", "--json", str(path)]) == 1
    assert "6225-8812-3456-7890X" not in capsys.readouterr().out


def test_a_second_run_of_the_same_period_is_refused_while_the_first_holds_it(sample_inputs, tmp_path, capsys):
    from pipeline.errors import PeriodBusy
    from pipeline.publish.locking import period_lock

    out = tmp_path / "out"
    with period_lock(out, "2026-10"):
        with pytest.raises(PeriodBusy):
            run_month(sample_inputs, out)
        code = main(["run", "--inputs", str(sample_inputs), "--outputs", str(out), "--period", "2026-10"])
        assert code == 2 and "2026-10" in capsys.readouterr().err
        other = run_month(sample_inputs, out, period="2026-09")  # another period is not blocked
        assert other.exit_code == 0
    assert not (out / "2026-10" / "manifest.json").exists()


def test_rerun_renders_only_what_changed(sample_inputs, tmp_path):
    out = tmp_path / "out"
    first = run_month(sample_inputs, out)
    assert first.rendered == first.documents == 37
    second = run_month(sample_inputs, out)
    assert second.rendered == 0 and second.documents == 37
    path = sample_inputs / "evaluations_2026-10.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("供应商编号") + 1).value == "S009")
    ws.cell(row, header.index("备注") + 1, "10月食堂投诉已整改完毕。")
    wb.save(path)
    third = run_month(sample_inputs, out)
    assert third.rendered == 1  # only S009's review report has a different context
    # a document edited or damaged on disk is rendered again
    target = out / "2026-10" / "reports" / "S001_review_2026-10.docx"
    target.write_bytes(b"damaged")
    assert run_month(sample_inputs, out).rendered == 1
    Document(str(target))


SLOW_RUN = """
import sys, time
import pipeline.publish.jobs as jobs
from pipeline.runs import monthly
real = jobs.render_docx
def slow(*a, **k):
    time.sleep(0.15)
    return real(*a, **k)
jobs.render_docx = slow
from pathlib import Path
monthly.run_month(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_killed_mid_render_leaves_no_half_document_and_a_rerun_completes(tmp_path, sample_inputs):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(sample_inputs), str(out)], cwd=ROOT)
    reports = out / "2026-10" / "reports"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(reports.glob("*.docx"))) < 4:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    root = out / "2026-10"
    assert 4 <= len(list(root.rglob("*.docx"))) < 37
    assert not (root / "manifest.json").exists()  # no manifest describes an incomplete set
    _all_docx_open(root)  # every visible document is whole
    summary = run_month(sample_inputs, out)
    assert summary.documents == 37
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert len([f for f in manifest["files"] if f["path"].endswith(".docx")]) == 37
    _all_docx_open(root)


def test_full_disk_is_reported_clearly_and_nothing_half_written_stays(sample_inputs, tmp_path, monkeypatch, capsys):
    from pipeline.publish import outputs as publish

    real_fdopen = os.fdopen
    calls = {"n": 0}

    class FullDisk:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

    def fdopen(fd, *a, **k):
        calls["n"] += 1
        f = real_fdopen(fd, *a, **k)
        return FullDisk(f) if calls["n"] > 5 else f

    monkeypatch.setattr(publish.os, "fdopen", fdopen)
    out = tmp_path / "out"
    with pytest.raises(publish.OutputError) as exc:
        run_month(sample_inputs, out)
    assert "磁盘已满" in str(exc.value) and "disk full" in str(exc.value)
    root = out / "2026-10"
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert len(list(root.rglob("*.docx"))) == 5 and not (root / "manifest.json").exists()
    _all_docx_open(root)
    monkeypatch.setattr(publish.os, "fdopen", real_fdopen)
    assert run_month(sample_inputs, out).documents == 37


def test_published_files_are_readable_as_the_umask_allows(sample_inputs, tmp_path):
    import stat

    old = os.umask(0o022)
    try:
        summary = run_month(sample_inputs, tmp_path / "out", period="2026-10")
    finally:
        os.umask(old)
    files = [p for p in summary.outputs.rglob("*") if p.is_file()]
    assert files and {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}
    old = os.umask(0o077)  # a private umask keeps them private
    try:
        again = run_month(sample_inputs, tmp_path / "private", period="2026-10")
    finally:
        os.umask(old)
    assert {stat.S_IMODE(p.stat().st_mode) for p in again.outputs.rglob("*") if p.is_file()} == {0o600}
