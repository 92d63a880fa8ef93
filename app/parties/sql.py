"""Party writes as CTE fragments (named parameters) for other statements to compose.

`customers` and `vendors` belong to this package (app.db.ownership): the sale upserts its
customer in its first round trip by composing `UPSERT_CUSTOMER`. Text only.
"""

from app.db.sql import Cte

UPSERT_CUSTOMER = Cte(
    "customer",
    """
INSERT INTO customers (shop_id, name, phone)
SELECT :shop_id, w.name, w.phone FROM customer_wanted w
ON CONFLICT (shop_id, phone) DO UPDATE
    SET name = CASE WHEN customers.name = '' THEN excluded.name ELSE customers.name END
RETURNING id, name, phone, opted_out
""",
)
"""The customer of `customer_wanted(name, phone)` (at most one row), created or found by
phone; a found customer keeps its name unless it had none."""
