"""The audit log: one row per sensitive change (a void, a return, a price or stock edit, a
settings or staff change, a login from a new device), written in the change's transaction.

Rows are only ever inserted (by `app.audit`); nothing updates or deletes them.
"""

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import TenantModel


class AuditEntry(TenantModel):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_shop_id_at", "shop_id", "at"),)

    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    # Money inside stays exact: written from decimal text, read back with Decimal numbers.
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    request_id: Mapped[str | None] = mapped_column(String(128))
