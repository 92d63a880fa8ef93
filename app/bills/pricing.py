"""The money of a bill line and of a bill: gross, discount, net total, tax, cost, profit.

One frozen `LineAmounts` per line, built by `price_line`, and a `BillAmounts` summing them;
every bill (sale, purchase, purchase draft) prices its lines here and nowhere else.

Rounding (half-up to the paisa, the one rule the API documents) happens once per computed
amount: the gross `quantity x rate`, a percentage discount, and the cost `quantity x unit
cost`. Every other figure is an exact sum or difference of those, so `net = gross -
discount`, `profit = net - cost` and a bill's total is exactly the sum of its lines.
"""

from dataclasses import dataclass
from decimal import Decimal

from app.bills.limits import Loc, money_within_range, quantity_within_range
from app.core.errors import InvalidInput
from app.core.money import round_money

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """One line's money. `net` is what the customer pays for the line (the line total)."""

    quantity: Decimal
    rate: Decimal
    gross: Decimal
    """quantity x rate, rounded to paise."""
    discount: Decimal
    """Money off the whole line (0 <= discount <= gross)."""
    net: Decimal
    """gross - discount: the line's total on the bill."""
    tax: Decimal
    """Always 0 today. The GST issue computes it here, from `net` and the line's tax rate,
    so that every bill, return and report picks it up from this one place."""
    unit_cost: Decimal
    cost: Decimal
    """quantity x unit cost, rounded to paise (the cost of goods sold on a sale line)."""

    @property
    def profit(self) -> Decimal:
        """net - cost: the discount comes out of the profit."""
        return self.net - self.cost

    @property
    def stock_value(self) -> Decimal:
        """quantity x rate - discount, before rounding to paise: the goods' worth to a
        moving-average cost, so that `stock_value / quantity` is the net unit cost exactly
        (the rate itself when there is no discount)."""
        return self.quantity * self.rate - self.discount


def discount_amount(
    gross: Decimal,
    discount: Decimal | None,
    discount_percent: Decimal | None,
    loc: Loc = (),
) -> Decimal:
    """The line's discount in rupees, from an amount or a percentage of the gross (not both).

    A discount larger than the gross is a 422 at `loc + ("discount",)`.
    """
    if discount is not None and discount_percent is not None:
        raise InvalidInput(
            "give either discount or discount_percent, not both", loc=(*loc, "discount_percent")
        )
    if discount_percent is not None:
        if not ZERO <= discount_percent <= HUNDRED:
            raise InvalidInput(
                f"discount_percent {discount_percent} is not between 0 and 100",
                loc=(*loc, "discount_percent"),
            )
        return round_money(gross * discount_percent / HUNDRED)
    if discount is None:
        return ZERO
    if discount < 0 or discount > gross:
        raise InvalidInput(
            f"discount {discount} is more than the line's amount {gross}"
            if discount > gross
            else f"discount {discount} is negative",
            loc=(*loc, "discount"),
        )
    return discount


def price_line(
    quantity: Decimal,
    rate: Decimal,
    *,
    discount: Decimal | None = None,
    discount_percent: Decimal | None = None,
    unit_cost: Decimal = ZERO,
    loc: Loc = (),
) -> LineAmounts:
    """The line's amounts. `loc` locates the line in the request (e.g. `("body", "products",
    2)`) for the 422s: an amount past NUMERIC(14,2) names the line's quantity and the limit."""
    where = (*loc, "quantity")
    gross = money_within_range(round_money(quantity * rate), "line total", where)
    cut = discount_amount(gross, discount, discount_percent, loc)
    cost = money_within_range(round_money(quantity * unit_cost), "line cost", where)
    return LineAmounts(
        quantity=quantity,
        rate=rate,
        gross=gross,
        discount=cut,
        net=gross - cut,
        tax=ZERO,
        unit_cost=unit_cost,
        cost=cost,
    )


@dataclass(frozen=True, slots=True)
class BillAmounts:
    """A bill's sums over its lines; `total` is what the bill charges."""

    lines: tuple[LineAmounts, ...]
    quantity: Decimal
    gross: Decimal
    discount: Decimal
    total: Decimal
    tax: Decimal
    cost: Decimal

    @property
    def profit(self) -> Decimal:
        return self.total - self.cost


def price_bill(lines: list[LineAmounts], loc: Loc = ("body", "products")) -> BillAmounts:
    """Sum the lines; a sum past its column's range is a 422 on `loc` (the lines), checked
    in the order a client most needs to hear: the total first, then the quantity."""

    def money(values: list[Decimal], what: str) -> Decimal:
        return money_within_range(sum(values, ZERO), what, loc)

    total = money([line.net for line in lines], "bill total")
    quantity = quantity_within_range(
        sum((line.quantity for line in lines), Decimal(0)), "total quantity", loc
    )
    discount = money([line.discount for line in lines], "bill discount")
    return BillAmounts(
        lines=tuple(lines),
        quantity=quantity,
        gross=total + discount,
        discount=discount,
        total=total,
        tax=money([line.tax for line in lines], "bill tax"),
        cost=money([line.cost for line in lines], "bill cost"),
    )
