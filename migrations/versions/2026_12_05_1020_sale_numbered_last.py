"""A new sale numbers its bill last: its lines, stock movements and udhaar refer to it through
foreign keys it may defer, and it draws its id ahead (issue 20).

The sale's function (app/sales/sql/sales_record.sql) writes the rows that refer to the sale
first, then takes the shop's bill counter and inserts the sale with its number, so the
counter's row lock is held for the last few statements and the commit only, and the sale is
written once (it was inserted unnumbered and updated with its number, a non-HOT update that
also ran the daily-summary trigger again). For that the three foreign keys to `sales` become
DEFERRABLE INITIALLY IMMEDIATE: checked at once everywhere, except in a transaction that
defers them, which only the sale's function does; and the app role may draw the sale's id
from its sequence.

Revision ID: 0028_sale_numbered_last
Revises: 0027_data_jobs
Create Date: 2026-12-05 10:20
"""

from collections.abc import Sequence

from alembic import op

from app.db.session import APP_ROLE

revision: str = "0028_sale_numbered_last"
down_revision: str | None = "0027_data_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERENCES = {
    "sale_lines": "fk_sale_lines_shop_id_sale_id_sales",
    "stock_movements": "fk_stock_movements_shop_id_sale_id_sales",
    "udhaar_entries": "fk_udhaar_entries_shop_id_sale_id_sales",
}


def upgrade() -> None:
    for table, constraint in _REFERENCES.items():
        op.execute(
            f"ALTER TABLE {table} ALTER CONSTRAINT {constraint} DEFERRABLE INITIALLY IMMEDIATE"
        )
    op.execute(f"GRANT USAGE ON SEQUENCE sales_id_seq TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"REVOKE USAGE ON SEQUENCE sales_id_seq FROM {APP_ROLE}")
    for table, constraint in _REFERENCES.items():
        op.execute(f"ALTER TABLE {table} ALTER CONSTRAINT {constraint} NOT DEFERRABLE")
