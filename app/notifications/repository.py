"""Outbox queries for the shop's side: writing messages, listing them, counting today's use."""

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.db.paging import fetch_page
from app.models import MessageQuota, Notification


async def add(session: AsyncSession, values: dict[str, object]) -> int | None:
    """Insert one message; None when its `dedupe_key` is already taken in the shop."""
    statement = insert(Notification).values(**values)
    if values.get("dedupe_key") is not None:
        statement = statement.on_conflict_do_nothing(
            index_elements=[Notification.shop_id, Notification.dedupe_key]
        )
    found: int | None = await session.scalar(statement.returning(Notification.id))
    return found


async def list_page(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    status: str | None,
    to: str | None,
    customer_id: int | None,
    vendor_id: int | None,
) -> tuple[list[Notification], int]:
    conditions: list[Any] = [Notification.shop_id == shop_id]
    if status is not None:
        conditions.append(Notification.status == status)
    if to is not None:
        conditions.append(Notification.to == to)
    if customer_id is not None:
        conditions.append(Notification.customer_id == customer_id)
    if vendor_id is not None:
        conditions.append(Notification.vendor_id == vendor_id)
    query = select(Notification).where(*conditions).order_by(Notification.id.desc())
    return await fetch_page(session, query, page)


async def used_today(session: AsyncSession, shop_id: int, day: dt.date) -> int:
    """Messages counted against the cap today: handed to the provider, or waiting to be.

    The dispatcher counts sends in `message_quota`; rows still queued and due today are
    added so that a burst of manual sends cannot queue far past the cap before they go.
    """
    sent = await session.scalar(
        select(MessageQuota.used).where(MessageQuota.shop_id == shop_id, MessageQuota.day == day)
    )
    waiting = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.shop_id == shop_id,
            Notification.status == "queued",  # `sending` rows are already in `used`
            Notification.next_attempt_at <= func.now() + dt.timedelta(minutes=5),
        )
    )
    return int(sent or 0) + int(waiting or 0)
