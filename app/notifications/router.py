"""HTTP endpoints of /api/notifications: the shop's outbox of messages."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.auth.dependencies import PrincipalDep, ShopSessionDep
from app.core.openapi import AUTHED, PHONE, error_responses
from app.core.pagination import PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.notifications import service
from app.notifications.schemas import NotificationStatus, OutboxMessage

router = APIRouter(tags=["messages"], route_class=DecimalRoute)


@router.get(
    "/api/notifications/outbox",
    response_model=list[OutboxMessage],
    responses=error_responses(*AUTHED),
)
async def outbox(
    session: ShopSessionDep,
    principal: PrincipalDep,
    page: PageDep,
    request: Request,
    status: Annotated[NotificationStatus | None, Query(description="Only this status")] = None,
    party: Annotated[
        str | None,
        Query(
            max_length=32,
            description="Only messages to this phone number (any typed form)",
            examples=["9812345678"],
            json_schema_extra=PHONE,
        ),
    ] = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    vendor_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> DecimalJSONResponse:
    """The shop's messages, newest first, with their delivery status and attempts. Staff do
    not see the owner's daily summaries (they carry the day's profit)."""
    messages, total = await service.outbox(
        session,
        principal.shop_id,
        page,
        status=status,
        party=party,
        customer_id=customer_id,
        vendor_id=vendor_id,
        owner=principal.role == "owner",
    )
    return respond(messages, headers=page_headers(request, page, total))
