"""Revoked share links: a document's links issued at or before `revoked_at` open nothing.

Links themselves are not stored (`app.core.share_links`: a signed token names its document
and its issue time), so revoking one document's links is one row, upserted by `app.invoices`.
"""

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, DateTime, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import TenantModel

SHARE_KINDS = ("sale", "return", "purchase", "customer_statement", "vendor_statement")


class ShareRevocation(TenantModel):
    __tablename__ = "share_revocations"
    __table_args__ = (
        UniqueConstraint("shop_id", "kind", "document_id"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in SHARE_KINDS) + ")", name="kind"
        ),
    )

    kind: Mapped[str] = mapped_column(String(24))
    document_id: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)
