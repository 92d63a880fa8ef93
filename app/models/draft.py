"""Purchase drafts: a vendor's bill as read from its photo, editable until it is confirmed.

A draft is not a purchase: it moves no stock and owes no udhaar. Confirming it records a real
purchase through the purchases service and links it here (`purchase_id`), once.

Draft lines name their product by `product_id` *without* a foreign key on purpose: a draft is a
scratchpad that may outlive a product (deleted or archived meanwhile), and it must never block
deleting one. The purchase service checks every id again when the draft is confirmed.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import CreatedAt, QuantityColumn, TenantChildModel, TenantModel

DRAFT_STATUSES = ("open", "confirmed")
ENGINES = ("gemini", "ocr")


class PurchaseDraft(TenantModel):
    __tablename__ = "purchase_drafts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "purchase_id"], ["purchases.shop_id", "purchases.id"], ondelete="RESTRICT"
        ),
        UniqueConstraint("shop_id", "purchase_id", name="uq_purchase_drafts_shop_id_purchase_id"),
        CheckConstraint(f"status IN {DRAFT_STATUSES!r}", name="status"),
        CheckConstraint(f"engine IN {ENGINES!r}", name="engine"),
        CheckConstraint("bill_total >= 0", name="bill_total_not_negative"),
        CheckConstraint(
            "(status = 'confirmed') = (purchase_id IS NOT NULL AND confirmed_at IS NOT NULL)",
            name="confirmed_has_purchase",
        ),
        Index("ix_purchase_drafts_shop_id_status_created_at", "shop_id", "status", "created_at"),
    )

    status: Mapped[str] = mapped_column(String(10), server_default="open")
    engine: Mapped[str] = mapped_column(String(10))
    vendor_name: Mapped[str | None] = mapped_column(String(120))
    vendor_phone: Mapped[str | None] = mapped_column(String(20))
    bill_date: Mapped[dt.date | None] = mapped_column(Date)
    bill_total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    warnings: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    # The photo as uploaded (at most EXTRACTION_MAX_UPLOAD_BYTES). Deferred and raise-loaded so a
    # draft's JSON never drags megabytes along; only the image endpoint asks for it.
    image: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    image_type: Mapped[str] = mapped_column(String(20))
    purchase_id: Mapped[int | None]
    created_by: Mapped[int | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    confirmed_at: Mapped[dt.datetime | None]


class PurchaseDraftLine(TenantChildModel):
    __tablename__ = "purchase_draft_lines"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "draft_id"],
            ["purchase_drafts.shop_id", "purchase_drafts.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("shop_id", "draft_id", "line_no", name="uq_purchase_draft_lines_line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price_purchase >= 0", name="price_purchase_not_negative"),
        CheckConstraint("price_sale >= 0", name="price_sale_not_negative"),
        CheckConstraint("line_total >= 0", name="line_total_not_negative"),
        CheckConstraint("discount >= 0", name="discount_not_negative"),
    )

    draft_id: Mapped[int]
    line_no: Mapped[int] = mapped_column(SmallInteger)
    product_id: Mapped[int | None]
    product_name: Mapped[str] = mapped_column(String(200))
    read_name: Mapped[str | None] = mapped_column(String(300))
    quantity: Mapped[QuantityColumn]
    unit: Mapped[str | None] = mapped_column(String(20))
    price_purchase: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    price_sale: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    line_total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    discount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    match_score: Mapped[int | None] = mapped_column(SmallInteger)
    confidence: Mapped[Decimal | None] = mapped_column(Numeric(4, 3))
    raw_text: Mapped[str | None] = mapped_column(String(500))
    flags: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb")
    )
