"""quantity x rate = amount: the check that catches misread digits, and fixes the clear cases.

Given what was read, a line is either consistent, or exactly one of its three numbers can be
changed by a single misread (one digit, or a lost decimal point) to make it consistent - then
that number is corrected and flagged - or it is flagged `arithmetic_mismatch` and left as read.
A missing number is computed from the other two when that is exact.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from rapidfuzz.distance import Levenshtein

from app.core.money import MONEY_PLACES, QUANTITY_PLACES, round_money
from app.extraction.numbers import NumberRead

_ONE_PERCENT_HALF = Decimal("0.005")
_PAISA = Decimal("0.01")
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Reconciled:
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal | None
    flags: tuple[str, ...]


def consistent(quantity: Decimal, rate: Decimal, amount: Decimal) -> bool:
    """Within half a percent (or a paisa): vendors round line amounts to the rupee."""
    return abs(quantity * rate - amount) <= max(_PAISA, amount * _ONE_PERCENT_HALF)


def _exact(value: Decimal, places: Decimal) -> Decimal | None:
    """`value` when it has no more decimals than `places` allows, else None."""
    try:
        rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return rounded if rounded == value and rounded > 0 else None


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return numerator / denominator


def _misreads(read: NumberRead, candidate: Decimal, places: Decimal) -> int:
    """How many misreads turn `candidate` into what was read.

    Money is printed with paise (`22.50`), so money read without a point that is 100 (or 10)
    times the candidate lost its point: one misread. Quantities are mostly whole numbers, so
    for them a missing point is no evidence of anything.
    """
    lost_point = read.value in (candidate * _HUNDRED, candidate * 10) and "." not in read.text
    if places == MONEY_PLACES and lost_point:
        return 1
    as_read = format(read.value.quantize(places), "f").replace(".", "")
    wanted = format(candidate.quantize(places), "f").replace(".", "")
    return int(Levenshtein.distance(as_read, wanted))


def _repair(quantity: NumberRead, rate: NumberRead, amount: NumberRead) -> Reconciled | None:
    """The one single-misread correction that makes the line add up, if exactly one exists."""
    q, r, a = quantity.value, rate.value, amount.value
    candidates: list[tuple[int, Reconciled]] = []
    new_quantity = _exact(_divide(a, r) or Decimal(0), QUANTITY_PLACES)
    if new_quantity is not None:
        candidates.append(
            (
                _misreads(quantity, new_quantity, QUANTITY_PLACES),
                Reconciled(new_quantity, r, a, ("quantity_corrected",)),
            )
        )
    new_rate = _divide(a, q)
    if new_rate is not None and _exact(new_rate, MONEY_PLACES) is not None:
        candidates.append(
            (
                _misreads(rate, new_rate, MONEY_PLACES),
                Reconciled(q, new_rate.quantize(MONEY_PLACES), a, ("rate_corrected",)),
            )
        )
    new_amount = round_money(q * r)
    if new_amount > 0:
        candidates.append(
            (
                _misreads(amount, new_amount, MONEY_PLACES),
                Reconciled(q, r, new_amount, ("amount_corrected",)),
            )
        )
    plausible = sorted((c for c in candidates if c[0] <= 1), key=lambda c: c[0])
    if len(plausible) == 1 or (len(plausible) > 1 and plausible[0][0] < plausible[1][0]):
        return plausible[0][1]
    return None


def repairable(quantity: NumberRead, rate: NumberRead, amount: NumberRead) -> bool:
    """True when one misread digit or point explains why the line does not add up."""
    return _repair(quantity, rate, amount) is not None


def reconcile(
    quantity: NumberRead | None, rate: NumberRead | None, amount: NumberRead | None
) -> Reconciled:
    if quantity and rate and amount:
        if consistent(quantity.value, rate.value, amount.value):
            return Reconciled(quantity.value, rate.value, amount.value, ())
        return _repair(quantity, rate, amount) or Reconciled(
            quantity.value, rate.value, amount.value, ("arithmetic_mismatch",)
        )
    q = quantity.value if quantity else None
    r = rate.value if rate else None
    a = amount.value if amount else None
    if q is not None and r is not None:
        return Reconciled(q, r, round_money(q * r), ("amount_computed",))
    if q is not None and a is not None:
        computed = _divide(a, q)
        rate_value = round_money(computed) if computed is not None else None
        return Reconciled(q, rate_value, a, ("rate_computed",))
    if r is not None and a is not None:
        computed_quantity = _exact(_divide(a, r) or Decimal(0), QUANTITY_PLACES)
        if computed_quantity is not None:
            return Reconciled(computed_quantity, r, a, ("quantity_computed",))
        return Reconciled(None, r, a, ("quantity_missing",))
    flags = () if q is not None else ("quantity_missing",)
    return Reconciled(q, r, a, flags)


_NEAR_PRICE = Decimal("0.35")
_FAR_FROM_PRICE = Decimal("0.5")


def read_the_other_way(quantity: Decimal, rate: Decimal | None, price: Decimal | None) -> bool:
    """True when a line's quantity and rate were read the wrong way round, as the product's own
    price shows: `₹53 x 5 = ₹265` with the rupee signs lost reads as 53 at 5 each, but a
    product the shop buys at 54 makes 5 at 53 the only sense. Only a whole-number rate can be
    the quantity; both readings give the same amount, so the price alone decides."""
    if rate is None or price is None or price <= 0 or rate == quantity:
        return False
    if rate != rate.to_integral_value():
        return False
    near = abs(quantity - price) <= price * _NEAR_PRICE
    far = abs(rate - price) > price * _FAR_FROM_PRICE
    return near and far
