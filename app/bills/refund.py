"""The value of goods returned from a bill line: pro rata at the line's net rate, exact.

A line of `quantity` units worth `net` in all is returned in parts. The first `k` units are
worth `round(net x k / quantity)`, and a part is worth the difference between the cumulative
values after and before it, so the last unit returned takes the rounding remainder and the
parts of any partition of the line sum to exactly its net total (and cost, likewise).
"""

from decimal import Decimal

from app.bills.tax import TaxHeads
from app.core.money import round_money


def share(whole: Decimal, quantity: Decimal, units: Decimal) -> Decimal:
    """The value of the first `units` of `quantity` units worth `whole` in all."""
    if units >= quantity:
        return whole
    return round_money(whole * units / quantity)


def returned_value(
    whole: Decimal, quantity: Decimal, already_returned: Decimal, now: Decimal
) -> Decimal:
    """What `now` units are worth when `already_returned` units of the line came back before."""
    return share(whole, quantity, already_returned + now) - share(whole, quantity, already_returned)


def returned_heads(
    heads: TaxHeads, quantity: Decimal, already_returned: Decimal, now: Decimal
) -> TaxHeads:
    """The taxable value and GST reversed by `now` units of a line taxed `heads` in all.

    Each head goes back pro rata by the same cumulative rule as the value, so the returns
    of a whole line reverse exactly its taxable value and every head, to the paisa, and no
    partition of the line reverses more of any head than was charged.
    """

    def back(whole: Decimal) -> Decimal:
        return returned_value(whole, quantity, already_returned, now)

    return TaxHeads(
        back(heads.taxable), back(heads.cgst), back(heads.sgst), back(heads.igst), back(heads.cess)
    )
