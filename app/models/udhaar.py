"""Udhaar (credit) both ways: an entry per credit bill or opening balance, settled by rows.

The balance of an entry is its amount minus the sum of its settlement rows (payments, and the
reversals that voids and returns write); nothing is overwritten. A payment is one row in
`udhaar_payments` (what the party handed over, once) and one settlement row per entry it
was allocated to, so a statement shows a receipt of 700 once even when it cleared two bills.
"""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKeyConstraint, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.payment_modes import UDHAAR_PAYMENT_MODES, check_in
from app.models.base import SALE_REFERENCE, CreatedAt, MoneyColumn, TenantChildModel, TenantModel

UDHAAR_KINDS = ("sale", "purchase")
SETTLEMENT_KINDS = ("payment", "void", "return")


class UdhaarEntry(TenantModel):
    __tablename__ = "udhaar_entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "customer_id"], ["customers.shop_id", "customers.id"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["shop_id", "vendor_id"], ["vendors.shop_id", "vendors.id"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["shop_id", "sale_id"],
            ["sales.shop_id", "sales.id"],
            ondelete="RESTRICT",
            **SALE_REFERENCE,
        ),
        ForeignKeyConstraint(
            ["shop_id", "purchase_id"], ["purchases.shop_id", "purchases.id"], ondelete="RESTRICT"
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"kind IN {UDHAAR_KINDS!r}", name="kind"),
        CheckConstraint(
            "(kind = 'sale' AND customer_id IS NOT NULL AND vendor_id IS NULL"
            " AND purchase_id IS NULL) OR (kind = 'purchase' AND vendor_id IS NOT NULL"
            " AND customer_id IS NULL AND sale_id IS NULL)",
            name="party_matches_kind",
        ),
        CheckConstraint("status IN ('open', 'settled')", name="status"),
        Index("ix_udhaar_entries_shop_id_kind_status_due", "shop_id", "kind", "status", "due_date"),
        # An entry is a sale's (customer, sale) or a purchase's (vendor, purchase): each
        # index holds only the rows that have its value.
        Index(
            "ix_udhaar_entries_shop_id_sale_id",
            "shop_id",
            "sale_id",
            postgresql_where=text("sale_id IS NOT NULL"),
        ),
        Index(
            "ix_udhaar_entries_shop_id_customer_id",
            "shop_id",
            "customer_id",
            postgresql_where=text("customer_id IS NOT NULL"),
        ),
        Index(
            "ix_udhaar_entries_shop_id_vendor_id",
            "shop_id",
            "vendor_id",
            postgresql_where=text("vendor_id IS NOT NULL"),
        ),
        Index(
            "ix_udhaar_entries_shop_id_purchase_id",
            "shop_id",
            "purchase_id",
            postgresql_where=text("purchase_id IS NOT NULL"),
        ),
    )

    kind: Mapped[str] = mapped_column(String(10))
    customer_id: Mapped[int | None]
    vendor_id: Mapped[int | None]
    sale_id: Mapped[int | None]
    purchase_id: Mapped[int | None]
    amount: Mapped[MoneyColumn]
    entry_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), server_default="open")
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]


class UdhaarPayment(TenantModel):
    """Money a customer paid the shop (kind `sale`) or the shop paid a vendor (`purchase`)."""

    __tablename__ = "udhaar_payments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "customer_id"], ["customers.shop_id", "customers.id"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["shop_id", "vendor_id"], ["vendors.shop_id", "vendors.id"], ondelete="RESTRICT"
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"kind IN {UDHAAR_KINDS!r}", name="kind"),
        CheckConstraint(
            "(kind = 'sale' AND customer_id IS NOT NULL AND vendor_id IS NULL)"
            " OR (kind = 'purchase' AND vendor_id IS NOT NULL AND customer_id IS NULL)",
            name="party_matches_kind",
        ),
        CheckConstraint(check_in("payment_mode", UDHAAR_PAYMENT_MODES), name="payment_mode"),
        Index("ix_udhaar_payments_shop_id_customer_id", "shop_id", "customer_id"),
        Index("ix_udhaar_payments_shop_id_vendor_id", "shop_id", "vendor_id"),
        Index("ix_udhaar_payments_shop_id_paid_on", "shop_id", "paid_on"),
    )

    kind: Mapped[str] = mapped_column(String(10))
    customer_id: Mapped[int | None]
    vendor_id: Mapped[int | None]
    amount: Mapped[MoneyColumn]
    # NOT NULL since 0021_day_book (older rows without a mode were cash).
    payment_mode: Mapped[str] = mapped_column(String(10))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]


class UdhaarSettlement(TenantChildModel):
    """A payment against an entry, or the reversal written by a void or a return."""

    __tablename__ = "udhaar_settlements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "entry_id"],
            ["udhaar_entries.shop_id", "udhaar_entries.id"],
            ondelete="RESTRICT",
        ),
        ForeignKeyConstraint(
            ["shop_id", "payment_id"],
            ["udhaar_payments.shop_id", "udhaar_payments.id"],
            ondelete="RESTRICT",
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"kind IN {SETTLEMENT_KINDS!r}", name="kind"),
        CheckConstraint("(kind = 'payment') = (payment_id IS NOT NULL)", name="payment_link"),
        Index("ix_udhaar_settlements_shop_id_entry_id", "shop_id", "entry_id"),
        Index("ix_udhaar_settlements_shop_id_payment_id", "shop_id", "payment_id"),
    )

    entry_id: Mapped[int]
    payment_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[MoneyColumn]
    payment_mode: Mapped[str | None] = mapped_column(String(10))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]
