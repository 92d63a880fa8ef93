"""List pagination: `limit`/`offset` query parameters, `X-Total-Count` and `Link` headers."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request

MAX_LIMIT = 1000

IdPath = Annotated[int, Path(ge=1, le=2**63 - 1, description="The object's id")]
"""An id in the URL: a positive BIGINT (a larger number is a 422, not a database error)."""


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


def get_page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page (max 1000)")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(get_page)]


def page_headers(request: Request, page: Page, total: int) -> dict[str, str]:
    headers = {"X-Total-Count": str(total)}
    if page.offset + page.limit < total:
        next_url = request.url.include_query_params(offset=page.offset + page.limit)
        headers["Link"] = f'<{next_url}>; rel="next"'
    return headers
