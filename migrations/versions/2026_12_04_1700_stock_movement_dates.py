"""Stock movements carry their business date (issue 17 item 3): placeholder, filled in by the stock summary work.

Revision ID: 0020_stock_movement_dates
Revises: 0019_expenses
Create Date: 2026-12-04
"""

from collections.abc import Sequence

revision: str = "0020_stock_movement_dates"
down_revision: str | None = "0019_expenses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
