"""Sales-analysis rules: the default range, and the report's shape from the repository's
figures. Reads only; the definitions of revenue and profit live in `sales_repository`.
"""

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.core.inputs import check_date_range
from app.core.jsoncodec import Raw
from app.reports import sales_repository, sales_rollups
from app.reports.sales_periods import plan_range
from app.reports.sales_schemas import SalesBy


def default_range(
    date_from: dt.date | None, date_to: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """`to` defaults to the shop's today and `from` to the first day of `to`'s month (the
    current month when neither is given); `from` after `to` is a 422 naming `from`."""
    last = date_to or today
    first = date_from or last.replace(day=1)
    check_date_range(first, last)
    return first, last


async def sales_report(
    session: AsyncSession,
    shop_id: int,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    by: SalesBy,
    limit: int,
    inactive_days: int,
) -> dict[str, Any]:
    """Rows, totals, top and slowest products over the range (one query), and the customers
    who stopped buying as of the shop's today (a second), in the shape of `SalesReport`.

    The days before today are read from rollups of whole past months and days, first built
    or rebuilt where missing or stale (`sales_rollups`); today and later from the bills.

    A plain mapping rather than the model: by product, a month of a large catalogue is
    thousands of rows, which PostgreSQL writes as JSON (`sales_repository.Analysis`) and
    the reply embeds as it is (`Raw`); decoding and validating them again would cost
    more than the query. Tests check the reply against the schema.
    """
    today = (await auth_service.shop_settings(session, shop_id)).today()
    first, last = default_range(date_from, date_to, today)
    await sales_repository.tune_transaction(session)
    first_bill = await sales_repository.first_bill_day(session, shop_id)
    plan = plan_range(first, last, today, first_bill)
    # "No bill in the last N days": the window runs from N-1 days back through any later
    # date (a bill may be dated the day after it is entered).
    window = plan_range(
        today - dt.timedelta(days=inactive_days - 1), dt.date.max, today, first_bill
    )
    # Both ranges' rollups made fresh with one look at their fingerprints (the same period
    # twice is checked and built once).
    await sales_rollups.make_fresh(session, shop_id, sorted({*plan.stored, *window.stored}))
    analysis = await sales_repository.analyse(
        session, shop_id, stored=plan.stored, live=plan.live, by=by, limit=limit
    )
    stopped = await sales_repository.stopped_buying(session, shop_id, today=today, window=window)
    return {
        "date_from": first,
        "date_to": last,
        "by": by,
        "rows": Raw(analysis.rows),
        "totals": Raw(analysis.totals),
        "top": Raw(analysis.top),
        "slowest": Raw(analysis.slowest),
        "stopped_buying": [asdict(customer) for customer in stopped],
    }
