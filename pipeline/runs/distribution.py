"""The `distribute` run: plan, check isolation, then send (or write .eml files), with a ledger.

Each message is recorded in the history store's ledger as it goes, so a crash or a rerun never
sends a document twice; the period lock keeps the documents still while they are read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.config.policy import PolicyFile, read_policy
from pipeline.distribute import mailer
from pipeline.distribute.delivery import (
    BUNDLES,
    INTERNAL,
    INTERNAL_DOC_TYPES,
    OUTBOX,
    SUPPLIER_DOC_TYPES,
    Contacts,
    ListRow,
    Note,
    Outcome,
    Outgoing,
    Report,
    Sender,
    bundle_members,
    check_isolation,
    compose,
    contacts_from,
    contents_text,
    distribution_settings,
    in_formats,
    mask_address,
    plan_distribution,
    read_document,
    read_manifest,
)
from pipeline.errors import DocumentChanged
from pipeline.periods import Period
from pipeline.publish.history import HistoryStore
from pipeline.publish.jobs import safe_name
from pipeline.publish.locking import period_lock
from pipeline.publish.outputs import atomic_write
from pipeline.publish.pdfs import complete_pdfs, pdf_path
from pipeline.render.pdf import converter as pdf_converter
from pipeline.render.pdf import require_libreoffice
from pipeline.runs.runner import Runner
from pipeline.runs.stages import load_stage
from pipeline.settings import Limits
from pipeline.settings import Settings as DeploymentSettings
from pipeline.validation.records import validate_tables

TransportFactory = Callable[[Any, int, float], Any]


def run_distribution(
    period: str,
    outputs_dir: Path,
    inputs_dir: Path,
    policy_path: Path | None = None,
    *,
    dry_run: bool = False,
    resend: Iterable[str] = (),
    resend_uncertain: bool = False,
    allow_shared: bool = False,
    environ: Mapping[str, str] | None = None,
    deployment: DeploymentSettings | None = None,
    policy_file: PolicyFile | None = None,
    transport_factory: TransportFactory | None = None,
    wait_seconds: float = 0,
    progress: Callable[[Outcome], None] | None = None,
) -> Report:
    """Plan, check, then send (or, in a dry run, write .eml files to outbox/), recording each
    message in the ledger as it goes so a crash or a rerun never sends a document twice.
    `deployment` is the settings read at the edge; without it, from `environ` (or the process's
    environment: this is also the Python API's entry point)."""
    deployment = deployment or DeploymentSettings.from_env(environ)
    environ = deployment.environ

    code = Period.parse(period).code
    settings = distribution_settings(policy_file or read_policy(policy_path or inputs_dir / "policy.yaml"), environ)
    smtp = None if dry_run else mailer.smtp_settings(environ)  # bad settings stop here, before any work
    name, addr = (smtp.from_name, smtp.from_addr) if smtp else mailer.sender_from_env(environ)
    sender = Sender(addr or "vendorflow@localhost", name or f"{settings.sender_short_zh}{settings.dept_zh}")
    root = outputs_dir / code
    resend = {INTERNAL if r in ("internal", INTERNAL) else r for r in resend}
    report = Report(code, dry_run)
    with period_lock(
        outputs_dir, code, wait_seconds, deployment.history_url
    ):  # the documents cannot change under us; one sender at a time
        documents = read_manifest(root, code)
        if "pdf" in settings.supplier_formats and any(
            d.doc_type in SUPPLIER_DOC_TYPES and d.format == "docx" for d in documents
        ):
            require_libreoffice()  # before anything is sent: the policy says suppliers receive PDFs
            if complete_pdfs(root, SUPPLIER_DOC_TYPES, pdf_converter):
                documents = read_manifest(root, code)
        listed = documents
        documents = in_formats(listed, settings.supplier_formats)
        contacts = load_contacts(inputs_dir, deployment.limits)
        store = HistoryStore.for_outputs(outputs_dir, deployment.history_url, deployment.history_migrate)
        plan = plan_distribution(
            code,
            documents,
            contacts,
            settings.internal_recipients,
            store.sent_documents(code),
            resend,
            resend_uncertain=resend_uncertain,
            allow_shared=allow_shared,
        )
        report.skipped, report.failed, report.notes = plan.skipped, list(plan.failed), plan.notes
        report.uncertain = list(plan.uncertain)
        unknown = resend - {d.group for d in plan.deliveries} - set(plan.bundles) - {INTERNAL}
        for group in sorted(unknown):
            report.failed.append(
                Note(
                    group,
                    "--resend 指定的收件方在本期没有文件",
                    "--resend names a recipient with no documents this period",
                )
            )

        files: dict[str, bytes] = {}
        damaged: set[str] = set()
        sent_paths = {d.path for d in documents}
        for doc in listed:  # a Word file changed since its PDF was made stops the PDF too
            if doc.doc_type in SUPPLIER_DOC_TYPES + INTERNAL_DOC_TYPES and (
                doc.path in sent_paths or (doc.doc_type in SUPPLIER_DOC_TYPES and doc.format == "docx")
            ):
                try:
                    data = read_document(root, doc)
                    if doc.path in sent_paths:
                        files[doc.path] = data
                except DocumentChanged:
                    damaged.update((doc.path, pdf_path(doc.path)))
                    report.failed.append(
                        Note(
                            INTERNAL if doc.doc_type in INTERNAL_DOC_TYPES else doc.supplier_id or "?",
                            f"{doc.path} 在月度运行后被修改、损坏或删除，未发送：请重新运行 vendorflow run --period {code}",
                            f"{doc.path} was changed, damaged or removed after the monthly run; not sent: run "
                            f"vendorflow run --period {code} again",
                            (doc.path,),
                        )
                    )

        # bundles for portal upload: every supplier's current documents, whatever was sent
        bundle_members_by_group = {
            g: bundle_members(docs, files)
            for g, docs in plan.bundles.items()
            if not any(d.path in damaged for d in docs)
        }
        check_isolation([], documents, bundle_members_by_group)

        transport = None
        limit = settings.max_message_bytes
        if not dry_run and plan.deliveries:
            transport = (transport_factory or mailer.SmtpTransport)(
                smtp, settings.retry_attempts, settings.retry_backoff_seconds
            )
            try:
                transport.connect()
                limit = min(limit, transport.max_size or limit)
            except mailer.FatalTransportError as exc:
                transport = None
                for d in plan.deliveries:
                    report.failed.append(
                        Note(d.group, f"未发送：{exc}", f"not sent: {exc}", tuple(x.path for x in d.documents))
                    )
                plan.deliveries = []

        outgoing: list[Outgoing] = []
        for delivery in plan.deliveries:
            if any(d.path in damaged for d in delivery.documents):
                continue
            messages, notes = compose(delivery, code, files, settings, sender, limit)
            outgoing += messages
            report.failed += notes
        check_isolation(outgoing, documents)  # raises before the first message leaves

        for group, members in bundle_members_by_group.items():
            name = f"{BUNDLES}/{safe_name(group)}_{code}.zip"
            docs = plan.bundles[group]
            atomic_write(
                root / name, mailer.zip_bytes(members + [("清单 CONTENTS.txt", contents_text(group, code, docs))])
            )
            report.bundles.append(name)
        _remove_stale(root / BUNDLES, {Path(b).name for b in report.bundles}, ".zip")

        if dry_run:
            for out in outgoing:
                rel = f"{OUTBOX}/{out.file_stem(code)}.eml"
                atomic_write(root / rel, mailer.message_bytes(out.message))
                report.outbox.append(rel)
                report.outcomes.append(_outcome(out, "written", file=rel))
            _remove_stale(root / OUTBOX, {Path(r).name for r in report.outbox}, ".eml")
            return report

        fatal = ""
        try:
            for out in outgoing:
                if fatal:
                    outcome = _outcome(out, "failed", f"未尝试发送：{fatal}", f"not attempted: {fatal}")
                else:
                    outcome, fatal = _send_one(store, transport, out, code)
                report.outcomes.append(outcome)
                if progress:
                    progress(outcome)
        finally:
            if transport is not None:
                transport.close()
    return report


def _outcome(out: Outgoing, status: str, zh: str = "", en: str = "", file: str = "") -> Outcome:
    return Outcome(
        out.group,
        out.message_id,
        tuple(d.path for d in out.documents),
        out.delivery.envelope,
        status,
        zh,
        en,
        out.part,
        out.parts,
        out.zipped,
        any(out.delivery.marks.get(d.path) == "corrected" for d in out.documents),
        file,
    )


def _send_one(store, transport, out: Outgoing, period: str) -> tuple[Outcome, str]:
    """One message, bracketed by its ledger rows. Returns the outcome and, when the server
    cannot be used any more, why (the rest of the batch is then not attempted)."""
    attempt = str(uuid.uuid4())
    store.begin_send(
        attempt,
        period,
        out.group,
        out.message_id,
        [
            {
                "path": d.path,
                "sha256": d.sha256,
                "doc_type": d.doc_type,
                "correction": out.delivery.marks.get(d.path) == "corrected",
            }
            for d in out.documents
        ],
        out.delivery.envelope,
    )
    try:
        result = transport.send(mailer.stamp_date(out.message), out.delivery.envelope)
    except mailer.FatalTransportError as exc:
        store.record_send(attempt, "failed", (), str(exc))
        return _outcome(out, "failed", f"未发送：{exc}", f"not sent: {exc}"), str(exc)
    except BaseException as exc:
        store.record_send(attempt, "failed", (), f"{type(exc).__name__}: {exc}")
        raise
    refused = "; ".join(f"{mask_address(a)}: {why}" for a, why in result.refused.items())
    error = "; ".join(x for x in (result.error, refused) if x)
    store.record_send(attempt, result.status, result.delivered, error or None)
    if result.status == "sent":
        return _outcome(out, "sent"), ""
    if result.status == "uncertain":
        return _outcome(
            out,
            "uncertain",
            f"结果未知：邮件已完整发出但服务器未应答（{error}），可能已送达；不会自动重发，请向收件方确认后用 "
            "--resend-uncertain 重发",
            f"outcome unknown: the whole message went but the server never answered ({error}); it may have "
            "arrived, so it is not resent automatically: check with the recipient, then use --resend-uncertain",
        ), ""
    if result.status == "partial":
        return _outcome(
            out,
            "partial",
            f"部分收件人被拒收：{refused}；其余已送达",
            f"refused for some recipients: {refused}; delivered to the others",
        ), ""
    return _outcome(
        out,
        "failed",
        f"发送失败（共尝试 {result.attempts} 次）：{error}",
        f"not sent after {result.attempts} attempt{'s' if result.attempts > 1 else ''}: {error}",
    ), ""


def _remove_stale(folder: Path, keep: set[str], suffix: str) -> None:
    if folder.is_dir():
        for p in folder.iterdir():
            if p.is_file() and p.suffix == suffix and p.name not in keep:
                p.unlink()


def load_contacts(inputs_dir: Path, limits: Limits = Limits()) -> Contacts:
    """The supplier master and distribution list as they are now in the inputs folder
    (read and validated like any run; nothing there is moved or changed)."""
    loaded = load_stage(inputs_dir, limits)
    tables = [t for t in loaded.tables if t.kind in ("suppliers", "distribution")]
    validated = validate_tables(tables, loaded.aliases, present={"suppliers", "distribution"})
    supplier_issues = [i for i in validated.issues if i.kind == "suppliers"]
    list_issues = [i for i in validated.issues if i.kind == "distribution"]
    rows = [ListRow(r.data, r.file, r.row, r.columns) for r in validated.records.get("distribution", [])]
    contacts = contacts_from(validated.data("suppliers"), rows, supplier_issues)
    contacts.list_issues = list_issues + contacts.list_issues
    return contacts


def distribution(
    run: Runner,
    settings: DeploymentSettings,
    period: str,
    outputs_dir: Path,
    inputs_dir: Path,
    policy_path: Path | None = None,
    dry_run: bool = False,
    resend: Iterable[str] = (),
    wait_seconds: float = 0,
    resend_uncertain: bool = False,
    allow_shared: bool = False,
) -> Report:
    """`vendorflow distribute`, declared once: one stage for the whole batch (the ledger, not
    the orchestrator, makes a retry safe; the transport retries each message with backoff)."""
    report = run.stage(
        "distribute",
        run_distribution,
        period,
        outputs_dir,
        inputs_dir,
        policy_path,
        dry_run=dry_run,
        resend=list(resend),
        resend_uncertain=resend_uncertain,
        allow_shared=allow_shared,
        wait_seconds=wait_seconds,
        progress=run.progress,
        deployment=settings,
    )
    run.announce("distribution", report)
    return report


def distribute_after_monthly(
    run: Runner,
    settings: DeploymentSettings,
    config: PolicyFile,
    period: str,
    outputs_dir: Path,
    inputs_dir: Path,
    policy_path: Path | None = None,
) -> Report | None:
    """The monthly run's last step when the policy says `distribution.send_after_monthly_run: true`
    (called after the period lock is released). None when not configured."""
    if not distribution_settings(config, settings.environ).send_after_monthly_run:
        return None
    return run.stage(
        "distribute",
        run_distribution,
        period,
        outputs_dir,
        inputs_dir,
        policy_path,
        deployment=settings,
        policy_file=config,
    )
