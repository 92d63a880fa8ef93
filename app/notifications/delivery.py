"""The dispatcher's SQL over the outbox: claiming, leases, outcomes, quota, status callbacks.

No business rules here (when to retry, what counts as permanent: that is the dispatcher);
every statement is one round trip and safe with any number of dispatchers running:

- Claiming locks due rows with `FOR UPDATE SKIP LOCKED`, so two dispatchers never take the
  same row, and marks them `sending` with a lease in `next_attempt_at`. A row whose lease ran
  out (its dispatcher died mid-send) is due again.
- Every outcome is fenced by `status = 'sending' AND attempts = <the claimed attempt>`: a
  dispatcher that lost its lease cannot overwrite what the next one recorded.
- The daily quota is reserved by one upsert on `message_quota` that only adds while the total
  stays within the shop's cap, so concurrent dispatchers cannot overshoot it.
- Status callbacks only move a message forward (`queued < sending < sent < delivered |
  undeliverable | failed`).

These run in system sessions (no shop role): the dispatcher serves every shop.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, CursorResult, Integer, Result, String, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.parties import service as parties
from app.parties.sides import CUSTOMERS, VENDORS

MAX_ERROR = 500
"""`notifications.last_error` is VARCHAR(500)."""

STATUS_RANK = {
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undeliverable": 3,
    "failed": 3,
}
"""Forward-only order of statuses; the three final ones are peers (none replaces another)."""

_IDS = bindparam("ids", type_=ARRAY(BigInteger))

_CLAIM = text(
    """
WITH due AS (
    SELECT shop_id, id FROM notifications
    WHERE status IN ('queued', 'sending') AND next_attempt_at <= now()
    ORDER BY next_attempt_at
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE notifications AS n
SET status = 'sending',
    attempts = n.attempts + 1,
    next_attempt_at = now() + make_interval(secs => :lease_s),
    updated_at = now()
FROM due
WHERE n.shop_id = due.shop_id AND n.id = due.id
RETURNING n.shop_id, n.id, n.channel, n."to", n.body, n.attempts, n.customer_id, n.vendor_id,
    n.reference,
    coalesce(
        (SELECT c.opted_out FROM customers c WHERE c.shop_id = n.shop_id AND c.id = n.customer_id),
        (SELECT v.opted_out FROM vendors v WHERE v.shop_id = n.shop_id AND v.id = n.vendor_id),
        false
    ) AS opted_out
"""
)
_RESERVE = text(
    """
INSERT INTO message_quota AS q (shop_id, day, used)
SELECT s.id, (now() AT TIME ZONE s.timezone)::date, :n
FROM shops s
WHERE s.id = :shop_id AND s.daily_message_cap >= :n
ON CONFLICT (shop_id, day) DO UPDATE SET used = q.used + excluded.used
WHERE q.used + excluded.used <= (SELECT s.daily_message_cap FROM shops s WHERE s.id = q.shop_id)
RETURNING q.day
"""
)
_REFUND = text(
    "UPDATE message_quota SET used = used - 1 WHERE shop_id = :shop_id AND day = :day AND used > 0"
)
_DEFER_TO_MIDNIGHT = text(
    """
UPDATE notifications AS n
SET status = 'queued', attempts = n.attempts - 1, last_error = :note, updated_at = now(),
    next_attempt_at =
        (date_trunc('day', now() AT TIME ZONE s.timezone) + interval '1 day')
        AT TIME ZONE s.timezone
FROM shops s
WHERE s.id = n.shop_id AND n.shop_id = :shop_id AND n.id = ANY(:ids) AND n.status = 'sending'
RETURNING n.next_attempt_at
"""
).bindparams(_IDS)
_RELEASE = text(
    "UPDATE notifications SET status = 'queued', attempts = attempts - 1, "
    "next_attempt_at = now(), updated_at = now() "
    "WHERE shop_id = :shop_id AND id = :id AND status = 'sending' AND attempts = :attempts"
)
_SENT = text(
    """
UPDATE notifications AS n
SET status = 'sent', provider_id = s.provider_id, sent_at = now(), updated_at = now()
FROM unnest(:shop_ids, :ids, :attempts, :provider_ids) AS s(shop_id, id, attempts, provider_id)
WHERE n.shop_id = s.shop_id AND n.id = s.id AND n.status = 'sending' AND n.attempts = s.attempts
RETURNING n.shop_id, n.id
"""
).bindparams(
    bindparam("shop_ids", type_=ARRAY(BigInteger)),
    _IDS,
    bindparam("attempts", type_=ARRAY(Integer)),
    bindparam("provider_ids", type_=ARRAY(String)),
)
_RETRY = text(
    "UPDATE notifications SET status = 'queued', last_error = :error, updated_at = now(), "
    "next_attempt_at = now() + make_interval(secs => :delay_s) "
    "WHERE shop_id = :shop_id AND id = :id AND status = 'sending' AND attempts = :attempts"
)
_FAILED = text(
    "UPDATE notifications SET status = 'failed', last_error = :error, updated_at = now() "
    "WHERE shop_id = :shop_id AND id = :id AND status = 'sending' AND attempts = :attempts"
)
_PARTIES = text(
    "SELECT shop_id, id, customer_id, vendor_id FROM notifications WHERE provider_id = :provider_id"
)
_CALLBACK = text(
    """
UPDATE notifications
SET status = :status, last_error = coalesce(:error, last_error), updated_at = now()
WHERE provider_id = :provider_id
  AND CASE status WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END
      < :rank
RETURNING shop_id, id, customer_id, vendor_id
"""
)


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """A row this dispatcher now holds (`sending`); `attempts` counts this attempt."""

    shop_id: int
    id: int
    channel: str
    to: str
    body: str
    attempts: int
    customer_id: int | None
    vendor_id: int | None
    opted_out: bool
    reference: str | None = None
    """What the message is about: `sale:<id>`, `udhaar:<entry id>`, `payment:<id>`."""


@dataclass(frozen=True, slots=True)
class MessageParty:
    """Which message a status callback changed, and whom it was for."""

    shop_id: int
    id: int
    customer_id: int | None
    vendor_id: int | None


def _error(text_: str) -> str:
    return text_[:MAX_ERROR]


async def claim_due(session: AsyncSession, *, limit: int, lease_s: float) -> list[ClaimedMessage]:
    """Lock up to `limit` due rows (oldest first), mark them `sending`, count the attempt."""
    rows = await session.execute(_CLAIM, {"limit": limit, "lease_s": lease_s})
    return [
        ClaimedMessage(
            shop_id=row.shop_id,
            id=row.id,
            channel=row.channel,
            to=row.to,
            body=row.body,
            attempts=row.attempts,
            customer_id=row.customer_id,
            vendor_id=row.vendor_id,
            opted_out=bool(row.opted_out),
            reference=row.reference,
        )
        for row in rows
    ]


async def reserve_quota(session: AsyncSession, shop_id: int, count: int) -> dt.date | None:
    """Add `count` to the shop's use today if that stays within its cap: all or nothing.

    Returns the shop-local day charged, or None when the cap does not leave room for
    `count` more (the row lock taken here is held until the transaction ends, so
    concurrent dispatchers queue up behind it instead of both passing the check).
    """
    day: dt.date | None = await session.scalar(_RESERVE, {"shop_id": shop_id, "n": count})
    return day


async def refund_quota(session: AsyncSession, shop_id: int, day: dt.date) -> None:
    """Give back one message of `day`'s quota (the provider refused it, nothing went out)."""
    await session.execute(_REFUND, {"shop_id": shop_id, "day": day})


async def defer_to_next_day(
    session: AsyncSession, shop_id: int, ids: Sequence[int], note: str
) -> dt.datetime | None:
    """Put claimed rows back as `queued` until the shop's next local midnight.

    The claim's attempt is taken back: waiting for tomorrow's quota is not a failed try.
    """
    result = await session.execute(
        _DEFER_TO_MIDNIGHT, {"shop_id": shop_id, "ids": list(ids), "note": _error(note)}
    )
    found: dt.datetime | None = result.scalars().first()
    return found


async def release(session: AsyncSession, message: ClaimedMessage) -> bool:
    """Hand an unsent claimed row back, due now, without counting the attempt."""
    result = await session.execute(
        _RELEASE, {"shop_id": message.shop_id, "id": message.id, "attempts": message.attempts}
    )
    return _changed(result)


async def record_sent(
    session: AsyncSession, sent: Sequence[tuple[ClaimedMessage, str]]
) -> set[tuple[int, int]]:
    """Mark messages sent, each with its provider's id, in one statement; the (shop_id, id)
    of those recorded (a message whose lease was lost is not)."""
    result = await session.execute(
        _SENT,
        {
            "shop_ids": [message.shop_id for message, _ in sent],
            "ids": [message.id for message, _ in sent],
            "attempts": [message.attempts for message, _ in sent],
            "provider_ids": [provider_id[:64] for _, provider_id in sent],
        },
    )
    return {(row.shop_id, row.id) for row in result}


async def record_retry(
    session: AsyncSession, message: ClaimedMessage, *, delay_s: float, error: str
) -> bool:
    result = await session.execute(
        _RETRY,
        {
            "shop_id": message.shop_id,
            "id": message.id,
            "attempts": message.attempts,
            "delay_s": delay_s,
            "error": _error(error),
        },
    )
    return _changed(result)


async def record_failed(session: AsyncSession, message: ClaimedMessage, *, error: str) -> bool:
    result = await session.execute(
        _FAILED,
        {
            "shop_id": message.shop_id,
            "id": message.id,
            "attempts": message.attempts,
            "error": _error(error),
        },
    )
    return _changed(result)


async def opt_out(
    session: AsyncSession, shop_id: int, *, customer_id: int | None, vendor_id: int | None
) -> None:
    """Mark the message's party as not wanting messages (it replied STOP)."""
    if customer_id is not None:
        await parties.opt_out(session, CUSTOMERS, shop_id, customer_id)
    if vendor_id is not None:
        await parties.opt_out(session, VENDORS, shop_id, vendor_id)


async def apply_status(
    session: AsyncSession, provider_id: str, status: str, *, error: str | None
) -> list[MessageParty]:
    """Move the message(s) with this provider id to `status` if that is a step forward.

    Returns what changed: nothing for an unknown id, or when the message is already at or
    past `status` (a late `sent` after `delivered`).
    """
    rows = await session.execute(
        _CALLBACK,
        {
            "provider_id": provider_id,
            "status": status,
            "rank": STATUS_RANK[status],
            "error": _error(error) if error else None,
        },
    )
    return [
        MessageParty(
            shop_id=row.shop_id, id=row.id, customer_id=row.customer_id, vendor_id=row.vendor_id
        )
        for row in rows
    ]


async def parties_of(session: AsyncSession, provider_id: str) -> list[MessageParty]:
    """The message(s) with this provider id and whom they were for (usually one)."""
    rows = await session.execute(_PARTIES, {"provider_id": provider_id})
    return [
        MessageParty(
            shop_id=row.shop_id, id=row.id, customer_id=row.customer_id, vendor_id=row.vendor_id
        )
        for row in rows
    ]


def _changed(result: Result[Any]) -> bool:
    """Whether the fenced UPDATE matched its row (a lost lease matches nothing)."""
    return cast(CursorResult[Any], result).rowcount > 0
