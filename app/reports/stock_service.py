"""Stock summary rules: which day may be asked for (the shop's today by default, never a day
still to come) and how the repository's rows become the report. Reads only."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.core.errors import InvalidInput
from app.core.pagination import Page
from app.reports import stock_repository
from app.reports.stock_schemas import StockItem, StockSummary, StockTotals


async def stock_summary(
    session: AsyncSession, shop_id: int, *, as_of: dt.date | None, page: Page
) -> StockSummary:
    """Stock and its value at the end of `as_of` (default: the shop's today).

    A future day is a 422: its stock is not known yet (bills dated tomorrow exist only to
    absorb time zones, and would make such a figure look like a forecast).
    """
    shop = await auth_service.shop_settings(session, shop_id)
    today = shop.today()
    day = today if as_of is None else as_of
    if day > today:
        raise InvalidInput(
            f"as_of {day} is in the future (the shop's today is {today})", loc=("query", "as_of")
        )
    rows, totals = await stock_repository.stock_as_of(
        session, shop_id, as_of=day, timezone=shop.timezone, page=page
    )
    return StockSummary(
        as_of=day,
        products=[
            StockItem(
                product_id=row.product_id,
                name=row.name,
                unit=row.unit,
                quantity=row.quantity,
                average_cost=row.average_cost,
                value_at_cost=row.value_at_cost,
                sale_price=row.sale_price,
                value_at_sale_price=row.value_at_sale_price,
            )
            for row in rows
        ],
        totals=StockTotals(
            products=totals.products,
            value_at_cost=totals.value_at_cost,
            value_at_sale_price=totals.value_at_sale_price,
        ),
    )
