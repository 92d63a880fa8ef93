"""Stock ledger response models."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

Reason = Literal["opening", "adjustment", "sale", "purchase", "void", "return"]


class StockMovementRead(BaseModel):
    movement_id: int
    product_id: int
    quantity: Decimal
    reason: Reason
    sale_id: int | None
    purchase_id: int | None
    balance_after: Decimal
    note: str | None
    created_at: dt.datetime
