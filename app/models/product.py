"""The catalogue and its stock ledger."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    func,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    SALE_REFERENCE,
    CreatedAt,
    MoneyColumn,
    QuantityColumn,
    TenantChildModel,
    TenantModel,
)

UNITS = ("pcs", "kg", "g", "l", "ml", "pack", "box", "dozen", "m", "bottle", "bag")
MOVEMENT_REASONS = ("opening", "adjustment", "sale", "purchase", "void", "return")
COST_REASONS = ("purchase", "opening")
"""The movements that set a product's moving-average cost (the others leave it as it is)."""


class Product(TenantModel):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_purchase >= 0", name="price_purchase_not_negative"),
        CheckConstraint("price_sale >= 0", name="price_sale_not_negative"),
        CheckConstraint("reorder_level >= 0", name="reorder_level_not_negative"),
        CheckConstraint(f"unit IN {UNITS!r}", name="unit"),
        CheckConstraint("hsn_code ~ '^[0-9]{4,8}$'", name="hsn_code"),
        CheckConstraint("gst_rate >= 0 AND gst_rate <= 100", name="gst_rate"),
        CheckConstraint("cess_rate >= 0 AND cess_rate <= 400", name="cess_rate"),
        # Names are unique per shop among live products, ignoring case and spacing.
        Index(
            "uq_products_shop_id_name_key",
            "shop_id",
            "name_key",
            unique=True,
            postgresql_where=text("archived_at IS NULL"),
        ),
        Index(
            "uq_products_shop_id_barcode",
            "shop_id",
            "barcode",
            unique=True,
            postgresql_where=text("barcode IS NOT NULL AND archived_at IS NULL"),
        ),
        # Name search within one shop (the `search_products` function, migration 0006):
        # btree_gin puts shop_id in the same GIN index as the name's trigrams. A small pending
        # list: every search reads all of it, and a sale's stock update can add to it.
        Index(
            "ix_products_shop_id_name_key_trgm",
            "shop_id",
            "name_key",
            postgresql_using="gin",
            postgresql_ops={"name_key": "gin_trgm_ops"},
            postgresql_with={"gin_pending_list_limit": 64},
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    price_purchase: Mapped[MoneyColumn]
    price_sale: Mapped[MoneyColumn]
    quantity: Mapped[QuantityColumn]
    unit: Mapped[str] = mapped_column(String(10), server_default="pcs")
    barcode: Mapped[str | None] = mapped_column(String(64))
    reorder_level: Mapped[Decimal] = mapped_column(Numeric(14, 3), server_default="0")
    # GST (issue 14): the HSN code and rates a registered shop's bills carry for the product.
    hsn_code: Mapped[str | None] = mapped_column(String(8))
    gst_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="0")
    cess_rate: Mapped[Decimal] = mapped_column(Numeric(6, 2), server_default="0")
    price_includes_tax: Mapped[bool] = mapped_column(server_default=true())
    archived_at: Mapped[dt.datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class StockMovement(TenantChildModel):
    """One change of one product's quantity. `products.quantity` is the running sum of these."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "product_id"], ["products.shop_id", "products.id"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["shop_id", "sale_id"],
            ["sales.shop_id", "sales.id"],
            ondelete="RESTRICT",
            **SALE_REFERENCE,
        ),
        ForeignKeyConstraint(
            ["shop_id", "purchase_id"], ["purchases.shop_id", "purchases.id"], ondelete="RESTRICT"
        ),
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        CheckConstraint(f"reason IN {MOVEMENT_REASONS!r}", name="reason"),
        CheckConstraint("cost_after >= 0", name="cost_after_not_negative"),
        Index("ix_stock_movements_shop_id_product_id_id", "shop_id", "product_id", "id"),
        # The stock summary as of a day (migrations 0020, 0026): the movements dated after
        # it, summed per product from the index alone. The product is in the key so that a
        # shop's movements of one day spread over the index rather than all landing on its
        # last page, where concurrent bills of one shop queued ...
        Index(
            "ix_stock_movements_shop_id_movement_date",
            "shop_id",
            "movement_date",
            "product_id",
            postgresql_include=["quantity", "reason"],
        ),
        # ... and each product's last cost on or before it: only purchases and opening stock
        # set the cost, so sale movements stay out of this index.
        Index(
            "ix_stock_movements_shop_id_product_id_id_costs",
            "shop_id",
            "product_id",
            "id",
            postgresql_include=["movement_date", "cost_after"],
            postgresql_where=text(f"reason IN {COST_REASONS!r}"),
        ),
    )

    product_id: Mapped[int]
    quantity: Mapped[QuantityColumn]
    reason: Mapped[str] = mapped_column(String(12))
    sale_id: Mapped[int | None]
    purchase_id: Mapped[int | None]
    balance_after: Mapped[QuantityColumn]
    # The business day (the bill's date; a void's is the voided bill's; opening stock and
    # adjustments, the day entered) and the product's moving-average unit cost right after
    # the movement: what the stock summary as of a past day reads (migration 0020).
    movement_date: Mapped[dt.date] = mapped_column(Date)
    cost_after: Mapped[MoneyColumn]
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]
