"""HTTP endpoints of /api/udhaar, and the payments and statements of customers and vendors.

Sales udhaar (customers owe the shop) and purchase udhaar (the shop owes vendors) have the
same endpoints: one explicit function per endpoint and side, each a one-line call with its
`PartySide`. Their OpenAPI texts are written once per operation, in `_OPERATIONS`.
"""

from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.dependencies import PrincipalDep, ShopSessionDep
from app.core.inputs import IsoDate
from app.core.openapi import AUTHED, BODY, WRITE, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.core.security import Principal
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.parties.sides import CUSTOMERS, VENDORS, PartySide
from app.udhaar import accounts
from app.udhaar.schemas import (
    ENTRY_MODEL,
    DueList,
    PaymentIn,
    PaymentRecorded,
    PurchaseOpeningIn,
    ReminderQueued,
    SalesOpeningIn,
    SettledMessage,
    StatusFilter,
    Summary,
)

router = APIRouter(tags=["udhaar"], route_class=DecimalRoute)


@router.get("/api/udhaar/summary", response_model=Summary, responses=error_responses(*AUTHED))
async def udhaar_summary(session: ShopSessionDep, principal: PrincipalDep) -> DecimalJSONResponse:
    """Totals both ways: receivable and payable, overdue, and ageing by days since the bill."""
    return respond(await accounts.summary(session, principal.shop_id))


async def _due_list(
    session: ShopSessionDep,
    principal: PrincipalDep,
    days_ahead: Annotated[int, Query(ge=0, le=365, description="Window from today")] = 3,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most entries per side")] = 500,
) -> DecimalJSONResponse:
    """Open udhaar due within `days_ahead` days, both ways, overdue first."""
    return respond(await accounts.due_list(session, principal.shop_id, days_ahead, limit))


for _path in ("/api/udhaar/notifications/", "/api/notifications/"):
    router.add_api_route(
        _path,
        _due_list,
        methods=["GET"],
        response_model=DueList,
        responses=error_responses(*AUTHED),
        summary="Udhaar due soon",
        operation_id=f"due_list_{'udhaar' if 'udhaar' in _path else 'notifications'}",
    )


@dataclass(frozen=True, slots=True)
class ShopUdhaar:
    """What every side's endpoint works with: the shop's session, the caller, the request."""

    session: AsyncSession
    principal: Principal
    request: Request

    @property
    def shop_id(self) -> int:
        return self.principal.shop_id


async def _shop_udhaar(
    session: ShopSessionDep, principal: PrincipalDep, request: Request
) -> ShopUdhaar:
    return ShopUdhaar(session, principal, request)


Shop = Annotated[ShopUdhaar, Depends(_shop_udhaar)]
Reply = DecimalJSONResponse
Key = IdempotencyKeyDep
Status = Annotated[
    StatusFilter, Query(alias="status", description="`open` (default), `settled`, `all`")
]
DueBy = Annotated[IsoDate | None, Query(description="Due on or before this date")]

_TAKES_KEY = "Takes `Idempotency-Key`."


@dataclass(frozen=True, slots=True)
class _Operation:
    """One operation of a side, its texts with `{segment}` ('sales') and `{party}` in them."""

    operation_id: str
    summary: str
    errors: tuple[int, ...]
    description: str | None = None
    status_code: int = status.HTTP_200_OK
    model: Any = None
    """The reply's model; None: the side's udhaar entry."""


_OPERATIONS = {
    "list": _Operation(
        "list_{segment}_udhaar",
        "List {segment} udhaar",
        AUTHED,
        "Open (by default) {segment} udhaar, due date first; paginated with `X-Total-Count` "
        "and `Link`.",
    ),
    "opening": _Operation(
        "add_{segment}_opening_balance",
        "Add an opening {party} balance",
        BODY,
        "What was owed before the app (from the notebook): an udhaar entry without a bill; "
        f"the {{party}} is found or created by phone. {_TAKES_KEY}",
        status.HTTP_201_CREATED,
    ),
    "get": _Operation("get_{segment}_udhaar", "One {segment} udhaar entry", (*AUTHED, 404)),
    "pay": _Operation(
        "pay_{segment}_udhaar",
        "Record a payment on {segment} udhaar",
        (*BODY, 404, 409),
        f"A (partial) payment; more than the balance is a 422. {_TAKES_KEY}",
        status.HTTP_201_CREATED,
        PaymentRecorded,
    ),
    "settle": _Operation(
        "settle_{segment}_udhaar",
        "Settle {segment} udhaar in full",
        (*WRITE, 404),
        "Records a payment of the whole balance; the entry and its history stay.",
        model=SettledMessage,
    ),
    "remind": _Operation(
        "remind_{segment}_udhaar",
        "Send a reminder about {segment} udhaar now",
        (*WRITE, 404, 409),
        "Queues the message in the outbox (delivery status is on the notification). 409 when "
        "settled or the party opted out; 429 over the shop's daily message cap. Takes "
        "`Idempotency-Key`: a retry with the same key queues nothing more.",
        model=ReminderQueued,
    ),
    "pay_party": _Operation(
        "pay_{party}",
        "Record a payment {to_or_from}",
        (*BODY, 404),
        "Spread over their open udhaar, oldest first; more than they owe in all is a 422. "
        + _TAKES_KEY,
        status.HTTP_201_CREATED,
        PaymentRecorded,
    ),
}


def _opening_links(side: PartySide) -> dict[int | str, dict[str, Any]]:
    """A new opening balance leads to the entry's own operations and to its party."""
    base, party = f"/api/udhaar/{side.udhaar_segment}/{{udhar_id}}", side.key
    entry = {"udhar_id": "$response.body#/udhar_id"}
    party_id = {f"{party}_id": f"$response.body#/{party}/{side.id_field}"}
    return linked(
        201,
        get=link("GET", base, **entry),
        pay=link("POST", f"{base}/payments", **entry),
        settle=link("DELETE", base, **entry),
        remind=link("POST", f"{base}/send_sms/", **entry),
        party=link("GET", f"/api/{party}s/{{{party}_id}}", **party_id),
    )


def _route(side: PartySide, name: str) -> dict[str, Any]:
    """The `router.<method>(path, ...)` arguments of operation `name` for `side`."""
    operation = _OPERATIONS[name]
    words = {
        "segment": side.udhaar_segment,
        "party": side.key,
        "to_or_from": "from a customer" if side is CUSTOMERS else "to a vendor",
    }
    entry = ENTRY_MODEL[side.key]
    on_party = name == "pay_party"
    responses = error_responses(*operation.errors)
    tags: list[str | Enum] = ["udhaar"] if on_party else [f"udhaar ({side.udhaar_segment})"]
    return {
        "status_code": operation.status_code,
        "response_model": operation.model or (cast(Any, list)[entry] if name == "list" else entry),
        "responses": responses | _opening_links(side) if name == "opening" else responses,
        "summary": operation.summary.format(**words),
        "description": operation.description and operation.description.format(**words),
        "operation_id": operation.operation_id.format(**words),
        "tags": tags,
    }


async def _list(
    side: PartySide, shop: ShopUdhaar, page: PageDep, status_filter: StatusFilter, before: Any
) -> Reply:
    entries, total = await accounts.list_entries(
        shop.session, shop.shop_id, side, page, status=status_filter, before=before
    )
    return respond(entries, headers=page_headers(shop.request, page, total))


async def _once(
    shop: ShopUdhaar, key: str | None, route: str, data: Any, write: Any, status_code: int = 201
) -> Response:
    """`write` once per `Idempotency-Key`; a retry replays the first reply."""
    return await idempotent(
        shop.session, shop.principal, key, route, data, write, status_code=status_code
    )


async def _add_opening(
    side: PartySide, shop: ShopUdhaar, key: str | None, data: SalesOpeningIn | PurchaseOpeningIn
) -> Response:
    return await _once(
        shop,
        key,
        f"/api/udhaar/{side.udhaar_segment}/",
        data,
        lambda: accounts.add_opening_balance(shop.session, shop.shop_id, side, data),
    )


async def _get(side: PartySide, shop: ShopUdhaar, udhar_id: int) -> Reply:
    return respond(await accounts.get_entry(shop.session, shop.shop_id, side, udhar_id))


async def _pay_entry(
    side: PartySide, shop: ShopUdhaar, key: str | None, udhar_id: int, data: PaymentIn
) -> Response:
    return await _once(
        shop,
        key,
        f"/api/udhaar/{side.udhaar_segment}/{udhar_id}/payments",
        data,
        lambda: accounts.pay_entry(shop.session, shop.shop_id, side, udhar_id, data),
    )


async def _settle(side: PartySide, shop: ShopUdhaar, udhar_id: int) -> Reply:
    message = await accounts.settle_in_full(shop.session, shop.shop_id, side, udhar_id)
    return respond(SettledMessage(msg=message))


async def _remind(side: PartySide, shop: ShopUdhaar, key: str | None, udhar_id: int) -> Response:
    return await _once(
        shop,
        key,
        f"/api/udhaar/{side.udhaar_segment}/{udhar_id}/send_sms/",
        None,
        lambda: accounts.send_reminder(
            shop.session,
            shop.shop_id,
            side,
            udhar_id,
            statement_link=bool(shop.request.app.state.settings.messaging.public_base_url),
        ),
        status_code=status.HTTP_200_OK,
    )


async def _pay_party(
    side: PartySide, shop: ShopUdhaar, key: str | None, party_id: int, data: PaymentIn
) -> Response:
    return await _once(
        shop,
        key,
        f"/api/{side.key}s/{party_id}/payments",
        data,
        lambda: accounts.pay_party(shop.session, shop.shop_id, side, party_id, data),
    )


@router.get("/api/udhaar/sales/", **_route(CUSTOMERS, "list"))
async def list_sales_udhaar(
    shop: Shop, page: PageDep, status: Status = "open", before: DueBy = None
) -> Reply:
    return await _list(CUSTOMERS, shop, page, status, before)


@router.get("/api/udhaar/purchases/", **_route(VENDORS, "list"))
async def list_purchases_udhaar(
    shop: Shop, page: PageDep, status: Status = "open", before: DueBy = None
) -> Reply:
    return await _list(VENDORS, shop, page, status, before)


@router.post("/api/udhaar/sales/", **_route(CUSTOMERS, "opening"))
async def add_sales_opening_balance(data: SalesOpeningIn, shop: Shop, key: Key) -> Response:
    return await _add_opening(CUSTOMERS, shop, key, data)


@router.post("/api/udhaar/purchases/", **_route(VENDORS, "opening"))
async def add_purchases_opening_balance(data: PurchaseOpeningIn, shop: Shop, key: Key) -> Response:
    return await _add_opening(VENDORS, shop, key, data)


@router.get("/api/udhaar/sales/{udhar_id}", **_route(CUSTOMERS, "get"))
async def get_sales_udhaar(udhar_id: IdPath, shop: Shop) -> Reply:
    return await _get(CUSTOMERS, shop, udhar_id)


@router.get("/api/udhaar/purchases/{udhar_id}", **_route(VENDORS, "get"))
async def get_purchases_udhaar(udhar_id: IdPath, shop: Shop) -> Reply:
    return await _get(VENDORS, shop, udhar_id)


@router.delete("/api/udhaar/sales/{udhar_id}", **_route(CUSTOMERS, "settle"))
async def settle_sales_udhaar(udhar_id: IdPath, shop: Shop) -> Reply:
    return await _settle(CUSTOMERS, shop, udhar_id)


@router.delete("/api/udhaar/purchases/{udhar_id}", **_route(VENDORS, "settle"))
async def settle_purchases_udhaar(udhar_id: IdPath, shop: Shop) -> Reply:
    return await _settle(VENDORS, shop, udhar_id)


@router.post("/api/udhaar/sales/{udhar_id}/payments", **_route(CUSTOMERS, "pay"))
async def pay_sales_udhaar(udhar_id: IdPath, data: PaymentIn, shop: Shop, key: Key) -> Response:
    return await _pay_entry(CUSTOMERS, shop, key, udhar_id, data)


@router.post("/api/udhaar/purchases/{udhar_id}/payments", **_route(VENDORS, "pay"))
async def pay_purchases_udhaar(udhar_id: IdPath, data: PaymentIn, shop: Shop, key: Key) -> Response:
    return await _pay_entry(VENDORS, shop, key, udhar_id, data)


@router.post("/api/udhaar/sales/{udhar_id}/send_sms/", **_route(CUSTOMERS, "remind"))
async def remind_sales_udhaar(udhar_id: IdPath, shop: Shop, key: Key) -> Response:
    return await _remind(CUSTOMERS, shop, key, udhar_id)


@router.post("/api/udhaar/purchases/{udhar_id}/send_sms/", **_route(VENDORS, "remind"))
async def remind_purchases_udhaar(udhar_id: IdPath, shop: Shop, key: Key) -> Response:
    return await _remind(VENDORS, shop, key, udhar_id)


@router.post("/api/customers/{party_id}/payments", **_route(CUSTOMERS, "pay_party"))
async def pay_customer(party_id: IdPath, data: PaymentIn, shop: Shop, key: Key) -> Response:
    return await _pay_party(CUSTOMERS, shop, key, party_id, data)


@router.post("/api/vendors/{party_id}/payments", **_route(VENDORS, "pay_party"))
async def pay_vendor(party_id: IdPath, data: PaymentIn, shop: Shop, key: Key) -> Response:
    return await _pay_party(VENDORS, shop, key, party_id, data)
