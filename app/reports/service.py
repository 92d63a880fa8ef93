"""Report rules: profit and loss (which sales count, how a net profit becomes a record, report
ranges) and the GST reports (the tax summary; GSTR-1, for regular shops only).

A sale's net profit is its stored profit (its taxable value, after discounts, minus the cost
at the time of sale: rule 7 of docs/architecture.md; GST is never profit) minus, for each of
its returns, (taxable value - cost). Void sales have no profit and no loss: they are left out
everywhere, and asking for one is a 404 as if it did not exist. Reads only; this module never
writes.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.bills.tax import TaxHeads
from app.core.errors import Conflict, NotFound
from app.core.inputs import check_date_range
from app.core.pagination import Page
from app.reports import gst_repository, gstr1, repository, sales_repository, sales_rollups
from app.reports.gst_repository import Counted
from app.reports.gst_schemas import CountedTax, GstSummary, Heads, OutputTax, TaxFigures
from app.reports.repository import PeriodRow, ReorderRow
from app.reports.sales_periods import plan_range
from app.reports.schemas import (
    LastVendor,
    PeriodFigures,
    ProfitLossRecord,
    ProfitLossReport,
    ReorderItem,
    ReorderReport,
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
        tax=row.tax,
        expenses=row.expenses,
        net_profit=row.profit - row.expenses,
    )


async def profit_loss_report(
    session: AsyncSession,
    shop_id: int,
    *,
    group: ReportGroup,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> ProfitLossReport:
    """Per-day or per-month figures and their totals, all summed by PostgreSQL; net profit
    is the profit less the expenses (one subtraction of two exact decimals)."""
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
            tax=grand.tax,
            expenses=grand.expenses,
            net_profit=grand.profit - grand.expenses,
        ),
    )


def _reorder_item(row: ReorderRow) -> ReorderItem:
    vendor = None
    if row.vendor_id is not None:
        assert row.last_purchase_date is not None
        assert row.last_price is not None
        vendor = LastVendor(
            vendor_id=row.vendor_id,
            name=row.vendor_name or "",
            phone=row.vendor_phone or "",
            last_purchase_date=row.last_purchase_date,
            last_price=row.last_price,
        )
    return ReorderItem(
        product_id=row.product_id,
        name=row.name,
        unit=row.unit,
        quantity=row.quantity,
        reorder_level=row.reorder_level,
        sold_in_window=row.sold_in_window,
        daily_rate=row.daily_rate,
        days_left=row.days_left,
        reason=(
            "at_or_below_reorder_level" if row.quantity <= row.reorder_level else "runs_out_soon"
        ),
        suggested_quantity=row.suggested_quantity,
        last_vendor=vendor,
    )


async def reorder_report(
    session: AsyncSession, shop_id: int, *, days: int, window: int
) -> ReorderReport:
    """The reorder list as of the shop's today: which products, why, how many to order and
    from whom (one query: `repository.reorder_rows`), after the rollup of the window's past
    days is made fresh (`sales_rollups`)."""
    today = (await auth_service.shop_settings(session, shop_id)).today()
    first_bill = await sales_repository.first_bill_day(session, shop_id)
    plan = plan_range(today - dt.timedelta(days=window - 1), today, today, first_bill)
    await sales_rollups.make_fresh(session, shop_id, plan.stored)
    rows = await repository.reorder_rows(session, shop_id, plan=plan, days=days, window=window)
    return ReorderReport(
        as_of=today, days=days, window=window, items=[_reorder_item(row) for row in rows]
    )


class NotARegularShop(Conflict):
    code = "not_regular_gst"


def _heads(amounts: TaxHeads) -> Heads:
    return Heads(
        cgst=amounts.cgst,
        sgst=amounts.sgst,
        igst=amounts.igst,
        cess=amounts.cess,
        tax=amounts.cgst + amounts.sgst + amounts.igst + amounts.cess,
    )


def _figures(amounts: TaxHeads) -> TaxFigures:
    return TaxFigures(taxable_value=amounts.taxable, **_heads(amounts).model_dump())


def _counted(part: Counted) -> CountedTax:
    return CountedTax(count=part.count, **_figures(part.amounts).model_dump())


async def gst_summary(
    session: AsyncSession, shop_id: int, *, date_from: dt.date | None, date_to: dt.date | None
) -> GstSummary:
    """Output tax (tax invoices by date, less their credit notes by date), input tax
    (purchases by date) and the net per head. Reverse-charge tax is listed apart: the shop
    owes it and may claim it back, so it does not change the net."""
    check_date_range(date_from, date_to)
    parts = await gst_repository.summary(session, shop_id, date_from=date_from, date_to=date_to)
    invoices, notes = parts["invoices"].amounts, parts["credit_notes"].amounts
    output = invoices + -notes
    net = output + -parts["input"].amounts
    return GstSummary(
        date_from=date_from,
        date_to=date_to,
        output=OutputTax(
            invoices=_counted(parts["invoices"]),
            credit_notes=_counted(parts["credit_notes"]),
            net=_figures(output),
        ),
        input=_counted(parts["input"]),
        reverse_charge=_counted(parts["reverse_charge"]),
        net_payable=_heads(net),
    )


def _month_of(period: str | None, today: dt.date) -> dt.date:
    """The first day of `period` (`YYYY-MM`, already checked by the router), or of the month
    before `today`'s: the one a monthly filer files next."""
    if period is not None:
        year, month = period.split("-")
        return dt.date(int(year), int(month), 1)
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _next_month(first_day: dt.date) -> dt.date:
    return (first_day + dt.timedelta(days=31)).replace(day=1)


async def gstr1_report(
    session: AsyncSession, shop_id: int, period: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The month's GSTR-1 as GSTN's JSON, and the buyers' names by GSTIN (for the CSV).

    Only a regular shop files GSTR-1 (a composition shop files CMP-08 and GSTR-4; an
    unregistered shop files nothing): any other is a 409 that says so.
    """
    shop = await auth_service.shop_settings(session, shop_id)
    if shop.gst_scheme != "regular" or shop.gstin is None or shop.state_code is None:
        raise NotARegularShop(
            "GSTR-1 is filed by regular GST shops; this shop's GST scheme is "
            f"'{shop.gst_scheme}' (set gst_scheme 'regular' and the GSTIN in the shop settings)"
        )
    first_day = _month_of(period, shop.today())
    rows = await gst_repository.month_rows(session, shop_id, first_day, _next_month(first_day))
    month = gstr1.Month(
        gstin=shop.gstin,
        state_code=shop.state_code,
        first_day=first_day,
        invoices=rows.invoices,
        invoice_lines=rows.invoice_lines,
        notes=rows.notes,
        note_lines=rows.note_lines,
    )
    return gstr1.build(month), gstr1.buyer_names(month)
