"""Small, hand-made input sets for tests that need data the sample does not have."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from conftest import SAMPLE_INPUTS
from openpyxl import Workbook

USCC = "91350100M000100Y43"


def supplier(sid: str, **kw: Any) -> dict[str, Any]:
    row = {
        "supplier_id": sid,
        "name_zh": f"测试供应商{sid}有限公司",
        "name_en": f"Test Supplier {sid} Co., Ltd.",
        "uscc": USCC,
        "category": "it_services",
        "status": "approved",
        "contact_phone": "13812345678",
        "contact_email": "ops@example.cn",
        "bank_name": "招商银行",
        "bank_account": "6225881234567890",
        "license_expiry": "长期",
    }
    row.update(kw)
    return row


def contract(sid: str, no: str | None = None, **kw: Any) -> dict[str, Any]:
    row = {
        "contract_no": no or f"HT-{sid}",
        "supplier_id": sid,
        "contract_type": "service",
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2027, 12, 31),
        "monthly_fee": 100000,
        "currency": "CNY",
        "tax_rate": 0.06,
        "payment_days": 30,
        "penalty_cap_pct": 10,
    }
    row.update(kw)
    return row


def evaluation(sid: str, period: str = "2026-10", **kw: Any) -> dict[str, Any]:
    row = {
        "supplier_id": sid,
        "period": period,
        "quality_score": 90,
        "on_time_rate": 0.95,
        "cost_variance_pct": 1,
        "satisfaction": 4.2,
        "compliance_issues": 0,
        "complaints": 0,
        "evaluator": "王敏",
        "comment": "正常",
    }
    row.update(kw)
    return row


def write_rows(path: Path, rows: list[dict[str, Any]], sheet: str = "Sheet1") -> Path:
    headers: list[str] = []
    for r in rows:
        headers += [k for k in r if k not in headers]
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed text that merely looks like a formula
    wb.save(path)
    return path


def make_inputs(
    folder: Path,
    suppliers: list[dict],
    contracts: list[dict],
    evaluations: list[dict],
    incidents: list[dict] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_INPUTS / "policy.yaml", folder / "policy.yaml")
    write_rows(folder / "suppliers.xlsx", suppliers)
    write_rows(folder / "contracts.xlsx", contracts, sheet="contracts")
    write_rows(folder / "evaluations_2026-10.xlsx", evaluations)
    if incidents:
        write_rows(folder / "incidents.xlsx", incidents)
    return folder
