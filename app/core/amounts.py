"""Amounts as people in India write them: lakh grouping (`1,20,050.50`). Pure text.

One place for the grouping, used by printed bills (`app.invoices.render`), answers to
questions (`app.ask`) and the owner's daily summary message (`app.notifications`).
"""

from decimal import Decimal

from babel.numbers import format_decimal

_INDIAN_GROUPING = "#,##,##0.00"


def indian_money(value: Decimal) -> str:
    """`Decimal('120050.5')` -> `1,20,050.50`; negative amounts keep their sign."""
    return format_decimal(value, format=_INDIAN_GROUPING, locale="en_IN", decimal_quantization=True)
