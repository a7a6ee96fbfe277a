"""Money as `decimal.Decimal`: rounded half-up to the fen (0.01) only where a figure is shown or settled."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO, HUNDRED = Decimal(0), Decimal(100)


def fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, ROUND_HALF_UP)
