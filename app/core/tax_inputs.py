"""GST fields of a request body shared by products and bill lines: HSN code and cess rate.

(GSTINs and state codes, with their checks, are in `app.core.gstin`.)
"""

import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, WithJsonSchema

HsnCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4,8}$"),
    Field(
        description='HSN code, 4 to 8 digits, as text (`"0401"`: a leading 0 counts)',
        examples=["2501"],
    ),
]
"""A JSON number is refused: `0401` would lose its leading zero as one."""

_CESS_TEXT = r"0*[0-9]{1,3}(\.[0-9]{1,2})?"
_CESS = re.compile(_CESS_TEXT)


def _cess_text(value: object) -> object:
    if isinstance(value, bool) or (isinstance(value, str) and not _CESS.fullmatch(value)):
        raise ValueError("expected a cess rate from 0 to 400 with at most 2 decimal places")
    return value


CessRate = Annotated[
    Decimal,
    Field(ge=0, le=400, max_digits=5, decimal_places=2, allow_inf_nan=False),
    BeforeValidator(_cess_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 400, "multipleOf": 0.01},
                {"type": "string", "pattern": f"^({_CESS_TEXT})$"},
            ]
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "number"}, mode="serialization"),
]
"""Compensation cess, percent of the taxable value, 0 to 400 with at most two places."""
