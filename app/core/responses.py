"""JSON responses that carry `Decimal` money as JSON numbers, exactly.

FastAPI's own serialisation turns `Decimal` into a string; our clients do arithmetic on
money, so routers return `respond(...)`, which writes each `Decimal` as its decimal text
(`10.10`) with no binary float in between. The route's `response_model` still documents the shape.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from starlette.responses import JSONResponse

from app.core import jsoncodec


class DecimalJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return jsoncodec.dumps(content)


def respond(
    content: BaseModel | Sequence[BaseModel] | Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> DecimalJSONResponse:
    return DecimalJSONResponse(content, status_code=status_code, headers=headers)
