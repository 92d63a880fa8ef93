"""Per-line discounts on sale, purchase and draft lines; the discount given per day.

Sale and purchase lines (and purchase draft lines) gain `discount`: money off the whole line,
so `line_total = quantity x rate - discount` (issue 13). A sale also stores its lines' sum
as `discount_total`, which lets the `daily_sales` triggers add up the discount given per
day from the bills alone, as they add up totals and costs. The `daily_sales` trigger
functions are re-applied from their source, `app/reports/sql/daily_sales.sql`, which adds
one more sum, `discount`; returns leave it unchanged (a return is valued at the net rate: its
discount stays given). Downgrading restores migration 0007's functions.

Existing rows have no discount, so every new column starts at 0 and no backfill is needed.

Revision ID: 0013_line_discounts
Revises: 0012_idempotency_user
Create Date: 2026-12-03 23:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

from app.db.sources import apply_sql_source

revision: str = "0013_line_discounts"
down_revision: str | None = "0012_idempotency_user"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LINES = ("sale_lines", "purchase_lines", "purchase_draft_lines")


def _money_column(table: str, name: str) -> None:
    op.add_column(
        table,
        sa.Column(name, sa.Numeric(precision=14, scale=2), server_default="0", nullable=False),
    )
    op.create_check_constraint(op.f(f"ck_{table}_{name}_not_negative"), table, f"{name} >= 0")


def upgrade() -> None:
    for table in _LINES:
        _money_column(table, "discount")
    _money_column("sales", "discount_total")
    op.add_column(
        "daily_sales",
        sa.Column(
            "discount", sa.Numeric(precision=14, scale=2), server_default="0", nullable=False
        ),
    )
    apply_sql_source(
        "app/reports/sql/daily_sales.sql",
        "a6ff615e8e060789b340b5447c7227689fa75f2ec776498058773c541a171e8b",
    )


def _daily_sales_migration() -> ModuleType:
    """Migration 0007, whose trigger functions (without `discount`) a downgrade restores."""
    path = Path(__file__).with_name("2026_11_25_1900_daily_sales.py")
    spec = importlib.util.spec_from_file_location("daily_sales_0007", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    previous = _daily_sales_migration()
    for trigger in previous._TRIGGERS:
        op.execute(
            trigger.create_function().replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
        )
    op.execute(
        previous._function(previous._REBUILD, previous._REBUILD_BODY).replace(
            "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
        )
    )
    op.drop_column("daily_sales", "discount")
    op.drop_constraint(op.f("ck_sales_discount_total_not_negative"), "sales", type_="check")
    op.drop_column("sales", "discount_total")
    for table in _LINES:
        op.drop_constraint(op.f(f"ck_{table}_discount_not_negative"), table, type_="check")
        op.drop_column(table, "discount")
