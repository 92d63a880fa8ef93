"""Response models of /api/profit-loss and /api/reports, and the strict ISO date they accept.

Money fields are `Decimal` all the way to the wire: routers answer with
`app.core.responses.respond`, which writes them as exact JSON numbers.
"""

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.core.money import Number

ReportGroup = Literal["day", "month"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day_text(value: object) -> object:
    """Refuse anything but `YYYY-MM-DD` text before Pydantic parses the date.

    Pydantic alone also accepts `2026-11-25T00:00:00`; docs/api.md promises plain ISO dates, and a
    timestamp here would hide a client bug (which time zone was meant?), so it is a 422.
    """
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_day_text)]
"""A calendar date written exactly as `YYYY-MM-DD` (an impossible day such as 02-30 is a 422)."""


class ProfitLossRecord(BaseModel):
    """The profit or loss of one non-void sale, net of its returns.

    There is no profit-and-loss table: a record is derived from the sale and its returns
    whenever it is read, so it can never disagree with them. `id` is therefore the sale's id,
    the same number as `sales_id`; clients that store `id` keep a stable key.
    """

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": 42, "sales_id": 42, "is_profit": True, "amount": 8}]}
    )

    id: int = Field(description="The sale's id (records are derived, not stored)")
    sales_id: int
    is_profit: bool = Field(description="True when the net profit is zero or more")
    amount: Number = Field(
        ge=0, description="Size of the profit or loss in rupees: |sale profit - returns' profit|"
    )


class PeriodFigures(BaseModel):
    """Sales, cost and profit of one period, net of returns; `bills` counts non-void sales."""

    period: str = Field(description="`YYYY-MM-DD` when grouped by day, `YYYY-MM` by month")
    sales: Number = Field(description="Bill totals minus the amounts of their returns")
    cost: Number = Field(description="Cost of goods sold minus the cost of goods returned")
    profit: Number = Field(description="sales - tax - cost (negative for a loss)")
    bills: int
    discount: Number = Field(
        description="Money taken off the period's bills by line discounts (sales are net of it)"
    )
    tax: Number = Field(
        description="GST inside `sales` (the bills' heads minus those their credit notes "
        "reversed): collected for the government, not profit; 0 for untaxed bills"
    )
    expenses: Number = Field(
        description="What the shop spent in the period (/api/expenses by their date; a voided "
        "expense counts nowhere)"
    )
    net_profit: Number = Field(description="profit - expenses (negative for a loss)")


class ReportTotals(BaseModel):
    sales: Number
    cost: Number
    profit: Number
    bills: int
    discount: Number
    tax: Number
    expenses: Number
    net_profit: Number


class ProfitLossReport(BaseModel):
    """Profit and loss over a date range, one row per day or month that had sales or
    expenses.

    A return counts in the period of the sale it undoes, not the day it came back: a period's
    figures then describe the bills dated in it, and they add up with the per-sale records.
    The consequence is that a month already reported can still change when goods come back.
    """

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "group": "month",
                    "from": "2026-10-01",
                    "to": "2026-11-30",
                    "periods": [
                        {
                            "period": "2026-10",
                            "sales": 1200.5,
                            "cost": 950,
                            "profit": 250.5,
                            "bills": 31,
                            "discount": 12.5,
                            "tax": 0,
                            "expenses": 150,
                            "net_profit": 100.5,
                        },
                        {
                            "period": "2026-11",
                            "sales": 30,
                            "cost": 22,
                            "profit": 8,
                            "bills": 1,
                            "discount": 0,
                            "tax": 0,
                            "expenses": 0,
                            "net_profit": 8,
                        },
                    ],
                    "totals": {
                        "sales": 1230.5,
                        "cost": 972,
                        "profit": 258.5,
                        "bills": 32,
                        "discount": 12.5,
                        "tax": 0,
                        "expenses": 150,
                        "net_profit": 108.5,
                    },
                }
            ]
        },
    )

    group: ReportGroup
    date_from: dt.date | None = Field(
        alias="from", description="First day included, as asked (null: from the first sale)"
    )
    date_to: dt.date | None = Field(
        alias="to", description="Last day included, as asked (null: up to the latest sale)"
    )
    periods: list[PeriodFigures] = Field(
        description="Oldest first; periods with neither sales nor expenses omitted"
    )
    totals: ReportTotals


ReorderReason = Literal["at_or_below_reorder_level", "runs_out_soon"]


class LastVendor(BaseModel):
    """Who the product was last bought from: the vendor of its latest live purchase."""

    vendor_id: int
    name: str
    phone: str
    last_purchase_date: dt.date
    last_price: Number = Field(
        description="`price_purchase` of that purchase line: the unit price as entered"
    )


class ReorderItem(BaseModel):
    product_id: int
    name: str
    unit: str
    quantity: Number = Field(description="In stock now")
    reorder_level: Number
    sold_in_window: Number = Field(
        description="Quantity sold on live bills dated in the window, net of their returns"
    )
    daily_rate: Number = Field(description="sold_in_window / window, to 3 places")
    days_left: Number | None = Field(
        description="quantity / the exact daily rate, cut to a tenth (0 when none is left); "
        "null when nothing sold in the window"
    )
    reason: ReorderReason = Field(
        description="`at_or_below_reorder_level` when quantity <= reorder_level, else "
        "`runs_out_soon`"
    )
    suggested_quantity: int = Field(
        description="max(0, ceil(rate x days + reorder_level - quantity)), and at least "
        "enough to be above the reorder level again"
    )
    last_vendor: LastVendor | None = Field(description="null when never bought on a purchase")


class ReorderReport(BaseModel):
    """What to order: live products at or below their reorder level, and products that would
    run out within `days` at their rate of sale over the last `window` days."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of": "2026-11-25",
                    "days": 14,
                    "window": 30,
                    "items": [
                        {
                            "product_id": 7,
                            "name": "Tata Salt 1kg",
                            "unit": "pcs",
                            "quantity": 4,
                            "reorder_level": 10,
                            "sold_in_window": 60,
                            "daily_rate": 2,
                            "days_left": 2,
                            "reason": "at_or_below_reorder_level",
                            "suggested_quantity": 34,
                            "last_vendor": {
                                "vendor_id": 3,
                                "name": "Agarwal Traders",
                                "phone": "9876543210",
                                "last_purchase_date": "2026-11-02",
                                "last_price": 22.5,
                            },
                        }
                    ],
                }
            ]
        }
    )

    as_of: dt.date = Field(description="The shop's today: the window's last day")
    days: int = Field(description="The horizon asked for, in days")
    window: int = Field(description="Days of sales the rate is taken over, today included")
    items: list[ReorderItem] = Field(
        description="Days left ascending, products that did not sell first, then by name"
    )
