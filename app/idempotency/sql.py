"""Idempotency-key writes as CTE fragments (named parameters) for other statements to compose.

`idempotency_keys` belongs to this package (app.db.ownership): a hot path that claims a key
in its own round trip composes these instead of writing the table itself. Text only.
"""

from app.db.sql import Cte

CLAIM = Cte(
    "claim",
    """
INSERT INTO idempotency_keys (shop_id, user_id, key, fingerprint, expires_at)
SELECT :shop_id, :user_id, :key::text, :fingerprint::text,
       now() + make_interval(secs => :key_ttl_s::int)
WHERE :key::text IS NOT NULL
ON CONFLICT (shop_id, user_id, key) DO NOTHING
RETURNING id
""",
)
"""Claim `:key` for (`:shop_id`, `:user_id`) unless it is held; returns the key's row id.
A NULL key claims nothing."""

STORE_REPLY = Cte(
    "reply",
    """
UPDATE idempotency_keys k
SET status_code = r.status_code, response = r.response
FROM reply_stored r
WHERE k.shop_id = :shop_id AND k.id = r.id
""",
)
"""Store the reply of the request holding a key; reads `reply_stored(id, status_code,
response)`."""

FILL_IN_REPLY = Cte(
    "reply_filled_in",
    """
UPDATE idempotency_keys k
SET response = replace(k.response, f.mark, f.value)
FROM reply_filling f
WHERE k.shop_id = :shop_id AND k.id = f.id
""",
)
"""Replace a mark in a stored reply by a value known only later (a bill number); reads
`reply_filling(id, mark, value)`."""
