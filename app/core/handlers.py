"""Exception handlers: every error leaves as `{"detail", "code"}` JSON, never a traceback."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import AppError, DatabaseUnavailable
from app.core.responses import DecimalJSONResponse

_log = logging.getLogger("dukaan.errors")

INTERNAL_ERROR_BODY = {
    "detail": "Internal server error; it has been logged with the request id",
    "code": "internal_error",
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def _render(error: AppError) -> DecimalJSONResponse:
    return DecimalJSONResponse(error.body(), status_code=error.status_code, headers=error.headers)


async def app_error(_: Request, exc: Exception) -> DecimalJSONResponse:
    assert isinstance(exc, AppError)
    return _render(exc)


def _loc_text(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def validation_error(_: Request, exc: Exception) -> DecimalJSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    summary = "; ".join(f"{_loc_text(err['loc'])}: {err['msg']}" for err in errors[:5])
    return DecimalJSONResponse(
        {"detail": f"Invalid input - {summary}", "code": "validation_error", "errors": errors},
        status_code=422,
    )


async def http_error(_: Request, exc: Exception) -> DecimalJSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "Request failed"
    if exc.status_code == 404 and detail == "Not Found":
        detail = "No such endpoint"
    code = _HTTP_CODES.get(exc.status_code, "error")
    return DecimalJSONResponse(
        {"detail": detail, "code": code},
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


async def integrity_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    """A constraint the service did not pre-check (usually a race): a 409, not a 500."""
    _log.warning("integrity error", extra={"path": request.url.path, "error": str(exc.__cause__)})
    return DecimalJSONResponse(
        {"detail": "The change conflicts with existing data; reload and retry", "code": "conflict"},
        status_code=409,
    )


async def database_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    assert isinstance(exc, DBAPIError)
    if isinstance(exc, InterfaceError | OperationalError) or exc.connection_invalidated:
        _log.error("database unavailable", extra={"path": request.url.path})
        return _render(DatabaseUnavailable())
    return await unexpected_error(request, exc)


async def connection_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    _log.error("database unreachable", extra={"path": request.url.path, "error": repr(exc)})
    return _render(DatabaseUnavailable())


async def unexpected_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    _log.error("unhandled database error", extra={"path": request.url.path}, exc_info=exc)
    return DecimalJSONResponse(INTERNAL_ERROR_BODY, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(ConnectionError, connection_error)
    app.add_exception_handler(TimeoutError, connection_error)
    # Anything else is caught by RequestIdMiddleware (outermost), which logs it with the
    # request id and answers a generic 500.
