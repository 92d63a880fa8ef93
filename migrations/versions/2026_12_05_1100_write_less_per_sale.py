"""Indexes a sale wrote and no query needs (issue 20 item 3).

`benchmarks.run` lists the indexes no query read in a whole bench run, and
`benchmarks.sale_writes` what each sale writes. Of those a sale writes:

- `ix_idempotency_keys_created_at`: one entry per sale; no query filters or sorts on
  `created_at` (the purge of expired keys reads `expires_at`, as housekeeping, a few times an
  hour). Dropped.
- `ix_notifications_provider_id`: one entry per queued message, a NULL until it is sent. The
  provider's status callbacks look a message up by its id (`provider_id = :sid`), which only
  sent messages have: the index now holds those only (`WHERE provider_id IS NOT NULL`), so
  queueing writes no entry into it.
- `udhaar_entries` by vendor and purchase (NULL on every sale's credit) and by customer and
  sale (NULL on every purchase's): each now holds only the rows that have the value. An
  equality on the column (the queries and the foreign keys' checks) implies it is not NULL,
  so each is still used where it was.

Revision ID: 0030_write_less_per_sale
Revises: 0029_sale_functions
Create Date: 2026-12-05 11:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0030_write_less_per_sale"
down_revision: str | None = "0029_sale_functions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTIAL = {
    "ix_notifications_provider_id": ("notifications", ["provider_id"]),
    "ix_udhaar_entries_shop_id_customer_id": ("udhaar_entries", ["shop_id", "customer_id"]),
    "ix_udhaar_entries_shop_id_sale_id": ("udhaar_entries", ["shop_id", "sale_id"]),
    "ix_udhaar_entries_shop_id_vendor_id": ("udhaar_entries", ["shop_id", "vendor_id"]),
    "ix_udhaar_entries_shop_id_purchase_id": ("udhaar_entries", ["shop_id", "purchase_id"]),
}


def upgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    for name, (table, columns) in _PARTIAL.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, postgresql_where=f"{columns[-1]} IS NOT NULL")


def downgrade() -> None:
    for name, (table, columns) in _PARTIAL.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
