"""Purchase drafts: a bill photo's lines, matched to products, editable until confirmed.

Revision ID: 0004_drafts
Revises: 0003_messages
Create Date: 2026-11-25 16:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.tenancy import grant_to_app, isolate

revision: str = "0004_drafts"
down_revision: str | None = "0003_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TENANT_TABLES = ("purchase_drafts", "purchase_draft_lines")


def upgrade() -> None:
    op.create_table(
        "purchase_drafts",
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("vendor_name", sa.String(length=120), nullable=True),
        sa.Column("vendor_phone", sa.String(length=20), nullable=True),
        sa.Column("bill_date", sa.Date(), nullable=True),
        sa.Column("bill_total", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "warnings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("image_type", sa.String(length=20), nullable=False),
        sa.Column("purchase_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "(status = 'confirmed') = (purchase_id IS NOT NULL AND confirmed_at IS NOT NULL)",
            name=op.f("ck_purchase_drafts_confirmed_has_purchase"),
        ),
        sa.CheckConstraint("engine IN ('gemini', 'ocr')", name=op.f("ck_purchase_drafts_engine")),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed')", name=op.f("ck_purchase_drafts_status")
        ),
        sa.CheckConstraint(
            "bill_total >= 0", name=op.f("ck_purchase_drafts_bill_total_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "purchase_id"],
            ["purchases.shop_id", "purchases.id"],
            name=op.f("fk_purchase_drafts_shop_id_purchase_id_purchases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_purchase_drafts_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_purchase_drafts")),
        sa.UniqueConstraint(
            "shop_id", "purchase_id", name="uq_purchase_drafts_shop_id_purchase_id"
        ),
        info={"tenant": True},
    )
    op.create_index(
        "ix_purchase_drafts_shop_id_status_created_at",
        "purchase_drafts",
        ["shop_id", "status", "created_at"],
        unique=False,
    )
    op.create_table(
        "purchase_draft_lines",
        sa.Column("draft_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.SmallInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        sa.Column("product_name", sa.String(length=200), nullable=False),
        sa.Column("read_name", sa.String(length=300), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("price_purchase", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("price_sale", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("line_total", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("match_score", sa.SmallInteger(), nullable=True),
        sa.Column("confidence", sa.Numeric(precision=4, scale=3), nullable=True),
        sa.Column("raw_text", sa.String(length=500), nullable=True),
        sa.Column(
            "flags",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "suggestions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "line_total >= 0", name=op.f("ck_purchase_draft_lines_line_total_not_negative")
        ),
        sa.CheckConstraint(
            "price_purchase >= 0", name=op.f("ck_purchase_draft_lines_price_purchase_not_negative")
        ),
        sa.CheckConstraint(
            "price_sale >= 0", name=op.f("ck_purchase_draft_lines_price_sale_not_negative")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchase_draft_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["shop_id", "draft_id"],
            ["purchase_drafts.shop_id", "purchase_drafts.id"],
            name=op.f("fk_purchase_draft_lines_shop_id_draft_id_purchase_drafts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_purchase_draft_lines_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_purchase_draft_lines")),
        sa.UniqueConstraint(
            "shop_id", "draft_id", "line_no", name="uq_purchase_draft_lines_line_no"
        ),
        info={"tenant": True},
    )
    for table in NEW_TENANT_TABLES:
        op.execute(grant_to_app(table))
        for statement in isolate(table):
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("purchase_draft_lines")
    op.drop_index("ix_purchase_drafts_shop_id_status_created_at", table_name="purchase_drafts")
    op.drop_table("purchase_drafts")
