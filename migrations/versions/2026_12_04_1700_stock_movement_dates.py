"""Stock movements carry their business date and the cost after them (issue 17 item 3).

Two new columns on `stock_movements`, both NOT NULL and with NO default, so a writer that
forgets one fails loudly instead of writing a wrong ledger:

- `movement_date date`: the business day the movement belongs to, which the stock summary as
  of a date (`GET /api/reports/stock?as_of=`) sums by. A sale's and a purchase's movements
  take the bill's date (a backdated bill lands on its own day); a void's reversing movements
  take the date of the bill they reverse (a voided bill then counts on no day at all); a
  return's, the return's date; opening stock and adjustments, the day they were entered
  (`created_at` in the shop's time zone).
- `cost_after numeric(14,2)`: the product's moving-average unit cost right after the movement
  (what `products.price_purchase` then was). Only purchases (and opening stock, which starts
  the cost) set the cost, so the summary values stock as of a past day at the `cost_after` of
  the last purchase or opening movement recorded (highest id) among those dated on or before
  that day. Backfill: a sale's movement takes its sale line's `cost_price` (the cost it was
  sold at); any other movement takes the cost of the product's next sale movement, since the
  cost changes only at purchases and the next sale saw the cost in force; with no later sale,
  the product's current `price_purchase`. Exact except where a purchase was followed by
  another purchase before any sale (the earlier one then shows the later cost) or the cost
  was edited by hand.

Indexes (the sale path writes one movement per line; it gains one index entry per line):
- `(shop_id, movement_date) INCLUDE (product_id, quantity, reason)`: the summary sums only
  the movements dated after the day asked for (a month back reads a month of rows, from the
  index alone), and learns which products had a purchase since;
- a partial `(shop_id, product_id, id) INCLUDE (movement_date, cost_after)` over purchase and
  opening movements only: each such product's last cost on or before the day is one short
  backward read. Sale movements are not in it, so it costs the sale path nothing.

Revision ID: 0020_stock_movement_dates
Revises: 0019_expenses
Create Date: 2026-12-04 17:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_stock_movement_dates"
down_revision: str | None = "0019_expenses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COST_INDEX = "ix_stock_movements_shop_id_product_id_id_costs"
_DATE_INDEX = "ix_stock_movements_shop_id_movement_date"
_SETS_COST = "reason IN ('purchase', 'opening')"

_BACKFILL_DATES = """
UPDATE stock_movements m
SET movement_date = CASE
        WHEN m.reason IN ('sale', 'void') AND m.sale_id IS NOT NULL THEN s.sale_date
        WHEN m.reason IN ('purchase', 'void') AND m.purchase_id IS NOT NULL THEN pu.purchase_date
        ELSE (m.created_at AT TIME ZONE sh.timezone)::date
    END
FROM stock_movements x
JOIN shops sh ON sh.id = x.shop_id
LEFT JOIN sales s ON s.shop_id = x.shop_id AND s.id = x.sale_id
LEFT JOIN purchases pu ON pu.shop_id = x.shop_id AND pu.id = x.purchase_id
WHERE x.shop_id = m.shop_id AND x.id = m.id
"""

# A sale's movement: its line's cost. Any other: the cost of the product's next sale movement
# (rows in descending id order are grouped by the running count of sale costs, so each group
# starts at a sale and holds the movements recorded before it, back to the previous sale),
# else the product's cost now.
_BACKFILL_COSTS = """
WITH line_costs AS (
    SELECT shop_id, sale_id, product_id, max(cost_price) AS cost
    FROM sale_lines GROUP BY shop_id, sale_id, product_id
), sale_costs AS (
    SELECT m.shop_id, m.id, m.product_id, CASE WHEN m.reason = 'sale' THEN l.cost END AS cost
    FROM stock_movements m
    LEFT JOIN line_costs l
      ON l.shop_id = m.shop_id AND l.sale_id = m.sale_id AND l.product_id = m.product_id
), grouped AS (
    SELECT c.*, count(c.cost) OVER (
        PARTITION BY c.shop_id, c.product_id ORDER BY c.id DESC
    ) AS next_sale
    FROM sale_costs c
), filled AS (
    SELECT g.shop_id, g.id, g.product_id, first_value(g.cost) OVER (
        PARTITION BY g.shop_id, g.product_id, g.next_sale ORDER BY g.id DESC
    ) AS cost
    FROM grouped g
)
UPDATE stock_movements m
SET cost_after = coalesce(f.cost, p.price_purchase)
FROM filled f
JOIN products p ON p.shop_id = f.shop_id AND p.id = f.product_id
WHERE m.shop_id = f.shop_id AND m.id = f.id
"""


def upgrade() -> None:
    op.add_column("stock_movements", sa.Column("movement_date", sa.Date(), nullable=True))
    op.add_column(
        "stock_movements",
        sa.Column("cost_after", sa.Numeric(precision=14, scale=2), nullable=True),
    )
    op.execute(_BACKFILL_DATES)
    op.execute(_BACKFILL_COSTS)
    op.alter_column("stock_movements", "movement_date", nullable=False)
    op.alter_column("stock_movements", "cost_after", nullable=False)
    op.create_check_constraint(
        op.f("ck_stock_movements_cost_after_not_negative"), "stock_movements", "cost_after >= 0"
    )
    op.create_index(
        _DATE_INDEX,
        "stock_movements",
        ["shop_id", "movement_date"],
        postgresql_include=["product_id", "quantity", "reason"],
    )
    op.create_index(
        _COST_INDEX,
        "stock_movements",
        ["shop_id", "product_id", "id"],
        postgresql_include=["movement_date", "cost_after"],
        postgresql_where=sa.text(_SETS_COST),
    )


def downgrade() -> None:
    op.drop_index(_COST_INDEX, table_name="stock_movements")
    op.drop_index(_DATE_INDEX, table_name="stock_movements")
    op.drop_constraint(
        op.f("ck_stock_movements_cost_after_not_negative"), "stock_movements", type_="check"
    )
    op.drop_column("stock_movements", "cost_after")
    op.drop_column("stock_movements", "movement_date")
