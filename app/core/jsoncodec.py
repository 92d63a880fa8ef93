"""JSON in and out of the API, with money exact: numbers are read as `Decimal` and `Decimal`
is written as its decimal text (`10.10`), never through a binary float.

Both directions are C libraries (issue 20: request parsing and response writing were about
7% of an API worker's CPU per sale with the standard library and simplejson): msgspec reads
(its `float_hook` hands every non-integer number's text to `Decimal`), orjson writes (a
`Decimal` becomes a `Fragment` of its text; dates and times come out as `isoformat()` would
write them, so replies keep the `+00:00` offsets clients already parse).
"""

import json
from decimal import Decimal
from typing import Any

import msgspec
import orjson
from pydantic import BaseModel

Raw = orjson.Fragment
"""JSON text embedded as it is (a report's rows written by PostgreSQL)."""

_READER = msgspec.json.Decoder(float_hook=Decimal)
_OPTIONS = orjson.OPT_NON_STR_KEYS


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a valid JSON number", name, 0)


def loads(text: bytes | str) -> Any:
    """Parse JSON with every non-integer number as `Decimal` (`1e400` too: a number, which a
    NUMERIC column then refuses, never `inf`); `NaN` and `Infinity` are not JSON.

    Raises `json.JSONDecodeError` with the position of the mistake: msgspec's error does not
    carry one, so a body it refuses is read again by the standard library, which names it
    (and which accepts the few things msgspec is stricter about, such as a lone surrogate
    escape, as before).
    """
    try:
        return _READER.decode(text)
    except msgspec.DecodeError:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)


def _write_other(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return orjson.Fragment(str(value))
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python", by_alias=True)
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a named tuple, as an object
        return value._asdict()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(content: object) -> bytes:
    """UTF-8 JSON, compact, non-ASCII as it is, `Decimal` as its decimal text."""
    return orjson.dumps(content, default=_write_other, option=_OPTIONS)
