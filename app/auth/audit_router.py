"""HTTP endpoint of /api/audit: the owner's view of the audit log.

The audit domain sits below auth (auth records logins and staff changes in it), so the
endpoint that needs a signed-in owner lives here, beside the other owner-only routes.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.audit import service as audit_service
from app.audit.schemas import AuditFilters, AuditRow
from app.auth.dependencies import OwnerDep, ShopSessionDep
from app.core.inputs import IsoDate
from app.core.openapi import AUTHED, error_responses
from app.core.pagination import PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute

router = APIRouter(prefix="/api/audit", tags=["audit"], route_class=DecimalRoute)


@router.get("/", response_model=list[AuditRow], responses=error_responses(*AUTHED, 403))
async def list_audit(
    session: ShopSessionDep,
    principal: OwnerDep,
    page: PageDep,
    request: Request,
    date_from: Annotated[
        IsoDate | None,
        Query(alias="from", description="From this day (incl.), YYYY-MM-DD, shop's time zone"),
    ] = None,
    date_to: Annotated[
        IsoDate | None,
        Query(alias="to", description="To this day (incl.), YYYY-MM-DD, shop's time zone"),
    ] = None,
    action: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[a-z][a-z0-9_]*$",
            description="Only this action, e.g. sale_voided",
        ),
    ] = None,
    user_id: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="Only changes made by this user")
    ] = None,
) -> DecimalJSONResponse:
    """Owners only: the shop's audited changes, newest first.

    Voids, returns, price and cost changes, stock adjustments, settings changes, staff
    changes and logins from a new device; `before`/`after` hold only what changed.
    """
    filters = AuditFilters(date_from=date_from, date_to=date_to, action=action, user_id=user_id)
    rows, total = await audit_service.list_entries(session, principal.shop_id, filters, page)
    return respond(rows, headers=page_headers(request, page, total))
