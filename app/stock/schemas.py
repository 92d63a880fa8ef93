"""Stock ledger response models."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel

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
    note: str | None
    created_at: dt.datetime
