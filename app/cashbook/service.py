"""Day book rules: which day a movement belongs to, opening and closing cash, cash counts.

A movement belongs to its business date (sale_date, purchase_date, paid_on, return_date,
expense_date), so a backdated bill lands in its own day; a void belongs to the day it was
done, in the shop's time zone. Within a day, movements are in the order they were entered.

Cash is carried from day to day without replaying every bill: a cash count is the *closing*
count of its day, so a day's opening cash is the latest count before it (0 when the shop
never counted) plus the net cash of the days after that count, which PostgreSQL sums from
the `daily_sales` summary and the few other movements (`repository.cash_net`); the day's own
totals are a second query over that day only. Counting a day again adds a row; the latest
one counts.
Reads only, but for `record_count`.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.bills.dates import EARLIEST_DATE
from app.cashbook import repository
from app.cashbook.repository import CountRow, EntryRow, Span
from app.cashbook.schemas import (
    CashCountIn,
    CashCountOut,
    DayBook,
    DayBookEntry,
    DayBookReport,
    ModeTotals,
)
from app.core.errors import InvalidInput
from app.core.payment_modes import MONEY_MODES
from app.core.security import Principal

ZERO = Decimal("0.00")
CASH = "cash"


def _start_of(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The instant the shop's `day` begins."""
    return dt.datetime.combine(day, dt.time(), zone)


def _span(first_day: dt.date, day: dt.date, timezone: str) -> Span:
    zone = ZoneInfo(timezone)
    return Span(
        first_day=first_day,
        day=day,
        first_start=_start_of(first_day, zone),
        day_start=_start_of(day, zone),
        day_end=_start_of(day + dt.timedelta(days=1), zone),
    )


def _count_out(count: CountRow, expected: Decimal) -> CashCountOut:
    return CashCountOut(
        count_id=count.id,
        date=count.count_date,
        counted=count.counted,
        expected=expected,
        difference=count.counted - expected,
        note=count.note,
        counted_at=count.created_at,
        counted_by=count.created_by,
    )


async def day_book(session: AsyncSession, shop_id: int, day: dt.date) -> DayBook:
    """The day's totals by mode, udhaar given and received, and its cash from opening to
    closing: three queries (the counts around the day; the net cash of the days from the
    last count to the day before, if any; the day's movements summed by mode). No entries:
    `day_book_report` adds them.
    """
    shop = await auth_service.shop_settings(session, shop_id)
    before, on_day = await repository.counts_around(session, shop_id, day)
    first_day = EARLIEST_DATE if before is None else before.count_date + dt.timedelta(days=1)
    opening = ZERO if before is None else before.counted
    if first_day < day:
        since_count = _span(first_day, day - dt.timedelta(days=1), shop.timezone)
        opening += await repository.cash_net(session, shop_id, since_count)
    sums = await repository.mode_sums(session, shop_id, _span(day, day, shop.timezone))

    totals: dict[str, ModeTotals] = {
        mode: ModeTotals(amount_in=ZERO, amount_out=ZERO, net=ZERO) for mode in MONEY_MODES
    }
    udhaar_given = udhaar_received = ZERO
    for row in sums:  # one row per mode: at most five
        udhaar_given += row.udhaar_given
        udhaar_received += row.udhaar_received
        if row.mode in totals:
            totals[row.mode] = ModeTotals(
                amount_in=row.amount_in,
                amount_out=row.amount_out,
                net=row.amount_in - row.amount_out,
            )
    cash = totals[CASH]
    expected = opening + cash.amount_in - cash.amount_out
    return DayBook(
        date=day,
        totals_by_mode=totals,
        udhaar_given=udhaar_given,
        udhaar_received=udhaar_received,
        opening_cash=opening,
        cash_in=cash.amount_in,
        cash_out=cash.amount_out,
        closing_cash=expected if on_day is None else on_day.counted,
        cash_count=None if on_day is None else _count_out(on_day, expected),
    )


def _entry(row: EntryRow) -> DayBookEntry:
    # Validated as usual: pydantic-core's check of a row (about 3 us) is cheaper than
    # `model_construct`, which is pure Python.
    return DayBookEntry(
        time=row.at,
        kind=row.kind,
        id=row.id,
        reference=row.reference,
        party=row.party,
        mode=row.mode,
        amount_in=row.amount_in,
        amount_out=row.amount_out,
        udhaar_given=row.udhaar_given,
        udhaar_received=row.udhaar_received,
    )


def _day_asked(day: dt.date | None, today: dt.date, loc: tuple[str, str]) -> dt.date:
    if day is None:
        return today
    if day > today:
        raise InvalidInput(f"date {day} is in the future (the shop's today is {today})", loc=loc)
    if day < EARLIEST_DATE:
        raise InvalidInput(f"date {day} is too far in the past", loc=loc)
    return day


async def day_book_report(
    session: AsyncSession, shop_id: int, day: dt.date | None
) -> DayBookReport:
    """The day book of `day` (default the shop's today; a future day is a 422): its totals
    and every movement in order."""
    shop = await auth_service.shop_settings(session, shop_id)
    day = _day_asked(day, shop.today(), ("query", "date"))
    book = await day_book(session, shop_id, day)
    rows = await repository.entries(session, shop_id, _span(day, day, shop.timezone))
    return DayBookReport(**dict(book), entries=[_entry(row) for row in rows])


async def record_count(
    session: AsyncSession, principal: Principal, data: CashCountIn
) -> CashCountOut:
    """Record the cash counted at a day's close (default today). A day counted again gets a
    new row that replaces the earlier count from then on (the ledger keeps both)."""
    shop = await auth_service.shop_settings(session, principal.shop_id)
    day = _day_asked(data.date, shop.today(), ("body", "date"))
    await repository.add_count(
        session,
        {
            "shop_id": principal.shop_id,
            "count_date": day,
            "counted": data.counted,
            "note": data.note or None,
            "created_by": principal.user_id,
        },
    )
    count = (await day_book(session, principal.shop_id, day)).cash_count
    assert count is not None  # just written, and the latest of its day
    return count
