"""The owner's daily summary message (issue 17 item 7): queued by the dispatcher's scan.

A shop that turned `daily_summary` on gets one message a day, to its owner's phone, once its
shop-local `closing_hour` has begun: the day's sales and profit (the profit and loss report
for that one day), the cash and UPI that came in and the udhaar given and received (the
shop's day book), and how many products are at or below their reorder level.

Once a day, however many dispatchers scan at the same moment: the row carries the key
`daily_summary:<shop-local date>`, and the outbox's unique (shop_id, dedupe_key) index lets
one insert in and turns the others into no-ops (`INSERT ... ON CONFLICT DO NOTHING`). The
scan's `NOT EXISTS` only saves the work of computing figures that would not be sent.

A day is summarised only on that day: a dispatcher started late (after the closing hour,
the same day) still sends it, with the figures as they stand when it is queued; a day whose
evening passed with no dispatcher running gets no summary the next morning (the scan only
ever looks at each shop's today), so nothing arrives late with the wrong day's figures.
Sales recorded after the summary was queued are not in it.

This module reads other domains' figures through their services only, and writes only the
outbox (`notifications`, owned here).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.cashbook import service as cashbook
from app.core.amounts import indian_money
from app.core.message_templates import TemplateName
from app.core.pagination import Page
from app.db.session import driver_connection
from app.notifications import repository
from app.notifications.repository import SummaryDue
from app.notifications.templates import render
from app.products import service as products
from app.reports import service as reports

_log = logging.getLogger("dukaan.dispatcher")

TEMPLATE: TemplateName = "daily_summary"
KEY_PREFIX = "daily_summary:"
"""`notifications.dedupe_key` of a summary: the prefix and the shop-local date."""
SCAN_LIMIT = 500
"""Shops summarised per scan; the rest are found by the next scan a few minutes later."""


@dataclass(frozen=True, slots=True)
class DayFigures:
    """What the owner reads about one day of their shop."""

    day: dt.date
    sales: Decimal
    """Bills of the day (void ones left out), less what was returned of them."""
    bills: int
    profit: Decimal
    """Sales less their GST less their cost (before expenses), as the profit and loss report."""
    cash: Decimal
    """Cash that came in on the day (sales paid at the bill, udhaar payments...)."""
    upi: Decimal
    udhaar_given: Decimal
    udhaar_received: Decimal
    low_stock: int
    """Live products at or below their reorder level, now."""


async def day_figures(session: AsyncSession, shop_id: int, day: dt.date) -> DayFigures:
    """The day's figures, each from the service that owns it (a few indexed queries)."""
    report = await reports.profit_loss_report(
        session, shop_id, group="day", date_from=day, date_to=day
    )
    book = await cashbook.day_book(session, shop_id, day)
    return DayFigures(
        day=day,
        sales=report.totals.sales,
        bills=report.totals.bills,
        profit=report.totals.profit,
        cash=book.totals_by_mode["cash"].amount_in,
        upi=book.totals_by_mode["upi"].amount_in,
        udhaar_given=book.udhaar_given,
        udhaar_received=book.udhaar_received,
        low_stock=await low_stock_count(session, shop_id),
    )


async def low_stock_count(session: AsyncSession, shop_id: int) -> int:
    """How many live products are at or below their reorder level: the total of the product
    list filtered `low_stock` (its count rides on the first row, so one row is fetched)."""
    _, total = await products.search(
        await driver_connection(session), shop_id, Page(limit=1, offset=0), q=None, low_stock=True
    )
    return total


def summary_values(figures: DayFigures) -> dict[str, object]:
    """The template's fields: amounts in Indian grouping, the date as `dd-mm`."""
    return {
        "date": f"{figures.day:%d-%m}",
        "sales": indian_money(figures.sales),
        "bills": figures.bills,
        "profit": indian_money(figures.profit),
        "cash": indian_money(figures.cash),
        "upi": indian_money(figures.upi),
        "udhaar_given": indian_money(figures.udhaar_given),
        "udhaar_received": indian_money(figures.udhaar_received),
        "low_stock": figures.low_stock,
    }


async def queue_summary(session: AsyncSession, due: SummaryDue) -> bool:
    """Queue one shop's summary of `due.day`; False when another dispatcher already did."""
    shop = await auth_service.shop_settings(session, due.shop_id)
    figures = await day_figures(session, due.shop_id, due.day)
    body = render(
        TEMPLATE,
        shop.language,
        {"shop": shop.name, "party": due.owner_name} | summary_values(figures),
        shop.message_templates,
    )
    notification_id = await repository.add(
        session,
        {
            "shop_id": due.shop_id,
            "channel": shop.summary_channel or shop.message_channel,
            "to": due.owner_phone,
            "template": TEMPLATE,
            "language": shop.language,
            "body": body,
            "reference": due.dedupe_key,
            "dedupe_key": due.dedupe_key,
        },
    )
    return notification_id is not None


async def queue_due_summaries(session: AsyncSession, now: dt.datetime) -> int:
    """Queue the summaries due at `now` for every shop (a system session); returns how many.

    Each shop's summary is written under its own savepoint, so one shop whose figures fail
    is logged and skipped (found again by the next scan) without losing the others.
    """
    queued = 0
    for due in await repository.summaries_due(
        session, now, key_prefix=KEY_PREFIX, limit=SCAN_LIMIT
    ):
        try:
            async with session.begin_nested():
                queued += await queue_summary(session, due)
        except Exception:
            _log.exception(
                "daily summary failed", extra={"shop_id": due.shop_id, "day": str(due.day)}
            )
    return queued
