"""Summaries that PostgreSQL keeps for the reports: one row per shop and day of sales.

The rows are written by triggers only (migrations `0007_daily_sales`, `0013_line_discounts`,
`0016_daily_sales_tax` and `0023_daily_sales_cash`), in the same statement as the sales and
returns they summarise, so every writer keeps them exact: the API, raw SQL and the benchmark's
bulk seed alike.
Application code reads them and never writes them.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import CreatedAt, MoneyColumn, TenantModel


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
    changes: Mapped[int] = mapped_column(BigInteger, server_default="0")
    """How many bill and return rows have changed the day's figures: every insert, void or
    delete of a bill and every return adds to it, and nothing ever takes from it. The sales
    analysis' rollups of a past period (`SalesRollupPeriod`) remember the sum over their days
    and are rebuilt when it has moved, even by a change whose amounts cancel out (a bill
    voided and billed again for the same amount with another product)."""


ROLLUP_GRAINS = ("day", "month", "range")
ROLLUP_DIMENSIONS = ("product", "customer", "payment_mode", "day")


class SalesRollupPeriod(TenantModel):
    """A past day, calendar month or range of days whose sales analysis is kept in
    `sales_rollups`.

    Built on demand by the report (`app.reports.sales_rollups`) for periods that ended
    before the shop's today, and trusted only while `changes` equals the sum of
    `daily_sales.changes` over the period's days: a backdated bill, a void or a return in
    the period moves that sum and the next report rebuilds the period."""

    __tablename__ = "sales_rollup_periods"
    __table_args__ = (
        UniqueConstraint("shop_id", "period_start", "period_end"),
        CheckConstraint(f"grain IN {ROLLUP_GRAINS}", name="grain"),
    )

    grain: Mapped[str] = mapped_column(String(5))
    """`day`, `month` (both built from the bills) or `range` (composed of days and months)."""
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    changes: Mapped[int] = mapped_column(BigInteger)
    """`sum(daily_sales.changes)` over the period when it was built."""
    built_at: Mapped[CreatedAt]


class SalesRollup(TenantModel):
    """One group of a past period's sales analysis: the period's live bills (net of their
    returns) summed by product, customer, payment mode or day, exactly as the report sums
    the raw bills (`app.reports.sales_repository.live_groups`). `key` is the group's key as
    text: a product or customer id (NULL for walk-in bills), a payment mode, a `YYYY-MM-DD`.
    Periods never overlap, so a range's figures, and its distinct bills, are sums of rows."""

    __tablename__ = "sales_rollups"
    __table_args__ = (
        CheckConstraint(f"dimension IN {ROLLUP_DIMENSIONS}", name="dimension"),
        Index(
            "ix_sales_rollups_shop_id_period",
            "shop_id",
            "period_start",
            "period_end",
            "dimension",
        ),
    )

    grain: Mapped[str] = mapped_column(String(5))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    dimension: Mapped[str] = mapped_column(String(12))
    key: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    revenue: Mapped[MoneyColumn]
    profit: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    bills: Mapped[int] = mapped_column(Integer)
