"""Exact money and quantity types.

Money is `NUMERIC(14,2)` in PostgreSQL and `Decimal` here, end to end. Quantities are
`NUMERIC(14,3)`. Incoming JSON numbers are parsed from their decimal text (see
`app.core.routing`), so a value with more places than allowed is refused, never rounded.

The OpenAPI schema says exactly what these accept: a JSON number within range and on the
grid (`multipleOf`), or the same as plain decimal text (`"10.50"`, no sign, exponent or
spaces). Responses carry them as JSON numbers (`app.core.responses`), so every decimal in a
response model is `Number`, documented as one.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

MONEY_PLACES = Decimal("0.01")
QUANTITY_PLACES = Decimal("0.001")
_DIGITS = 14

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


def round_money(value: Decimal) -> Decimal:
    """Round half-up to paise: the one rounding rule the API documents."""
    return value.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)
