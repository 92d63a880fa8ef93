"""`?format=json|csv|xlsx` on a report route: the query parameter, its OpenAPI responses, and
the one call that answers in the asked format.

A route adds exports with three things (see docs/api.md, "Exports: CSV and XLSX"):

    responses=EXPORT_RESPONSES | error_responses(...)       # in the decorator
    output: FormatQuery = "json",                            # a parameter, `-> Response`
    shop = await auth_service.shop_settings(session, principal.shop_id)
    return await report_response(report, output, shop=shop, name="profit-loss",
                                  title="Profit and loss")

The shop session has already loaded the shop settings, so asking for them costs nothing.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Protocol

from fastapi import Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.core.export.csv_file import render_csv
from app.core.export.layout import ColumnKind, Heading, date_text, layout
from app.core.responses import respond

ExportFormat = Literal["json", "csv", "xlsx"]
FormatQuery = Annotated[
    ExportFormat,
    Query(
        alias="format",
        description="`json` (default), `csv` (UTF-8, figures as plain decimals) or `xlsx` "
        "(Excel, Indian digit grouping); files open with the shop's name and the period",
    ),
]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The report as JSON; with `format=csv` or `format=xlsx` the same "
        "figures as a file to download (`Content-Disposition: attachment`)",
    }
}
"""The 200 response's other media types, merged into the route's `responses=`."""


class ShopHeading(Protocol):
    """What a file's heading needs of the shop (`app.auth.service.ShopSettings` has both)."""

    @property
    def name(self) -> str: ...

    def now(self) -> dt.datetime: ...


DatePair = tuple[dt.date | None, dt.date | None]


def _period_of(report: BaseModel) -> tuple[DatePair | None, dt.date | None]:
    """The report's range (`date_from`/`date_to`, or the one day of a `date`/`day` report such
    as the day book), or the day a snapshot is `as_of`."""
    if hasattr(report, "date_from") and hasattr(report, "date_to"):
        return (report.date_from, report.date_to), None
    as_of = getattr(report, "as_of", None)
    if isinstance(as_of, dt.date):
        return None, as_of
    for name in ("date", "day"):
        value = getattr(report, name, None)
        if isinstance(value, dt.date):
            return (value, value), None
    return None, None


def period_text(span: DatePair | None, day: dt.date | None) -> str:
    """`01-11-2026 to 30-11-2026`, `from 01-11-2026`, `up to 30-11-2026`, `all dates`, one
    day `04-12-2026`, or a snapshot's `as of 04-12-2026`."""
    if day is not None:
        return f"as of {date_text(day)}"
    if span is None:
        return ""
    start, end = span
    if start and start == end:
        return date_text(start)
    if start and end:
        return f"{date_text(start)} to {date_text(end)}"
    if start:
        return f"from {date_text(start)}"
    if end:
        return f"up to {date_text(end)}"
    return "all dates"


def filename(name: str, span: DatePair | None, day: dt.date | None, extension: str) -> str:
    """`profit-loss_2026-11-01_2026-11-30.csv`; an open start is `start`, an open end
    `latest`; one day or a snapshot `reorder_2026-12-04.xlsx`."""
    if day is not None:
        return f"{name}_{day.isoformat()}.{extension}"
    if span is None:
        return f"{name}.{extension}"
    start = span[0].isoformat() if span[0] else "start"
    end = span[1].isoformat() if span[1] else "latest"
    if start == end:
        return f"{name}_{start}.{extension}"
    return f"{name}_{start}_{end}.{extension}"


def _render(
    report: BaseModel,
    output: ExportFormat,
    heading: Heading,
    kinds: Mapping[str, ColumnKind] | None,
    tz: dt.tzinfo | None,
) -> bytes:
    sheet = layout(report, kinds=kinds, tz=tz)
    if output == "csv":
        return render_csv(sheet, heading)
    # openpyxl (about 24 MB) is loaded by a worker's first workbook, not by every API worker.
    from app.core.export.xlsx_file import render_xlsx

    return render_xlsx(sheet, heading)


async def report_response(
    report: BaseModel,
    output: ExportFormat,
    *,
    shop: ShopHeading,
    name: str,
    title: str,
    period: DatePair | None = None,
    kinds: Mapping[str, ColumnKind] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The report as JSON, or as a CSV/XLSX download with the shop's name and period on top.

    `name` is the file name's stem (the route's last path segment), `title` the human one.
    The period comes from the report's `date_from`/`date_to`, else its `as_of`/`date`/`day`;
    `period` overrides it. The file is drawn in a worker thread: 10,000 products take seconds
    in openpyxl, and the event loop must keep serving other requests meanwhile.
    `kinds` names fields whose column kind the layout cannot tell (e.g.
    `{"days_left": "number"}`: a decimal that is neither money nor a quantity). `headers`
    (a paged report's `X-Total-Count`, `Link`) go on the reply in every format.
    """
    if output == "json":
        return respond(report, headers=headers)
    span, day = (period, None) if period is not None else _period_of(report)
    now = shop.now()
    heading = Heading(
        shop=shop.name,
        title=title,
        period=period_text(span, day),
        generated_at=now.replace(tzinfo=None, microsecond=0),
    )
    body = await run_in_threadpool(_render, report, output, heading, kinds, now.tzinfo)
    media_type = CSV_MEDIA_TYPE if output == "csv" else XLSX_MEDIA_TYPE
    disposition = f'attachment; filename="{filename(name, span, day, output)}"'
    return Response(
        body, media_type=media_type, headers={**(headers or {}), "Content-Disposition": disposition}
    )
