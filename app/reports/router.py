"""HTTP endpoints of /api/profit-loss (the existing clients' paths) and /api/reports.

Two URL families, one module: `router` bundles both so `app.main` includes a single router.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from app.auth.dependencies import OwnerDep, ShopSessionDep
from app.core.openapi import AUTHED, error_responses
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.reports import service
from app.reports.schemas import IsoDate, ProfitLossRecord, ProfitLossReport, ReportGroup

profit_loss = APIRouter(
    prefix="/api/profit-loss", tags=["profit and loss"], route_class=DecimalRoute
)
reports = APIRouter(prefix="/api/reports", tags=["reports"], route_class=DecimalRoute)


@profit_loss.get(
    "/", response_model=list[ProfitLossRecord], responses=error_responses(*AUTHED, 403)
)
async def list_profit_loss(
    session: ShopSessionDep, principal: OwnerDep, page: PageDep, request: Request
) -> DecimalJSONResponse:
    """Profit or loss of every non-void sale, newest first, net of returns.

    Records are derived from the sales, not stored: `id` is the sale's id, as is `sales_id`.
    """
    records, total = await service.list_records(session, principal.shop_id, page)
    return respond(records, headers=page_headers(request, page, total))


@profit_loss.get(
    "/by-date/{date}",
    response_model=list[ProfitLossRecord],
    responses=error_responses(*AUTHED, 403),
)
async def profit_loss_by_date(
    date: Annotated[IsoDate, Path(description="The bills' date, YYYY-MM-DD")],
    session: ShopSessionDep,
    principal: OwnerDep,
    page: PageDep,
    request: Request,
) -> DecimalJSONResponse:
    """The records of the non-void sales dated that day (an empty list when there are none)."""
    records, total = await service.list_records(session, principal.shop_id, page, sale_date=date)
    return respond(records, headers=page_headers(request, page, total))


@profit_loss.get(
    "/{sales_id}",
    response_model=list[ProfitLossRecord],
    responses=error_responses(*AUTHED, 403, 404),
)
async def profit_loss_of_sale(
    sales_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    """A list holding the one record of that sale; 404 for a void or unknown sale."""
    return respond([await service.record_of_sale(session, principal.shop_id, sales_id)])


@reports.get(
    "/profit-loss", response_model=ProfitLossReport, responses=error_responses(*AUTHED, 403)
)
async def profit_loss_report(
    session: ShopSessionDep,
    principal: OwnerDep,
    date_from: Annotated[
        IsoDate | None, Query(alias="from", description="First day, YYYY-MM-DD (inclusive)")
    ] = None,
    date_to: Annotated[
        IsoDate | None, Query(alias="to", description="Last day, YYYY-MM-DD (inclusive)")
    ] = None,
    group: Annotated[ReportGroup, Query(description="One row per day or per month")] = "day",
) -> DecimalJSONResponse:
    """Sales, cost, profit and bill count per day or month, with totals; void sales excluded.

    A return counts in the period of the sale it belongs to, not the day it came back, so a
    period already reported can change later. `from` after `to` is a 422.
    """
    report = await service.profit_loss_report(
        session, principal.shop_id, group=group, date_from=date_from, date_to=date_to
    )
    return respond(report)


router = APIRouter()
router.include_router(profit_loss)
router.include_router(reports)
