"""Bills: customers, vendors, sales, purchases, returns, udhaar, outbox, idempotency keys.

Every new table is a tenant table: composite keys and foreign keys with shop_id, and
row-level security for the app role.

Revision ID: 0002_bills
Revises: 0001_foundation
Create Date: 2026-11-25 14:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.tenancy import grant_to_app, isolate

revision: str = "0002_bills"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TENANT_TABLES = (
    "bill_counters",
    "customers",
    "vendors",
    "idempotency_keys",
    "notifications",
    "sales",
    "sale_lines",
    "sale_returns",
    "sale_return_lines",
    "purchases",
    "purchase_lines",
    "udhaar_entries",
    "udhaar_settlements",
)


def upgrade() -> None:
    op.create_table(
        "bill_counters",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("fiscal_year", sa.String(length=7), nullable=False),
        sa.Column("last_no", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_bill_counters_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_bill_counters")),
        sa.UniqueConstraint("shop_id", "kind", "fiscal_year", name="uq_bill_counters_shop_kind_fy"),
        info={"tenant": True},
    )
    op.create_table(
        "customers",
        sa.Column("name", sa.String(length=120), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("opted_out", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_customers_shop_id_shops"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_customers")),
        sa.UniqueConstraint("shop_id", "phone", name="uq_customers_shop_id_phone"),
        info={"tenant": True},
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.BigInteger(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_idempotency_keys_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("shop_id", "key", name="uq_idempotency_keys_shop_id_key"),
        info={"tenant": True},
    )
    op.create_index(
        "ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"], unique=False
    )
    op.create_table(
        "vendors",
        sa.Column("name", sa.String(length=120), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("opted_out", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_vendors_shop_id_shops"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("shop_id", "phone", name="uq_vendors_shop_id_phone"),
        info={"tenant": True},
    )
    op.create_table(
        "notifications",
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("vendor_id", sa.BigInteger(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("to", sa.String(length=40), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=15), server_default="queued", nullable=False),
        sa.Column("attempts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'undeliverable')",
            name=op.f("ck_notifications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "customer_id"],
            ["customers.shop_id", "customers.id"],
            name=op.f("fk_notifications_shop_id_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "vendor_id"],
            ["vendors.shop_id", "vendors.id"],
            name=op.f("fk_notifications_shop_id_vendor_id_vendors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_notifications_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_notifications")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.create_index("ix_notifications_shop_id_id", "notifications", ["shop_id", "id"], unique=False)
    op.create_table(
        "purchases",
        sa.Column("vendor_id", sa.BigInteger(), nullable=False),
        sa.Column("purchase_date", sa.Date(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("amount_paid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payment_mode", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="completed", nullable=False),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "payment_mode IN ('cash', 'upi', 'card', 'credit')",
            name=op.f("ck_purchases_payment_mode"),
        ),
        sa.CheckConstraint("status IN ('completed', 'void')", name=op.f("ck_purchases_status")),
        sa.CheckConstraint("amount_paid >= 0", name=op.f("ck_purchases_amount_paid_not_negative")),
        sa.CheckConstraint(
            "total_amount >= 0", name=op.f("ck_purchases_total_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "vendor_id"],
            ["vendors.shop_id", "vendors.id"],
            name=op.f("fk_purchases_shop_id_vendor_id_vendors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_purchases_shop_id_shops"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_purchases")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_purchases_shop_id_purchase_date",
        "purchases",
        ["shop_id", "purchase_date"],
        unique=False,
    )
    op.create_index(
        "ix_purchases_shop_id_vendor_id", "purchases", ["shop_id", "vendor_id"], unique=False
    )
    op.create_table(
        "sales",
        sa.Column("bill_no", sa.String(length=20), nullable=True),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("sale_date", sa.Date(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("profit", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("amount_paid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payment_mode", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="completed", nullable=False),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "payment_mode IN ('cash', 'upi', 'card', 'credit')", name=op.f("ck_sales_payment_mode")
        ),
        sa.CheckConstraint("status IN ('completed', 'void')", name=op.f("ck_sales_status")),
        sa.CheckConstraint("amount_paid >= 0", name=op.f("ck_sales_amount_paid_not_negative")),
        sa.CheckConstraint("total_amount >= 0", name=op.f("ck_sales_total_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["shop_id", "customer_id"],
            ["customers.shop_id", "customers.id"],
            name=op.f("fk_sales_shop_id_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_sales_shop_id_shops"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sales")),
        sa.UniqueConstraint("shop_id", "bill_no", name="uq_sales_shop_id_bill_no"),
        info={"tenant": True},
    )
    op.create_index(
        "ix_sales_shop_id_customer_id", "sales", ["shop_id", "customer_id"], unique=False
    )
    op.create_index("ix_sales_shop_id_sale_date", "sales", ["shop_id", "sale_date"], unique=False)
    op.create_table(
        "purchase_lines",
        sa.Column("purchase_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("price_purchase", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("line_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "price_purchase >= 0", name=op.f("ck_purchase_lines_price_not_negative")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchase_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["shop_id", "product_id"],
            ["products.shop_id", "products.id"],
            name=op.f("fk_purchase_lines_shop_id_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "purchase_id"],
            ["purchases.shop_id", "purchases.id"],
            name=op.f("fk_purchase_lines_shop_id_purchase_id_purchases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_purchase_lines_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_purchase_lines")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_purchase_lines_shop_id_purchase_id",
        "purchase_lines",
        ["shop_id", "purchase_id"],
        unique=False,
    )
    op.create_table(
        "sale_lines",
        sa.Column("sale_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("rate", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("cost_price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("line_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("profit", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "returned_quantity",
            sa.Numeric(precision=14, scale=3),
            server_default="0",
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint("cost_price >= 0", name=op.f("ck_sale_lines_cost_price_not_negative")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sale_lines_quantity_positive")),
        sa.CheckConstraint("rate >= 0", name=op.f("ck_sale_lines_rate_not_negative")),
        sa.CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity",
            name=op.f("ck_sale_lines_returned"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "product_id"],
            ["products.shop_id", "products.id"],
            name=op.f("fk_sale_lines_shop_id_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "sale_id"],
            ["sales.shop_id", "sales.id"],
            name=op.f("fk_sale_lines_shop_id_sale_id_sales"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_sale_lines_shop_id_shops"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sale_lines")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_sale_lines_shop_id_product_id", "sale_lines", ["shop_id", "product_id"], unique=False
    )
    op.create_index(
        "ix_sale_lines_shop_id_sale_id", "sale_lines", ["shop_id", "sale_id"], unique=False
    )
    op.create_table(
        "sale_returns",
        sa.Column("sale_id", sa.BigInteger(), nullable=False),
        sa.Column("return_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("refund_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_sale_returns_amount_not_negative")),
        sa.CheckConstraint("refund_amount >= 0", name=op.f("ck_sale_returns_refund_not_negative")),
        sa.ForeignKeyConstraint(
            ["shop_id", "sale_id"],
            ["sales.shop_id", "sales.id"],
            name=op.f("fk_sale_returns_shop_id_sale_id_sales"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_sale_returns_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sale_returns")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_sale_returns_shop_id_sale_id", "sale_returns", ["shop_id", "sale_id"], unique=False
    )
    op.create_table(
        "udhaar_entries",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("vendor_id", sa.BigInteger(), nullable=True),
        sa.Column("sale_id", sa.BigInteger(), nullable=True),
        sa.Column("purchase_id", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "(kind = 'sale' AND customer_id IS NOT NULL AND vendor_id IS NULL AND purchase_id IS NULL) OR (kind = 'purchase' AND vendor_id IS NOT NULL AND customer_id IS NULL AND sale_id IS NULL)",
            name=op.f("ck_udhaar_entries_party_matches_kind"),
        ),
        sa.CheckConstraint("kind IN ('sale', 'purchase')", name=op.f("ck_udhaar_entries_kind")),
        sa.CheckConstraint("status IN ('open', 'settled')", name=op.f("ck_udhaar_entries_status")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_udhaar_entries_amount_positive")),
        sa.ForeignKeyConstraint(
            ["shop_id", "customer_id"],
            ["customers.shop_id", "customers.id"],
            name=op.f("fk_udhaar_entries_shop_id_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "purchase_id"],
            ["purchases.shop_id", "purchases.id"],
            name=op.f("fk_udhaar_entries_shop_id_purchase_id_purchases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "sale_id"],
            ["sales.shop_id", "sales.id"],
            name=op.f("fk_udhaar_entries_shop_id_sale_id_sales"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "vendor_id"],
            ["vendors.shop_id", "vendors.id"],
            name=op.f("fk_udhaar_entries_shop_id_vendor_id_vendors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_udhaar_entries_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_udhaar_entries")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_udhaar_entries_shop_id_kind_status_due",
        "udhaar_entries",
        ["shop_id", "kind", "status", "due_date"],
        unique=False,
    )
    op.create_index(
        "ix_udhaar_entries_shop_id_purchase_id",
        "udhaar_entries",
        ["shop_id", "purchase_id"],
        unique=False,
    )
    op.create_index(
        "ix_udhaar_entries_shop_id_customer_id",
        "udhaar_entries",
        ["shop_id", "customer_id"],
        unique=False,
    )
    op.create_index(
        "ix_udhaar_entries_shop_id_vendor_id",
        "udhaar_entries",
        ["shop_id", "vendor_id"],
        unique=False,
    )
    op.create_index(
        "ix_udhaar_entries_shop_id_sale_id", "udhaar_entries", ["shop_id", "sale_id"], unique=False
    )
    op.create_table(
        "sale_return_lines",
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        sa.Column("sale_line_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sale_return_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["shop_id", "return_id"],
            ["sale_returns.shop_id", "sale_returns.id"],
            name=op.f("fk_sale_return_lines_shop_id_return_id_sale_returns"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "sale_line_id"],
            ["sale_lines.shop_id", "sale_lines.id"],
            name=op.f("fk_sale_return_lines_shop_id_sale_line_id_sale_lines"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_sale_return_lines_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sale_return_lines")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_sale_return_lines_shop_id_return_id",
        "sale_return_lines",
        ["shop_id", "return_id"],
        unique=False,
    )
    op.create_table(
        "udhaar_settlements",
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payment_mode", sa.String(length=10), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "kind IN ('payment', 'void', 'return')", name=op.f("ck_udhaar_settlements_kind")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_udhaar_settlements_amount_positive")),
        sa.ForeignKeyConstraint(
            ["shop_id", "entry_id"],
            ["udhaar_entries.shop_id", "udhaar_entries.id"],
            name=op.f("fk_udhaar_settlements_shop_id_entry_id_udhaar_entries"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_udhaar_settlements_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_udhaar_settlements")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_udhaar_settlements_shop_id_entry_id",
        "udhaar_settlements",
        ["shop_id", "entry_id"],
        unique=False,
    )
    op.create_foreign_key(
        op.f("fk_stock_movements_shop_id_purchase_id_purchases"),
        "stock_movements",
        "purchases",
        ["shop_id", "purchase_id"],
        ["shop_id", "id"],
        ondelete="RESTRICT",
    )
    op.create_foreign_key(
        op.f("fk_stock_movements_shop_id_sale_id_sales"),
        "stock_movements",
        "sales",
        ["shop_id", "sale_id"],
        ["shop_id", "id"],
        ondelete="RESTRICT",
    )
    for table in TENANT_TABLES:
        op.execute(grant_to_app(table))
        for statement in isolate(table):
            op.execute(statement)


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_stock_movements_shop_id_sale_id_sales"), "stock_movements", type_="foreignkey"
    )
    op.drop_constraint(
        op.f("fk_stock_movements_shop_id_purchase_id_purchases"),
        "stock_movements",
        type_="foreignkey",
    )
    op.drop_index("ix_udhaar_settlements_shop_id_entry_id", table_name="udhaar_settlements")
    op.drop_table("udhaar_settlements")
    op.drop_index("ix_sale_return_lines_shop_id_return_id", table_name="sale_return_lines")
    op.drop_table("sale_return_lines")
    op.drop_index("ix_udhaar_entries_shop_id_sale_id", table_name="udhaar_entries")
    op.drop_index("ix_udhaar_entries_shop_id_purchase_id", table_name="udhaar_entries")
    op.drop_index("ix_udhaar_entries_shop_id_kind_status_due", table_name="udhaar_entries")
    op.drop_table("udhaar_entries")
    op.drop_index("ix_sale_returns_shop_id_sale_id", table_name="sale_returns")
    op.drop_table("sale_returns")
    op.drop_index("ix_sale_lines_shop_id_sale_id", table_name="sale_lines")
    op.drop_index("ix_sale_lines_shop_id_product_id", table_name="sale_lines")
    op.drop_table("sale_lines")
    op.drop_index("ix_purchase_lines_shop_id_purchase_id", table_name="purchase_lines")
    op.drop_table("purchase_lines")
    op.drop_index("ix_sales_shop_id_sale_date", table_name="sales")
    op.drop_index("ix_sales_shop_id_customer_id", table_name="sales")
    op.drop_table("sales")
    op.drop_index("ix_purchases_shop_id_vendor_id", table_name="purchases")
    op.drop_index("ix_purchases_shop_id_purchase_date", table_name="purchases")
    op.drop_table("purchases")
    op.drop_index("ix_notifications_shop_id_id", table_name="notifications")
    op.drop_index(
        "ix_notifications_due",
        table_name="notifications",
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.drop_table("notifications")
    op.drop_table("vendors")
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("customers")
    op.drop_table("bill_counters")
