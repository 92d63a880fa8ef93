"""HTTP endpoints of the day book: `GET /api/reports/day-book` and the owner's cash counts
(`POST /api/reports/day-book/cash-count`). Owner only, like every report: the role table
(docs/api.md) gives staff no reports and no part in closing the day's cash."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth import service as auth_service
from app.auth.dependencies import OwnerDep, ShopSessionDep
from app.cashbook import service
from app.cashbook.schemas import CashCountIn, CashCountOut, DayBookReport
from app.core.export import EXPORT_RESPONSES, FormatQuery, report_response
from app.core.inputs import IsoDate
from app.core.openapi import AUTHED, BODY, error_responses
from app.core.routing import DecimalRoute
from app.idempotency.service import IdempotencyKeyDep, idempotent

router = APIRouter(prefix="/api/reports/day-book", tags=["reports"], route_class=DecimalRoute)


@router.get(
    "", response_model=DayBookReport, responses=EXPORT_RESPONSES | error_responses(*AUTHED, 403)
)
async def day_book(
    session: ShopSessionDep,
    principal: OwnerDep,
    date: Annotated[
        IsoDate | None,
        Query(description="The day, YYYY-MM-DD in the shop's time zone (default today)"),
    ] = None,
    output: FormatQuery = "json",
) -> Response:
    """Every money movement of the day in the order it happened, totals by mode, udhaar
    given and received, and the cash from opening to closing (owner only; a future date is
    a 422). A bill counts on its own date (a backdated one on that day); a void on the day it
    was done."""
    report = await service.day_book_report(session, principal.shop_id, date)
    shop = await auth_service.shop_settings(session, principal.shop_id)
    return await report_response(report, output, shop=shop, name="day-book", title="Day book")


@router.post(
    "/cash-count",
    status_code=status.HTTP_201_CREATED,
    response_model=CashCountOut,
    responses=error_responses(*BODY, 403),
)
async def record_cash_count(
    data: CashCountIn,
    session: ShopSessionDep,
    principal: OwnerDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Owners only: the cash counted at a day's close (default today). It becomes that day's
    closing cash; the reply shows what the books expected and the difference. Counting the
    same day again replaces the count (a new row: the latest wins)."""
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/reports/day-book/cash-count",
        data,
        lambda: service.record_count(session, principal, data),
    )
