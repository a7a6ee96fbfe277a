"""Distribution: each supplier receives its own documents, exactly once; management the summary.

Planning is plain data: the period's manifest says which document belongs to whom, the
supplier master (and an optional distribution list) says where it goes, and the ledger in
the history store says what each address already has. Only documents whose manifest entry
names the supplier go to that supplier; every message is checked against the manifest,
attachment by attachment, before the first one is sent. `run_distribution` is the shell
that reads, plans, checks, sends (or writes .eml files) and records.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from pipeline.compute.consequences import ACTION_LABELS
from pipeline.config.policy import PolicyFile, read_policy
from pipeline.distribute import mailer
from pipeline.documents.formatting import period_en, period_zh
from pipeline.errors import ConfigError, DocumentChanged, IsolationError, Issue
from pipeline.periods import Period
from pipeline.publish.jobs import safe_name
from pipeline.publish.pdfs import PDF_SUFFIX
from pipeline.validation.formats import is_email

INTERNAL = "@internal"  # ledger group of management's copy; never a supplier id (ids start alphanumeric)
LIST = "@distribution-list"  # report group for problems in the distribution list itself
SUPPLIER_DOC_TYPES = (
    "review_report",
    "settlement_statement",
    "warning_letter",
    "improvement_notice",
    "termination_notice",
    "commendation_letter",
    "appeal_decision",
    "attendance_annex",
)
# a supplier's own workbook (the attendance annex of a statement with many workers): sent as it is,
# whatever formats the policy names for its Word documents
SUPPLIER_WORKBOOK_TYPES = ("attendance_annex",)
INTERNAL_DOC_TYPES = ("portfolio_summary", "scoreboard", "payments", "analytics_workbook", "dashboard")
NEVER_TO_SUPPLIERS = frozenset(
    {
        "exit_review",
        "portfolio_summary",
        "scoreboard",
        "payments",
        "analytics_workbook",
        "dashboard",
        "validation_report",
        "manifest",
    }
)
ACTION_NOTICES = ("warning_letter", "improvement_notice", "termination_notice")  # the supplier must act on these
DOC_TITLES = {
    "review_report": ("供应商月度绩效评估报告", "Supplier monthly performance review"),
    "settlement_statement": ("供应商月度结算单", "Supplier monthly settlement statement"),
    "portfolio_summary": ("供应商月度绩效汇总", "Supplier portfolio summary"),
    "scoreboard": ("评分总表", "Scoreboard"),
    "payments": ("付款汇总表", "Payments workbook"),
    "analytics_workbook": ("成本分析与预测表", "Cost analysis and forecast workbook"),
    "dashboard": ("供应商管理看板", "Vendor dashboard"),
    "appeal_decision": ("申诉处理结果通知书", "Appeal decision"),
    "attendance_annex": ("结算单人员考勤附件", "Attendance annex of the settlement statement"),
    **ACTION_LABELS,
}
OUTBOX = "outbox"
BUNDLES = "distribution"
MIB = 1024 * 1024


# --- configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    org_zh: str
    org_en: str
    dept_zh: str = ""
    dept_en: str = ""
    sender_short_zh: str = ""
    internal_recipients: tuple[str, ...] = ()
    reply_to: str = ""
    max_message_bytes: int = 10 * MIB
    retry_attempts: int = 3
    retry_backoff_seconds: float = 2.0
    send_after_monthly_run: bool = False
    supplier_formats: tuple[str, ...] = ("pdf",)  # what a supplier receives of each Word document


def _short_name(org_zh: str) -> str:
    for suffix in ("股份有限公司", "有限责任公司", "有限公司", "公司"):
        if org_zh.endswith(suffix) and len(org_zh) > len(suffix):
            return org_zh[: -len(suffix)]
    return org_zh


def split_addresses(text: str) -> list[str]:
    for sep in ";；,，、\n":
        text = text.replace(sep, " ")
    return [a for a in text.split() if a]


def load_settings(policy_path: Path, environ: Mapping[str, str] = MappingProxyType({})) -> Settings:
    """The `distribution:` section of the policy file at `policy_path` (see `distribution_settings`)."""
    return distribution_settings(read_policy(policy_path), environ)


def distribution_settings(policy_file: PolicyFile, environ: Mapping[str, str] = MappingProxyType({})) -> Settings:
    """The policy's `distribution:` section (schema-checked with the whole policy) with the
    environment's overrides: VENDORFLOW_INTERNAL_RECIPIENTS and VENDORFLOW_SMTP_MAX_MB."""
    env = environ
    policy = policy_file.policy
    section = policy_file.section("distribution")
    org = policy.organisation
    problems: list[str] = []
    recipients = list(section.get("internal_recipients") or [])
    source = "distribution.internal_recipients"
    if env.get("VENDORFLOW_INTERNAL_RECIPIENTS", "").strip():
        recipients, source = split_addresses(env["VENDORFLOW_INTERNAL_RECIPIENTS"]), "VENDORFLOW_INTERNAL_RECIPIENTS"
    for addr in recipients:
        if not is_email(addr):
            problems.append(f"{source}: 「{addr}」不是有效的邮箱地址 / is not a valid e-mail address")
    reply_to = str(section.get("reply_to") or "").strip()
    if reply_to and not is_email(reply_to):
        problems.append(f"distribution.reply_to: 「{reply_to}」不是有效的邮箱地址 / is not a valid e-mail address")
    limit_mb = section.get("max_message_mb", 10)
    if env.get("VENDORFLOW_SMTP_MAX_MB", "").strip():
        try:
            limit_mb = float(env["VENDORFLOW_SMTP_MAX_MB"])
            if limit_mb <= 0:
                raise ValueError
        except ValueError:
            problems.append(
                f"VENDORFLOW_SMTP_MAX_MB={env['VENDORFLOW_SMTP_MAX_MB']!r}: 应为正数（MB）/ must be a positive number of MB"
            )
            limit_mb = 10
    if problems:
        raise ConfigError("分发设置有误", "the distribution settings are wrong", file=policy.source, details=problems)
    return Settings(
        org_zh=org.get("name_zh", ""),
        org_en=org.get("name_en", ""),
        dept_zh=org.get("department_zh", ""),
        dept_en=org.get("department_en", ""),
        sender_short_zh=section.get("sender_short_zh") or _short_name(org.get("name_zh", "")),
        internal_recipients=tuple(dict.fromkeys(recipients)),
        reply_to=reply_to,
        max_message_bytes=int(float(limit_mb) * MIB),
        retry_attempts=int(section.get("retry_attempts", 3)),
        retry_backoff_seconds=float(section.get("retry_backoff_seconds", 2)),
        send_after_monthly_run=bool(section.get("send_after_monthly_run", False)),
        supplier_formats=tuple(section.get("supplier_formats") or ("pdf",)),
    )


# --- what there is to send ---------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    path: str
    sha256: str
    bytes: int
    doc_type: str
    supplier_id: str | None = None

    @property
    def filename(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def format(self) -> str:
        """pdf, docx, xlsx…: the file's kind (a document and its PDF share the doc type)."""
        return PurePosixPath(self.path).suffix.lstrip(".").lower()

    @property
    def title(self) -> tuple[str, str]:
        return DOC_TITLES.get(self.doc_type, (self.doc_type, self.doc_type))


def read_manifest(root: Path, period: str) -> list[Document]:
    path = root / "manifest.json"
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{period} 期间没有输出文件清单：请先运行 vendorflow run --period {period}",
            f"there are no outputs for {period} yet: run vendorflow run --period {period} first",
            file=str(path),
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            "输出文件清单无法读取或已损坏：请重新运行月度流程",
            f"the manifest cannot be read ({exc}): run the monthly flow again",
            file=str(path),
        ) from exc
    if body.get("period") != period:
        raise ConfigError(
            f"文件清单的期间为 {body.get('period')}，与 {period} 不符",
            f"the manifest is for period {body.get('period')}, not {period}",
            file=str(path),
        )
    return [
        Document(f["path"], f["sha256"], int(f["bytes"]), base_doc_type(f["doc_type"]), f.get("supplier_id"))
        for f in body.get("files", [])
    ]


def base_doc_type(doc_type: str) -> str:
    """A PDF's manifest entry is its document's type with `_pdf` added: the same document here."""
    return doc_type[: -len(PDF_SUFFIX)] if doc_type.endswith(PDF_SUFFIX) else doc_type


def in_formats(documents: Sequence[Document], formats: Sequence[str]) -> list[Document]:
    """What is sent: of each supplier document, the formats the policy names
    (`distribution.supplier_formats`); management's files as they are, without PDFs."""
    out = []
    for doc in documents:
        if doc.doc_type in SUPPLIER_DOC_TYPES:
            if doc.format in formats or doc.doc_type in SUPPLIER_WORKBOOK_TYPES:
                out.append(doc)
        elif doc.format != "pdf":
            out.append(doc)
    return out


@dataclass(frozen=True)
class Contact:
    supplier_id: str
    name_zh: str
    name_en: str
    contact_name: str
    to: tuple[tuple[str, str], ...]  # (address, display name)
    cc: tuple[tuple[str, str], ...] = ()

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(a for a, _ in self.to + self.cc)


@dataclass
class Contacts:
    by_supplier: dict[str, Contact] = field(default_factory=dict)
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)  # supplier -> why it has no usable address
    list_issues: list[Issue] = field(default_factory=list)  # rejected rows of the distribution list


@dataclass(frozen=True)
class ListRow:
    """One valid row of the distribution list, with where it came from (for problem reports)."""

    data: Mapping[str, Any]
    file: str = "distribution"
    row: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)


def contacts_from(
    suppliers: Sequence[Mapping[str, Any]],
    distribution: Sequence[ListRow | Mapping[str, Any]],
    supplier_issues: Sequence[Issue] = (),
) -> Contacts:
    """Addresses per supplier: contact_email as To, the distribution list's rows as Cc.
    A supplier without a valid address gets a reason instead, never a guess."""
    out = Contacts()
    for issue in supplier_issues:
        if issue.key and issue.key not in out.problems:
            out.problems[issue.key] = (
                f"供应商名录中该供应商的记录被拒绝：{issue.location()}：{issue.message_zh}",
                f"its row in the supplier master was rejected: {issue.location()}: {issue.message_en}",
            )
    for s in suppliers:
        sid, email = s["supplier_id"], (s.get("contact_email") or "").strip()
        if not email or not is_email(email):
            out.problems[sid] = (
                "供应商名录中没有有效的电子邮箱（电子邮箱一栏为空）",
                "no valid e-mail address in the supplier master (the contact_email column is empty)",
            )
            continue
        out.by_supplier[sid] = Contact(
            sid,
            s.get("name_zh", ""),
            s.get("name_en", ""),
            s.get("contact_name", ""),
            ((email, s.get("contact_name", "")),),
        )
        out.problems.pop(sid, None)
    extra: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in distribution:
        item = item if isinstance(item, ListRow) else ListRow(item)
        row = item.data
        sid, addr = row["supplier_id"], row["cc"].strip()
        if sid not in out.by_supplier and sid not in out.problems:
            out.list_issues.append(
                Issue(
                    file=item.file,
                    row=item.row,
                    column=item.columns.get("supplier_id", "供应商编号"),
                    value=sid,
                    kind="distribution",
                    field="supplier_id",
                    key=sid,
                    code="cross_record",
                    message_zh=f"供应商编号{sid}不在供应商名录中，抄送{addr}未使用",
                    message_en=f"supplier {sid} is not in the supplier master; cc {addr} was not used",
                )
            )
            continue
        extra[sid].append((addr, (row.get("cc_name") or "").strip()))
    for sid, rows in extra.items():
        contact = out.by_supplier.get(sid)
        if contact is None:
            continue
        seen = {a.lower() for a in contact.addresses}
        cc = []
        for addr, name in rows:
            if addr.lower() not in seen:
                seen.add(addr.lower())
                cc.append((addr, name))
        out.by_supplier[sid] = replace(contact, cc=tuple(cc))
    return out


# --- the ledger, read ----------------------------------------------------------------------


@dataclass
class Sent:
    """What one (recipient group, document path) has had: per sha256, the addresses that have it."""

    delivered: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # sha256s whose outcome is unknown: an attempt that never finished (a crash) or whose
    # message went whole with no answer from the server; resent only when the operator says so
    uncertain: set[str] = field(default_factory=set)
    attempted: bool = False  # any attempt at all, whatever its result

    def has_any(self) -> bool:
        return any(self.delivered.values())


def ledger_view(rows: Iterable[Mapping[str, Any]]) -> tuple[dict[tuple[str, str], Sent], dict[str, int]]:
    """(group, path) -> Sent, and per group how many messages went out (numbers explicit resends)."""
    view: dict[tuple[str, str], Sent] = defaultdict(Sent)
    messages: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        entry = view[(r["recipient_group"], r["path"])]
        entry.attempted = True
        if r["result"] in ("sent", "partial"):
            entry.delivered[r["sha256"]].update(a.lower() for a in r["delivered"])
            messages[r["recipient_group"]].add(r["attempt_id"])
        elif r["result"] in ("sending", "uncertain"):
            entry.uncertain.add(r["sha256"])
    return dict(view), {g: len(ids) for g, ids in messages.items()}


# --- planning ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """Documents of one recipient group that some of its addresses do not have yet."""

    group: str
    documents: tuple[Document, ...]
    to: tuple[tuple[str, str], ...]
    cc: tuple[tuple[str, str], ...]
    envelope: tuple[str, ...]  # who receives it this time
    marks: Mapping[str, str] = field(default_factory=dict)  # path -> corrected | added
    name_zh: str = ""
    name_en: str = ""
    contact_name: str = ""
    resend: int = 0  # > 0: an explicit resend, numbered so it gets a new Message-ID

    @property
    def internal(self) -> bool:
        return self.group == INTERNAL


@dataclass(frozen=True)
class Note:
    group: str
    message_zh: str
    message_en: str
    documents: tuple[str, ...] = ()


@dataclass
class Plan:
    period: str
    documents: list[Document]
    deliveries: list[Delivery] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)  # nothing (more) to send
    failed: list[Note] = field(default_factory=list)  # cannot be sent: needs the office
    notes: list[Note] = field(default_factory=list)  # for attention, not failures
    uncertain: list[Note] = field(default_factory=list)  # held: an earlier send's outcome is unknown
    bundles: dict[str, list[Document]] = field(default_factory=dict)


def group_label(group: str) -> str:
    return {INTERNAL: "管理层 management", LIST: "分发名单 distribution list"}.get(group, group)


def shared_addresses(contacts: Contacts) -> dict[str, set[str]]:
    """address (lower case) -> the suppliers whose To or CC holds it."""
    out: dict[str, set[str]] = defaultdict(set)
    for sid, contact in contacts.by_supplier.items():
        for addr, _ in contact.to + contact.cc:
            out[addr.lower()].add(sid)
    return out


def plan_distribution(
    period: str,
    documents: Sequence[Document],
    contacts: Contacts,
    internal_recipients: Sequence[str],
    ledger_rows: Iterable[Mapping[str, Any]] = (),
    resend: Iterable[str] = (),
    resend_uncertain: bool = False,
    allow_shared: bool = False,
) -> Plan:
    """What to send to whom. A document whose earlier send has no known outcome is held unless
    `resend_uncertain`; a supplier whose addresses another supplier also uses is held unless
    `allow_shared` (a wrong contact would hand one supplier another's settlement)."""
    plan = Plan(period, list(documents))
    view, message_counts = ledger_view(ledger_rows)
    resend = set(resend)
    shared = shared_addresses(contacts)
    by_group: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        if doc.doc_type in SUPPLIER_DOC_TYPES:
            if not doc.supplier_id:
                plan.failed.append(
                    Note(
                        "?",
                        f"清单中的{doc.title[0]}未注明所属供应商，未发送",
                        f"the manifest names no supplier for {doc.path}; not sent",
                        (doc.path,),
                    )
                )
                continue
            by_group[doc.supplier_id].append(doc)
        elif doc.doc_type in INTERNAL_DOC_TYPES:
            by_group[INTERNAL].append(doc)
    for issue in contacts.list_issues:
        plan.failed.append(
            Note(
                LIST,
                f"分发名单：{issue.location()}：值「{issue.value or ''}」：{issue.message_zh}",
                f"distribution list: {issue.location()}: value '{issue.value or ''}': {issue.message_en}",
            )
        )
    for group in sorted(by_group, key=lambda g: (g == INTERNAL, g)):
        docs = sorted(by_group[group], key=lambda d: (_type_order(d.doc_type), d.path))
        if group != INTERNAL:
            plan.bundles[group] = docs
        if group == INTERNAL:
            if not internal_recipients:
                plan.notes.append(
                    Note(
                        INTERNAL,
                        "未设置管理层收件人（distribution.internal_recipients 或 "
                        "VENDORFLOW_INTERNAL_RECIPIENTS），汇总未发送",
                        "no internal recipients are set (distribution.internal_recipients or "
                        "VENDORFLOW_INTERNAL_RECIPIENTS); the summary was not sent",
                        tuple(d.path for d in docs),
                    )
                )
                continue
            to, cc, names = tuple((a, "") for a in internal_recipients), (), ("", "", "")
        else:
            contact = contacts.by_supplier.get(group)
            if contact is None:
                zh, en = contacts.problems.get(
                    group,
                    ("不在供应商名录中（或其记录被拒绝）", "not in the supplier master (or its row was rejected)"),
                )
                plan.failed.append(
                    Note(
                        group,
                        f"无法发送：{zh}；请改正后重新分发，或上传 {BUNDLES}/ 中的文件包",
                        f"cannot send: {en}; fix it and distribute again, or upload the bundle in {BUNDLES}/ by hand",
                        tuple(d.path for d in docs),
                    )
                )
                continue
            to, cc, names = contact.to, contact.cc, (contact.name_zh, contact.name_en, contact.contact_name)
            clashes = {a: shared[a.lower()] - {group} for a, _ in to + cc if len(shared.get(a.lower(), ())) > 1}
            if clashes and not allow_shared:
                listed_zh = "；".join(
                    f"{mask_address(a)} 也是 {'、'.join(sorted(o))} 的地址" for a, o in clashes.items()
                )
                listed_en = "; ".join(f"{mask_address(a)} is also {', '.join(sorted(o))}'s" for a, o in clashes.items())
                plan.failed.append(
                    Note(
                        group,
                        f"未发送：收件地址与其他供应商相同（{listed_zh}）：请核对供应商名录与分发名单；"
                        "确认无误后用 --allow-shared-addresses 发送",
                        f"not sent: an address is shared with another supplier ({listed_en}): check the supplier "
                        "master and distribution list; once confirmed, send with --allow-shared-addresses",
                        tuple(d.path for d in docs),
                    )
                )
                continue
        recipients = [a for a, _ in to + cc]
        earlier = any(sent.has_any() for (g, _), sent in view.items() if g == group)
        pending_by_doc: dict[tuple[str, ...], list[Document]] = defaultdict(list)
        marks: dict[str, str] = {}
        done: list[str] = []
        held: list[str] = []  # outcome of an earlier send unknown
        for doc in docs:
            sent = view.get((group, doc.path), Sent())
            have = sent.delivered.get(doc.sha256, set())
            pending = tuple(recipients) if group in resend else tuple(a for a in recipients if a.lower() not in have)
            if not pending:
                done.append(doc.path)
                continue
            if any(sha != doc.sha256 and got for sha, got in sent.delivered.items()):
                marks[doc.path] = "corrected"
            elif earlier and not sent.attempted:
                marks[doc.path] = "added"
            if doc.sha256 in sent.uncertain and group not in resend:
                if not resend_uncertain:
                    held.append(doc.path)
                    continue
                plan.notes.append(
                    Note(
                        group,
                        f"{doc.path} 上次发送结果未知：按 --resend-uncertain 以相同的 Message-ID 重发",
                        f"{doc.path}: the outcome of an earlier send is unknown: sent again as --resend-uncertain "
                        "asks, with the same Message-ID",
                        (doc.path,),
                    )
                )
            pending_by_doc[pending].append(doc)
        if held:
            names = "、".join(p.rsplit("/", 1)[-1] for p in held)
            plan.uncertain.append(
                Note(
                    group,
                    f"上次发送结果未知（可能已送达）：{names} 未重发；请向收件方确认后，用 --resend-uncertain "
                    "以相同的 Message-ID 重发",
                    f"the outcome of an earlier send is unknown (it may have arrived): {names.replace('、', ', ')} "
                    "not sent again; check with the recipient, then send with --resend-uncertain (same Message-ID)",
                    tuple(held),
                )
            )
        if done:
            plan.skipped.append(
                Note(
                    group,
                    f"{len(done)} 份文件此前已发送给全部收件人",
                    f"{len(done)} document{'s' if len(done) > 1 else ''} already sent to every recipient",
                    tuple(done),
                )
            )
        for envelope, group_docs in pending_by_doc.items():
            plan.deliveries.append(
                Delivery(
                    group=group,
                    documents=tuple(group_docs),
                    to=to,
                    cc=cc,
                    envelope=envelope,
                    marks={d.path: marks[d.path] for d in group_docs if d.path in marks},
                    name_zh=names[0],
                    name_en=names[1],
                    contact_name=names[2],
                    resend=message_counts.get(group, 0) if group in resend else 0,
                )
            )
    current = {(g, d.path) for g, ds in by_group.items() for d in ds}
    for (group, path), sent in sorted(view.items()):
        if (group, path) not in current and sent.has_any():
            plan.notes.append(
                Note(
                    group,
                    f"此前已发送的 {path} 不在本期最新输出中（已撤回？），请告知收件方",
                    f"{path}, sent earlier, is no longer among the period's documents (withdrawn?): tell the recipient",
                    (path,),
                )
            )
    return plan


def _type_order(doc_type: str) -> int:
    order = SUPPLIER_DOC_TYPES + INTERNAL_DOC_TYPES
    return order.index(doc_type) if doc_type in order else len(order)


# --- composing messages --------------------------------------------------------------------


@dataclass
class Outgoing:
    delivery: Delivery
    documents: tuple[Document, ...]
    message: EmailMessage
    message_id: str
    part: int = 1
    parts: int = 1
    zipped: bool = False

    @property
    def group(self) -> str:
        return self.delivery.group

    @property
    def size(self) -> int:
        return len(mailer.message_bytes(self.message))

    def file_stem(self, period: str) -> str:
        stem = "_internal" if self.delivery.internal else safe_name(self.group)
        return f"{stem}_{period}" + (f"_part{self.part}of{self.parts}" if self.parts > 1 else "")


@dataclass(frozen=True)
class Sender:
    address: str
    name: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2] or "vendorflow.local"


def read_document(root: Path, doc: Document) -> bytes:
    try:
        data = (root / doc.path).read_bytes()
    except OSError as exc:
        raise DocumentChanged(f"{doc.path}: {exc.strerror or exc}") from exc
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        raise DocumentChanged(doc.path)
    return data


def _encoded_size(n: int) -> int:
    """Bytes an attachment of n bytes takes in a message: base64 in 76-character lines, plus its headers."""
    return (n + 56) // 57 * 78 + 400


def compose(
    delivery: Delivery, period: str, files: Mapping[str, bytes], settings: Settings, sender: Sender, limit: int
) -> tuple[list[Outgoing], list[Note]]:
    """The delivery's message(s) within the size limit: as they are; else zipped into one
    attachment; else split over several messages (each zipped only if that makes it fit).
    A document too large even alone is not sent and reported."""
    docs = list(delivery.documents)

    def build(
        part_docs: Sequence[Document], part: int, parts: int, zipped: bool, elsewhere: Sequence[mailer.Item] = ()
    ) -> Outgoing:
        return _build(delivery, period, part_docs, files, settings, sender, part, parts, zipped, elsewhere)

    whole = build(docs, 1, 1, False)
    if whole.size <= limit:
        return [whole], []
    zipped = build(docs, 1, 1, True)
    if zipped.size <= limit:
        return [zipped], []
    budget = limit - build([], 1, 1, False).size - 2000
    bins: list[list[Document]] = []
    too_large: list[Document] = []
    for doc in docs:  # first fit, in reading order
        need = _encoded_size(len(files[doc.path]))
        if need > budget:
            alone = build([doc], 1, 1, True)
            if alone.size > limit:
                too_large.append(doc)
                continue
        for b in bins:
            if sum(_encoded_size(len(files[d.path])) for d in b) + need <= budget:
                b.append(doc)
                break
        else:
            bins.append([doc])
    notes = [
        Note(
            delivery.group,
            f"{d.filename} 即使单独压缩也超过邮件大小限制（{limit / MIB:.1f} MB），未发送；"
            f"请上传 {BUNDLES}/ 中的文件包",
            f"{d.filename} is over the message size limit ({limit / MIB:.1f} MB) "
            f"even zipped on its own; not sent: upload the bundle in {BUNDLES}/ by hand",
            (d.path,),
        )
        for d in too_large
    ]
    parts = len(bins)
    where = [
        mailer.Item(*d.title, d.filename, d.sha256, delivery.marks.get(d.path, ""), n)
        for n, b in enumerate(bins, start=1)
        for d in b
    ]
    out = []
    for n, b in enumerate(bins, start=1):
        others = [i for i in where if i.part != n]
        msg = build(b, n, parts, False, others)
        if msg.size > limit:
            msg = build(b, n, parts, True, others)
        out.append(msg)
    return out, notes


def _build(
    delivery: Delivery,
    period: str,
    docs: Sequence[Document],
    files: Mapping[str, bytes],
    settings: Settings,
    sender: Sender,
    part: int,
    parts: int,
    zipped: bool,
    elsewhere: Sequence[mailer.Item],
) -> Outgoing:
    p = Period.parse(period)
    items = tuple(mailer.Item(*d.title, d.filename, d.sha256, delivery.marks.get(d.path, ""), part) for d in docs)
    stem = "documents" if delivery.internal else safe_name(delivery.group)
    zip_name = f"{stem}_{period}" + (f"_part{part}" if parts > 1 else "") + ".zip" if zipped else ""
    letter = mailer.Letter(
        audience="internal" if delivery.internal else "supplier",
        period_zh=period_zh(p),
        period_en=period_en(p),
        sender_short_zh=settings.sender_short_zh,
        org_zh=settings.org_zh,
        org_en=settings.org_en,
        dept_zh=settings.dept_zh,
        dept_en=settings.dept_en,
        items=items,
        recipient_id=delivery.group,
        recipient_zh=delivery.name_zh,
        recipient_en=delivery.name_en,
        contact_name=delivery.contact_name,
        zip_name=zip_name,
        part=part,
        parts=parts,
        elsewhere=tuple(elsewhere),
        resend=delivery.resend > 0,
        actions=tuple(DOC_TITLES[d.doc_type] for d in docs if d.doc_type in ACTION_NOTICES),
    )
    members = [(d.filename, files[d.path]) for d in docs]
    attachments = [(zip_name, mailer.zip_bytes(members))] if zipped else members
    key = [
        period,
        delivery.group,
        "zip" if zipped else "files",
        f"resend{delivery.resend}",
        *sorted(f"{d.path}:{d.sha256}" for d in docs),
    ]
    msg_id = mailer.message_id(sender.domain, *key)
    headers = {"X-Vendorflow-Period": period}
    if not delivery.internal:
        headers["X-Vendorflow-Supplier"] = delivery.group
    msg = mailer.build_message(
        subject=mailer.subject(letter),
        from_addr=sender.address,
        from_name=sender.name,
        to=delivery.to,
        cc=delivery.cc,
        body=mailer.body(letter),
        attachments=attachments,
        msg_id=msg_id,
        reply_to=settings.reply_to,
        headers=headers,
    )
    return Outgoing(delivery, tuple(docs), msg, msg_id, part, parts, zipped)


# --- the isolation check -------------------------------------------------------------------


def _allowed(group: str, doc: Document) -> bool:
    if group == INTERNAL:
        return doc.doc_type in INTERNAL_DOC_TYPES
    return (
        doc.doc_type in SUPPLIER_DOC_TYPES
        and doc.doc_type not in NEVER_TO_SUPPLIERS
        and doc.supplier_id == group
        and doc.filename.startswith(f"{safe_name(group)}_")
    )


def check_isolation(
    outgoing: Sequence[Outgoing],
    documents: Sequence[Document],
    bundles: Mapping[str, Sequence[tuple[str, bytes]]] | None = None,
) -> None:
    """Every attachment of every message (and every member of every bundle) is a document
    whose manifest entry names that recipient. Raises IsolationError listing all that are not."""
    by_path = {d.path: d for d in documents}
    by_sha: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        by_sha[d.sha256].append(d)
    problems: list[tuple[str, str]] = []

    def payload(group: str, where: str, name: str, data: bytes) -> None:
        base = name.rsplit("/", 1)[-1]
        digest = hashlib.sha256(data).hexdigest()
        if not any(_allowed(group, d) and d.filename == base for d in by_sha.get(digest, [])):
            owners = (
                ", ".join(f"{d.path} ({d.supplier_id or '—'})" for d in by_sha.get(digest, []))
                or "清单中没有 not in the manifest"
            )
            problems.append(
                (
                    f"{where} 的附件 {name} 不是发给{group_label(group)}的文件（清单：{owners}）",
                    f"{where}: attachment {name} is not a document for {group_label(group)} (manifest: {owners})",
                )
            )

    for out in outgoing:
        where = f"{group_label(out.group)} {out.message_id}"
        for doc in out.documents:
            listed = by_path.get(doc.path)
            if listed is None or listed.sha256 != doc.sha256 or not _allowed(out.group, listed):
                owner = listed.supplier_id if listed else "—"
                problems.append(
                    (
                        f"{where}：{doc.path} 在清单中属于 {owner}（{listed.doc_type if listed else '不在清单中'}）",
                        f"{where}: {doc.path} belongs to {owner} in the manifest "
                        f"({listed.doc_type if listed else 'not listed'})",
                    )
                )
        allowed = {addr.lower() for addr, _ in out.delivery.to + out.delivery.cc}
        for addr in out.delivery.envelope:
            if addr.lower() not in allowed:
                problems.append(
                    (
                        f"{where}：收件人 {addr} 不是该收件方的地址",
                        f"{where}: {addr} is not one of the recipient's addresses",
                    )
                )
        for name, data in mailer.attachments_of(out.message):
            payload(out.group, where, name, data)
    for group, members in (bundles or {}).items():
        for name, data in members:
            payload(group, f"{BUNDLES}/{group}", name, data)
    if problems:
        raise IsolationError(problems)


# --- bundles for portals -------------------------------------------------------------------


def contents_text(group: str, period: str, docs: Sequence[Document]) -> bytes:
    lines = [f"供应商 Supplier: {group}", f"期间 Period: {period}", "", "文件 Documents (SHA-256):"]
    lines += [f"  {d.title[0]} / {d.title[1]}: {d.filename}  {d.sha256}" for d in docs]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def bundle_members(docs: Sequence[Document], files: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    return [(d.filename, files[d.path]) for d in docs]


# --- the report ----------------------------------------------------------------------------


@dataclass
class Outcome:
    group: str
    message_id: str
    documents: tuple[str, ...]
    envelope: tuple[str, ...]
    status: str  # sent | partial | failed | written (dry run)
    detail_zh: str = ""
    detail_en: str = ""
    part: int = 1
    parts: int = 1
    zipped: bool = False
    correction: bool = False
    file: str = ""  # the .eml of a dry run


@dataclass
class Report:
    period: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)
    failed: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    uncertain: list[Note] = field(default_factory=list)  # held: outcome of an earlier send unknown
    bundles: list[str] = field(default_factory=list)
    outbox: list[str] = field(default_factory=list)

    def groups(self, status: str) -> list[str]:
        """Recipient groups by overall result: failed if anything of theirs failed; sent if
        something went out; skipped if everything they should have, they already had."""
        failed = {o.group for o in self.outcomes if o.status in ("failed", "partial")} | {n.group for n in self.failed}
        uncertain = {o.group for o in self.outcomes if o.status == "uncertain"} | {n.group for n in self.uncertain}
        sent = {o.group for o in self.outcomes if o.status in ("sent", "written")} - failed - uncertain
        skipped = {n.group for n in self.skipped} - failed - sent - uncertain
        groups = {"failed": failed, "sent": sent, "skipped": skipped, "uncertain": uncertain - failed}
        return sorted(groups[status], key=lambda g: (g == INTERNAL, g))

    @property
    def exit_code(self) -> int:
        """1 when anything needs the office: a failure, or a send whose outcome is unknown."""
        return 1 if self.groups("failed") or self.groups("uncertain") else 0

    def as_dict(self) -> dict[str, Any]:
        def note(n: Note) -> dict[str, Any]:
            return {
                "recipient": n.group,
                "message_zh": n.message_zh,
                "message_en": n.message_en,
                "documents": list(n.documents),
            }

        return {
            "period": self.period,
            "dry_run": self.dry_run,
            "sent": self.groups("sent"),
            "skipped": self.groups("skipped"),
            "failed": self.groups("failed"),
            "uncertain": self.groups("uncertain"),
            "messages": [
                {
                    "recipient": o.group,
                    "message_id": o.message_id,
                    "status": o.status,
                    "documents": list(o.documents),
                    "recipients": [mask_address(a) for a in o.envelope],
                    "part": o.part,
                    "parts": o.parts,
                    "zipped": o.zipped,
                    "correction": o.correction,
                    "detail_zh": o.detail_zh,
                    "detail_en": o.detail_en,
                    "file": o.file,
                }
                for o in self.outcomes
            ],
            "skipped_notes": [note(n) for n in self.skipped],
            "failed_notes": [note(n) for n in self.failed],
            "notes": [note(n) for n in self.notes],
            "uncertain_notes": [note(n) for n in self.uncertain],
            "bundles": self.bundles,
            "outbox": self.outbox,
            "exit_code": self.exit_code,
        }


def mask_address(addr: str) -> str:
    """Enough to recognise the recipient on screen, not enough to harvest the address."""
    local, _, domain = addr.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# --- the shell -----------------------------------------------------------------------------
