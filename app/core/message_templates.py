"""The vocabulary of the shop's messages: template names, languages, the fields each may use.

Pure, so that both the shop's settings (auth, where a shop stores its own wording) and the
outbox (notifications, which renders it) can check a text against it. The texts themselves
and their rendering are in `app/notifications/templates.py`; nothing here sends or renders.
"""

import string
from typing import Literal

Language = Literal["en", "hi"]
TemplateName = Literal[
    "sale_bill",
    "purchase_bill",
    "payment_receipt",
    "reminder",
    "purchase_reminder",
    "daily_summary",
]
LANGUAGES: tuple[Language, ...] = ("en", "hi")
TEMPLATE_NAMES: tuple[TemplateName, ...] = (
    "sale_bill",
    "purchase_bill",
    "payment_receipt",
    "reminder",
    "purchase_reminder",
    "daily_summary",
)
MAX_TEMPLATE_CHARS = 640

FIELDS: dict[TemplateName, tuple[str, ...]] = {
    "sale_bill": (
        "shop",
        "party",
        "bill_no",
        "lines",
        "total",
        "paid",
        "balance",
        "due_date",
        "tax",
        "link",
    ),
    "purchase_bill": ("shop", "party", "bill_no", "lines", "total", "paid", "balance", "due_date"),
    "payment_receipt": ("shop", "party", "amount", "paid_on", "balance"),
    "reminder": (
        "shop",
        "party",
        "bill_no",
        "balance",
        "due_date",
        "pay_link",
        "statement_link",
    ),
    "purchase_reminder": ("shop", "party", "bill_no", "balance", "due_date"),
    "daily_summary": (
        "shop",
        "party",
        "date",
        "sales",
        "bills",
        "profit",
        "cash",
        "upi",
        "udhaar_given",
        "udhaar_received",
        "low_stock",
    ),
}
"""The fields each template may use; `due_line` is also offered to the bill templates, and
`tax_line` (the GST of a tax invoice in one short sentence; empty on other bills) and
`link_line` (" Bill: <share link>", empty without PUBLIC_BASE_URL) to the sale bill, and
`pay_line` (the UPI link for the balance, empty without the shop's UPI id) and
`statement_line` (the statement's share link) to the customer reminder. The owner's
`daily_summary` carries its amounts already written in Indian grouping (`1,20,050.50`), its
`date` as `dd-mm`, `bills` and `low_stock` (products at or below their reorder level)
as counts, and `party` as the owner's name."""


class TemplateError(ValueError):
    """A shop's replacement text uses a field the template does not have, or bad syntax."""


def allowed_fields(template: TemplateName) -> set[str]:
    fields = set(FIELDS[template])
    if template in ("sale_bill", "purchase_bill"):
        fields.add("due_line")
    if template == "sale_bill":
        fields |= {"tax_line", "link_line"}
    if template == "reminder":
        fields |= {"pay_line", "statement_line"}
    return fields


def check_template(template: TemplateName, text: str) -> None:
    """Refuse a replacement text that could not be rendered: unknown fields or bad braces."""
    if not text.strip():
        raise TemplateError("the text is empty")
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"the text is longer than {MAX_TEMPLATE_CHARS} characters")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(f"bad braces: {exc}") from exc
    allowed = allowed_fields(template)
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            raise TemplateError(
                f"unknown field {{{field}}}; use only "
                + ", ".join(f"{{{f}}}" for f in sorted(allowed))
            )
