"""Summaries that PostgreSQL keeps for the reports: one row per shop and day of sales.

The rows are written by triggers only (migration `0007_daily_sales`), in the same statement
as the sales and returns they summarise, so every writer keeps them exact: the API, raw SQL
and the benchmark's bulk seed alike. Application code reads them and never writes them.
"""

import datetime as dt

from sqlalchemy import Date, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import MoneyColumn, TenantModel


class DailySales(TenantModel):
    """The non-void bills dated `day` and the returns made against them (on the bill's day).

    Billed figures are kept apart from the returned ones, as in the raw tables, so a report
    can show either; its net sales are `total_amount - returned_amount`. A day whose bills
    were all voided keeps its row with `bills = 0` and zero sums; readers skip it. There are
    no CHECKs: PostgreSQL checks an upsert's proposed row, which carries a (possibly
    negative) delta, before it finds the conflicting row the delta is added to.
    """

    __tablename__ = "daily_sales"
    __table_args__ = (UniqueConstraint("shop_id", "day", name="uq_daily_sales_shop_id_day"),)

    day: Mapped[dt.date] = mapped_column(Date)
    bills: Mapped[int] = mapped_column(Integer)
    total_amount: Mapped[MoneyColumn]
    total_cost: Mapped[MoneyColumn]
    returned_amount: Mapped[MoneyColumn]
    returned_cost: Mapped[MoneyColumn]
