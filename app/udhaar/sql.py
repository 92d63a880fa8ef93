"""Udhaar writes as CTE fragments (named parameters) for other statements to compose.

`udhaar_entries` belongs to this package (app.db.ownership): the sale opens its credit in
the bill's round trip by composing `OPEN_CREDIT`. Text only.
"""

from app.db.sql import Cte

OPEN_CREDIT = Cte(
    "credit",
    """
INSERT INTO udhaar_entries (shop_id, kind, customer_id, sale_id, amount, entry_date, due_date)
SELECT :shop_id, c.kind, c.customer_id, c.sale_id, c.amount, c.entry_date, c.due_date
FROM credit_opened c
""",
)
"""Open the udhaar of `credit_opened(kind, customer_id, sale_id, amount, entry_date,
due_date)` (no row: nothing on credit)."""
