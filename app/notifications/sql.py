"""Outbox writes as CTE fragments (named parameters) for other statements to compose.

`notifications` belongs to this package (app.db.ownership): the sale queues its bill SMS in
the bill's round trip by composing this. Text only.
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
