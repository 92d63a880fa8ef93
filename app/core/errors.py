"""Domain errors. Services raise these; one handler in `app.main` renders them as JSON.

Each error carries its HTTP status and a stable snake_case `code`, so routers never raise
`HTTPException` for business rules and clients can branch on `code`.
"""

from typing import Any, ClassVar


class AppError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, **self.extra}


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Duplicate(AppError):
    status_code = 409
    code = "duplicate"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class InvalidInput(AppError):
    """A request that is well-formed JSON but breaks a rule the schema cannot express."""

    status_code = 422
    code = "validation_error"

    def __init__(self, detail: str, *, loc: tuple[str | int, ...] = ("body",), **extra: Any):
        super().__init__(
            detail,
            errors=[{"loc": list(loc), "msg": detail, "type": "value_error"}],
            **extra,
        )


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, detail: str = "Not authenticated", **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(
            detail, headers={"Retry-After": str(max(1, retry_after_s))}, retry_after=retry_after_s
        )


class DatabaseUnavailable(AppError):
    status_code = 503
    code = "database_unavailable"

    def __init__(self, detail: str = "The database is unavailable; try again shortly") -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class TooSlow(AppError):
    """A statement ran past its time limit (PostgreSQL cancelled it; nothing was written)."""

    status_code = 503
    code = "timeout"

    def __init__(
        self, detail: str = "Answering took too long; ask about a shorter period or try again"
    ) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class PayloadTooLarge(AppError):
    """An upload over its byte limit, or an image whose pixels would not fit in memory."""

    status_code = 413
    code = "payload_too_large"


class UnsupportedMedia(AppError):
    """An upload whose bytes are not a format we accept (whatever its name or header claim)."""

    status_code = 415
    code = "unsupported_media_type"


class ProviderUnavailable(AppError):
    """An outside provider (Gemini, Twilio) failed, timed out or answered nonsense: never a 500."""

    status_code = 503
    code = "provider_unavailable"

    def __init__(self, detail: str, *, retry_after_s: int = 30) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_s))})
