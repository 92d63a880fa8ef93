"""Input types that accept exactly what the OpenAPI schema says they do.

Pydantic's lax mode also takes `true` for `1`, `"5"` for `5` and `0` for 1970-01-01; a client
sending those has a bug, and a schema-checking client would not expect them to pass. So
request bodies use these where a plain type would be lax (and `Field(strict=True)` for bools).
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day_text(value: object) -> object:
    """Refuse anything but `YYYY-MM-DD` text (or a date, from code) before Pydantic parses it.

    Pydantic alone also takes `2026-11-25T00:00:00`, and numbers as Unix times (`0` is
    1970-01-01, in a query too); a client sending either has a bug worth a 422.
    """
    if isinstance(value, dt.datetime) or not (
        isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value))
    ):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_day_text)]
"""A calendar date written exactly as `YYYY-MM-DD` (an impossible day such as 02-30 is a 422)."""


def _json_integer(value: object) -> object:
    """A JSON integer: `7`, or `7.0` (the same number to JSON Schema); not `true` or `"7"`."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected an integer")
    return value


JSON_INTEGER = BeforeValidator(_json_integer)
"""Put after the constraints: `Annotated[int, Field(ge=1, le=90), JSON_INTEGER]` (before them,
Pydantic documents `ge`/`le` as they are instead of `minimum`/`maximum`)."""

JSON_SAFE_INT = 2**53 - 1
"""The largest id a JSON body carries: past 2^53 JSON numbers are not exact in most readers
(JavaScript, and any that parse numbers as doubles), so such an id is refused (I-JSON)."""

BodyId = Annotated[int, Field(ge=1, le=JSON_SAFE_INT), JSON_INTEGER]
"""An object's id in a JSON body."""

# What `str.strip()` removes, as services strip names again: Pydantic's `strip_whitespace`
# keeps the separators \x1c-\x1f, so a name of only those would be stored empty.
_PYTHON_WHITESPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


NOT_BLANK = (
    AfterValidator(_not_blank),
    Field(json_schema_extra={"pattern": f"[^{_PYTHON_WHITESPACE}]"}),
)
"""Text with something besides whitespace: `Annotated[str, StringConstraints(...), *NOT_BLANK]`."""

NAMES_A_PRODUCT: dict[str, Any] = {
    "anyOf": [
        {"required": ["product_id"], "properties": {"product_id": {"type": "integer"}}},
        {"required": ["product_name"], "properties": {"product_name": {"type": "string"}}},
    ]
}
"""`json_schema_extra` of a bill line that names its product by id or by name (not null)."""
