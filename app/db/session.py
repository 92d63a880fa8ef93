"""The database engine, the per-request session, and the tenant context.

Rule 1 of docs/architecture.md lives here: one transaction per request, committed in one place
(`get_session`, a function-scoped dependency, so the commit happens before the response is
sent and a failed commit never becomes a 200). Services only `flush()`.

Rule 3's database half also lives here: `enter_shop` switches the transaction to the non-owner
role `APP_ROLE` and sets `app.shop_id`, so row-level security hides every other shop's rows even
from a query that forgets its filter. Both settings are transaction-local (`is_local = true`), so
a pooled connection never carries a shop into the next request.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from app.config import DatabaseSettings
from app.core.security import Principal
from app.db.sql import Sql

APP_ROLE = "dukaan_app"
"""The role every request runs as; it has no BYPASSRLS and owns nothing."""


SHOP_SWITCH = (
    f"set_config('role', '{APP_ROLE}', true), set_config('app.shop_id', :shop_key::text, true)"
)
"""The two transaction-local settings that confine a transaction to one shop (rule 3), as
select-list SQL taking the shop id as text in `:shop_key`. Select them alone (`enter_shop`) or
alongside other columns in the same round trip (the auth dependency also loads the shop's
row with them). Sent as driver SQL: no statement building on every request's first step.
"""


SESSION_ENDED = "DK401"
"""The SQLSTATE `auth_session_check` raises when a token's session was revoked or expired, its
user deactivated, or its role no longer the user's; rendered as a 401 (`app.web.handlers`)."""

SESSION_GONE = "This session has ended; log in again"
"""The 401's message for a login session that has ended (`SESSION_ENDED`, or a refused refresh)."""

SESSION_CHECK = "auth_session_check(:session_id, :user_id, :shop_id, :role)"
"""Select-list SQL checking the caller's login session, to ride along with `SHOP_SWITCH`."""


def session_check_values(principal: Principal) -> dict[str, int | str]:
    """The values of `SESSION_CHECK`'s parameters, from a verified token."""
    return {
        "session_id": principal.session_id,
        "user_id": principal.user_id,
        "shop_id": principal.shop_id,
        "role": principal.role,
    }


_ENTER_SHOP = Sql(f"SELECT {SHOP_SWITCH}")
_BEGIN_IN_SHOP = Sql(f"BEGIN; SELECT {SHOP_SWITCH}, {SESSION_CHECK}")


def async_url(url: str) -> URL:
    """Accept the plain `postgresql://` form (as the seed writes it) and pick the asyncpg driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername != "postgresql+asyncpg":
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got '{parsed.drivername}'")
    return parsed


def create_engine(url: str, settings: DatabaseSettings) -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        pool_size=settings.pool_size,
        max_overflow=settings.pool_overflow,
        pool_timeout=settings.connect_timeout_s,
        connect_args={
            "timeout": settings.connect_timeout_s,
            "command_timeout": settings.statement_timeout_ms / 1000 + 5,
            "server_settings": {
                "application_name": "dukaan",
                "statement_timeout": str(settings.statement_timeout_ms),
                "lock_timeout": str(settings.statement_timeout_ms),
                "idle_in_transaction_session_timeout": "60000",
                # Short queries whose row estimates can be far off (reports over arrays of
                # bills): where the server has JIT, compiling cost 300-400 ms against 25-50 ms
                # of execution (PostgreSQL 15, issue 17's report bench). Nothing here gains.
                "jit": "off",
            },
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def enter_shop(session: AsyncSession, shop_id: int) -> None:
    """Confine this transaction to one shop: the app role and `app.shop_id`, in one round trip."""
    connection = await session.connection()
    await connection.exec_driver_sql(_ENTER_SHOP.text, _ENTER_SHOP.args(shop_key=str(shop_id)))


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session's open transaction.

    For the hot paths (a sale), where building statements through SQLAlchemy was about 40% of
    the CPU in the profile: their prebuilt SQL goes straight to the driver, still inside the
    request's one transaction, which the session commits or rolls back as usual (rule 1).
    The transaction must have begun (the shop switch of the auth dependency begins it);
    otherwise the statement would run in autocommit, so that is refused.
    """
    connection = await session.connection()
    driver: asyncpg.Connection | None = (await connection.get_raw_connection()).driver_connection
    if driver is None or not driver.is_in_transaction():
        raise RuntimeError("driver_connection() needs the session's transaction to have begun")
    return driver


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's one transaction: committed as the endpoint returns, rolled back on error."""
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session, session.begin():
        yield session


@contextlib.asynccontextmanager
async def shop_transaction(
    engine: AsyncEngine, principal: Principal
) -> AsyncIterator[asyncpg.Connection]:
    """A request's one transaction on the bare driver connection, confined to the caller's shop.

    For the hottest reads (a bill, the catalogue search), whose SQL is prebuilt:
    no session, and BEGIN, the shop switch (rule 3) and the check of the caller's login
    session (`SESSION_ENDED` when it fails) go in one round trip. Rule 1 holds as
    for `get_session`: used as a function-scoped dependency, the commit happens before the
    response is sent, and an error rolls everything back.
    """
    async with _pooled_driver(engine) as (pooled, driver):
        try:
            await driver.execute(
                _BEGIN_IN_SHOP.inline(
                    shop_key=str(int(principal.shop_id)), **session_check_values(principal)
                )
            )
            yield driver
            if driver.is_in_transaction():
                await driver.execute("COMMIT")
        except BaseException as error:
            await _roll_back(pooled, driver, error)
            raise


@contextlib.asynccontextmanager
async def shop_caller(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """A pooled driver connection outside any transaction, for a hot path whose steps are
    statements of their own (`call_in_shop`). A connection left broken by a failed or
    cancelled statement is dropped from the pool, not reused."""
    async with _pooled_driver(engine) as (pooled, driver):
        try:
            yield driver
        except BaseException as error:
            await _roll_back(pooled, driver, error)
            raise


async def call_in_shop(connection: asyncpg.Connection, statement: Sql, **values: Any) -> Any:
    """Run one statement that is its own transaction; its one value.

    For a hot path whose steps are database functions that enter the caller's shop
    themselves (`app_enter_shop`, the same switch as `SHOP_SWITCH`: rule 3) as their first
    statement: the statement is sent outside any transaction, so PostgreSQL commits it as it
    ends, or rolls it back whole if it fails (rule 1), with no round trip for BEGIN or
    COMMIT, and never leaves a transaction open while the API works. The settings end with it.
    """
    if connection.is_in_transaction():
        raise RuntimeError("call_in_shop() runs a statement as its own transaction")
    return await connection.fetchval(statement.text, *statement.bind(values))


@contextlib.asynccontextmanager
async def _pooled_driver(
    engine: AsyncEngine,
) -> AsyncIterator[tuple[PoolProxiedConnection, asyncpg.Connection]]:
    """A connection from the engine's pool as the bare driver connection, given back after.

    The pool's own checkout (`AsyncEngine.raw_connection`), not `engine.connect()`: the hot
    paths never use the `AsyncConnection` around it, whose making and closing cost about
    100 us of CPU a request against 45 for this (issue 20). Given back through the greenlet
    bridge (the pool may close an overflow connection, which awaits the driver), in a task of
    its own that finishes even if the request is cancelled meanwhile.
    """
    try:
        pooled = await engine.raw_connection()
    except engine.dialect.loaded_dbapi.Error as error:
        # Raised by the driver's adapter as it is; wrapped as `engine.connect()` would (a
        # connection that cannot be made is a 503, `web.handlers.database_error`).
        raise OperationalError("connect", None, error) from error
    try:
        yield pooled, pooled.driver_connection
    finally:
        giving_back = asyncio.ensure_future(greenlet_spawn(pooled.close))
        try:
            await asyncio.shield(giving_back)
        except asyncio.CancelledError:
            await giving_back
            raise


_LOST = ("08", "57")
"""SQLSTATE classes after which a connection is not used again: connection exceptions, and
operator intervention (a server shutting down, a terminated backend)."""


_DRIVER_FAILURES = (
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
    TimeoutError,
    asyncio.CancelledError,
)


def _reusable_after(error: BaseException) -> bool:
    """Whether a connection can go back to the pool after `error` ended its request.

    An ordinary SQL error (a constraint, a short stock's DK409) leaves the connection ready
    for the next statement, as does an error raised by the API itself between statements. A
    driver error, a lost server or a cancelled statement may not: the connection can still be
    reading the rest of the failed exchange when the next request takes it ("another
    operation is in progress"), seen when the database restarts under load.
    """
    if isinstance(error, asyncpg.PostgresError):
        return not (error.sqlstate or "").startswith(_LOST)
    return not isinstance(error, _DRIVER_FAILURES)


async def _roll_back(
    pooled: PoolProxiedConnection, driver: asyncpg.Connection, error: BaseException
) -> None:
    """Roll back what is open; a connection that is gone, cannot roll back or may be left
    mid-exchange is dropped from the pool (SQLAlchemy never saw these statements fail, so
    it cannot know)."""
    if not driver.is_closed() and _reusable_after(error):
        if not driver.is_in_transaction():
            return
        with contextlib.suppress(Exception):  # whatever broke, the request's error is raised
            await driver.execute("ROLLBACK")
            return
    with contextlib.suppress(Exception):
        await greenlet_spawn(pooled.invalidate)


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """For the rare write that must outlive the request's transaction (failed-login counters,
    revoking the session of a replayed refresh token)."""
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return maker


SessionMakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]
