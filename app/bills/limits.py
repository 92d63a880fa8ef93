"""The range checks of computed money and quantities: what NUMERIC(14,2)/(14,3) can hold.

Each input of a bill can be valid while a product or sum of them is not (2 x 999999999999.99):
such a bill is a 422 naming the field at `loc` and the limit, checked before anything is
written. Pure; raises `InvalidInput`.
"""

from decimal import Decimal

from app.core.errors import InvalidInput
from app.core.money import MAX_MONEY, MAX_QUANTITY

Loc = tuple[str | int, ...]


def _within(value: Decimal, limit: Decimal, what: str, loc: Loc) -> Decimal:
    if abs(value) > limit:
        raise InvalidInput(
            f"{what} {value} exceeds the maximum {limit}", loc=loc, limit=limit, value=value
        )
    return value


def money_within_range(value: Decimal, what: str, loc: Loc) -> Decimal:
    """A computed amount (line total, bill total, cost) that must fit NUMERIC(14,2)."""
    return _within(value, MAX_MONEY, what, loc)


def quantity_within_range(value: Decimal, what: str, loc: Loc) -> Decimal:
    """A computed quantity (a stock level after a bill, a bill's total) that must fit
    NUMERIC(14,3); a 422 naming `loc` and the limit otherwise."""
    return _within(value, MAX_QUANTITY, what, loc)
