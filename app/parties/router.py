"""HTTP endpoints of /api/customers and /api/vendors: parse, call the service, shape the reply."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import PrincipalDep, ShopSessionDep
from app.core.openapi import AUTHED, BODY, PHONE, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.parties import service
from app.parties.schemas import (
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    VendorCreate,
    VendorRead,
    VendorUpdate,
)

router = APIRouter(tags=["customers and vendors"], route_class=DecimalRoute)

SearchQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Fuzzy search on the name, or digits of the phone number",
        examples=["sunita", "98123"],
    ),
]


def _party_links(party: str, id_field: str) -> dict[int | str, dict[str, Any]]:
    """What a new customer (or vendor) leads to: reading, renaming, payments, the statement."""
    one = f"/api/{party}s/{{{party}_id}}"
    by_id = {f"{party}_id": f"$response.body#/{id_field}"}
    by_party = {"party_id": f"$response.body#/{id_field}"}
    return linked(
        201,
        get=link("GET", one, **by_id),
        rename=link("PUT", one, **by_id),
        pay=link("POST", f"/api/{party}s/{{party_id}}/payments", **by_party),
        statement=link("GET", f"/api/{party}s/{{party_id}}/statement", **by_party),
    )


PHONE_LOOKUP = (
    "Look up the one party with this phone, in any typed form. When given, the reply is that "
    "object (not a list) or a 404, and `q`, `limit` and `offset` are ignored."
)


# Customers


@router.get(
    "/api/customers/",
    response_model=list[CustomerRead] | CustomerRead,
    responses=error_responses(*AUTHED, 404),
)
async def list_customers(
    session: ShopSessionDep,
    principal: PrincipalDep,
    page: PageDep,
    request: Request,
    q: SearchQuery = None,
    customer_phone_no: Annotated[
        str | None,
        Query(
            max_length=32,
            description=PHONE_LOOKUP,
            examples=["9812345678"],
            json_schema_extra=PHONE,
        ),
    ] = None,
) -> DecimalJSONResponse:
    """The shop's customers by name, with what each owes; `X-Total-Count` and `Link` paginate."""
    if customer_phone_no is not None:
        return respond(
            await service.find_customer_by_phone(session, principal.shop_id, customer_phone_no)
        )
    customers, total = await service.list_customers(session, principal.shop_id, page, q=q)
    return respond(customers, headers=page_headers(request, page, total))


@router.post(
    "/api/customers/",
    status_code=status.HTTP_201_CREATED,
    response_model=CustomerRead,
    responses=error_responses(*BODY, 409) | _party_links("customer", "cust_id"),
)
async def create_customer(
    data: CustomerCreate,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Add a customer. A phone already used by a customer of this shop is a 409 `duplicate`.

    A retry with the same `Idempotency-Key` replays the first 201 instead of a 409.
    """
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/customers/",
        data,
        lambda: service.create_customer(session, principal.shop_id, data),
    )


@router.get(
    "/api/customers/{customer_id}",
    response_model=CustomerRead,
    responses=error_responses(*AUTHED, 404),
)
async def get_customer(
    customer_id: IdPath, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    return respond(await service.get_customer(session, principal.shop_id, customer_id))


@router.put(
    "/api/customers/{customer_id}",
    response_model=CustomerRead,
    responses=error_responses(*BODY, 404),
)
async def rename_customer(
    customer_id: IdPath, data: CustomerUpdate, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    """Rename a customer; the phone number is their identity and stays."""
    return respond(await service.rename_customer(session, principal.shop_id, customer_id, data))


# Vendors


@router.get(
    "/api/vendors/",
    response_model=list[VendorRead] | VendorRead,
    responses=error_responses(*AUTHED, 404),
)
async def list_vendors(
    session: ShopSessionDep,
    principal: PrincipalDep,
    page: PageDep,
    request: Request,
    q: SearchQuery = None,
    vendor_phone_no: Annotated[
        str | None,
        Query(
            max_length=32,
            description=PHONE_LOOKUP,
            examples=["9988776655"],
            json_schema_extra=PHONE,
        ),
    ] = None,
) -> DecimalJSONResponse:
    """The shop's vendors by name, with what the shop owes each; paginated like customers."""
    if vendor_phone_no is not None:
        return respond(
            await service.find_vendor_by_phone(session, principal.shop_id, vendor_phone_no)
        )
    vendors, total = await service.list_vendors(session, principal.shop_id, page, q=q)
    return respond(vendors, headers=page_headers(request, page, total))


@router.post(
    "/api/vendors/",
    status_code=status.HTTP_201_CREATED,
    response_model=VendorRead,
    responses=error_responses(*BODY, 409) | _party_links("vendor", "vend_id"),
)
async def create_vendor(
    data: VendorCreate,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Add a vendor. A phone already used by a vendor of this shop is a 409 `duplicate`.

    A retry with the same `Idempotency-Key` replays the first 201 instead of a 409.
    """
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/vendors/",
        data,
        lambda: service.create_vendor(session, principal.shop_id, data),
    )


@router.get(
    "/api/vendors/{vendor_id}",
    response_model=VendorRead,
    responses=error_responses(*AUTHED, 404),
)
async def get_vendor(
    vendor_id: IdPath, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    return respond(await service.get_vendor(session, principal.shop_id, vendor_id))


@router.put(
    "/api/vendors/{vendor_id}",
    response_model=VendorRead,
    responses=error_responses(*BODY, 404),
)
async def rename_vendor(
    vendor_id: IdPath, data: VendorUpdate, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    """Rename a vendor; the phone number is their identity and stays."""
    return respond(await service.rename_vendor(session, principal.shop_id, vendor_id, data))
