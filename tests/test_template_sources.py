"""The .docx files in contract_templates/ are the source of truth; the bootstrap builders in
tools/bootstrap/ only create them, and never overwrite a template edited since their last build.

Each builder records the sha256 of what it wrote in ``<out>/.bootstrap.json``. A rebuild
over untouched files is allowed; over a file edited in Word (or one it has no record of) it
refuses, names the file on stderr and exits 1 after building the others; ``--force``
overwrites."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "tools" / "bootstrap"
SHIPPED = ROOT / "contract_templates"
RECORD = ".bootstrap.json"

# Which builder owns which template.
BUILDERS = {
    "build_templates": ["review_report.docx", "settlement_statement.docx", "portfolio_summary.docx"],
    "build_contract_templates": [
        "contract_service.docx",
        "contract_labor_outsourcing.docx",
        "contract_labor_dispatch.docx",
    ],
    "build_notice_templates": [
        "warning_letter.docx",
        "improvement_notice.docx",
        "termination_notice.docx",
        "commendation_letter.docx",
        "exit_review.docx",
        "appeal_decision.docx",
        "periodic_review.docx",
        "periodic_portfolio.docx",
        "supplier_meeting.docx",
    ],
    "build_selection_template": ["selection_report.docx"],
}
ALL = sorted(name for names in BUILDERS.values() for name in names)

# Shipped templates edited by hand (in Word / LibreOffice) since a builder last wrote them:
# not recorded in contract_templates/.bootstrap.json (or recorded with another sha256), so
# the builders refuse to overwrite them. Add a template here, with a comment saying who
# edited it and why, when the office changes its wording. Empty: in this commit every
# shipped template is byte-for-byte what its builder writes.
HAND_EDITED: set[str] = set()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(builder: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BOOTSTRAP / f"{builder}.py"), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=out,
        timeout=120,
    )


def record(folder: Path) -> dict[str, str]:
    return json.loads((folder / RECORD).read_text(encoding="utf-8"))


def edit_in_word(path: Path, title: str = "已在 Word 中修改 Edited in Word") -> None:
    """What saving a title change in Word does to the package: docProps/core.xml changes."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data, n = re.subn(
                    rb"<dc:title>.*?</dc:title>", f"<dc:title>{title}</dc:title>".encode(), data, flags=re.S
                )
                assert n == 1
            zout.writestr(item, data)
    path.write_bytes(out.getvalue())


@pytest.fixture(scope="module")
def shipped_record_bytes():
    """The shipped record as it was before this module's builds (they must not touch it)."""
    path = SHIPPED / RECORD
    return path.read_bytes() if path.exists() else None


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, shipped_record_bytes):
    """Every builder run once into one empty folder; {builder: CompletedProcess}, folder."""
    out = tmp_path_factory.mktemp("fresh")
    runs = {builder: build(builder, out) for builder in BUILDERS}
    return out, runs


def test_a_fresh_build_writes_every_template_and_records_its_sha256(fresh):
    out, runs = fresh
    for builder, run in runs.items():
        assert run.returncode == 0, (builder, run.stderr)
        assert run.stderr == "", (builder, run.stderr)
        for name in BUILDERS[builder]:
            assert re.search(rf"^created\s+.*{re.escape(name)}$", run.stdout, re.M), (builder, run.stdout)
    # nothing else: no temporary file left behind by the atomic writes
    assert sorted(p.name for p in out.iterdir()) == sorted(ALL + [RECORD])
    rec = record(out)
    assert sorted(rec) == ALL
    for name in ALL:
        assert rec[name] == sha(out / name), name
        assert zipfile.is_zipfile(out / name), name
    text = (out / RECORD).read_text(encoding="utf-8")
    assert text == json.dumps(rec, sort_keys=True, indent=2) + "\n"


def test_a_build_elsewhere_leaves_the_shipped_record_alone(fresh, shipped_record_bytes):
    path = SHIPPED / RECORD
    assert (path.read_bytes() if path.exists() else None) == shipped_record_bytes


def test_a_second_build_over_the_untouched_result_succeeds_and_changes_nothing(fresh, tmp_path):
    out, _ = fresh
    again = tmp_path / "again"
    shutil.copytree(out, again)
    before = {p.name: p.read_bytes() for p in again.iterdir()}
    for builder in BUILDERS:
        run = build(builder, again)
        assert run.returncode == 0, (builder, run.stderr)
        assert run.stderr == "", (builder, run.stderr)
        assert "refused" not in run.stdout
    assert {p.name: p.read_bytes() for p in again.iterdir()} == before


def test_a_word_edit_is_refused_named_and_kept_while_the_others_are_rebuilt(fresh, tmp_path):
    out, _ = fresh
    work = tmp_path / "work"
    shutil.copytree(out, work)
    built = {name: (out / name).read_bytes() for name in BUILDERS["build_templates"]}
    edited, absent, older = "review_report.docx", "settlement_statement.docx", "portfolio_summary.docx"

    edit_in_word(work / edited)
    edited_bytes = (work / edited).read_bytes()
    assert edited_bytes != built[edited]
    (work / absent).unlink()
    # an older build of the builder: other bytes, but recorded, so untouched since then
    edit_in_word(work / older, "an older build")
    rec = record(work)
    rec[older] = sha(work / older)
    (work / RECORD).write_text(json.dumps(rec, sort_keys=True, indent=2) + "\n", encoding="utf-8")

    run = build("build_templates", work)
    assert run.returncode == 1, run.stdout + run.stderr
    assert (work / edited).read_bytes() == edited_bytes  # the Word edit survives
    assert edited in run.stderr
    assert "模板已在 Word 中修改，未覆盖" in run.stderr
    assert "edited since it was last built; not overwritten" in run.stderr
    assert "--force" in run.stderr and "--out DIR" in run.stderr
    assert absent not in run.stderr and older not in run.stderr
    assert (work / absent).read_bytes() == built[absent]  # the others were still built
    assert (work / older).read_bytes() == built[older]
    rec = record(work)
    assert rec[edited] == hashlib.sha256(built[edited]).hexdigest()  # still what was last built
    assert rec[absent] == sha(work / absent) and rec[older] == sha(work / older)

    again = build("build_templates", work)  # refuses every time
    assert again.returncode == 1 and (work / edited).read_bytes() == edited_bytes

    forced = build("build_templates", work, "--force")
    assert forced.returncode == 0, forced.stderr
    assert re.search(rf"^forced\s+.*{re.escape(edited)}$", forced.stdout, re.M), forced.stdout
    assert (work / edited).read_bytes() == built[edited]
    assert record(work)[edited] == sha(work / edited)
    assert build("build_templates", work).returncode == 0


def test_a_template_without_a_record_is_refused_unless_it_is_what_the_builder_writes(fresh, tmp_path):
    out, _ = fresh
    work = tmp_path / "norecord"
    work.mkdir()
    name = "selection_report.docx"
    shutil.copy(out / name, work / name)

    run = build("build_selection_template", work)  # identical bytes: recorded
    assert run.returncode == 0, run.stderr
    assert record(work) == {name: sha(out / name)}

    (work / RECORD).unlink()
    edit_in_word(work / name)
    edited = (work / name).read_bytes()
    run = build("build_selection_template", work)
    assert run.returncode == 1
    assert name in run.stderr and "no record" in run.stderr
    assert (work / name).read_bytes() == edited
    assert not (work / RECORD).exists()


def test_a_failed_write_leaves_the_old_template_whole(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("_guard", BOOTSTRAP / "_guard.py")
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    path = tmp_path / "t.docx"
    assert guard.write_template(path, b"first", force=False) == "created"
    assert guard.write_template(path, b"second", force=False) == "updated"
    assert guard.write_template(path, b"second", force=False) == "unchanged"

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(guard.os, "replace", crash)
    with pytest.raises(OSError):
        guard.write_template(path, b"third", force=False)
    assert path.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == [RECORD, "t.docx"]
    assert guard.load_record(tmp_path) == {"t.docx": hashlib.sha256(b"second").hexdigest()}


def test_every_shipped_template_is_recorded_as_built_or_listed_as_hand_edited():
    rec = record(SHIPPED)
    shipped = sorted(p.name for p in SHIPPED.glob("*.docx"))
    assert shipped == ALL, "a template without a builder, or a builder's template not shipped"
    for name in rec:
        assert (SHIPPED / name).is_file(), f"{RECORD} names {name}, which is not in contract_templates/"
    as_built = {name for name in shipped if rec.get(name) == sha(SHIPPED / name)}
    for name in shipped:
        if name not in as_built:
            assert name in HAND_EDITED, (
                f"contract_templates/{name} is not what a builder last wrote (edited in Word?): "
                f"list it in HAND_EDITED in this test, with a comment"
            )
    assert not HAND_EDITED & as_built, f"listed as hand-edited but exactly as built: {HAND_EDITED & as_built}"
    assert HAND_EDITED <= set(shipped), f"HAND_EDITED names templates not shipped: {HAND_EDITED - set(shipped)}"
    assert (SHIPPED / RECORD).read_text(encoding="utf-8") == json.dumps(rec, sort_keys=True, indent=2) + "\n"
