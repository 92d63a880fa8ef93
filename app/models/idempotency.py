"""Stored replies of creating POSTs, so a retried request returns the first reply.

The row is inserted at the start of the request's transaction (a concurrent duplicate waits
on the unique index) and completed with the reply before that transaction commits. A key
belongs to the user who sent it (`user_id`); shop 0, user 0 holds the keys of requests made
before a shop exists (registration), which is why `shop_id` has no foreign key to `shops`.
"""

import datetime as dt

from sqlalchemy import BigInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import CreatedAt, TenantModel


class IdempotencyRecord(TenantModel):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint(
            "shop_id", "user_id", "key", name="uq_idempotency_keys_shop_id_user_id_key"
        ),
    )

    shop_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int]
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    # The reply's exact JSON text, so a replay is byte-for-byte the first reply.
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime]
