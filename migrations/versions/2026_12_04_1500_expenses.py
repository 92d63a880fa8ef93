"""Expenses (issue 17 item 1): what the shop spent, voided by reversing rows, and the shop's
own expense categories. The app role may read and insert both tables, never update or
delete them: an expense is a ledger row (rule 4).

Revision ID: 0019_expenses
Revises: 0018_ask_semantic_layer
Create Date: 2026-12-04 15:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.db.tenancy import grant_to_app, isolate

revision: str = "0019_expenses"
down_revision: str | None = "0018_ask_semantic_layer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAYMENT_MODES = ("cash", "upi", "card", "bank")


def _tenant_columns(table: str) -> list[Any]:
    return [
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f(f"fk_{table}_shop_id_shops"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "expense_categories",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("name_key", sa.String(160), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        *_tenant_columns("expense_categories"),
        sa.UniqueConstraint(
            "shop_id", "name_key", name=op.f("uq_expense_categories_shop_id_name_key")
        ),
        info={"tenant": True},
    )
    op.create_table(
        "expenses",
        sa.Column("expense_date", sa.Date(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("payment_mode", sa.String(10), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("reverses_id", sa.BigInteger(), nullable=True),
        sa.Column("void_reason", sa.String(500), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        *_tenant_columns("expenses"),
        sa.ForeignKeyConstraint(
            ["shop_id", "reverses_id"],
            ["expenses.shop_id", "expenses.id"],
            name=op.f("fk_expenses_shop_id_reverses_id_expenses"),
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "(reverses_id IS NULL AND amount > 0 AND void_reason IS NULL)"
            " OR (reverses_id IS NOT NULL AND amount < 0 AND void_reason IS NOT NULL)",
            name=op.f("ck_expenses_reversal"),
        ),
        sa.CheckConstraint(
            "payment_mode IN (" + ", ".join(f"'{mode}'" for mode in _PAYMENT_MODES) + ")",
            name=op.f("ck_expenses_payment_mode"),
        ),
        info={"tenant": True},
    )
    op.create_index(
        "uq_expenses_shop_id_reverses_id",
        "expenses",
        ["shop_id", "reverses_id"],
        unique=True,
        postgresql_where=sa.text("reverses_id IS NOT NULL"),
    )
    op.create_index("ix_expenses_shop_id_expense_date", "expenses", ["shop_id", "expense_date"])
    for table in ("expense_categories", "expenses"):
        for statement in isolate(table):
            op.execute(statement)
        op.execute(grant_to_app(table, "SELECT, INSERT"))


def downgrade() -> None:
    op.drop_table("expenses")
    op.drop_table("expense_categories")
