"""Payment modes everywhere and cash counts for the day book (issue 17 item 2): placeholder.

Revision ID: 0021_day_book
Revises: 0020_stock_movement_dates
Create Date: 2026-12-04
"""

from collections.abc import Sequence

revision: str = "0021_day_book"
down_revision: str | None = "0020_stock_movement_dates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
