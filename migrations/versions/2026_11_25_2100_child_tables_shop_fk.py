"""Child tables lose their redundant `shop_id -> shops` foreign key.

A bill's lines, a product's stock movements and the like always hang off a parent row of the
same shop through a NOT NULL `(shop_id, parent_id)` foreign key, which already proves the
shop exists (`app.models.base.TenantChildModel`). Their own key to `shops` was a second
check on every row written: six per sale, about a fifth of PostgreSQL's foreign-key work.

Revision ID: 0009_child_shop_fk
Revises: 0008_app_notice
Create Date: 2026-11-25 21:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_child_shop_fk"
down_revision: str | None = "0008_app_notice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHILD_TABLES = (
    "purchase_draft_lines",
    "purchase_lines",
    "purchases",
    "sale_lines",
    "sale_return_lines",
    "sale_returns",
    "stock_movements",
    "udhaar_settlements",
)


def upgrade() -> None:
    for table in CHILD_TABLES:
        op.drop_constraint(f"fk_{table}_shop_id_shops", table, type_="foreignkey")


def downgrade() -> None:
    for table in CHILD_TABLES:
        op.create_foreign_key(
            f"fk_{table}_shop_id_shops", table, "shops", ["shop_id"], ["id"], ondelete="RESTRICT"
        )
