"""The 申诉处理结果通知书 / Appeal Decision: what was appealed, what was decided and why, and what
it does to the money — one letter per supplier and month, listing each appeal decided in it.

It cites the incident as the notices do (id, date, type and severity in words, the facts), the
supplier's grounds and the office's reasons in each language ("(in Chinese only)" where the
register has no English), and the effect: the credit on this month's statement, none for a
rejected appeal, nothing to reverse when the incident was never charged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.compute.appeals import Decision
from pipeline.compute.month import SupplierMonth
from pipeline.config.clauses import shipped_clauses
from pipeline.config.policy import Policy
from pipeline.documents.english import romanised, text_en
from pipeline.documents.formatting import date_en, date_zh, money, period_block
from pipeline.periods import Period

DECISION_WORDS = {
    "upheld": ("申诉成立", "Upheld"),
    "partially_upheld": ("申诉部分成立", "Partially upheld"),
    "rejected": ("申诉不成立，予以驳回", "Rejected"),
}


def _effect(d: Decision, statement_no: str) -> tuple[str, str]:
    if d.reversed > 0:
        return (
            f"退还违约金{money(d.reversed)}元，列入本期结算单{statement_no}（贷记行，注明本申诉及原结算期间）。",
            f"{money(d.reversed)} of liquidated damages is reversed, as a credit line on this month's statement "
            f"{statement_no} naming this appeal and the original period.",
        )
    if d.same_month:
        return (
            "该事件在其发生当月即经处理，未计违约金，无需退还。",
            "The incident was decided in its own month and never charged: nothing to reverse.",
        )
    if d.decision == "rejected":
        return (
            "原违约金维持不变，本期结算不作调整。",
            "The liquidated damages stand; this month's settlement is not adjusted.",
        )
    return (
        "该事件在原结算期间未计违约金，无需退还。",
        "The incident carried no liquidated damages in its original settlement: nothing to reverse.",
    )


def _row(d: Decision, statement_no: str) -> dict[str, Any]:
    from pipeline.documents.monthly import notice_incident_row

    a = d.appeal
    word_zh, word_en = DECISION_WORDS[d.decision]
    effect_zh, effect_en = _effect(d, statement_no)
    original = period_block(Period.parse(d.original_period))
    return {
        "appeal_id": d.appeal_id,
        "incident": notice_incident_row(d.incident),
        "filed_zh": date_zh(a["filed_date"]),
        "filed_en": date_en(a["filed_date"]),
        "grounds_zh": a["grounds"],
        "grounds_en": text_en(a.get("grounds_en"), a["grounds"]),
        "decision_zh": word_zh,
        "decision_en": word_en,
        "decided_zh": date_zh(a["decided_date"]),
        "decided_en": date_en(a["decided_date"]),
        "decided_by": a.get("decided_by", ""),
        "decided_by_en": romanised(str(a.get("decided_by", ""))),
        "reason_zh": a.get("reason_zh", "") or "—",
        "reason_en": text_en(a.get("reason_en"), a.get("reason_zh")) or "—",
        "original_period_zh": original["zh"],
        "original_period_en": original["en"],
        "charged": money(d.charged),
        "reversed": money(d.reversed),
        "effect_zh": effect_zh,
        "effect_en": effect_en,
    }


def appeal_context(sm: SupplierMonth, policy: Policy, period: Period) -> dict[str, Any]:
    from pipeline.documents.monthly import _contract_type, _main_contract, _notice_supplier, delivery_block, org_block

    statement_no = f"ST-{period.code}-{sm.supplier_id}"
    ctype = _contract_type(sm)
    clauses = shipped_clauses()
    return {
        "org": org_block(policy),
        "period": period_block(period),
        "doc": {
            "no": f"AD-{period.code}-{sm.supplier_id}",
            "date_zh": date_zh(period.end),
            "date_en": date_en(period.end),
        },
        "supplier": _notice_supplier(sm),
        "contract": _main_contract(sm),
        "decisions": [_row(d, statement_no) for d in sm.appeals],
        "total_reversed": money(sum((d.reversed for d in sm.appeals), Decimal(0))),
        "statement_no": statement_no,
        "clauses": {
            key: clauses.cite(ctype, key).as_context()
            for key in ("liquidated_damages", "evaluation_dispute", "disputes", "notices")
        },
        "delivery": delivery_block(sm),
    }
