"""Rollups of the sales analysis over past periods, fingerprinted by the daily summary.

- `daily_sales.changes bigint`: how many bill and return rows have changed the day's figures
  (every delta row of the summary's triggers counts 1, so it only grows). It replaces
  `daily_sales.quantity`, which 0023 added for the sales analysis by day but which nothing
  reads: the analysis needs the quantity net of returns, which the summary does not keep.
  The sale path's upsert carries one sum either way. Existing rows start at 0: no rollup
  exists yet to compare them with.
- `sales_rollup_periods` and `sales_rollups`: a past day, calendar month or range of days
  of the sales analysis, summed by product, customer, payment mode and day, with the sum of
  `changes` over its days when it was built (app.reports.sales_rollups). Owned by app.reports; the
  app role reads and writes them, confined to its shop by row-level security.

The trigger functions are re-applied from their source, `app/reports/sql/daily_sales.sql`.
Downgrading restores `quantity` (backfilled from the bills, as 0023 did) and the functions
as 0023 applied them: today's source with `changes` turned back into `quantity`.

Revision ID: 0025_sales_rollups
Revises: 0024_purchase_lines_product
Create Date: 2026-12-04 20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.sources import apply_sql_source, statements
from app.db.tenancy import grant_to_app, isolate

revision: str = "0025_sales_rollups"
down_revision: str | None = "0024_purchase_lines_product"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCE = "app/reports/sql/daily_sales.sql"
_GRAINS = "grain IN ('day', 'month', 'range')"
_DIMENSIONS = "dimension IN ('product', 'customer', 'payment_mode', 'day')"


def _tenant_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
    ]


def upgrade() -> None:
    op.execute("ALTER TABLE daily_sales ADD COLUMN changes BIGINT DEFAULT 0 NOT NULL")
    apply_sql_source(
        "app/reports/sql/daily_sales.sql",
        "e428cba9cf8d129f2edd33287b031665f13363fa498da40746088e38a973d80d",
    )
    op.execute("ALTER TABLE daily_sales DROP COLUMN quantity")

    op.create_table(
        "sales_rollup_periods",
        sa.Column("grain", sa.String(5), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.Column(
            "built_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        *_tenant_columns(),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_sales_rollup_periods_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sales_rollup_periods")),
        sa.UniqueConstraint(
            "shop_id",
            "period_start",
            "period_end",
            name=op.f("uq_sales_rollup_periods_shop_id_period_start_period_end"),
        ),
        sa.CheckConstraint(_GRAINS, name=op.f("ck_sales_rollup_periods_grain")),
        info={"tenant": True},
    )
    op.create_table(
        "sales_rollups",
        sa.Column("grain", sa.String(5), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(12), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(14, 3), nullable=False),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
        sa.Column("profit", sa.Numeric(14, 2), nullable=False),
        sa.Column("bills", sa.Integer(), nullable=False),
        *_tenant_columns(),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_sales_rollups_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sales_rollups")),
        sa.CheckConstraint(_DIMENSIONS, name=op.f("ck_sales_rollups_dimension")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_sales_rollups_shop_id_period",
        "sales_rollups",
        ["shop_id", "period_start", "period_end", "dimension"],
    )
    for table in ("sales_rollup_periods", "sales_rollups"):
        for statement in isolate(table):
            op.execute(statement)
        op.execute(grant_to_app(table))


_CASH = "CASE WHEN {t}payment_mode IN ('cash', 'credit') THEN {t}amount_paid ELSE 0 END"
_BACK_TO_QUANTITY = (
    ("cash_paid, changes)", "cash_paid, quantity)"),
    ("sum(cash_paid), sum(changes)", "sum(cash_paid), sum(quantity)"),
    ("OR sum(changes) <> 0", "OR sum(quantity) <> 0"),
    ("changes = d.changes + EXCLUDED.changes", "quantity = d.quantity + EXCLUDED.quantity"),
    ("amount_paid, payment_mode FROM", "amount_paid, payment_mode, total_quantity FROM"),
    ("    DELETE FROM sales_rollups; DELETE FROM sales_rollup_periods;\n", ""),
    (
        "-" + _CASH.format(t="s.") + " AS cash_paid, 1 AS changes",
        "-" + _CASH.format(t="s.") + " AS cash_paid, -s.total_quantity AS quantity",
    ),
    (
        _CASH.format(t="s.") + " AS cash_paid, 1 AS changes",
        _CASH.format(t="s.") + " AS cash_paid, s.total_quantity AS quantity",
    ),
    (
        _CASH.format(t="") + " AS cash_paid, 1 AS changes",
        _CASH.format(t="") + " AS cash_paid, total_quantity AS quantity",
    ),
    ("0 AS cash_paid, 1 AS changes", "0 AS cash_paid, 0 AS quantity"),
    ("\n       1 AS changes\n", "\n       0 AS quantity\n"),
    ("END), count(*)\nFROM sales AS s", "END), sum(s.total_quantity)\nFROM sales AS s"),
)
"""Today's source back to the text 0023 applied (its deltas carried the bills' quantity)."""


def _as_in_0023(statement: str) -> str:
    for new, old in _BACK_TO_QUANTITY:
        statement = statement.replace(new, old)
    return statement


def downgrade() -> None:
    op.drop_table("sales_rollups")
    op.drop_table("sales_rollup_periods")
    op.execute("ALTER TABLE daily_sales ADD COLUMN quantity NUMERIC(14, 3) DEFAULT 0 NOT NULL")
    bind = op.get_bind()
    for statement in statements(_SOURCE):
        bind.exec_driver_sql(_as_in_0023(statement))
    op.execute(
        """
        UPDATE daily_sales AS d SET quantity = t.quantity
        FROM (
            SELECT shop_id, sale_date AS day, sum(total_quantity) AS quantity
            FROM sales WHERE status <> 'void' GROUP BY shop_id, sale_date
        ) AS t
        WHERE d.shop_id = t.shop_id AND d.day = t.day
          AND d.slot = (
              SELECT min(x.slot) FROM daily_sales AS x
              WHERE x.shop_id = d.shop_id AND x.day = d.day
          )
        """
    )
    op.execute("ALTER TABLE daily_sales DROP COLUMN changes")
