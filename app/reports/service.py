"""Profit-and-loss rules: which sales count, how a net profit becomes a record, report ranges.

A sale's net profit is its stored profit (net line totals, after discounts, minus the cost
at the time of sale: rule 7 of docs/architecture.md) minus, for each of its returns,
(amount - cost). Void sales have no profit and no loss: they are left out everywhere, and
asking for one is a 404 as if it did not exist. Reads only; this module never writes.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.inputs import check_date_range
from app.core.pagination import Page
from app.reports import repository
from app.reports.repository import PeriodRow
from app.reports.schemas import (
    PeriodFigures,
    ProfitLossRecord,
    ProfitLossReport,
    ReportGroup,
    ReportTotals,
)


def to_record(sale_id: int, net_profit: Decimal) -> ProfitLossRecord:
    """The existing clients' shape: a sign flag and a non-negative amount.

    Breaking even counts as a profit (`is_profit` true, amount 0), so `amount` is never
    negative and a zero never reads as a loss.
    """
    return ProfitLossRecord(
        id=sale_id, sales_id=sale_id, is_profit=net_profit >= 0, amount=abs(net_profit)
    )


async def list_records(
    session: AsyncSession, shop_id: int, page: Page, *, sale_date: dt.date | None = None
) -> tuple[list[ProfitLossRecord], int]:
    """One record per non-void sale, newest first; only that day's sales when `sale_date`."""
    rows, total = await repository.net_profits(session, shop_id, page, sale_date=sale_date)
    return [to_record(row.sale_id, row.net_profit) for row in rows], total


async def record_of_sale(session: AsyncSession, shop_id: int, sale_id: int) -> ProfitLossRecord:
    net = await repository.net_profit_of(session, shop_id, sale_id)
    if net is None:
        # Unknown, another shop's and void look the same: no existence leaks (docs/api.md).
        raise NotFound(f"No profit and loss for sale {sale_id}: no such sale, or it is void")
    return to_record(sale_id, net)


def _period(row: PeriodRow) -> PeriodFigures:
    assert row.period is not None
    return PeriodFigures(
        period=row.period,
        sales=row.sales,
        cost=row.cost,
        profit=row.profit,
        bills=row.bills,
        discount=row.discount,
    )


async def profit_loss_report(
    session: AsyncSession,
    shop_id: int,
    *,
    group: ReportGroup,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> ProfitLossReport:
    """Per-day or per-month figures and their totals, all summed by PostgreSQL."""
    check_date_range(date_from, date_to)
    rows = await repository.figures_by_period(
        session, shop_id, unit=group, date_from=date_from, date_to=date_to
    )
    # The rollup's grand-total row comes last and is always there, even for an empty range.
    *periods, grand = rows
    return ProfitLossReport(
        group=group,
        date_from=date_from,
        date_to=date_to,
        periods=[_period(row) for row in periods],
        totals=ReportTotals(
            sales=grand.sales,
            cost=grand.cost,
            profit=grand.profit,
            bills=grand.bills,
            discount=grand.discount,
        ),
    )
