"""UPI payment requests: the `upi://pay` link every Indian UPI app opens, and the shop's VPA.

The link follows NPCI's UPI linking specification: `pa` (payee VPA), `pn` (payee name), `am`
(amount, two decimals), `cu` (`INR`) and `tn` (a note the payer sees; apps cut long ones, so
at most 50 characters here, naming the bill). Values are percent-encoded (RFC 3986, space as
`%20`, never `+`, which some apps show literally; `@` stays as it is), so names such as
`Sharma & Sons` survive.
Pure: no I/O.
"""

import re
from decimal import Decimal
from typing import Annotated
from urllib.parse import quote

from pydantic import AfterValidator, StringConstraints

MAX_NOTE = 50
MAX_PAYEE_NAME = 99

_VPA = re.compile(r"[a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9.-]{1,63}")


def vpa_problem(value: str) -> str | None:
    """Why `value` is not a UPI id (VPA) such as `sharmakirana@okaxis`, or None."""
    if "@" not in value:
        return f"'{value}' is not a UPI id: it needs a handle after '@', like name@okaxis"
    if not _VPA.fullmatch(value.lower()):
        return (
            f"'{value}' is not a UPI id: letters, digits, '.', '-' or '_' before '@', "
            "a bank handle after it (name@okaxis)"
        )
    return None


def _checked_vpa(value: str) -> str:
    if value == "":
        return value
    problem = vpa_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value.lower()


VpaIn = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=255), AfterValidator(_checked_vpa)
]
"""A UPI id in a request: trimmed and lower-cased; `""` clears it."""


def _component(value: str) -> str:
    """Percent-encoded, except `@`: legal in a query, and how every UPI app writes a VPA."""
    return quote(value, safe="@")


def payment_note(text: str) -> str:
    """`text` cut to the 50 characters a note may have (on a character boundary)."""
    return " ".join(text.split())[:MAX_NOTE].rstrip()


def payment_uri(*, vpa: str, payee_name: str, amount: Decimal, note: str) -> str:
    """`upi://pay?pa=...&pn=...&am=123.50&cu=INR&tn=...` for `amount` (> 0, two places)."""
    if amount <= 0:
        raise ValueError("a UPI request needs an amount above zero")
    name = " ".join(payee_name.split())[:MAX_PAYEE_NAME]
    parts = (
        ("pa", vpa),
        ("pn", name),
        ("am", f"{amount.quantize(Decimal('0.01')):f}"),
        ("cu", "INR"),
        ("tn", payment_note(note)),
    )
    return "upi://pay?" + "&".join(f"{key}={_component(value)}" for key, value in parts)
