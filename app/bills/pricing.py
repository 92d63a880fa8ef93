"""The money of a bill line and of a bill: gross, discount, tax, total, cost, profit.

One frozen `LineAmounts` per line, built by `price_line`, and a `BillAmounts` summing them;
every bill (sale, purchase, purchase draft) prices its lines here and nowhere else.

Rounding (half-up to the paisa, the one rule the API documents) happens once per computed
amount: the gross `quantity x rate`, a percentage discount, each GST head (app.bills.tax),
and the cost `quantity x unit cost`. Every other figure is an exact sum or difference of
those: `net = gross - discount`, `total = taxable + heads` (= net for a price that includes
tax), `profit = taxable - cost` (tax collected is never profit), and a bill's total is
exactly the sum of its lines plus its rupee round-off.
"""

from dataclasses import dataclass
from decimal import Decimal

from app.bills.limits import Loc, money_within_range, quantity_within_range
from app.bills.tax import NO_HEADS, LineTax, TaxHeads, rupee_round_off, split_tax, untaxed
from app.core.errors import InvalidInput
from app.core.money import round_money

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """One line's money. `total` is what the line charges (taxable value plus tax)."""

    quantity: Decimal
    rate: Decimal
    gross: Decimal
    """quantity x rate, rounded to paise."""
    discount: Decimal
    """Money off the whole line (0 <= discount <= gross)."""
    net: Decimal
    """gross - discount: the line's amount at the stated price (tax included or not)."""
    heads: TaxHeads
    """The taxable value and GST per head (all tax-free: taxable = net)."""
    unit_cost: Decimal
    cost: Decimal
    """quantity x unit cost, rounded to paise (the cost of goods sold on a sale line)."""

    @property
    def taxable(self) -> Decimal:
        return self.heads.taxable

    @property
    def tax(self) -> Decimal:
        return self.heads.tax

    @property
    def total(self) -> Decimal:
        """The line's total on the bill: net, plus the tax when the price excluded it."""
        return self.heads.total

    @property
    def profit(self) -> Decimal:
        """taxable - cost: the discount comes out of the profit; tax collected is not profit."""
        return self.taxable - self.cost

    @property
    def stock_value(self) -> Decimal:
        """What the goods cost in all, tax included, before rounding to paise: the worth to
        a moving-average cost of goods whose tax cannot be claimed back, so that without tax
        `stock_value / quantity` is the net unit cost exactly (the rate, undiscounted)."""
        return self.quantity * self.rate - self.discount + (self.total - self.net)

    @property
    def stock_value_before_tax(self) -> Decimal:
        """The goods' worth when their input tax is claimed back (a regular GST shop)."""
        return self.stock_value - self.tax


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
    tax: LineTax | None = None,
    loc: Loc = (),
) -> LineAmounts:
    """The line's amounts; `tax` None for a line without GST. `loc` locates the line in the
    request (e.g. `("body", "products", 2)`) for the 422s: an amount past NUMERIC(14,2)
    names the line's quantity and the limit."""
    where = (*loc, "quantity")
    gross = money_within_range(round_money(quantity * rate), "line total", where)
    cut = discount_amount(gross, discount, discount_percent, loc)
    cost = money_within_range(round_money(quantity * unit_cost), "line cost", where)
    net = gross - cut
    heads = untaxed(net) if tax is None else split_tax(net, tax)
    money_within_range(heads.total, "line total", where)
    return LineAmounts(
        quantity=quantity,
        rate=rate,
        gross=gross,
        discount=cut,
        net=net,
        heads=heads,
        unit_cost=unit_cost,
        cost=cost,
    )


@dataclass(frozen=True, slots=True)
class BillAmounts:
    """A bill's sums over its lines; `total` is what the bill charges:
    `heads.taxable + heads.tax + round_off`."""

    lines: tuple[LineAmounts, ...]
    quantity: Decimal
    gross: Decimal
    discount: Decimal
    heads: TaxHeads
    round_off: Decimal
    """Added to reach a whole rupee (-0.50..+0.50); 0 unless the shop rounds its bills."""
    total: Decimal
    cost: Decimal

    @property
    def tax(self) -> Decimal:
        return self.heads.tax

    @property
    def profit(self) -> Decimal:
        """The lines' profits plus the round-off: the bill's total less tax and cost."""
        return self.total - self.tax - self.cost


def price_bill(
    lines: list[LineAmounts], loc: Loc = ("body", "products"), *, round_to_rupee: bool = False
) -> BillAmounts:
    """Sum the lines; a sum past its column's range is a 422 on `loc` (the lines), checked
    in the order a client most needs to hear: the total first, then the quantity."""

    def money(values: list[Decimal], what: str) -> Decimal:
        return money_within_range(sum(values, ZERO), what, loc)

    lines_total = money([line.total for line in lines], "bill total")
    round_off = rupee_round_off(lines_total) if round_to_rupee else ZERO
    total = money_within_range(lines_total + round_off, "bill total", loc)
    quantity = quantity_within_range(
        sum((line.quantity for line in lines), Decimal(0)), "total quantity", loc
    )
    discount = money([line.discount for line in lines], "bill discount")
    return BillAmounts(
        lines=tuple(lines),
        quantity=quantity,
        gross=money([line.gross for line in lines], "bill gross"),
        discount=discount,
        heads=sum((line.heads for line in lines), NO_HEADS),
        round_off=round_off,
        total=total,
        cost=money([line.cost for line in lines], "bill cost"),
    )
