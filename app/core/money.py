"""Exact money and quantity types.

Money is `NUMERIC(14,2)` in PostgreSQL and `Decimal` here, end to end. Quantities are
`NUMERIC(14,3)`. Incoming JSON numbers are parsed from their decimal text (see
`app.core.routing`), so a value with more places than allowed is refused, never rounded;
the one exception is a bill's optional `total_amount` check (`BillTotal`). Computed amounts
and quantities are checked against the columns' range in `app.bills.limits`.

The OpenAPI schema says exactly what these accept: a JSON number within range and on the
grid (`multipleOf`), or the same as plain decimal text (`"10.50"`, no sign, exponent or
spaces). Responses carry them as JSON numbers (`app.core.responses`), so every decimal in a
response model is `Number`, documented as one.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

MONEY_PLACES = Decimal("0.01")
QUANTITY_PLACES = Decimal("0.001")
_DIGITS = 14
MAX_MONEY = Decimal("999999999999.99")
"""The largest amount a NUMERIC(14,2) column holds: inputs, and every computed amount."""
MAX_QUANTITY = Decimal("99999999999.999")
"""The largest quantity a NUMERIC(14,3) column holds (a stock level, or a bill's total)."""

Number = Annotated[Decimal, WithJsonSchema({"type": "number"}, mode="serialization")]
"""A decimal in a response: written as an exact JSON number, documented as a number."""


# The largest value and the grid, per number of places, as the JSON numbers the OpenAPI
# schema shows: documentation only, never used to compute anything.
_SCHEMA_BOUNDS = {2: (999_999_999_999.99, 0.01), 3: (99_999_999_999.999, 0.001)}


def _positive_text(places: int, whole: int) -> str:
    """Decimal text with a non-zero digit: `[1-9]...` before the point, or one after it."""
    fractions = "|".join(f"0{{{i}}}[1-9][0-9]{{0,{places - 1 - i}}}" for i in range(places))
    return rf"0*[1-9][0-9]{{0,{whole - 1}}}(\.[0-9]{{1,{places}}})?|0+\.({fractions})"


def _exact(places: int, *, positive: bool = False) -> tuple[Any, ...]:
    """Validation and documentation of a decimal with `places` places, >= 0 (or > 0)."""
    whole = _DIGITS - places
    text = (
        _positive_text(places, whole)
        if positive
        else rf"0*[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?"
    )
    pattern = re.compile(text)
    maximum, step = _SCHEMA_BOUNDS[places]
    number: dict[str, Any] = {
        "type": "number",
        "maximum": maximum,
        "multipleOf": step,
        "exclusiveMinimum" if positive else "minimum": 0,
    }

    def plain_text_only(value: object) -> object:
        # Pydantic alone also takes " 5", "+5", "1_000", "1e2" and other digits (Arabic-Indic).
        if isinstance(value, bool) or (isinstance(value, str) and not pattern.fullmatch(value)):
            raise ValueError(f"expected a number with at most {places} decimal places")
        return value

    constraints = Field(
        gt=0 if positive else None,
        ge=None if positive else 0,
        max_digits=_DIGITS,
        decimal_places=places,
        allow_inf_nan=False,
    )
    documented = {"anyOf": [number, {"type": "string", "pattern": f"^({text})$"}]}
    return (
        constraints,
        BeforeValidator(plain_text_only),
        WithJsonSchema(documented, mode="validation"),
        WithJsonSchema({"type": "number"}, mode="serialization"),
    )


# 12 integer digits: up to 999,999,999,999.99 rupees.
Money = Annotated[Decimal, *_exact(2)]
PositiveMoney = Annotated[Decimal, *_exact(2, positive=True)]
Quantity = Annotated[Decimal, *_exact(3)]
PositiveQuantity = Annotated[Decimal, *_exact(3, positive=True)]


_PERCENT_TEXT = r"0*([0-9]{1,2}(\.[0-9]{1,2})?|100(\.0{1,2})?)"
_PERCENT = re.compile(_PERCENT_TEXT)


def _percent_text(value: object) -> object:
    if isinstance(value, bool) or (isinstance(value, str) and not _PERCENT.fullmatch(value)):
        raise ValueError("expected a percentage from 0 to 100 with at most 2 decimal places")
    return value


Percent = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False),
    BeforeValidator(_percent_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
                {"type": "string", "pattern": f"^({_PERCENT_TEXT})$"},
            ]
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "number"}, mode="serialization"),
]
"""A percentage from 0 to 100 with at most two places (`12.5` is 12.5%)."""


def round_money(value: Decimal) -> Decimal:
    """Round half-up to paise: the one rounding rule the API documents."""
    return value.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


# Plain decimal text of any length: what a client's float arithmetic writes, as text.
_ANY_DECIMAL_TEXT = r"0*[0-9]{1,12}(\.[0-9]+)?"
_ANY_DECIMAL = re.compile(_ANY_DECIMAL_TEXT)


def _any_decimal(value: object) -> object:
    if isinstance(value, bool) or (isinstance(value, str) and not _ANY_DECIMAL.fullmatch(value)):
        raise ValueError("expected a number")
    return value


def _rounded_total(value: Decimal) -> Decimal:
    if value > MAX_MONEY:
        raise ValueError(f"must be at most {MAX_MONEY}")
    return round_money(value)


BillTotal = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False),
    BeforeValidator(_any_decimal),
    AfterValidator(_rounded_total),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": _SCHEMA_BOUNDS[2][0]},
                {"type": "string", "pattern": f"^({_ANY_DECIMAL_TEXT})$"},
            ]
        },
        mode="validation",
    ),
]
"""A bill's `total_amount` as a client checks it: any JSON number from 0 to the maximum, any
number of places (a browser's `3 * 19.90` is `59.699999999999996`), rounded half-up to paise
here, parsed from its decimal text (never through a float). The service compares it with the
bill's own total within 0.01."""
