"""Input types that accept exactly what the OpenAPI schema says they do.

Pydantic's lax mode also takes `true` for `1`, `"5"` for `5` and `0` for 1970-01-01; a client
sending those has a bug, and a schema-checking client would not expect them to pass. So
request bodies use these where a plain type would be lax (and `Field(strict=True)` for bools).
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidatorFunctionWrapHandler, WrapValidator

from app.core.errors import InvalidInput
from app.core.text import INVISIBLE_PATTERN, clean_text, text_key

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


def check_date_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """Refuse a `from`/`to` query range whose start is after its end (a 422 naming `from`)."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput(f"'from' ({date_from}) is after 'to' ({date_to})", loc=("query", "from"))


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

_DIGITS = re.compile(r"[0-9]+")


def _digits_only(value: object) -> object:
    """An id in a URL is its decimal digits: not `1.0`, `+1`, `1_000`, ` 1` or `1\\n`.

    Pydantic's lax int takes all of those for `1`, so `/api/customers/1%0A` would read
    customer 1; a client sending them has a bug worth a 422.
    """
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("expected an integer id (digits only)")
    return value


PATH_INTEGER = BeforeValidator(_digits_only)
"""Put on an integer path parameter: `Annotated[int, Path(ge=1), PATH_INTEGER]`."""

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


def _cleaned_not_blank(value: object, handler: ValidatorFunctionWrapHandler) -> str:
    """Normalise first (`app.core.text.clean_text`), so the field's own constraints (length)
    judge the text we store; then refuse text that was only whitespace and invisibles."""
    if isinstance(value, str):
        value = clean_text(value)
    cleaned: str = handler(value)
    if not text_key(cleaned):
        raise ValueError("must not be blank (spaces and invisible characters do not count)")
    return cleaned


NOT_BLANK = (
    WrapValidator(_cleaned_not_blank),
    Field(json_schema_extra={"pattern": f"[^{_PYTHON_WHITESPACE}{INVISIBLE_PATTERN}]"}),
)
"""Text with something visible in it, normalised (NFKC, invisibles dropped, spaces collapsed):
`Annotated[str, StringConstraints(...), *NOT_BLANK]`."""

NAMES_A_PRODUCT: dict[str, Any] = {
    "anyOf": [
        {"required": ["product_id"], "properties": {"product_id": {"type": "integer"}}},
        {"required": ["product_name"], "properties": {"product_name": {"type": "string"}}},
    ]
}
"""`json_schema_extra` of a bill line that names its product by id or by name (not null)."""
