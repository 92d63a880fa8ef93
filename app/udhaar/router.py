"""HTTP endpoints of /api/udhaar, and the payments and statements of customers and vendors.

Sales udhaar (customers owe the shop) and purchase udhaar (the shop owes vendors) have the
same endpoints; each pair of routes below is registered once per side by `_side_routes`.
"""

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import PrincipalDep, ShopSessionDep
from app.core.inputs import IsoDate
from app.core.openapi import AUTHED, BODY, WRITE, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.udhaar import accounts
from app.udhaar.repository import EntryKind
from app.udhaar.schemas import (
    DueList,
    PaymentIn,
    PaymentRecorded,
    PurchaseOpeningIn,
    PurchaseUdhaar,
    ReminderQueued,
    SalesOpeningIn,
    SalesUdhaar,
    SettledMessage,
    Statement,
    StatusFilter,
    Summary,
)

router = APIRouter(tags=["udhaar"], route_class=DecimalRoute)

DateFrom = Annotated[IsoDate | None, Query(alias="from", description="From this date (incl.)")]
DateTo = Annotated[IsoDate | None, Query(alias="to", description="Up to this date (incl.)")]


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


def _side_routes(kind: EntryKind) -> None:
    """Register the /api/udhaar/{sales|purchases} routes of one side."""
    segment = "sales" if kind == "sale" else "purchases"
    base = f"/api/udhaar/{segment}"
    model = SalesUdhaar if kind == "sale" else PurchaseUdhaar
    opening_model = SalesOpeningIn if kind == "sale" else PurchaseOpeningIn
    party = "customer" if kind == "sale" else "vendor"
    entry = {"udhar_id": "$response.body#/udhar_id"}
    party_id = f"$response.body#/{party}/{'cust_id' if kind == 'sale' else 'vend_id'}"
    created = linked(
        201,
        get=link("GET", f"{base}/{{udhar_id}}", **entry),
        pay=link("POST", f"{base}/{{udhar_id}}/payments", **entry),
        settle=link("DELETE", f"{base}/{{udhar_id}}", **entry),
        remind=link("POST", f"{base}/{{udhar_id}}/send_sms/", **entry),
        party=link("GET", f"/api/{party}s/{{{party}_id}}", **{f"{party}_id": party_id}),
    )

    async def list_entries(
        session: ShopSessionDep,
        principal: PrincipalDep,
        page: PageDep,
        request: Request,
        status_filter: Annotated[
            StatusFilter, Query(alias="status", description="`open` (default), `settled`, `all`")
        ] = "open",
        before: Annotated[IsoDate | None, Query(description="Due on or before this date")] = None,
    ) -> DecimalJSONResponse:
        entries, total = await accounts.list_entries(
            session, principal.shop_id, kind, page, status=status_filter, before=before
        )
        return respond(entries, headers=page_headers(request, page, total))

    async def add_opening(
        data: opening_model,  # type: ignore[valid-type]
        session: ShopSessionDep,
        principal: PrincipalDep,
        idempotency_key: IdempotencyKeyDep,
    ) -> Response:
        return await idempotent(
            session,
            principal,
            idempotency_key,
            f"{base}/",
            data,
            lambda: accounts.add_opening_balance(session, principal.shop_id, kind, data),
        )

    async def get_entry(
        udhar_id: IdPath, session: ShopSessionDep, principal: PrincipalDep
    ) -> DecimalJSONResponse:
        return respond(await accounts.get_entry(session, principal.shop_id, kind, udhar_id))

    async def pay(
        udhar_id: IdPath,
        data: PaymentIn,
        session: ShopSessionDep,
        principal: PrincipalDep,
        idempotency_key: IdempotencyKeyDep,
    ) -> Response:
        return await idempotent(
            session,
            principal,
            idempotency_key,
            f"{base}/{udhar_id}/payments",
            data,
            lambda: accounts.pay_entry(session, principal.shop_id, kind, udhar_id, data),
        )

    async def settle(
        udhar_id: IdPath, session: ShopSessionDep, principal: PrincipalDep
    ) -> DecimalJSONResponse:
        message = await accounts.settle_in_full(session, principal.shop_id, kind, udhar_id)
        return respond(SettledMessage(msg=message))

    async def send_sms(
        udhar_id: IdPath,
        session: ShopSessionDep,
        principal: PrincipalDep,
        idempotency_key: IdempotencyKeyDep,
    ) -> Response:
        return await idempotent(
            session,
            principal,
            idempotency_key,
            f"{base}/{udhar_id}/send_sms/",
            None,
            lambda: accounts.send_reminder(session, principal.shop_id, kind, udhar_id),
            status_code=status.HTTP_200_OK,
        )

    tag: list[str | Enum] = [f"udhaar ({segment})"]
    router.add_api_route(
        f"{base}/",
        list_entries,
        methods=["GET"],
        response_model=list[model],  # type: ignore[valid-type]
        responses=error_responses(*AUTHED),
        summary=f"List {segment} udhaar",
        description=f"Open (by default) {segment} udhaar, due date first; paginated with "
        "`X-Total-Count` and `Link`.",
        operation_id=f"list_{segment}_udhaar",
        tags=tag,
    )
    router.add_api_route(
        f"{base}/",
        add_opening,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=model,
        responses=error_responses(*BODY) | created,
        summary=f"Add an opening {party} balance",
        description=f"What was owed before the app (from the notebook): an udhaar entry "
        f"without a bill; the {party} is found or created by phone. Takes `Idempotency-Key`.",
        operation_id=f"add_{segment}_opening_balance",
        tags=tag,
    )
    router.add_api_route(
        f"{base}/{{udhar_id}}",
        get_entry,
        methods=["GET"],
        response_model=model,
        responses=error_responses(*AUTHED, 404),
        summary=f"One {segment} udhaar entry",
        operation_id=f"get_{segment}_udhaar",
        tags=tag,
    )
    router.add_api_route(
        f"{base}/{{udhar_id}}/payments",
        pay,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=PaymentRecorded,
        responses=error_responses(*BODY, 404, 409),
        summary=f"Record a payment on {segment} udhaar",
        description="A (partial) payment; more than the balance is a 422. Takes `Idempotency-Key`.",
        operation_id=f"pay_{segment}_udhaar",
        tags=tag,
    )
    router.add_api_route(
        f"{base}/{{udhar_id}}",
        settle,
        methods=["DELETE"],
        response_model=SettledMessage,
        responses=error_responses(*WRITE, 404),
        summary=f"Settle {segment} udhaar in full",
        description="Records a payment of the whole balance; the entry and its history stay.",
        operation_id=f"settle_{segment}_udhaar",
        tags=tag,
    )
    router.add_api_route(
        f"{base}/{{udhar_id}}/send_sms/",
        send_sms,
        methods=["POST"],
        response_model=ReminderQueued,
        responses=error_responses(*WRITE, 404, 409),
        summary=f"Send a reminder about {segment} udhaar now",
        description="Queues the message in the outbox (delivery status is on the "
        "notification). 409 when settled or the party opted out; 429 over the shop's daily "
        "message cap. Takes `Idempotency-Key`: a retry with the same key queues nothing more.",
        operation_id=f"remind_{segment}_udhaar",
        tags=tag,
    )


def _party_routes(kind: EntryKind) -> None:
    """Register /api/{customers|vendors}/{id}/payments and /statement."""
    party = "customer" if kind == "sale" else "vendor"
    base = f"/api/{party}s/{{party_id}}"

    async def pay(
        party_id: IdPath,
        data: PaymentIn,
        session: ShopSessionDep,
        principal: PrincipalDep,
        idempotency_key: IdempotencyKeyDep,
    ) -> Response:
        return await idempotent(
            session,
            principal,
            idempotency_key,
            f"/api/{party}s/{party_id}/payments",
            data,
            lambda: accounts.pay_party(session, principal.shop_id, kind, party_id, data),
        )

    async def statement(
        party_id: IdPath,
        session: ShopSessionDep,
        principal: PrincipalDep,
        date_from: DateFrom = None,
        date_to: DateTo = None,
    ) -> DecimalJSONResponse:
        return respond(
            await accounts.statement(
                session,
                principal.shop_id,
                kind,
                party_id,
                date_from=date_from,
                date_to=date_to,
            )
        )

    router.add_api_route(
        f"{base}/payments",
        pay,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=PaymentRecorded,
        responses=error_responses(*BODY, 404),
        summary=f"Record a payment {'from a customer' if kind == 'sale' else 'to a vendor'}",
        description="Spread over their open udhaar, oldest first; more than they owe in all "
        "is a 422. Takes `Idempotency-Key`.",
        operation_id=f"pay_{party}",
        tags=["udhaar"],
    )
    router.add_api_route(
        f"{base}/statement",
        statement,
        methods=["GET"],
        response_model=Statement,
        responses=error_responses(*AUTHED, 404),
        summary=f"A {party}'s udhaar statement",
        description="Bills on credit, opening balances, payments, voids and returns with the "
        "running balance, oldest first; `from`/`to` filter by date.",
        operation_id=f"{party}_statement",
        tags=["udhaar"],
    )


_side_routes("sale")
_side_routes("purchase")
_party_routes("sale")
_party_routes("purchase")
