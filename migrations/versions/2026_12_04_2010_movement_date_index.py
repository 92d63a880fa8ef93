"""The stock ledger's date index keys on the product too, so one shop's bills stop queueing on
one index page.

0020 indexed `stock_movements (shop_id, movement_date) INCLUDE (product_id, quantity,
reason)` for the stock summary as of a date. Every movement a shop writes today has the
same key, so each of its sale lines inserted into the same (rightmost) leaf page of that
index: with 8 connections billing one shop, the sales queued on that page's lock. `make
bench` (one shop, 8 connections, back to back): 236-245 sales/s with the index against
260-288 without it and 258-281 before 0020; the tax-invoice shop 209-237 against 283-326.

Keyed `(shop_id, movement_date, product_id)`, the day's entries of a shop are spread over
its products' places in the index, and the summary still reads the movements dated after a
day as one range of the index alone (the product is in the key, the quantity and reason
included).

Revision ID: 0026_movement_date_index
Revises: 0025_sales_rollups
Create Date: 2026-12-04 20:10
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026_movement_date_index"
down_revision: str | None = "0025_sales_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_stock_movements_shop_id_movement_date"


def upgrade() -> None:
    op.drop_index(_INDEX, table_name="stock_movements")
    op.create_index(
        _INDEX,
        "stock_movements",
        ["shop_id", "movement_date", "product_id"],
        postgresql_include=["quantity", "reason"],
    )


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="stock_movements")
    op.create_index(
        _INDEX,
        "stock_movements",
        ["shop_id", "movement_date"],
        postgresql_include=["product_id", "quantity", "reason"],
    )
