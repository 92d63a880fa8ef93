"""The caller's identity and the sessions authenticated endpoints use.

A token's signature is not enough: its login session may have been revoked, its user
deactivated or given another role since. The database checks that with the shop switch
(`ShopSessionDep`, `ShopConnectionDep`: no extra round trip; `ShopCallerDep`: in each of the
endpoint's messages), or on its own for the account endpoints that run on the system session
(`AccountSessionDep`). An endpoint that takes the principal must take one of the four;
`tests/auth/test_sessions_and_refresh.py` walks the routes to make sure.

Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
dependency in a thread pool, a hand-off that cost about 5% of a sale's CPU in the profile.
"""

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.security import HTTPBearer, OAuth2PasswordBearer
from fastapi.security.base import SecurityBase
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service
from app.core.errors import Forbidden, Unauthorized
from app.core.security import InvalidToken, Principal, bearer_token, read_token
from app.db.session import SessionDep, shop_caller, shop_transaction

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
# The same `Authorization: Bearer <token>` header, also documented as plain HTTP bearer auth
# for clients and tools that do not speak OAuth2; either requirement satisfies an endpoint.
bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="`access_token` from `POST /api/auth/register` or `POST /api/auth/token`",
)
AUTH_SCHEMES: tuple[SecurityBase, ...] = (oauth2_scheme, bearer_scheme)
"""How `get_principal` reads the caller, for the OpenAPI document only (`app.web.docs`)."""


async def get_principal(request: Request) -> Principal:
    """The caller, from the bearer token, verified.

    It reads the header itself rather than through the two security schemes: as
    sub-dependencies FastAPI solved them on every request (an eighth of a worker's CPU on a
    sale went to solving dependencies), only for the docs, which `app.web.docs.document_auth`
    writes from `AUTH_SCHEMES` instead.
    """
    token = bearer_token(request.headers.get("authorization"))
    if not token:
        raise Unauthorized("Not authenticated: send 'Authorization: Bearer <token>'")
    try:
        return read_token(token, request.app.state.secret_key)
    except InvalidToken as exc:
        raise Unauthorized("Invalid or expired token") from exc


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_shop_session(session: SessionDep, principal: PrincipalDep) -> AsyncSession:
    """The request's transaction, confined by row-level security to the caller's shop, once
    the caller's login session is known to be live."""
    await service.enter_shop(session, principal)
    return session


ShopSessionDep = Annotated[AsyncSession, Depends(get_shop_session)]


async def get_account_session(session: SessionDep, principal: PrincipalDep) -> AsyncSession:
    """The request's transaction on the system session (not confined to a shop: account
    endpoints check things across shops, such as a phone's uniqueness), once the caller's
    login session is known to be live."""
    await service.check_session(session, principal)
    return session


AccountSessionDep = Annotated[AsyncSession, Depends(get_account_session)]


async def get_shop_connection(
    request: Request, principal: PrincipalDep
) -> AsyncIterator[asyncpg.Connection]:
    """The request's transaction on the bare driver connection, confined to the caller's shop
    (the hot endpoints; see `app.db.session.shop_transaction`)."""
    async with shop_transaction(request.app.state.engine, principal) as connection:
        yield connection


ShopConnectionDep = Annotated[asyncpg.Connection, Depends(get_shop_connection, scope="function")]


async def get_shop_caller(
    request: Request, principal: PrincipalDep
) -> AsyncIterator[asyncpg.Connection]:
    """A pooled driver connection with no transaction open, for an endpoint that sends each
    step as its own one-message transaction (`app.db.session.in_shop`), every one of which
    switches to the caller's shop and checks the caller's login session (a new sale)."""
    del principal  # taken so that the token is verified before a connection is
    async with shop_caller(request.app.state.engine) as connection:
        yield connection


ShopCallerDep = Annotated[asyncpg.Connection, Depends(get_shop_caller, scope="function")]


async def require_owner(principal: PrincipalDep) -> Principal:
    if principal.role != "owner":
        raise Forbidden("Only the shop owner can do this")
    return principal


OwnerDep = Annotated[Principal, Depends(require_owner)]


_DEVICE_MAX = 200


async def get_device(request: Request) -> str:
    """What identifies the caller's device: `X-Device-ID` when the app sends one, else the
    User-Agent. A login from a device the user never used is an audit event."""
    headers = request.headers
    device = headers.get("x-device-id") or headers.get("user-agent") or "unknown"
    printable = "".join(char for char in device if char.isprintable())
    return " ".join(printable.split())[:_DEVICE_MAX] or "unknown"


DeviceDep = Annotated[str, Depends(get_device)]


async def get_client_address(request: Request) -> str:
    """The peer's address (uvicorn substitutes `X-Forwarded-For` only from trusted proxies)."""
    return request.client.host if request.client else "unknown"


ClientAddressDep = Annotated[str, Depends(get_client_address)]
