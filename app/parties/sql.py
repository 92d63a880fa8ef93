"""Party writes as CTE fragments (named parameters) for other statements to compose.

`customers` and `vendors` belong to this package (app.db.ownership): the sale upserts its
customer in its first round trip by composing `UPSERT_CUSTOMER`; the outbox marks a party
that replied STOP with `OPT_OUT_*`. Text only.
"""

from sqlalchemy import text

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

OPT_OUT_CUSTOMER = text(
    "UPDATE customers SET opted_out = true WHERE shop_id = :shop_id AND id = :party_id"
)
OPT_OUT_VENDOR = text(
    "UPDATE vendors SET opted_out = true WHERE shop_id = :shop_id AND id = :party_id"
)
"""A party that replied STOP gets no more messages (`:shop_id`, `:party_id`)."""
