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
    String,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.models import (
    DailySales,
    Expense,
    Product,
    Purchase,
    PurchaseLine,
    Sale,
    SaleReturn,
    Vendor,
)
from app.reports import sales_repository
from app.reports.sales_periods import RangePlan

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


@dataclass(frozen=True, slots=True)
class ReorderRow:
    """One product to reorder, with its figures as PostgreSQL computed them."""

    product_id: int
    name: str
    unit: str
    quantity: Decimal
    reorder_level: Decimal
    sold_in_window: Decimal
    daily_rate: Decimal
    days_left: Decimal | None
    suggested_quantity: int
    vendor_id: int | None
    vendor_name: str | None
    vendor_phone: str | None
    last_purchase_date: dt.date | None
    last_price: Decimal | None


# Inlined, not bound: in a generic plan (a prepared statement run often) a bound status has
# the selectivity of an average value, and a shop with no void purchase at all makes
# `status <> $1` look like it matches nothing.
_VOID_TEXT = literal_column(f"'{VOID}'", String)
_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")


async def reorder_rows(
    session: AsyncSession, shop_id: int, *, plan: RangePlan, days: int, window: int
) -> list[ReorderRow]:
    """Live products at or below their reorder level, or that sell and would run out within
    `days` at the rate of the last `window` days (`today` included), in one query.

    `sold`: quantity net of returns (a return counts against its bill's date) on the live
    bills dated in the window (`plan`), per product: the sales analysis' quantity by product
    (`sales_repository.product_groups`: the window's past days from their rollup, made fresh
    by the caller, and today from the bills), so "sold" means one thing in every report. The
    rate is `sold / window`; "runs out within `days`" is tested without dividing:
    `quantity * window < sold * days`. `last`: per listed
    product, the line of its latest live purchase (by date, then id) by `DISTINCT ON`: the
    listed products' purchase lines from `ix_purchase_lines_shop_id_product_id` alone
    (migration 0024; ~10 a product), joined by hash to the shop's live purchases (one row a
    bill, a few thousand a year), not every purchase line the shop ever entered.
    Order: days left ascending with products that did not sell (no rate) first, then name.
    """
    # Planned for this shop and these dates every time: after five runs of a prepared
    # statement PostgreSQL may switch to a generic plan, whose row estimates for "some shop,
    # some dates" are far off for a busy shop (a nested loop over every purchase and listed
    # product took 12 s on the benchmark's shop). Replanning costs a few milliseconds.
    await session.execute(_CUSTOM_PLANS)
    groups = sales_repository.product_groups(shop_id, plan)
    sold = select(groups.c.key.label("product_id"), groups.c.quantity.label("sold")).cte("sold")
    sold_qty = func.coalesce(sold.c.sold, literal_column("0.000", Numeric(14, 3)))
    horizon = literal(days, Integer)
    span = literal(window, Integer)
    listed = (
        select(
            Product.id.label("product_id"),
            Product.name.label("name"),
            Product.name_key.label("name_key"),
            Product.unit.label("unit"),
            Product.quantity.label("quantity"),
            Product.reorder_level.label("reorder_level"),
            sold_qty.label("sold"),
        )
        .outerjoin(sold, sold.c.product_id == Product.id)
        .where(
            Product.shop_id == shop_id,
            Product.archived_at.is_(None),
            or_(
                Product.quantity <= Product.reorder_level,
                and_(sold.c.sold > 0, Product.quantity * span < sold.c.sold * horizon),
            ),
        )
        .cte("listed")
    )
    last = (
        select(
            PurchaseLine.product_id.label("product_id"),
            Purchase.vendor_id.label("vendor_id"),
            Purchase.purchase_date.label("purchase_date"),
            PurchaseLine.price_purchase.label("price"),
        )
        .join(
            Purchase,
            and_(Purchase.shop_id == PurchaseLine.shop_id, Purchase.id == PurchaseLine.purchase_id),
        )
        .where(
            Purchase.shop_id == shop_id,
            Purchase.status != _VOID_TEXT,
            PurchaseLine.shop_id == shop_id,
            PurchaseLine.product_id.in_(select(listed.c.product_id)),
        )
        .ext(distinct_on(PurchaseLine.product_id))
        .order_by(
            PurchaseLine.product_id,
            Purchase.purchase_date.desc(),
            Purchase.id.desc(),
            PurchaseLine.id.desc(),
        )
        .cte("last")
    )
    rate = listed.c.sold / span
    # Exact days of stock at the exact rate, cut (not rounded) to a tenth: never shows more
    # days than there are; 0 when the stock is already gone or negative.
    exact_days = listed.c.quantity * span / func.nullif(listed.c.sold, 0)
    days_left = case(
        (
            listed.c.sold > 0,
            func.greatest(literal_column("0.0", Numeric), func.trunc(exact_days, 1)),
        ),
        else_=None,
    )
    suggested = func.greatest(
        0,
        func.ceil(rate * horizon + listed.c.reorder_level - listed.c.quantity),
        # At or below the level: enough to be above it again.
        func.floor(listed.c.reorder_level - listed.c.quantity) + 1,
    )
    rows = (
        await session.execute(
            select(
                listed.c.product_id,
                listed.c.name,
                listed.c.unit,
                listed.c.quantity,
                listed.c.reorder_level,
                listed.c.sold,
                func.round(rate, 3).label("daily_rate"),
                days_left.label("days_left"),
                suggested.label("suggested"),
                Vendor.id.label("vendor_id"),
                Vendor.name.label("vendor_name"),
                Vendor.phone.label("vendor_phone"),
                last.c.purchase_date,
                last.c.price,
            )
            .select_from(listed)
            .outerjoin(last, last.c.product_id == listed.c.product_id)
            .outerjoin(Vendor, and_(Vendor.shop_id == shop_id, Vendor.id == last.c.vendor_id))
            .order_by(exact_days.asc().nulls_first(), listed.c.name_key, listed.c.product_id)
        )
    ).all()
    return [
        ReorderRow(
            product_id=row.product_id,
            name=row.name,
            unit=row.unit,
            quantity=row.quantity,
            reorder_level=row.reorder_level,
            sold_in_window=row.sold,
            daily_rate=row.daily_rate,
            days_left=row.days_left,
            suggested_quantity=int(row.suggested),
            vendor_id=row.vendor_id,
            vendor_name=row.vendor_name,
            vendor_phone=row.vendor_phone,
            last_purchase_date=row.purchase_date,
            last_price=row.price,
        )
        for row in rows
    ]
