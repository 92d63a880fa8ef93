"""HTTP endpoints of /api/customers and /api/vendors: parse, call the service, shape the reply.

One explicit function per endpoint and side; what differs between customers and vendors
(field names, models, labels) is the `PartySide` each passes to the service. A party's
balance is udhaar's: `app.main` hands in udhaar's reader as `app.state.party_balances`,
because the udhaar domain sits above this one.
"""

from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.dependencies import PrincipalDep, ShopSessionDep
from app.core.openapi import AUTHED, BODY, PHONE, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.core.security import Principal
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.parties import service
from app.parties.schemas import CustomerCreate, CustomerUpdate, VendorCreate, VendorUpdate
from app.parties.service import BalanceReader
from app.parties.sides import CUSTOMERS, VENDORS, PartySide

router = APIRouter(tags=["customers and vendors"], route_class=DecimalRoute)
Reply = DecimalJSONResponse


@dataclass(frozen=True, slots=True)
class ShopParties:
    """What every endpoint here works with: the shop's session, the caller, udhaar balances."""

    session: AsyncSession
    principal: Principal
    balances: BalanceReader
    request: Request

    @property
    def shop_id(self) -> int:
        return self.principal.shop_id


async def _shop_parties(
    session: ShopSessionDep, principal: PrincipalDep, request: Request
) -> ShopParties:
    return ShopParties(session, principal, request.app.state.party_balances, request)


Shop = Annotated[ShopParties, Depends(_shop_parties)]
Search = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Fuzzy search on the name, or digits of the phone number",
        examples=["sunita", "98123"],
    ),
]
PHONE_LOOKUP = (
    "Look up the one party with this phone, in any typed form. When given, the reply is that "
    "object (not a list) or a 404, and `q`, `limit` and `offset` are ignored."
)


def _phone_lookup(side: PartySide, example: str) -> Any:
    return Query(
        alias=side.phone_query,
        max_length=32,
        description=PHONE_LOOKUP,
        examples=[example],
        json_schema_extra=PHONE,
    )


CustomerPhone = Annotated[str | None, _phone_lookup(CUSTOMERS, "9812345678")]
VendorPhone = Annotated[str | None, _phone_lookup(VENDORS, "9988776655")]
_LIST_ABOUT = {
    CUSTOMERS.key: "The shop's customers by name, with what each owes; `X-Total-Count` and "
    "`Link` paginate.",
    VENDORS.key: "The shop's vendors by name, with what the shop owes each; paginated like "
    "customers.",
}


def _listing(side: PartySide) -> dict[str, Any]:
    one = side.read_model
    return {
        "response_model": cast(Any, list)[one] | one,
        "responses": error_responses(*AUTHED, 404),
        "description": _LIST_ABOUT[side.key],
    }


def _creating(side: PartySide) -> dict[str, Any]:
    """A new party leads to reading, renaming, payments and the statement (OpenAPI links)."""
    party, id_field = side.key, side.id_field
    one = f"/api/{party}s/{{{party}_id}}"
    by_id = {f"{party}_id": f"$response.body#/{id_field}"}
    by_party = {"party_id": f"$response.body#/{id_field}"}
    links = linked(
        201,
        get=link("GET", one, **by_id),
        rename=link("PUT", one, **by_id),
        pay=link("POST", f"/api/{party}s/{{party_id}}/payments", **by_party),
        statement=link("GET", f"/api/{party}s/{{party_id}}/statement", **by_party),
    )
    return {
        "status_code": status.HTTP_201_CREATED,
        "response_model": side.read_model,
        "responses": error_responses(*BODY, 409) | links,
        "description": f"Add a {party}. A phone already used by a {party} of this shop is a "
        "409 `duplicate`.\n\nA retry with the same `Idempotency-Key` replays the first 201 "
        "instead of a 409.",
    }


def _reading(side: PartySide) -> dict[str, Any]:
    return {"response_model": side.read_model, "responses": error_responses(*AUTHED, 404)}


def _renaming(side: PartySide) -> dict[str, Any]:
    return {
        "response_model": side.read_model,
        "responses": error_responses(*BODY, 404),
        "description": f"Rename a {side.key}; the phone number is their identity and stays.",
    }


async def _list(
    side: PartySide, shop: ShopParties, page: PageDep, q: str | None, phone: str | None
) -> Reply:
    if phone is not None:
        return respond(
            await service.find_by_phone(shop.session, side, shop.shop_id, phone, shop.balances)
        )
    parties, total = await service.list_parties(
        shop.session, side, shop.shop_id, page, shop.balances, q=q
    )
    return respond(parties, headers=page_headers(shop.request, page, total))


async def _create(
    side: PartySide,
    shop: ShopParties,
    key: str | None,
    data: CustomerCreate | VendorCreate,
    name: str,
) -> Response:
    """A retry with the same `Idempotency-Key` replays the first 201 instead of a 409."""
    return await idempotent(
        shop.session,
        shop.principal,
        key,
        f"/api/{side.key}s/",
        data,
        lambda: service.create_party(
            shop.session, side, shop.shop_id, name=name, raw_phone=data.phone_no
        ),
    )


async def _get(side: PartySide, shop: ShopParties, party_id: int) -> Reply:
    return respond(
        await service.get_party(shop.session, side, shop.shop_id, party_id, shop.balances)
    )


async def _rename(side: PartySide, shop: ShopParties, party_id: int, name: str) -> Reply:
    return respond(
        await service.rename_party(shop.session, side, shop.shop_id, party_id, name, shop.balances)
    )


@router.get("/api/customers/", **_listing(CUSTOMERS))
async def list_customers(
    shop: Shop, page: PageDep, q: Search = None, phone: CustomerPhone = None
) -> Reply:
    return await _list(CUSTOMERS, shop, page, q, phone)


@router.get("/api/vendors/", **_listing(VENDORS))
async def list_vendors(
    shop: Shop, page: PageDep, q: Search = None, phone: VendorPhone = None
) -> Reply:
    return await _list(VENDORS, shop, page, q, phone)


@router.post("/api/customers/", **_creating(CUSTOMERS))
async def create_customer(data: CustomerCreate, shop: Shop, key: IdempotencyKeyDep) -> Response:
    return await _create(CUSTOMERS, shop, key, data, data.customer_name)


@router.post("/api/vendors/", **_creating(VENDORS))
async def create_vendor(data: VendorCreate, shop: Shop, key: IdempotencyKeyDep) -> Response:
    return await _create(VENDORS, shop, key, data, data.vendor_name)


@router.get("/api/customers/{customer_id}", **_reading(CUSTOMERS))
async def get_customer(customer_id: IdPath, shop: Shop) -> Reply:
    return await _get(CUSTOMERS, shop, customer_id)


@router.get("/api/vendors/{vendor_id}", **_reading(VENDORS))
async def get_vendor(vendor_id: IdPath, shop: Shop) -> Reply:
    return await _get(VENDORS, shop, vendor_id)


@router.put("/api/customers/{customer_id}", **_renaming(CUSTOMERS))
async def rename_customer(customer_id: IdPath, data: CustomerUpdate, shop: Shop) -> Reply:
    return await _rename(CUSTOMERS, shop, customer_id, data.customer_name)


@router.put("/api/vendors/{vendor_id}", **_renaming(VENDORS))
async def rename_vendor(vendor_id: IdPath, data: VendorUpdate, shop: Shop) -> Reply:
    return await _rename(VENDORS, shop, vendor_id, data.vendor_name)
