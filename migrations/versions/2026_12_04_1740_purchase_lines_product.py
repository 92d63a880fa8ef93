"""Purchase lines by product, for the reorder list's last vendor (issue 17 item 8).

The reorder list names, for each product on it, the vendor and price of its latest live
purchase. Purchase lines were indexed only by bill (`(shop_id, purchase_id)`), so finding a
product's purchases read every purchase line the shop ever entered (~105,000 in a year of a
busy shop). The new index `(shop_id, product_id) INCLUDE (purchase_id, id, price_purchase)`
gives the ~10 lines of each listed product from the index alone (the latest is chosen by the
purchase's date, then the purchase's id, then the line's id). It also serves the foreign key
`(shop_id, product_id) -> products`, which had no index on this side.

Only the purchase path pays for it: one index entry per purchase line. Sales write nothing
here.

Revision ID: 0024_purchase_lines_product
Revises: 0023_daily_sales_cash
Create Date: 2026-12-04 17:40
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024_purchase_lines_product"
down_revision: str | None = "0023_daily_sales_cash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_purchase_lines_shop_id_product_id"


def upgrade() -> None:
    op.create_index(
        _INDEX,
        "purchase_lines",
        ["shop_id", "product_id"],
        postgresql_include=["purchase_id", "id", "price_purchase"],
    )


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="purchase_lines")
