"""Helpers for message tests: Twilio settings pointed at the fake, and outbox rows by SQL."""

from typing import Any

import asyncpg
from sqlalchemy import text

from app.config import MessagingSettings
from tests.fakes.twilio import FakeTwilio

FROM = "+15005550006"
WHATSAPP_FROM = "+14155238886"


def twilio_settings(fake: FakeTwilio, **overrides: Any) -> MessagingSettings:
    """Messaging settings that send through the real SDK to `fake`, no dispatcher running."""
    values: dict[str, Any] = {
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_FROM_NUMBER": FROM,
        "TWILIO_MESSAGING_SERVICE_SID": None,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_BASE_URL": fake.url,
        "TWILIO_TIMEOUT_SECONDS": 2,
        "PUBLIC_BASE_URL": None,
        "DISPATCHER": "off",
        "DISPATCH_LEASE_SECONDS": 30,
        "NOTIFY_BACKOFF_BASE_SECONDS": 1,
        "NOTIFY_BACKOFF_MAX_SECONDS": 60,
    }
    return MessagingSettings(**(values | overrides))


QUEUE_SQL = (
    'INSERT INTO notifications (shop_id, channel, "to", template, language, body, reference) '
    "SELECT :shop_id, :channel, :to, 'reminder', 'en', :prefix || g, 'test:' || g "
    "FROM generate_series(1, :count) g"
)


async def queue_messages(
    app: Any, shop_id: int, count: int, *, to: str = "+919812345678", prefix: str = "Message "
) -> None:
    """`count` queued rows with bodies `Message 1`, `Message 2`, ... (no party)."""
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text(QUEUE_SQL),
            {"shop_id": shop_id, "channel": "sms", "to": to, "prefix": prefix, "count": count},
        )


async def outbox_rows(app: Any, shop_id: int) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text("SELECT * FROM notifications WHERE shop_id = :s ORDER BY id"), {"s": shop_id}
        )
        return [dict(row) for row in rows.mappings()]


async def execute(app: Any, sql: str, **params: Any) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(text(sql), params)


def plain_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def pg(url: str, sql: str, *args: Any) -> Any:
    """One statement over a plain asyncpg connection (for tests without an app)."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()
