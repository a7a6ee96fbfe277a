"""How a contract item is priced, and what a month of accepted work earns.

Labour outsourcing (劳务外包) is paid for results: a fixed monthly fee or the quantity Party A
accepted × the unit price. Per-head pricing and pay by attendance are what labour inspectors and
courts use to treat outsourcing as dispatch (假外包、真派遣), so they belong to dispatch only:
an outsourcing item priced per head is a high risk, and an item priced per unit with no accepted
volume is pending acceptance, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.compute.risk import Flag

OUTSOURCING = "labor_outsourcing"
DISPATCH = "labor_dispatch"
PRICINGS = ("fixed", "per_unit", "per_head")
RESULT_PRICINGS = ("fixed", "per_unit")  # what labour outsourcing may be priced on


def pricing_of(item: Mapping[str, Any]) -> str:
    """The item's pricing; blank means headcount × unit price (per_head), as items read before."""
    return item.get("pricing") or "per_head"


def coded_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The items of one contract with their item_code, blank codes being the item's position
    (1, 2, …) so that work_volume rows can cite any item."""
    return [{**i, "item_code": i.get("item_code") or str(n)} for n, i in enumerate(items, 1)]


def by_contract(items: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Items grouped by contract in their order, each with its item_code."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for i in items:
        grouped.setdefault(i["contract_no"], []).append(i)
    return {no: coded_items(rows) for no, rows in grouped.items()}


def priced_on_results(items: Sequence[Mapping[str, Any]]) -> bool:
    """A contract whose items name fixed or per-unit pricing is settled item by item on them."""
    return any(pricing_of(i) in RESULT_PRICINGS for i in items)


def per_head_outsourcing(contract: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The items of a labour-outsourcing contract priced per head (the recharacterisation risk)."""
    if contract.get("contract_type") != OUTSOURCING:
        return []
    return [i for i in items if pricing_of(i) == "per_head"]


@dataclass(frozen=True)
class Volume:
    """One item's work for the month: what was submitted and what Party A accepted."""

    item: Mapping[str, Any]
    row: Mapping[str, Any] | None  # the work_volume row; None: pending acceptance

    @property
    def pending(self) -> bool:
        return self.row is None

    @property
    def submitted(self) -> Decimal | None:
        return None if self.row is None else Decimal(self.row["quantity"])

    @property
    def accepted(self) -> Decimal:
        return Decimal(0) if self.row is None else Decimal(self.row["accepted_quantity"])

    @property
    def rejected(self) -> Decimal:
        return Decimal(0) if self.row is None else self.submitted - self.accepted


def volumes_of(
    contract_no: str, items: Sequence[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]], period_code: str
) -> tuple[Volume, ...]:
    """Each per-unit item of the contract with its accepted volume of the period (or pending)."""
    mine = {r["item_code"]: r for r in rows if r["contract_no"] == contract_no and r["period"] == period_code}
    return tuple(Volume(i, mine.get(i["item_code"])) for i in items if pricing_of(i) == "per_unit")


def _names(items: Iterable[Mapping[str, Any]]) -> tuple[str, str]:
    items = list(items)
    return "、".join(i["role_zh"] for i in items), ", ".join(i.get("role_en") or i["role_zh"] for i in items)


def pricing_flags(supplier_id: str, contract: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> list[Flag]:
    """The recharacterisation risk of an outsourcing contract priced per head (high)."""
    per_head = per_head_outsourcing(contract, items)
    if not per_head:
        return []
    zh, en = _names(per_head)
    return [
        Flag(
            "outsourcing_per_head",
            "high",
            supplier_id,
            {"contract_no": contract["contract_no"], "items_zh": zh, "items_en": en},
        )
    ]


def pending_flag(supplier_id: str, contract_no: str, pending: Sequence[Volume]) -> Flag:
    zh, en = _names(v.item for v in pending)
    return Flag(
        "work_volume_pending", "medium", supplier_id, {"contract_no": contract_no, "items_zh": zh, "items_en": en}
    )
