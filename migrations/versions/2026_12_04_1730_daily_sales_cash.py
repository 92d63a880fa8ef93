"""The day's cash and quantity in the daily sales summary, so the day book's opening cash and
the sales analysis by day read a row per day instead of every bill.

`daily_sales` gains `cash_paid` (what the day's live bills took in cash at the counter: a
`cash` bill's `amount_paid`, and the part of a `credit` bill paid then, the day book's rule)
and `quantity` (their `total_quantity`), kept by the same statement triggers as the other
sums: the upsert that already runs for every sale adds two more sums, so the sale path does
no more statements, index entries or triggers than before. The trigger functions are
re-applied from their source, `app/reports/sql/daily_sales.sql`; their update guard now also
watches `amount_paid`, `payment_mode` and `total_quantity`.

Existing rows are backfilled from the bills: each day's figures are put on its lowest slot
row (a day's figures are the sums of its slot rows, and the new columns start at 0 on every
row), as 0016_daily_sales_tax did.

Downgrading puts back the functions without the two columns (the source's text as 0016
applied it is not kept, so the previous functions are re-created here without them) and
then drops the columns.

Revision ID: 0023_daily_sales_cash
Revises: 0022_daily_summary
Create Date: 2026-12-04 17:30
"""

from collections.abc import Sequence

from alembic import op

from app.db.sources import apply_sql_source, statements

revision: str = "0023_daily_sales_cash"
down_revision: str | None = "0022_daily_summary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCE = "app/reports/sql/daily_sales.sql"
_COLUMNS = {"cash_paid": "NUMERIC(14, 2)", "quantity": "NUMERIC(14, 3)"}

_BACKFILL = """
UPDATE daily_sales AS d SET cash_paid = t.cash_paid, quantity = t.quantity
FROM (
    SELECT s.shop_id, s.sale_date AS day,
           sum(CASE WHEN s.payment_mode IN ('cash', 'credit') THEN s.amount_paid ELSE 0 END)
               AS cash_paid,
           sum(s.total_quantity) AS quantity
    FROM sales AS s
    WHERE s.status <> 'void'
    GROUP BY s.shop_id, s.sale_date
) AS t
WHERE d.shop_id = t.shop_id AND d.day = t.day
  AND d.slot = (
      SELECT min(x.slot) FROM daily_sales AS x WHERE x.shop_id = d.shop_id AND x.day = d.day
  )
"""


def upgrade() -> None:
    for column, kind in _COLUMNS.items():
        op.execute(
            f"ALTER TABLE daily_sales ADD COLUMN IF NOT EXISTS {column} {kind} DEFAULT 0 NOT NULL"
        )
    apply_sql_source(
        "app/reports/sql/daily_sales.sql",
        "fcd6d6f2c1bc65d98d2465057d56d5da6fd3c2cfea3d931819052120c96b26fe",
    )
    op.execute("UPDATE daily_sales SET cash_paid = 0, quantity = 0")
    op.execute(_BACKFILL)


def _without_new_columns(statement: str) -> str:
    """A statement of today's source as it was before this revision: the two sums, their
    guard columns and their deltas taken out again (the inverse of this revision's edit)."""
    cash = "CASE WHEN {t}payment_mode IN ('cash', 'credit') THEN {t}amount_paid ELSE 0 END"
    for new, old in (
        (", cash_paid, quantity)", ")"),
        (", sum(cash_paid), sum(quantity)", ""),
        (" OR sum(cash_paid) <> 0 OR sum(quantity) <> 0", ""),
        (
            ", cash_paid = d.cash_paid + EXCLUDED.cash_paid, "
            "quantity = d.quantity + EXCLUDED.quantity",
            "",
        ),
        (",\n       " + cash.format(t="") + " AS cash_paid, total_quantity AS quantity", ""),
        (",\n       " + cash.format(t="s.") + " AS cash_paid, s.total_quantity AS quantity", ""),
        (
            ",\n       -" + cash.format(t="s.") + " AS cash_paid, -s.total_quantity AS quantity",
            "",
        ),
        (", 0 AS cash_paid, 0 AS quantity", ""),
        (", 0 AS cash_paid,\n       0 AS quantity", ""),
        (",\n           amount_paid, payment_mode, total_quantity FROM", " FROM"),
        (
            ",\n       sum(" + cash.format(t="s.") + "), sum(s.total_quantity)",
            "",
        ),
    ):
        statement = statement.replace(new, old)
    return statement


def downgrade() -> None:
    bind = op.get_bind()
    for statement in statements(_SOURCE):
        reverted = _without_new_columns(statement)
        code = "\n".join(line for line in reverted.splitlines() if not line.startswith("--"))
        if "cash_paid" in code or "total_quantity" in code:
            raise RuntimeError("the daily_sales source changed: update this downgrade")
        bind.exec_driver_sql(reverted)
    for column in _COLUMNS:
        op.execute(f"ALTER TABLE daily_sales DROP COLUMN IF EXISTS {column}")
