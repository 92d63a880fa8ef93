"""`app_notice(text)`: lets a statement hand a value back through a NOTICE.

The sale's last round trip numbers the bill and commits in one simple-query batch, so the
counter's lock is never held while the API waits (see `app.sales.repository`). A simple
query returns no rows to asyncpg, so the batch hands the bill number back as a NOTICE, which
the driver delivers to a log listener before the batch's reply.

Revision ID: 0008_app_notice
Revises: 0007_daily_sales
Create Date: 2026-11-25 20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_app_notice"
down_revision: str | None = "0007_daily_sales"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION app_notice(message text) RETURNS void
        LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $fn$
        BEGIN
            RAISE NOTICE '%', message;
        END
        $fn$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION app_notice(text)")
