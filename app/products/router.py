"""HTTP endpoints of /api/products."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import OwnerDep, PrincipalDep, ShopConnectionDep, ShopSessionDep
from app.auth.visibility import for_role, shown
from app.core.openapi import AUTHED, BODY, WRITE, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.products import service
from app.products.schemas import DeletedOut, ProductCreate, ProductRead, ProductUpdate
from app.stock.schemas import StockMovementRead

router = APIRouter(prefix="/api/products", tags=["products"], route_class=DecimalRoute)

_PRODUCT = "/api/products/{product_id}"
_CREATED = linked(
    201,
    get=link("GET", _PRODUCT, product_id="$response.body#/product_id"),
    update=link("PUT", _PRODUCT, product_id="$response.body#/product_id"),
    delete=link("DELETE", _PRODUCT, product_id="$response.body#/product_id"),
    movements=link("GET", f"{_PRODUCT}/movements", product_id="$response.body#/product_id"),
)


@router.get("/", response_model=list[ProductRead], responses=error_responses(*AUTHED))
async def list_products(
    connection: ShopConnectionDep,
    principal: PrincipalDep,
    page: PageDep,
    request: Request,
    q: Annotated[str | None, Query(max_length=100, description="Fuzzy name search")] = None,
    low_stock: Annotated[
        bool, Query(description="Only products at or below reorder level")
    ] = False,
) -> DecimalJSONResponse:
    """The shop's live products, by name; `X-Total-Count` and `Link` carry pagination."""
    products, total = await service.search(
        connection, principal.shop_id, page, q=q, low_stock=low_stock
    )
    return respond(for_role(principal, products), headers=page_headers(request, page, total))


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    response_model=ProductRead,
    responses=error_responses(*BODY, 409) | _CREATED,
)
async def create_product(
    data: ProductCreate,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Add a product; its opening quantity is recorded in the stock ledger."""
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/products/",
        data,
        lambda: shown(principal, service.create(session, principal.shop_id, data)),
    )


@router.get("/{product_id}", response_model=ProductRead, responses=error_responses(*AUTHED, 404))
async def get_product(
    product_id: IdPath, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    product = await service.get_live(session, principal.shop_id, product_id)
    return respond(for_role(principal, service.to_read(product)))


@router.put(
    "/{product_id}", response_model=ProductRead, responses=error_responses(*BODY, 403, 404, 409)
)
async def update_product(
    product_id: IdPath, data: ProductUpdate, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    """Change any fields; a new `quantity` is recorded as a stock adjustment.

    `price_purchase` (the cost) is the owner's: staff sending it get 403 `forbidden`.
    """
    service.refuse_owner_only_changes(principal.role, data)
    updated = await service.update(
        session, principal.shop_id, product_id, data, user_id=principal.user_id
    )
    return respond(for_role(principal, updated))


@router.delete(
    "/{product_id}", response_model=DeletedOut, responses=error_responses(*WRITE, 403, 404)
)
async def delete_product(
    product_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    """Delete the product, or archive it when it appears on any bill. Owners only."""
    return respond(await service.delete(session, principal.shop_id, product_id))


@router.get(
    "/{product_id}/movements",
    response_model=list[StockMovementRead],
    responses=error_responses(*AUTHED, 404),
)
async def list_movements(
    product_id: IdPath,
    session: ShopSessionDep,
    principal: PrincipalDep,
    page: PageDep,
    request: Request,
) -> DecimalJSONResponse:
    """The product's stock ledger, newest first."""
    rows, total = await service.movements(session, principal.shop_id, product_id, page)
    return respond(rows, headers=page_headers(request, page, total))
