"""GST: the shop's tax profile, product tax fields, and tax per head on every bill and line.

Shops gain their GST scheme (`unregistered` by default, so every existing shop keeps working
as before), GSTIN, state, legal name, address, an invoice-number prefix and whether bills are
rounded to the rupee. Products gain an HSN code, GST and cess rates, and whether their price
includes tax. Sales, sale lines, returns (credit notes), return lines, purchases and purchase
lines gain the taxable value and the tax per head (CGST, SGST, IGST, cess), the rates and
HSN code of each line, and the document fields (type, buyer, place of supply, round-off,
credit-note number, vendor GSTIN, reverse charge).

Existing rows carry no tax: their taxable value is their amount (backfilled), every head 0.
The backfill changes no figure the `daily_sales` triggers sum, so it runs with the tables'
triggers off: an older migration applies today's trigger text (app.db.sources), which may
name columns a later migration adds.

Revision ID: 0015_gst
Revises: 0014_sql_sources
Create Date: 2026-12-04 01:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_gst"
down_revision: str | None = "0014_sql_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table -> the column its taxable value starts from (untaxed: the whole amount).
_TAXED = {
    "sales": "total_amount",
    "sale_lines": "line_total",
    "sale_returns": "amount",
    "sale_return_lines": "amount",
    "purchases": "total_amount",
    "purchase_lines": "line_total",
}
_HEADS = ("taxable_value", "cgst", "sgst", "igst", "cess")
_RATED_LINES = ("sale_lines", "purchase_lines")


def _money(name: str) -> sa.Column[sa.Numeric]:
    return sa.Column(name, sa.Numeric(14, 2), server_default="0", nullable=False)


def upgrade() -> None:
    op.add_column(
        "shops",
        sa.Column("gst_scheme", sa.String(16), server_default="unregistered", nullable=False),
    )
    op.add_column("shops", sa.Column("gstin", sa.String(15)))
    op.add_column("shops", sa.Column("state_code", sa.String(2)))
    op.add_column("shops", sa.Column("legal_name", sa.String(200)))
    op.add_column("shops", sa.Column("address", sa.String(500)))
    op.add_column(
        "shops", sa.Column("invoice_prefix", sa.String(16), server_default="", nullable=False)
    )
    op.add_column(
        "shops",
        sa.Column("round_to_rupee", sa.Boolean, server_default=sa.false(), nullable=False),
    )
    op.create_check_constraint(
        "ck_shops_gst_scheme", "shops", "gst_scheme IN ('unregistered', 'regular', 'composition')"
    )
    op.create_check_constraint(
        "ck_shops_registered_has_gstin",
        "shops",
        "gst_scheme = 'unregistered' OR (gstin IS NOT NULL AND state_code IS NOT NULL)",
    )

    op.add_column("products", sa.Column("hsn_code", sa.String(8)))
    op.add_column(
        "products", sa.Column("gst_rate", sa.Numeric(5, 2), server_default="0", nullable=False)
    )
    op.add_column(
        "products", sa.Column("cess_rate", sa.Numeric(6, 2), server_default="0", nullable=False)
    )
    op.add_column(
        "products",
        sa.Column("price_includes_tax", sa.Boolean, server_default=sa.true(), nullable=False),
    )
    op.create_check_constraint("ck_products_hsn_code", "products", "hsn_code ~ '^[0-9]{4,8}$'")
    op.create_check_constraint(
        "ck_products_gst_rate", "products", "gst_rate >= 0 AND gst_rate <= 100"
    )
    op.create_check_constraint(
        "ck_products_cess_rate", "products", "cess_rate >= 0 AND cess_rate <= 400"
    )

    for table, amount in _TAXED.items():
        for head in _HEADS:
            op.add_column(table, _money(head))
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        op.execute(f"UPDATE {table} SET taxable_value = {amount}")  # noqa: S608 - constants
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    for table in _RATED_LINES:
        op.add_column(table, sa.Column("hsn_code", sa.String(8)))
        op.add_column(
            table, sa.Column("gst_rate", sa.Numeric(5, 2), server_default="0", nullable=False)
        )
        op.add_column(
            table, sa.Column("cess_rate", sa.Numeric(6, 2), server_default="0", nullable=False)
        )

    op.add_column(
        "sales", sa.Column("document_type", sa.String(16), server_default="bill", nullable=False)
    )
    op.add_column(
        "sales", sa.Column("round_off", sa.Numeric(4, 2), server_default="0", nullable=False)
    )
    op.add_column("sales", sa.Column("buyer_gstin", sa.String(15)))
    op.add_column("sales", sa.Column("buyer_name", sa.String(200)))
    op.add_column("sales", sa.Column("buyer_address", sa.String(500)))
    op.add_column("sales", sa.Column("place_of_supply", sa.String(2)))
    op.create_check_constraint(
        "ck_sales_document_type",
        "sales",
        "document_type IN ('bill', 'tax_invoice', 'bill_of_supply')",
    )
    op.create_check_constraint("ck_sales_round_off", "sales", "round_off BETWEEN -0.50 AND 0.50")

    op.add_column("sale_returns", sa.Column("credit_note_no", sa.String(16)))
    op.create_unique_constraint(
        "uq_sale_returns_shop_id_credit_note_no", "sale_returns", ["shop_id", "credit_note_no"]
    )

    op.add_column("purchases", sa.Column("vendor_gstin", sa.String(15)))
    op.add_column(
        "purchases",
        sa.Column("reverse_charge", sa.Boolean, server_default=sa.false(), nullable=False),
    )
    op.add_column("purchases", sa.Column("invoice_no", sa.String(16)))


def downgrade() -> None:
    op.drop_column("purchases", "invoice_no")
    op.drop_column("purchases", "reverse_charge")
    op.drop_column("purchases", "vendor_gstin")
    op.drop_constraint("uq_sale_returns_shop_id_credit_note_no", "sale_returns", type_="unique")
    op.drop_column("sale_returns", "credit_note_no")
    op.drop_constraint("ck_sales_round_off", "sales", type_="check")
    op.drop_constraint("ck_sales_document_type", "sales", type_="check")
    for column in (
        "place_of_supply",
        "buyer_address",
        "buyer_name",
        "buyer_gstin",
        "round_off",
        "document_type",
    ):
        op.drop_column("sales", column)
    for table in _RATED_LINES:
        for column in ("cess_rate", "gst_rate", "hsn_code"):
            op.drop_column(table, column)
    for table in _TAXED:
        for head in reversed(_HEADS):
            op.drop_column(table, head)
    for name in ("ck_products_cess_rate", "ck_products_gst_rate", "ck_products_hsn_code"):
        op.drop_constraint(name, "products", type_="check")
    for column in ("price_includes_tax", "cess_rate", "gst_rate", "hsn_code"):
        op.drop_column("products", column)
    op.drop_constraint("ck_shops_registered_has_gstin", "shops", type_="check")
    op.drop_constraint("ck_shops_gst_scheme", "shops", type_="check")
    for column in (
        "round_to_rupee",
        "invoice_prefix",
        "address",
        "legal_name",
        "state_code",
        "gstin",
        "gst_scheme",
    ):
        op.drop_column("shops", column)
