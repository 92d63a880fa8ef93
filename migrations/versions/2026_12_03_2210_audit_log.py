"""The audit log (placeholder: filled by the audit work).

Revision ID: 0011_audit_log
Revises: 0010_auth_sessions
Create Date: 2026-12-03 22:10
"""

from collections.abc import Sequence

revision: str = "0011_audit_log"
down_revision: str | None = "0010_auth_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
