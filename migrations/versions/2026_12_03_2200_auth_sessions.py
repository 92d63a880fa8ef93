"""Login sessions, refresh tokens and user activation (placeholder: filled by the auth work).

Revision ID: 0010_auth_sessions
Revises: 0009_child_shop_fk
Create Date: 2026-12-03 22:00
"""

from collections.abc import Sequence

revision: str = "0010_auth_sessions"
down_revision: str | None = "0009_child_shop_fk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
