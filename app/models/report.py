"""Summaries that PostgreSQL keeps for the reports: one row per shop and day of sales.

The rows are written by triggers only (migrations `0007_daily_sales`, `0013_line_discounts`,
`0016_daily_sales_tax` and `0023_daily_sales_cash`), in the same statement as the sales and
returns they summarise, so every writer keeps them exact: the API, raw SQL and the benchmark's
bulk seed alike.
Application code reads them and never writes them.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, Integer, Numeric, SmallInteger, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import MoneyColumn, TenantModel


class DailySales(TenantModel):
    """The non-void bills dated `day` and the returns made against them (on the bill's day).

    A day's figures are the sums over its `slot` rows: each writing transaction adds to a
    slot that no other running one holds, so concurrent bills of a shop never queue here
    (a quiet shop has slot 0 only). One slot row alone means nothing and may be negative.
    Billed figures are kept apart from the returned ones, as in the raw tables; net sales
    are `total_amount - returned_amount`. A day whose bills were all voided sums to
    `bills = 0` and zero money; readers skip it.
    """

    __tablename__ = "daily_sales"
    __table_args__ = (
        UniqueConstraint("shop_id", "day", "slot", name="uq_daily_sales_shop_id_day_slot"),
    )

    day: Mapped[dt.date] = mapped_column(Date)
    slot: Mapped[int] = mapped_column(SmallInteger)
    bills: Mapped[int] = mapped_column(Integer)
    total_amount: Mapped[MoneyColumn]
    total_cost: Mapped[MoneyColumn]
    returned_amount: Mapped[MoneyColumn]
    returned_cost: Mapped[MoneyColumn]
    discount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    """The discounts given on the bills (their `discount_total`); returns leave it as it is."""
    tax: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    """The GST on the bills (cgst + sgst + igst + cess), inside `total_amount`: not income."""
    returned_tax: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    """The GST their credit notes reversed, inside `returned_amount`."""
    cash_paid: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    """What the bills took in cash at the counter: a `cash` bill's `amount_paid`, and the part
    of a `credit` bill paid then (the day book's rule), so the day book's opening cash reads
    a row per day instead of every bill. Refunds and later udhaar payments are not in it."""
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), server_default="0")
    """The bills' `total_quantity` (gross: returns are not taken off)."""
