"""Outbox writes as CTE fragments (named parameters) for other statements to compose.

`notifications` belongs to this package (app.db.ownership): the sale queues its bill SMS in
the bill's round trip, and fills in the bill number in its last one, by composing these.
Text only.
"""

from app.db.sql import Cte

QUEUE = Cte(
    "message",
    """
INSERT INTO notifications (shop_id, customer_id, channel, "to", template, language, body, reference)
SELECT :shop_id, m.customer_id, m.channel, m."to", m.template, m.language, m.body, m.reference
FROM message_queued m
""",
)
"""Queue `message_queued(customer_id, channel, "to", template, language, body, reference)`
in the outbox (no row: no message)."""

FILL_IN = Cte(
    "message_filled_in",
    """
UPDATE notifications n
SET body = replace(n.body, f.mark, f.value)
FROM message_filling f
WHERE n.shop_id = :shop_id AND n.reference = f.reference
""",
)
"""Replace a mark in queued messages' text by a value known only later (a bill number):
reads `message_filling(reference, mark, value)`."""
