"""List pagination: `limit`/`offset` query parameters, `X-Total-Count` and `Link` headers."""

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Path, Query, Request
from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.inputs import PATH_INTEGER

MAX_LIMIT = 1000

IdPath = Annotated[int, Path(ge=1, le=2**63 - 1, description="The object's id"), PATH_INTEGER]
"""An id in the URL: a positive BIGINT (a larger number is a 422, not a database error)."""


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


async def get_page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page (max 1000)")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(get_page)]


def page_headers(request: Request, page: Page, total: int) -> dict[str, str]:
    """`X-Total-Count`, and a `Link` to the next page while there is one.

    The link is `PUBLIC_BASE_URL` + path when that is set, else relative (`/api/...?...`),
    never built from the request's `Host` header: a forged Host would otherwise put an
    attacker's address into a reply that a cache or a client follows.
    """
    headers = {"X-Total-Count": str(total)}
    if page.offset + page.limit < total:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
        query.append(("offset", str(page.offset + page.limit)))
        path = quote(request.scope.get("root_path", "") + request.scope["path"])
        base = request.app.state.settings.messaging.public_base_url or ""
        headers["Link"] = f'<{base}{path}?{urlencode(query)}>; rel="next"'
    return headers


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
