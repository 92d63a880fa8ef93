"""What a question asks, as data: the only thing the parser or Gemini may produce.

Every field is a closed vocabulary or a bounded value; `app.ask.compiler` maps each member to
SQL fragments written here in the code, so no text from a question or a model ever becomes
SQL. Free text (a product or party name) only ever travels as a bound parameter.
"""

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Metric(StrEnum):
    SALES = "sales"
    """Money taken on live bills (line totals, tax included)."""
    PROFIT = "profit"
    """Profit on live bills (taxable value less cost)."""
    QUANTITY_SOLD = "quantity_sold"
    BILLS = "bills"
    """How many live sale bills."""
    PURCHASES = "purchases"
    """Money of live purchase bills."""
    PAYMENTS_RECEIVED = "payments_received"
    """Udhaar payments received from customers."""
    UDHAAR_DUE = "udhaar_due"
    """What customers owe the shop now (open udhaar)."""
    PAYABLE = "payable"
    """What the shop owes vendors now."""
    STOCK = "stock"
    """Quantity in stock now."""


class Dimension(StrEnum):
    DAY = "day"
    MONTH = "month"
    PRODUCT = "product"
    CUSTOMER = "customer"
    VENDOR = "vendor"
    PAYMENT_MODE = "payment_mode"


class Sort(StrEnum):
    DESC = "desc"
    """Largest first (top products, who owes the most)."""
    ASC = "asc"
    """Smallest first (slowest products, lowest stock)."""
    TIME = "time"
    """In date order (a series by day or month)."""


MAX_LIMIT = 100
MAX_NAME = 120


class Intent(BaseModel):
    """One question, compiled by `app.ask.compiler`. `None` filters do not filter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: Metric
    dimensions: tuple[Dimension, ...] = Field(default=(), max_length=2)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    product: str | None = Field(default=None, max_length=MAX_NAME)
    """A product's name (or part of it), matched case-insensitively."""
    party: str | None = Field(default=None, max_length=MAX_NAME)
    """A customer's or vendor's name (or part of it), or digits of their phone."""
    overdue: bool = False
    """Udhaar only: entries past their due date."""
    low_stock: bool = False
    """Stock only: products at or below their low-stock level."""
    sort: Sort = Sort.DESC
    limit: int = Field(default=10, ge=1, le=MAX_LIMIT)
