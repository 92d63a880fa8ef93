"""A per-user limit on writes (OWASP API4): a fixed one-minute window, per worker process.

Deliberately in process memory, unlike the login limiter: counting every bill in PostgreSQL
would add a round trip and a hot row per user to the sale path, which a busy counter
billing from one login would serialise on. The price is that the effective limit is
`WRITE_RATE_LIMIT x workers`, and a client spread over machines gets each machine's share;
set the limit with that in mind. `0` turns it off.

The allowance belongs to the verified user the token names, not to the header's text, which
a client can vary at will (`bearer`, `BEARER`, extra spaces: the same token). A token that
does not verify is not counted: the endpoint answers it with a 401.
"""

import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.security import InvalidToken, bearer_token, read_token
from app.web.middleware import send_json

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_EXEMPT_PREFIXES = (
    "/api/auth/token",
    "/api/auth/register",
    "/api/auth/refresh",
    "/api/webhooks/",
)
_WINDOW_S = 60


class WriteRateLimitMiddleware:
    """429 with `Retry-After` once a user has made `per_minute` writes this minute."""

    def __init__(
        self, app: ASGIApp, per_minute: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.per_minute = per_minute
        self.clock = clock
        self._window = -1
        self._counts: dict[int, int] = {}

    def _key(self, scope: Scope) -> int | None:
        """The user id of the request's verified bearer token; None when it is not counted."""
        if self.per_minute <= 0 or scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            return None
        if scope["path"].startswith(_EXEMPT_PREFIXES):
            return None
        for name, value in scope["headers"]:
            if name == b"authorization":
                return _user_of(value, scope)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is not None:
            now = self.clock()
            window = int(now // _WINDOW_S)
            if window != self._window:
                self._window, self._counts = window, {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
            if count > self.per_minute:
                retry_after = int((window + 1) * _WINDOW_S - now) + 1
                await send_json(
                    send,
                    429,
                    {
                        "detail": f"More than {self.per_minute} writes a minute by this user; "
                        "slow down",
                        "code": "rate_limited",
                    },
                    headers=[(b"retry-after", str(retry_after).encode())],
                )
                return
        await self.app(scope, receive, send)


def _user_of(header: bytes, scope: Scope) -> int | None:
    """The user a `Bearer <token>` header's token verifies as (the scheme in any case, any
    spacing); read_token remembers good tokens, so this costs a lookup on the hot path."""
    token = bearer_token(header.decode("latin-1"))
    if token is None:
        return None
    try:
        return read_token(token, scope["app"].state.secret_key).user_id
    except (InvalidToken, AttributeError):
        return None
