"""Generated documents open in LibreOffice, convert to PDF, and show Chinese glyphs.

Skipped where LibreOffice is not installed, except in CI (VENDORFLOW_REQUIRE_PDF=1),
where .ci/run installs it and a skip would hide a broken document.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_INPUTS

pytestmark = pytest.mark.skipif(
    not shutil.which("soffice") and os.environ.get("VENDORFLOW_REQUIRE_PDF") != "1",
    reason="LibreOffice is not installed (CI installs it and requires this test)",
)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The sample's October with `--pdf`: a PDF beside every document."""
    from pipeline.runs.monthly import run_month

    out = tmp_path_factory.mktemp("pdf")
    inputs = out / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)  # runs archive their inputs: never the repository's
    summary = run_month(inputs, out / "outputs", period="2026-10", pdf=True)
    return summary


def files(root: Path) -> list[dict]:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))["files"]


def pdf_text(data_or_path) -> str:
    args = ["pdftotext", "-layout", str(data_or_path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def embedded_fonts(path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font of the PDF, as pdffonts lists them."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    out = []
    for line in lines[2:]:
        cols = line.split()
        emb = cols[-5]  # name type… encoding emb sub uni object ID
        out.append((cols[0], emb == "yes"))
    return out


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_run_pdf_leaves_a_pdf_beside_every_document_with_cjk_fonts_embedded(month):
    from pipeline.publish.pdfs import pdf_path

    root = month.outputs
    entries = {f["path"]: f for f in files(root)}
    docs = [f for f in entries.values() if f["path"].endswith(".docx")]
    assert len(docs) == 40 and month.pdfs == 40
    for doc in docs:
        pdf = entries[pdf_path(doc["path"])]  # pdf/settlements/S001_settlement_2026-10.pdf for settlements/…
        assert pdf["doc_type"] == doc["doc_type"] + "_pdf" and pdf["supplier_id"] == doc["supplier_id"]
        assert pdf["context_sha256"] == doc["sha256"]  # converted from exactly this Word file
        path = root / pdf["path"]
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == pdf["sha256"]
        assert page_count(path) >= 1
        text = pdf_text(path)
        assert "华东智造集团有限公司" in text and "East China Smart Manufacturing" in text, pdf["path"]
        assert "{{" not in text and "{%" not in text, pdf["path"]
        fonts = embedded_fonts(path)
        assert any("CJK" in name for name, _ in fonts), (pdf["path"], fonts)  # Chinese in Noto CJK
        assert all(emb for _, emb in fonts), (pdf["path"], fonts)  # every font travels with the file
    assert not list(root.rglob("*.tmp")), "no half-written PDF"


def test_each_supplier_pdf_carries_its_own_figures(month):
    root = month.outputs
    text = pdf_text(root / "pdf" / "settlements" / "S001_settlement_2026-10.pdf")
    assert "人民币" in text and "SAY RMB" in text
    assert "S001" in text and "S002" not in text
    assert "上海锦程人力资源服务有限公司" in text


def test_a_rerun_keeps_the_pdfs_of_unchanged_documents_byte_for_byte(month, tmp_path):
    from pipeline.runs.monthly import run_month

    office = tmp_path / "office"
    shutil.copytree(month.outputs.parent.parent, office)
    before = {f["path"]: f["sha256"] for f in files(office / "outputs" / "2026-10") if f["path"].startswith("pdf/")}
    summary = run_month(office / "inputs", office / "outputs", period="2026-10")  # without --pdf
    after = {f["path"]: f["sha256"] for f in files(summary.outputs) if f["path"].startswith("pdf/")}
    assert after == before and summary.pdfs == 40
    for path, sha in after.items():
        assert hashlib.sha256((summary.outputs / path).read_bytes()).hexdigest() == sha


def test_every_generated_document_converts_to_pdf_in_one_batch_too(month, tmp_path):
    """The batch converter (one LibreOffice start, no `uno` needed) gives the same documents."""
    from pipeline.render.pdf import to_pdf

    docs = sorted(month.outputs.glob("settlements/*.docx"))[:3]
    pdfs = to_pdf(docs, tmp_path)
    for doc, pdf in zip(docs, pdfs):
        assert doc.name.split("_")[0] in pdf_text(pdf)


def test_the_pool_keeps_libreoffice_running_restarts_it_when_it_dies_and_leaves_nothing_behind(month, tmp_path):
    from pipeline.render.pdf import OfficePool, pool_available

    if not pool_available():
        if os.environ.get("VENDORFLOW_REQUIRE_PDF") == "1":
            pytest.fail("the PDF pool cannot run (LibreOffice's uno: Debian python3-uno; unoserver)")
        pytest.skip("no Python with LibreOffice's uno module")
    docs = sorted(month.outputs.glob("reports/*.docx"))[:4]
    with OfficePool(2) as pool:
        first = pool.convert(docs)
        pids = pool.pids()
        assert len(pids) == 4  # two workers, two LibreOffices
        again = pool.convert(docs[:2])
        assert pool.pids() == pids  # the same processes: no start per batch
        os.kill(pids[1], signal.SIGKILL)  # one LibreOffice crashes
        survived = pool.convert(docs)
        assert [pdf_text_of(b, tmp_path) for b in survived] == [pdf_text_of(b, tmp_path) for b in first]
        bad = tmp_path / "S999_broken.docx"
        bad.write_bytes(b"PK\x03\x04 not a document")
        with pytest.raises(RuntimeError, match="S999_broken"):
            pool.convert([bad])
        every = pool.pids()
    assert again and all(b.startswith(b"%PDF-") for b in first)
    for pid in set(pids + every):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def pdf_text_of(data: bytes, folder: Path) -> str:
    path = folder / f"{hashlib.sha256(data).hexdigest()}.pdf"
    path.write_bytes(data)
    return pdf_text(path)


def test_pdf_stage_converts_only_what_changed_and_drops_stale_pdfs(tmp_path):
    from pipeline.publish.outputs import Written, manifest_bytes, write_output
    from pipeline.publish.pdfs import pdf_stage

    class Fake:
        calls: list = []

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def convert(self, paths):
            Fake.calls.append([p.name for p in paths])
            return [b"%PDF-1.7 " + p.read_bytes() for p in paths]

    root = tmp_path
    a = write_output(root, "reports/S001_review.docx", b"one", "review_report", "S001")
    b = write_output(root, "reports/S002_review.docx", b"two", "review_report", "S002")
    made = pdf_stage(root, [a, b], True, Fake)
    assert [w.path for w in made] == ["pdf/reports/S001_review.pdf", "pdf/reports/S002_review.pdf"]
    (root / "manifest.json").write_bytes(manifest_bytes("2026-10", [a, b, *made], [], {}))
    b2 = write_output(root, "reports/S002_review.docx", b"two, corrected", "review_report", "S002")
    again = pdf_stage(root, [a, b2], True, Fake)
    assert Fake.calls == [["S001_review.docx", "S002_review.docx"], ["S002_review.docx"]]
    assert (root / "pdf/reports/S002_review.pdf").read_bytes() == b"%PDF-1.7 two, corrected"
    assert again[0] == made[0]  # unchanged: kept as it was
    without = pdf_stage(root, [a, b2], False, Fake)
    assert [w.path for w in without] == ["pdf/reports/S001_review.pdf"]  # the stale one is not listed
    assert isinstance(without[0], Written) and len(Fake.calls) == 2


def test_distribution_sends_pdfs_by_default_converting_those_the_run_did_not_make(month, tmp_path):
    from pipeline.runs.distribution import run_distribution

    office = tmp_path / "office"
    shutil.copytree(month.outputs.parent.parent, office)
    root = office / "outputs" / "2026-10"
    body = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    for f in body["files"]:  # as if the run had no --pdf for the review reports
        if f["path"].startswith("pdf/reports/"):
            (root / f["path"]).unlink()
    body["files"] = [f for f in body["files"] if not f["path"].startswith("pdf/reports/")]
    (root / "manifest.json").write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")

    report = run_distribution("2026-10", office / "outputs", office / "inputs", dry_run=True, environ={})
    assert not report.failed, report.failed
    listed = files(root)
    assert sum(f["path"].startswith("pdf/reports/") for f in listed) == 15  # made again, and listed
    for f in listed:  # the manifest still describes every file
        assert hashlib.sha256((root / f["path"]).read_bytes()).hexdigest() == f["sha256"], f["path"]
    seen = 0
    for eml in sorted((root / "outbox").glob("S*.eml")):
        msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        sid = msg["X-Vendorflow-Supplier"]
        names = [p.get_filename() for p in msg.iter_attachments()]
        assert names and all(n.endswith(".pdf") and n.startswith(f"{sid}_") for n in names), names
        for part in msg.iter_attachments():
            text = pdf_text_of(part.get_payload(decode=True), tmp_path)
            assert sid in text
        seen += 1
    assert seen == 15
    internal = email.message_from_bytes(
        (root / "outbox" / "_internal_2026-10.eml").read_bytes(), policy=email.policy.default
    )
    assert sorted(p.get_filename() for p in internal.iter_attachments()) == [
        "analytics_2026-10.xlsx",
        "dashboard_2026-10.html",
        "payments_2026-10.xlsx",
        "portfolio_2026-10.docx",
        "scoreboard_2026-10.xlsx",
    ]


def test_suppliers_can_receive_both_formats_when_the_policy_says_so(month, tmp_path):
    import yaml

    from pipeline.runs.distribution import run_distribution

    office = tmp_path / "office"
    shutil.copytree(month.outputs.parent.parent, office)
    policy = office / "inputs" / "policy.yaml"
    body = yaml.safe_load(policy.read_text(encoding="utf-8"))
    body["distribution"]["supplier_formats"] = ["pdf", "docx"]
    policy.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = run_distribution("2026-10", office / "outputs", office / "inputs", dry_run=True, environ={})
    assert not report.failed
    msg = email.message_from_bytes(
        (office / "outputs/2026-10/outbox/S001_2026-10.eml").read_bytes(), policy=email.policy.default
    )
    assert sorted(p.get_filename() for p in msg.iter_attachments()) == [
        "S001_appeal_decision_2026-10.docx",
        "S001_appeal_decision_2026-10.pdf",
        "S001_review_2026-10.docx",
        "S001_review_2026-10.pdf",
        "S001_settlement_2026-10.docx",
        "S001_settlement_2026-10.pdf",
    ]


def test_run_pdf_without_libreoffice_says_so_and_writes_nothing(sample_inputs, tmp_path):
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=str(bin_dir), VENDORFLOW_ORCHESTRATION="plain")  # no soffice on the PATH
    proc = subprocess.run(
        [
            str(bin_dir / "vendorflow"),
            "run",
            "--inputs",
            str(sample_inputs),
            "--outputs",
            str(tmp_path / "out"),
            "--period",
            "2026-10",
            "--pdf",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    said = " ".join((proc.stdout + proc.stderr).split())
    assert "未安装 LibreOffice" in said and "LibreOffice (soffice) is not installed" in said
    assert "Traceback" not in said
    assert not (tmp_path / "out" / "2026-10").exists()
