"""summary/payments_<period>.xlsx: the month's settlements as finance imports them.

Sheet `lines`: one row per settlement line, exactly as the statements show them (quantity ×
rate = amount), with each line's amount net of VAT, its VAT, its invoice type and currency; the
`gross` of a supplier's lines in one currency adds up to the fen to that statement's payable.
Sheet `payables`: one row per supplier and currency, with what a payment run needs (due date,
payee account, hold). Amounts are numbers with two decimals (exact: written from Decimal), ids
and account numbers are text.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.compute.month import MonthResult
from pipeline.compute.settlement import VAT_ORDINARY, VAT_SPECIAL, Settlement
from pipeline.config.policy import Policy
from pipeline.documents.settlement import HOLD_REASONS, INVOICE_NAMES, account_name, due_date, line_text, unit_of
from pipeline.render.workbooks import StreamedWorkbook

MONEY = "#,##0.00"
TEXT = "@"
HOLD_FILL = "FFCDD2"  # the rows of a payment on hold

LINE_COLUMNS = (
    ("supplier_id", "供应商编号 Supplier ID", 12, TEXT),
    ("statement_no", "结算单编号 Statement No.", 20, TEXT),
    ("contract_no", "合同编号 Contract No.", 18, TEXT),
    ("line_no", "行号 Line", 6, "0"),
    ("kind", "类型 Kind", 16, TEXT),
    ("item_zh", "项目", 40, TEXT),
    ("item_en", "Item", 40, TEXT),
    ("quantity", "数量 Quantity", 10, "0.####"),
    ("unit", "单位 Unit", 8, TEXT),
    ("rate", "单价 Rate", 12, MONEY),
    ("amount", "金额 Amount", 14, MONEY),
    ("tax_exclusive", "不含税金额 Net of VAT", 14, MONEY),
    ("vat", "税额 VAT", 12, MONEY),
    ("gross", "价税合计 Gross", 14, MONEY),
    ("tax_rate", "税率 VAT rate", 8, "0.00%"),
    ("invoice_type", "发票类型 Invoice type", 14, TEXT),
    ("currency", "币种 Currency", 8, TEXT),
)
PAYABLE_COLUMNS = (
    ("supplier_id", "供应商编号 Supplier ID", 12, TEXT),
    ("name_zh", "供应商名称 Name", 30, TEXT),
    ("statement_no", "结算单编号 Statement No.", 20, TEXT),
    ("currency", "币种 Currency", 8, TEXT),
    ("payable", "应付金额 Payable", 14, MONEY),
    ("tax_exclusive", "不含税金额 Net of VAT", 14, MONEY),
    ("vat", "税额 VAT", 12, MONEY),
    ("invoice_special", "专用发票金额 Special invoice", 14, MONEY),
    ("invoice_ordinary", "普通发票金额 Ordinary invoice", 14, MONEY),
    ("carried_forward", "转下期扣回 Carried forward", 14, MONEY),
    ("due_date", "付款到期日 Due date", 12, TEXT),
    ("payment_days", "付款期限(天) Payment days", 8, "0"),
    ("account_name", "户名 Account name", 30, TEXT),
    ("bank_name", "开户银行 Bank", 30, TEXT),
    ("bank_account", "银行账号 Bank account", 24, TEXT),
    ("hold", "暂缓支付 Hold", 8, TEXT),
    ("hold_reason", "暂缓原因 Hold reason", 50, TEXT),
)


def statement_no(s: Settlement) -> str:
    return f"ST-{s.period}-{s.supplier_id}"


def line_rows(s: Settlement) -> list[dict]:
    rows = []
    for n, line in enumerate(s.lines, start=1):
        zh, en = line_text(line)
        net, vat = s.splits[n - 1]
        rows.append(
            {
                "supplier_id": s.supplier_id,
                "statement_no": statement_no(s),
                "contract_no": line.contract_no,
                "line_no": n,
                "kind": line.kind,
                "item_zh": zh,
                "item_en": en,
                "quantity": line.quantity,
                "unit": unit_of(line)[1],
                "rate": line.shown_rate,
                "amount": line.signed,
                "tax_exclusive": net,
                "vat": vat,
                "gross": net + vat,
                "tax_rate": line.tax_rate if line.taxable else Decimal(0),
                "invoice_type": line.invoice_type,
                "currency": s.currency,
            }
        )
    return rows


def payable_row(s: Settlement, supplier: dict, period) -> dict:
    invoices = {VAT_SPECIAL: Decimal(0), VAT_ORDINARY: Decimal(0)}
    for kind, _, _, _, gross in s.by_invoice():
        invoices[kind] += gross
    return {
        "supplier_id": s.supplier_id,
        "name_zh": supplier["name_zh"],
        "statement_no": statement_no(s),
        "currency": s.currency,
        "payable": s.payable,
        "tax_exclusive": s.net_of_tax,
        "vat": s.tax,
        "invoice_special": invoices[VAT_SPECIAL],
        "invoice_ordinary": invoices[VAT_ORDINARY],
        "carried_forward": s.carried_forward,
        "due_date": due_date(s, period).isoformat(),
        "payment_days": s.payment_days,
        "account_name": account_name(supplier),
        "bank_name": supplier.get("bank_name", ""),
        "bank_account": supplier.get("bank_account", ""),
        "hold": "yes" if s.hold else "no",
        "hold_reason": " / ".join(HOLD_REASONS[r][1] for r in s.hold if r in HOLD_REASONS),
    }


def _sheet(wb: StreamedWorkbook, title: str, columns, rows, fills=None) -> None:
    wb.sheet(
        title,
        [c[1] for c in columns],
        ([r[c[0]] for c in columns] for r in rows),
        [c[2] for c in columns],
        [c[3] for c in columns],
        fills=fills,
    )


def payments_bytes(result: MonthResult, policy: Policy) -> bytes:
    """The workbook, streamed (at thousands of suppliers, tens of thousands of lines)."""
    wb = StreamedWorkbook()
    all_lines, payables = [], []
    for sm in result.suppliers:
        for s in sm.settlements:
            all_lines += line_rows(s)
            payables.append(payable_row(s, dict(sm.supplier), result.period))
    _sheet(wb, "lines", LINE_COLUMNS, all_lines)
    hold_col = [c[0] for c in PAYABLE_COLUMNS].index("hold")
    held = dict.fromkeys(range(len(PAYABLE_COLUMNS)), HOLD_FILL)  # the whole row
    _sheet(wb, "payables", PAYABLE_COLUMNS, payables, fills=lambda row: held if row[hold_col] == "yes" else None)
    wb.sheet(
        "about",
        ["说明", "Notes"],
        [
            (
                "每行即结算单上的一行：数量×单价＝金额（四舍五入至分）。",
                "Each row is a statement line: quantity × rate = amount, to the fen.",
            ),
            (
                "同一供应商同一币种各行“价税合计”之和等于其结算单应付金额，与 payables 表一致。",
                "A supplier's lines in one currency add up (gross) to its statement's payable, as in sheet payables.",
            ),
            (
                f"发票类型：{VAT_SPECIAL} = {INVOICE_NAMES[VAT_SPECIAL][0]}；{VAT_ORDINARY} = {INVOICE_NAMES[VAT_ORDINARY][0]}"
                "（劳务派遣差额征税扣除的工资及社保公积金）。",
                f"Invoice types: {VAT_SPECIAL} = {INVOICE_NAMES[VAT_SPECIAL][1]}; {VAT_ORDINARY} = "
                f"{INVOICE_NAMES[VAT_ORDINARY][1]} (dispatch pay and social insurance, out of the VAT base).",
            ),
            ("不同币种的金额从不相加。", "Amounts in different currencies are never added."),
            ("hold = yes：暂缓支付，原因见 hold_reason。", "hold = yes: do not pay yet; see hold_reason."),
            (f"评分规则 Policy: {policy.source} sha256 {policy.sha256}", ""),
        ],
        [70, 80],
        auto_filter=False,
    )
    return wb.bytes()
