"""Response model of GET /api/reports/sales: the sales analysis.

Money and quantities are `Decimal` to the wire (the router answers with `respond`). Revenue
and profit mean what they mean in profit and loss: revenue is P&L's `sales` (after
discounts, GST included, net of returns), profit is P&L's `profit` (taxable value less cost).
"""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.money import Number

SalesBy = Literal["product", "customer", "day", "month", "payment_mode"]


class SalesFigures(BaseModel):
    quantity: Number = Field(
        description="Quantity sold net of returns (units summed as they are, mixed when "
        "the group holds products sold by different units)"
    )
    revenue: Number = Field(
        description="What the bills charged (after discounts, GST included, with the "
        "bill's round-off) less what their returns gave back"
    )
    profit: Number = Field(description="Taxable value less cost, net of returns; never GST")
    bills: int = Field(description="Distinct live (non-void) bills")
    average_bill: Number = Field(
        description="revenue / bills to the paisa (half-up); 0 when there are no bills"
    )


class SalesRow(SalesFigures):
    key: int | str | None = Field(
        description="product_id, customer_id (null: walk-in bills), `YYYY-MM-DD`, `YYYY-MM` "
        "or the payment mode, by `by`"
    )
    label: str = Field(
        description="Product name, customer name (else phone), `Walk-in`, the day, the month "
        "or the mode"
    )


class ProductSales(BaseModel):
    product_id: int
    name: str
    unit: str
    stock: Number = Field(description="Quantity on hand now")
    quantity: Number = Field(description="Quantity sold in the range, net of returns")
    revenue: Number
    profit: Number


class StoppedCustomer(BaseModel):
    customer_id: int
    name: str
    phone: str
    last_bill_date: dt.date = Field(description="Date of their latest live bill")
    days_since: int = Field(description="The shop's today minus last_bill_date")
    bills: int = Field(description="Live bills ever")
    revenue: Number = Field(description="Revenue of those bills ever, net of returns")


class SalesReport(BaseModel):
    """What sold, to whom, when and how it was paid over a range of bill dates."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "date_from": "2026-11-01",
                    "date_to": "2026-11-30",
                    "by": "payment_mode",
                    "rows": [
                        {
                            "key": "cash",
                            "label": "cash",
                            "quantity": 41.25,
                            "revenue": 2350.5,
                            "profit": 402.1,
                            "bills": 18,
                            "average_bill": 130.58,
                        }
                    ],
                    "totals": {
                        "quantity": 41.25,
                        "revenue": 2350.5,
                        "profit": 402.1,
                        "bills": 18,
                        "average_bill": 130.58,
                    },
                    "top": [
                        {
                            "product_id": 7,
                            "name": "Basmati Rice",
                            "unit": "kg",
                            "stock": 42.5,
                            "quantity": 20.75,
                            "revenue": 2002.38,
                            "profit": 524,
                        }
                    ],
                    "slowest": [
                        {
                            "product_id": 31,
                            "name": "Hing 50g",
                            "unit": "pcs",
                            "stock": 12,
                            "quantity": 0,
                            "revenue": 0,
                            "profit": 0,
                        }
                    ],
                    "stopped_buying": [
                        {
                            "customer_id": 12,
                            "name": "Sunita Devi",
                            "phone": "+919812345678",
                            "last_bill_date": "2026-10-02",
                            "days_since": 63,
                            "bills": 14,
                            "revenue": 5120,
                        }
                    ],
                }
            ]
        }
    )

    date_from: dt.date = Field(description="First bill date included")
    date_to: dt.date = Field(description="Last bill date included")
    by: SalesBy
    rows: list[SalesRow] = Field(
        description="One per group: day and month oldest first, the others by revenue "
        "(highest first), then key"
    )
    totals: SalesFigures = Field(
        description="Over the range; revenue and profit equal P&L's sales and profit"
    )
    top: list[ProductSales] = Field(
        description="The `limit` best sellers by revenue (then product_id), among products "
        "that sold a net quantity above 0"
    )
    slowest: list[ProductSales] = Field(
        description="The `limit` live products that sold the least quantity, those that did "
        "not sell (quantity 0) included: by quantity, then name"
    )
    stopped_buying: list[StoppedCustomer] = Field(
        description="Customers with a live bill ever and none in the last `inactive_days` "
        "days (today included); highest revenue first, at most 100"
    )
