"""How the sales analysis cuts a date range: the days before the shop's today, whose figures
are kept as rollups (`app.reports.sales_rollups`), and the days from today on, read live
from the bills. Pure date arithmetic; no query here.

A past day can still change (a backdated bill, a void, a return against an old bill), so a
rollup is only ever trusted while its fingerprint holds; what "past" buys is that a period
that is not today changes rarely, so its rollup is built once and read many times.

A rollup period is a single day, a calendar month, or any other range of days (`range`),
which is composed from the rollups of the months and days it covers rather than from the
bills: the past part of a report's range is one period, so a year is read as one set of
groups (one row per product), not as twelve months of them.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

RollupGrain = Literal["day", "month", "range"]
RollupDimension = Literal["product", "customer", "payment_mode", "day"]

_DAY = dt.timedelta(days=1)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - _DAY


@dataclass(frozen=True, slots=True, order=True)
class RollupPeriod:
    """Days `start..end` (inclusive), all before the shop's today."""

    start: dt.date
    end: dt.date

    @property
    def grain(self) -> RollupGrain:
        if self.start == self.end:
            return "day"
        if self.start.day == 1 and self.end == _month_end(self.start):
            return "month"
        return "range"

    def parts(self) -> tuple["RollupPeriod", ...]:
        """The calendar months the period covers whole, and its other days one by one: what
        a `range` period is composed of (at most two partial months of days)."""
        found: list[RollupPeriod] = []
        day = self.start
        while day <= self.end:
            month_end = _month_end(day)
            if day.day == 1 and month_end <= self.end:
                found.append(RollupPeriod(day, month_end))
                day = month_end + _DAY
            else:
                found.append(RollupPeriod(day, day))
                day += _DAY
        return tuple(found)


@dataclass(frozen=True, slots=True)
class RangePlan:
    stored: tuple[RollupPeriod, ...]
    """The part of the range before today, as one period (none when the range starts today
    or later)."""
    live: tuple[dt.date, dt.date] | None
    """The part from today on (today, and any later day asked for), read from the bills."""


def plan_range(
    date_from: dt.date, date_to: dt.date, today: dt.date, first_bill: dt.date | None
) -> RangePlan:
    """Cut `date_from..date_to` (inclusive) into its past period and its live rest.

    The past period starts no earlier than the shop's first live bill (`first_bill`; None:
    the shop has none, so nothing past is stored): the days before it hold nothing, and a
    range from the year 1 must not become thousands of empty months to build."""
    past_end = min(date_to, today - _DAY)
    past_start = date_from if first_bill is None else max(date_from, first_bill)
    stored = (
        (RollupPeriod(past_start, past_end),)
        if first_bill is not None and past_start <= past_end
        else ()
    )
    live = (max(date_from, today), date_to) if date_to >= today else None
    if not stored and live is None:
        # A past range without a bill in it: the bills answer (nothing) at no cost.
        live = (date_from, date_to)
    return RangePlan(stored, live)
