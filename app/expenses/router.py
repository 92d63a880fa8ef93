"""HTTP endpoints of /api/expenses: staff record and read expenses; voiding one and adding a
category are the owner's."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import OwnerDep, PrincipalDep, ShopSessionDep
from app.core.inputs import IsoDate
from app.core.openapi import AUTHED, BODY, error_responses, link, linked
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.expenses import service
from app.expenses.schemas import (
    CategoryCreate,
    CategoryOut,
    ExpenseCreate,
    ExpenseOut,
    ExpensePaymentMode,
    ExpenseVoid,
)
from app.idempotency.service import IdempotencyKeyDep, idempotent

router = APIRouter(prefix="/api/expenses", tags=["expenses"], route_class=DecimalRoute)

_EXPENSE = {"expense_id": "$response.body#/expense_id"}
_CREATED = linked(
    201,
    get=link("GET", "/api/expenses/{expense_id}", **_EXPENSE),
    void=link("POST", "/api/expenses/{expense_id}/void", **_EXPENSE),
)


@router.get("/categories", response_model=list[CategoryOut], responses=error_responses(*AUTHED))
async def list_categories(session: ShopSessionDep, principal: PrincipalDep) -> DecimalJSONResponse:
    """The default categories, then the shop's own."""
    return respond(await service.categories(session, principal.shop_id))


@router.post(
    "/categories",
    status_code=status.HTTP_201_CREATED,
    response_model=CategoryOut,
    responses=error_responses(*BODY, 403, 409),
)
async def add_category(
    data: CategoryCreate,
    session: ShopSessionDep,
    principal: OwnerDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Owners only: a category of the shop's own (409 when the name exists, case ignored)."""
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/expenses/categories",
        data,
        lambda: service.add_category(session, principal, data.name),
    )


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    response_model=ExpenseOut,
    responses=error_responses(*BODY) | _CREATED,
)
async def create_expense(
    data: ExpenseCreate,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Record money the shop spent."""
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/expenses/",
        data,
        lambda: service.record(session, principal, data),
    )


@router.get("/", response_model=list[ExpenseOut], responses=error_responses(*AUTHED))
async def list_expenses(
    session: ShopSessionDep,
    principal: PrincipalDep,
    page: PageDep,
    request: Request,
    date_from: Annotated[
        IsoDate | None, Query(alias="from", description="First day, YYYY-MM-DD (inclusive)")
    ] = None,
    date_to: Annotated[
        IsoDate | None, Query(alias="to", description="Last day, YYYY-MM-DD (inclusive)")
    ] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    payment_mode: ExpensePaymentMode | None = None,
) -> DecimalJSONResponse:
    """Expenses, newest first by date; voided ones are listed with `status` "void"."""
    rows, total = await service.list_expenses(
        session,
        principal.shop_id,
        page,
        date_from=date_from,
        date_to=date_to,
        category=category,
        payment_mode=payment_mode,
    )
    return respond(rows, headers=page_headers(request, page, total))


@router.get("/{expense_id}", response_model=ExpenseOut, responses=error_responses(*AUTHED, 404))
async def get_expense(
    expense_id: IdPath, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    return respond(await service.expense(session, principal.shop_id, expense_id))


@router.post(
    "/{expense_id}/void",
    response_model=ExpenseOut,
    responses=error_responses(*BODY, 403, 404, 409),
)
async def void_expense(
    expense_id: IdPath,
    data: ExpenseVoid,
    session: ShopSessionDep,
    principal: OwnerDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Owners only: void an expense by a reversing row (a second void is a 409; a retry with
    the same Idempotency-Key replays the first reply)."""
    return await idempotent(
        session,
        principal,
        idempotency_key,
        f"/api/expenses/{expense_id}/void",
        data,
        lambda: service.void(session, principal, expense_id, data.reason),
        status_code=status.HTTP_200_OK,
    )
