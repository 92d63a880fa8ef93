"""Idempotency keys scoped to the user (placeholder: filled by the idempotency work).

Revision ID: 0012_idempotency_user
Revises: 0011_audit_log
Create Date: 2026-12-03 22:20
"""

from collections.abc import Sequence

revision: str = "0012_idempotency_user"
down_revision: str | None = "0011_audit_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
