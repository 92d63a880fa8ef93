"""The caller's identity and the shop-scoped session every tenant endpoint uses.

Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
dependency in a thread pool, a hand-off that cost about 5% of a sale's CPU in the profile.
"""

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service
from app.core.db import SessionDep, shop_transaction
from app.core.errors import Forbidden, Unauthorized
from app.core.security import InvalidToken, Principal, read_token

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
# The same `Authorization: Bearer <token>` header, also documented as plain HTTP bearer auth
# for clients and tools that do not speak OAuth2; either requirement satisfies an endpoint.
bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="`access_token` from `POST /api/auth/register` or `POST /api/auth/token`",
)


async def get_principal(
    request: Request,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if not token:
        raise Unauthorized("Not authenticated: send 'Authorization: Bearer <token>'")
    try:
        return read_token(token, request.app.state.secret_key)
    except InvalidToken as exc:
        raise Unauthorized("Invalid or expired token") from exc


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_shop_session(session: SessionDep, principal: PrincipalDep) -> AsyncSession:
    """The request's transaction, confined by row-level security to the caller's shop."""
    await service.enter_shop(session, principal.shop_id)
    return session


ShopSessionDep = Annotated[AsyncSession, Depends(get_shop_session)]


async def get_shop_connection(
    request: Request, principal: PrincipalDep
) -> AsyncIterator[asyncpg.Connection]:
    """The request's transaction on the bare driver connection, confined to the caller's shop
    (the hot endpoints; see `app.core.db.shop_transaction`)."""
    async with shop_transaction(request.app.state.engine, principal.shop_id) as connection:
        yield connection


ShopConnectionDep = Annotated[asyncpg.Connection, Depends(get_shop_connection, scope="function")]


async def require_owner(principal: PrincipalDep) -> Principal:
    if principal.role != "owner":
        raise Forbidden("Only the shop owner can do this")
    return principal


OwnerDep = Annotated[Principal, Depends(require_owner)]
