"""Queries on shops, users and failed-login counters. No business rules here."""

import datetime as dt
from typing import Any

import asyncpg
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import SHOP_SWITCH
from app.models import LoginFailure, Shop, User


async def add_shop(session: AsyncSession, *, name: str, region: str, timezone: str) -> Shop:
    shop = Shop(name=name, region=region, timezone=timezone, allow_negative_stock=False)
    session.add(shop)
    await session.flush()
    return shop


async def add_user(
    session: AsyncSession, *, shop_id: int, name: str, phone: str, password_hash: str, role: str
) -> User:
    user = User(shop_id=shop_id, name=name, phone=phone, password_hash=password_hash, role=role)
    session.add(user)
    await session.flush()
    return user


async def phone_taken(session: AsyncSession, phone: str) -> bool:
    found = await session.scalar(select(User.id).where(User.phone == phone))
    return found is not None


async def user_by_phone(session: AsyncSession, phone: str) -> User | None:
    result: User | None = await session.scalar(select(User).where(User.phone == phone))
    return result


async def user_and_shop(
    session: AsyncSession, user_id: int, shop_id: int
) -> tuple[User, Shop] | None:
    row = (
        await session.execute(
            select(User, Shop)
            .join(Shop, Shop.id == User.shop_id)
            .where(User.id == user_id, User.shop_id == shop_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


# Constants only; the shop id is bound.
_ENTER_AND_LOAD = (
    f"SELECT {SHOP_SWITCH}, shop.* FROM (VALUES (1)) AS one (x) "  # noqa: S608
    "LEFT JOIN (SELECT * FROM shops WHERE id = $2) AS shop ON true"
)


async def enter_shop_and_load(session: AsyncSession, shop_id: int) -> dict[str, Any] | None:
    """Confine the transaction to the shop and read the shop's row, in one round trip.

    The switch of `app.core.db.SHOP_SWITCH`, with the shop's settings riding along. The
    shop is LEFT JOINed to a one-row VALUES so the switch happens even for a shop that no
    longer exists (then None is returned); never may a request go on under the owner role.
    """
    connection = await session.connection()
    result = await connection.exec_driver_sql(_ENTER_AND_LOAD, (str(shop_id), shop_id))
    row = dict(result.one()._mapping)
    return None if row["id"] is None else row


async def shop_row(connection: asyncpg.Connection, shop_id: int) -> dict[str, Any] | None:
    row = await connection.fetchrow("SELECT * FROM shops WHERE id = $1", shop_id)
    return None if row is None else dict(row)


async def shop(session: AsyncSession, shop_id: int) -> Shop | None:
    result: Shop | None = await session.get(Shop, shop_id)
    return result


async def update_shop(session: AsyncSession, shop_id: int, values: dict[str, object]) -> None:
    await session.execute(update(Shop).where(Shop.id == shop_id).values(**values))


async def failures_since(
    session: AsyncSession, keys: list[str], since: dt.datetime
) -> dict[str, tuple[int, dt.datetime]]:
    """For each key with failures after `since`: (how many, the oldest of them)."""
    rows = await session.execute(
        select(LoginFailure.key, func.count(), func.min(LoginFailure.failed_at))
        .where(LoginFailure.key.in_(keys), LoginFailure.failed_at > since)
        .group_by(LoginFailure.key)
    )
    return {key: (count, oldest) for key, count, oldest in rows}


async def add_failures(session: AsyncSession, keys: list[str], at: dt.datetime) -> None:
    await session.execute(insert(LoginFailure), [{"key": key, "failed_at": at} for key in keys])


async def prune_failures(session: AsyncSession, keys: list[str], before: dt.datetime) -> None:
    await session.execute(
        delete(LoginFailure).where(LoginFailure.key.in_(keys), LoginFailure.failed_at <= before)
    )


async def clear_failures(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.key == key))
