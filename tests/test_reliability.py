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
    assert first.rendered == first.documents == 40
    second = run_month(sample_inputs, out)
    assert second.rendered == 0 and second.documents == 40
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
    assert 4 <= len(list(root.rglob("*.docx"))) < 40
    assert not (root / "manifest.json").exists()  # no manifest describes an incomplete set
    _all_docx_open(root)  # every visible document is whole
    summary = run_month(sample_inputs, out)
    assert summary.documents == 40
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert len([f for f in manifest["files"] if f["path"].endswith(".docx")]) == 40
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
    assert run_month(sample_inputs, out).documents == 40


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


class Killed(BaseException):
    """What a kill looks like from inside: nothing after this point runs."""


def _entries(manifest: Path) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in json.loads(manifest.read_text(encoding="utf-8"))["files"]}


def _manifest_is_true(root: Path) -> None:
    """At every instant at which manifest.json exists, each entry matches its file on disk."""
    import hashlib

    manifest = root / "manifest.json"
    if manifest.exists():
        for path, digest in _entries(manifest).items():
            assert hashlib.sha256((root / path).read_bytes()).hexdigest() == digest, path


def _current_documents(out: Path, period: str) -> dict[str, str]:
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{out / 'history.sqlite'}")
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.path, d.sha256 FROM documents d JOIN runs r ON r.run_id = d.run_id "
            "WHERE r.period = ? AND r.flow = 'monthly' AND r.status = 'completed' AND r.superseded_by IS NULL",
            (period,),
        ).fetchall()
    engine.dispose()
    return dict(rows)


@pytest.mark.parametrize("where", ["document:1", "document:15", "scoreboard", "stale-removed", "history-recorded"])
def test_a_rerun_killed_at_any_step_of_publishing_never_leaves_an_untrue_manifest(
    sample_inputs, tmp_path, monkeypatch, where
):
    """Killed during a rerun, the old manifest stayed while 13 of its 38 entries no longer matched
    their files; killed after stale files were removed, it listed deleted files; killed between the
    manifest and the history commit, history named the old run. Now the manifest is moved aside
    before the first file is replaced and written only after history has the run; a rerun after
    the kill gives a clean run's bytes, and history agrees with it."""
    from pipeline.publish import jobs as jobs_module
    from pipeline.runs import monthly
    from pipeline.settings import Settings

    settings = Settings.from_env({"VENDORFLOW_RENDER_WORKERS": "1"})  # documents written in this process
    out, reference = tmp_path / "out", tmp_path / "reference"
    run_month(sample_inputs, out, period="2026-10", settings=settings)
    # the office corrects a score: the rerun changes documents
    path = sample_inputs / "evaluations_2026-10.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("供应商编号") + 1).value == "S001")
    ws.cell(row=row, column=header.index("服务质量得分") + 1, value=71)
    wb.save(path)
    policy = sample_inputs / "policy.yaml"  # and the department's new name: every document changes
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("供应商管理部", "采购与供应商管理部"), encoding="utf-8"
    )
    clean = run_month(sample_inputs, reference, period="2026-10", settings=settings)

    real_write, real_stale, real_record = jobs_module.write_output, monthly.remove_stale, monthly.record_stage
    calls = {"n": 0}
    kind, _, at = where.partition(":")

    def write(*args, **kwargs):
        calls["n"] += 1
        if kind == "document" and calls["n"] == int(at):
            raise Killed
        return real_write(*args, **kwargs)

    def scoreboard(*args, **kwargs):  # every document rewritten, nothing after
        raise Killed

    def stale(*args, **kwargs):
        real_stale(*args, **kwargs)
        raise Killed

    def record(*args, **kwargs):
        real_record(*args, **kwargs)
        raise Killed

    monkeypatch.setattr(jobs_module, "write_output", write)
    if kind == "scoreboard":
        monkeypatch.setattr(monthly, "scoreboard_bytes", scoreboard)
    if kind == "stale-removed":
        monkeypatch.setattr(monthly, "remove_stale", stale)
    if kind == "history-recorded":
        monkeypatch.setattr(monthly, "record_stage", record)
    with pytest.raises(Killed):
        run_month(sample_inputs, out, period="2026-10", settings=settings)
    _manifest_is_true(out / "2026-10")
    monkeypatch.undo()

    rerun = run_month(sample_inputs, out, period="2026-10", settings=settings)
    assert _entries(rerun.manifest) == _entries(clean.manifest)  # a clean run's bytes
    assert rerun.manifest.read_bytes() == clean.manifest.read_bytes()
    _manifest_is_true(out / "2026-10")
    listed = {p for p in _entries(rerun.manifest) if p != "manifest.json"}
    assert _current_documents(out, "2026-10") == {p: d for p, d in _entries(rerun.manifest).items() if p in listed}
    assert not (out / "2026-10" / ".manifest.previous.json").exists()
