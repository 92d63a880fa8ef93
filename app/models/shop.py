"""Shops (the tenants), their users, login sessions with their refresh tokens, and the
counters that limit logins and registrations. None of these is a tenant table.

`users.phone` is unique across the deployment (a phone number logs in without naming a shop),
so `users` is looked up before any shop is known, by the auth service's system session.
Sessions are checked on every request by the database function `auth_session_check` (see
migration 0010), which runs with the shop switch as its owner, so they need no row security.
"""

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    false,
    func,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedAt

GST_SCHEMES = ("unregistered", "regular", "composition")


class Shop(Base):
    """A shop and its settings, including how and when it messages its customers."""

    __tablename__ = "shops"
    __table_args__ = (
        CheckConstraint("language IN ('en', 'hi')", name="language"),
        CheckConstraint("message_channel IN ('sms', 'whatsapp')", name="message_channel"),
        CheckConstraint("reminder_every_days BETWEEN 1 AND 90", name="reminder_every_days"),
        CheckConstraint("reminder_hour BETWEEN 0 AND 23", name="reminder_hour"),
        CheckConstraint("daily_message_cap >= 0", name="daily_message_cap"),
        CheckConstraint("closing_hour BETWEEN 0 AND 23", name="closing_hour"),
        CheckConstraint("summary_channel IN ('sms', 'whatsapp')", name="summary_channel"),
        CheckConstraint(f"gst_scheme IN {GST_SCHEMES!r}", name="gst_scheme"),
        CheckConstraint(
            "gst_scheme = 'unregistered' OR (gstin IS NOT NULL AND state_code IS NOT NULL)",
            name="registered_has_gstin",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    allow_negative_stock: Mapped[bool] = mapped_column(Boolean, server_default=false())
    language: Mapped[str] = mapped_column(String(5), server_default="en")
    message_channel: Mapped[str] = mapped_column(String(10), server_default="sms")
    send_bill_messages: Mapped[bool] = mapped_column(Boolean, server_default=true())
    send_payment_receipts: Mapped[bool] = mapped_column(Boolean, server_default=true())
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    reminder_every_days: Mapped[int] = mapped_column(SmallInteger, server_default="3")
    reminder_hour: Mapped[int] = mapped_column(SmallInteger, server_default="10")
    daily_message_cap: Mapped[int] = mapped_column(Integer, server_default="500")
    message_templates: Mapped[dict[str, Any]] = mapped_column(
        JSONB, server_default=text("'{}'::jsonb")
    )
    created_at: Mapped[CreatedAt]
    # The tax profile (issue 14): which GST documents the shop issues, and as whom.
    gst_scheme: Mapped[str] = mapped_column(String(16), server_default="unregistered")
    gstin: Mapped[str | None] = mapped_column(String(15))
    state_code: Mapped[str | None] = mapped_column(String(2))
    legal_name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    invoice_prefix: Mapped[str] = mapped_column(String(16), server_default="")
    round_to_rupee: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # How customers pay the shop (issue 15): the UPI id and name on invoices and reminders.
    upi_id: Mapped[str | None] = mapped_column(String(255))
    upi_payee_name: Mapped[str | None] = mapped_column(String(99))
    # The owner's daily summary message (issue 17): off by default; sent once the shop-local
    # `closing_hour` has begun, by `summary_channel` (null: the channel of the shop's bills).
    daily_summary: Mapped[bool] = mapped_column(Boolean, server_default=false())
    closing_hour: Mapped[int] = mapped_column(SmallInteger, server_default="21")
    summary_channel: Mapped[str | None] = mapped_column(String(10))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('owner', 'staff')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[CreatedAt]


class AuthSession(Base):
    """One login on one device: the family of its refresh tokens, and what every access token
    issued in it names (`sid`). Revoked (logout, password change, reuse of a rotated refresh
    token, deactivation) or expired, it admits no request."""

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_user_id_device", "user_id", "device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"), index=True)
    device: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[CreatedAt]
    refreshed_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class RefreshToken(Base):
    """A refresh token, stored as the SHA-256 of its text; used once, then rotated."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class AuthCounter(Base):
    """A fixed-window counter per key (`login:<phone>|<address>`, `login-ip:<address>`,
    `register:<address>`), counted by one atomic upsert; rows past their window are pruned."""

    __tablename__ = "auth_counters"
    __table_args__ = (Index("ix_auth_counters_window_ends", "window_ends"),)

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    window_ends: Mapped[dt.datetime]
