"""Payment modes everywhere money moves, and cash counts for the day book (issue 17 item 2).

- `bank` joins the bill modes: `ck_sales_payment_mode` and `ck_purchases_payment_mode` become
  cash, upi, card, bank, credit. The new set holds the old one, so the new CHECKs are added
  NOT VALID and then validated (a scan that lets bills go on being written meanwhile).
- `sale_returns.refund_mode`: how a return's refund was handed back (cash, upi, card, bank);
  NOT NULL with the default `cash`, which is also what every existing return gets (PostgreSQL
  stores a constant default without rewriting the table).
- `udhaar_payments.payment_mode` becomes NOT NULL: the rows written before a mode was asked
  for are backfilled `cash` (the day book counted them as cash anyway), and a CHECK keeps it
  to the udhaar modes (the money modes plus the legacy `cheque` and `other`).
- `cash_counts`: the cash the owner counted at a day's close, a ledger (the app role may read
  and insert it only).
- Indexes for the day book's reads, none of them written by a new sale: the day's voids by
  `voided_at` (partial: only void bills are in them), returns by `return_date`, udhaar
  payments by `paid_on`.

The modes are spelt out here, not imported: a migration is history and must not change when
`app.core.payment_modes` does.

Revision ID: 0021_day_book
Revises: 0020_stock_movement_dates
Create Date: 2026-12-04 17:10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.tenancy import grant_to_app, isolate

revision: str = "0021_day_book"
down_revision: str | None = "0020_stock_movement_dates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_BILL_MODES = ("cash", "upi", "card", "credit")
_BILL_MODES = ("cash", "upi", "card", "bank", "credit")
_MONEY_MODES = ("cash", "upi", "card", "bank")
_UDHAAR_MODES = ("cash", "upi", "card", "bank", "cheque", "other")


def _in(column: str, modes: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{mode}'" for mode in modes) + ")"


def _replace_check(table: str, name: str, condition: str) -> None:
    op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition}) NOT VALID")
    op.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")


def upgrade() -> None:
    for table in ("sales", "purchases"):
        _replace_check(table, f"ck_{table}_payment_mode", _in("payment_mode", _BILL_MODES))

    op.add_column(
        "sale_returns",
        sa.Column("refund_mode", sa.String(10), server_default="cash", nullable=False),
    )
    _replace_check("sale_returns", "ck_sale_returns_refund_mode", _in("refund_mode", _MONEY_MODES))

    op.execute("UPDATE udhaar_payments SET payment_mode = 'cash' WHERE payment_mode IS NULL")
    op.alter_column("udhaar_payments", "payment_mode", existing_type=sa.String(10), nullable=False)
    _replace_check(
        "udhaar_payments", "ck_udhaar_payments_payment_mode", _in("payment_mode", _UDHAAR_MODES)
    )

    op.create_table(
        "cash_counts",
        sa.Column("count_date", sa.Date(), nullable=False),
        sa.Column("counted", sa.Numeric(14, 2), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_cash_counts_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_cash_counts")),
        sa.CheckConstraint("counted >= 0", name=op.f("ck_cash_counts_counted_not_negative")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_cash_counts_shop_id_count_date", "cash_counts", ["shop_id", "count_date", "id"]
    )
    for statement in isolate("cash_counts"):
        op.execute(statement)
    op.execute(grant_to_app("cash_counts", "SELECT, INSERT"))

    for table in ("sales", "purchases"):
        op.create_index(
            f"ix_{table}_shop_id_voided_at",
            table,
            ["shop_id", "voided_at"],
            postgresql_where=sa.text("voided_at IS NOT NULL"),
        )
    op.create_index(
        "ix_sale_returns_shop_id_return_date", "sale_returns", ["shop_id", "return_date"]
    )
    op.create_index("ix_udhaar_payments_shop_id_paid_on", "udhaar_payments", ["shop_id", "paid_on"])


def downgrade() -> None:
    """Back to the old modes: `bank` bills and refund modes cannot be kept, so bank bills
    become `card` (the nearest old non-cash mode) before the old CHECKs return."""
    op.drop_index("ix_udhaar_payments_shop_id_paid_on", table_name="udhaar_payments")
    op.drop_index("ix_sale_returns_shop_id_return_date", table_name="sale_returns")
    for table in ("sales", "purchases"):
        op.drop_index(f"ix_{table}_shop_id_voided_at", table_name=table)
    op.drop_table("cash_counts")
    op.execute(
        "ALTER TABLE udhaar_payments DROP CONSTRAINT IF EXISTS ck_udhaar_payments_payment_mode"
    )
    op.alter_column("udhaar_payments", "payment_mode", existing_type=sa.String(10), nullable=True)
    op.drop_column("sale_returns", "refund_mode")
    op.execute("UPDATE sales SET payment_mode = 'card' WHERE payment_mode = 'bank'")
    op.execute("UPDATE purchases SET payment_mode = 'card' WHERE payment_mode = 'bank'")
    for table in ("sales", "purchases"):
        _replace_check(table, f"ck_{table}_payment_mode", _in("payment_mode", _OLD_BILL_MODES))
