"""HTTP endpoints of /api/profit-loss (the existing clients' paths) and /api/reports (profit
and loss, the GST summary, GSTR-1, the reorder list).

Two URL families, one module: `router` bundles both so `app.main` includes a single router.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from app.auth.dependencies import OwnerDep, ShopSessionDep
from app.core.openapi import AUTHED, error_responses
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.reports import gstr1_csv, service
from app.reports.gst_schemas import PERIOD_PATTERN, Gstr1, Gstr1Format, GstSummary
from app.reports.schemas import (
    IsoDate,
    ProfitLossRecord,
    ProfitLossReport,
    ReorderReport,
    ReportGroup,
)

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


@reports.get("/gst-summary", response_model=GstSummary, responses=error_responses(*AUTHED, 403))
async def gst_summary(
    session: ShopSessionDep,
    principal: OwnerDep,
    date_from: Annotated[
        IsoDate | None, Query(alias="from", description="First day, YYYY-MM-DD (inclusive)")
    ] = None,
    date_to: Annotated[
        IsoDate | None, Query(alias="to", description="Last day, YYYY-MM-DD (inclusive)")
    ] = None,
) -> DecimalJSONResponse:
    """Output tax, input tax and the net payable per head over a date range (owner only).

    Output: non-void tax invoices by their date, less the credit notes dated in the range.
    Input: non-void purchases by their date. Reverse-charge purchases are listed apart: their
    tax is both payable and claimable. `from` after `to` is a 422.
    """
    summary = await service.gst_summary(
        session, principal.shop_id, date_from=date_from, date_to=date_to
    )
    return respond(summary)


@reports.get("/reorder", response_model=ReorderReport, responses=error_responses(*AUTHED, 403))
async def reorder(
    session: ShopSessionDep,
    principal: OwnerDep,
    days: Annotated[
        int, Query(ge=1, le=90, description="The horizon: list what runs out within these days")
    ] = 14,
    window: Annotated[
        int,
        Query(ge=7, le=180, description="Days of sales (today included) the rate is taken over"),
    ] = 30,
) -> DecimalJSONResponse:
    """What to order (owner only): live products at or below their reorder level, and those
    that would run out within `days` at their rate of sale over the last `window` days.

    The rate counts live bills dated in the window, net of their returns. Each item has a
    suggested quantity (enough for `days` of sales that leaves the reorder level in stock)
    and the vendor of its latest live purchase. Products that did not sell come first, then
    by days of stock left.
    """
    return respond(
        await service.reorder_report(session, principal.shop_id, days=days, window=window)
    )


_ZIP: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        "description": "GSTR-1 as GSTN's JSON, or with `format=csv` a ZIP of the offline "
        "tool's CSV sheets",
    }
}


@reports.get("/gstr1", response_model=Gstr1, responses=_ZIP | error_responses(*AUTHED, 403, 409))
async def gstr1(
    session: ShopSessionDep,
    principal: OwnerDep,
    period: Annotated[
        str | None,
        Query(
            pattern=PERIOD_PATTERN,
            description="The month, YYYY-MM (default: the month before the shop's today)",
            examples=["2026-11"],
        ),
    ] = None,
    output: Annotated[
        Gstr1Format,
        Query(alias="format", description="`json` (GSTN's upload) or `csv` (ZIP of sheets)"),
    ] = "json",
) -> Response:
    """GSTR-1 of a month for a regular GST shop (owner only); 409 for any other shop.

    Sections `b2b`, `b2cl`, `b2cs`, `cdnr`, `cdnur`, `hsn` (`hsn_b2b`, `hsn_b2c`) and
    `doc_issue`, with GSTN's keys; docs/api.md says which document goes where.
    """
    report, names = await service.gstr1_report(session, principal.shop_id, period)
    if output == "json":
        return respond(report)
    filename = f"GSTR1_{report['gstin']}_{report['fp']}.zip"
    return Response(
        gstr1_csv.zipped(report, names),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


router = APIRouter()
router.include_router(profit_loss)
router.include_router(reports)
