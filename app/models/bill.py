"""Sale and purchase bills, their lines, returns, and the per-shop gapless bill counter."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.payment_modes import BILL_MODES, MONEY_MODES, check_in
from app.models.base import (
    SALE_REFERENCE,
    CreatedAt,
    MoneyColumn,
    QuantityColumn,
    TaxHeadsColumns,
    TenantChildModel,
    TenantModel,
)

PAYMENT_MODES = BILL_MODES
BILL_STATUSES = ("completed", "void")
DOCUMENT_TYPES = ("bill", "tax_invoice", "bill_of_supply")
GstinColumn = String(15)
HsnColumn = String(8)
RateColumn = Numeric(5, 2)
CessRateColumn = Numeric(6, 2)


def _fk(columns: list[str], table: str, *, deferrable: bool = False) -> ForeignKeyConstraint:
    """`deferrable`: checked at once unless a transaction defers it (`SET CONSTRAINTS`)."""
    return ForeignKeyConstraint(
        ["shop_id", *columns],
        [f"{table}.shop_id", f"{table}.id"],
        ondelete="RESTRICT",
        **(SALE_REFERENCE if deferrable else {}),
    )


class BillCounter(TenantModel):
    """The last bill number used per shop, kind and financial year (April-March).

    Incremented with an upsert inside the bill's transaction: the row lock makes numbers
    gapless (a rolled-back bill gives its number back) and is held only by that one shop.
    """

    __tablename__ = "bill_counters"
    __table_args__ = (
        UniqueConstraint("shop_id", "kind", "fiscal_year", name="uq_bill_counters_shop_kind_fy"),
    )

    kind: Mapped[str] = mapped_column(String(10))
    fiscal_year: Mapped[str] = mapped_column(String(7))
    last_no: Mapped[int]


class Sale(TaxHeadsColumns, TenantModel):
    __tablename__ = "sales"
    __table_args__ = (
        _fk(["customer_id"], "customers"),
        UniqueConstraint("shop_id", "bill_no", name="uq_sales_shop_id_bill_no"),
        CheckConstraint("total_amount >= 0", name="total_amount_not_negative"),
        CheckConstraint("amount_paid >= 0", name="amount_paid_not_negative"),
        CheckConstraint("discount_total >= 0", name="discount_total_not_negative"),
        CheckConstraint(check_in("payment_mode", PAYMENT_MODES), name="payment_mode"),
        CheckConstraint(f"status IN {BILL_STATUSES!r}", name="status"),
        CheckConstraint(f"document_type IN {DOCUMENT_TYPES!r}", name="document_type"),
        CheckConstraint("round_off BETWEEN -0.50 AND 0.50", name="round_off"),
        Index("ix_sales_shop_id_sale_date", "shop_id", "sale_date"),
        Index("ix_sales_shop_id_customer_id", "shop_id", "customer_id"),
        # The day book finds the day's voids by when they happened; only void bills are in
        # it, so a new sale writes nothing to it.
        Index(
            "ix_sales_shop_id_voided_at",
            "shop_id",
            "voided_at",
            postgresql_where=text("voided_at IS NOT NULL"),
        ),
    )

    # Assigned by the last statement of the bill's transaction, so the per-shop counter's row
    # lock is held as briefly as possible; NULL only inside that transaction.
    bill_no: Mapped[str | None] = mapped_column(String(20))
    customer_id: Mapped[int | None]
    sale_date: Mapped[dt.date] = mapped_column(Date)
    total_amount: Mapped[MoneyColumn]
    total_cost: Mapped[MoneyColumn]
    profit: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    total_quantity: Mapped[QuantityColumn]
    amount_paid: Mapped[MoneyColumn]
    payment_mode: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), server_default="completed")
    void_reason: Mapped[str | None] = mapped_column(String(500))
    voided_at: Mapped[dt.datetime | None]
    created_by: Mapped[int | None]
    created_at: Mapped[CreatedAt]
    # The sum of the lines' discounts: total_amount is already net of it. Kept on the bill
    # so the daily summary's triggers can add it up without reading the lines.
    discount_total: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    # GST (issue 14): what document the bill is, to whom, where supplied, its round-off.
    document_type: Mapped[str] = mapped_column(String(16), server_default="bill")
    round_off: Mapped[Decimal] = mapped_column(Numeric(4, 2), server_default="0")
    buyer_gstin: Mapped[str | None] = mapped_column(GstinColumn)
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    buyer_address: Mapped[str | None] = mapped_column(String(500))
    place_of_supply: Mapped[str | None] = mapped_column(String(2))


class SaleLine(TaxHeadsColumns, TenantChildModel):
    __tablename__ = "sale_lines"
    __table_args__ = (
        _fk(["sale_id"], "sales", deferrable=True),
        _fk(["product_id"], "products"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("rate >= 0", name="rate_not_negative"),
        CheckConstraint("cost_price >= 0", name="cost_price_not_negative"),
        CheckConstraint("discount >= 0", name="discount_not_negative"),
        CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity", name="returned"
        ),
        Index("ix_sale_lines_shop_id_sale_id", "shop_id", "sale_id"),
        Index("ix_sale_lines_shop_id_product_id", "shop_id", "product_id"),
    )

    sale_id: Mapped[int]
    product_id: Mapped[int]
    quantity: Mapped[QuantityColumn]
    rate: Mapped[MoneyColumn]
    cost_price: Mapped[MoneyColumn]
    line_total: Mapped[MoneyColumn]
    """quantity x rate - discount, plus the tax when the price excluded it
    (`app.bills.pricing`)."""
    profit: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    returned_quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), server_default="0")
    discount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    hsn_code: Mapped[str | None] = mapped_column(HsnColumn)
    gst_rate: Mapped[Decimal] = mapped_column(RateColumn, server_default="0")
    cess_rate: Mapped[Decimal] = mapped_column(CessRateColumn, server_default="0")


class SaleReturn(TaxHeadsColumns, TenantChildModel):
    """Goods brought back from a sale: stock goes back in at the cost it left at. The return
    of a tax invoice's goods is a credit note, numbered in its own series; its tax heads
    are the GST reversed."""

    __tablename__ = "sale_returns"
    __table_args__ = (
        _fk(["sale_id"], "sales"),
        UniqueConstraint(
            "shop_id", "credit_note_no", name="uq_sale_returns_shop_id_credit_note_no"
        ),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("refund_amount >= 0", name="refund_not_negative"),
        CheckConstraint(check_in("refund_mode", MONEY_MODES), name="refund_mode"),
        Index("ix_sale_returns_shop_id_sale_id", "shop_id", "sale_id"),
        Index("ix_sale_returns_shop_id_return_date", "shop_id", "return_date"),
    )

    sale_id: Mapped[int]
    return_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[MoneyColumn]
    cost: Mapped[MoneyColumn]
    refund_amount: Mapped[MoneyColumn]
    refund_mode: Mapped[str] = mapped_column(String(10), server_default="cash")
    """How `refund_amount` was handed back (a money mode, `app.core.payment_modes`)."""
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]
    credit_note_no: Mapped[str | None] = mapped_column(String(16))


class SaleReturnLine(TaxHeadsColumns, TenantChildModel):
    __tablename__ = "sale_return_lines"
    __table_args__ = (
        _fk(["return_id"], "sale_returns"),
        _fk(["sale_line_id"], "sale_lines"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_sale_return_lines_shop_id_return_id", "shop_id", "return_id"),
    )

    return_id: Mapped[int]
    sale_line_id: Mapped[int]
    quantity: Mapped[QuantityColumn]
    amount: Mapped[MoneyColumn]
    cost: Mapped[MoneyColumn]


class Purchase(TaxHeadsColumns, TenantChildModel):
    __tablename__ = "purchases"
    __table_args__ = (
        _fk(["vendor_id"], "vendors"),
        CheckConstraint("total_amount >= 0", name="total_amount_not_negative"),
        CheckConstraint("amount_paid >= 0", name="amount_paid_not_negative"),
        CheckConstraint(check_in("payment_mode", PAYMENT_MODES), name="payment_mode"),
        CheckConstraint(f"status IN {BILL_STATUSES!r}", name="status"),
        Index("ix_purchases_shop_id_purchase_date", "shop_id", "purchase_date"),
        Index("ix_purchases_shop_id_vendor_id", "shop_id", "vendor_id"),
        Index(
            "ix_purchases_shop_id_voided_at",
            "shop_id",
            "voided_at",
            postgresql_where=text("voided_at IS NOT NULL"),
        ),
    )

    vendor_id: Mapped[int]
    purchase_date: Mapped[dt.date] = mapped_column(Date)
    total_amount: Mapped[MoneyColumn]
    total_quantity: Mapped[QuantityColumn]
    amount_paid: Mapped[MoneyColumn]
    payment_mode: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), server_default="completed")
    void_reason: Mapped[str | None] = mapped_column(String(500))
    voided_at: Mapped[dt.datetime | None]
    created_by: Mapped[int | None]
    created_at: Mapped[CreatedAt]
    # Input tax (issue 14): the vendor's GSTIN as on their bill, and whether the shop pays
    # the tax itself under reverse charge.
    vendor_gstin: Mapped[str | None] = mapped_column(GstinColumn)
    reverse_charge: Mapped[bool] = mapped_column(server_default=false())
    invoice_no: Mapped[str | None] = mapped_column(String(16))


class PurchaseLine(TaxHeadsColumns, TenantChildModel):
    __tablename__ = "purchase_lines"
    __table_args__ = (
        _fk(["purchase_id"], "purchases"),
        _fk(["product_id"], "products"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price_purchase >= 0", name="price_not_negative"),
        CheckConstraint("discount >= 0", name="discount_not_negative"),
        Index("ix_purchase_lines_shop_id_purchase_id", "shop_id", "purchase_id"),
        # The reorder list's last vendor: a product's purchase lines from the index alone
        # (migration 0024). Purchases pay one entry a line; sales write nothing here.
        Index(
            "ix_purchase_lines_shop_id_product_id",
            "shop_id",
            "product_id",
            postgresql_include=["purchase_id", "id", "price_purchase"],
        ),
    )

    purchase_id: Mapped[int]
    product_id: Mapped[int]
    quantity: Mapped[QuantityColumn]
    price_purchase: Mapped[MoneyColumn]
    line_total: Mapped[MoneyColumn]
    """quantity x price_purchase - discount, plus the tax when the price excluded it."""
    discount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    hsn_code: Mapped[str | None] = mapped_column(HsnColumn)
    gst_rate: Mapped[Decimal] = mapped_column(RateColumn, server_default="0")
    cess_rate: Mapped[Decimal] = mapped_column(CessRateColumn, server_default="0")
