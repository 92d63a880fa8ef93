"""Daily usage counters per shop (AI bill reading calls against their daily cap).

Revision ID: 0005_daily_usage
Revises: 0004_drafts
Create Date: 2026-11-25 17:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.tenancy import grant_to_app, isolate

revision: str = "0005_daily_usage"
down_revision: str | None = "0004_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_usage",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_daily_usage_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_daily_usage")),
        sa.UniqueConstraint("shop_id", "kind", "day", name="uq_daily_usage_shop_id_kind_day"),
        info={"tenant": True},
    )
    op.execute(grant_to_app("daily_usage"))
    for statement in isolate("daily_usage"):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("daily_usage")
