"""The audit log: who changed what, when, before and after (issue 12 item 10).

Revision ID: 0011_audit_log
Revises: 0010_auth_sessions
Create Date: 2026-12-03 22:10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.tenancy import grant_to_app, isolate

revision: str = "0011_audit_log"
down_revision: str | None = "0010_auth_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=True),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_audit_log_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_audit_log")),
        info={"tenant": True},
    )
    op.create_index("ix_audit_log_shop_id_at", "audit_log", ["shop_id", "at"], unique=False)
    for statement in isolate("audit_log"):
        op.execute(statement)
    # An audit row is only ever added: the app role may not rewrite history.
    op.execute(grant_to_app("audit_log", "SELECT, INSERT"))


def downgrade() -> None:
    op.drop_index("ix_audit_log_shop_id_at", table_name="audit_log")
    op.drop_table("audit_log")
