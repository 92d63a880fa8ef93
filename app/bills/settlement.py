"""Payment at the counter: how much of a bill's total is paid now and how much is udhaar."""

from dataclasses import dataclass
from decimal import Decimal

from app.core.errors import InvalidInput

TOLERANCE = Decimal("0.01")
"""How far a client's own `total_amount` may be from the bill's (float arithmetic, rounding)."""


@dataclass(frozen=True, slots=True)
class Settlement:
    total: Decimal
    paid: Decimal
    """Paid at the counter."""

    @property
    def on_credit(self) -> Decimal:
        """The rest of the total: the udhaar the bill opens (0 for a bill paid in full)."""
        return self.total - self.paid


def check_claimed_total(total: Decimal, claimed_total: Decimal | None) -> None:
    """A client that sends its own total must agree with the bill's within 0.01."""
    if claimed_total is not None and abs(claimed_total - total) > TOLERANCE:
        raise InvalidInput(
            f"total_amount {claimed_total} does not match the lines' total {total}",
            loc=("body", "total_amount"),
            computed_total=total,
        )


def settle(
    total: Decimal,
    *,
    bill_paid: bool,
    amount_paid: Decimal | None,
    claimed_total: Decimal | None,
) -> Settlement:
    """Check the client's arithmetic, then split the total into paid and on credit.

    `amount_paid`, when given, wins over `bill_paid` and may not exceed the total; without it
    the bill is paid in full (`bill_paid`) or entirely on udhaar.
    """
    check_claimed_total(total, claimed_total)
    if amount_paid is not None:
        if amount_paid > total:
            raise InvalidInput(
                f"amount_paid {amount_paid} is more than the bill total {total}",
                loc=("body", "amount_paid"),
            )
        return Settlement(total, amount_paid)
    return Settlement(total, total if bill_paid else Decimal(0))
