"""Input tax on a purchase: whether the vendor's bill carries GST, and what each line is worth.

The rules (issue 14, item 5):
- a purchase carries input tax only when both sides are registered: the vendor (its GSTIN is
  on the bill) and the shop (`gst_scheme` not `unregistered`); otherwise its lines are priced
  untaxed, exactly as before GST;
- a line's rates default to its product's, and whether its price includes the tax to the
  product's setting (true for a product the purchase creates); the vendor's state (its
  GSTIN's first two digits) against the shop's decides CGST+SGST or IGST;
- a regular shop claims the input tax back, so its stock is worth the goods before tax; an
  unregistered or composition shop cannot, so the tax is part of what its stock cost;
- under reverse charge the vendor's bill carries no tax: the vendor is owed the taxable value,
  while the heads are still computed and stored (the shop pays them to the government itself).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from app.auth.service import ShopSettings
from app.bills.gst_rates import rate_problem
from app.bills.pricing import BillAmounts, LineAmounts
from app.bills.tax import LineTax
from app.core.errors import InvalidInput
from app.core.gstin import state_of
from app.models import Product
from app.purchases.schemas import PurchaseLineIn

ZERO = Decimal("0.00")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class InputTax:
    """How one purchase bill is taxed."""

    taxed: bool
    """The lines carry GST (vendor and shop registered)."""
    inter_state: bool
    """The vendor is in another state than the shop: IGST instead of CGST+SGST."""
    claimed: bool
    """The shop claims the tax back (a regular shop), so its stock is valued before tax."""
    reverse_charge: bool

    def line_tax(self, line: PurchaseLineIn, product: Product | None) -> LineTax | None:
        """The line's GST: its own rates and pricing, else the product's (`product` None for
        a product the purchase is about to create)."""
        if not self.taxed:
            return None
        if product is None:
            return LineTax(
                _first(line.gst_rate, ZERO),
                _first(line.cess_rate, ZERO),
                _first(line.price_includes_tax, True),
                self.inter_state,
            )
        return LineTax(
            _first(line.gst_rate, product.gst_rate),
            _first(line.cess_rate, product.cess_rate),
            _first(line.price_includes_tax, product.price_includes_tax),
            self.inter_state,
        )

    def owed(self, amounts: LineAmounts | BillAmounts) -> Decimal:
        """What the vendor's bill charges for a line (its `line_total`) or in all (the
        purchase's `total_amount`)."""
        return amounts.heads.taxable if self.reverse_charge else amounts.total

    def stock_value(self, amounts: LineAmounts) -> Decimal:
        """What the line's goods add to the moving-average cost."""
        return amounts.stock_value_before_tax if self.claimed else amounts.stock_value


def _first(given: T | None, otherwise: T) -> T:
    return otherwise if given is None else given


def input_tax(shop: ShopSettings, vendor_gstin: str | None, *, reverse_charge: bool) -> InputTax:
    """How a purchase from the vendor with `vendor_gstin` (checked) is taxed for `shop`."""
    taxed = vendor_gstin is not None and shop.gst_scheme != "unregistered"
    return InputTax(
        taxed=taxed,
        inter_state=taxed and state_of(vendor_gstin or "") != shop.state_code,
        claimed=taxed and shop.gst_scheme == "regular",
        reverse_charge=reverse_charge,
    )


def check_rates(lines: Sequence[PurchaseLineIn], on: dt.date) -> None:
    """A 422 naming the first line whose `gst_rate` is not a slab in force on the bill's date
    (12% is refused on a bill dated after 22 September 2025 but taken on one before)."""
    for index, line in enumerate(lines):
        if line.gst_rate is None:
            continue
        problem = rate_problem(line.gst_rate, on)
        if problem is not None:
            raise InvalidInput(problem, loc=("body", "products", index, "gst_rate"))
