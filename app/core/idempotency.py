"""Idempotent creating POSTs (API.md "Idempotency"), stored in PostgreSQL.

`claim()` runs first in the request's transaction: it inserts the key, and a concurrent
request with the same key blocks on the unique index until the first commits, then finds its
stored reply and replays it. The reply is stored by `remember()` in the same transaction as
the write, so either both the bill and its reply exist, or neither (a failed request frees
its key). Keys are per shop and kept 24 hours.
"""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Header, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import driver_connection
from app.core.errors import AppError, Conflict, InvalidInput
from app.core.responses import respond

TTL = dt.timedelta(hours=24)
TTL_S = int(TTL.total_seconds())
_PRINTABLE = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,254}$")

_CLAIM = (
    "INSERT INTO idempotency_keys (shop_id, key, fingerprint, expires_at) "
    "VALUES ($1, $2, $3, now() + make_interval(secs => $4)) "
    "ON CONFLICT (shop_id, key) DO NOTHING RETURNING id"
)
_FIND = (
    "SELECT id, fingerprint, status_code, response, expires_at < now() AS expired "
    "FROM idempotency_keys WHERE shop_id = $1 AND key = $2 FOR UPDATE"
)
_RECLAIM = (
    "UPDATE idempotency_keys SET fingerprint = $3, status_code = NULL, "
    "response = NULL, created_at = now(), expires_at = now() + make_interval(secs => $4) "
    "WHERE id = $2 AND shop_id = $1"
)
_REMEMBER = (
    "UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE id = $2 AND shop_id = $1"
)
PURGE_GRACE = dt.timedelta(hours=1)
_PURGE = text(
    "DELETE FROM idempotency_keys WHERE (shop_id, id) IN ("
    "SELECT shop_id, id FROM idempotency_keys "
    "WHERE expires_at < now() - make_interval(secs => :grace) LIMIT :limit)"
)


class IdempotencyKeyReused(AppError):
    status_code = 422
    code = "idempotency_key_reused"


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


def fingerprint(method: str, path: str, body: Any) -> str:
    """The same request: method, path and the body's JSON (key order and spacing ignored)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def fingerprint_post(route: str, payload: BaseModel) -> str:
    """The fingerprint of a creating POST to `route` with this parsed body."""
    return fingerprint("POST", route, payload.model_dump(mode="json"))


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


async def claim(session: AsyncSession, shop_id: int, key: str | None, print_: str) -> Claim:
    """Reserve `key` for this request, or return the stored reply to replay."""
    if key is None:
        return Claim(record_id=None)
    return await claim_on(await driver_connection(session), shop_id, key, print_)


async def claim_on(connection: asyncpg.Connection, shop_id: int, key: str, print_: str) -> Claim:
    """`claim` on a driver connection (the hot endpoints have no session)."""
    inserted = await connection.fetchval(_CLAIM, shop_id, key, print_, TTL_S)
    if inserted is not None:
        return Claim(record_id=int(inserted))
    row = await connection.fetchrow(_FIND, shop_id, key)
    assert row is not None  # the insert met this row, and a key is never deleted unexpired
    if row["expired"]:
        await connection.execute(_RECLAIM, shop_id, row["id"], print_, TTL_S)
        return Claim(record_id=int(row["id"]))
    if row["fingerprint"] != print_:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used with a different request body; use a new key"
        )
    if row["status_code"] is None:
        raise Conflict("A request with this Idempotency-Key is still being processed")
    return Claim(int(row["id"]), replay_status=row["status_code"], replay_body=row["response"])


async def remember(
    session: AsyncSession, shop_id: int, claimed: Claim, status_code: int, body: str
) -> None:
    """Store the reply (already rendered JSON text) with the write it describes."""
    if claimed.record_id is None:
        return
    connection = await driver_connection(session)
    await connection.execute(_REMEMBER, shop_id, claimed.record_id, status_code, body)


async def idempotent(
    session: AsyncSession,
    shop_id: int,
    key: str | None,
    route: str,
    payload: BaseModel,
    create: Callable[[], Awaitable[BaseModel]],
    *,
    status_code: int = 201,
) -> Response:
    """Run `create` once per key: the first reply is stored with the write and replayed after."""
    claimed = await claim(session, shop_id, key, fingerprint_post(route, payload))
    if claimed.is_replay:
        return claimed.replay(status_code).response()
    response = respond(await create(), status_code=status_code)
    await remember(session, shop_id, claimed, status_code, bytes(response.body).decode())
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
