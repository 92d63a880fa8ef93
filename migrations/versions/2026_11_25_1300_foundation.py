"""Foundation: shops, users, login failures, products, stock movements; tenancy by RLS.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-25 13:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.tenancy import CREATE_APP_ROLE, grant_to_app, isolate

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNITS = "('pcs', 'kg', 'g', 'l', 'ml', 'pack', 'box', 'dozen', 'm', 'bottle', 'bag')"
REASONS = "('opening', 'adjustment', 'sale', 'purchase', 'void', 'return')"


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in CREATE_APP_ROLE:
        op.execute(statement)

    op.create_table(
        "shops",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("allow_negative_stock", sa.Boolean, server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shops"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False)),
        sa.Column("shop_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_users_shop_id_shops", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("phone", name="uq_users_phone"),
        sa.CheckConstraint("role IN ('owner', 'staff')", name="ck_users_role"),
    )
    op.create_index("ix_users_shop_id", "users", ["shop_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False)),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "failed_at"])

    op.create_table(
        "products",
        sa.Column("shop_id", sa.BigInteger, nullable=False),
        sa.Column("id", sa.BigInteger, sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("price_purchase", sa.Numeric(14, 2), nullable=False),
        sa.Column("price_sale", sa.Numeric(14, 2), nullable=False),
        sa.Column("quantity", sa.Numeric(14, 3), nullable=False),
        sa.Column("unit", sa.String(10), server_default="pcs", nullable=False),
        sa.Column("barcode", sa.String(64)),
        sa.Column("reorder_level", sa.Numeric(14, 3), server_default="0", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "id", name="pk_products"),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_products_shop_id_shops", ondelete="RESTRICT"
        ),
        sa.CheckConstraint("price_purchase >= 0", name="ck_products_price_purchase_not_negative"),
        sa.CheckConstraint("price_sale >= 0", name="ck_products_price_sale_not_negative"),
        sa.CheckConstraint("reorder_level >= 0", name="ck_products_reorder_level_not_negative"),
        sa.CheckConstraint(f"unit IN {UNITS}", name="ck_products_unit"),
    )
    op.create_index(
        "uq_products_shop_id_name_key",
        "products",
        ["shop_id", "name_key"],
        unique=True,
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    op.create_index(
        "uq_products_shop_id_barcode",
        "products",
        ["shop_id", "barcode"],
        unique=True,
        postgresql_where=sa.text("barcode IS NOT NULL AND archived_at IS NULL"),
    )
    op.create_index(
        "ix_products_name_key_trgm",
        "products",
        ["name_key"],
        postgresql_using="gin",
        postgresql_ops={"name_key": "gin_trgm_ops"},
    )

    op.create_table(
        "stock_movements",
        sa.Column("shop_id", sa.BigInteger, nullable=False),
        sa.Column("id", sa.BigInteger, sa.Identity(always=False), nullable=False),
        sa.Column("product_id", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.Numeric(14, 3), nullable=False),
        sa.Column("reason", sa.String(12), nullable=False),
        sa.Column("sale_id", sa.BigInteger),
        sa.Column("purchase_id", sa.BigInteger),
        sa.Column("balance_after", sa.Numeric(14, 3), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "id", name="pk_stock_movements"),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_stock_movements_shop_id_shops", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "product_id"],
            ["products.shop_id", "products.id"],
            name="fk_stock_movements_shop_id_product_id_products",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint("quantity <> 0", name="ck_stock_movements_quantity_not_zero"),
        sa.CheckConstraint(f"reason IN {REASONS}", name="ck_stock_movements_reason"),
    )
    op.create_index(
        "ix_stock_movements_shop_id_product_id_id",
        "stock_movements",
        ["shop_id", "product_id", "id"],
    )

    # Requests (the app role) read their own shop and users; tenant tables are fully theirs.
    op.execute(grant_to_app("shops", "SELECT"))
    op.execute(grant_to_app("users", "SELECT"))
    for statement in isolate("shops", column="id") + isolate("users"):
        op.execute(statement)
    for table in ("products", "stock_movements"):
        op.execute(grant_to_app(table))
        for statement in isolate(table):
            op.execute(statement)


def downgrade() -> None:
    for table in ("stock_movements", "products", "login_failures", "users", "shops"):
        op.drop_table(table)
