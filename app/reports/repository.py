"""Profit-and-loss queries over sales, their returns and the shop's expenses. Read-only; no
business rules.

Profit is on the taxable value, never on the GST collected: a bill's stored profit is already
tax-free, a return gives back its taxable value less its cost, and the per-period figures take
the day's tax (`daily_sales.tax - returned_tax`) out of the sales before the cost.

Every figure is summed by PostgreSQL in NUMERIC, so no money passes through Python
arithmetic here. Per-sale records read the bills; per-period figures read the `daily_sales`
summary that the database's triggers keep (migration 0007_daily_sales). Every query filters
by shop explicitly: row-level security is the second lock, not the only one. Void sales
never count.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    Numeric,
    ScalarSelect,
    case,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.models import DailySales, Expense, Sale, SaleReturn

VOID = "void"

# An inline NUMERIC literal with two places: `coalesce(sum(...), 0)` would come back as `0`
# (scale 0) for an empty sum, and the API's money always carries its paise.
_ZERO = literal_column("0.00", Numeric(14, 2))

# Fixed formats, chosen by the service from a closed set; inlined (not bound) so that the
# SELECT and GROUP BY expressions are textually identical to PostgreSQL.
_PERIOD_FORMATS: dict[str, str] = {"day": "'YYYY-MM-DD'", "month": "'YYYY-MM'"}
PeriodUnit = Literal["day", "month"]


@dataclass(frozen=True, slots=True)
class SaleNetProfit:
    sale_id: int
    net_profit: Decimal


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """One period's sums; `period` is None on the grand-total row of the rollup."""

    period: str | None
    sales: Decimal
    cost: Decimal
    profit: Decimal
    bills: int
    discount: Decimal
    tax: Decimal
    expenses: Decimal


def _live_sales(shop_id: int) -> list[ColumnElement[bool]]:
    return [Sale.shop_id == shop_id, Sale.status != VOID]


def _returned_profit(shop_id: int, sale_id: ColumnExpressionArgument[int]) -> ScalarSelect[Any]:
    """Correlated subquery: the profit given back by the returns of the sale `sale_id`: the
    taxable value returned less its cost (a credit note's reversed GST was never profit)."""
    return (
        select(func.coalesce(func.sum(SaleReturn.taxable_value - SaleReturn.cost), _ZERO))
        .where(SaleReturn.shop_id == shop_id, SaleReturn.sale_id == sale_id)
        .scalar_subquery()
    )


async def net_profits(
    session: AsyncSession, shop_id: int, page: Page, *, sale_date: dt.date | None = None
) -> tuple[list[SaleNetProfit], int]:
    """One page of non-void sales (newest first) with profit net of returns, and the total.

    The page is cut first and the returns are summed only for its rows, so a long history
    costs one index range scan, not a returns lookup per sale ever made.
    """
    conditions = _live_sales(shop_id)
    if sale_date is not None:
        conditions.append(Sale.sale_date == sale_date)
    page_rows = (
        select(
            Sale.id,
            Sale.sale_date,
            Sale.profit,
            func.count().over().label("total"),
        )
        .where(*conditions)
        .order_by(Sale.sale_date.desc(), Sale.id.desc())
        .limit(page.limit)
        .offset(page.offset)
        .subquery("page_rows")
    )
    rows = (
        await session.execute(
            select(
                page_rows.c.id,
                (page_rows.c.profit - _returned_profit(shop_id, page_rows.c.id)).label("net"),
                page_rows.c.total,
            ).order_by(page_rows.c.sale_date.desc(), page_rows.c.id.desc())
        )
    ).all()
    if rows:
        return [SaleNetProfit(row.id, row.net) for row in rows], int(rows[0].total)
    # An offset past the end returns no rows, so no window count either: count separately.
    counted = await session.scalar(select(func.count()).select_from(Sale).where(*conditions))
    return [], int(counted or 0)


async def net_profit_of(session: AsyncSession, shop_id: int, sale_id: int) -> Decimal | None:
    """The sale's profit net of returns; None when the sale is unknown, void or not the shop's."""
    net: Decimal | None = await session.scalar(
        select(Sale.profit - _returned_profit(shop_id, Sale.id)).where(
            *_live_sales(shop_id), Sale.id == sale_id
        )
    )
    return net


async def figures_by_period(
    session: AsyncSession,
    shop_id: int,
    *,
    unit: PeriodUnit,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> list[PeriodRow]:
    """Sales, cost, profit, bill count, discount given, GST and expenses per period, then a
    grand-total row, in one query. Profit is sales less their GST less the cost.

    Sales are read from `daily_sales`, which triggers keep equal to the bills and their
    returns (a return in its bill's day, voids left out): two years of a busy shop are some
    hundreds of rows, not a million lines. Expenses are the plain sum of the `expenses` rows
    by their date, reversals included (a void's reversing row carries its expense's date, so a
    voided expense counts nowhere). Both become rows of one `UNION ALL` that is grouped by
    period. A period is listed when it has a live bill or a live (unvoided) expense
    (`HAVING`); `ROLLUP` adds the grand total as a last row whose period is NULL (kept by
    `HAVING`); on an empty range it is the only row.
    """
    sale_conditions = [DailySales.shop_id == shop_id]
    expense_conditions = [Expense.shop_id == shop_id]
    if date_from is not None:
        sale_conditions.append(DailySales.day >= date_from)
        expense_conditions.append(Expense.expense_date >= date_from)
    if date_to is not None:
        sale_conditions.append(DailySales.day <= date_to)
        expense_conditions.append(Expense.expense_date <= date_to)
    no_int = literal_column("0", Integer)
    days = union_all(
        select(
            DailySales.day.label("day"),
            (DailySales.total_amount - DailySales.returned_amount).label("sales"),
            (DailySales.total_cost - DailySales.returned_cost).label("cost"),
            (DailySales.tax - DailySales.returned_tax).label("tax"),
            DailySales.bills.label("bills"),
            DailySales.discount.label("discount"),
            _ZERO.label("expenses"),
            no_int.label("live_expenses"),
        ).where(*sale_conditions),
        select(
            Expense.expense_date,
            _ZERO,
            _ZERO,
            _ZERO,
            no_int,
            _ZERO,
            Expense.amount,
            # An expense counts 1, its reversing row -1: a period whose expenses were all
            # voided has none left.
            case((Expense.reverses_id.is_(None), 1), else_=-1),
        ).where(*expense_conditions),
    ).subquery("days")
    period = func.to_char(days.c.day, literal_column(_PERIOD_FORMATS[unit]))
    net_sales = func.coalesce(func.sum(days.c.sales), _ZERO)
    net_cost = func.coalesce(func.sum(days.c.cost), _ZERO)
    net_tax = func.coalesce(func.sum(days.c.tax), _ZERO)
    bills = func.coalesce(func.sum(days.c.bills), 0)
    discount = func.coalesce(func.sum(days.c.discount), _ZERO)
    expenses = func.coalesce(func.sum(days.c.expenses), _ZERO)
    live_expenses = func.coalesce(func.sum(days.c.live_expenses), 0)
    rows = (
        await session.execute(
            select(
                period.label("period"),
                net_sales.label("sales"),
                net_cost.label("cost"),
                (net_sales - net_tax - net_cost).label("profit"),
                bills.label("bills"),
                discount.label("discount"),
                net_tax.label("tax"),
                expenses.label("expenses"),
            )
            .group_by(func.rollup(period))
            .having((bills > 0) | (live_expenses > 0) | (func.grouping(period) == 1))
            .order_by(func.grouping(period), period)
        )
    ).all()
    return [
        PeriodRow(
            period=row.period,
            sales=row.sales,
            cost=row.cost,
            profit=row.profit,
            bills=int(row.bills),
            discount=row.discount,
            tax=row.tax,
            expenses=row.expenses,
        )
        for row in rows
    ]
