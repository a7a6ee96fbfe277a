"""Distribution against a real SMTP server on 127.0.0.1 (aiosmtpd): every message checked,
recipient by recipient and attachment by attachment, against the period's manifest."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import io
import ipaddress
import json
import shutil
import socket
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from builders import write_rows
from conftest import SAMPLE_INPUTS
from docx import Document as WordDocument
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.distribute import delivery as dist
from pipeline.distribute.mailer import smtp_settings
from pipeline.errors import ConfigError
from pipeline.publish.history import HistoryStore
from pipeline.runs import distribution as distribution_run
from pipeline.runs.distribution import run_distribution
from pipeline.runs.monthly import run_month

PERIOD = "2026-10"
INTERNAL = ["vmo@hdzz-group.example", "cfo@hdzz-group.example"]
SENDER = "供应商管理部 <vmo@hdzz-group.example>"


# --- a real SMTP server ------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


@dataclass
class Recorder:
    """Keeps every message the server accepted; can refuse, defer or drop on demand."""

    delivered: list[Received] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)  # Message-ID of every DATA, dropped or not
    refuse: dict[str, str] = field(default_factory=dict)  # address -> permanent answer
    defer: dict[str, int] = field(default_factory=dict)  # address -> how many times to answer 450
    drop: object = None  # callable(n, message_id) -> bool: drop after the whole message came
    drop_rcpt: object = None  # callable(n) -> bool: drop at the n-th RCPT, before any message
    rcpts: int = 0
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.drop_rcpt is not None and self.drop_rcpt(self.rcpts):
            server.transport.abort()
            return "421 4.4.2 connection dropped"
        key = address.lower()
        if key in self.refuse:
            return self.refuse[key]
        if self.defer.get(key, 0) > 0:
            self.defer[key] -= 1
            return "450 4.2.1 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mid = email.message_from_bytes(envelope.content, policy=email.policy.default)["Message-ID"]
        self.attempted.append(mid)
        if self.drop is not None and self.drop(len(self.attempted), mid):
            server.transport.abort()  # the connection drops before any answer
            return "421 4.4.2 connection dropped"
        self.delivered.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 OK queued"

    def to(self, rcpt: str) -> list[Received]:
        return [m for m in self.delivered if rcpt.lower() in (r.lower() for r in m.rcpt_tos)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(monkeypatch):
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    for key, value in {
        "VENDORFLOW_SMTP_HOST": "127.0.0.1",
        "VENDORFLOW_SMTP_PORT": str(controller.port),
        "VENDORFLOW_SMTP_SECURITY": "none",
        "VENDORFLOW_SMTP_FROM": SENDER,
    }.items():
        monkeypatch.setenv(key, value)
    for key in (
        "VENDORFLOW_SMTP_USER",
        "VENDORFLOW_SMTP_PASSWORD",
        "VENDORFLOW_INTERNAL_RECIPIENTS",
        "VENDORFLOW_SMTP_MAX_MB",
        "VENDORFLOW_SMTP_CA_FILE",
    ):
        monkeypatch.delenv(key, raising=False)
    yield recorder
    controller.stop()


# --- the office's folders ------------------------------------------------------------------


def set_distribution(inputs: Path, **settings) -> None:
    path = inputs / "policy.yaml"
    policy = yaml.safe_load(path.read_text(encoding="utf-8"))
    policy.setdefault("distribution", {}).update(settings)
    path.write_text(yaml.safe_dump(policy, allow_unicode=True, sort_keys=False), encoding="utf-8")


def set_supplier_email(inputs: Path, sid: str, address: str | None) -> None:
    path = inputs / "suppliers.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == sid)
    ws.cell(row, header.index("电子邮箱") + 1).value = address  # (cell(..., value=None) would not clear it)
    wb.save(path)


def supplier_email(sid: str) -> str:
    ws = load_workbook(SAMPLE_INPUTS / "suppliers.xlsx").worksheets[0]
    header = [c.value for c in ws[2]]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == sid)
    return ws.cell(row, header.index("电子邮箱") + 1).value


def add_document(root: Path, relative: str, doc_type: str, supplier_id: str | None, data: bytes) -> None:
    """A document in the outputs and its manifest entry, as the monthly run would write them."""
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_bytes(data)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["path"] != relative] + [
        {
            "path": relative,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "doc_type": doc_type,
            "supplier_id": supplier_id,
        }
    ]
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def word_bytes(text: str) -> bytes:
    doc = WordDocument()
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def october(tmp_path_factory):
    """The sample's October, run once; S003 (graded D) also has its improvement notice."""
    base = tmp_path_factory.mktemp("october")
    shutil.copytree(SAMPLE_INPUTS, base / "inputs")
    # the Word files, so the sending mechanics are tested without LibreOffice (PDFs: test_pdf.py)
    set_distribution(
        base / "inputs",
        internal_recipients=INTERNAL,
        retry_attempts=3,
        retry_backoff_seconds=0.01,
        supplier_formats=["docx"],
    )
    run_month(base / "inputs", base / "outputs", period=PERIOD)
    root = base / "outputs" / PERIOD
    if not any(f["doc_type"] == "improvement_notice" and f["supplier_id"] == "S003" for f in manifest(root)):
        add_document(
            root,
            f"notices/S003_improvement_notice_{PERIOD}.docx",
            "improvement_notice",
            "S003",
            word_bytes("整改通知书 Improvement notice — S003"),
        )
    return base


@pytest.fixture
def office(october, tmp_path) -> Path:
    shutil.copytree(october, tmp_path / "office")
    return tmp_path / "office"


def manifest(root: Path) -> list[dict]:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))["files"]


def distribute(office: Path, **kw) -> dist.Report:
    return run_distribution(PERIOD, office / "outputs", office / "inputs", **kw)


def attachments(msg) -> dict[str, str]:
    """File name -> sha256 of every attached document (a zip's members by their own names)."""
    out = {}
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True)
        if part.get_filename().endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                out.update({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()})
        else:
            out[part.get_filename()] = hashlib.sha256(data).hexdigest()
    return out


def expected_for(root: Path, sid: str) -> dict[str, str]:
    return {
        Path(f["path"]).name: f["sha256"]
        for f in manifest(root)
        if f["supplier_id"] == sid and f["doc_type"] in dist.SUPPLIER_DOC_TYPES
    }


def supplier_of(msg) -> str | None:
    return msg["X-Vendorflow-Supplier"]


# --- the tests -----------------------------------------------------------------------------


def test_each_supplier_receives_exactly_its_own_documents(office, server):
    write_rows(
        office / "inputs" / "distribution.xlsx",
        [
            {"供应商编号": "S001", "抄送邮箱": "finance@jinchenghr.com.cn", "抄送人": "财务部"},
            {"供应商编号": "S001", "抄送邮箱": "boss@jinchenghr.com.cn"},
            {"供应商编号": "S004", "抄送邮箱": "legal@shuhengdata.com", "备注": "法务"},
        ],
    )
    root = office / "outputs" / PERIOD
    report = distribute(office)

    assert report.exit_code == 0, report.as_dict()
    suppliers = sorted({f["supplier_id"] for f in manifest(root) if f["supplier_id"]})
    assert report.groups("sent") == suppliers + [dist.INTERNAL]
    by_supplier = {supplier_of(m.message): m for m in server.delivered if supplier_of(m.message)}
    assert sorted(by_supplier) == suppliers and len(server.delivered) == len(suppliers) + 1
    for sid, received in by_supplier.items():
        msg = received.message
        contact = supplier_email(sid)
        cc = {"S001": ["finance@jinchenghr.com.cn", "boss@jinchenghr.com.cn"], "S004": ["legal@shuhengdata.com"]}.get(
            sid, []
        )
        assert sorted(received.rcpt_tos) == sorted([contact] + cc), sid
        assert [a.addr_spec for a in msg["To"].addresses] == [contact]
        assert ([a.addr_spec for a in msg["Cc"].addresses] if msg["Cc"] else []) == cc
        assert attachments(msg) == expected_for(root, sid), sid  # all of its own, nothing else
        assert msg["Subject"] == (
            f"【华东智造集团】2026年10月供应商绩效评估与结算文件 / Supplier review and "
            f"settlement documents, October 2026 — {sid}"
        )
        body = msg.get_body(("plain",)).get_content()
        for name, sha in expected_for(root, sid).items():
            assert name in body and sha in body
        assert "供应商月度结算单" in body and "Supplier monthly settlement statement" in body
        assert msg["From"].addresses[0].addr_spec == "vmo@hdzz-group.example" and msg["Date"]
    s003 = by_supplier["S003"].message.get_body(("plain",)).get_content()
    assert "整改通知书" in s003 and "please act on it" in s003
    assert by_supplier["S001"].message["Cc"].addresses[0].display_name == "财务部"

    internal = [m for m in server.delivered if not supplier_of(m.message)]
    assert len(internal) == 1 and sorted(internal[0].rcpt_tos) == sorted(INTERNAL)
    names = set(attachments(internal[0].message))
    assert names == {
        f"portfolio_{PERIOD}.docx",
        f"scoreboard_{PERIOD}.xlsx",
        f"payments_{PERIOD}.xlsx",
        f"analytics_{PERIOD}.xlsx",
        f"dashboard_{PERIOD}.html",
    }
    assert (
        internal[0].message["Subject"]
        == "【华东智造集团】2026年10月供应商绩效汇总 / Supplier portfolio summary, October 2026"
    )
    # internal documents never reach a supplier
    for received in by_supplier.values():
        assert not set(attachments(received.message)) & names

    ids = [m.message["Message-ID"] for m in server.delivered]
    assert len(set(ids)) == len(ids)
    rows = HistoryStore.for_outputs(office / "outputs").sent_documents(PERIOD)
    assert {(r["recipient_group"], r["path"]) for r in rows} == {
        (f["supplier_id"] or dist.INTERNAL, f["path"])
        for f in manifest(root)
        if f["doc_type"] in dist.SUPPLIER_DOC_TYPES + dist.INTERNAL_DOC_TYPES
    }
    assert all(r["result"] == "sent" and r["sent_at"] and r["message_id"] in ids for r in rows)
    s001 = next(r for r in rows if r["recipient_group"] == "S001")
    assert sorted(s001["delivered"]) == sorted(
        [supplier_email("S001"), "finance@jinchenghr.com.cn", "boss@jinchenghr.com.cn"]
    )


def test_a_rerun_sends_nothing_already_sent(office, server):
    assert distribute(office).exit_code == 0
    first = len(server.delivered)
    again = distribute(office)
    assert len(server.delivered) == first  # nothing twice
    assert again.outcomes == [] and again.exit_code == 0
    assert again.groups("sent") == [] and len(again.groups("skipped")) == first


def test_a_changed_document_is_sent_again_as_a_correction(office, server):
    assert distribute(office).exit_code == 0
    root = office / "outputs" / PERIOD
    before = {f["path"]: f["sha256"] for f in manifest(root)}
    path = office / "inputs" / f"evaluations_{PERIOD}.xlsx"  # the office corrects S001's quality score
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("供应商编号") + 1).value == "S001")
    ws.cell(row, header.index("服务质量得分") + 1, value=70)
    wb.save(path)
    run_month(office / "inputs", office / "outputs", period=PERIOD)
    changed = {f["path"] for f in manifest(root) if before.get(f["path"]) not in (None, f["sha256"])}
    assert f"reports/S001_review_{PERIOD}.docx" in changed
    server.delivered.clear()

    report = distribute(office)
    by = {supplier_of(m.message) or dist.INTERNAL: m for m in server.delivered}
    assert len(by) == len(server.delivered)
    assert set(by) == {f["supplier_id"] or dist.INTERNAL for f in manifest(root) if f["path"] in changed}
    assert "S001" in by and dist.INTERNAL in by  # the summary and scoreboard changed with it
    s001 = by["S001"].message
    assert s001["Subject"].startswith("更正 Correction：【华东智造集团】2026年10月")
    assert set(attachments(s001)) == {Path(p).name for p in changed if "S001" in p}  # only what changed
    body = s001.get_body(("plain",)).get_content()
    assert "（更正）" in body and "此前版本作废" in body and "replace the versions sent earlier" in body
    assert all(o.correction for o in report.outcomes)
    rows = [r for r in HistoryStore.for_outputs(office / "outputs").sent_documents(PERIOD) if r["correction"]]
    assert {r["path"] for r in rows} == changed
    if not any(f["doc_type"] == "improvement_notice" for f in manifest(root)):
        # the monthly rerun dropped the notice this test added by hand: the office is told it is withdrawn
        assert any(n.group == "S003" and "improvement_notice" in n.message_en for n in report.notes)
    assert distribute(office).outcomes == []  # and the correction goes once, too


def test_a_message_sent_whole_with_no_answer_is_marked_uncertain_and_never_resent_unasked(office, server):
    """The server had the whole message and the connection dropped before its answer: it may
    have stored it. Resending it (as before) could deliver it twice, so it is marked uncertain
    in the ledger, reported, and resent only with --resend-uncertain, with the same Message-ID."""
    state = {}

    def drop_fourth(n, mid):  # the 4th message, and any resend of it, in this run
        if n == 4:
            state["mid"] = mid
        return mid == state.get("mid")

    server.drop = drop_fourth
    first = distribute(office)
    assert first.exit_code == 1
    [unknown] = [o for o in first.outcomes if o.status == "uncertain"]
    assert "never answered" in unknown.detail_en and "--resend-uncertain" in unknown.detail_en
    assert server.attempted.count(unknown.message_id) == 1  # not retried within the run either
    assert all(o.status == "sent" for o in first.outcomes if o is not unknown)  # the others were not stopped
    assert first.groups("uncertain") == [unknown.group] and first.groups("failed") == []
    rows = HistoryStore.for_outputs(office / "outputs").sent_documents(PERIOD)
    assert {r["result"] for r in rows if r["message_id"] == unknown.message_id} == {"uncertain"}

    server.drop = None
    second = distribute(office)  # a plain rerun holds it and says why
    assert second.outcomes == [] and second.exit_code == 1
    assert [n.group for n in second.uncertain] == [unknown.group]
    assert "--resend-uncertain" in second.uncertain[0].message_en
    assert server.attempted.count(unknown.message_id) == 1

    third = distribute(office, resend_uncertain=True)  # the operator checked and asks for it
    assert third.exit_code == 0
    assert [o.message_id for o in third.outcomes] == [unknown.message_id]  # same message, same id
    ids = [m.message["Message-ID"] for m in server.delivered]
    assert len(ids) == len(set(ids)) == len(first.outcomes)  # every message delivered once
    assert distribute(office).outcomes == []  # and then nothing is pending


def test_a_connection_dropped_before_the_message_is_retried_within_the_run(office, server):
    server.drop_rcpt = lambda n: n == 2  # before any message data: the server kept nothing
    report = distribute(office)
    assert report.exit_code == 0 and all(o.status == "sent" for o in report.outcomes)
    ids = [m.message["Message-ID"] for m in server.delivered]
    assert len(ids) == len(set(ids)) == len(report.outcomes)


def test_an_address_shared_by_two_suppliers_is_held_until_confirmed(office, server):
    """S002's contact e-mail typed as S001's: S002's settlement would go to S001. Held, named in
    the plan, and sent only with --allow-shared-addresses."""
    write_rows(office / "inputs" / "distribution.xlsx", [{"供应商编号": "S002", "抄送邮箱": supplier_email("S001")}])
    report = distribute(office)
    held = [n for n in report.failed if "shared with another supplier" in n.message_en]
    assert {n.group for n in held} == {"S001", "S002"} and report.exit_code == 1
    assert "--allow-shared-addresses" in held[0].message_en and "S001" in held[1].message_en
    assert not server.to(supplier_email("S001")) and report.groups("sent")  # the others went
    confirmed = distribute(office, allow_shared=True)
    assert {o.group for o in confirmed.outcomes} == {"S001", "S002"} and confirmed.exit_code == 0


def test_a_refused_recipient_does_not_stop_the_others_and_the_command_fails(office, server, prefect_harness, capsys):
    write_rows(office / "inputs" / "distribution.xlsx", [{"供应商编号": "S001", "抄送邮箱": "gone@jinchenghr.com.cn"}])
    server.refuse = {
        supplier_email("S002"): "550 5.1.1 no such user",
        "gone@jinchenghr.com.cn": "550 5.1.1 no such user",
    }
    server.defer = {supplier_email("S005"): 1}  # a temporary 450 is retried
    args = ["distribute", "--period", PERIOD, "--outputs", str(office / "outputs"), "--inputs", str(office / "inputs")]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "S002" in out and "5.1.1" in out and "部分送达 partly delivered" in out
    assert not server.to(supplier_email("S002"))
    assert server.to(supplier_email("S001")) and server.to(supplier_email("S005"))
    everyone = {f["supplier_id"] for f in manifest(office / "outputs" / PERIOD)}  # None: management
    assert {supplier_of(m.message) for m in server.delivered} == everyone - {"S002"}

    # the office fixes both addresses; the rerun sends only to them
    set_supplier_email(office / "inputs", "S002", "new-contact@hengxin-hr.cn")
    write_rows(
        office / "inputs" / "distribution.xlsx", [{"供应商编号": "S001", "抄送邮箱": "finance@jinchenghr.com.cn"}]
    )
    server.refuse, server.delivered = {}, []
    assert main(args + ["--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sent"] == ["S001", "S002"] and result["failed"] == []
    assert sorted((supplier_of(m.message), tuple(m.rcpt_tos)) for m in server.delivered) == [
        ("S001", ("finance@jinchenghr.com.cn",)),
        ("S002", ("new-contact@hengxin-hr.cn",)),
    ]
    assert "n***@hengxin-hr.cn" in json.dumps(result) and "new-contact@" not in json.dumps(result)


def test_a_supplier_without_a_valid_address_is_reported_not_guessed(office, server):
    set_supplier_email(office / "inputs", "S005", None)
    report = distribute(office)
    assert report.exit_code == 1 and report.groups("failed") == ["S005"]
    [note] = [n for n in report.failed if n.group == "S005"]
    assert "电子邮箱" in note.message_zh and "contact_email" in note.message_en and "distribution/" in note.message_en
    assert "S005" not in {supplier_of(m.message) for m in server.delivered}
    assert (office / "outputs" / PERIOD / "distribution" / f"S005_{PERIOD}.zip").is_file()  # for the portal


def test_dry_run_writes_eml_files_and_bundles_and_records_nothing(office, monkeypatch):
    for key in ("VENDORFLOW_SMTP_HOST", "VENDORFLOW_SMTP_FROM", "VENDORFLOW_INTERNAL_RECIPIENTS"):
        monkeypatch.delenv(key, raising=False)  # a dry run needs no mail server
    root = office / "outputs" / PERIOD
    report = distribute(office, dry_run=True)
    assert report.exit_code == 0 and all(o.status == "written" for o in report.outcomes)
    emls = sorted((root / "outbox").glob("*.eml"))
    assert [p.name for p in emls] == sorted(Path(p).name for p in report.outbox)
    assert len(emls) == len({f["supplier_id"] for f in manifest(root) if f["supplier_id"]}) + 1
    for path in emls:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        sid = supplier_of(msg)
        if sid:
            assert path.name == f"{sid}_{PERIOD}.eml"
            assert attachments(msg) == expected_for(root, sid)
            assert msg["To"].addresses[0].addr_spec == supplier_email(sid)
        else:
            assert path.name == f"_internal_{PERIOD}.eml" and sorted(
                a.addr_spec for a in msg["To"].addresses
            ) == sorted(INTERNAL)
    for sid in {f["supplier_id"] for f in manifest(root) if f["supplier_id"]}:
        with zipfile.ZipFile(root / "distribution" / f"{sid}_{PERIOD}.zip") as z:
            members = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.endswith((".docx", ".xlsx"))}
            assert members == expected_for(root, sid)
            contents = z.read("清单 CONTENTS.txt").decode("utf-8-sig")
            assert all(sha in contents for sha in members.values())
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert HistoryStore.for_outputs(office / "outputs").sent_documents(PERIOD) == []
    snapshot = {p.name: p.read_bytes() for p in [*emls, *(root / "distribution").glob("*.zip")]}
    distribute(office, dry_run=True)
    assert {
        p.name: p.read_bytes() for p in [*(root / "outbox").glob("*.eml"), *(root / "distribution").glob("*.zip")]
    } == snapshot


def test_a_document_of_another_supplier_slipped_into_a_plan_stops_everything(office, server, monkeypatch):
    real = dist.plan_distribution
    root = office / "outputs" / PERIOD

    def tampered(*args, **kw):
        plan = real(*args, **kw)
        other = next(d for d in plan.documents if d.supplier_id == "S002" and d.doc_type == "settlement_statement")
        i = next(i for i, d in enumerate(plan.deliveries) if d.group == "S001")
        plan.deliveries[i] = dist.replace(plan.deliveries[i], documents=plan.deliveries[i].documents + (other,))
        return plan

    monkeypatch.setattr(distribution_run, "plan_distribution", tampered)  # where the run looks it up
    with pytest.raises(dist.IsolationError) as caught:
        distribute(office)
    assert f"settlements/S002_settlement_{PERIOD}.docx" in str(caught.value) and "S001" in str(caught.value)
    assert server.attempted == [] and server.delivered == []  # not one message left
    assert HistoryStore.for_outputs(office / "outputs").sent_documents(PERIOD) == []
    assert not (root / "outbox").exists()


def test_a_manifest_entry_naming_the_wrong_supplier_is_caught_before_sending(office, server):
    root = office / "outputs" / PERIOD
    body = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    for f in body["files"]:
        if f["path"] == f"reports/S002_review_{PERIOD}.docx":
            f["supplier_id"] = "S001"  # S002's report labelled as S001's
        if f["doc_type"] == "portfolio_summary":
            f["supplier_id"] = "S001"  # and management's summary too
    (root / "manifest.json").write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(dist.IsolationError) as caught:
        distribute(office)
    assert f"S002_review_{PERIOD}.docx" in str(caught.value)
    assert server.attempted == []


def _stored(docx: bytes) -> bytes:
    """The same Word document saved without compression: large, but it zips small."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def _encoded(n: int) -> int:
    return (n + 56) // 57 * 78  # base64 in 76-character lines


def test_oversized_messages_are_zipped_or_split_and_say_so(office, server):
    root = office / "outputs" / PERIOD
    mib = 1024 * 1024
    settlement = root / f"settlements/S006_settlement_{PERIOD}.docx"
    add_document(
        root,
        f"settlements/S006_settlement_{PERIOD}.docx",
        "settlement_statement",
        "S006",
        _stored(settlement.read_bytes()),
    )
    s006 = {Path(f["path"]).name: (root / f["path"]).read_bytes() for f in manifest(root) if f["supplier_id"] == "S006"}
    both_zipped = len(zip_of(s006))
    assert _encoded(both_zipped) * 2 < _encoded(sum(map(len, s006.values())))

    # a limit the two documents fit zipped, not as they are: one message with one zip
    set_distribution(office / "inputs", max_message_mb=(_encoded(both_zipped) + 8000) / mib)
    preview = distribute(office, dry_run=True)
    [zipped] = [o for o in preview.outcomes if o.group == "S006"]
    msg = email.message_from_bytes((root / zipped.file).read_bytes(), policy=email.policy.default)
    assert zipped.zipped and [p.get_filename() for p in msg.iter_attachments()] == [f"S006_{PERIOD}.zip"]
    assert attachments(msg) == expected_for(root, "S006")
    assert f"已压缩为附件 S006_{PERIOD}.zip" in msg.get_body(("plain",)).get_content()
    assert "attached zipped" in msg.get_body(("plain",)).get_content()

    # a limit between one of S002's documents and both of them: two messages, each under the limit
    sizes = [_encoded(f["bytes"]) for f in manifest(root) if f["supplier_id"] == "S002"]
    assert len(sizes) == 2  # its review report and statement
    limit = int((max(sizes) + sum(sizes)) / 2) + 4000
    set_distribution(office / "inputs", max_message_mb=limit / mib)
    report = distribute(office)
    by: dict[str, list[Received]] = {}
    for m in server.delivered:
        by.setdefault(supplier_of(m.message), []).append(m)
        assert len(m.content) <= limit
    for sid in ("S002", "S006"):
        assert not [o for o in report.outcomes if o.group == sid and o.status != "sent"]
        parts = sorted(by[sid], key=lambda m: m.message["Subject"])
        assert len(parts) == 2 and [m.message["Subject"][-5:] for m in parts] == ["(1/2)", "(2/2)"]
        assert {**attachments(parts[0].message), **attachments(parts[1].message)} == expected_for(root, sid)
        first_body = parts[0].message.get_body(("plain",)).get_content()
        assert "分2封邮件发送" in first_body and "this is message 1" in first_body and "(message 2)" in first_body
    names = [p.get_filename() for m in by["S006"] for p in m.message.iter_attachments()]
    assert f"S006_{PERIOD}_part2.zip" in names or f"S006_{PERIOD}_part1.zip" in names  # the big one zipped alone

    set_distribution(office / "inputs", max_message_mb=0.01)  # smaller than any single document
    add_document(
        root,
        f"notices/S007_warning_letter_{PERIOD}.docx",
        "warning_letter",
        "S007",
        word_bytes("警告函 Warning letter — S007 " + "".join(chr(0x4E00 + i) for i in range(3000))),
    )
    report = distribute(office)
    assert report.exit_code == 1
    assert any(n.group == "S007" and "over the message size limit" in n.message_en for n in report.failed)
    assert (root / "distribution" / f"S007_{PERIOD}.zip").is_file()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_a_crash_between_sending_and_recording_is_held_then_resent_with_the_same_message_id(office, server):
    """A crash after the message went and before its result was recorded: the outcome is unknown,
    so a plain rerun holds it; --resend-uncertain sends that same message again (same Message-ID)."""
    root = office / "outputs" / PERIOD
    store = HistoryStore.for_outputs(office / "outputs")
    dry = distribute(office, dry_run=True)
    [planned] = [o for o in dry.outcomes if o.group == "S009"]
    docs = [f for f in manifest(root) if f["path"] in planned.documents]
    store.begin_send("crashed-attempt", PERIOD, "S009", planned.message_id, docs, [supplier_email("S009")])
    report = distribute(office)
    assert not [o for o in report.outcomes if o.group == "S009"] and report.exit_code == 1
    assert report.groups("uncertain") == ["S009"] and "--resend-uncertain" in report.uncertain[0].message_en
    again = distribute(office, resend_uncertain=True)
    [s009] = again.outcomes
    assert s009.group == "S009" and s009.status == "sent" and s009.message_id == planned.message_id
    assert any(n.group == "S009" and "unknown" in n.message_en for n in again.notes) and again.exit_code == 0


def test_resend_sends_a_supplier_its_documents_again_under_a_new_message_id(office, server):
    distribute(office)
    first = [m for m in server.delivered if supplier_of(m.message) == "S010"]
    again = distribute(office, resend=["S010"])
    [o] = again.outcomes
    assert o.group == "S010" and o.message_id != first[0].message["Message-ID"]
    [m] = [m for m in server.delivered if m.message["Message-ID"] == o.message_id]
    assert m.message["Subject"].startswith("重发 Resent：") and attachments(m.message) == attachments(first[0].message)


def test_the_monthly_flow_can_distribute_as_its_last_step(office, server, prefect_harness):
    from pipeline.config.policy import read_policy
    from pipeline.orchestration.flows import PrefectRunner, distribute_flow
    from pipeline.runs.distribution import distribute_after_monthly
    from pipeline.settings import Settings

    def after_monthly():
        settings, config = Settings.from_env(), read_policy(office / "inputs" / "policy.yaml")
        return distribute_after_monthly(
            PrefectRunner(settings), settings, config, PERIOD, office / "outputs", office / "inputs"
        )

    assert after_monthly() is None  # off by default
    set_distribution(office / "inputs", send_after_monthly_run=True)
    report = after_monthly()
    assert report.exit_code == 0 and len(server.delivered) == len(report.outcomes) > 0
    rerun = distribute_flow(period=PERIOD, outputs=str(office / "outputs"), inputs=str(office / "inputs"))
    assert rerun.outcomes == [] and rerun.exit_code == 0


def test_mail_settings_are_checked_before_anything_is_sent(office, server, monkeypatch, capsys):
    monkeypatch.delenv("VENDORFLOW_SMTP_HOST")
    args = ["distribute", "--period", PERIOD, "--outputs", str(office / "outputs"), "--inputs", str(office / "inputs")]
    assert main(args) == 2
    assert "VENDORFLOW_SMTP_HOST" in capsys.readouterr().err
    env = {
        "VENDORFLOW_SMTP_HOST": "smtp.example.com",
        "VENDORFLOW_SMTP_SECURITY": "none",
        "VENDORFLOW_SMTP_USER": "vmo@example.com",
        "VENDORFLOW_SMTP_PASSWORD": "secret",
    }
    with pytest.raises(ConfigError, match="in clear"):
        smtp_settings(env)
    settings = smtp_settings({**env, "VENDORFLOW_SMTP_SECURITY": "ssl"})
    assert (settings.port, settings.from_addr) == (465, "vmo@example.com") and "secret" not in repr(settings)
    with pytest.raises(ConfigError, match="VENDORFLOW_SMTP_SECURITY"):
        smtp_settings({**env, "VENDORFLOW_SMTP_SECURITY": "tls1.3"})
    assert main(args[:2] + ["2026-13"]) == 2
    assert server.attempted == []


# --- encrypted servers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, trusted through VENDORFLOW_SMTP_CA_FILE."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_connection_with_login(office, certificate, monkeypatch, security):
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = Recorder()

    def authenticate(server, session, envelope, mechanism, auth_data):
        recorder.logins.append(auth_data.login.decode())
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)  # handled=False: answer 535

    options = {"tls_context": context, "require_starttls": True} if security == "starttls" else {"ssl_context": context}
    # (aiosmtpd offers AUTH over implicit TLS only without auth_require_tls; PLAIN only, so
    # each attempt is one login)
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=authenticate,
        auth_require_tls=security == "starttls",
        auth_exclude_mechanism=["LOGIN"],
        **options,
    )
    controller.start()
    try:
        env = {
            "VENDORFLOW_SMTP_HOST": "127.0.0.1",
            "VENDORFLOW_SMTP_PORT": str(controller.port),
            "VENDORFLOW_SMTP_SECURITY": security,
            "VENDORFLOW_SMTP_FROM": SENDER,
            "VENDORFLOW_SMTP_CA_FILE": str(cert),
            "VENDORFLOW_SMTP_USER": "vmo",
            "VENDORFLOW_SMTP_PASSWORD": "wrong",
        }
        bad = distribute(office, environ=env)
        assert bad.exit_code == 1 and not recorder.delivered and "refused the login" in bad.failed[-1].message_en
        assert HistoryStore.for_outputs(office / "outputs").sent_documents(PERIOD) == []
        good = distribute(office, environ={**env, "VENDORFLOW_SMTP_PASSWORD": "s3cret"})
        assert good.exit_code == 0 and len(recorder.delivered) == len(good.outcomes) > 0
        assert recorder.logins == ["vmo", "vmo"]
    finally:
        controller.stop()


def test_a_distribution_list_row_naming_an_unknown_supplier_is_reported_with_its_cell(office, server):
    write_rows(
        office / "inputs" / "distribution.xlsx",
        [
            {"供应商编号": "S01", "抄送邮箱": "finance@jinchenghr.com.cn"},
            {"供应商编号": "S002", "抄送邮箱": "not-an-address"},
        ],
    )
    report = distribute(office)
    assert report.exit_code == 1 and report.groups("failed") == [dist.LIST]
    texts = [n.message_zh + n.message_en for n in report.failed]
    assert any("distribution.xlsx" in t and "第2行" in t and "S01" in t and "供应商编号" in t for t in texts)
    assert any("第3行" in t and "not-an-address" in t and "e-mail" in t for t in texts)
    assert len({supplier_of(m.message) for m in server.delivered if supplier_of(m.message)}) == 15


def test_names_from_cells_cannot_add_headers_or_recipients(office):
    documents = dist.read_manifest(office / "outputs" / PERIOD, PERIOD)
    contacts = dist.contacts_from(
        [
            {
                "supplier_id": "S001",
                "name_zh": "锦程",
                "contact_name": "孙丽华\r\nBcc: spy@evil.example",
                "contact_email": "sunlihua@jinchenghr.com.cn",
            }
        ],
        [{"supplier_id": "S001", "cc": "finance@jinchenghr.com.cn", "cc_name": "财务\nX-Injected: 1"}],
    )
    plan = dist.plan_distribution(PERIOD, documents, contacts, INTERNAL)
    [delivery] = [d for d in plan.deliveries if d.group == "S001"]
    files = {d.path: (office / "outputs" / PERIOD / d.path).read_bytes() for d in delivery.documents}
    settings = dist.load_settings(office / "inputs" / "policy.yaml", {})
    [out], _ = dist.compose(delivery, PERIOD, files, settings, dist.Sender("vmo@hdzz-group.example", "VMO"), 10**7)
    msg = email.message_from_bytes(out.message.as_bytes(), policy=email.policy.default)
    assert msg["Bcc"] is None and msg["X-Injected"] is None
    assert [a.addr_spec for a in msg["To"].addresses + msg["Cc"].addresses] == [
        "sunlihua@jinchenghr.com.cn",
        "finance@jinchenghr.com.cn",
    ]
    assert set(delivery.envelope) == {"sunlihua@jinchenghr.com.cn", "finance@jinchenghr.com.cn"}
    # suppliers without documents this period, and management's copy, are planned as the manifest says
    assert {d.group for d in plan.failed} == {f["supplier_id"] for f in manifest(office / "outputs" / PERIOD)} - {
        "S001",
        None,
    }


def test_a_server_lost_mid_batch_leaves_the_rest_for_the_next_run(office, server):
    from pipeline.distribute import mailer

    class Lost(mailer.SmtpTransport):
        calls = 0

        def send(self, data, envelope):
            Lost.calls += 1
            if Lost.calls == 3:
                raise mailer.FatalTransportError("无法连接邮件服务器 / cannot connect to the mail server: gone")
            return super().send(data, envelope)

    first = distribute(office, transport_factory=Lost)
    assert [o.status for o in first.outcomes[:3]] == ["sent", "sent", "failed"] and first.exit_code == 1
    assert all(o.status == "failed" and "not attempted" in o.detail_en for o in first.outcomes[3:])
    assert len(server.delivered) == 2
    second = distribute(office)
    assert second.exit_code == 0 and len(second.outcomes) == len(first.outcomes) - 2
    ids = [m.message["Message-ID"] for m in server.delivered]
    assert len(ids) == len(set(ids)) == len(first.outcomes)
