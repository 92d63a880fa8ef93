"""Stock writes as CTE fragments (named parameters) for other statements to compose.

`stock_movements` and the quantity of `products` (its cached sum) belong to this package
(app.db.ownership): the sale takes stock and records its movements in its own round trips
by composing these. Text only.
"""

from app.db.sql import Cte

TAKE = Cte(
    "taken",
    """
UPDATE products p
SET quantity = p.quantity - t.quantity, updated_at = now()
FROM stock_take t
WHERE p.shop_id = :shop_id AND p.id = t.id
  AND (:allow_negative::boolean OR p.quantity - t.quantity >= 0)
RETURNING p.id, p.quantity
""",
)
"""Take `stock_take(id, quantity)` out of stock (rows the composer has locked in id order),
refusing to go below zero unless `:allow_negative`; returns each product taken and its new
quantity (a product missing from the result was short)."""

RECORD_MOVEMENTS = Cte(
    "movements",
    """
INSERT INTO stock_movements (
    shop_id, product_id, quantity, reason, sale_id, balance_after, cost_after, movement_date
)
SELECT :shop_id, m.product_id, m.change, m.reason, m.sale_id, m.balance_after, m.cost_after,
       m.movement_date
FROM stock_moved m
""",
)
"""Record the ledger rows of changes already applied: reads `stock_moved(product_id, change,
reason, sale_id, balance_after, cost_after, movement_date)`: the product's unit cost after
the change and the business date (the bill's date) of the movement."""
