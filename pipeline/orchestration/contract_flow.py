"""Prefect 3 flow for `vendorflow contracts`: a thin shell over the plain stages in
`contracts.py` — one task to load and validate, rendering in chunks, one LibreOffice
process for all PDFs, and the manifest last. Never a task per document.
"""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from pipeline.runs import contracts
from pipeline.runs import monthly
from pipeline.runs.contracts import ContractRunSummary
from pipeline.config.contract_terms import ContractTerms
from pipeline.errors import ConfigError
from pipeline.publish.jobs import Job
from pipeline.runs.stages import Loaded
from pipeline.config.policy import Policy
from pipeline.publish.outputs import Written
from pipeline.validation.records import Validated
from pipeline.publish.jobs import plan_documents

RENDER_CHUNK = 25


@task(name="contracts-load-and-validate", cache_policy=NONE)
def load_task(inputs_dir: Path, policy_path: Path | None) -> tuple[Loaded, Validated, Policy, ContractTerms]:
    policy = monthly.find_policy(inputs_dir, policy_path)
    terms = contracts.load_terms()
    loaded = monthly.load_stage(inputs_dir)
    validated = monthly.validate_stage(loaded)
    get_run_logger().info("%d contract records", len(validated.records.get("contracts", [])))
    return loaded, validated, policy, terms


@task(name="contracts-render", cache_policy=NONE, retries=1, retry_delay_seconds=1)
def render_task(root: Path, jobs: list[Job]) -> list[Written]:
    return monthly.render_and_write(root, jobs)


@task(name="contracts-pdf", cache_policy=NONE)
def pdf_task(root: Path, documents: list[Written]) -> list[Written]:
    return contracts.pdf_stage(root, documents)


@task(name="contracts-publish", cache_policy=NONE)
def publish_task(root: Path, folder: str, written: list[Written], loaded: Loaded, policy: Policy,
                 terms: ContractTerms) -> Path:
    return contracts.publish_contracts(root, folder, written, loaded, policy, terms)


@flow(name="vendorflow-contracts", log_prints=False)
def contracts_flow(inputs: str = "inputs", outputs: str = "outputs", period: str | None = None,
                   templates: str | None = None, pdf: bool = False,
                   policy: str | None = None) -> ContractRunSummary | ConfigError:
    """A template that would fail, or --pdf without LibreOffice, comes back as a value (the
    ConfigError) for the command line to report before anything is written."""
    loaded, validated, the_policy, terms = load_task(Path(inputs), Path(policy) if policy else None)
    plan, template_dir = contracts.plan_stage(validated, the_policy, templates, period, terms)
    try:
        contracts.preflight(plan, template_dir, pdf)
    except ConfigError as exc:
        get_run_logger().info("%s", exc)
        return exc
    root = Path(outputs) / plan.folder
    todo, reused = plan_documents(root, plan.jobs)     # unchanged contracts are not rendered again
    chunks = [todo[i:i + RENDER_CHUNK] for i in range(0, len(todo), RENDER_CHUNK)]
    documents = reused + ([w for chunk in render_task.map(unmapped(root), chunks).result() for w in chunk] if chunks else [])
    pdfs = pdf_task(root, documents) if pdf else []
    manifest = publish_task(root, plan.folder, documents + pdfs, loaded, the_policy, terms)
    summary = ContractRunSummary(plan.folder, root, len(documents), len(pdfs), plan.issues, plan.warnings, manifest)
    create_markdown_artifact(
        key=f"contracts-{plan.folder}".lower().replace("_", "-"),
        markdown=(f"# Contracts {plan.folder}\n\n- contracts: {summary.documents}\n- PDFs: {summary.pdfs}\n"
                  f"- records left out: {len(summary.issues)}\n- warnings: {len(summary.warnings)}\n- outputs: `{root}`\n"),
        description="vendorflow contracts run summary",
    )
    return summary
