"""How the sales analysis cuts a date range: past calendar months and days, whose figures are
kept as rollups (`app.reports.sales_rollups`), and the days from the shop's today on, read
live from the bills. Pure date arithmetic; no query here.

A past day can still change (a backdated bill, a void, a return against an old bill), so a
rollup is only ever trusted while its fingerprint holds; what "past" buys is that a period
that is not today changes rarely, so its rollup is built once and read many times.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

RollupGrain = Literal["day", "month"]
RollupDimension = Literal["product", "customer", "payment_mode", "day"]

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True, order=True)
class RollupPeriod:
    """A whole calendar month or a single day, both ended before the shop's today."""

    start: dt.date
    grain: RollupGrain

    @property
    def end(self) -> dt.date:
        if self.grain == "day":
            return self.start
        return _month_end(self.start)


@dataclass(frozen=True, slots=True)
class RangePlan:
    stored: tuple[RollupPeriod, ...]
    """The past part of the range: whole months where the range covers them, days elsewhere."""
    live: tuple[dt.date, dt.date] | None
    """The part from today on (today, and any later day asked for), read from the bills."""


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - _DAY


def plan_range(date_from: dt.date, date_to: dt.date, today: dt.date) -> RangePlan:
    """Cut `date_from..date_to` (inclusive) into rollup periods before `today` and the live
    rest. A month is one period when the range holds all of it and it ended before today;
    any other past day is a period of its own (at most the two partial months at the ends)."""
    stored: list[RollupPeriod] = []
    past_end = min(date_to, today - _DAY)
    day = date_from
    while day <= past_end:
        month_end = _month_end(day)
        if day.day == 1 and month_end <= past_end:
            stored.append(RollupPeriod(day, "month"))
            day = month_end + _DAY
        else:
            stored.append(RollupPeriod(day, "day"))
            day += _DAY
    live = (max(date_from, today), date_to) if date_to >= today else None
    return RangePlan(tuple(stored), live)
