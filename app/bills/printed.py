"""The sums a printed bill shows beyond what is stored: pure, from the stored lines.

A bill's rows keep each line's amounts and the bill's totals; the printed copy also shows the
lines' value before discounts, the tax per GST rate (the summary under a tax invoice), and the
party's balance after the bill. They are worked out here, like every other bill amount.
"""

from collections.abc import Iterable
from decimal import Decimal

from app.bills.tax import NO_HEADS, TaxHeads
from app.core.money import round_money

ZERO = Decimal("0.00")


def gross(quantity: Decimal, rate: Decimal) -> Decimal:
    """A line's value before its discount, as the bill priced it (quantity x rate, to paise)."""
    return round_money(quantity * rate)


def subtotal(lines: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The lines' value before discounts: sum of `gross(quantity, rate)`."""
    return sum((gross(quantity, rate) for quantity, rate in lines), ZERO)


def tax_by_rate(lines: Iterable[tuple[Decimal, TaxHeads]]) -> list[tuple[Decimal, TaxHeads]]:
    """The heads summed per GST rate, lowest rate first (the tax summary of an invoice)."""
    by_rate: dict[Decimal, TaxHeads] = {}
    for rate, heads in lines:
        key = rate.normalize() if rate else Decimal(0)
        by_rate[key] = by_rate.get(key, NO_HEADS) + heads
    return sorted(by_rate.items())


def balance_after(previous: Decimal, total: Decimal, paid: Decimal) -> Decimal:
    """What the party owes once this bill is added and its payment taken off."""
    return previous + total - paid
