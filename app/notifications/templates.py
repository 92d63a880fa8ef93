"""Message texts, in English and Hindi: one place for every text the shop sends.

A text is a Python format string over a fixed set of named fields. A shop may replace any
text (per template and language) with its own, e.g. to match the wording of a template it
registered on India's DLT platform: operators drop SMS that do not match a registered
template, so the fields are plain values the shop's template can place anywhere.

English texts stay in the GSM-7 alphabet ("Rs", not the rupee sign): one non-GSM character
turns every segment into UCS-2 and cuts it from 160 characters to 70.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from app.core.message_templates import Language, TemplateName

MAX_LINES_SHOWN = 3
MAX_ITEM_NAME = 18

DEFAULTS: dict[TemplateName, dict[Language, str]] = {
    "sale_bill": {
        "en": "Namaste {party}, {shop} bill {bill_no}: {lines} Total Rs {total}, paid Rs {paid}."
        "{tax_line}{due_line} Thank you!{link_line}",
        "hi": "नमस्ते {party}, {shop} बिल {bill_no}: {lines} कुल ₹{total}, भुगतान ₹{paid}।{tax_line}"
        "{due_line} धन्यवाद!{link_line}",
    },
    "purchase_bill": {
        "en": "{shop} recorded your bill {bill_no}: {lines} Total Rs {total}, paid Rs {paid}."
        "{due_line}",
        "hi": "{shop} ने आपका बिल {bill_no} दर्ज किया: {lines} कुल ₹{total}, भुगतान ₹{paid}।{due_line}",
    },
    "payment_receipt": {
        "en": "{shop}: received Rs {amount} from {party} on {paid_on}. Balance Rs {balance}. "
        "Thank you!",
        "hi": "{shop}: {party} से {paid_on} को ₹{amount} प्राप्त। बाकी ₹{balance}। धन्यवाद!",
    },
    "reminder": {
        "en": "Namaste {party}, Rs {balance} is due to {shop} (bill {bill_no}) by {due_date}. "
        "Please pay at your convenience.{pay_line}{statement_line}",
        "hi": "नमस्ते {party}, {shop} का ₹{balance} बकाया है (बिल {bill_no}), {due_date} तक।"
        "{pay_line}{statement_line}",
    },
    "purchase_reminder": {
        "en": "Namaste {party}, {shop} will pay Rs {balance} for bill {bill_no} by {due_date}.",
        "hi": "नमस्ते {party}, {shop} बिल {bill_no} के ₹{balance} {due_date} तक चुकाएगा।",
    },
    # To the owner: one SMS even on a day of lakhs (GSM-7, at most 160 characters).
    "daily_summary": {
        "en": "{shop} {date}, Rs: sales {sales} (bills: {bills}), profit {profit}. "
        "Cash in {cash}, UPI in {upi}. Udhaar given {udhaar_given}, got {udhaar_received}. "
        "Low stock: {low_stock}",
        "hi": "{shop} {date}: बिक्री ₹{sales} ({bills} बिल), मुनाफ़ा ₹{profit}। नकद ₹{cash}, "
        "UPI ₹{upi} मिले। उधार दिया ₹{udhaar_given}, वसूला ₹{udhaar_received}। "
        "कम स्टॉक: {low_stock}",
    },
}
_DUE_LINE: dict[Language, str] = {
    "en": " Balance Rs {balance} due by {due_date}.",
    "hi": " बकाया ₹{balance}, {due_date} तक।",
}
_TAX_LINE: dict[Language, str] = {"en": " Incl. GST Rs {tax}.", "hi": " GST ₹{tax} सहित।"}
_LINK_LINE: dict[Language, str] = {"en": " Bill: {link}", "hi": " बिल: {link}"}
_PAY_LINE: dict[Language, str] = {"en": " Pay by UPI: {pay_link}", "hi": " UPI से भुगतान: {pay_link}"}
_STATEMENT_LINE: dict[Language, str] = {
    "en": " Statement: {statement_link}",
    "hi": " खाता: {statement_link}",
}
_NO_NAME: dict[Language, str] = {"en": "ji", "hi": "जी"}


def no_name(language: str) -> str:
    """What a message calls a party with no name, in `language`."""
    return _NO_NAME["hi" if language == "hi" else "en"]


@dataclass(frozen=True, slots=True)
class BillItem:
    name: str
    quantity: Decimal
    amount: Decimal
    """The line's total, after its discount."""
    discount: Decimal = Decimal(0)


def _number(value: Decimal) -> str:
    """1.000 -> '1', 1.250 -> '1.25': quantities read as people write them."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def item_lines(items: list[BillItem]) -> str:
    """'Atta 5kg x2=90.00, Sugar x3=53.73 (-5.97) +2 more' - at most three items, short
    names; a discounted line shows its discount after its (discounted) amount."""
    shown = [
        f"{item.name[:MAX_ITEM_NAME].strip()} x{_number(item.quantity)}={item.amount}"
        + (f" (-{item.discount})" if item.discount > 0 else "")
        for item in items[:MAX_LINES_SHOWN]
    ]
    more = len(items) - MAX_LINES_SHOWN
    return ", ".join(shown) + (f" +{more} more." if more > 0 else ".")


def render(
    template: TemplateName,
    language: str,
    values: Mapping[str, object],
    overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The message text: the shop's own wording when it has one, else ours.

    `values` holds the template's fields; `party` may be empty (a customer with no name).
    """
    lang: Language = "hi" if language == "hi" else "en"
    text = (overrides or {}).get(template, {}).get(lang) or DEFAULTS[template][lang]
    fields = {name: "" if value is None else str(value) for name, value in values.items()}
    fields["party"] = fields.get("party") or no_name(lang)
    if template in ("sale_bill", "purchase_bill"):
        owed = Decimal(str(values.get("balance") or 0))
        fields["due_line"] = _DUE_LINE[lang].format_map(fields) if owed > 0 else ""
        fields["tax_line"] = _TAX_LINE[lang].format_map(fields) if fields.get("tax") else ""
        fields["link_line"] = _LINK_LINE[lang].format_map(fields) if fields.get("link") else ""
    if template == "reminder":
        fields["pay_line"] = _PAY_LINE[lang].format_map(fields) if fields.get("pay_link") else ""
        fields["statement_line"] = (
            _STATEMENT_LINE[lang].format_map(fields) if fields.get("statement_link") else ""
        )
    return " ".join(text.format_map(fields).split())


_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def sms_segments(body: str) -> int:
    """How many SMS parts the text takes: GSM-7 160/153 characters, else UCS-2 70/67."""
    if set(body) <= _GSM7:
        single, part = 160, 153
    else:
        single, part = 70, 67
    return 1 if len(body) <= single else math.ceil(len(body) / part)
