"""Message texts, in English and Hindi. One place for every text the shop sends."""

from dataclasses import dataclass
from decimal import Decimal

LANGUAGES = ("en", "hi")


@dataclass(frozen=True, slots=True)
class BillMessage:
    shop_name: str
    customer_name: str
    bill_no: str
    total: Decimal
    paid: Decimal
    due_date: str | None


_SALE_BILL = {
    "en": (
        "Namaste {customer}, your bill {bill_no} at {shop}: Rs {total}. Paid Rs {paid}."
        "{due_line} Thank you!"
    ),
    "hi": (
        "नमस्ते {customer}, {shop} पर आपका बिल {bill_no}: ₹{total}। भुगतान ₹{paid}।{due_line} धन्यवाद!"
    ),
}
_DUE_LINE = {
    "en": " Balance Rs {due} due by {due_date}.",
    "hi": " बकाया ₹{due}, {due_date} तक।",
}


def sale_bill(message: BillMessage, language: str = "en") -> str:
    language = language if language in LANGUAGES else "en"
    due = message.total - message.paid
    due_line = (
        _DUE_LINE[language].format(due=due, due_date=message.due_date or "-") if due > 0 else ""
    )
    return _SALE_BILL[language].format(
        customer=message.customer_name or "ji",
        bill_no=message.bill_no,
        shop=message.shop_name,
        total=message.total,
        paid=message.paid,
        due_line=due_line,
    )
