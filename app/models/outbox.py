"""The outbox: messages (bill SMS, reminders) written in the business transaction.

A dispatcher sends them later; a rolled-back bill leaves no row, so it sends nothing.
"""

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, String, Text, func, text
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
        Index(
            "ix_notifications_due",
            "next_attempt_at",
            postgresql_where=text("status = 'queued'"),
        ),
        Index("ix_notifications_shop_id_id", "shop_id", "id"),
    )

    customer_id: Mapped[int | None]
    vendor_id: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(20))
    to: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(15), server_default="queued")
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    provider_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[dt.datetime | None]
