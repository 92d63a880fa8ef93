"""The owner's daily summary message (issue 17 item 7): placeholder.

Revision ID: 0022_daily_summary
Revises: 0021_day_book
Create Date: 2026-12-04
"""

from collections.abc import Sequence

revision: str = "0022_daily_summary"
down_revision: str | None = "0021_day_book"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
