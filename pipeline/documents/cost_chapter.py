"""The portfolio summary's chapter 成本分析与预测 / Cost Analysis and Forecast: the analytics
workbook's figures (the same `CostAnalysis`) as text to the fen, in the base currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.analysis.costs import MONEY_COLUMNS, CostAnalysis
from pipeline.compute.money import ZERO
from pipeline.config.labels import label
from pipeline.documents.formatting import fixed, money

DASH = "—"
LEVELS = {"low": ("分散", "unconcentrated"), "moderate": ("中度集中", "moderate"), "high": ("高度集中", "high")}


def _m(value: Decimal | None) -> str:
    return DASH if value is None else money(value)


def _p(value: Decimal | None) -> str:
    return DASH if value is None else f"{fixed(value)}%"


def _cat(code: str) -> dict[str, str]:
    zh, en = label("category", code)
    return {"category_zh": zh, "category_en": en}


def empty_chapter() -> dict[str, Any]:
    return cost_chapter(None)


def cost_chapter(a: CostAnalysis | None) -> dict[str, Any]:
    if a is None:
        return {
            "available": False,
            "currency": "",
            "categories": [],
            "total": {c: DASH for c in MONEY_COLUMNS},
            "budget": [],
            "months": [],
            "unit_costs": [],
            "concentration": [],
            "forecast": [],
            "forecast_total": DASH,
            "notes": [],
        }
    base = a.base_currency
    total = a.total()
    quarter = sum((r["amount"] for r in a.forecast_totals if r["currency"] == base), ZERO)
    return {
        "available": True,
        "currency": base,
        "categories": [
            {
                **_cat(r["category"]),
                "suppliers": str(r["suppliers"]),
                **{c: _m(r[c]) for c in MONEY_COLUMNS},
                "share": _p(r["share_pct"]),
            }
            for r in a.by_category
            if r["currency"] == base
        ],
        "total": {c: _m(total[c]) for c in MONEY_COLUMNS},
        "budget": [
            {
                **_cat(r["category"]),
                "budget": _m(r["budget"]),
                "actual": _m(r["actual"]),
                "variance": _m(r["variance"]),
                "variance_pct": _p(r["variance_pct"]),
                "ytd_budget": _m(r["ytd_budget"]),
                "ytd_actual": _m(r["ytd_actual"]),
                "ytd_variance": _m(r["ytd_variance"]),
            }
            for r in a.budget
        ],
        "months": [
            {"period": r["period"], **{c: _m(r[c]) for c in ("base", "payable", "tax_exclusive", "vat")}}
            for r in a.by_month
            if r["currency"] == base
        ],
        "unit_costs": [
            {
                "supplier": f"{r['supplier_id']} {r['name_zh']}",
                "supplier_en": r["name_en"] or r["supplier_id"],
                "contract_no": r["contract_no"],
                "role_zh": r["role_zh"],
                "role_en": r["role_en"],
                "quantity": DASH if r["quantity"] is None else f"{r['quantity']:,}",
                "unit_zh": r["unit_zh"],
                "unit_en": r["unit_en"],
                "cost_per_unit": _m(r["cost_per_unit"]),
            }
            for r in a.unit_costs
        ],
        "concentration": [
            {
                **_cat(r["category"]),
                "suppliers": str(r["suppliers"]),
                "top_share": _p(r["top_share_pct"]),
                "hhi": fixed(r["hhi"]),
                "level_zh": LEVELS[r["level"]][0],
                "level_en": LEVELS[r["level"]][1],
            }
            for r in a.hhi
            if r["currency"] == base
        ],
        "forecast": [
            {"month": r["month"], "contracts": str(r["contracts"]), "base": _m(r["base"]), "amount": _m(r["amount"])}
            for r in a.forecast_totals
            if r["currency"] == base
        ],
        "forecast_total": _m(quarter),
        "notes": [{"zh": zh, "en": en} for zh, en in a.notes],
    }
