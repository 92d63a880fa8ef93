"""The API's route class: request JSON is parsed with numbers as `Decimal`, never `float`.

`10.10` arrives as `Decimal('10.10')`, and `1e400` as a number too large for NUMERIC(14,2)
(a 422), not as `inf`. `NaN` and `Infinity` are not JSON and are refused as a decode error.
"""

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a valid JSON number", name, 0)


class DecimalRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            self._json = json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
        return self._json


class DecimalRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_handler(request: Request) -> Response:
            return await handler(DecimalRequest(request.scope, request.receive))

        return decimal_handler
