"""Product search by name within one shop: a GIN trigram index led by shop_id (btree_gin).

Revision ID: 0006_search
Revises: 0005_daily_usage
Create Date: 2026-11-25 18:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_search"
down_revision: str | None = "0005_daily_usage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.create_index(
        "ix_products_shop_id_name_key_trgm",
        "products",
        ["shop_id", "name_key"],
        postgresql_using="gin",
        postgresql_ops={"name_key": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_products_shop_id_name_key_trgm", table_name="products")
