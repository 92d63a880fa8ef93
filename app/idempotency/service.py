"""Idempotent POSTs (docs/api.md "Idempotency"), stored in PostgreSQL.

`claim()` runs first in the request's transaction: it inserts the key, and a concurrent
request with the same key blocks on the unique index until the first commits, then finds its
stored reply and replays it. The reply is stored by `remember()` in the same transaction as
the write, so either both the bill and its reply exist, or neither (a failed request frees
its key). Keys are kept 24 hours.

A key belongs to the user who sent it: keys are unique per (shop, user, key). A replay is
only ever the caller's own earlier reply, rendered for the caller's own role, so a staff
login that sends the owner's key and body is a new request (it creates its own object) and
never receives the owner's reply with its cost and profit (issue 12 item 6). Requests made
before a shop exists (registration) claim their keys as shop 0, user 0 (`BEFORE_A_SHOP`).

A body holding a password is fingerprinted with an HMAC under the app's secret (`secret=`),
so the stored fingerprint is no fast, unsalted hash of the password.
"""

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

import asyncpg
from fastapi import Depends, Header, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, Conflict, InvalidInput
from app.core.responses import respond
from app.db.session import driver_connection
from app.db.sql import Sql

TTL = dt.timedelta(hours=24)
TTL_S = int(TTL.total_seconds())
_PRINTABLE = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,254}$")

_CLAIM = Sql(
    "SELECT id, status_code, response "
    "FROM idempotency_claim(:shop_id, :user_id, :key, :fingerprint, :ttl_s)"
)
_REMEMBER = Sql("SELECT idempotency_store_reply(:shop_id, :id, :status_code, :response)")
PURGE_GRACE = dt.timedelta(hours=1)
_PURGE = text(
    "DELETE FROM idempotency_keys WHERE (shop_id, id) IN ("
    "SELECT shop_id, id FROM idempotency_keys "
    "WHERE expires_at < now() - make_interval(secs => :grace) LIMIT :limit)"
)


class KeyOwner(Protocol):
    """Whose key it is: a `Principal`, or `BEFORE_A_SHOP`."""

    @property
    def shop_id(self) -> int: ...

    @property
    def user_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class _Anonymous:
    shop_id: int = 0
    user_id: int = 0


BEFORE_A_SHOP: KeyOwner = _Anonymous()
"""The owner of keys sent before there is a shop or a user (registration)."""


class IdempotencyKeyReused(AppError):
    status_code = 422
    code = "idempotency_key_reused"


_REFUSALS: dict[str, type[AppError]] = {"DK422": IdempotencyKeyReused, "DK423": Conflict}
"""The SQLSTATEs of app/idempotency/sql/idempotency_keys.sql and the errors they stand for."""


def refusal(error: asyncpg.PostgresError) -> AppError | None:
    """The API error for a key refused by the key's database functions (None: not theirs)."""
    kind = _REFUSALS.get(error.sqlstate or "")
    return None if kind is None else kind(str(error.args[0]) if error.args else kind.code)


async def _key_header(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="1-255 printable characters; a retry with the same key and body "
            "returns the first reply and creates nothing",
            # Documents the check below (which gives its own message).
            json_schema_extra={"pattern": _PRINTABLE.pattern},
        ),
    ] = None,
) -> str | None:
    if idempotency_key is not None and not _PRINTABLE.match(idempotency_key):
        raise InvalidInput(
            "Idempotency-Key must be 1-255 printable ASCII characters",
            loc=("header", "Idempotency-Key"),
        )
    return idempotency_key


IdempotencyKeyDep = Annotated[str | None, Depends(_key_header)]


def fingerprint(method: str, path: str, body: Any, *, secret: str | None = None) -> str:
    """The same request: method, path and the body's JSON (key order and spacing ignored).

    With `secret` (bodies holding a password) it is an HMAC under that secret.
    """
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    message = f"{method} {path}\n{canonical}".encode()
    if secret is not None:
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def fingerprint_post(route: str, payload: BaseModel | None, *, secret: str | None = None) -> str:
    """The fingerprint of a POST to `route` with this parsed body (None: it takes none)."""
    body = None if payload is None else payload.model_dump(mode="json")
    return fingerprint("POST", route, body, secret=secret)


@dataclass(frozen=True, slots=True)
class Reply:
    """A creating POST's reply as JSON text: freshly made, or replayed from its key."""

    status_code: int
    body: str
    replayed: bool = False

    def response(self) -> Response:
        return Response(
            content=self.body,
            status_code=self.status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"} if self.replayed else None,
        )


@dataclass(frozen=True, slots=True)
class Claim:
    record_id: int | None
    replay_status: int | None = None
    replay_body: str | None = None

    @property
    def is_replay(self) -> bool:
        return self.replay_status is not None

    def replay(self, default_status: int = 201) -> Reply:
        """The stored reply of the request that first used the key."""
        return Reply(self.replay_status or default_status, self.replay_body or "", replayed=True)


async def claim(session: AsyncSession, owner: KeyOwner, key: str | None, print_: str) -> Claim:
    """Reserve `owner`'s `key` for this request, or return the stored reply to replay."""
    if key is None:
        return Claim(record_id=None)
    return await claim_on(await _begun(session), owner, key, print_)


async def _begun(session: AsyncSession) -> asyncpg.Connection:
    """The session's driver connection, its transaction begun.

    A system session that has sent nothing yet (registration) has its BEGIN still pending in
    SQLAlchemy's driver adapter, which sends it with the first statement: send one, so the
    claim is part of the request's transaction rather than committed on its own.
    """
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if driver is not None and not driver.is_in_transaction():
        await connection.exec_driver_sql("SELECT 1")
    return await driver_connection(session)


async def claim_on(connection: asyncpg.Connection, owner: KeyOwner, key: str, print_: str) -> Claim:
    """`claim` on a driver connection (`idempotency_claim` in the database decides)."""
    try:
        row = await connection.fetchrow(
            _CLAIM.text,
            *_CLAIM.args(
                shop_id=owner.shop_id,
                user_id=owner.user_id,
                key=key,
                fingerprint=print_,
                ttl_s=TTL_S,
            ),
        )
    except asyncpg.PostgresError as error:
        refused = refusal(error)
        if refused is None:
            raise
        raise refused from None
    assert row is not None  # the function returns the key's row
    if row["status_code"] is None:
        return Claim(record_id=int(row["id"]))
    return Claim(int(row["id"]), replay_status=row["status_code"], replay_body=row["response"])


async def remember(
    session: AsyncSession, owner: KeyOwner, claimed: Claim, status_code: int, body: str
) -> None:
    """Store the reply (already rendered JSON text) with the write it describes."""
    if claimed.record_id is None:
        return
    connection = await driver_connection(session)
    await connection.fetchval(
        _REMEMBER.text,
        *_REMEMBER.args(
            shop_id=owner.shop_id, id=claimed.record_id, status_code=status_code, response=body
        ),
    )


async def idempotent(
    session: AsyncSession,
    owner: KeyOwner,
    key: str | None,
    route: str,
    payload: BaseModel | None,
    create: Callable[[], Awaitable[BaseModel]],
    *,
    status_code: int = 201,
    secret: str | None = None,
) -> Response:
    """Run `create` once per key of `owner`: the first reply is stored with the write and
    replayed after. `payload` is the parsed body (None: the route takes none); `secret` keys
    the fingerprint of a body that holds a password."""
    print_ = fingerprint_post(route, payload, secret=secret)
    claimed = await claim(session, owner, key, print_)
    if claimed.is_replay:
        return claimed.replay(status_code).response()
    response = respond(await create(), status_code=status_code)
    await remember(session, owner, claimed, status_code, bytes(response.body).decode())
    return response


async def purge_expired(session: AsyncSession, *, limit: int = 10_000) -> int:
    """Delete keys that expired over an hour ago (at most `limit`); returns how many.

    An expired key is already treated as free by `claim()`; deleting it only reclaims space.
    The hour's grace keeps the purge clear of a request reusing a key that has just expired
    (between its insert and its lookup). Run by the dispatcher's housekeeping, in a system
    session that sees every shop.
    """
    result = await session.execute(_PURGE, {"grace": PURGE_GRACE.total_seconds(), "limit": limit})
    return int(getattr(result, "rowcount", 0) or 0)
