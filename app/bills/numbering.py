"""Invoice numbers: `{prefix}{fiscal_year}/{counter}`, e.g. `2026-27/000123`, pure rules.

GST allows a serial number of at most 16 characters, letters, digits, `-` and `/` only
(CGST rule 46(b)). The fiscal year and the six-digit counter take 14 of them, so a shop's
prefix can have at most 2: a longer one is refused when it is set, not discovered on the
first bill that would not fit.
"""

import re

INVOICE_NO_MAX = 16
"""The longest serial number GST allows on an invoice or a credit note."""
COUNTER_DIGITS = 6
"""The counter within a series and fiscal year, zero-padded (`000123`)."""
_EXAMPLE_YEAR = "2026-27"
"""Every fiscal year is written with this many characters (`app.bills.dates.fiscal_year`)."""
PREFIX_MAX = INVOICE_NO_MAX - len(_EXAMPLE_YEAR) - 1 - COUNTER_DIGITS
"""The longest prefix whose numbers still fit: 2."""

_PREFIX = re.compile(r"[A-Za-z0-9/-]*")


def invoice_no(prefix: str, fiscal_year: str, counter: int) -> str:
    """The number of the `counter`th document of a series in `fiscal_year` ('2026-27')."""
    return f"{prefix}{fiscal_year}/{counter:0{COUNTER_DIGITS}d}"


def invoice_prefix_problem(prefix: str) -> str | None:
    """Why `prefix` cannot start the shop's invoice numbers, or None ('' is no prefix)."""
    if not _PREFIX.fullmatch(prefix):
        return "an invoice prefix may hold only letters (A-Z), digits, '-' and '/'"
    example = invoice_no(prefix, _EXAMPLE_YEAR, 123)
    if len(example) > INVOICE_NO_MAX:
        return (
            f"with this prefix invoice numbers would be {len(example)} characters long "
            f"('{example}'), but GST allows at most {INVOICE_NO_MAX}: the prefix can have at "
            f"most {PREFIX_MAX} characters"
        )
    return None
