"""Exact money and quantity types.

Money is `NUMERIC(14,2)` in PostgreSQL and `Decimal` here, end to end. Quantities are
`NUMERIC(14,3)`. Incoming JSON numbers are parsed from their decimal text (see
`app.core.routing`), so a value with more places than allowed is refused, never rounded.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import Field

MONEY_PLACES = Decimal("0.01")
QUANTITY_PLACES = Decimal("0.001")

# 12 integer digits: up to 999,999,999,999.99 rupees.
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=3, allow_inf_nan=False)]
PositiveQuantity = Annotated[
    Decimal, Field(gt=0, max_digits=14, decimal_places=3, allow_inf_nan=False)
]


def round_money(value: Decimal) -> Decimal:
    """Round half-up to paise: the one rounding rule the API documents."""
    return value.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)
