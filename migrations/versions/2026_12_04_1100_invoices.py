"""Bills people can hold (issue 15): the shop's UPI id and payee name, and revoked share links.

Revision ID: 0017_invoices
Revises: 0016_daily_sales_tax
Create Date: 2026-12-04 11:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.tenancy import grant_to_app, isolate

revision: str = "0017_invoices"
down_revision: str | None = "0016_daily_sales_tax"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = ("sale", "return", "purchase", "customer_statement", "vendor_statement")


def upgrade() -> None:
    op.add_column("shops", sa.Column("upi_id", sa.String(255)))
    op.add_column("shops", sa.Column("upi_payee_name", sa.String(99)))
    op.create_table(
        "share_revocations",
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "revoked_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("revoked_by", sa.BigInteger(), nullable=True),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_share_revocations_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_share_revocations")),
        sa.UniqueConstraint(
            "shop_id",
            "kind",
            "document_id",
            name=op.f("uq_share_revocations_shop_id_kind_document_id"),
        ),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in _KINDS) + ")",
            name=op.f("ck_share_revocations_kind"),
        ),
        info={"tenant": True},
    )
    for statement in isolate("share_revocations"):
        op.execute(statement)
    op.execute(grant_to_app("share_revocations", "SELECT, INSERT, UPDATE"))


def downgrade() -> None:
    op.drop_table("share_revocations")
    op.drop_column("shops", "upi_payee_name")
    op.drop_column("shops", "upi_id")
