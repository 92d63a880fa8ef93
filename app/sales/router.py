"""HTTP endpoints of /api/sales."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import (
    OwnerDep,
    PrincipalDep,
    ShopCallerDep,
    ShopConnectionDep,
    ShopSessionDep,
)
from app.auth.visibility import for_role
from app.core.inputs import IsoDate
from app.core.openapi import AUTHED, BODY, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.db.session import driver_connection
from app.idempotency.service import IdempotencyKeyDep, fingerprint_post, idempotent
from app.sales import returns, service
from app.sales.schemas import (
    ReturnCreated,
    ReturnIn,
    SaleCreate,
    SaleCreated,
    SaleDetail,
    SaleSummary,
    VoidIn,
)

router = APIRouter(prefix="/api/sales", tags=["sales"], route_class=DecimalRoute)

_SALE = {"sale_id": "$response.body#/sale_id"}
_CREATED = linked(
    201,
    get=link("GET", "/api/sales/{sale_id}", **_SALE),
    void=link("POST", "/api/sales/{sale_id}/void", **_SALE),
    returns=link("POST", "/api/sales/{sale_id}/returns", **_SALE),
    profit=link("GET", "/api/profit-loss/{sales_id}", sales_id="$response.body#/sale_id"),
)


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    response_model=SaleCreated,
    responses=error_responses(*BODY, 409) | _CREATED,
)
async def create_sale(
    data: SaleCreate,
    request: Request,
    connection: ShopCallerDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Record a sale: customer (by phone), bill, lines, stock, udhaar and the bill SMS, at once.

    409 `insufficient_stock` names the product, what is available and what was asked.
    Send an `Idempotency-Key` so a retried request cannot record the sale twice.
    """
    reply = await service.record_sale(
        connection,
        principal,
        data,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint_post("/api/sales/", data),
        quotes=request.app.state.sale_quotes,
        bill_link=bool(request.app.state.settings.messaging.public_base_url),
    )
    return reply.response()


@router.get("/", response_model=list[SaleSummary], responses=error_responses(*AUTHED))
async def list_sales(
    session: ShopSessionDep,
    principal: PrincipalDep,
    page: PageDep,
    request: Request,
    date_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to")] = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> DecimalJSONResponse:
    """Sale bills, newest first."""
    rows, total = await service.list_sales(
        session,
        principal.shop_id,
        page,
        date_from=date_from,
        date_to=date_to,
        customer_id=customer_id,
    )
    return respond(rows, headers=page_headers(request, page, total))


@router.get("/{sale_id}", response_model=SaleDetail, responses=error_responses(*AUTHED, 404))
async def get_sale(
    sale_id: IdPath, connection: ShopConnectionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    """One bill with its lines (cost and profit per line) and its customer."""
    return respond(
        for_role(principal, await service.sale_detail(connection, principal.shop_id, sale_id))
    )


@router.post(
    "/{sale_id}/void",
    response_model=SaleDetail,
    responses=error_responses(*BODY, 403, 404, 409),
)
async def void_sale(
    sale_id: IdPath,
    data: VoidIn,
    session: ShopSessionDep,
    principal: OwnerDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Owners only: cancel a bill. Stock and udhaar are reversed by new ledger rows.

    Voiding twice is a 409; a retry with the same Idempotency-Key replays the first reply.
    """

    async def void() -> SaleDetail:
        await returns.void_sale(
            session, principal.shop_id, sale_id, data.reason, user_id=principal.user_id
        )
        connection = await driver_connection(session)
        detail = await service.sale_detail(connection, principal.shop_id, sale_id)
        return for_role(principal, detail)

    return await idempotent(
        session,
        principal,
        idempotency_key,
        f"/api/sales/{sale_id}/void",
        data,
        void,
        status_code=status.HTTP_200_OK,
    )


@router.post(
    "/{sale_id}/returns",
    status_code=status.HTTP_201_CREATED,
    response_model=ReturnCreated,
    responses=error_responses(*BODY, 404, 409),
)
async def return_goods(
    sale_id: IdPath,
    data: ReturnIn,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Goods brought back: stock in at the cost they left at; udhaar reduced first, then refund."""
    return await idempotent(
        session,
        principal,
        idempotency_key,
        f"/api/sales/{sale_id}/returns",
        data,
        lambda: returns.return_goods(
            session, principal.shop_id, sale_id, data, user_id=principal.user_id
        ),
    )
