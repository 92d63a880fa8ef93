"""The API's route class: request JSON is parsed with numbers as `Decimal`, never `float`,
and a body that does not say it is JSON is a 415.

`10.10` arrives as `Decimal('10.10')`, and `1e400` as a number too large for NUMERIC(14,2)
(a 422), not as `inf`. `NaN` and `Infinity` are not JSON and are refused as a decode error.
"""

import email.message
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, params
from fastapi.routing import APIRoute

from app.core import jsoncodec
from app.core.errors import UnsupportedMedia


class DecimalRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = jsoncodec.loads(await self.body())
        return self._json


def _is_json(content_type: str) -> bool:
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def refuse_unless_json(request: Request) -> None:
    """A body sent to a JSON endpoint must say it is JSON, or it is a 415.

    FastAPI leaves a body with another Content-Type (`text/plain`, a form) unparsed and then
    reports it as a 422 about the body's fields, which hides the client's actual mistake. No
    Content-Type with a body is refused too; no body at all is left to the body's own rules.
    """
    content_type = request.headers.get("content-type")
    if content_type is None:
        length = request.headers.get("content-length")
        has_body = "transfer-encoding" in request.headers or (length not in (None, "0"))
        if not has_body:
            return
    elif _is_json(content_type):
        return
    raise UnsupportedMedia(
        "The body must be JSON, sent with Content-Type: application/json "
        f"(got {content_type or 'no Content-Type'})"
    )


class DecimalRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_json = self.body_field is not None and not isinstance(
            self.body_field.field_info, params.Form
        )

        async def decimal_handler(request: Request) -> Response:
            if takes_json:
                refuse_unless_json(request)
            return await handler(DecimalRequest(request.scope, request.receive))

        return decimal_handler
