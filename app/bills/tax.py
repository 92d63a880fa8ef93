"""GST on one bill line: the taxable value and the tax per head, exact to the paisa.

Pure. The rules (GST.md; CGST rule 35 for prices that include tax):
- place of supply in the shop's state: CGST and SGST, each half the rate; otherwise IGST;
  cess (ad valorem) on top of either;
- a price that includes tax: each head is `round(V x head_rate / (100 + total_rate))` and the
  taxable value is what is left, so the line still totals V, the price the customer saw;
- a price before tax: each head is `round(taxable x head_rate / 100)`, and the line totals
  the taxable value plus the heads;
- every head of every line is rounded half-up to the paisa; a bill's heads are sums of its
  lines', never recomputed from the bill's total.
"""

from dataclasses import dataclass
from decimal import Decimal

from app.core.money import round_money

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
TWO = Decimal(2)


@dataclass(frozen=True, slots=True)
class LineTax:
    """How one line is taxed: the rates (percent) and how its price is stated."""

    rate: Decimal
    """The GST rate: split CGST/SGST within the state, IGST between states."""
    cess_rate: Decimal = ZERO
    inclusive: bool = True
    """True when the line's price already includes the tax (MRP pricing)."""
    inter_state: bool = False


@dataclass(frozen=True, slots=True)
class TaxHeads:
    """A line's (or a bill's) taxable value and tax per head."""

    taxable: Decimal = ZERO
    cgst: Decimal = ZERO
    sgst: Decimal = ZERO
    igst: Decimal = ZERO
    cess: Decimal = ZERO

    @property
    def tax(self) -> Decimal:
        return self.cgst + self.sgst + self.igst + self.cess

    @property
    def total(self) -> Decimal:
        """What the line charges: taxable value plus every head."""
        return self.taxable + self.tax

    @property
    def zero(self) -> bool:
        return not any((self.taxable, self.cgst, self.sgst, self.igst, self.cess))

    def __neg__(self) -> "TaxHeads":
        return TaxHeads(-self.taxable, -self.cgst, -self.sgst, -self.igst, -self.cess)

    def __add__(self, other: "TaxHeads") -> "TaxHeads":
        return TaxHeads(
            self.taxable + other.taxable,
            self.cgst + other.cgst,
            self.sgst + other.sgst,
            self.igst + other.igst,
            self.cess + other.cess,
        )


NO_HEADS = TaxHeads(ZERO)


def untaxed(amount: Decimal) -> TaxHeads:
    """A line that carries no tax (an unregistered or composition shop's, or at 0%)."""
    return TaxHeads(amount)


def split_tax(amount: Decimal, tax: LineTax) -> TaxHeads:
    """The heads of a line worth `amount` after discount (tax included when `tax.inclusive`)."""
    if tax.rate == 0 and tax.cess_rate == 0:
        return untaxed(amount)
    if tax.inter_state:
        head_rates = (ZERO, ZERO, tax.rate, tax.cess_rate)
    else:
        half = tax.rate / TWO
        head_rates = (half, half, ZERO, tax.cess_rate)
    if tax.inclusive:
        base = HUNDRED + tax.rate + tax.cess_rate
        cgst, sgst, igst, cess = (round_money(amount * r / base) for r in head_rates)
        return TaxHeads(amount - cgst - sgst - igst - cess, cgst, sgst, igst, cess)
    cgst, sgst, igst, cess = (round_money(amount * r / HUNDRED) for r in head_rates)
    return TaxHeads(amount, cgst, sgst, igst, cess)


def rupee_round_off(total: Decimal) -> Decimal:
    """What a bill adds (or takes off) to reach a whole rupee: within -0.50..+0.50, a paisa
    sum ending in .50 rounding up."""
    return round_money(total.quantize(Decimal(1), rounding="ROUND_HALF_UP") - total)
