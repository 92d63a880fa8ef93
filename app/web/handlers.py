"""Exception handlers: every error leaves as `{"detail", "code"}` JSON, never a traceback."""

import logging
import traceback
from collections.abc import Iterator
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.errors import (
    AppError,
    DatabaseUnavailable,
    InvalidInput,
    TooSlow,
    Unauthorized,
)
from app.core.money import MAX_MONEY, MAX_QUANTITY
from app.core.responses import DecimalJSONResponse
from app.db.session import SESSION_ENDED, SESSION_GONE

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
    body = error.body()
    if error.status_code == 422 and "errors" not in body:
        # docs/api.md: every 422 carries `errors`; a rule about the request as a whole (a reused
        # Idempotency-Key, say) names no field.
        body["errors"] = [{"loc": [], "msg": error.detail, "type": error.code}]
    return DecimalJSONResponse(body, status_code=error.status_code, headers=error.headers)


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


async def http_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "Request failed"
    if exc.status_code == 404 and detail == "Not Found":
        detail = "No such endpoint"
    code = _HTTP_CODES.get(exc.status_code, "error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return DecimalJSONResponse(
        {"detail": detail, "code": code}, status_code=exc.status_code, headers=headers
    )


def _allowed_methods(request: Request) -> str:
    """Every method the path serves: Starlette's 405 names only the first route that matched
    the path, though `GET /api/products/` and `POST /api/products/` are separate routes."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):  # included routers' routes too
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def integrity_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    """A constraint the service did not pre-check (usually a race): a 409, not a 500."""
    _log.warning(
        "integrity error", extra={"path": request.url.path, "error": str(exc.__cause__ or exc)}
    )
    return DecimalJSONResponse(
        {"detail": "The change conflicts with existing data; reload and retry", "code": "conflict"},
        status_code=409,
    )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then each exception it was raised from or while handling."""
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _caused_by(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    """Whether `exc`, or an exception it was raised from or while handling, is one of `kinds`."""
    return any(isinstance(seen, kinds) for seen in _chain(exc))


_LOST_SERVER = (
    OSError,  # refused, reset, or the Unix socket gone while the server is down
    asyncpg.PostgresConnectionError,  # closed in the middle of an operation
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, or starting up
    asyncpg.exceptions.InterfaceError,
    asyncpg.InternalClientError,  # the connection left mid-operation by a lost server
)


def _lost_the_server(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) means PostgreSQL could not be reached or went away."""
    return _caused_by(exc, _LOST_SERVER)


_UNSTORABLE_TEXT = (
    asyncpg.exceptions.CharacterNotInRepertoireError,  # a NUL character in text
    asyncpg.exceptions.UntranslatableCharacterError,
)


async def database_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    assert isinstance(exc, DBAPIError)
    lost = isinstance(exc, InterfaceError | OperationalError) or exc.connection_invalidated
    return await _database_failure(request, exc, lost=lost)


async def driver_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    """Errors of the statements sent straight to asyncpg (`core.db.driver_connection`),
    which SQLAlchemy never saw and so never wrapped: the same replies as `database_error`."""
    if isinstance(exc, asyncpg.exceptions.IntegrityConstraintViolationError):
        return await integrity_error(request, exc)
    return await _database_failure(request, exc, lost=False)


def _session_ended(exc: BaseException) -> bool:
    """Whether `exc` is (or wraps) `auth_session_check` refusing the caller's session."""
    return any(getattr(seen, "sqlstate", None) == SESSION_ENDED for seen in _chain(exc))


async def _database_failure(request: Request, exc: Exception, *, lost: bool) -> DecimalJSONResponse:
    if _session_ended(exc):
        # Logged out, revoked, deactivated or demoted since the token was issued: log in again.
        return _render(Unauthorized(SESSION_GONE))
    if _caused_by(exc, (asyncpg.exceptions.NumericValueOutOfRangeError,)):
        # SQLSTATE 22003: a computed amount or quantity past its column (NUMERIC(14,2) or
        # (14,3)). Services check their own sums first and name the field; this catches what
        # only the database can see (a day's total, a stock level moved by a concurrent bill).
        _log.warning(
            "numeric value out of range", extra={"path": request.url.path, "error": repr(exc)}
        )
        return _render(
            InvalidInput(
                "Invalid input - an amount or quantity computed from this request exceeds "
                f"the maximum the books can hold ({MAX_MONEY} rupees, {MAX_QUANTITY} units)",
                loc=("body",),
            )
        )
    if _caused_by(exc, _UNSTORABLE_TEXT):
        # Input PostgreSQL cannot hold as text (NUL), wherever it came in: a 422, not a 500.
        return _render(
            InvalidInput("Invalid input - text must not contain NUL (\\u0000) characters", loc=())
        )
    if lost or _lost_the_server(exc):
        _log.error("database unavailable", extra={"path": request.url.path, "error": repr(exc)})
        return _render(DatabaseUnavailable())
    if _caused_by(exc, (asyncpg.exceptions.QueryCanceledError,)):
        # SQLSTATE 57014: a statement ran past its `statement_timeout` (a question asked of
        # the books is cut at 2 s) and nothing was written.
        _log.warning("statement timed out", extra={"path": request.url.path})
        return _render(TooSlow())
    return await unexpected_error(request, exc)


async def connection_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    """Timeouts and OS-level errors: a 503 when they come from reaching the database.

    Connecting to PostgreSQL fails with plain OS errors (a refused port, a missing socket
    file) that the driver does not wrap; other OS errors stay what they are, a 500.
    """
    if isinstance(exc, ConnectionError | TimeoutError) or _raised_in_driver(exc):
        _log.error("database unreachable", extra={"path": request.url.path, "error": repr(exc)})
        return _render(DatabaseUnavailable())
    return await unexpected_error(request, exc)


async def pool_exhausted(request: Request, exc: Exception) -> DecimalJSONResponse:
    """Every pooled connection of this worker stayed busy for `DB_CONNECT_TIMEOUT_S`: the
    request did nothing and can be sent again (a 503, as for a database that is away)."""
    _log.error("connection pool exhausted", extra={"path": request.url.path, "error": repr(exc)})
    return _render(
        DatabaseUnavailable(
            "Every database connection is in use (the service is overloaded); try again shortly"
        )
    )


def _raised_in_driver(exc: BaseException) -> bool:
    return any(
        "/asyncpg/" in frame.f_code.co_filename or "/sqlalchemy/pool/" in frame.f_code.co_filename
        for frame, _ in traceback.walk_tb(exc.__traceback__)
    )


async def unexpected_error(request: Request, exc: Exception) -> DecimalJSONResponse:
    _log.error("unhandled error", extra={"path": request.url.path}, exc_info=exc)
    return DecimalJSONResponse(INTERNAL_ERROR_BODY, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(asyncpg.PostgresError, driver_error)
    app.add_exception_handler(asyncpg.InterfaceError, driver_error)
    app.add_exception_handler(asyncpg.InternalClientError, driver_error)
    app.add_exception_handler(OSError, connection_error)  # ConnectionError is an OSError
    app.add_exception_handler(TimeoutError, connection_error)
    app.add_exception_handler(PoolTimeout, pool_exhausted)
    # Anything else is caught by RequestIdMiddleware (outermost), which logs it with the
    # request id and answers a generic 500.
