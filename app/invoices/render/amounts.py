"""Numbers as an Indian bill prints them: `1,23,456.50` (lakh grouping), `2.5` for a quantity."""

from decimal import Decimal

from app.core.amounts import indian_money


def money(value: Decimal) -> str:
    """`Decimal('123456.5')` -> `1,23,456.50`; negative amounts keep their sign."""
    return indian_money(value)


def quantity(value: Decimal) -> str:
    """`2.000` -> `2`, `1.250` -> `1.25`: quantities read as people write them."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rate_percent(value: Decimal) -> str:
    """`18.00` -> `18%`, `0.25` -> `0.25%`."""
    return f"{quantity(value)}%"
