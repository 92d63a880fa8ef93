"""The answer to a question, in words: a short sentence from the result, and what was
computed (`query_shown`), in English or Hindi. Pure."""

import datetime as dt
from decimal import Decimal
from typing import Any

from app.ask.intent import Dimension, Intent, Metric, Sort
from app.core.amounts import indian_money
from app.core.message_templates import Language

_METRIC: dict[Metric, dict[Language, str]] = {
    Metric.SALES: {"en": "Sales", "hi": "बिक्री"},
    Metric.PROFIT: {"en": "Profit", "hi": "मुनाफ़ा"},
    Metric.QUANTITY_SOLD: {"en": "Quantity sold", "hi": "बिकी मात्रा"},
    Metric.BILLS: {"en": "Bills", "hi": "बिल"},
    Metric.PURCHASES: {"en": "Purchases", "hi": "खरीद"},
    Metric.PAYMENTS_RECEIVED: {"en": "Payments received", "hi": "मिला भुगतान"},
    Metric.UDHAAR_DUE: {"en": "Udhaar owed to you", "hi": "आपका बकाया उधार"},
    Metric.PAYABLE: {"en": "Owed to vendors", "hi": "विक्रेताओं का बकाया"},
    Metric.STOCK: {"en": "Stock", "hi": "स्टॉक"},
}
_DIMENSION: dict[Dimension, dict[Language, str]] = {
    Dimension.DAY: {"en": "day", "hi": "दिन"},
    Dimension.MONTH: {"en": "month", "hi": "महीना"},
    Dimension.PRODUCT: {"en": "product", "hi": "सामान"},
    Dimension.CUSTOMER: {"en": "customer", "hi": "ग्राहक"},
    Dimension.VENDOR: {"en": "vendor", "hi": "विक्रेता"},
    Dimension.PAYMENT_MODE: {"en": "payment mode", "hi": "भुगतान का तरीका"},
}
_MONEY = {
    Metric.SALES,
    Metric.PROFIT,
    Metric.PURCHASES,
    Metric.PAYMENTS_RECEIVED,
    Metric.UDHAAR_DUE,
    Metric.PAYABLE,
}
_NOW = {Metric.UDHAAR_DUE, Metric.PAYABLE, Metric.STOCK}
SHOWN_IN_ANSWER = 5


def value_text(metric: Metric, value: Any) -> str:
    number = Decimal(value or 0)
    if metric in _MONEY:
        return "₹" + indian_money(number)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _period(intent: Intent, language: Language) -> str:
    if intent.metric in _NOW:
        return "अभी" if language == "hi" else "now"
    start, end = intent.date_from, intent.date_to
    if start is None and end is None:
        return "सभी समय" if language == "hi" else "all time"
    if start == end and start is not None:
        return f"{start:%d-%m-%Y}"
    left = f"{start:%d-%m-%Y}" if start else "…"
    right = f"{end:%d-%m-%Y}" if end else "…"
    return f"{left} से {right} तक" if language == "hi" else f"{left} to {right}"


def _label(row: dict[str, Any], intent: Intent) -> str:
    parts = []
    for dimension in intent.dimensions:
        value = row.get(dimension.value)
        parts.append(f"{value:%d-%m-%Y}" if isinstance(value, dt.date) else str(value or "-"))
    return " / ".join(parts)


def sentence(intent: Intent, rows: list[dict[str, Any]], language: Language) -> str:
    metric = _METRIC[intent.metric][language]
    period = _period(intent, language)
    column = intent.metric.value
    if not intent.dimensions:
        value = value_text(intent.metric, rows[0][column] if rows else 0)
        subject = (
            f"{metric} ({intent.party or intent.product})"
            if (intent.party or intent.product)
            else metric
        )
        return f"{subject}, {period}: {value}."
    by = ", ".join(_DIMENSION[d][language] for d in intent.dimensions)
    if not rows:
        return (
            f"{metric} ({by}), {period}: कुछ नहीं मिला।"
            if language == "hi"
            else f"{metric} by {by}, {period}: nothing found."
        )
    shown = "; ".join(
        f"{_label(row, intent)}: {value_text(intent.metric, row[column])}"
        for row in rows[:SHOWN_IN_ANSWER]
    )
    more = len(rows) - SHOWN_IN_ANSWER
    tail = (f" (+{more} और)" if language == "hi" else f" (+{more} more)") if more > 0 else ""
    head = f"{metric} ({by}), {period}" if language == "hi" else f"{metric} by {by}, {period}"
    return f"{head}: {shown}{tail}."


def described(intent: Intent) -> str:
    """What was computed, in plain English (for the curious owner and the developer)."""
    what = {
        Metric.SALES: "the total of live sale bills (returns not deducted)",
        Metric.PROFIT: "the profit of live sale bills (taxable value less cost)",
        Metric.QUANTITY_SOLD: "the quantity sold on live bills",
        Metric.BILLS: "the number of live sale bills",
        Metric.PURCHASES: "the total of live purchase bills",
        Metric.PAYMENTS_RECEIVED: "udhaar payments received from customers",
        Metric.UDHAAR_DUE: "open udhaar customers owe now",
        Metric.PAYABLE: "open udhaar the shop owes vendors now",
        Metric.STOCK: "the quantity in stock now",
    }[intent.metric]
    parts = [what.capitalize()]
    if intent.metric not in _NOW and (intent.date_from or intent.date_to):
        parts.append(f"from {intent.date_from or 'the start'} to {intent.date_to or 'today'}")
    if intent.product:
        parts.append(f"for products matching '{intent.product}'")
    if intent.party:
        parts.append(f"for parties matching '{intent.party}'")
    if intent.overdue:
        parts.append("past their due date")
    if intent.low_stock:
        parts.append("at or below their reorder level (5 units when none is set)")
    if intent.dimensions:
        parts.append("by " + ", ".join(d.value.replace("_", " ") for d in intent.dimensions))
        order = {
            Sort.DESC: "largest first",
            Sort.ASC: "smallest first",
            Sort.TIME: "in date order",
        }[intent.sort]
        parts.append(f"{order}, at most {intent.limit} rows")
    return ", ".join(parts) + "."
