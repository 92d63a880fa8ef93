"""HTTP endpoints of /api/profit-loss (the existing clients' paths) and /api/reports (profit
and loss, the GST summary, GSTR-1, the reorder list).

Two URL families, one module: `router` bundles both so `app.main` includes a single router.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from app.auth import service as auth_service
from app.auth.dependencies import OwnerDep, ShopSessionDep
from app.core import jsoncodec
from app.core.export import EXPORT_RESPONSES, ColumnKind, FormatQuery, report_response
from app.core.export.response import XLSX_MEDIA_TYPE
from app.core.openapi import AUTHED, error_responses
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.reports import gstr1_csv, service
from app.reports.gst_schemas import PERIOD_PATTERN, Gstr1, Gstr1Format, GstSummary
from app.reports.sales_schemas import SalesBy, SalesReport
from app.reports.sales_service import sales_report
from app.reports.schemas import (
    IsoDate,
    ProfitLossRecord,
    ProfitLossReport,
    ReorderReport,
    ReportGroup,
)
from app.reports.stock_schemas import StockSummary
from app.reports.stock_service import stock_summary

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
    "/profit-loss",
    response_model=ProfitLossReport,
    responses=EXPORT_RESPONSES | error_responses(*AUTHED, 403),
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
    output: FormatQuery = "json",
) -> Response:
    """Sales, cost, profit and bill count per day or month, with totals; void sales excluded.

    A return counts in the period of the sale it belongs to, not the day it came back, so a
    period already reported can change later. `from` after `to` is a 422.
    """
    report = await service.profit_loss_report(
        session, principal.shop_id, group=group, date_from=date_from, date_to=date_to
    )
    shop = await auth_service.shop_settings(session, principal.shop_id)
    return await report_response(
        report, output, shop=shop, name="profit-loss", title="Profit and loss"
    )


@reports.get(
    "/gst-summary",
    response_model=GstSummary,
    responses=EXPORT_RESPONSES | error_responses(*AUTHED, 403),
)
async def gst_summary(
    session: ShopSessionDep,
    principal: OwnerDep,
    date_from: Annotated[
        IsoDate | None, Query(alias="from", description="First day, YYYY-MM-DD (inclusive)")
    ] = None,
    date_to: Annotated[
        IsoDate | None, Query(alias="to", description="Last day, YYYY-MM-DD (inclusive)")
    ] = None,
    output: FormatQuery = "json",
) -> Response:
    """Output tax, input tax and the net payable per head over a date range (owner only).

    Output: non-void tax invoices by their date, less the credit notes dated in the range.
    Input: non-void purchases by their date. Reverse-charge purchases are listed apart: their
    tax is both payable and claimable. `from` after `to` is a 422.
    """
    summary = await service.gst_summary(
        session, principal.shop_id, date_from=date_from, date_to=date_to
    )
    shop = await auth_service.shop_settings(session, principal.shop_id)
    return await report_response(
        summary, output, shop=shop, name="gst-summary", title="GST summary"
    )


_REORDER_KINDS: dict[str, ColumnKind] = {"days_left": "number"}
"""Days of stock left: a decimal that is neither money nor a quantity."""


@reports.get(
    "/reorder",
    response_model=ReorderReport,
    responses=EXPORT_RESPONSES | error_responses(*AUTHED, 403),
)
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
    output: FormatQuery = "json",
) -> Response:
    """What to order (owner only): live products at or below their reorder level, and those
    that would run out within `days` at their rate of sale over the last `window` days.

    The rate counts live bills dated in the window, net of their returns. Each item has a
    suggested quantity (enough for `days` of sales that leaves the reorder level in stock)
    and the vendor of its latest live purchase. Products that did not sell come first, then
    by days of stock left.
    """
    report = await service.reorder_report(session, principal.shop_id, days=days, window=window)
    shop = await auth_service.shop_settings(session, principal.shop_id)
    return await report_response(
        report, output, shop=shop, name="reorder", title="Reorder list", kinds=_REORDER_KINDS
    )


@reports.get(
    "/sales", response_model=SalesReport, responses=EXPORT_RESPONSES | error_responses(*AUTHED, 403)
)
async def sales_analysis(
    session: ShopSessionDep,
    principal: OwnerDep,
    date_from: Annotated[
        IsoDate | None,
        Query(alias="from", description="First bill date, YYYY-MM-DD (default: 1st of to's month)"),
    ] = None,
    date_to: Annotated[
        IsoDate | None,
        Query(alias="to", description="Last bill date, YYYY-MM-DD (default: the shop's today)"),
    ] = None,
    by: Annotated[SalesBy, Query(description="The rows' dimension")] = "product",
    limit: Annotated[int, Query(ge=1, le=100, description="Products in `top` and `slowest`")] = 10,
    inactive_days: Annotated[
        int, Query(ge=7, le=365, description="Days without a live bill that count as stopped")
    ] = 30,
    output: FormatQuery = "json",
) -> Response:
    """Sales analysis (owner only): quantity, revenue, profit, bills and average bill per
    product, customer, day, month or payment mode, with totals, the best and slowest products
    and the customers who stopped buying.

    Revenue and profit are profit and loss's `sales` and `profit`: void bills never count, a
    return counts against its bill. `from` after `to` is a 422.
    """
    report = await sales_report(
        session,
        principal.shop_id,
        date_from=date_from,
        date_to=date_to,
        by=by,
        limit=limit,
        inactive_days=inactive_days,
    )
    if output == "json":
        return respond(report)
    # The reply embeds PostgreSQL's JSON as it is; a file needs the model, so decode it once
    # (Decimals stay exact: numbers are read as Decimal).
    model = SalesReport.model_validate(jsoncodec.loads(jsoncodec.dumps(report)))
    shop = await auth_service.shop_settings(session, principal.shop_id)
    return await report_response(model, output, shop=shop, name="sales", title="Sales analysis")


@reports.get(
    "/stock",
    response_model=StockSummary,
    responses=EXPORT_RESPONSES | error_responses(*AUTHED, 403),
)
async def stock_report(
    session: ShopSessionDep,
    principal: OwnerDep,
    page: PageDep,
    request: Request,
    as_of: Annotated[
        IsoDate | None,
        Query(description="The day, YYYY-MM-DD (default: the shop's today; a future day is a 422)"),
    ] = None,
    output: FormatQuery = "json",
) -> Response:
    """Stock and its value (owner only) at the end of a day: per live product its quantity,
    moving-average cost, value at cost and at its sale price, by name, with the totals over
    all products (`X-Total-Count` counts them; `limit`/`offset` page the list only).

    Past days come from the stock ledger by the movements' business dates: a bill entered
    later but dated earlier counts from its own date, and a voided bill counts on no day.
    """
    report = await stock_summary(session, principal.shop_id, as_of=as_of, page=page)
    shop = await auth_service.shop_settings(session, principal.shop_id)
    return await report_response(
        report,
        output,
        shop=shop,
        name="stock",
        title="Stock summary",
        headers=page_headers(request, page, report.totals.products),
    )


_BINARY = {"schema": {"type": "string", "format": "binary"}}
_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/zip": _BINARY, XLSX_MEDIA_TYPE: _BINARY},
        "description": "GSTR-1 as GSTN's JSON, with `format=csv` a ZIP of the offline "
        "tool's CSV sheets, with `format=xlsx` the same sheets in one workbook",
    }
}


@reports.get("/gstr1", response_model=Gstr1, responses=_FILES | error_responses(*AUTHED, 403, 409))
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
        Query(
            alias="format",
            description="`json` (GSTN's upload), `csv` (ZIP of the offline tool's sheets) or "
            "`xlsx` (the same sheets in one workbook)",
        ),
    ] = "json",
) -> Response:
    """GSTR-1 of a month for a regular GST shop (owner only); 409 for any other shop.

    Sections `b2b`, `b2cl`, `b2cs`, `cdnr`, `cdnur`, `hsn` (`hsn_b2b`, `hsn_b2c`) and
    `doc_issue`, with GSTN's keys; docs/api.md says which document goes where.
    """
    report, names = await service.gstr1_report(session, principal.shop_id, period)
    if output == "json":
        return respond(report)
    if output == "xlsx":
        from app.reports import gstr1_xlsx  # openpyxl: loaded by the first workbook (24 MB)

        body, media_type, suffix = gstr1_xlsx.workbook(report, names), XLSX_MEDIA_TYPE, "xlsx"
    else:
        body, media_type, suffix = gstr1_csv.zipped(report, names), "application/zip", "zip"
    filename = f"GSTR1_{report['gstin']}_{report['fp']}.{suffix}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


router = APIRouter()
router.include_router(profit_loss)
router.include_router(reports)
