"""One page of a query's rows and the total, in one round trip (the SQL half of paging)."""

from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page


async def fetch_rows(
    session: AsyncSession, query: Select[Any], page: Page
) -> tuple[list[Row[Any]], int]:
    """One page of `query`'s rows and the total, in one round trip.

    The total rides along as a window count (an extra last column on each row); only a page
    past the end, with no rows to carry it, needs a second, counting query.
    """
    rows = (
        await session.execute(
            query.add_columns(func.count().over()).limit(page.limit).offset(page.offset)
        )
    ).all()
    if rows:
        return list(rows), int(rows[0][-1])
    if page.offset == 0:
        return [], 0
    counted = await session.scalar(
        select(func.count()).select_from(query.order_by(None).subquery())
    )
    return [], int(counted or 0)


async def fetch_page(
    session: AsyncSession, query: Select[Any], page: Page
) -> tuple[list[Any], int]:
    """Like `fetch_rows`, for a query of one entity: the page's objects and the total."""
    rows, total = await fetch_rows(session, query, page)
    return [row[0] for row in rows], total
