"""Idempotency keys scoped to the user who sent them; registration keys before any shop.

A key is now unique per `(shop_id, user_id, key)`: a staff login that sends the owner's key
(and body) is a fresh request, never the owner's stored reply (issue 12 item 6). Keys sent
before a shop exists (`POST /api/auth/register`) live in shop 0, user 0, so `shop_id` loses
its foreign key to `shops` (the table is a reply cache; it is purged after a day).

Existing keys are kept as user 0's: no caller matches them again, so a retry that straddles
the upgrade is treated as a new request, and the purge removes them within a day.

Revision ID: 0012_idempotency_user
Revises: 0011_audit_log
Create Date: 2026-12-03 22:20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_idempotency_user"
down_revision: str | None = "0011_audit_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "idempotency_keys",
        sa.Column("user_id", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.alter_column("idempotency_keys", "user_id", server_default=None)
    op.drop_constraint("uq_idempotency_keys_shop_id_key", "idempotency_keys", type_="unique")
    op.create_unique_constraint(
        "uq_idempotency_keys_shop_id_user_id_key",
        "idempotency_keys",
        ["shop_id", "user_id", "key"],
    )
    op.drop_constraint("fk_idempotency_keys_shop_id_shops", "idempotency_keys", type_="foreignkey")


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_keys")  # per-user keys cannot fold back into per-shop
    op.create_foreign_key(
        "fk_idempotency_keys_shop_id_shops",
        "idempotency_keys",
        "shops",
        ["shop_id"],
        ["id"],
        ondelete="RESTRICT",
    )
    op.drop_constraint(
        "uq_idempotency_keys_shop_id_user_id_key", "idempotency_keys", type_="unique"
    )
    op.create_unique_constraint(
        "uq_idempotency_keys_shop_id_key", "idempotency_keys", ["shop_id", "key"]
    )
    op.drop_column("idempotency_keys", "user_id")
