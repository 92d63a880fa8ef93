"""The one vocabulary of payment modes, wherever money moves (issue 17 item 2).

Every schema, model CHECK and the day book take their modes from here, so a mode is added
in one place. Pure data: no I/O, nothing that knows about tables.

- A *money mode* says how money changed hands: `cash`, `upi`, `card` or `bank` (a transfer,
  NEFT/IMPS, a cheque). Expenses, udhaar payments and refunds are always one of these.
- A *bill mode* is a money mode or `credit`: nothing (or only part) was paid at the counter
  and the rest is udhaar. What a `credit` bill did take at the counter counts as cash.
- Udhaar payments also accept `cheque` and `other`, the values their endpoints took before
  `bank` existed, so old clients keep working. They are stored as sent; the day book counts
  a cheque with `bank` and `other` (like the old rows without a mode) with `cash`.
"""

from typing import Literal, get_args

MoneyMode = Literal["cash", "upi", "card", "bank"]
BillMode = Literal[MoneyMode, "credit"]
LegacyUdhaarMode = Literal["cheque", "other"]
UdhaarPaymentMode = Literal[MoneyMode, LegacyUdhaarMode]

MONEY_MODES: tuple[MoneyMode, ...] = get_args(MoneyMode)
BILL_MODES: tuple[BillMode, ...] = get_args(BillMode)
UDHAAR_PAYMENT_MODES: tuple[UdhaarPaymentMode, ...] = get_args(UdhaarPaymentMode)
CREDIT: BillMode = "credit"
DEFAULT_MONEY_MODE: MoneyMode = "cash"

COUNTED_AS: dict[str, MoneyMode] = {"credit": "cash", "cheque": "bank", "other": "cash"}
"""The money mode a non-money mode's amount counts under in the day book: the part of a
`credit` bill paid at the counter, and the legacy udhaar payment modes."""


def check_in(column: str, modes: tuple[str, ...]) -> str:
    """The text of a CHECK constraint that keeps `column` within `modes` (constants only)."""
    return f"{column} IN (" + ", ".join(f"'{mode}'" for mode in modes) + ")"
