"""Quarterly and annual reviews (定期评审): roll up the months the history store recorded.

A month without a record is shown as missing and left out of averages — never counted as
zero — so a supplier that started mid-quarter is judged on the months it worked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.compute.meeting import meeting_items
from pipeline.compute.rollup import ReviewPeriod, roll_up
from pipeline.config.policy import Policy, PolicyFile
from pipeline.config.resources import SHIPPED_TEMPLATES
from pipeline.documents.meeting import meeting_brief_context
from pipeline.documents.review import portfolio_review_context, review_block, supplier_review_context
from pipeline.errors import ConfigError
from pipeline.publish.history import HistoryStore
from pipeline.publish.jobs import Job, make_job, plan_documents, safe_name
from pipeline.publish.locking import period_lock
from pipeline.publish.outputs import manifest_bytes, publish_manifest, remove_stale, retire_manifest
from pipeline.runs.runner import PlainRunner, Runner
from pipeline.settings import Settings


@dataclass
class ReviewSummary:
    code: str
    outputs: Path
    suppliers: int
    documents: int
    months_recorded: int
    manifest: Path


def review_jobs(
    store: HistoryStore, review: ReviewPeriod, policy: Policy, templates: Path = SHIPPED_TEMPLATES
) -> list[Job]:
    """One periodic review per supplier with a recorded month, and the portfolio's."""
    codes = [m.code for m in review.months]
    results = store.current_results(codes)
    rolls = roll_up(results, review, policy)
    flags = store.current_flags(codes)
    actions = store.current_actions(codes)
    jobs = []
    for roll in rolls:
        ctx = supplier_review_context(
            roll,
            review,
            policy,
            [f for f in flags if f["supplier_id"] == roll.supplier_id],
            [a for a in actions if a["supplier_id"] == roll.supplier_id],
            None,
        )
        jobs.append(
            make_job(
                f"reports/{safe_name(roll.supplier_id)}_review_{review.code}.docx",
                str(templates / "periodic_review.docx"),
                ctx,
                "periodic_review",
                roll.supplier_id,
            )
        )
    jobs += meeting_jobs(store, review, policy, rolls, actions, templates)
    if rolls:
        jobs.append(
            make_job(
                f"summary/portfolio_{review.code}.docx",
                str(templates / "periodic_portfolio.docx"),
                portfolio_review_context(rolls, review, policy, flags, actions),
                "periodic_portfolio",
            )
        )
    return jobs


def meeting_jobs(
    store: HistoryStore,
    review: ReviewPeriod,
    policy: Policy,
    rolls: list,
    actions: list[dict],
    templates: Path = SHIPPED_TEMPLATES,
) -> list[Job]:
    """供应商沟通会议纪要 with a quarterly review, for the suppliers the policy names
    (`review.meeting_briefs`: all, or with_items — only those with something to discuss)."""
    if review.kind != "quarterly" or policy.meeting_briefs == "none" or not rolls:
        return []
    codes = [m.code for m in review.months]
    follow_ups: dict[str, list[dict]] = {}
    for row in store.current_follow_ups(codes):
        follow_ups.setdefault(row["supplier_id"], []).append(row)
    notices: dict[str, list[dict]] = {}
    for a in actions:
        notices.setdefault(a["supplier_id"], []).append(a)
    before = review.previous()
    previous = {
        r.supplier_id: r for r in roll_up(store.current_results([m.code for m in before.months]), before, policy)
    }
    lowest = policy.grades[-1].grade
    jobs = []
    for roll in rolls:
        items = meeting_items(
            roll,
            review,
            follow_ups.get(roll.supplier_id, []),
            notices.get(roll.supplier_id, []),
            previous.get(roll.supplier_id),
        )
        if policy.meeting_briefs == "with_items" and not items.has_items(lowest):
            continue
        jobs.append(
            make_job(
                f"reports/{safe_name(roll.supplier_id)}_meeting_{review.code}.docx",
                str(templates / "supplier_meeting.docx"),
                meeting_brief_context(items, review, policy),
                "meeting_brief",
                roll.supplier_id,
            )
        )
    return jobs


def recorded_policy(store: HistoryStore, review: ReviewPeriod) -> Policy:
    """The policy the latest recorded month of the review was scored with, as the store kept it."""
    found = store.policy_of([m.code for m in review.months])
    if found is None:
        raise ConfigError(
            f"历史数据库没有保存{review_block(review)['zh']}各月使用的评分规则（由较早版本记录）：请用 --policy 指定 policy.yaml",
            f"the history store does not hold the policy the months of {review_block(review)['en']} were scored with "
            "(recorded by an earlier release): give it with --policy",
            file=store.where(),
        )
    sha256, source, text = found
    return PolicyFile.from_text(text, source, sha256).policy


def render_review(
    run: Runner, settings: Settings, outputs_dir: Path, review: ReviewPeriod, policy: Policy | None = None
) -> ReviewSummary:
    """Without `policy`, the one the history store kept with the review's latest month."""
    store = HistoryStore.for_outputs(outputs_dir, settings.history_url, settings.history_migrate)
    root = outputs_dir / review.code
    with period_lock(outputs_dir, review.code, store_url=settings.history_url):
        if policy is None and store.current_results([m.code for m in review.months]):
            policy = recorded_policy(store, review)
        jobs = review_jobs(store, review, policy, settings.templates) if policy is not None else []
        if not jobs:
            raise ConfigError(
                f"历史数据库中没有{review_block(review)['zh']}的记录：请先运行这些月份的月度评估",
                f"the history store has no month of {review_block(review)['en']}: "
                "run the monthly review for those months first",
                file=store.where(),
            )
        todo, reused = plan_documents(root, jobs)
        retire_manifest(root)  # a manifest is only ever true: none while files are being replaced
        written = reused + run.render(todo, root, len(todo))
        remove_stale(root, {w.path for w in written})
        recorded = sorted({r.period for r in store.current_results([m.code for m in review.months])})
        inputs = [{"path": f"history:{p}", "kind": "history", "sha256": "", "bytes": 0} for p in recorded]
        manifest = manifest_bytes(
            review.code, written, inputs, {"path": Path(policy.source).name, "sha256": policy.sha256}
        )
        publish_manifest(root, manifest)
    return ReviewSummary(
        review.code,
        root,
        len([j for j in jobs if j.doc_type == "periodic_review"]),
        len(written),
        len(recorded),
        root / "manifest.json",
    )


def review(
    run: Runner, settings: Settings, outputs_dir: Path, period_text: str, policy: Policy | None = None
) -> ReviewSummary:
    """`vendorflow review`, declared once: the quarter's or year's roll-up of the months the
    history store recorded, one report per supplier and a portfolio summary. Scored with the
    policy the store kept (the one the months were scored with) unless one is given."""
    period = ReviewPeriod.parse(period_text)
    summary = run.stage("periodic-review", render_review, run, settings, outputs_dir, period, policy)
    run.announce("review", summary)
    return summary


def run_review(
    outputs_dir: Path, period_text: str, policy: Policy | None = None, settings: Settings | None = None
) -> ReviewSummary:
    """`vendorflow review` without Prefect, in one call (without `settings`, the environment's)."""
    return review(PlainRunner(), settings or Settings.from_env(), outputs_dir, period_text, policy)
