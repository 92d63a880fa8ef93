"""Login sessions, refresh tokens, user activation, and atomic login/registration counters.

- `users.active`: a deactivated user's requests are refused from the next one on.
- `auth_sessions`: one per login and device; `refresh_tokens`: the hashed, single-use refresh
  tokens of a session (its "family").
- `auth_session_check(session, user, shop, role)`: raises SQLSTATE `DK401` unless the session
  is live, its user active and still holding the role the token names. Selected together with
  the shop switch (no round trip of its own); SECURITY DEFINER, because the request has already
  switched to the app role, which cannot read sessions.
- `auth_counters` replaces `login_failures` (one row per failure, counted after the fact, so
  concurrent attempts all passed the check): a fixed-window counter per key, incremented and
  read in one upsert.

Revision ID: 0010_auth_sessions
Revises: 0009_child_shop_fk
Create Date: 2026-12-03 22:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.sources import apply_sql_source

revision: str = "0010_auth_sessions"
down_revision: str | None = "0009_child_shop_fk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW = sa.text("now()")


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("active", sa.Boolean, server_default=sa.true(), nullable=False)
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False)),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("shop_id", sa.BigInteger, nullable=False),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_auth_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_auth_sessions_user_id_users", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_auth_sessions_shop_id_shops", ondelete="RESTRICT"
        ),
    )
    op.create_index("ix_auth_sessions_user_id_device", "auth_sessions", ["user_id", "device"])
    op.create_index("ix_auth_sessions_shop_id", "auth_sessions", ["shop_id"])
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False)),
        sa.Column("session_id", sa.BigInteger, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_tokens"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["auth_sessions.id"],
            name="fk_refresh_tokens_session_id_auth_sessions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token_hash", name="uq_refresh_tokens_token_hash"),
    )
    op.create_index("ix_refresh_tokens_session_id", "refresh_tokens", ["session_id"])
    op.create_table(
        "auth_counters",
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.Column("window_ends", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_auth_counters"),
    )
    op.create_index("ix_auth_counters_window_ends", "auth_counters", ["window_ends"])
    op.drop_table("login_failures")
    apply_sql_source(
        "app/auth/sql/auth_session_check.sql",
        "0bd57e2571365d5439650e867dc30106c111b71a7cbbd090ec38cdc430474056",
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION auth_session_check(bigint, bigint, bigint, text)")
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False)),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "failed_at"])
    op.drop_table("auth_counters")
    op.drop_table("refresh_tokens")
    op.drop_table("auth_sessions")
    op.drop_column("users", "active")
