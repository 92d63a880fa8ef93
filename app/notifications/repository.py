"""Outbox queries for the shop's side: writing messages, listing them, counting today's use,
and finding the shops whose owner's daily summary is due."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
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
    hidden_templates: tuple[str, ...] = (),
) -> tuple[list[Notification], int]:
    conditions: list[Any] = [Notification.shop_id == shop_id]
    if hidden_templates:
        conditions.append(Notification.template.not_in(hidden_templates))
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


@dataclass(frozen=True, slots=True)
class SummaryDue:
    """A shop whose closing hour has begun today (shop-local) and whose summary of today is
    not in the outbox yet: the day, the key that makes it once a day, and the owner."""

    shop_id: int
    day: dt.date
    dedupe_key: str
    owner_name: str
    owner_phone: str


# The owner is the shop's first active owner (the one who registered it, unless they were
# made staff or deactivated). The outbox's unique (shop_id, dedupe_key) index answers the
# NOT EXISTS; the same key decides the insert, so this scan only saves needless work.
_SUMMARIES_DUE = text(
    """
SELECT s.id AS shop_id, l.day, :prefix || to_char(l.day, 'YYYY-MM-DD') AS dedupe_key,
    o.name AS owner_name, o.phone AS owner_phone
FROM shops s
CROSS JOIN LATERAL (
    SELECT (CAST(:now AS timestamptz) AT TIME ZONE s.timezone) AS local_time
) t
CROSS JOIN LATERAL (SELECT t.local_time::date AS day) l
JOIN LATERAL (
    SELECT u.name, u.phone FROM users u
    WHERE u.shop_id = s.id AND u.role = 'owner' AND u.active
    ORDER BY u.id
    LIMIT 1
) o ON true
WHERE s.daily_summary
  AND extract(hour FROM t.local_time) >= s.closing_hour
  AND NOT EXISTS (
    SELECT 1 FROM notifications n
    WHERE n.shop_id = s.id AND n.dedupe_key = :prefix || to_char(l.day, 'YYYY-MM-DD')
  )
ORDER BY s.id
LIMIT :limit
"""
)


async def summaries_due(
    session: AsyncSession, now: dt.datetime, *, key_prefix: str, limit: int
) -> list[SummaryDue]:
    """Shops owed today's summary at `now`, read in each shop's own time zone (all shops:
    a system session)."""
    rows = await session.execute(_SUMMARIES_DUE, {"now": now, "prefix": key_prefix, "limit": limit})
    return [SummaryDue(**row) for row in rows.mappings()]
