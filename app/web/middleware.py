"""Pure ASGI middleware: request ids and access logs, and trailing-slash tolerance."""

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import request_id_var
from app.web.handlers import INTERNAL_ERROR_BODY

_log = logging.getLogger("dukaan.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_NO_STORE = ((b"cache-control", b"no-store"), (b"pragma", b"no-cache"))
_AUTH_PREFIX = "/api/auth"


class RequestIdMiddleware:
    """Echo (or mint) `X-Request-ID`, expose it to logs, and write one access line per request.

    It also adds the security headers every response carries, and `Cache-Control: no-store`
    (with `Pragma: no-cache` for HTTP/1.0 caches) on replies to authenticated requests and on
    every /api/auth reply (tokens, even without an Authorization header), so a shared cache or
    a browser's back button never serves one shop's books or tokens to someone else.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope["headers"])
        incoming = request_headers.get(b"x-request-id", b"").decode("latin-1")
        authenticated = b"authorization" in request_headers or scope["path"].startswith(
            _AUTH_PREFIX
        )
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                headers.extend(_SECURITY_HEADERS)
                if authenticated and not any(name == b"cache-control" for name, _ in headers):
                    headers.extend(_NO_STORE)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            _log.exception("unhandled error")
            if not response_started:
                await send_json(send_with_id, 500, INTERNAL_ERROR_BODY)
        finally:
            _log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


async def send_json(
    send: Send,
    status: int,
    content: dict[str, Any],
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """A whole JSON reply from ASGI middleware (which runs outside FastAPI's handlers)."""
    body = json.dumps(content).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(StarletteHTTPException):
    """An HTTPException, so FastAPI's body parsing re-raises it and our handler renders the 413."""


class BodyLimitMiddleware:
    """Refuse request bodies over the limit with a JSON 413, before buffering them.

    A declared Content-Length over the limit is refused without reading; a chunked body is
    counted as it streams and cut off at the limit. `upload_limits` maps path prefixes (image
    uploads) to their own larger limits.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_limits: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_limits = upload_limits or {}

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.upload_limits.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        too_large = {
            "detail": f"Request body is larger than {limit} bytes",
            "code": "payload_too_large",
        }
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_json(send, 413, too_large)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(413, too_large["detail"])
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await send_json(send, 413, too_large)


# No route has whitespace or a control character in its path; an id never does.
_UNROUTABLE = re.compile(r"[\x00-\x20\x7f]")


def tolerate_trailing_slashes(router: Router) -> None:
    """Serve `/api/products` and `/api/products/` alike, without a redirect.

    A redirect would make clients drop the body or the auth header, so when no route matches
    we try the path with its trailing slash toggled and dispatch to it directly. Matching
    routes cost nothing extra; only misses pay for the second look.

    A path with whitespace or a control character is a 404 before any route sees it: route
    patterns end in `$`, which also matches before a final newline, so `/api/customers/%0A`
    would otherwise be served by `/api/customers/`, the list, as if it were an item.
    """
    router.redirect_slashes = False
    not_found = router.default
    routes = router.middleware_stack

    async def exact_paths(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _UNROUTABLE.search(scope["path"]):
            await not_found(scope, receive, send)
            return
        await routes(scope, receive, send)

    router.middleware_stack = exact_paths

    async def default(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if scope["type"] == "http" and path != "/":
            alternative = path[:-1] if path.endswith("/") else path + "/"
            alt_scope: dict[str, Any] = {
                **scope,
                "path": alternative,
                "raw_path": alternative.encode(),
            }
            for route in router.routes:
                match, _ = route.matches(alt_scope)
                if match is not Match.NONE:
                    await router.app(alt_scope, receive, send)
                    return
        await not_found(scope, receive, send)

    router.default = default
