"""Stock ledger response models."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.core.money import Number

Reason = Literal["opening", "adjustment", "sale", "purchase", "void", "return"]


class StockMovementRead(BaseModel):
    movement_id: int
    product_id: int
    quantity: Number
    reason: Reason
    sale_id: int | None
    purchase_id: int | None
    balance_after: Number
    movement_date: dt.date = Field(
        description="The business day it belongs to: the bill's date (a void's is the voided "
        "bill's, or for goods a return had put back, the return's), else the day entered"
    )
    cost_after: Number = Field(description="The product's moving-average unit cost after it")
    note: str | None
    created_at: dt.datetime
