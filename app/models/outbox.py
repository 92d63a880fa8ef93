"""The outbox: messages (bill SMS, reminders) written in the business transaction.

A dispatcher sends them later; a rolled-back bill leaves no row, so it sends nothing.
A row being sent is `sending` with `next_attempt_at` as its lease: a dispatcher that dies
mid-send leaves it there, and another claims it once the lease has run out.
`dedupe_key` makes "at most one" rules (one reminder per entry and day) a unique index,
so they hold however many dispatchers run.
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import CreatedAt, TenantModel

NOTIFICATION_STATUSES = ("queued", "sending", "sent", "delivered", "failed", "undeliverable")


class Notification(TenantModel):
    __tablename__ = "notifications"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "customer_id"], ["customers.shop_id", "customers.id"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["shop_id", "vendor_id"], ["vendors.shop_id", "vendors.id"], ondelete="RESTRICT"
        ),
        CheckConstraint(f"status IN {NOTIFICATION_STATUSES!r}", name="status"),
        UniqueConstraint("shop_id", "dedupe_key", name="uq_notifications_shop_id_dedupe_key"),
        Index(
            "ix_notifications_due",
            "next_attempt_at",
            postgresql_where=text("status IN ('queued', 'sending')"),
        ),
        Index("ix_notifications_shop_id_reference", "shop_id", "reference"),
        # Only sent messages have the provider's id, which status callbacks look up.
        Index(
            "ix_notifications_provider_id",
            "provider_id",
            postgresql_where=text("provider_id IS NOT NULL"),
        ),
    )

    customer_id: Mapped[int | None]
    vendor_id: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(20))
    to: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(40))
    dedupe_key: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(15), server_default="queued")
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    provider_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[dt.datetime | None]


class MessageQuota(TenantModel):
    """Messages handed to the provider per shop and shop-local day, against the daily cap."""

    __tablename__ = "message_quota"
    __table_args__ = (UniqueConstraint("shop_id", "day", name="uq_message_quota_shop_id_day"),)

    day: Mapped[dt.date] = mapped_column(Date)
    used: Mapped[int] = mapped_column(Integer, server_default="0")


class DailyUsage(TenantModel):
    """Metered calls per shop, kind (e.g. `extraction`) and shop-local day, against a cap."""

    __tablename__ = "daily_usage"
    __table_args__ = (
        UniqueConstraint("shop_id", "kind", "day", name="uq_daily_usage_shop_id_kind_day"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[dt.date] = mapped_column(Date)
    used: Mapped[int] = mapped_column(Integer, server_default="0")
