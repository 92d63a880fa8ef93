"""List pagination: `limit`/`offset` query parameters, `X-Total-Count` and `Link` headers."""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import Depends, Path, Query, Request

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
