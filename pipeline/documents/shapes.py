"""The declared shape of every document context: what each template may read.

One `TypedDict` per template (`ReviewReportContext` for review_report.docx, …), built from
small shared blocks (`Org`, `Period`, `Doc`, …) and row shapes (`list[KpiRow]`). Every value
a builder hands a template is preformatted text (`str`) or a switch (`bool`); pictures are
`pipeline.render.Image`, or "" when there is none (`Image | str`). No key is optional today:
the builders always fill every key, with "" or "—" when there is nothing to say.

`SHAPES` maps a template file name to its shape. `conforms(context, shape)` walks a context
against its shape at run time and says what does not fit (a wrong type, a missing key, a key
the shape does not declare: the declared shape is the contract between code and template).
`example_context(shape)` builds a placeholder context from a shape, for checks that need one
(`vendorflow templates check` finds template fields the shape does not provide).

Only `pipeline.render` is imported here: the builders import this module's names, never the
reverse.
"""

import types
import typing
from typing import Any, NotRequired, Required, TypedDict, Union, get_args, get_origin, is_typeddict

from pipeline.render import Image

# Annotations are real objects here, not strings (no `from __future__ import annotations`):
# on Python 3.11 a TypedDict sees NotRequired only in an evaluated annotation.

# --------------------------------------------------------------------------- shared blocks


class ZhEn(TypedDict):
    """One bilingual sentence or cell (facts, notes, drivers, gate results, …)."""

    zh: str
    en: str


class Org(TypedDict):
    """The company issuing the document (policy.yaml)."""

    name_zh: str
    name_en: str
    department_zh: str
    department_en: str


class Period(TypedDict):
    """The month a monthly document is about."""

    code: str
    zh: str
    en: str
    start_zh: str
    start_en: str
    end_zh: str
    end_en: str


class Doc(TypedDict):
    """The document's own number and date."""

    no: str
    date_zh: str
    date_en: str


class Amount(TypedDict):
    """A sum of money in figures, in a sentence each language, and in words."""

    figures: str
    zh: str
    en: str
    words_zh: str
    words_en: str


class FlagRow(TypedDict):
    severity_zh: str
    severity_en: str
    zh: str
    en: str


class AmountRow(TypedDict):
    """A labelled amount (penalty and reward lines, reconciliation steps)."""

    zh: str
    en: str
    amount: str


class ScoreHistoryRow(TypedDict):
    period_zh: str
    period_en: str
    score: str
    grade: str


class SupplierParty(TypedDict):
    """A supplier as a notice or a periodic review addresses it."""

    id: str
    name_zh: str
    name_en: str
    uscc: str
    legal_rep: str
    legal_rep_en: str
    address_zh: str
    address_en: str
    contact_name: str
    contact_name_en: str
    contract_nos: str
    category_zh: str
    category_en: str


class GradeCountRow(TypedDict):
    grade: str
    label_zh: str
    label_en: str
    count: str
    share: str


class PortfolioTotals(TypedDict):
    payable: str
    payable_words_zh: str
    payable_words_en: str
    penalties: str
    rewards: str


class RejectedRow(TypedDict):
    """An input row set aside by validation (the value masked where it is personal data)."""

    file: str
    row: str
    column: str
    value: str
    message_zh: str
    message_en: str


class RiskRow(TypedDict):
    supplier: str
    supplier_en: str
    severity_zh: str
    severity_en: str
    zh: str
    en: str


class PortfolioActionRow(TypedDict):
    supplier: str
    supplier_en: str
    action_zh: str
    action_en: str
    zh: str
    en: str


# --------------------------------------------------------------------------- notices


class NoticeScore(TypedDict):
    period_zh: str
    period_en: str
    score: str
    grade: str
    grade_zh: str
    grade_en: str


class Deadline(TypedDict):
    available: bool
    zh: str
    en: str
    days: str


class StatusChange(TypedDict):
    available: bool
    from_zh: str
    from_en: str
    to_zh: str
    to_en: str
    reason_zh: str
    reason_en: str


class NoticeContract(TypedDict):
    no: str
    start_zh: str
    start_en: str
    end_zh: str
    end_en: str


class Handover(TypedDict):
    days: str
    end_zh: str
    end_en: str


class NoticeIncidentRow(TypedDict):
    """An incident as a notice states it; `description_en` never holds Chinese."""

    id: str
    date_zh: str
    date_en: str
    type_zh: str
    type_en: str
    severity_zh: str
    severity_en: str
    description_zh: str
    description_en: str


class ShortfallRow(TypedDict):
    """A KPI below its target this period."""

    name_zh: str
    name_en: str
    actual: str
    target: str
    lost: str


class ClauseRef(TypedDict):
    """A contract clause cited through schemas/clauses.yaml (pipeline.config.clauses.Clause.as_context)."""

    id: str
    number: str
    ref_zh: str
    ref_en: str
    title_zh: str
    title_en: str


class NoticeClauses(TypedDict):
    service_levels: ClauseRef
    liquidated_damages: ClauseRef
    improvement_plan: ClauseRef
    cure: ClauseRef
    termination_by_a: ClauseRef
    termination_uncured: ClauseRef
    data_security: ClauseRef
    exit: ClauseRef
    notices: ClauseRef
    confidentiality: ClauseRef
    grounds: list[ClauseRef]
    grounds_zh: str
    grounds_en: str


class Delivery(TypedDict):
    """Where the notice is served (the contract's notices clause): the supplier's address and e-mail."""

    address_zh: str
    address_en: str
    email: str
    contact_name: str
    contact_en: str


class SecurityTerms(TypedDict):
    hours: str
    return_days: str


class NoticeContext(TypedDict):
    """What `documents.monthly.notice_context` fills for every consequence notice; the five
    notice templates below share it."""

    org: Org
    period: Period
    doc: Doc
    supplier: SupplierParty
    score: NoticeScore
    history: list[ScoreHistoryRow]
    facts: list[ZhEn]
    requirements: list[ZhEn]
    deadline: Deadline
    status_change: StatusChange
    contract: NoticeContract
    handover: Handover
    flags: list[FlagRow]
    recommendation_zh: str
    recommendation_en: str
    incidents: list[NoticeIncidentRow]
    shortfalls: list[ShortfallRow]
    cure: Deadline
    clauses: NoticeClauses
    delivery: Delivery
    data_incident: bool
    security: SecurityTerms


class WarningLetterContext(NoticeContext):
    """warning_letter.docx, filled by `documents.monthly.notice_context`."""


class ImprovementNoticeContext(NoticeContext):
    """improvement_notice.docx, filled by `documents.monthly.notice_context`."""


class TerminationNoticeContext(NoticeContext):
    """termination_notice.docx, filled by `documents.monthly.notice_context`."""


class CommendationLetterContext(NoticeContext):
    """commendation_letter.docx, filled by `documents.monthly.notice_context`
    (its `requirements` are always empty)."""


class ExitReviewContext(NoticeContext):
    """exit_review.docx, filled by `documents.monthly.notice_context`."""


# --------------------------------------------------------------------------- contracts


class ContractHead(TypedDict):
    no: str
    type: str
    type_zh: str
    type_en: str
    title_zh: str
    title_en: str
    signed: bool
    sign_date_zh: str
    sign_date_en: str
    sign_place_zh: str
    sign_place_en: str
    counterparts: str
    counterparts_en: str
    counterparts_each: str
    counterparts_each_en: str


class Term(TypedDict):
    start_zh: str
    start_en: str
    end_zh: str
    end_en: str
    length_zh: str
    length_en: str
    default: bool
    default_years: str


class PartyA(TypedDict):
    name_zh: str
    name_en: str
    uscc: str
    legal_rep: str
    legal_rep_en: str
    address_zh: str
    address_en: str
    contact_name: str
    contact_name_en: str
    contact_phone: str
    contact_email: str


class PartyB(TypedDict):
    id: str
    name_zh: str
    name_en: str
    uscc: str
    legal_rep: str
    legal_rep_en: str
    address_zh: str
    address_en: str
    contact_name: str
    contact_name_en: str
    contact_phone: str
    contact_email: str
    bank_name: str
    bank_account: str
    category_zh: str
    category_en: str


class Scope(TypedDict):
    category: str
    zh: str
    en: str


class ContractItemRow(TypedDict):
    no: str
    code: str
    role_zh: str
    role_en: str
    pricing: str
    pricing_zh: str
    pricing_en: str
    unit_zh: str
    unit_en: str
    basis_zh: str
    basis_en: str
    by_volume: bool
    headcount: str
    unit_price: str
    amount: str
    nature: str
    nature_zh: str
    nature_en: str
    work_place_zh: str
    work_place_en: str
    period_zh: str
    period_en: str
    wage: str
    social_insurance: str
    management_fee: str


class ItemsTotal(TypedDict):
    headcount: str
    figures: str
    zh: str
    en: str
    words_zh: str
    words_en: str


class Price(TypedDict):
    currency: str
    currency_zh: str
    currency_en: str
    monthly_fee: Amount
    from_items: bool
    lump_sum: bool
    has_per_unit: bool
    has_fixed: bool
    results: bool
    fee_known: bool
    tax_included: bool
    tax_known: bool
    tax_rate: str
    payment_days: str
    net: Amount
    tax: Amount
    gross: Amount
    has_total: bool
    months: str
    total: Amount
    liability_cap: Amount
    integrity_damages: Amount


class DataTerms(TypedDict):
    level: str
    level_zh: str
    level_en: str
    strict: bool
    pipl_annex: bool
    nda: bool
    nda_date_zh: str
    nda_date_en: str


class SlaKpiRow(TypedDict):
    name_zh: str
    name_en: str
    weight: str
    target: str
    floor: str
    method_zh: str
    method_en: str


class SlaGradeRow(TypedDict):
    grade: str
    range: str
    label_zh: str
    label_en: str
    reward: str


class SlaIncidentRow(TypedDict):
    type_zh: str
    type_en: str
    low: str
    medium: str
    high: str
    critical: str


class SlaRewardRow(TypedDict):
    grade: str
    pct: str
    figures: str
    zh: str
    en: str
    words_zh: str
    words_en: str


class Sla(TypedDict):
    kpis: list[SlaKpiRow]
    grades: list[SlaGradeRow]
    incidents: list[SlaIncidentRow]
    late_pct_per_day: str
    late_per_day: Amount
    cap_pct: str
    cap: Amount
    rewards: list[SlaRewardRow]
    min_applicable_weight: str


class Termination(TypedDict):
    force_majeure_days: str
    handover_days: str
    cure_days: str
    termination_notice_days: str
    security_notice_hours: str
    data_return_days: str
    permit_notice_days: str
    consecutive_d_grades: str
    replacement_days: str
    payment_overdue_days: str
    liability_cap_months: str
    continuity_restore_hours: str


class Disputes(TypedDict):
    agreed: bool
    arbitration: bool
    venue_zh: str
    venue_en: str


class Language(TypedDict):
    zh_prevails: bool
    prevailing_zh: str
    prevailing_en: str


class DispatchDamages(TypedDict):
    wage_late_per_day: Amount
    insurance_proof_missing: Amount
    replacement_late_per_day: Amount
    unlicensed: Amount


class Dispatch(TypedDict):
    permit_no: str
    permit_expiry_zh: str
    permit_expiry_en: str
    expires_in_term: bool
    management_fee: Amount
    damages: DispatchDamages
    temporary: bool


class ContractContext(TypedDict):
    """What `documents.contracts.contract_context` fills for every contract; the three
    contract templates below share it (`dispatch` is filled for every type, blank when the
    supplier holds no dispatch permit)."""

    contract: ContractHead
    term: Term
    party_a: PartyA
    party_b: PartyB
    scope: Scope
    items: list[ContractItemRow]
    items_total: ItemsTotal
    price: Price
    data: DataTerms
    sla: Sla
    termination: Termination
    disputes: Disputes
    language: Language
    dispatch: Dispatch


class ContractServiceContext(ContractContext):
    """contract_service.docx, filled by `documents.contracts.contract_context`."""


class ContractLaborOutsourcingContext(ContractContext):
    """contract_labor_outsourcing.docx, filled by `documents.contracts.contract_context`."""


class ContractLaborDispatchContext(ContractContext):
    """contract_labor_dispatch.docx, filled by `documents.contracts.contract_context`."""


# --------------------------------------------------------------------------- monthly review


class ReviewSupplier(TypedDict):
    id: str
    name_zh: str
    name_en: str
    category_zh: str
    category_en: str
    status_zh: str
    status_en: str
    contract_nos: str
    contact_name: str
    contact_name_en: str


class Evaluation(TypedDict):
    rated: bool
    evaluator: str
    evaluator_en: str
    comment: str
    comment_en: str


class ReviewKpiRow(TypedDict):
    name_zh: str
    name_en: str
    actual: str
    target: str
    floor: str
    score: str
    weight: str
    weighted: str
    applicable: bool


class ReviewTotal(TypedDict):
    score: str
    grade: str
    grade_zh: str
    grade_en: str


class Previous(TypedDict):
    available: bool
    period_zh: str
    period_en: str
    score: str
    grade: str
    change: str
    direction_zh: str
    direction_en: str


class IncidentRow(TypedDict):
    id: str
    date_zh: str
    date_en: str
    type_zh: str
    type_en: str
    severity_zh: str
    severity_en: str
    days_late: str
    description: str


class ReviewMoney(TypedDict):
    currency: str
    penalty_total: str
    reward_total: str
    cap_applied: bool
    cap_note_zh: str
    cap_note_en: str


class TrendRow(TypedDict):
    period_zh: str
    period_en: str
    score: str
    grade: str
    change: str


class Trend(TypedDict):
    available: bool
    method_zh: str
    method_en: str
    score: str
    rows: list[TrendRow]
    chart: Image | str  # "" when there is no trend to draw


class SurveyRatingRow(TypedDict):
    rating: str
    count: str
    share: str  # of the responses, e.g. 40%


class SurveyDepartmentRow(TypedDict):
    department: str
    responses: str
    mean: str
    weight: str


class SurveyCommentRow(TypedDict):
    department: str
    respondent: str
    respondent_en: str
    rating: str
    zh: str
    en: str  # the English comment, or "(in Chinese only)"


class Surveys(TypedDict):
    """满意度调查: the period's responses, their distribution and comments."""

    available: bool  # any response this period
    responses: str
    mean: str
    note_zh: str  # how the satisfaction KPI relates to the surveys
    note_en: str
    ratings: list[SurveyRatingRow]
    departments: list[SurveyDepartmentRow]
    comments: list[SurveyCommentRow]


class InspectionRow(TypedDict):
    id: str
    date_zh: str
    date_en: str
    inspector: str
    inspector_en: str
    checked: str
    failed: str
    pass_rate: str
    result_zh: str
    result_en: str
    findings: str
    findings_en: str  # or "(in Chinese only)"


class PlanRow(TypedDict):
    """整改跟踪: one plan, or one notice still without its plan."""

    source_doc: str
    plan_id: str
    issue: str
    action: str
    owner: str
    owner_en: str
    deadline_zh: str  # when the plan itself was due (the notice's deadline)
    deadline_en: str
    due_zh: str  # when the plan's action is due
    due_en: str
    status_zh: str
    status_en: str
    closed_zh: str
    closed_en: str
    verified_by: str
    verified_by_en: str


class ReviewReportContext(TypedDict):
    """review_report.docx, filled by `documents.monthly.review_context`."""

    org: Org
    period: Period
    doc: Doc
    supplier: ReviewSupplier
    evaluation: Evaluation
    kpis: list[ReviewKpiRow]
    weights_renormalised: bool
    na_note_zh: str
    na_note_en: str
    total: ReviewTotal
    previous: Previous
    drivers: list[ZhEn]
    incidents: list[IncidentRow]
    penalties: list[AmountRow]
    rewards: list[AmountRow]
    money: ReviewMoney
    feedback_zh: str
    feedback_en: str
    trend: Trend
    flags: list[FlagRow]
    actions: list[ZhEn]
    surveys: Surveys
    inspections: list[InspectionRow]
    plans: list[PlanRow]


# --------------------------------------------------------------------------- settlement


class SettlementSupplier(TypedDict):
    id: str
    name_zh: str
    name_en: str
    uscc: str
    account_name: str
    bank_name: str
    bank_account: str
    category_zh: str
    category_en: str


class SettlementContractRow(TypedDict):
    no: str
    type_zh: str
    type_en: str
    monthly_fee: str
    currency: str
    tax_rate: str
    payment_days: str
    cap_zh: str  # 合同服务费的15% / 派遣管理费 (a dispatch agreement's damages come from its management fee)
    cap_en: str
    prorated_zh: str
    prorated_en: str


class SettlementItemRow(TypedDict):
    contract_no: str
    role_zh: str
    role_en: str
    basis_zh: str  # how the item is priced: 按人月：14人 / 按量计价：每件 / 固定费用：每月
    basis_en: str
    unit_price: str
    amount: str
    currency: str
    components_zh: str  # dispatch: wage + social insurance + management fee
    components_en: str


class VolumeRow(TypedDict):
    """The acceptance record of a per-unit item (工作量确认), or its pending state."""

    contract_no: str
    item_code: str
    role_zh: str
    role_en: str
    unit_zh: str
    unit_en: str
    submitted: str
    accepted: str
    rejected: str
    accepted_by: str
    date_zh: str
    date_en: str
    note: str


class SettlementLineRow(TypedDict):
    """quantity × rate = amount, to the fen."""

    no: str
    item_zh: str
    item_en: str
    quantity: str
    unit_zh: str
    unit_en: str
    rate: str
    sign: str
    amount: str
    words_zh: str
    words_en: str


class SettlementTotal(TypedDict):
    amount: str
    words_zh: str
    words_en: str


class SettlementTax(TypedDict):
    included: bool
    rate: str
    net: str
    net_words_zh: str
    net_words_en: str
    tax: str
    tax_words_zh: str
    tax_words_en: str


class InvoiceRow(TypedDict):
    """What to invoice on one kind of VAT invoice at one rate."""

    type_zh: str
    type_en: str
    net: str
    rate: str
    vat: str
    gross: str
    words_zh: str
    words_en: str


class SettlementCurrency(TypedDict):
    """One currency's settlement: its own lines, totals, invoices and due date."""

    code: str
    name_zh: str
    name_en: str
    lines: list[SettlementLineRow]
    total: SettlementTotal
    tax: SettlementTax
    invoices: list[InvoiceRow]
    due_zh: str
    due_en: str
    payment_days: str
    carried_forward: str  # "" when nothing is carried forward


class Payment(TypedDict):
    days: str
    zh: str
    en: str
    due_zh: str
    due_en: str


class PaymentHold(TypedDict):
    on_hold: bool
    zh: str
    en: str


class Approver(TypedDict):
    role_zh: str
    role_en: str
    name: str  # policy settlement.approvers; "" for a blank line


class AttendanceRow(TypedDict):
    """One labour contract settled on attendance: its rule and the reconciliation."""

    contract_no: str
    working_days: str
    rule_zh: str
    rule_en: str
    reconcile: list[AmountRow]
    contract_fee: str
    difference: str
    explain_zh: str
    explain_en: str


class RosterRow(TypedDict):
    no: str
    worker_id: str
    name: str
    id_number: str  # masked
    contract_no: str
    role_zh: str
    role_en: str
    post_nature_zh: str
    post_nature_en: str
    days: str
    overtime_hours: str
    note_zh: str
    note_en: str


class RosterFile(TypedDict):
    name: str  # the attendance workbook sent with the statement ("" when the annex is in Word)
    limit: str  # workforce.roster_in_word_max


class RoleTotalRow(TypedDict):
    contract_no: str
    role_zh: str
    role_en: str
    workers: str
    days: str
    overtime_hours: str


class RosterTotal(TypedDict):
    workers: str
    days: str
    overtime_hours: str
    refused: str  # workers refused (under age): listed, never settled


class SettlementStatementContext(TypedDict):
    """settlement_statement.docx, filled by `documents.settlement.settlement_context`."""

    org: Org
    period: Period
    doc: Doc
    supplier: SettlementSupplier
    contracts: list[SettlementContractRow]
    items: list[SettlementItemRow]
    currencies: list[SettlementCurrency]
    payment: Payment
    hold: PaymentHold
    approval: list[Approver]
    notes: list[ZhEn]
    attendance: list[AttendanceRow]
    volumes: list[VolumeRow]
    roster: list[RosterRow]
    roster_file: RosterFile
    roster_totals: list[RoleTotalRow]
    roster_total: RosterTotal


# --------------------------------------------------------------------------- monthly portfolio


class PortfolioCounts(TypedDict):
    suppliers: str
    evaluated: str
    rated: str
    rejected_rows: str


class PortfolioRow(TypedDict):
    id: str
    name_zh: str
    name_en: str
    category_zh: str
    category_en: str
    score: str
    grade: str
    change: str
    penalties: str
    rewards: str
    payable: str
    rank: str


class ExpiringRow(TypedDict):
    supplier: str
    supplier_en: str
    item_zh: str
    item_en: str
    date_zh: str
    date_en: str
    days: str


class StatusChangeRow(TypedDict):
    supplier: str
    supplier_en: str
    from_zh: str
    from_en: str
    to_zh: str
    to_en: str
    reason_zh: str
    reason_en: str


class WorkforceRow(TypedDict):
    supplier: str
    supplier_en: str
    on_site: str
    headcount: str
    days: str
    contract_fee: str
    amount: str
    difference: str
    flags: str


class Workforce(TypedDict):
    available: bool
    dispatch_zh: str
    dispatch_en: str
    rows: list[WorkforceRow]


class CostCategoryRow(TypedDict):
    category_zh: str
    category_en: str
    suppliers: str
    base: str
    penalties: str
    rewards: str
    payable: str
    tax_exclusive: str
    vat: str
    share: str


class CostTotal(TypedDict):
    base: str
    penalties: str
    rewards: str
    payable: str
    tax_exclusive: str
    vat: str


class CostBudgetRow(TypedDict):
    category_zh: str
    category_en: str
    budget: str
    actual: str
    variance: str
    variance_pct: str
    ytd_budget: str
    ytd_actual: str
    ytd_variance: str


class CostMonthRow(TypedDict):
    period: str
    base: str
    payable: str
    tax_exclusive: str
    vat: str


class CostUnitRow(TypedDict):
    supplier: str
    supplier_en: str
    contract_no: str
    role_zh: str
    role_en: str
    quantity: str
    unit_zh: str
    unit_en: str
    cost_per_unit: str


class CostConcentrationRow(TypedDict):
    category_zh: str
    category_en: str
    suppliers: str
    top_share: str
    hhi: str
    level_zh: str
    level_en: str


class CostForecastRow(TypedDict):
    month: str
    contracts: str
    base: str
    amount: str


class CostChapter(TypedDict):
    """成本分析与预测: the analytics workbook's figures, by `documents.cost_chapter.cost_chapter`."""

    available: bool
    currency: str
    categories: list[CostCategoryRow]
    total: CostTotal
    budget: list[CostBudgetRow]
    months: list[CostMonthRow]
    unit_costs: list[CostUnitRow]
    concentration: list[CostConcentrationRow]
    forecast: list[CostForecastRow]
    forecast_total: str
    notes: list[ZhEn]


class PortfolioSummaryContext(TypedDict):
    """portfolio_summary.docx, filled by `documents.monthly.portfolio_context`."""

    org: Org
    period: Period
    doc: Doc
    counts: PortfolioCounts
    grades: list[GradeCountRow]
    rows: list[PortfolioRow]
    totals: PortfolioTotals
    rejected: list[RejectedRow]
    grade_chart: Image | str  # "" when no supplier was rated
    risks: list[RiskRow]
    actions: list[PortfolioActionRow]
    expiring: list[ExpiringRow]
    status_changes: list[StatusChangeRow]
    attention: list[ZhEn]
    workforce: Workforce
    costs: CostChapter


# --------------------------------------------------------------------------- periodic review


class ReviewPeriodBlock(TypedDict):
    """The quarter or year a periodic review covers."""

    code: str
    zh: str
    en: str
    start_zh: str
    start_en: str
    end_zh: str
    end_en: str
    kind_zh: str
    kind_en: str


class MonthRow(TypedDict):
    period_zh: str
    period_en: str
    recorded: bool
    score: str
    grade: str
    penalties: str
    rewards: str
    payable: str


class PeriodicSummary(TypedDict):
    recorded: str
    missing: str
    missing_note_zh: str
    missing_note_en: str
    average: str
    grade: str
    grade_zh: str
    grade_en: str
    penalties: str
    rewards: str
    payable: str
    payable_words_zh: str
    payable_words_en: str


class PeriodicKpiRow(TypedDict):
    name_zh: str
    name_en: str
    average: str
    periods: str


class IncidentCountRow(TypedDict):
    type_zh: str
    type_en: str
    count: str


class PeriodicReviewContext(TypedDict):
    """periodic_review.docx, filled by `documents.review.supplier_review_context`."""

    org: Org
    review: ReviewPeriodBlock
    doc: Doc
    supplier: SupplierParty
    months: list[MonthRow]
    summary: PeriodicSummary
    kpis: list[PeriodicKpiRow]
    incident_counts: list[IncidentCountRow]
    flags: list[FlagRow]
    actions: list[ZhEn]
    chart: Image | str  # "" when fewer than two months are rated
    conclusion_zh: str
    conclusion_en: str


class PeriodicPortfolioCounts(TypedDict):
    suppliers: str
    months_recorded: str
    months_missing: str
    missing_periods_zh: str
    missing_periods_en: str


class PeriodicPortfolioRow(TypedDict):
    rank: str
    id: str
    name_zh: str
    name_en: str
    category_zh: str
    category_en: str
    months: str
    average: str
    grade: str
    trend: str
    penalties: str
    rewards: str
    payable: str


class PeriodicPortfolioContext(TypedDict):
    """periodic_portfolio.docx, filled by `documents.review.portfolio_review_context`."""

    org: Org
    review: ReviewPeriodBlock
    doc: Doc
    counts: PeriodicPortfolioCounts
    grades: list[GradeCountRow]
    rows: list[PeriodicPortfolioRow]
    totals: PortfolioTotals
    risks: list[RiskRow]
    actions: list[PortfolioActionRow]
    chart: Image | str  # "" when no supplier was rated


class MeetingSupplier(TypedDict):
    id: str
    name_zh: str
    name_en: str
    category_zh: str
    category_en: str


class MeetingMonthRow(TypedDict):
    period_zh: str
    period_en: str
    score: str
    grade: str
    note_zh: str  # "无记录" for a month without a record, else ""
    note_en: str


class MeetingScores(TypedDict):
    months: list[MeetingMonthRow]
    average: str
    grade: str
    grade_zh: str
    grade_en: str
    previous: str  # the previous quarter's average, or "—"
    change_zh: str  # 上升3.20分 / 下降… / 持平, or "—"
    change_en: str
    penalties: str
    rewards: str
    payable: str


class MeetingAppealRow(TypedDict):
    appeal_id: str
    incident_id: str
    original_period_zh: str
    original_period_en: str
    grounds_zh: str
    grounds_en: str
    decision_zh: str
    decision_en: str
    decided_zh: str
    decided_en: str
    reason_zh: str
    reason_en: str
    reversed: str


class MeetingNoticeRow(TypedDict):
    no: str
    period_zh: str
    period_en: str
    kind_zh: str
    kind_en: str
    reason_zh: str
    reason_en: str


class AgendaItem(TypedDict):
    no: str
    zh: str
    en: str


class SupplierMeetingContext(TypedDict):
    """supplier_meeting.docx (供应商沟通会议纪要), filled by `documents.meeting.meeting_brief_context`."""

    org: Org
    review: ReviewPeriodBlock
    doc: Doc
    supplier: MeetingSupplier
    scores: MeetingScores
    weak_kpis: list[PeriodicKpiRow]
    open_plans: list[PlanRow]
    closed_plans: list[PlanRow]
    appeals: list[MeetingAppealRow]
    inspections: list[InspectionRow]
    notices: list[MeetingNoticeRow]
    agenda: list[AgendaItem]


# --------------------------------------------------------------------------- selection


class SelectionEvent(TypedDict):
    id: str
    title: str
    date_zh: str
    date_en: str
    currency: str
    count: str
    admitted: str
    ranked: str
    not_ranked: str
    summary_zh: str
    summary_en: str


class CriterionRow(TypedDict):
    name_zh: str
    name_en: str
    weight: str
    method_zh: str
    method_en: str


class GateRuleRow(TypedDict):
    name_zh: str
    name_en: str
    rule_zh: str
    rule_en: str
    in_force_zh: str
    in_force_en: str


class GateResultRow(TypedDict):
    """One candidate against every admission gate."""

    id: str
    name_zh: str
    name_en: str
    licence: ZhEn
    permit: ZhEn
    background: ZhEn
    site: ZhEn
    blacklist: ZhEn
    min_score: ZhEn
    result_zh: str
    result_en: str


class ScoreRow(TypedDict):
    rank: str
    id: str
    name_zh: str
    name_en: str
    quote: str
    scores: list[str]  # one per criterion, in the order of `criteria`
    total: str
    status_zh: str
    status_en: str
    note_zh: str
    note_en: str


class ExcludedRow(TypedDict):
    id: str
    name_zh: str
    name_en: str
    gates_zh: str
    gates_en: str
    total: str


class Candidate(TypedDict):
    """The winner or the backup; every value "" when there is none."""

    id: str
    name_zh: str
    name_en: str
    total: str
    rank: str
    quote: str


class Recommendation(TypedDict):
    made: bool
    has_backup: bool
    winner: Candidate
    backup: Candidate
    reasons: list[ZhEn]
    backup_reasons: list[ZhEn]


class SelectionReportContext(TypedDict):
    """selection_report.docx, filled by `documents.selection.report_context`; `chart` is
    "" there and becomes an Image in `documents.selection.render_report`."""

    org: Org
    doc: Doc
    event: SelectionEvent
    criteria: list[CriterionRow]
    weight_total: str
    gate_rules: list[GateRuleRow]
    gate_rows: list[GateResultRow]
    score_rows: list[ScoreRow]
    formula_zh: str
    formula_en: str
    tie_rule_zh: str
    tie_rule_en: str
    chart: Image | str
    excluded: list[ExcludedRow]
    recommendation: Recommendation
    rejected: list[RejectedRow]
    notes: list[ZhEn]


# --------------------------------------------------------------------------- the map


class AppealDecisionRow(TypedDict):
    """One appeal decided this period: the incident, the grounds, the decision and its effect."""

    appeal_id: str
    incident: NoticeIncidentRow
    filed_zh: str
    filed_en: str
    grounds_zh: str
    grounds_en: str
    decision_zh: str
    decision_en: str
    decided_zh: str
    decided_en: str
    decided_by: str
    decided_by_en: str
    reason_zh: str
    reason_en: str
    original_period_zh: str
    original_period_en: str
    charged: str
    reversed: str
    effect_zh: str
    effect_en: str


class AppealClauses(TypedDict):
    liquidated_damages: ClauseRef
    evaluation_dispute: ClauseRef
    disputes: ClauseRef
    notices: ClauseRef


class AppealDecisionContext(TypedDict):
    """appeal_decision.docx (申诉处理结果通知书), filled by `documents.appeals.appeal_context`."""

    org: Org
    period: Period
    doc: Doc
    supplier: SupplierParty
    contract: NoticeContract
    decisions: list[AppealDecisionRow]
    total_reversed: str
    statement_no: str
    clauses: AppealClauses
    delivery: Delivery


SHAPES: dict[str, type] = {
    "appeal_decision.docx": AppealDecisionContext,
    "review_report.docx": ReviewReportContext,
    "settlement_statement.docx": SettlementStatementContext,
    "portfolio_summary.docx": PortfolioSummaryContext,
    "warning_letter.docx": WarningLetterContext,
    "improvement_notice.docx": ImprovementNoticeContext,
    "termination_notice.docx": TerminationNoticeContext,
    "commendation_letter.docx": CommendationLetterContext,
    "exit_review.docx": ExitReviewContext,
    "contract_service.docx": ContractServiceContext,
    "contract_labor_outsourcing.docx": ContractLaborOutsourcingContext,
    "contract_labor_dispatch.docx": ContractLaborDispatchContext,
    "periodic_review.docx": PeriodicReviewContext,
    "periodic_portfolio.docx": PeriodicPortfolioContext,
    "supplier_meeting.docx": SupplierMeetingContext,
    "selection_report.docx": SelectionReportContext,
}


# --------------------------------------------------------------------------- checking


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _name(tp: Any) -> str:
    if tp is type(None):
        return "None"
    if _is_union(tp):
        return " | ".join(_name(a) for a in get_args(tp))
    if get_origin(tp) is list:
        args = get_args(tp)
        return f"list[{_name(args[0])}]" if args else "list"
    return getattr(tp, "__name__", str(tp))


def _got(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _fields(shape: type) -> dict[str, tuple[Any, bool]]:
    """Each key's type and whether it is required. NotRequired is read from the hint too:
    a TypedDict written under `from __future__ import annotations` cannot see it itself."""
    fields = {}
    for key, hint in typing.get_type_hints(shape, include_extras=True).items():
        required = key in shape.__required_keys__
        if get_origin(hint) in (NotRequired, Required):
            required = get_origin(hint) is Required
            (hint,) = get_args(hint)
        fields[key] = (hint, required)
    return fields


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _check(value: Any, tp: Any, where: str) -> list[str]:
    if tp is Any:
        return []
    if _is_union(tp):
        arms = get_args(tp)
        for arm in arms:
            if not _check(value, arm, where):
                return []
        if isinstance(value, dict):  # a dict that nearly fits its TypedDict arm: say why
            shaped = [a for a in arms if is_typeddict(a)]
            if len(shaped) == 1:
                return _check(value, shaped[0], where)
        return [f"{where or 'context'}: expected {_name(tp)}, got {_got(value)}"]
    if is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where or 'context'}: expected {_name(tp)}, got {_got(value)}"]
        problems = []
        fields = _fields(tp)
        for key, (_, required) in fields.items():
            if key not in value and required:
                problems.append(f"{where}: missing key {key!r}" if where else f"missing key {key!r}")
        for key, item in value.items():
            if key not in fields:
                problems.append(f"unexpected key {key!r} in {where}" if where else f"unexpected key {key!r}")
            else:
                problems += _check(item, fields[key][0], _at(where, str(key)))
        return problems
    if get_origin(tp) is list:
        if not isinstance(value, list):
            return [f"{where or 'context'}: expected {_name(tp)}, got {_got(value)}"]
        (item_tp,) = get_args(tp) or (Any,)
        problems = []
        for i, item in enumerate(value):
            problems += _check(item, item_tp, f"{where}[{i}]")
        return problems
    if tp is type(None) or tp is None:
        ok = value is None
    elif tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, tp)  # str, Image
    return [] if ok else [f"{where or 'context'}: expected {_name(tp)}, got {_got(value)}"]


def conforms(value: Any, shape: Any, where: str = "") -> list[str]:
    """What does not fit the declared shape, one readable line each; [] when it conforms.
    `where` names the value in the messages ("settlement" → "settlement.lines[2].amount")."""
    return _check(value, shape, where)


# --------------------------------------------------------------------------- a placeholder


# a 1×1 white PNG: enough for an Image wherever a picture may go
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8ffff3f0005fe02fedccc59e70000000049454e44ae426082"
)


def _example(tp: Any, images: bool) -> Any:
    if tp is Any:
        return "x"
    if _is_union(tp):
        arms = [a for a in get_args(tp) if a is not type(None)]
        if Image in arms:
            return Image(TINY_PNG, width_mm=10) if images else ""
        return _example(arms[0], images) if arms else None
    if is_typeddict(tp):
        return {key: _example(item, images) for key, (item, _) in _fields(tp).items()}
    if get_origin(tp) is list:
        (item_tp,) = get_args(tp) or (Any,)
        return [_example(item_tp, images)]
    if tp is Image:
        return Image(TINY_PNG, width_mm=10) if images else ""
    if tp is bool:
        return False
    if tp is int:
        return 0
    if tp is float:
        return 0.0
    if tp is type(None) or tp is None:
        return None
    return "x"


def example_context(shape: type, *, images: bool = True) -> dict[str, Any]:
    """A placeholder context with every key of the shape (optional ones too): every str
    "x", every list one row, every picture a tiny PNG (or "" with images=False)."""
    return _example(shape, images)


def known_example(template_name: str) -> dict[str, Any] | None:
    """An example context for a template the program fills, for `render.checks` (injected there,
    so that render/ never imports documents/)."""
    shape = SHAPES.get(template_name)
    return example_context(shape) if shape is not None else None
