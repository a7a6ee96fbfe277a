"""Bilingual contracts, one per contract record: the context each contract template receives,
and the plain stages of the `contracts` command (jobs, publish) around it.

Every value arrives preformatted in both languages, so the legal wording stays in the
templates (which the legal department edits in Word) and every figure is computed and
tested here. Dates come from the record, never from the clock, so a rerun reproduces
the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config.contract_terms import ContractTerms, load_terms
from pipeline.config.labels import label
from pipeline.config.policy import Policy
from pipeline.config.resources import SHIPPED_TEMPLATES
from pipeline.documents import messages
from pipeline.documents.contracts import city_of, contract_context, pricing_of
from pipeline.documents.formatting import date_en, date_zh
from pipeline.documents.shapes import known_example
from pipeline.errors import ConfigError, Issue, PdfFailed, display_value
from pipeline.publish.jobs import Job, make_job, plan_documents, safe_name
from pipeline.publish.locking import period_lock
from pipeline.publish.outputs import (
    Written,
    manifest_bytes,
    previous_entries,
    publish_manifest,
    remove_stale,
    retire_manifest,
    write_output,
)
from pipeline.render import pdf as libreoffice
from pipeline.render.checks import check_template, errors
from pipeline.runs.runner import PlainRunner, Runner
from pipeline.runs.stages import Loaded, find_policy, input_fingerprints, load_stage, validate_stage
from pipeline.settings import Limits, Settings
from pipeline.validation.records import Record, Validated

TEMPLATES = {
    "service": "contract_service.docx",
    "labor_outsourcing": "contract_labor_outsourcing.docx",
    "labor_dispatch": "contract_labor_dispatch.docx",
}
CONTRACT_KINDS = ("suppliers", "contracts", "contract_items")
DOC_TYPE, PDF_DOC_TYPE = "contract", "contract_pdf"


# --------------------------------------------------------------------------- jobs


@dataclass
class ContractPlan:
    """What a contracts run will write, and what it found on the way."""

    jobs: list[Job] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # records left out (exit 1)
    warnings: list[Issue] = field(default_factory=list)  # rendered, but a reviewer should look
    folder: str = ""


def _issue(rec: Record, fld: str, zh: str, en: str, code: str, rule: str = "") -> Issue:
    return Issue(
        file=rec.file,
        row=rec.row,
        column=rec.columns.get(fld, fld),
        value=display_value(rec.data.get(fld)),
        message_zh=zh,
        message_en=en,
        kind=rec.kind,
        field=fld,
        key=rec.data.get("contract_no") or rec.data.get("supplier_id"),
        code=code,
        sheet=getattr(rec, "sheet", None),
        rule=rule or f"contract:{fld}",
    )


_PARTY_B_NEEDED = {
    "legal_rep": ("法定代表人", "legal representative"),
    "address_zh": ("地址", "address"),
    "address_en": ("英文地址", "English address"),
    "contact_name": ("联系人", "contact"),
    "bank_account": ("银行账号", "bank account"),
    "name_en": ("英文名称", "English name"),
}


def per_head_flag(rec: Record, items: Sequence[Mapping[str, Any]]) -> Issue | None:
    """A labour-outsourcing contract with an item priced per head (or with no pricing, which means
    per head): the high risk flag of 假外包、真派遣, in the catalogue's words (outsourcing_per_head)."""
    c = rec.data
    if c["contract_type"] != "labor_outsourcing":
        return None
    per_head = [i for i in items if pricing_of(i) == "per_head"]
    if not per_head:
        return None
    code = "outsourcing_per_head"
    zh, en = messages.text(
        code,
        {
            "contract_no": c["contract_no"],
            "items_zh": "、".join(i["role_zh"] for i in per_head),
            "items_en": ", ".join(i.get("role_en") or i["role_zh"] for i in per_head),
        },
    )
    sev_zh, sev_en = label("severity", messages.catalogue()[code].severity or "high")
    return Issue(
        file=rec.file,
        row=rec.row,
        column=rec.columns.get("contract_type", "contract_type"),
        value=display_value(c.get("contract_type")),
        message_zh=f"风险预警（{sev_zh}）：{zh}",
        message_en=f"Risk flag ({sev_en.upper()}): {en}",
        kind=rec.kind,
        field="contract_type",
        key=c["contract_no"],
        code="risk_flag",
        sheet=getattr(rec, "sheet", None),
        rule=f"risk:{code}",
    )


def _checks(
    rec: Record, srec: Record, terms: ContractTerms, items: Sequence[Mapping[str, Any]] = ()
) -> tuple[list[Issue], list[Issue]]:
    """Rules a legal reviewer applies before a contract goes out for signature."""
    c, s = rec.data, srec.data
    issues, warnings = [], []
    no = c["contract_no"]
    flag = per_head_flag(rec, items)
    if flag is not None:
        warnings.append(flag)
    if c["contract_type"] == "labor_dispatch":
        if not s.get("dispatch_permit_no"):
            issues.append(
                _issue(
                    rec,
                    "contract_type",
                    f"合同{no}为劳务派遣协议，但供应商{s['supplier_id']}没有劳务派遣经营许可证，不能生成",
                    f"contract {no} is a labour-dispatch agreement but supplier {s['supplier_id']} has no labour-dispatch permit; not rendered",
                    "contract_rule",
                )
            )
        elif s.get("dispatch_permit_expiry"):
            expiry = s["dispatch_permit_expiry"]
            signed = c.get("sign_date") or c["start_date"]
            if expiry < signed:
                issues.append(
                    _issue(
                        srec,
                        "dispatch_permit_expiry",
                        f"劳务派遣经营许可证已于{date_zh(expiry)}过期，早于合同{no}的签订/开始日期，不能生成劳务派遣协议",
                        f"the labour-dispatch permit expired on {date_en(expiry)}, before contract {no} is signed or starts; not rendered",
                        "contract_rule",
                    )
                )
            elif expiry < c["end_date"]:
                warnings.append(
                    _issue(
                        srec,
                        "dispatch_permit_expiry",
                        f"劳务派遣经营许可证将于{date_zh(expiry)}到期，早于合同{no}的结束日期；协议已写明乙方须按期延续",
                        f"the labour-dispatch permit expires on {date_en(expiry)}, before contract {no} ends; the agreement requires Party B to renew it",
                        "warning",
                    )
                )
    for fld, (zh, en) in _PARTY_B_NEEDED.items():
        if not s.get(fld):
            warnings.append(
                _issue(
                    srec,
                    fld,
                    f"供应商未填写{zh}，合同{no}中留有空白横线待手工填写",
                    f"the supplier has no {en}; contract {no} shows a blank line to complete by hand",
                    "warning",
                )
            )
    if s["status"] in ("suspended", "exited", "candidate"):
        st_zh, st_en = label("status", s["status"])
        warnings.append(
            _issue(
                srec,
                "status",
                f"供应商状态为“{st_zh}”，请确认是否应与其签订合同{no}",
                f"the supplier's status is {st_en.lower()}; confirm that contract {no} should be signed",
                "warning",
            )
        )
    venue = c.get("dispute_venue")
    if venue and venue.strip() not in terms.venues:
        warnings.append(
            _issue(
                rec,
                "dispute_venue",
                "争议解决机构不在合同参数的英文名称表中，英文文本引用中文名称",
                "the dispute venue has no English name in contract_terms.yaml; the English text quotes the Chinese name",
                "warning",
            )
        )
    if not venue and not city_of(s.get("address_zh")):
        warnings.append(
            _issue(
                srec,
                "address_zh",
                "无法从供应商地址中识别所在城市，争议条款写为“乙方住所地有管辖权的人民法院”",
                "no city found in the supplier's address; the dispute clause names the court at Party B's domicile without a city",
                "warning",
            )
        )
    return issues, warnings


def folder_name(contracts: Sequence[Mapping[str, Any]], period: str | None) -> str:
    """outputs/<period or date>/: a given --period, else the newest sign date in the
    records (data, not the clock), else the newest start date."""
    if period:
        return period
    signed = [c["sign_date"] for c in contracts if c.get("sign_date")]
    dates = signed or [c["start_date"] for c in contracts]
    return max(dates) if dates else "contracts"


def contract_jobs(
    validated: Validated, policy: Policy, terms: ContractTerms, template_dir: Path, period: str | None = None
) -> ContractPlan:
    plan = ContractPlan()
    suppliers = {r.data["supplier_id"]: r for r in validated.records.get("suppliers", [])}
    items: dict[str, list[dict[str, Any]]] = {}
    for i in validated.data("contract_items"):
        items.setdefault(i["contract_no"], []).append(i)
    records = sorted(validated.records.get("contracts", []), key=lambda r: r.data["contract_no"])
    rendered = []
    for rec in records:
        c = rec.data
        srec = suppliers.get(c["supplier_id"])
        if srec is None:  # validation already reported it (or suppliers were not supplied)
            plan.issues.append(
                _issue(
                    rec,
                    "supplier_id",
                    f"供应商{c['supplier_id']}不在供应商名录中，无法生成合同",
                    f"supplier {c['supplier_id']} is not in the supplier master; no contract rendered",
                    "contract_rule",
                )
            )
            continue
        issues, warnings = _checks(rec, srec, terms, items.get(c["contract_no"], []))
        plan.warnings += warnings
        if issues:
            plan.issues += issues
            continue
        context = contract_context(c, srec.data, items.get(c["contract_no"], []), policy, terms)
        template = str((template_dir / TEMPLATES[c["contract_type"]]).resolve())
        plan.jobs.append(
            make_job(f"contracts/{safe_name(c['contract_no'])}.docx", template, context, DOC_TYPE, c["supplier_id"])
        )
        rendered.append(c)
    plan.folder = folder_name(rendered, period)
    return plan


def contract_issues(issues: Sequence[Issue]) -> list[Issue]:
    """The validation problems that concern contracts: the rest belong to the monthly run."""
    return [i for i in issues if i.kind in CONTRACT_KINDS or not i.kind]


def templates_needed(plan: ContractPlan) -> list[Path]:
    return sorted({Path(j.template) for j in plan.jobs})


def resolve_templates(templates: str | Path | None, default: Path = SHIPPED_TEMPLATES) -> Path:
    """--templates DIR when given, else the settings' templates folder."""
    return Path(templates) if templates else default


# --------------------------------------------------------------------------- publish


def previous_other_files(root: Path) -> list[Written]:
    """Entries of an existing manifest in the folder that another command wrote (the
    monthly run, when --period names its folder): kept, so one manifest lists all."""
    try:
        return [
            Written(f["path"], f["sha256"], f["bytes"], f["doc_type"], f.get("supplier_id"), f.get("context_sha256"))
            for f in previous_entries(root).values()
            if f.get("doc_type") not in (DOC_TYPE, PDF_DOC_TYPE, "manifest")
        ]
    except (KeyError, TypeError, AttributeError):
        return []


def pdf_stage(root: Path, documents: Sequence[Written]) -> list[Written]:
    """Converted through LibreOffice kept running for the batch (the pool where this machine can
    run one); each PDF then lands in contracts/ whole, like every other output."""

    if not documents:
        return []
    written = []
    with libreoffice.converter() as conv:
        for start in range(0, len(documents), 32):
            batch = documents[start : start + 32]
            try:
                pdfs = conv.convert([root / d.path for d in batch])
            except Exception as exc:
                raise PdfFailed(batch[0].path if len(batch) == 1 else f"{batch[0].path} …", str(exc)) from exc
            for doc, data in zip(batch, pdfs):
                rel = doc.path[: -len(".docx")] + ".pdf"
                written.append(write_output(root, rel, data, PDF_DOC_TYPE, doc.supplier_id))
    return written


def publish_contracts(
    root: Path, folder: str, documents: Sequence[Written], loaded: Loaded, policy: Policy, terms: ContractTerms
) -> Path:
    """Manifest last; files of an earlier contracts run that no longer apply are removed."""
    others = previous_other_files(root)
    written = list(documents) + others
    remove_stale(root, {w.path for w in written})
    inputs = input_fingerprints(loaded)
    inputs.append(
        {
            "path": Path(terms.source).name,
            "kind": "contract_terms",
            "sha256": terms.sha256,
            "bytes": len(Path(terms.source).read_bytes()) if terms.source else 0,
        }
    )
    manifest = manifest_bytes(folder, written, inputs, {"path": Path(policy.source).name, "sha256": policy.sha256})
    return publish_manifest(root, manifest)


# --------------------------------------------------------------------------- the run, without Prefect


@dataclass
class ContractRunSummary:
    folder: str
    outputs: Path
    documents: int = 0
    pdfs: int = 0
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    manifest: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.issues else 0


def preflight(plan: ContractPlan, template_dir: Path, pdf: bool) -> None:
    """Stop before anything is written when a template is missing or would fail, or
    when PDFs were asked for and LibreOffice is not there (exit 2)."""
    if not template_dir.is_dir():
        raise ConfigError("模板文件夹不存在", "the templates folder does not exist", file=str(template_dir))
    problems = []
    for path in templates_needed(plan):
        if not path.is_file():
            problems.append(f"{path.name}: 模板文件夹中缺少该模板 / missing from the templates folder")
            continue
        problems += [str(p) for p in errors(check_template(path, known=known_example))]
    if problems:
        raise ConfigError(
            "合同模板有问题，未生成任何合同（可用 vendorflow templates check 查看）",
            "the contract templates have problems; no contract was written (see vendorflow templates check)",
            file=str(template_dir),
            details=problems,
        )
    if pdf:
        libreoffice.require_libreoffice()


def plan_stage(
    validated: Validated,
    policy: Policy,
    templates: str | Path | None,
    period: str | None,
    terms: ContractTerms,
    default_templates: Path = SHIPPED_TEMPLATES,
) -> tuple[ContractPlan, Path]:
    template_dir = resolve_templates(templates, default_templates)
    plan = contract_jobs(validated, policy, terms, template_dir, period)
    plan.issues = contract_issues(validated.issues) + plan.issues
    return plan, template_dir


def load_contract_inputs(
    inputs_dir: Path, policy_path: Path | None, limits: Limits = Limits()
) -> tuple[Loaded, Validated, Policy, ContractTerms]:
    policy = find_policy(inputs_dir, policy_path)
    terms = load_terms()
    loaded = load_stage(inputs_dir, limits)
    return loaded, validate_stage(loaded, policy.currencies), policy, terms


def render_contracts(run: Runner, root: Path, jobs: Sequence[Job]) -> list[Written]:
    todo, reused = plan_documents(root, jobs)  # unchanged contracts are not rendered again
    return reused + run.render(todo, root, len(todo))


def contracts(
    run: Runner,
    settings: Settings,
    inputs_dir: Path,
    outputs_dir: Path,
    period: str | None = None,
    templates: str | Path | None = None,
    pdf: bool = False,
    policy_path: Path | None = None,
) -> ContractRunSummary:
    """`vendorflow contracts`, declared once. A template that would fail, or --pdf without
    LibreOffice, stops the run (ConfigError) before anything is written; the folder's period
    lock is held while it is written, as for every run that writes an output folder."""
    loaded, validated, policy, terms = run.stage(
        "contracts-load-and-validate", load_contract_inputs, inputs_dir, policy_path, settings.limits
    )
    plan, template_dir = plan_stage(validated, policy, templates, period, terms, settings.templates)
    preflight(plan, template_dir, pdf)
    root = outputs_dir / plan.folder
    with period_lock(outputs_dir, plan.folder, store_url=settings.history_url):
        retire_manifest(root)  # a manifest is only ever true: none while files are being replaced
        documents = run.stage("contracts-render", render_contracts, run, root, plan.jobs, retries=1)
        pdfs = run.stage("contracts-pdf", pdf_stage, root, documents) if pdf else []
        manifest = run.stage(
            "contracts-publish", publish_contracts, root, plan.folder, documents + pdfs, loaded, policy, terms
        )
    summary = ContractRunSummary(plan.folder, root, len(documents), len(pdfs), plan.issues, plan.warnings, manifest)
    run.announce("contracts", summary)
    return summary


def run_contracts(
    inputs_dir: Path,
    outputs_dir: Path,
    period: str | None = None,
    templates: str | Path | None = None,
    pdf: bool = False,
    policy_path: Path | None = None,
    settings: Settings | None = None,
) -> ContractRunSummary:
    """The whole `contracts` command without Prefect, in one call (without `settings`, the environment's)."""
    settings = settings or Settings.from_env()
    return contracts(PlainRunner(), settings, inputs_dir, outputs_dir, period, templates, pdf, policy_path)
