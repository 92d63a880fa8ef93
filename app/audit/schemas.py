"""Shapes of the audit log API: the list filters and one row."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """`GET /api/audit`'s filters: days in the shop's time zone (both included)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str | None = None
    user_id: int | None = None


class AuditRow(BaseModel):
    """One audited change. `before`/`after` hold only what changed; money is exact."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "at": "2026-12-03T10:15:00+05:30",
                "user_id": 1,
                "action": "product_price_changed",
                "entity": "product",
                "entity_id": 7,
                "before": {"price_sale": 40.00},
                "after": {"price_sale": 42.50},
                "request_id": "3f2a9c",
            }
        }
    )

    at: dt.datetime = Field(description="When the change was made")
    user_id: int | None = Field(description="Who made it (null: the system)")
    action: str = Field(
        description="What was done, snake_case: sale_voided, purchase_voided, expense_voided, "
        "sale_returned, product_price_changed, product_tax_changed, stock_adjusted, "
        "shop_settings_changed, and the account events"
    )
    entity: str = Field(description="The kind of object changed (sale, purchase, product, shop...)")
    entity_id: int | None = Field(description="Its id")
    before: dict[str, Any] | None = Field(description="The changed values before (null: none)")
    after: dict[str, Any] | None = Field(description="The changed values after (null: none)")
    request_id: str | None = Field(description="The X-Request-ID of the request that made it")
