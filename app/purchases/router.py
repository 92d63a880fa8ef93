"""HTTP endpoints of /api/purchases."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import OwnerDep, PrincipalDep, ShopSessionDep
from app.core.inputs import IsoDate
from app.core.openapi import AUTHED, BODY, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.purchases import service
from app.purchases.schemas import PurchaseCreate, PurchaseCreated, PurchaseDetail, PurchaseSummary
from app.sales.schemas import VoidIn

router = APIRouter(prefix="/api/purchases", tags=["purchases"], route_class=DecimalRoute)

_PURCHASE = {"purchase_id": "$response.body#/purchase_id"}
_CREATED = linked(
    201,
    get=link("GET", "/api/purchases/{purchase_id}", **_PURCHASE),
    void=link("POST", "/api/purchases/{purchase_id}/void", **_PURCHASE),
)


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    response_model=PurchaseCreated,
    responses=error_responses(*BODY, 409) | _CREATED,
)
async def create_purchase(
    data: PurchaseCreate,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Record a purchase: vendor (by phone), stock in, moving-average cost, vendor udhaar."""
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/purchases/",
        data,
        lambda: service.record_purchase(session, principal, data),
    )


@router.get("/", response_model=list[PurchaseSummary], responses=error_responses(*AUTHED, 403))
async def list_purchases(
    session: ShopSessionDep,
    principal: OwnerDep,
    page: PageDep,
    request: Request,
    date_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to")] = None,
    vendor_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> DecimalJSONResponse:
    rows, total = await service.list_purchases(
        session, principal.shop_id, page, date_from=date_from, date_to=date_to, vendor_id=vendor_id
    )
    return respond(rows, headers=page_headers(request, page, total))


@router.get(
    "/{purchase_id}", response_model=PurchaseDetail, responses=error_responses(*AUTHED, 403, 404)
)
async def get_purchase(
    purchase_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    return respond(await service.purchase_detail(session, principal.shop_id, purchase_id))


@router.post(
    "/{purchase_id}/void",
    response_model=PurchaseDetail,
    responses=error_responses(*BODY, 403, 404, 409),
)
async def void_purchase(
    purchase_id: IdPath,
    data: VoidIn,
    session: ShopSessionDep,
    principal: OwnerDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Owners only: cancel a purchase; its stock leaves and the vendor udhaar is reversed.

    Voiding twice is a 409; a retry with the same Idempotency-Key replays the first reply.
    """

    async def void() -> PurchaseDetail:
        await service.void_purchase(
            session, principal.shop_id, purchase_id, data.reason, user_id=principal.user_id
        )
        return await service.purchase_detail(session, principal.shop_id, purchase_id)

    return await idempotent(
        session,
        principal,
        idempotency_key,
        f"/api/purchases/{purchase_id}/void",
        data,
        void,
        status_code=status.HTTP_200_OK,
    )
