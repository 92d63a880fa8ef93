"""Response models of /api/notifications."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

NotificationStatus = Literal["queued", "sending", "sent", "delivered", "failed", "undeliverable"]


class OutboxMessage(BaseModel):
    notification_id: int
    channel: str = Field(examples=["sms"], description="`sms` or `whatsapp`")
    to: str = Field(examples=["+919812345678"])
    template: str = Field(examples=["sale_bill"])
    language: str = Field(examples=["en"])
    body: str
    status: NotificationStatus
    attempts: int
    provider_id: str | None = Field(description="The provider's message id once handed over")
    last_error: str | None
    reference: str | None = Field(
        examples=["sale:42"], description="What the message is about: `sale:<id>`, ..."
    )
    customer_id: int | None
    vendor_id: int | None
    next_attempt_at: dt.datetime | None = Field(
        description="When the next attempt is due (only while queued or sending)"
    )
    created_at: dt.datetime
    sent_at: dt.datetime | None
