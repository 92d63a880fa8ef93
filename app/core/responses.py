"""JSON responses that carry `Decimal` money as JSON numbers, exactly.

FastAPI's own serialisation turns `Decimal` into a string; our clients do arithmetic on
money, so routers return `respond(...)`, which writes each `Decimal` as its decimal text
(`10.10`) with no binary float in between. The route's `response_model` still documents the shape.
"""

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any

import simplejson
from pydantic import BaseModel
from starlette.responses import JSONResponse


def _fallback(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python", by_alias=True)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(content: object) -> bytes:
    return simplejson.dumps(
        content,
        use_decimal=True,
        default=_fallback,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


class DecimalJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content)


def respond(
    content: BaseModel | Sequence[BaseModel] | Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> DecimalJSONResponse:
    return DecimalJSONResponse(content, status_code=status_code, headers=headers)
