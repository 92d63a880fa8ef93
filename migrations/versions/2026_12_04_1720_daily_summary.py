"""The owner's daily summary message (issue 17 item 7): three shop settings.

`daily_summary` (off by default), `closing_hour` (shop-local hour, 0-23, after which the day's
summary is queued) and `summary_channel` (sms or whatsapp; null follows `message_channel`).
No new table: "once per shop and day" is the outbox's unique (shop_id, dedupe_key) with the
key `daily_summary:<shop-local date>`.

Revision ID: 0022_daily_summary
Revises: 0021_day_book
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_daily_summary"
down_revision: str | None = "0021_day_book"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHOP_CHECKS = {
    "closing_hour": "closing_hour BETWEEN 0 AND 23",
    "summary_channel": "summary_channel IN ('sms', 'whatsapp')",
}


def upgrade() -> None:
    # Constant defaults: PostgreSQL adds these columns without rewriting `shops`.
    op.add_column(
        "shops",
        sa.Column("daily_summary", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "shops", sa.Column("closing_hour", sa.SmallInteger(), server_default="21", nullable=False)
    )
    op.add_column("shops", sa.Column("summary_channel", sa.String(10), nullable=True))
    for name, condition in SHOP_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_shops_{name}"), "shops", condition)


def downgrade() -> None:
    for name in SHOP_CHECKS:
        op.drop_constraint(op.f(f"ck_shops_{name}"), "shops", type_="check")
    op.drop_column("shops", "summary_channel")
    op.drop_column("shops", "closing_hour")
    op.drop_column("shops", "daily_summary")
